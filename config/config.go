package config

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is the [redmx] table of config.toml: settings local to this node.
type Config struct {
	RPC     RPCConfig     `toml:"rpc"`
	Storage StorageConfig `toml:"storage"`
	Log     LogConfig     `toml:"log"`
	Pool    PoolConfig    `toml:"pool"`
}

// RPCConfig is [redmx.rpc]: the Ethereum JSON-RPC server, HTTP and WebSocket on
// one address.
type RPCConfig struct {
	// Address is host:port to listen on; port 0 picks a free port.
	Address string `toml:"address"`
	// CORS lists the origins browsers may call from ("*" for any; an entry
	// may hold one "*", as "http://localhost:*"). Default: localhost pages.
	CORS []string `toml:"cors"`
	// VirtualHosts lists the Host names accepted on HTTP ("*" for any);
	// requests to an IP address always pass. Default: "localhost".
	VirtualHosts []string `toml:"virtual_hosts"`
	// WSOrigins lists the Origin values accepted on WebSocket ("*" for any);
	// an entry without a port admits every port. Default: localhost pages.
	// Clients that send no Origin always pass.
	WSOrigins []string `toml:"ws_origins"`
	// GasCap caps the gas of eth_call and eth_estimateGas (0: no cap).
	GasCap uint64 `toml:"gas_cap"`
	// EVMTimeout bounds the run time of one eth_call, eth_estimateGas (its
	// whole search) or eth_createAccessList (0: no limit).
	EVMTimeout Duration `toml:"evm_timeout"`
	// BatchItemLimit is the most requests one batch may hold (0: no limit).
	BatchItemLimit int `toml:"batch_item_limit"`
	// BatchResponseMaxSize is the most bytes a batch's responses may take (0: no limit).
	BatchResponseMaxSize int `toml:"batch_response_max_size"`
	// HTTPBodyLimit is the largest HTTP request body accepted, in bytes.
	HTTPBodyLimit int `toml:"http_body_limit"`
	// DevAccounts is how many of the public development keys to serve as
	// unlocked accounts (eth_accounts, eth_sendTransaction): devnets only.
	DevAccounts int `toml:"dev_accounts"`
	// WSReadLimit is the largest WebSocket message accepted, in bytes (0:
	// go-ethereum's 32 MiB).
	WSReadLimit int64 `toml:"ws_read_limit"`
	// LogsMaxRange is the most by which an eth_getLogs query's toBlock may
	// exceed its fromBlock (0: no limit). Without a log index every block of
	// the range is looked at, so this bounds the work of one query.
	LogsMaxRange uint64 `toml:"logs_max_range"`
	// LogsMaxResults is the most logs one eth_getLogs answer may hold (0: no limit).
	LogsMaxResults int `toml:"logs_max_results"`
	// FilterTimeout is how long a filter of eth_newFilter and the like lives
	// without being polled.
	FilterTimeout Duration `toml:"filter_timeout"`
	// MaxSubscriptionsPerConnection is the most live eth_subscribe
	// subscriptions of one WebSocket connection (0: no limit).
	MaxSubscriptionsPerConnection int `toml:"max_subscriptions_per_connection"`
	// MaxFilters is the most installed filters (eth_newFilter and the like)
	// of the node, and MaxFiltersPerClient of one client IP (0: no limit).
	MaxFilters          int `toml:"max_filters"`
	MaxFiltersPerClient int `toml:"max_filters_per_client"`

	// HTTP server timeouts: to read a request, to read its header, to write
	// the answer (which also bounds the handling of each HTTP request), and
	// to keep an idle connection open. Each at least 1s.
	HTTPReadTimeout       Duration `toml:"http_read_timeout"`
	HTTPReadHeaderTimeout Duration `toml:"http_read_header_timeout"`
	HTTPWriteTimeout      Duration `toml:"http_write_timeout"`
	HTTPIdleTimeout       Duration `toml:"http_idle_timeout"`

	// MaxExpensiveRequests is the most expensive requests (eth_call,
	// eth_estimateGas, eth_createAccessList, eth_getLogs,
	// eth_getFilterLogs, debug traces) running at once on the node, and
	// MaxExpensiveRequestsPerClient of one client IP (0: no limit). One
	// past a limit waits up to ExpensiveQueueWait, then fails (-32005).
	MaxExpensiveRequests          int      `toml:"max_expensive_requests"`
	MaxExpensiveRequestsPerClient int      `toml:"max_expensive_requests_per_client"`
	ExpensiveQueueWait            Duration `toml:"expensive_queue_wait"`

	// Debug serves the debug namespace (traces, raw encodings). Off by
	// default; devnets turn it on.
	Debug bool `toml:"debug"`
	// TraceTimeoutMax caps the timeout a trace asks for (0: no cap).
	TraceTimeoutMax Duration `toml:"trace_timeout_max"`
	// TraceMaxBytes caps one trace answer's size in bytes; a larger trace is
	// refused (0: no cap).
	TraceMaxBytes int `toml:"trace_max_bytes"`
	// MaxConcurrentTraces is the most traces running at once (0: no limit).
	MaxConcurrentTraces int `toml:"max_concurrent_traces"`
}

