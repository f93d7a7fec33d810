package app_test

import (
	"context"
	"math/big"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/txpool"
)

// TestInsertTxRetryableRefusals: a peer's transaction refused for a reason
// that a later head may lift (here the sender's record, not yet on this
// node's head) gets CometBFT's retryable code, so that the next offer of it
// reaches the pool again; a final refusal keeps the plain invalid code.
func TestInsertTxRetryableRefusals(t *testing.T) {
	gov := newFakeGov()
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	ctx := context.Background()
	keys := ethtest.DevKeys(4)
	to := common.HexToAddress("0x1234")
	newcomer := ethtest.Transfer(keys[3], chainID, 0, to, big.NewInt(1))
	raw, err := newcomer.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}

	ins, err := h.app.InsertTx(ctx, &abci.RequestInsertTx{Tx: raw})
	if err != nil || ins.Code < abci.CodeTypeRetry {
		t.Fatalf("InsertTx of a sender whose record the head does not show: code %d, %v; want a retryable code (>= %d)", ins.GetCode(), err, abci.CodeTypeRetry)
	}
	chk, err := h.app.CheckTx(ctx, &abci.RequestCheckTx{Tx: raw})
	if err != nil || chk.Code < abci.CodeTypeRetry {
		t.Fatalf("CheckTx of the same: code %d, %v; want a retryable code", chk.GetCode(), err)
	}

	gov.records[ethtest.Address(keys[3])] = 3 // the record reaches the next head
	h.block()
	if ins, err := h.app.InsertTx(ctx, &abci.RequestInsertTx{Tx: raw}); err != nil || ins.Code != app.CodeOK {
		t.Fatalf("InsertTx once the head shows the record: code %d, %v", ins.GetCode(), err)
	}
	if fin := h.block(); len(fin.TxResults) != 1 {
		t.Fatalf("the newcomer's transfer not mined: %d txs", len(fin.TxResults))
	}

	for name, tx := range map[string][]byte{
		"garbage":       {0xde, 0xad},
		"other chain":   mustMarshal(t, ethtest.Transfer(keys[0], chainID+1, 0, to, big.NewInt(1))),
		"nonce too low": mustMarshal(t, ethtest.Transfer(keys[3], chainID, 0, to, big.NewInt(2))),
		"intrinsic gas": mustMarshal(t, ethtest.Call(keys[0], chainID, 0, to, nil, 20_000)),
	} {
		ins, err := h.app.InsertTx(ctx, &abci.RequestInsertTx{Tx: tx})
		if err != nil || ins.Code != app.CodeInvalid {
			t.Errorf("InsertTx(%s): code %d, %v; want %d", name, ins.GetCode(), err, app.CodeInvalid)
		}
	}
}

func mustMarshal(t *testing.T, tx interface{ MarshalBinary() ([]byte, error) }) []byte {
	t.Helper()
	raw, err := tx.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestRestartedPoolAgesFromTheHead: a transaction that a restarted node
// accepts before its first block is as young as the head, not as old as the
// chain. The pool counted ages from height 0 until its first reset, so a
// node restarted above Config.Lifetime (or LaneLifetime, for an account of
// no record) evicted as expired what it had just accepted.
func TestRestartedPoolAgesFromTheHead(t *testing.T) {
	lifetime := func(c *txpool.Config) { c.Lifetime = 5 }
	db := memStore()
	h := newHarnessWith(t, db, app.Config{}, lifetime)
	for range 6 {
		h.block()
	}
	restarted := newHarnessWith(t, db, app.Config{}, lifetime)
	if restarted.height != 6 {
		t.Fatalf("restarted at height %d, want 6", restarted.height)
	}
	// Nonce 1 waits in the pool for nonce 0, past the next block.
	queued := ethtest.Transfer(ethtest.DevKey(1), chainID, 1, common.HexToAddress("0xbeef"), big.NewInt(1))
	mustAdd(t, restarted, queued)
	restarted.block()
	if restarted.app.pool.Get(queued.Hash()) == nil {
		ev, _ := restarted.app.pool.Evicted(queued.Hash())
		t.Fatalf("a transaction accepted one block ago left the pool: %s", ev.Reason)
	}
}
