package node

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/internal/devkeys"
	"github.com/redmx/redmx/rpc"
)

// newRPCHandler returns the Ethereum JSON-RPC handler (HTTP and WebSocket on
// one port) and a cleanup to run after the HTTP server has shut down.
func newRPCHandler(b rpc.Backend, cfg config.RPCConfig, logger *slog.Logger) (http.Handler, func(), error) {
	srv, err := rpc.NewServer(b, rpcConfig(cfg))
	if err != nil {
		return nil, nil, err
	}
	return rpc.Handler(srv, rpcConfig(cfg)), srv.Stop, nil
}

// newRPCHTTPServer is the HTTP server of the JSON-RPC handler, with the
// configured timeouts.
func newRPCHTTPServer(h http.Handler, cfg config.RPCConfig) *http.Server {
	return rpc.NewHTTPServer(h, rpcConfig(cfg))
}

func rpcConfig(c config.RPCConfig) rpc.Config {
	r := rpc.DefaultConfig()
	r.HTTPCors = c.CORS
	r.HTTPVirtualHosts = c.VirtualHosts
	r.WSOrigins = c.WSOrigins
	r.GasCap = c.GasCap
	r.EVMTimeout = time.Duration(c.EVMTimeout)
	r.BatchItemLimit = c.BatchItemLimit
	r.BatchResponseMaxSize = c.BatchResponseMaxSize
	r.HTTPBodyLimit = c.HTTPBodyLimit
	r.Accounts = devkeys.Keys(c.DevAccounts)
	r.WSReadLimit = c.WSReadLimit
	r.LogsMaxRange = c.LogsMaxRange
	r.LogsMaxResults = c.LogsMaxResults
	r.FilterTimeout = time.Duration(c.FilterTimeout)
	r.MaxSubscriptionsPerConn = c.MaxSubscriptionsPerConnection
	r.MaxFilters = c.MaxFilters
	r.MaxFiltersPerClient = c.MaxFiltersPerClient
	r.HTTPTimeouts = rpc.HTTPTimeouts{
		Read:       time.Duration(c.HTTPReadTimeout),
		ReadHeader: time.Duration(c.HTTPReadHeaderTimeout),
		Write:      time.Duration(c.HTTPWriteTimeout),
		Idle:       time.Duration(c.HTTPIdleTimeout),
	}
	r.MaxConcurrentExpensive = c.MaxExpensiveRequests
	r.MaxConcurrentExpensivePerClient = c.MaxExpensiveRequestsPerClient
	r.ExpensiveQueueWait = time.Duration(c.ExpensiveQueueWait)
	r.Debug = c.Debug
	r.TraceTimeoutMax = time.Duration(c.TraceTimeoutMax)
	r.TraceMaxBytes = c.TraceMaxBytes
	r.MaxConcurrentTraces = c.MaxConcurrentTraces
	return r
}
