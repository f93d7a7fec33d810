package txpool_test

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

// FuzzLane runs arbitrary sequences of members' and strangers' transactions,
// blocks and drops through a small pool and checks, after each step, that
// its counts and bytes are those of what it holds, that the lane stays within
// its caps, and that a member's transaction leaves only by mining, age or a
// drop, never to make room for the lane.
func FuzzLane(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 3, 3})
	f.Add([]byte{0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 200 {
			ops = ops[:200]
		}
		const quota, blocks = 2, 2
		fx := laneFixture(t, quota, func(c *txpool.Config) {
			c.GlobalSlots, c.GlobalQueue, c.AccountSlots, c.AccountQueue = 6, 4, 4, 4
			c.LaneBlocks, c.LaneBytes, c.LaneLifetime, c.Lifetime, c.Reannounce = blocks, 1500, 3, 8, 2
		})
		members := map[common.Hash]bool{}
		nonces := map[common.Address]uint64{}
		for i, op := range ops {
			arg := int(op >> 3)
			switch op & 7 {
			case 0, 1: // a member's transaction, maybe past a gap
				k := account(arg % 3)
				tx := transfer(t, k, nonces[k.addr]+uint64(arg%2)+uint64(i%3))
				if fx.pool.Add(tx) == nil {
					members[tx.Hash()] = true
				}
			case 2, 3: // an application of some size
				fx.pool.Add(application(t, stranger(arg%8), 0, 100+arg*40, 300_000))
			case 4: // a block mines each sender's next transaction
				pend := fx.pool.Pending(-1, blockGasLimit)
				seen := map[common.Address]bool{}
				for _, tx := range pend {
					from, _ := types.Sender(signer, tx)
					if !seen[from] && from != stranger(0).addr { // stranger 0 never gets in
						seen[from] = true
						nonces[from] = tx.Nonce() + 1
						delete(members, tx.Hash())
					}
				}
				fx.commit(nonces)
			case 5:
				fx.pool.Reap(0)
			case 6: // a proposer drops something
				pend := fx.pool.Pending(-1, blockGasLimit)
				if len(pend) > 0 {
					tx := pend[arg%len(pend)]
					fx.pool.Drop(tx.Hash(), "invalid")
					delete(members, tx.Hash())
				}
			case 7:
				fx.commit(nil)
			}
			checkLaneInvariants(t, fx.pool, quota*blocks, 1500)
			for h := range members {
				if ev, ok := fx.pool.Evicted(h); ok {
					if ev.Reason == "" || strings.HasPrefix(ev.Reason, "evicted:") {
						t.Fatalf("step %d: a member's transaction evicted: %+v", i, ev)
					}
					delete(members, h)
				}
			}
		}
	})
}

func checkLaneInvariants(t *testing.T, p *txpool.Pool, laneSlots int, laneBytes uint64) {
	t.Helper()
	u := p.Usage()
	pending, queued := p.Content()
	var n, q, lane int
	var size, laneSize uint64
	for from, txs := range pending {
		n += len(txs)
		for _, tx := range txs {
			size += tx.Size()
			if !isMember(from) {
				lane++
				laneSize += tx.Size()
			}
		}
		if !isMember(from) && len(txs) > 1 {
			t.Fatalf("%s of no record pools %d", from, len(txs))
		}
	}
	for from, txs := range queued {
		q += len(txs)
		for _, tx := range txs {
			size += tx.Size()
		}
		if !isMember(from) {
			t.Fatalf("%s of no record has queued transactions", from)
		}
	}
	// The lane's transactions are all pending: an account of no record
	// pools only its next nonce.
	if u.Pending != n || u.Queued != q || u.Bytes != size || u.Lane != lane || u.LanePending != lane || u.LaneBytes != laneSize {
		t.Fatalf("Usage %+v; holds %d pending, %d queued, %d bytes, lane %d of %d bytes", u, n, q, size, lane, laneSize)
	}
	if lane > laneSlots || laneSize > laneBytes {
		t.Fatalf("lane of %d transactions, %d bytes: over its caps", lane, laneSize)
	}
}

func isMember(a common.Address) bool {
	for i := range 10 {
		if account(i).addr == a {
			return true
		}
	}
	return false
}
