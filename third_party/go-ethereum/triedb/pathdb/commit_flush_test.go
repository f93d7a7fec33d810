// Added by the redmx authors (third_party/patches/go-ethereum/0001-*).

package pathdb

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/trie/trienode"
)

// flushCounter counts the write-buffer flushes that reach the database: the
// batches that move the persistent state ID.
type flushCounter struct {
	ethdb.Database
	flushes int
}

func (c *flushCounter) NewBatchWithSize(size int) ethdb.Batch {
	return &countedBatch{Batch: c.Database.NewBatchWithSize(size), c: c}
}

type countedBatch struct {
	ethdb.Batch
	c *flushCounter
}

func (b *countedBatch) Write() error {
	before := rawdb.ReadPersistentStateID(b.c.Database)
	if err := b.Batch.Write(); err != nil {
		return err
	}
	if rawdb.ReadPersistentStateID(b.c.Database) != before {
		b.c.flushes++
	}
	return nil
}

// TestCommitFlushesOnce: Commit of a stack of diff layers whose states fit
// the write buffer flushes it once, at the top, not once per layer (each
// flush waits for the one before and syncs the histories: a stall of
// seconds for 128 layers).
func TestCommitFlushesOnce(t *testing.T) {
	disk := &flushCounter{Database: rawdb.NewMemoryDatabase()}
	db := New(disk, &Config{WriteBufferSize: 16 * 1024 * 1024, NoAsyncFlush: true}, false)
	defer db.Close()

	const layers = 32
	parent := types.EmptyRootHash
	for i := 1; i <= layers; i++ {
		root := common.Hash{byte(i), 0xaa}
		set := trienode.NewNodeSet(common.Hash{})
		set.AddNode([]byte{byte(i)}, trienode.NewNodeWithPrev(common.Hash{byte(i)}, []byte{byte(i), 1, 2, 3}, nil))
		nodes := trienode.NewWithNodeSet(set)
		acct := common.Hash{byte(i), 0xbb}
		states := NewStateSetWithOrigin(map[common.Hash][]byte{acct: {byte(i)}}, nil, map[common.Address][]byte{{byte(i)}: nil}, nil, false)
		if err := db.Update(root, parent, uint64(i), nodes, states); err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		parent = root
	}
	if disk.flushes != 0 {
		t.Fatalf("%d flushes before Commit, want 0", disk.flushes)
	}
	if err := db.Commit(parent, false); err != nil {
		t.Fatal(err)
	}
	if disk.flushes != 1 {
		t.Fatalf("Commit of %d layers flushed the write buffer %d times, want once", layers, disk.flushes)
	}
	if id := rawdb.ReadPersistentStateID(disk.Database); id != layers {
		t.Fatalf("persistent state ID %d after Commit, want %d", id, layers)
	}
	if blob := rawdb.ReadAccountSnapshot(disk.Database, common.Hash{layers, 0xbb}); len(blob) != 1 || blob[0] != layers {
		t.Fatalf("the top layer's account on disk: %x", blob)
	}
}
