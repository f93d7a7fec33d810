package app_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
)

// TestCommitEvents checks that each commit announces its block, after it is
// the head, and its logs with the fields that eth_getLogs serves.
func TestCommitEvents(t *testing.T) {
	h := newHarness(t, memStore())
	chainCh := make(chan core.ChainEvent, 8)
	logsCh := make(chan []*types.Log, 8)
	defer h.app.SubscribeChainEvent(chainCh).Unsubscribe()
	defer h.app.SubscribeLogsEvent(logsCh).Unsubscribe()

	key := ethtest.DevKey(0)
	token := contracts.Token()
	tokenAddr := crypto.CreateAddress(ethtest.Address(key), 0)
	to := common.HexToAddress("0xbeef")
	mustAdd(t, h, ethtest.Deploy(key, chainID, 0, token.DeployData("T", "T", big.NewInt(1000)), 2_000_000))
	h.block()
	mustAdd(t, h, ethtest.Transfer(key, chainID, 1, to, big.NewInt(1)))
	mustAdd(t, h, ethtest.Call(key, chainID, 2, tokenAddr, token.Pack("transfer", to, big.NewInt(7)), 100_000))
	h.block()

	for want := uint64(1); want <= 2; want++ {
		ev := receive(t, chainCh)
		if ev.Header.Number.Uint64() != want {
			t.Fatalf("chain event for block %d, want %d", ev.Header.Number, want)
		}
		stored := h.app.chain.HeaderByNumber(want)
		if stored == nil || stored.Hash() != ev.Header.Hash() {
			t.Fatalf("chain event block %d is not the stored one", want)
		}
		if len(ev.Receipts) != len(ev.Transactions) || ev.Receipts[0].BlockHash != ev.Header.Hash() {
			t.Fatalf("block %d: receipts not derived: %+v", want, ev.Receipts)
		}
	}

	// Block 1 logs the mint, block 2 the transfer.
	receive(t, logsCh)
	logs := receive(t, logsCh)
	head := h.app.chain.Head()
	stored := h.app.chain.Receipts(head.Hash(), 2)
	if len(logs) != 1 || len(stored) != 2 || len(stored[1].Logs) != 1 {
		t.Fatalf("block 2: %d logs announced, stored receipts %+v", len(logs), stored)
	}
	got, want := logs[0], stored[1].Logs[0]
	if got.Address != tokenAddr || got.Topics[0] != token.ABI.Events["Transfer"].ID ||
		got.BlockHash != head.Hash() || got.BlockNumber != 2 || got.TxHash != want.TxHash ||
		got.TxIndex != 1 || got.Index != want.Index || got.BlockTimestamp != head.Time {
		t.Fatalf("announced log %+v, stored %+v", got, want)
	}
}

func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		var zero T
		t.Fatalf("no %T event within 10 s", zero)
		return zero
	}
}

// TestCommitDoesNotWaitForSubscribers commits blocks while a subscriber never
// reads.
func TestCommitDoesNotWaitForSubscribers(t *testing.T) {
	h := newHarness(t, memStore())
	sub := h.app.SubscribeChainEvent(make(chan core.ChainEvent)) // never read
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 5 {
			h.block()
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Commit waited for a subscriber that does not read")
	}
	if err := h.app.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sub.Err():
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the subscription")
	}
}
