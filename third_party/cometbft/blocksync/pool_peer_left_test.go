package blocksync

import (
	"testing"
	"time"

	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/types"
)

// The peer that served the next block leaves between the reactor's peek and
// its pop: popping must still advance the pool (it once dereferenced the
// block the removal had taken back and crashed the node).
func TestPopRequestAfterServingPeerLeft(t *testing.T) {
	pool := NewBlockPool(1, make(chan BlockRequest, 10), make(chan peerError, 10), time.Second)
	pool.SetLogger(log.TestingLogger())

	for h := int64(1); h <= 2; h++ {
		pool.mtx.Lock()
		r := newBPRequester(pool, h)
		r.peerID = "A"
		pool.requesters[h] = r
		pool.numPending.Add(1)
		pool.mtx.Unlock()
		block := &types.Block{Header: types.Header{Height: h, Time: time.Unix(h, 0)}, LastCommit: &types.Commit{}}
		if err := pool.AddBlock("A", block, nil, 100); err != nil {
			t.Fatalf("AddBlock(%d): %v", h, err)
		}
	}
	first, second, _ := pool.PeekTwoBlocks()
	if first == nil || second == nil {
		t.Fatal("two blocks were added but not both can be peeked")
	}

	// What each requester's routine does when told that A was removed.
	pool.requesters[1].reset("A")
	pool.requesters[2].reset("A")

	pool.PopRequest()

	height, pending, requesters := pool.GetStatus()
	if height != 2 || requesters != 1 {
		t.Fatalf("after the pop: height %d with %d requesters, want height 2 with 1", height, requesters)
	}
	if pending != 1 {
		t.Fatalf("after the pop: %d requests pending, want 1 (height 2, given back by A)", pending)
	}
}
