package node

import (
	"log/slog"
	"net/http"

	"github.com/redmx/redmx/rpc"
)

// newRPCHandler returns the Ethereum JSON-RPC handler (HTTP and WebSocket on
// one port) and a cleanup to run after the HTTP server has shut down.
func newRPCHandler(b rpc.Backend, cfg rpc.Config, logger *slog.Logger) (http.Handler, func(), error) {
	srv, err := rpc.NewServer(b, cfg)
	if err != nil {
		return nil, nil, err
	}
	return rpc.Handler(srv, cfg), srv.Stop, nil
}
