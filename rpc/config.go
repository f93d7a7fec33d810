package rpc

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redmx/redmx/internal/settings"
)

// Config is the [redmx.rpc] section of config.toml: the Ethereum JSON-RPC
// server, HTTP and WebSocket on one address. Each field's comment tag is its
// documentation in the file `redmx init` writes. Zero values keep
// go-ethereum's meaning where it has one; [DefaultConfig] is what a new node
// gets, and [Config.ValidateBasic] what a loaded one must satisfy.
type Config struct {
	Address      string   `toml:"address" comment:"Ethereum JSON-RPC, HTTP and WebSocket on one host:port. Port 0 picks a free port. Use 0.0.0.0 to serve other machines."`
	CORS         []string `toml:"cors" comment:"Origins browsers may call from (\"*\" for any; an entry may hold one \"*\", as \"http://localhost:*\"). The default admits pages served from this machine."`
	VirtualHosts []string `toml:"virtual_hosts" comment:"Host names accepted on HTTP (\"*\" for any); IP addresses always work. Names guard against DNS rebinding: list the names this node is reached by."`
	WSOrigins    []string `toml:"ws_origins" comment:"Origins accepted on WebSocket (\"*\" for any); an entry without a port admits every port. Clients that send no Origin (not browsers) always pass."`

	// The HTTP server's timeouts (see [NewHTTPServer]).
	HTTPReadTimeout       time.Duration `toml:"http_read_timeout" comment:"Longest read of an HTTP request (at least 1s)."`
	HTTPReadHeaderTimeout time.Duration `toml:"http_read_header_timeout" comment:"Longest read of an HTTP request's header (at least 1s)."`
	HTTPWriteTimeout      time.Duration `toml:"http_write_timeout" comment:"Longest write of an HTTP answer (at least 1s); this also ends the handling of a request, with -32002 \"request timed out\"."`
	HTTPIdleTimeout       time.Duration `toml:"http_idle_timeout" comment:"Longest an idle HTTP connection is kept (at least 1s)."`

	GasCap     uint64        `toml:"gas_cap" comment:"Gas cap of eth_call and eth_estimateGas (0: no cap)."`
	EVMTimeout time.Duration `toml:"evm_timeout" comment:"Longest run of one eth_call, eth_estimateGas (the whole search) or eth_createAccessList (0: no limit)."`

	// A request past a limit waits up to ExpensiveQueueWait for a slot, then
	// fails with -32005.
	MaxExpensiveRequests          int           `toml:"max_expensive_requests" comment:"Expensive requests (eth_call, eth_estimateGas, eth_createAccessList, eth_getLogs, eth_getFilterLogs, debug traces) running at once on the node (0: no limit). One past a limit waits up to expensive_queue_wait, then fails with -32005."`
	MaxExpensiveRequestsPerClient int           `toml:"max_expensive_requests_per_client" comment:"Expensive requests running at once per client IP address (0: no limit; behind a proxy every client is the proxy)."`
	ExpensiveQueueWait            time.Duration `toml:"expensive_queue_wait" comment:"Longest wait of an expensive request for a slot."`

	Debug               bool          `toml:"debug" comment:"Serve the debug namespace (debug_trace*, debug_getRaw*). A trace can cost a lot of CPU and memory: off unless you need it (devnets turn it on). Off, its methods do not exist (-32601)."`
	TraceTimeoutMax     time.Duration `toml:"trace_timeout_max" comment:"Longest timeout a trace may ask for, per transaction; a larger one is lowered to it (0: no cap)."`
	TraceMaxBytes       int           `toml:"trace_max_bytes" comment:"Largest trace answer, in bytes of JSON (a block trace's answers together); the struct logger stops recording at it and the trace is refused (0: no cap)."`
	MaxConcurrentTraces int           `toml:"max_concurrent_traces" comment:"Traces running at once on the node (0: no limit)."`

	BatchItemLimit       int   `toml:"batch_item_limit" comment:"Most requests in one batch (0: no limit)."`
	BatchResponseMaxSize int   `toml:"batch_response_max_size" comment:"Most bytes of a batch's responses (0: no limit)."`
	HTTPBodyLimit        int   `toml:"http_body_limit" comment:"Largest HTTP request body, in bytes (at least 1 MiB, which holds the largest transaction)."`
	DevAccounts          int   `toml:"dev_accounts" comment:"Serve this many of the public development keys as unlocked accounts (eth_accounts, eth_sendTransaction, eth_signTransaction, eth_sign). Anyone can sign with those keys: only for development networks, 0 everywhere else (at most 1000)."`
	WSReadLimit          int64 `toml:"ws_read_limit" comment:"Largest WebSocket message accepted, in bytes (0: go-ethereum's 32 MiB; else at least 1024)."`

	LogsMaxRange   uint64        `toml:"logs_max_range" comment:"Most blocks one eth_getLogs or eth_getFilterLogs query may span: toBlock - fromBlock, tags resolved; a wider one is refused (\"exceed maximum block range N\", 0: no limit). Logs are found by reading each block's bloom, so this bounds the work of a query."`
	LogsMaxResults int           `toml:"logs_max_results" comment:"Most logs one eth_getLogs or eth_getFilterLogs answer may hold; the search stops at the first log past it (-32005 \"query returned more than N results\"; 0: no limit)."`
	FilterTimeout  time.Duration `toml:"filter_timeout" comment:"How long a filter (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter) lives without being polled (at least 1s)."`

	MaxSubscriptionsPerConnection int `toml:"max_subscriptions_per_connection" comment:"Most live eth_subscribe subscriptions of one WebSocket connection (0: no limit)."`
	MaxFilters                    int `toml:"max_filters" comment:"Installed filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter) on the node (0: no limit)."`
	MaxFiltersPerClient           int `toml:"max_filters_per_client" comment:"Installed filters per client IP address (0: no limit)."`
}

