package txpool_test

import (
	"math"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

func TestPendingOrder(t *testing.T) {
	a, b, c := account(0), account(1), account(2)
	tests := []struct {
		name   string
		arrive func(t *testing.T) []*types.Transaction // in arrival order
		order  []int                                   // indexes into arrive's result
	}{
		{
			name: "one sender in nonce order",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0), transfer(t, a, 1), transfer(t, a, 2)}
			},
			order: []int{0, 1, 2},
		},
		{
			name: "one sender, nonces arriving backwards",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 2), transfer(t, a, 1), transfer(t, a, 0)}
			},
			order: []int{2, 1, 0},
		},
		{
			name: "senders interleave by arrival of their next transaction",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{
					transfer(t, a, 0), transfer(t, a, 1), transfer(t, a, 2), // a sends a burst first
					transfer(t, b, 0), transfer(t, c, 0), transfer(t, b, 1),
				}
			},
			// a0 (seq 1), a1 (2), a2 (3), b0 (4), c0 (5), b1 (6)
			order: []int{0, 1, 2, 3, 4, 5},
		},
		{
			name: "a late burst does not starve senders that arrived between",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{
					transfer(t, a, 0), transfer(t, b, 0), transfer(t, a, 1),
					transfer(t, c, 0), transfer(t, a, 2), transfer(t, b, 1),
				}
			},
			order: []int{0, 1, 2, 3, 4, 5},
		},
		{
			name: "a sender's later nonce that arrived early waits for its predecessor",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{
					transfer(t, a, 1), transfer(t, b, 0), transfer(t, a, 0), transfer(t, c, 0),
				}
			},
			// heads: b0 (seq 2) before a0 (seq 3); then a1 (seq 1) is a's head and goes next.
			order: []int{1, 2, 0, 3},
		},
		{
			name: "fees do not reorder",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{legacyPriced(t, a, 0, 0), legacyPriced(t, b, 0, 1_000_000)}
			},
			order: []int{0, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			txs := tt.arrive(t)
			f.mustAdd(txs...)
			var want []common.Hash
			for _, i := range tt.order {
				want = append(want, txs[i].Hash())
			}
			got := hashes(f.pool.Pending(-1, math.MaxUint64))
			if !slices.Equal(got, want) {
				t.Fatalf("Pending:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestPendingLimits(t *testing.T) {
	a, b := account(0), account(1)
	size := int64(len(encode(t, transfer(t, a, 0))))
	tests := []struct {
		name     string
		arrive   func(t *testing.T) []*types.Transaction
		maxBytes int64
		maxGas   uint64
		order    []int
	}{
		{
			name: "gas limit reached",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0), transfer(t, b, 0), transfer(t, a, 1)}
			},
			maxBytes: -1, maxGas: 2 * 21000, order: []int{0, 1},
		},
		{
			name: "byte limit reached",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0), transfer(t, b, 0), transfer(t, a, 1)}
			},
			maxBytes: 2*size + 10, maxGas: math.MaxUint64, order: []int{0, 1},
		},
		{
			name: "a sender whose next tx does not fit is skipped, the others go on",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{
					withGas(t, a, 0, 100_000), transfer(t, a, 1), transfer(t, b, 0), transfer(t, b, 1),
				}
			},
			maxBytes: -1, maxGas: 3 * 21000, order: []int{2, 3},
		},
		{
			name: "a sender is skipped for good after a tx that does not fit",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{
					transfer(t, a, 0), withGas(t, a, 1, 100_000), transfer(t, a, 2), transfer(t, b, 0),
				}
			},
			maxBytes: -1, maxGas: 4 * 21000, order: []int{0, 3},
		},
		{
			name: "nothing fits",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0)}
			},
			maxBytes: -1, maxGas: 20999, order: nil,
		},
		{
			name: "zero bytes allowed",
			arrive: func(t *testing.T) []*types.Transaction {
				return []*types.Transaction{transfer(t, a, 0)}
			},
			maxBytes: 0, maxGas: math.MaxUint64, order: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			txs := tt.arrive(t)
			f.mustAdd(txs...)
			var want []common.Hash
			for _, i := range tt.order {
				want = append(want, txs[i].Hash())
			}
			got := f.pool.Pending(tt.maxBytes, tt.maxGas)
			if !slices.Equal(hashes(got), want) {
				t.Fatalf("Pending:\n got %v\nwant %v", hashes(got), want)
			}
			var bytes int64
			var gas uint64
			for _, tx := range got {
				bytes += int64(len(encode(t, tx)))
				gas += tx.Gas()
			}
			if (tt.maxBytes >= 0 && bytes > tt.maxBytes) || gas > tt.maxGas {
				t.Fatalf("Pending: %d bytes and %d gas exceed the limits", bytes, gas)
			}
		})
	}
}

