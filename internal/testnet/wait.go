package testnet

import (
	"context"
	"errors"
	"fmt"

	"github.com/redmx/redmx/devnet"
)

// WaitFor calls cond until it returns nil or ctx ends, then fails t with what
// was awaited and cond's last error.
func WaitFor(ctx context.Context, t TB, what string, cond func() error) {
	t.Helper()
	if err := devnet.Poll(ctx, what, cond); err != nil {
		t.Fatalf("%v", err)
	}
}

// Height is node i's latest block height: from its block store when it runs
// in this process, else from its CometBFT RPC.
func (n *Network) Height(ctx context.Context, i int) (int64, error) {
	if i < len(n.inproc) && n.inproc[i] != nil {
		cmt := n.inproc[i].node.CometBFT()
		if cmt == nil {
			return 0, errors.New("not started")
		}
		return cmt.BlockStore().Height(), nil
	}
	return devnet.CometHeight(ctx, n.Nodes[i].CometRPC)
}

// WaitHeight waits until every node has committed height h.
func (n *Network) WaitHeight(ctx context.Context, t TB, h int64) {
	t.Helper()
	WaitFor(ctx, t, fmt.Sprintf("every node at height %d", h), func() error { return n.AtHeight(ctx, h) })
}

// AtHeight returns nil once every node has committed height h.
func (n *Network) AtHeight(ctx context.Context, h int64) error {
	for i, info := range n.Nodes {
		got, err := n.Height(ctx, i)
		if err != nil {
			return fmt.Errorf("%s: %w", info.Name, err)
		}
		if got < h {
			return fmt.Errorf("%s at height %d", info.Name, got)
		}
	}
	return nil
}
