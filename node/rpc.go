package node

import (
	"log/slog"
	"net/http"

	cmtnode "github.com/cometbft/cometbft/node"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/rpc"
)

// newRPCHandler returns the Ethereum JSON-RPC handler (HTTP and WebSocket on
// one port) and a cleanup to run after the HTTP server has shut down.
func newRPCHandler(a *app.App, cmt *cmtnode.Node, cfg rpc.Config, logger *slog.Logger) (http.Handler, func(), error) {
	srv, err := rpc.NewServer(&backend{app: a, cmt: cmt}, cfg)
	if err != nil {
		return nil, nil, err
	}
	return rpc.Handler(srv, cfg), srv.Stop, nil
}