// MinWSReadLimit is the smallest non-zero ws_read_limit: below it, ordinary
// requests would not fit.
const MinWSReadLimit = 1024

// StorageConfig is [redmx.storage]: the node's pebble store under data/redmx.
type StorageConfig struct {
	// CacheMB is pebble's block cache, in MiB.
	CacheMB int `toml:"cache_mb"`
	// StateHistory is how many recent blocks' state the node keeps and
	// serves (eth_getBalance, eth_call, eth_getProof, … at a past block);
	// older state is pruned from disk and refused. Ignored when Archive.
	StateHistory uint64 `toml:"state_history"`
	// Archive keeps the state of every block, overriding StateHistory.
	Archive bool `toml:"archive"`
	// PersistEvery is how often, in heights, all the state held in memory
	// is flushed to disk, so that a crash costs at most that many heights
	// of replay (0: only when the write buffer fills).
	PersistEvery uint64 `toml:"persist_every"`
}

// DefaultPersistEvery is [StorageConfig.PersistEvery] by default: about 20
// minutes of blocks at the fastest block rate.
const DefaultPersistEvery = 2048

// DefaultStateHistory is a day of blocks at the fastest block rate (one
// every ~0.6 s).
const DefaultStateHistory = 150_000

// LogConfig is [redmx.log]: the node's one slog logger, CometBFT's included.
type LogConfig struct {
	// Format is "text" or "json".
	Format string `toml:"format"`
	// Level is "debug", "info", "warn" or "error".
	Level string `toml:"level"`
}

// PoolConfig is [redmx.pool]: limits of the transaction pool. Zero keeps the
// pool's default.
type PoolConfig struct {
	GlobalSlots  uint64 `toml:"global_slots"`
	AccountSlots uint64 `toml:"account_slots"`
	GlobalQueue  uint64 `toml:"global_queue"`
	AccountQueue uint64 `toml:"account_queue"`
}

// Duration is a time.Duration written in TOML as a string such as "5s".
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes d as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// String is d as a Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// Default returns a Config in which every field has a working value: RPC on
// loopback, for browsers only from localhost pages (Host "localhost" or an IP
// address), without the debug namespace; a 50M gas cap and 5 s calls, as
// go-ethereum; its HTTP timeouts (30 s read and write, 120 s idle), 32 MiB
// WebSocket messages and 5-minute filters; log queries of at most 10,000
// blocks and 10,000 logs, 10,000 filters (100 per client), 1,000
// subscriptions per connection; 16 expensive requests at once (4 per
// client); traces of at most 10 s and 16 MiB, 2 at once.
func Default() Config {
	return Config{
		RPC: RPCConfig{
			Address:              "127.0.0.1:8545",
			CORS:                 []string{"http://localhost", "http://localhost:*", "http://127.0.0.1", "http://127.0.0.1:*"},
			VirtualHosts:         []string{"localhost"},
			WSOrigins:            []string{"http://localhost", "http://127.0.0.1"},
			GasCap:               50_000_000,
			EVMTimeout:           Duration(5 * time.Second),
			BatchItemLimit:       1000,
			BatchResponseMaxSize: 25_000_000,
			HTTPBodyLimit:        5 * 1024 * 1024,
			WSReadLimit:          32 << 20,
			LogsMaxRange:         10_000,
			LogsMaxResults:       10_000,
			FilterTimeout:        Duration(5 * time.Minute),

			MaxSubscriptionsPerConnection: 1000,
			MaxFilters:                    10_000,
			MaxFiltersPerClient:           100,

			HTTPReadTimeout:       Duration(30 * time.Second),
			HTTPReadHeaderTimeout: Duration(30 * time.Second),
			HTTPWriteTimeout:      Duration(30 * time.Second),
			HTTPIdleTimeout:       Duration(120 * time.Second),

			MaxExpensiveRequests:          16,
			MaxExpensiveRequestsPerClient: 4,
			ExpensiveQueueWait:            Duration(5 * time.Second),

			TraceTimeoutMax:     Duration(10 * time.Second),
			TraceMaxBytes:       16 << 20,
			MaxConcurrentTraces: 2,
		},
		Storage: StorageConfig{
			CacheMB:      256,
			StateHistory: DefaultStateHistory,
			PersistEvery: DefaultPersistEvery,
		},
		Log: LogConfig{
			Format: "text",
			Level:  "info",
		},
	}
}

// Log formats and levels accepted by [LogConfig].
var (
	LogFormats = []string{"text", "json"}
	LogLevels  = []string{"debug", "info", "warn", "error"}
)

// FieldError is a bad value, named by its place in config.toml.
type FieldError struct {
	Field string // e.g. "redmx.rpc.address"
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, format string, args ...any) error {
	return &FieldError{Field: "redmx." + field, Err: fmt.Errorf(format, args...)}
}

