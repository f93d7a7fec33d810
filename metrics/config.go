package metrics

import (
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/redmx/redmx/internal/settings"
)

// Config is the [redmx.metrics] section of config.toml: the metrics
// listener, and the bound /readyz holds a node to.
type Config struct {
	Enabled          bool          `toml:"enabled" comment:"Serve Prometheus metrics (redmx's and CometBFT's, one scrape target) on address, under /metrics, with /healthz and /readyz. Leave CometBFT's instrumentation.prometheus off: its metrics are served here."`
	Address          string        `toml:"address" comment:"host:port of the metrics listener. Port 0 picks a free port. Keep it on loopback or a monitoring network: it is not meant for the public."`
	ReadyMaxBlockAge time.Duration `toml:"ready_max_block_age" comment:"/readyz answers 503 when the last block is older than this (at least 1s): the chain stopped or this node fell behind. /healthz and /readyz are also served on the RPC port."`
}

// DefaultConfig is off, on 127.0.0.1:6060 when turned on (go-ethereum's
// metrics port), with a node ready while its last block is under 15 s old.
func DefaultConfig() Config {
	return Config{Address: "127.0.0.1:6060", ReadyMaxBlockAge: 15 * time.Second}
}

// ValidateBasic reports the first bad value, as a *settings.Error naming its
// key.
func (c Config) ValidateBasic() error {
	if c.Enabled || c.Address != "" {
		host, port, err := net.SplitHostPort(c.Address)
		if err != nil {
			return &settings.Error{Field: "address", Err: err}
		}
		if p, err := strconv.ParseUint(port, 10, 16); err != nil || (p == 0 && port != "0") {
			return settings.Errorf("address", "port %q is not a number from 0 to 65535", port)
		}
		if host != "" && net.ParseIP(host) == nil && host != "localhost" {
			return &settings.Error{Field: "address", Err: errors.New("host must be an IP address or localhost")}
		}
	}
	if c.ReadyMaxBlockAge < time.Second {
		return settings.Errorf("ready_max_block_age", "must be at least 1s, got %s", c.ReadyMaxBlockAge)
	}
	return nil
}