// MinWSReadLimit is the smallest non-zero ws_read_limit: below it, ordinary
// requests would not fit.
const MinWSReadLimit = 1024

// minHTTPBodyLimit is the smallest http_body_limit: a body must hold at least
// one transaction of the largest size a block takes.
const minHTTPBodyLimit = 1 << 20

// defaultFilterTimeout is go-ethereum's filter lifetime.
const defaultFilterTimeout = 5 * time.Minute

// logsMaxCriteria is the most addresses, and the most topics in one
// position, that a log query or filter may list (go-ethereum's
// LogQueryLimit).
const logsMaxCriteria = 1000

// LocalOrigins are the browser origins of pages served from this machine, at
// any port, as CORS origins (rs/cors: "*" stands for any characters).
var LocalOrigins = []string{"http://localhost", "http://localhost:*", "http://127.0.0.1", "http://127.0.0.1:*"}

// LocalWSOrigins are the same as WebSocket origins, which go-ethereum
// matches by scheme and host, and by port only where one is given.
var LocalWSOrigins = []string{"http://localhost", "http://127.0.0.1"}

// DefaultConfig is a node serving its own machine: on loopback, for browsers
// only from localhost pages (Host "localhost" or an IP address), without the
// debug namespace; a 50M gas cap and 5 s calls, as go-ethereum; its HTTP
// timeouts (30 s read and write, 120 s idle), 5 MiB bodies, 32 MiB WebSocket
// messages and 5-minute filters; log queries of at most 10,000 blocks and
// 10,000 logs, 10,000 filters (100 per client), 1,000 subscriptions per
// connection; 16 expensive requests at once (4 per client); traces of at most
// 10 s and 16 MiB, 2 at once.
func DefaultConfig() Config {
	return Config{
		Address: "127.0.0.1:8545",
		// Copies: a decoder may write into a default's backing array.
		CORS:         slices.Clone(LocalOrigins),
		VirtualHosts: []string{"localhost"},
		WSOrigins:    slices.Clone(LocalWSOrigins),

		HTTPReadTimeout:       30 * time.Second,
		HTTPReadHeaderTimeout: 30 * time.Second,
		HTTPWriteTimeout:      30 * time.Second,
		HTTPIdleTimeout:       120 * time.Second,

		GasCap:     50_000_000,
		EVMTimeout: 5 * time.Second,

		MaxExpensiveRequests:          16,
		MaxExpensiveRequestsPerClient: 4,
		ExpensiveQueueWait:            5 * time.Second,

		TraceTimeoutMax:     10 * time.Second,
		TraceMaxBytes:       16 << 20,
		MaxConcurrentTraces: 2,

		BatchItemLimit:       1000,
		BatchResponseMaxSize: 25_000_000,
		HTTPBodyLimit:        5 << 20,
		WSReadLimit:          32 << 20,

		LogsMaxRange:   10_000,
		LogsMaxResults: 10_000,
		FilterTimeout:  defaultFilterTimeout,

		MaxSubscriptionsPerConnection: 1000,
		MaxFilters:                    10_000,
		MaxFiltersPerClient:           100,
	}
}