// Validate reports the first bad value by its place, e.g. "redmx.rpc.address: …".
func (c Config) Validate() error {
	if err := validateHostPort(c.RPC.Address); err != nil {
		return &FieldError{Field: "redmx.rpc.address", Err: err}
	}
	if c.RPC.EVMTimeout < 0 {
		return fieldErr("rpc.evm_timeout", "must not be negative, got %s", c.RPC.EVMTimeout)
	}
	if c.RPC.BatchItemLimit < 0 {
		return fieldErr("rpc.batch_item_limit", "must not be negative, got %d", c.RPC.BatchItemLimit)
	}
	if c.RPC.BatchResponseMaxSize < 0 {
		return fieldErr("rpc.batch_response_max_size", "must not be negative, got %d", c.RPC.BatchResponseMaxSize)
	}
	if c.RPC.DevAccounts < 0 || c.RPC.DevAccounts > 1000 {
		return fieldErr("rpc.dev_accounts", "must be between 0 and 1000, got %d", c.RPC.DevAccounts)
	}
	// A body must fit at least one transaction of the largest size a block takes.
	if c.RPC.HTTPBodyLimit < 1024*1024 {
		return fieldErr("rpc.http_body_limit", "must be at least 1048576 (1 MiB), got %d", c.RPC.HTTPBodyLimit)
	}
	if c.RPC.WSReadLimit != 0 && c.RPC.WSReadLimit < MinWSReadLimit {
		return fieldErr("rpc.ws_read_limit", "must be 0 (go-ethereum's default) or at least %d, got %d", MinWSReadLimit, c.RPC.WSReadLimit)
	}
	if c.RPC.LogsMaxResults < 0 {
		return fieldErr("rpc.logs_max_results", "must not be negative, got %d", c.RPC.LogsMaxResults)
	}
	if c.RPC.FilterTimeout < Duration(time.Second) {
		return fieldErr("rpc.filter_timeout", "must be at least 1s, got %s", c.RPC.FilterTimeout)
	}
	if c.RPC.MaxSubscriptionsPerConnection < 0 {
		return fieldErr("rpc.max_subscriptions_per_connection", "must not be negative, got %d", c.RPC.MaxSubscriptionsPerConnection)
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"rpc.max_filters", c.RPC.MaxFilters},
		{"rpc.max_filters_per_client", c.RPC.MaxFiltersPerClient},
		{"rpc.max_expensive_requests", c.RPC.MaxExpensiveRequests},
		{"rpc.max_expensive_requests_per_client", c.RPC.MaxExpensiveRequestsPerClient},
		{"rpc.trace_max_bytes", c.RPC.TraceMaxBytes},
		{"rpc.max_concurrent_traces", c.RPC.MaxConcurrentTraces},
	} {
		if f.v < 0 {
			return fieldErr(f.name, "must not be negative, got %d", f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    Duration
	}{
		{"rpc.http_read_timeout", c.RPC.HTTPReadTimeout},
		{"rpc.http_read_header_timeout", c.RPC.HTTPReadHeaderTimeout},
		{"rpc.http_write_timeout", c.RPC.HTTPWriteTimeout},
		{"rpc.http_idle_timeout", c.RPC.HTTPIdleTimeout},
	} {
		if f.v < Duration(time.Second) {
			return fieldErr(f.name, "must be at least 1s, got %s", f.v)
		}
	}
	if c.RPC.ExpensiveQueueWait < 0 {
		return fieldErr("rpc.expensive_queue_wait", "must not be negative, got %s", c.RPC.ExpensiveQueueWait)
	}
	if c.RPC.TraceTimeoutMax < 0 {
		return fieldErr("rpc.trace_timeout_max", "must not be negative, got %s", c.RPC.TraceTimeoutMax)
	}
	for _, l := range []struct {
		name string
		vals []string
	}{{"rpc.cors", c.RPC.CORS}, {"rpc.virtual_hosts", c.RPC.VirtualHosts}, {"rpc.ws_origins", c.RPC.WSOrigins}} {
		for i, v := range l.vals {
			if strings.TrimSpace(v) == "" {
				return fieldErr(l.name, "entry %d is empty", i)
			}
		}
	}
	if c.Storage.CacheMB < 16 {
		return fieldErr("storage.cache_mb", "must be at least 16, got %d", c.Storage.CacheMB)
	}
	if c.Storage.StateHistory == 0 && !c.Storage.Archive {
		return fieldErr("storage.state_history", "must be at least 1 (set redmx.storage.archive = true to keep every block's state)")
	}
	if !slices.Contains(LogFormats, c.Log.Format) {
		return fieldErr("log.format", "must be one of %s, got %q", strings.Join(LogFormats, ", "), c.Log.Format)
	}
	if !slices.Contains(LogLevels, c.Log.Level) {
		return fieldErr("log.level", "must be one of %s, got %q", strings.Join(LogLevels, ", "), c.Log.Level)
	}
	return nil
}

func validateHostPort(addr string) error {
	if addr == "" {
		return errors.New("must be host:port, got an empty string")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must be host:port: %w", err)
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /") {
		return fmt.Errorf("bad host %q", host)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("bad port %q", port)
	}
	return nil
}