func TestQueuedPromotion(t *testing.T) {
	a := account(0)
	f := newFixture(t)
	f.mustAdd(transfer(t, a, 2), transfer(t, a, 4))
	f.wantStats(0, 2)
	if n := f.pool.Nonce(a.addr); n != 0 {
		t.Fatalf("Nonce with only queued txs: got %d, want 0", n)
	}
	if got := f.pool.Pending(-1, math.MaxUint64); len(got) != 0 {
		t.Fatalf("Pending with only queued txs: got %d txs", len(got))
	}

	f.mustAdd(transfer(t, a, 0))
	f.wantStats(1, 2)
	f.mustAdd(transfer(t, a, 1)) // fills the gap before 2
	f.wantStats(3, 1)
	if n := f.pool.Nonce(a.addr); n != 3 {
		t.Fatalf("Nonce: got %d, want 3", n)
	}
	f.mustAdd(transfer(t, a, 3)) // fills the gap before 4
	f.wantStats(5, 0)
	if got := nonces(t, f.pool.Pending(-1, math.MaxUint64), a.addr); !slices.Equal(got, seq(0, 5)) {
		t.Fatalf("Pending nonces: got %v, want 0..4", got)
	}

	pending, queued := f.pool.Content()
	if len(pending[a.addr]) != 5 || len(queued) != 0 {
		t.Fatalf("Content: got %d pending, %d queued senders", len(pending[a.addr]), len(queued))
	}
}

func TestNonceOfUnknownSender(t *testing.T) {
	f := newFixture(t)
	a := account(0)
	f.state.setNonce(a.addr, 7)
	if n := f.pool.Nonce(a.addr); n != 7 {
		t.Fatalf("Nonce: got %d, want the state nonce 7", n)
	}
	f.mustAdd(transfer(t, a, 7), transfer(t, a, 8), transfer(t, a, 10))
	if n := f.pool.Nonce(a.addr); n != 9 {
		t.Fatalf("Nonce: got %d, want 9", n)
	}
}

func TestRemove(t *testing.T) {
	a := account(0)
	f := newFixture(t)
	txs := []*types.Transaction{transfer(t, a, 0), transfer(t, a, 1), transfer(t, a, 2), transfer(t, a, 4)}
	f.mustAdd(txs...)
	f.wantStats(3, 1)

	f.pool.Remove(txs[1].Hash())
	f.wantStats(1, 2)
	if f.pool.Has(txs[1].Hash()) {
		t.Fatal("removed transaction still pooled")
	}
	if n := f.pool.Nonce(a.addr); n != 1 {
		t.Fatalf("Nonce after removing nonce 1: got %d, want 1", n)
	}
	f.pool.Remove(txs[1].Hash()) // a second time: nothing happens
	f.mustAdd(transfer(t, a, 1))
	f.wantStats(3, 1)

	for _, tx := range f.pool.Pending(-1, math.MaxUint64) {
		f.pool.Remove(tx.Hash())
	}
	f.pool.Remove(txs[3].Hash())
	f.wantStats(0, 0)
}