// ValidateBasic reports the first bad value, as a *settings.Error naming its
// key.
func (c Config) ValidateBasic() error {
	if err := validateHostPort(c.Address); err != nil {
		return &settings.Error{Field: "address", Err: err}
	}
	for _, l := range []struct {
		key  string
		vals []string
	}{{"cors", c.CORS}, {"virtual_hosts", c.VirtualHosts}, {"ws_origins", c.WSOrigins}} {
		for i, v := range l.vals {
			if strings.TrimSpace(v) == "" {
				return settings.Errorf(l.key, "entry %d is empty", i)
			}
		}
	}
	for _, f := range []struct {
		key string
		v   time.Duration
		min time.Duration
	}{
		{"http_read_timeout", c.HTTPReadTimeout, time.Second},
		{"http_read_header_timeout", c.HTTPReadHeaderTimeout, time.Second},
		{"http_write_timeout", c.HTTPWriteTimeout, time.Second},
		{"http_idle_timeout", c.HTTPIdleTimeout, time.Second},
		{"filter_timeout", c.FilterTimeout, time.Second},
		{"evm_timeout", c.EVMTimeout, 0},
		{"expensive_queue_wait", c.ExpensiveQueueWait, 0},
		{"trace_timeout_max", c.TraceTimeoutMax, 0},
	} {
		switch {
		case f.v < 0 && f.min == 0:
			return settings.Errorf(f.key, "must not be negative, got %s", f.v)
		case f.v < f.min:
			return settings.Errorf(f.key, "must be at least %s, got %s", f.min, f.v)
		}
	}
	for _, f := range []struct {
		key string
		v   int
	}{
		{"batch_item_limit", c.BatchItemLimit},
		{"batch_response_max_size", c.BatchResponseMaxSize},
		{"logs_max_results", c.LogsMaxResults},
		{"max_subscriptions_per_connection", c.MaxSubscriptionsPerConnection},
		{"max_filters", c.MaxFilters},
		{"max_filters_per_client", c.MaxFiltersPerClient},
		{"max_expensive_requests", c.MaxExpensiveRequests},
		{"max_expensive_requests_per_client", c.MaxExpensiveRequestsPerClient},
		{"trace_max_bytes", c.TraceMaxBytes},
		{"max_concurrent_traces", c.MaxConcurrentTraces},
	} {
		if f.v < 0 {
			return settings.Errorf(f.key, "must not be negative, got %d", f.v)
		}
	}
	if c.DevAccounts < 0 || c.DevAccounts > 1000 {
		return settings.Errorf("dev_accounts", "must be between 0 and 1000, got %d", c.DevAccounts)
	}
	if c.HTTPBodyLimit < minHTTPBodyLimit {
		return settings.Errorf("http_body_limit", "must be at least %d (1 MiB), got %d", minHTTPBodyLimit, c.HTTPBodyLimit)
	}
	if c.WSReadLimit != 0 && c.WSReadLimit < MinWSReadLimit {
		return settings.Errorf("ws_read_limit", "must be 0 (go-ethereum's default) or at least %d, got %d", MinWSReadLimit, c.WSReadLimit)
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
