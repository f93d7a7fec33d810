package store_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"

	"github.com/redmx/redmx/store"
)

// writeBlocks writes blocks 0..n-1 as the chain index does, block i with
// txs[i] transactions, and returns them.
func writeBlocks(t *testing.T, db *store.DB, n int, txs func(i int) int) []*types.Block {
	t.Helper()
	blocks := make([]*types.Block, n)
	nonce := uint64(0)
	for i := range n {
		var list []*types.Transaction
		for range txs(i) {
			list = append(list, types.NewTx(&types.LegacyTx{Nonce: nonce, Gas: 21000, GasPrice: big.NewInt(1), To: &common.Address{1}}))
			nonce++
		}
		h := &types.Header{Number: big.NewInt(int64(i)), Extra: []byte{byte(i)}}
		b := types.NewBlockWithHeader(h).WithBody(types.Body{Transactions: list})
		blocks[i] = b
		err := db.CommitHeight(store.Head{Height: uint64(i), BlockHash: b.Hash()}, func(w ethdb.KeyValueWriter) {
			rawdb.WriteBlock(w, b)
			rawdb.WriteReceipts(w, b.Hash(), b.NumberU64(), nil)
			rawdb.WriteCanonicalHash(w, b.Hash(), b.NumberU64())
			rawdb.WriteTxLookupEntriesByBlock(w, b)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return blocks
}

// TestPruneBlocksBounded: each call deletes at most its bounds' worth of
// blocks and transactions from the tail, everything of a pruned block
// (header, body, receipts, canonical hash, hash to number, tx lookups) and
// nothing at or above the new tail; block 0 is never pruned.
func TestPruneBlocksBounded(t *testing.T) {
	opts := store.DefaultOptions()
	opts.PersistEvery = 0 // no state: only the index is written
	db := store.OpenMemoryWith(opts)
	defer db.Close()
	kv := db.KV()
	blocks := writeBlocks(t, db, 40, func(i int) int { return i % 4 })

	if tail, err := db.Tail(); err != nil || tail != 1 {
		t.Fatalf("new store tail %d, %v; want 1", tail, err)
	}
	// At most 5 blocks.
	tail, err := db.PruneBlocks(30, store.Prune{Blocks: 5, Txs: 1000, Scan: 1000})
	if err != nil || tail != 6 {
		t.Fatalf("tail %d, %v; want 6", tail, err)
	}
	// At most 4 transactions past the first block: blocks 6 (2 txs) and
	// 7 (3 txs) exceed it after block 6, so only block 6 goes.
	if tail, err = db.PruneBlocks(30, store.Prune{Blocks: 100, Txs: 4, Scan: 1000}); err != nil || tail != 7 {
		t.Fatalf("tail %d, %v; want 7", tail, err)
	}
	// Up to below, never past it.
	for tail < 30 {
		next, err := db.PruneBlocks(30, store.Prune{Blocks: 3, Txs: 1, Scan: 1000})
		if err != nil || next <= tail || next > tail+3 {
			t.Fatalf("from tail %d: %d, %v", tail, next, err)
		}
		tail = next
	}
	if again, err := db.PruneBlocks(30, store.Prune{Blocks: 3, Txs: 1, Scan: 1000}); err != nil || again != 30 {
		t.Fatalf("prune at the target: %d, %v; want 30", again, err)
	}
	for i, b := range blocks {
		n, hash := uint64(i), b.Hash()
		gone := i >= 1 && i < 30
		if has := rawdb.ReadCanonicalHash(kv, n) != (common.Hash{}); has == gone {
			t.Errorf("block %d: canonical hash kept %v", i, has)
		}
		if has := rawdb.ReadHeader(kv, hash, n) != nil; has == gone {
			t.Errorf("block %d: header kept %v", i, has)
		}
		if has := rawdb.ReadBody(kv, hash, n) != nil; has == gone {
			t.Errorf("block %d: body kept %v", i, has)
		}
		if _, has := rawdb.ReadHeaderNumber(kv, hash); has == gone {
			t.Errorf("block %d: hash to number kept %v", i, has)
		}
		if has := rawdb.HasReceipts(kv, hash, n); has == gone {
			t.Errorf("block %d: receipts kept %v", i, has)
		}
		for _, tx := range b.Transactions() {
			if has := rawdb.ReadTxLookupEntry(kv, tx.Hash()) != nil; has == gone {
				t.Errorf("block %d: lookup of tx %s kept %v", i, tx.Hash(), has)
			}
		}
	}
}

// TestPruneBlocksScansGaps: heights with no block (a node restored from a
// snapshot holds none below it) cost a read each, bounded by Scan, and the
// tail moves past them.
func TestPruneBlocksScansGaps(t *testing.T) {
	db := store.OpenMemory()
	defer db.Close()
	if tail, err := db.PruneBlocks(1000, store.Prune{Blocks: 1, Txs: 1, Scan: 300}); err != nil || tail != 301 {
		t.Fatalf("tail %d, %v; want 301", tail, err)
	}
	if tail, err := db.PruneBlocks(1000, store.Prune{Blocks: 1, Txs: 1, Scan: 300}); err != nil || tail != 601 {
		t.Fatalf("tail %d, %v; want 601", tail, err)
	}
}
