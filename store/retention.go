package store

import (
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
)

// DefaultBlockHistory is how many recent blocks a node keeps by default.
// See docs/operations.md ("Disk and memory") for the budget it fits.
const DefaultBlockHistory = 1_000_000

// DefaultMinFreeMB is the free space below which a node stops, by default.
const DefaultMinFreeMB = 1024

// tailKey holds the lowest block number above genesis the chain index still
// holds: blocks 1 to tail-1 are pruned. Absent: nothing is pruned.
var tailKey = []byte("redmx-tail")

// flush is a flatten of the state layers to disk at a height.
type flush struct {
	height uint64
	root   common.Hash
	seen   bool // seen on disk once; durable after the next sync
}

// DurableHeight is the newest height whose state is known to be on disk and
// synced since this store was opened (0: none yet). A restart after a crash
// finds a state at or above it, so CometBFT replays no block below it. Call
// it after [DB.CommitHeight], from the same goroutine.
func (db *DB) DurableHeight() uint64 {
	f := db.flushed
	if f == nil {
		return db.durable
	}
	// The trie database writes a flatten in the background; its state ID
	// reaches the persistent one once it is written.
	if id := rawdb.ReadStateID(db.kv, f.root); id != nil && rawdb.ReadPersistentStateID(db.kv) >= *id {
		if f.seen {
			// Seen before the sync of the height just committed.
			db.durable, db.flushed = f.height, nil
		} else {
			f.seen = true
		}
	}
	return db.durable
}

// Tail is the lowest block number above genesis whose block the index holds:
// 1 when nothing was pruned. Block 0 is always kept.
func (db *DB) Tail() (uint64, error) {
	v, err := db.kv.Get(tailKey)
	if err != nil {
		if ok, _ := db.kv.Has(tailKey); !ok {
			return 1, nil
		}
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("store: corrupt tail marker")
	}
	return binary.BigEndian.Uint64(v), nil
}

// Prune bounds the work of one [DB.PruneBlocks] call.
type Prune struct {
	Blocks int // blocks deleted at most
	Txs    int // transactions whose lookup is deleted at most (past the first block)
	Scan   int // heights looked at at most, deleted or already absent
}

// PruneBlocks deletes from the chain index the blocks from the tail up to
// below (not included; never block 0): header, body, receipts, canonical
// hash and the transactions' lookup entries, within the bounds of p, in one
// batch with the new tail. It returns the new tail. Heights with no block
// (a node restored from a snapshot) cost one read each.
func (db *DB) PruneBlocks(below uint64, p Prune) (uint64, error) {
	tail, err := db.Tail()
	if err != nil {
		return 0, err
	}
	b := db.kv.NewBatch()
	n, blocks, txs := tail, 0, 0
	for ; n < below && blocks < p.Blocks && int(n-tail) < p.Scan; n++ {
		hash := rawdb.ReadCanonicalHash(db.kv, n)
		if hash == (common.Hash{}) {
			continue
		}
		if body := rawdb.ReadBody(db.kv, hash, n); body != nil && len(body.Transactions) > 0 {
			if blocks > 0 && txs+len(body.Transactions) > p.Txs {
				break
			}
			txs += len(body.Transactions)
			rawdb.DeleteTxLookupEntries(b, txHashes(body.Transactions))
		}
		rawdb.DeleteBlock(b, hash, n)
		rawdb.DeleteCanonicalHash(b, n)
		blocks++
	}
	if n == tail {
		return tail, nil
	}
	if err := b.Put(tailKey, binary.BigEndian.AppendUint64(nil, n)); err != nil {
		return 0, err
	}
	if err := b.Write(); err != nil {
		return 0, fmt.Errorf("store: prune blocks %d to %d: %w", tail, n-1, err)
	}
	return n, nil
}

func txHashes(txs []*types.Transaction) []common.Hash {
	out := make([]common.Hash, len(txs))
	for i, tx := range txs {
		out[i] = tx.Hash()
	}
	return out
}
