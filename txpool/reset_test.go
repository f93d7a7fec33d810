package txpool_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

func TestReset(t *testing.T) {
	a, b := account(0), account(1)
	type want struct {
		pending, queued int
		nonceA          uint64
		pendingA        []uint64 // a's nonces in Pending
	}
	tests := []struct {
		name   string
		pooled func(t *testing.T) []*types.Transaction
		commit func(f *fixture)
		want   want
	}{
		{
			name:   "included transactions are evicted",
			pooled: func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 5) },
			commit: func(f *fixture) { f.state.setNonce(a.addr, 3) },
			want:   want{pending: 2, nonceA: 5, pendingA: []uint64{3, 4}},
		},
		{
			name:   "all included",
			pooled: func(t *testing.T) []*types.Transaction { return txRange(t, a, 0, 5) },
			commit: func(f *fixture) { f.state.setNonce(a.addr, 5) },
			want:   want{nonceA: 5},
		},
		{
			name: "a nonce taken by another node's transaction evicts ours",
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0), transfer(t, a, 1)}
			},
			commit: func(f *fixture) { f.state.setNonce(a.addr, 1) },
			want:   want{pending: 1, nonceA: 2, pendingA: []uint64{1}},
		},
		{
			name: "queued transactions the state nonce reaches are promoted",
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 3), transfer(t, a, 4), transfer(t, a, 6)}
			},
			commit: func(f *fixture) { f.state.setNonce(a.addr, 3) },
			want:   want{pending: 2, queued: 1, nonceA: 5, pendingA: []uint64{3, 4}},
		},
		{
			name: "a transaction the balance no longer covers is dropped and its successors demoted",
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{valued(t, a, 0, 100), valued(t, a, 1, 500), valued(t, a, 2, 100), valued(t, a, 3, 100)}
			},
			commit: func(f *fixture) { f.state.setBalance(a.addr, 300) },
			// 100 + 500 > 300: nonce 1 goes; 2 and 3 wait behind the gap.
			want: want{pending: 1, queued: 2, nonceA: 1, pendingA: []uint64{0}},
		},
		{
			name: "a lowered block gas limit drops what exceeds it",
			pooled: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0), withGas(t, a, 1, 2_000_000), transfer(t, a, 2)}
			},
			commit: func(f *fixture) { f.state.gasLimit.Store(1_000_000) },
			want:   want{pending: 1, queued: 1, nonceA: 1, pendingA: []uint64{0}},
		},
		{
			name:   "other senders are untouched",
			pooled: func(t *testing.T) []*types.Transaction { return append(txRange(t, a, 0, 2), txRange(t, b, 0, 3)...) },
			commit: func(f *fixture) { f.state.setNonce(a.addr, 2) },
			want:   want{pending: 3, nonceA: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			pooled := tt.pooled(t)
			f.mustAdd(pooled...)
			tt.commit(f)
			f.pool.Reset(f.state)
			f.wantStats(tt.want.pending, tt.want.queued)
			if n := f.pool.Nonce(a.addr); n != tt.want.nonceA {
				t.Errorf("Nonce: got %d, want %d", n, tt.want.nonceA)
			}
			if got := nonces(t, f.pool.Pending(-1, math.MaxUint64), a.addr); !slices.Equal(got, tt.want.pendingA) {
				t.Errorf("Pending nonces: got %v, want %v", got, tt.want.pendingA)
			}
			for _, tx := range pooled {
				if tx.Nonce() < f.state.Nonce(mustSender(t, tx)) && f.pool.Has(tx.Hash()) {
					t.Errorf("stale nonce %d still pooled", tx.Nonce())
				}
			}
		})
	}
}

// TestResetThenFillGap checks that a sender whose transaction was dropped can
// send it again and so release its queued successors.
func TestResetThenFillGap(t *testing.T) {
	a := account(0)
	f := newFixture(t)
	f.mustAdd(valued(t, a, 0, 500), valued(t, a, 1, 100), valued(t, a, 2, 100))
	f.state.setBalance(a.addr, 300)
	f.pool.Reset(f.state)
	f.wantStats(0, 2)

	if err := f.pool.Add(valued(t, a, 0, 50)); err != nil {
		t.Fatalf("Add(refill nonce 0): %v", err)
	}
	f.wantStats(3, 0)
	if n := f.pool.Nonce(a.addr); n != 3 {
		t.Fatalf("Nonce: got %d, want 3", n)
	}
}

func txRange(t testing.TB, k key, from, to uint64) []*types.Transaction {
	var txs []*types.Transaction
	for n := from; n < to; n++ {
		txs = append(txs, transfer(t, k, n))
	}
	return txs
}

func mustSender(t testing.TB, tx *types.Transaction) common.Address {
	t.Helper()
	from, err := types.Sender(signer, tx)
	if err != nil {
		t.Fatal(err)
	}
	return from
}
