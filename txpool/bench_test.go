package txpool_test

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

// signedSet returns perSender transfers from each of senders accounts, signed
// once per process: signing dominates set-up.
func signedSet(b *testing.B, senders, perSender int) [][]*types.Transaction {
	setsMu.Lock()
	defer setsMu.Unlock()
	id := [2]int{senders, perSender}
	if s, ok := sets[id]; ok {
		return s
	}
	s := make([][]*types.Transaction, senders)
	for i := range s {
		s[i] = txRange(b, account(i), 0, uint64(perSender))
	}
	sets[id] = s
	return s
}

var (
	setsMu sync.Mutex
	sets   = make(map[[2]int][][]*types.Transaction)
)

// BenchmarkAdd admits transactions from many senders on every CPU at once, as
// RPC handlers and CometBFT's InsertTx do. With input=raw each transaction is
// decoded and its signature recovered, which is most of the cost; with
// input=decoded the sender is already cached in the transaction, which leaves
// the pool's own work.
func BenchmarkAdd(b *testing.B) {
	for _, senders := range []int{1, 512} {
		perSender := 4096 / senders
		set := signedSet(b, senders, perSender)
		raws := make([][][]byte, senders)
		for s, txs := range set {
			for _, tx := range txs {
				raws[s] = append(raws[s], encode(b, tx))
			}
		}
		for _, input := range []string{"raw", "decoded"} {
			b.Run(fmt.Sprintf("senders=%d/input=%s", senders, input), func(b *testing.B) {
				add := func(p *txpool.Pool, s, i int) error {
					if input == "decoded" {
						return p.Add(set[s][i])
					}
					_, err := p.AddRaw(raws[s][i])
					return err
				}
				workers := runtime.GOMAXPROCS(0)
				b.ReportAllocs()
				for b.Loop() {
					f := newFixture(b, func(c *txpool.Config) {
						c.AccountSlots, c.GlobalSlots, c.AccountQueue, c.GlobalQueue = 4096, 4096, 4096, 4096
					})
					var wg sync.WaitGroup
					for w := range workers {
						wg.Go(func() {
							// Each sender's transactions are split across the
							// workers too, so they arrive slightly out of order.
							for s := range senders {
								for i := range perSender {
									if (s*perSender+i)%workers != w {
										continue
									}
									if err := add(f.pool, s, i); err != nil {
										b.Error(err)
										return
									}
								}
							}
						})
					}
					wg.Wait()
				}
				b.ReportMetric(float64(senders*perSender*b.N)/b.Elapsed().Seconds(), "tx/s")
			})
		}
	}
}

// BenchmarkPending builds a proposal from 10,000 executable transactions of 100
// senders, all of them and within a 30M gas block.
func BenchmarkPending(b *testing.B) {
	f := newFixture(b)
	for _, txs := range signedSet(b, 100, 100) {
		f.mustAdd(txs...)
	}
	for _, bc := range []struct {
		name   string
		maxGas uint64
	}{{"all", math.MaxUint64}, {"gas=30M", 30_000_000}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.pool.Pending(-1, bc.maxGas)
			}
		})
	}
}

// BenchmarkReset resets a pool of 10,000 transactions from 20 senders: with
// nothing included (the re-check alone), and after a block that included 50
// transactions of each sender.
func BenchmarkReset(b *testing.B) {
	set := signedSet(b, 20, 500)
	fill := func() *fixture {
		f := newFixture(b)
		for _, txs := range set {
			f.mustAdd(txs...)
		}
		return f
	}
	b.Run("included=0", func(b *testing.B) {
		f := fill()
		b.ReportAllocs()
		for b.Loop() {
			f.pool.Reset(f.state)
		}
	})
	b.Run("included=1000", func(b *testing.B) {
		f := fill()
		b.ReportAllocs()
		for b.Loop() {
			for _, txs := range set {
				f.state.setNonce(mustSender(b, txs[0]), 50)
			}
			f.pool.Reset(f.state)

			// Put the block's transactions back, untimed, for the next round.
			b.StopTimer()
			for _, txs := range set {
				f.state.setNonce(mustSender(b, txs[0]), 0)
			}
			f.pool.Reset(f.state)
			for _, txs := range set {
				f.mustAdd(txs[:50]...)
			}
			b.StartTimer()
		}
	})
}
