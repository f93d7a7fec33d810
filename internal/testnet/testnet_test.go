package testnet_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
)

// TestBlocksAgree runs four validators in process: they produce blocks and
// every node commits the same block at height 2.
func TestBlocksAgree(t *testing.T) {
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	net.WaitHeight(ctx, t, 3)

	var want []byte
	for i, info := range net.Nodes {
		meta := net.Node(i).CometBFT().BlockStore().LoadBlockMeta(2)
		if meta == nil {
			t.Fatalf("%s has no block 2", info.Name)
		}
		if i == 0 {
			want = meta.BlockID.Hash
			continue
		}
		if !bytes.Equal(meta.BlockID.Hash, want) {
			t.Fatalf("%s block 2 hash %X, node0 has %X", info.Name, meta.BlockID.Hash, want)
		}
	}
}
