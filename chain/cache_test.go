package chain

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/trie"
)

// TestWeightedBound: the cache's weight never passes its limit, it drops
// the least recently used first, and it keeps the newest entry even when
// that alone weighs more than the limit.
func TestWeightedBound(t *testing.T) {
	c := newWeighted[int](10)
	key := func(i int) common.Hash { return common.Hash{byte(i + 1)} }
	for i := range 5 {
		c.add(key(i), i, 3)
		if c.weight > c.limit {
			t.Fatalf("after %d adds: weight %d above %d", i+1, c.weight, c.limit)
		}
	}
	// 3 entries of 3 fit in 10: the two oldest went.
	for i := range 5 {
		if _, ok := c.get(key(i)); ok != (i >= 2) {
			t.Errorf("entry %d cached %v", i, ok)
		}
	}
	c.get(key(2)) // now the most recently used: 3 goes next
	c.add(key(5), 5, 3)
	if _, ok := c.get(key(3)); ok {
		t.Error("the least recently used entry kept")
	}
	if _, ok := c.get(key(2)); !ok {
		t.Error("a recently read entry dropped")
	}
	c.add(key(6), 6, 25)
	if v, ok := c.get(key(6)); !ok || v != 6 || c.lru.Len() != 1 || c.weight != 25 {
		t.Errorf("a heavy newest entry: cached %v, %d entries of weight %d", ok, c.lru.Len(), c.weight)
	}
	c.add(key(6), 6, 2) // replaced: its old weight is not counted twice
	if c.weight != 2 {
		t.Errorf("weight %d after replacing the only entry with one of 2", c.weight)
	}
}

// TestWeightsFollowContent: a block's weight grows with its calldata and
// receipts' with their logs, not only with the count of transactions, so a
// few large transactions cannot make the caches hold more than cacheBytes.
func TestWeightsFollowContent(t *testing.T) {
	to := common.Address{1}
	tx := func(data int) *types.Transaction {
		return types.NewTx(&types.LegacyTx{To: &to, Gas: 21000, GasPrice: new(big.Int), Data: make([]byte, data)})
	}
	block := func(txs ...*types.Transaction) *types.Block {
		return types.NewBlock(&types.Header{Number: big.NewInt(1), Difficulty: new(big.Int)}, &types.Body{Transactions: txs}, nil, trie.NewStackTrie(nil))
	}
	small, large := blockWeight(block(tx(0))), blockWeight(block(tx(100_000)))
	if large-small < 100_000 {
		t.Errorf("100,000 bytes of calldata add %d to the block's weight", large-small)
	}
	if w := blockWeight(block(tx(0), tx(0))) - small; w < txOverhead {
		t.Errorf("a transaction adds %d, want at least %d", w, txOverhead)
	}
	logs := func(n, data int) types.Receipts {
		r := &types.Receipt{}
		for range n {
			r.Logs = append(r.Logs, &types.Log{Topics: []common.Hash{{}}, Data: make([]byte, data)})
		}
		return types.Receipts{r}
	}
	if w := receiptsWeight(logs(1000, 100)) - receiptsWeight(logs(0, 0)); w < 1000*(100+common.HashLength) {
		t.Errorf("1,000 logs of 100 bytes add %d to the receipts' weight", w)
	}
}
