package txpool_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

// TestConcurrentSameSender sends 50 transactions of one sender at once, in a
// random order, each from its own goroutine: all end executable, in nonce order.
func TestConcurrentSameSender(t *testing.T) {
	const n = 50
	a := account(0)
	f := newFixture(t)
	txs := txRange(t, a, 0, n)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(txs), func(i, j int) { txs[i], txs[j] = txs[j], txs[i] })

	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, tx := range txs {
		wg.Go(func() {
			<-start
			errs <- f.pool.Add(tx)
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	f.wantStats(n, 0)
	if got := f.pool.Nonce(a.addr); got != n {
		t.Fatalf("Nonce: got %d, want %d", got, n)
	}
	if got := nonces(t, f.pool.Pending(-1, math.MaxUint64), a.addr); !slices.Equal(got, seq(0, n)) {
		t.Fatalf("Pending nonces: got %v, want 0..%d", got, n-1)
	}
	if got := f.pool.Reap(0); len(got) != n {
		t.Fatalf("Reap: got %d txs, want %d", len(got), n)
	}
}

// TestConcurrentUse runs adders, readers, a reaper and a block producer at once
// (run it with -race). Every transaction must be included exactly once, in nonce
// order per sender, and reaped at most once (one included before the reaper
// saw it is never reaped). Reannouncing is off: it hands a transaction that
// waits Config.Reannounce blocks to Reap again on purpose (TestReannounce), and
// how long one waits here depends on the scheduler.
func TestConcurrentUse(t *testing.T) {
	const (
		senders   = 8
		perSender = 60
		blocks    = 40
	)
	f := newFixture(t, func(c *txpool.Config) { c.Reannounce = math.MaxUint64 })
	var all [][]*types.Transaction
	for s := range senders {
		txs := txRange(t, account(s), 0, perSender)
		rng := rand.New(rand.NewPCG(uint64(s), 7))
		// Shuffle within windows of 8, so that queues form and drain.
		for i := 0; i < len(txs); i += 8 {
			w := txs[i:min(i+8, len(txs))]
			rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		}
		all = append(all, txs)
	}

	var wg sync.WaitGroup
	for _, txs := range all {
		wg.Go(func() {
			for _, tx := range txs {
				if err := f.pool.Add(tx); err != nil {
					t.Errorf("Add(nonce %d): %v", tx.Nonce(), err)
				}
			}
		})
	}
	// Readers that only look.
	for range 4 {
		wg.Go(func() {
			for range 50 {
				f.pool.Pending(-1, math.MaxUint64)
				f.pool.Nonce(account(0).addr)
				f.pool.Stats()
				f.pool.Content()
				f.pool.Get(all[0][0].Hash())
			}
		})
	}
	// The reaper, as CometBFT's gossip loop; one last Reap follows at the end.
	reaped := make(map[string]int)
	reap := func() {
		for _, raw := range f.pool.Reap(0) {
			reaped[string(raw)]++
		}
	}
	wg.Go(func() {
		for range 200 {
			reap()
		}
	})

	// The block producer runs here: propose, execute (advance nonces), Reset.
	included := make(map[common.Hash]int)
	produce := func() int {
		block := f.pool.Pending(-1, 10*21000)
		next := make(map[common.Address]uint64)
		for _, tx := range block {
			from := mustSender(t, tx)
			want := f.state.Nonce(from)
			if n, ok := next[from]; ok {
				want = n
			}
			if tx.Nonce() != want {
				t.Fatalf("block has nonce %d of %v, want %d", tx.Nonce(), from, want)
			}
			next[from] = tx.Nonce() + 1
			included[tx.Hash()]++
		}
		for addr, n := range next {
			f.state.setNonce(addr, n)
		}
		f.pool.Reset(f.state)
		return len(block)
	}
	for range blocks {
		produce()
	}
	wg.Wait()
	reap()
	for produce() > 0 {
	}

	f.wantStats(0, 0)
	if len(included) != senders*perSender {
		t.Fatalf("included %d distinct txs, want %d", len(included), senders*perSender)
	}
	for h, n := range included {
		if n != 1 {
			t.Fatalf("tx %v included %d times", h, n)
		}
	}
	for _, n := range reaped {
		if n != 1 {
			t.Fatalf("a tx was reaped %d times", n)
		}
	}
	for s := range senders {
		if got := f.pool.Nonce(account(s).addr); got != perSender {
			t.Fatalf("Nonce(sender %d): got %d, want %d", s, got, perSender)
		}
	}
}
