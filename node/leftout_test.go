package node_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// TestProposalsLeavingTransactionsOut floods four real validators with
// applications from accounts of no record, more than a block's quota, so
// that every proposer leaves candidates out of its block: every node goes on
// finalising the same blocks (this flood stopped every proposer with an
// index out of range), and a member's transfer is still mined.
func TestProposalsLeavingTransactionsOut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-node network")
	}
	net := testnet.Start(t, devnet.Config{
		Validators:    4,
		TimeoutCommit: 300 * time.Millisecond,
		GovParams:     map[string]uint64{"applyQuota": 5},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	clients := dialAll(ctx, t, net)
	start, err := clients[0].BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 40 strangers, each one application, spread over the nodes so that
	// every proposer's pool holds more than the quota.
	sent := 0
	for i := range 40 {
		key, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("left-out stranger %d", i))))
		if err != nil {
			t.Fatal(err)
		}
		data, err := governance.ABI.Pack("applyProject", "public", fmt.Sprintf("flood %d", i), [32]byte{1}, "https://example.org/p",
			[32]byte{2}, "https://example.org/r", uint8(1), []common.Address{crypto.PubkeyToAddress(key.PublicKey)})
		if err != nil {
			t.Fatal(err)
		}
		if clients[i%len(clients)].SendTransaction(ctx, ethtest.Call(key, net.ChainID, 0, governance.Address, data, 2_000_000)) == nil {
			sent++
		}
	}
	if sent <= 5 {
		t.Fatalf("only %d applications pooled: the flood does not exceed a block's quota", sent)
	}
	transfer := ethtest.Transfer(ethtest.DevKey(0), net.ChainID, 0, common.HexToAddress("0xbeef"), big.NewInt(1))
	if err := clients[1].SendTransaction(ctx, transfer); err != nil {
		t.Fatal(err)
	}
	testnet.WaitFor(ctx, t, "the member's transfer mined", func() error {
		_, err := clients[0].TransactionReceipt(ctx, transfer.Hash())
		return err
	})
	// Every node keeps finalising, on the same chain, for several heights
	// past the flood. CometBFT stores a block before the app commits it, so
	// each node's RPC is asked until it serves the block.
	target := int64(start) + 12
	net.WaitHeight(ctx, t, target)
	var want common.Hash
	for i, c := range clients {
		var h *types.Header
		testnet.WaitFor(ctx, t, fmt.Sprintf("node%d serving block %d", i, target), func() (err error) {
			h, err = c.HeaderByNumber(ctx, big.NewInt(target))
			return err
		})
		if i == 0 {
			want = h.Hash()
		} else if h.Hash() != want {
			t.Fatalf("node%d's block %d is %s, node0's %s", i, target, h.Hash(), want)
		}
	}
}
