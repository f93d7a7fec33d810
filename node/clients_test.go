package node_test

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/internal/testnet"
)

// dialAll dials every node of net over HTTP; the clients close when the
// test ends.
func dialAll(ctx context.Context, t *testing.T, net *testnet.Network) []*ethclient.Client {
	t.Helper()
	clients := make([]*ethclient.Client, len(net.Nodes))
	for i, n := range net.Nodes {
		c, err := ethclient.DialContext(ctx, "http://"+n.RPC)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		clients[i] = c
	}
	return clients
}
