package rpc

import (
	"crypto/ecdsa"
	"time"
)

// Config tunes the JSON-RPC server. Zero values keep go-ethereum's meaning:
// no CORS headers, only IP-address hosts accepted, WebSocket origins limited to
// localhost, no gas cap, no call timeout, no batch limits, the 5 MB body limit.
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
}

// DefaultConfig is a devnet-friendly configuration: any origin and host, a
// 50M gas cap, a 5 s call timeout and go-ethereum's default batch limits.
func DefaultConfig() Config {
	return Config{
		HTTPCors:             []string{"*"},
		HTTPVirtualHosts:     []string{"*"},
		WSOrigins:            []string{"*"},
		GasCap:               50_000_000,
		EVMTimeout:           5 * time.Second,
		BatchItemLimit:       1000,
		BatchResponseMaxSize: 25 * 1000 * 1000,
	}
}
