package rpc

import (
	"crypto/ecdsa"
	"time"
)

// Config tunes the JSON-RPC server. Zero values keep go-ethereum's meaning
// where it has one: no CORS headers, only IP-address hosts accepted,
// WebSocket origins limited to localhost, no gas cap, no call timeout, no
// batch limits, the 5 MB body limit, the 32 MiB WebSocket message limit,
// filters that expire after 5 minutes; and no debug namespace, no caps on log
// queries, filters, subscriptions or concurrent requests, no HTTP timeouts.
type Config struct {
	// HTTPCors lists the origins browsers may call from ("*" for any).
	HTTPCors []string
	// HTTPVirtualHosts lists the Host names accepted on HTTP ("*" for any).
	// Requests addressed to an IP address are always accepted.
	HTTPVirtualHosts []string
	// WSOrigins lists the Origin values accepted on WebSocket ("*" for any).
	WSOrigins []string

	// HTTPTimeouts are the HTTP server's read, read-header, write and idle
	// timeouts (see [NewHTTPServer]); the write timeout also bounds each
	// HTTP request's handling, as in go-ethereum.
	HTTPTimeouts HTTPTimeouts

	// Debug registers the debug namespace (traces and raw getters). Off, its
	// methods do not exist (-32601).
	Debug bool
	// TraceTimeoutMax caps the timeout of one traced transaction: a trace
	// config's larger timeout is lowered to it (0: no cap).
	TraceTimeoutMax time.Duration
	// TraceMaxBytes caps the size of one trace answer (all of a block's
	// transactions together), in bytes of JSON; the struct logger stops
	// recording at it and the trace is refused (0: no cap).
	TraceMaxBytes int
	// MaxConcurrentTraces is the most debug traces that run at once, node-wide
	// (0: no limit).
	MaxConcurrentTraces int

	// MaxConcurrentExpensive is the most expensive requests (eth_call,
	// eth_estimateGas, eth_createAccessList, eth_getLogs,
	// eth_getFilterLogs, debug traces) that run at once, node-wide; and
	// MaxConcurrentExpensivePerClient the most of one client, known by its IP
	// address (0: no limit). A request past a limit waits up to
	// ExpensiveQueueWait for a slot, then fails with -32005.
	MaxConcurrentExpensive          int
	MaxConcurrentExpensivePerClient int
	ExpensiveQueueWait              time.Duration

	// GasCap caps the gas of eth_call and eth_estimateGas.
	GasCap uint64
	// EVMTimeout bounds the run time of one eth_call, eth_estimateGas (its
	// whole search) or eth_createAccessList.
	EVMTimeout time.Duration

	// BatchItemLimit is the most requests one batch may hold.
	BatchItemLimit int
	// BatchResponseMaxSize is the most bytes a batch's responses may take.
	BatchResponseMaxSize int
	// Accounts are unlocked keys served by eth_accounts, eth_sendTransaction,
	// eth_signTransaction and eth_sign: for development networks only.
	Accounts []*ecdsa.PrivateKey

	// HTTPBodyLimit is the largest request body accepted, in bytes (0 keeps
	// go-ethereum's 5 MB).
	HTTPBodyLimit int
	// WSReadLimit is the largest WebSocket message accepted, in bytes (0 keeps
	// go-ethereum's 32 MiB).
	WSReadLimit int64

	// LogsMaxRange is the most by which an eth_getLogs or eth_getFilterLogs
	// query's toBlock may exceed its fromBlock, after tags are resolved.
	LogsMaxRange uint64
	// LogsMaxResults is the most logs one eth_getLogs or eth_getFilterLogs
	// answer may hold; the search stops at the first log past it.
	LogsMaxResults int
	// LogsMaxCriteria is the most addresses, and the most topics in one
	// position, that a log query or filter may list (go-ethereum's
	// LogQueryLimit).
	LogsMaxCriteria int
	// FilterTimeout is how long a filter of eth_newFilter,
	// eth_newBlockFilter or eth_newPendingTransactionFilter lives without
	// being polled.
	FilterTimeout time.Duration
	// MaxFilters is the most installed filters (eth_newFilter,
	// eth_newBlockFilter, eth_newPendingTransactionFilter) node-wide, and
	// MaxFiltersPerClient the most of one client, known by its IP address
	// (0: no limit).
	MaxFilters          int
	MaxFiltersPerClient int
	// MaxSubscriptionsPerConn is the most live eth_subscribe subscriptions one
	// WebSocket connection may hold.
	MaxSubscriptionsPerConn int
}

// HTTPTimeouts are an HTTP server's timeouts (net/http's meaning; 0: none).
type HTTPTimeouts struct {
	Read, ReadHeader, Write, Idle time.Duration
}

// DefaultHTTPTimeouts are go-ethereum's: 30 s to read a request (and its
// header), 30 s to answer it, 120 s for an idle keep-alive connection.
var DefaultHTTPTimeouts = HTTPTimeouts{Read: 30 * time.Second, ReadHeader: 30 * time.Second, Write: 30 * time.Second, Idle: 120 * time.Second}

// defaultFilterTimeout is go-ethereum's filter lifetime.
const defaultFilterTimeout = 5 * time.Minute

// LocalOrigins are the browser origins of pages served from this machine, at
// any port, as CORS origins (rs/cors: "*" stands for any characters).
var LocalOrigins = []string{"http://localhost", "http://localhost:*", "http://127.0.0.1", "http://127.0.0.1:*"}

// LocalWSOrigins are the same as WebSocket origins, which go-ethereum
// matches by scheme and host, and by port only where one is given.
var LocalWSOrigins = []string{"http://localhost", "http://127.0.0.1"}

// DefaultConfig is a configuration for a node serving its own machine:
// browsers only from localhost pages, Host "localhost" or an IP address, no
// debug namespace, a 50M gas cap, a 5 s call timeout, go-ethereum's HTTP
// timeouts, default batch limits and filter timeout, log queries of at most
// 10,000 blocks and 10,000 results, 1,000 subscriptions per connection, and
// the request caps documented on [Config]'s fields at their values here.
func DefaultConfig() Config {
	return Config{
		HTTPCors:                        LocalOrigins,
		HTTPVirtualHosts:                []string{"localhost"},
		WSOrigins:                       LocalWSOrigins,
		HTTPTimeouts:                    DefaultHTTPTimeouts,
		TraceTimeoutMax:                 10 * time.Second,
		TraceMaxBytes:                   16 << 20,
		MaxConcurrentTraces:             2,
		MaxConcurrentExpensive:          16,
		MaxConcurrentExpensivePerClient: 4,
		ExpensiveQueueWait:              5 * time.Second,
		GasCap:                          50_000_000,
		EVMTimeout:                      5 * time.Second,
		BatchItemLimit:                  1000,
		BatchResponseMaxSize:            25 * 1000 * 1000,
		LogsMaxRange:                    10_000,
		LogsMaxResults:                  10_000,
		LogsMaxCriteria:                 1000,
		FilterTimeout:                   defaultFilterTimeout,
		MaxFilters:                      10_000,
		MaxFiltersPerClient:             100,
		MaxSubscriptionsPerConn:         1000,
	}
}
