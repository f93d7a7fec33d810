package txpool_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
)

func TestReap(t *testing.T) {
	a, b := account(0), account(1)
	f := newFixture(t)
	first := []*types.Transaction{transfer(t, a, 0), transfer(t, b, 0), transfer(t, a, 1)}
	f.mustAdd(first...)
	f.mustAdd(transfer(t, a, 3)) // queued: not reaped

	wantReap(t, f, 0, first...)
	wantReap(t, f, 0) // nothing new

	t.Run("promoted transactions are reaped once promoted", func(t *testing.T) {
		a2 := transfer(t, a, 2)
		f.mustAdd(a2)
		wantReap(t, f, 0, a2, mustGet(t, f, a, 3))
		wantReap(t, f, 0)
	})
	t.Run("a replacement of a reaped transaction is reaped", func(t *testing.T) {
		repl := legacyPriced(t, b, 0, 1)
		f.mustAdd(repl)
		wantReap(t, f, 0, repl)
	})
	t.Run("a replacement of an unreaped transaction is reaped instead of it", func(t *testing.T) {
		old := legacyPriced(t, b, 1, 10)
		f.mustAdd(old)
		repl := legacyPriced(t, b, 1, 11)
		f.mustAdd(repl)
		wantReap(t, f, 0, repl)
	})
	t.Run("removed and included transactions are not reaped", func(t *testing.T) {
		gone := transfer(t, a, 4)
		included := transfer(t, a, 5)
		kept := transfer(t, b, 2)
		f.mustAdd(gone, included, kept)
		f.pool.Remove(gone.Hash()) // nonce 5 now waits behind a gap
		wantReap(t, f, 0, kept)
		f.state.setNonce(a.addr, 6)
		f.pool.Reset(f.state)
		wantReap(t, f, 0)
	})
	t.Run("a byte limit splits the output across calls", func(t *testing.T) {
		txs := txRange(t, a, 6, 10)
		f.mustAdd(txs...)
		size := uint64(len(encode(t, txs[0])))
		wantReap(t, f, 2*size+1, txs[:2]...)
		wantReap(t, f, 2*size+1, txs[2:]...)
		wantReap(t, f, 2*size+1)
	})
	t.Run("a transaction larger than the byte limit does not stall the others", func(t *testing.T) {
		big := sign(t, a, &types.LegacyTx{Nonce: 10, Gas: 100_000, To: &recipient, Data: make([]byte, 1000)})
		small := transfer(t, b, 3)
		f.mustAdd(big, small)
		wantReap(t, f, 500, small)
	})
}

// wantReap calls Reap and compares its output with the encodings of want.
func wantReap(t *testing.T, f *fixture, maxBytes uint64, want ...*types.Transaction) {
	t.Helper()
	got := f.pool.Reap(maxBytes)
	var wantRaw [][]byte
	for _, tx := range want {
		wantRaw = append(wantRaw, encode(t, tx))
	}
	if !slices.EqualFunc(got, wantRaw, bytes.Equal) {
		t.Fatalf("Reap(%d): got %d txs, want %d (%v)", maxBytes, len(got), len(want), hashes(want))
	}
}

func mustGet(t *testing.T, f *fixture, k key, nonce uint64) *types.Transaction {
	t.Helper()
	pending, queued := f.pool.Content()
	for _, tx := range append(pending[k.addr], queued[k.addr]...) {
		if tx.Nonce() == nonce {
			return tx
		}
	}
	t.Fatalf("no pooled tx of %v with nonce %d", k.addr, nonce)
	return nil
}

// TestReapAfterManyIncluded checks that transactions included before any Reap
// are never handed out, however many pile up, and that later ones still are.
func TestReapAfterManyIncluded(t *testing.T) {
	f := newFixture(t)
	var included []*types.Transaction
	for s := range 3 {
		included = append(included, txRange(t, account(s), 0, 500)...)
	}
	f.mustAdd(included...)
	for s := range 3 {
		f.state.setNonce(account(s).addr, 500)
	}
	f.pool.Reset(f.state)

	later := txRange(t, account(0), 500, 510)
	f.mustAdd(later...)
	wantReap(t, f, 0, later...)
}
