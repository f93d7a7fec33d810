package chain_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/internal/ethtest"
)

// TestHeadBoundsReads checks that nothing above the published head is served,
// even when the index already holds it (a height not yet durable).
func TestHeadBoundsReads(t *testing.T) {
	db := rawdb.NewMemoryDatabase()
	config := params.MergedTestChainConfig
	c := chain.New(db, config, chain.DefaultCacheBytes)

	signer := types.LatestSigner(config)
	to := common.Address{1}
	var txs []*types.Transaction
	var receipts types.Receipts
	for i := range 3 {
		tx := types.MustSignNewTx(ethtest.DevKey(0), signer, &types.LegacyTx{Nonce: uint64(i), To: &to, Gas: 21000, GasPrice: new(big.Int)})
		txs = append(txs, tx)
		receipts = append(receipts, &types.Receipt{Status: 1, CumulativeGasUsed: uint64(21000 * (i + 1)), Logs: []*types.Log{}})
	}
	h0 := &types.Header{Number: big.NewInt(0), Difficulty: new(big.Int), BaseFee: new(big.Int)}
	b0 := types.NewBlock(h0, nil, nil, trie.NewStackTrie(nil))
	h1 := &types.Header{Number: big.NewInt(1), ParentHash: b0.Hash(), Difficulty: new(big.Int), BaseFee: new(big.Int), Time: 7}
	b1 := types.NewBlock(h1, &types.Body{Transactions: txs}, receipts, trie.NewStackTrie(nil))
	chain.WriteBlock(db, b0, nil)
	chain.WriteBlock(db, b1, receipts)

	c.SetHead(b0.Header())
	if tx, _, _, _ := c.Transaction(txs[1].Hash()); tx != nil {
		t.Error("transaction above the head served")
	}
	if c.BlockByNumber(1) != nil || c.BlockByHash(b1.Hash()) != nil || c.Receipts(b1.Hash(), 1) != nil {
		t.Error("block above the head served")
	}

	c.SetHead(b1.Header())
	tx, hash, n, i := c.Transaction(txs[2].Hash())
	if tx == nil || tx.Hash() != txs[2].Hash() || hash != b1.Hash() || n != 1 || i != 2 {
		t.Fatalf("Transaction = %v %v %d %d", tx, hash, n, i)
	}
	for range 2 { // the second read comes from the cache
		rs := c.Receipts(b1.Hash(), 1)
		if len(rs) != 3 || rs[2].TxHash != txs[2].Hash() || rs[2].BlockHash != b1.Hash() || rs[2].GasUsed != 21000 || rs[2].TransactionIndex != 2 {
			t.Fatalf("receipts not derived: %+v", rs)
		}
	}
	if c.Receipts(b1.Hash(), 2) != nil {
		t.Error("receipts for a wrong number served")
	}
}
