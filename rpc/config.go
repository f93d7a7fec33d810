package rpc

import (
	"crypto/ecdsa"
	"time"
)

// Config tunes the JSON-RPC server. Zero values keep go-ethereum's meaning:
// no CORS headers, only IP-address hosts accepted, WebSocket origins limited to
// localhost, no gas cap, no call timeout, no batch limits, the 5 MB body limit,
// the 32 MiB WebSocket message limit, filters that expire after 5 minutes, and
// no caps on log queries or subscriptions.
type Config struct {
	// HTTPCors lists the origins browsers may call from ("*" for any).
	HTTPCors []string
	// HTTPVirtualHosts lists the Host names accepted on HTTP ("*" for any).
	// Requests addressed to an IP address are always accepted.
	HTTPVirtualHosts []string
	// WSOrigins lists the Origin values accepted on WebSocket ("*" for any).
	WSOrigins []string

	// GasCap caps the gas of eth_call and eth_estimateGas.
	GasCap uint64
	// EVMTimeout bounds the run time of one eth_call.
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
	// answer may hold.
	LogsMaxResults int
	// LogsMaxCriteria is the most addresses, and the most topics in one
	// position, that a log query or filter may list (go-ethereum's
	// LogQueryLimit).
	LogsMaxCriteria int
	// FilterTimeout is how long a filter of eth_newFilter,
	// eth_newBlockFilter or eth_newPendingTransactionFilter lives without
	// being polled.
	FilterTimeout time.Duration
	// MaxSubscriptionsPerConn is the most live eth_subscribe subscriptions one
	// WebSocket connection may hold.
	MaxSubscriptionsPerConn int
}

// defaultFilterTimeout is go-ethereum's filter lifetime.
const defaultFilterTimeout = 5 * time.Minute

// DefaultConfig is a devnet-friendly configuration: any origin and host, a
// 50M gas cap, a 5 s call timeout, go-ethereum's default batch limits and
// filter timeout, log queries of at most 10,000 blocks and 10,000 results,
// and 1,000 subscriptions per connection.
func DefaultConfig() Config {
	return Config{
		HTTPCors:                []string{"*"},
		HTTPVirtualHosts:        []string{"*"},
		WSOrigins:               []string{"*"},
		GasCap:                  50_000_000,
		EVMTimeout:              5 * time.Second,
		BatchItemLimit:          1000,
		BatchResponseMaxSize:    25 * 1000 * 1000,
		LogsMaxRange:            10_000,
		LogsMaxResults:          10_000,
		LogsMaxCriteria:         1000,
		FilterTimeout:           defaultFilterTimeout,
		MaxSubscriptionsPerConn: 1000,
	}
}
