package node_test

import (
	"testing"

	cmthttp "github.com/cometbft/cometbft/rpc/client/http"
)

// cometClient is a client of a node's CometBFT RPC (host:port).
func cometClient(t *testing.T, addr string) *cmthttp.HTTP {
	t.Helper()
	c, err := cmthttp.New("tcp://"+addr, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	return c
}
