package chain

import (
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/lru"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
)

// DefaultCacheBytes bounds each of the caches of recent blocks and of their
// receipts on a node whose memory is unknown or large (see [New]).
const DefaultCacheBytes = 32 << 20

// Estimated bytes of a decoded transaction (with its entry in the block's
// index), receipt and log beyond their variable-size data.
const (
	txOverhead      = 512
	receiptOverhead = 256
	logOverhead     = 128
)

// blockWeight estimates the memory of a decoded block and its index.
func blockWeight(b *types.Block) int {
	return int(b.Size()) + txOverhead*len(b.Transactions())
}

// receiptsWeight estimates the memory of a block's decoded receipts.
func receiptsWeight(rs types.Receipts) int {
	w := 0
	for _, r := range rs {
		w += receiptOverhead
		for _, l := range r.Logs {
			w += logOverhead + len(l.Topics)*common.HashLength + len(l.Data)
		}
	}
	return w
}

// Chain reads and writes the chain index.
type Chain struct {
	db     ethdb.Database
	config *params.ChainConfig
	head   atomic.Pointer[types.Header]

	// Keyed by block hash, so an entry never goes stale.
	blocks   *weighted[indexed]
	receipts *weighted[numbered]
}

// indexed is a block with the position of each of its transactions.
type indexed struct {
	block *types.Block
	pos   map[common.Hash]int
}

// numbered is a block's receipts with the block's number.
type numbered struct {
	number   uint64
	receipts types.Receipts
}

// New returns the chain index over db, with no head until [Chain.SetHead]:
// the caller knows which height is durable (see store.DB.Head).
//
// cacheBytes bounds each of the caches of recent blocks and of their
// receipts, in bytes as blockWeight and receiptsWeight estimate them, so
// that their memory follows the bound whatever the blocks hold (many small
// transactions, or a few with large calldata or many logs). Clients poll
// the receipts of the newest blocks one transaction at a time, and a full
// block takes milliseconds to decode.
func New(db ethdb.Database, config *params.ChainConfig, cacheBytes int) *Chain {
	return &Chain{
		db:       db,
		config:   config,
		blocks:   newWeighted[indexed](cacheBytes),
		receipts: newWeighted[numbered](cacheBytes),
	}
}

// Config is the chain's rule set.
func (c *Chain) Config() *params.ChainConfig { return c.config }

// Head is the header of the newest block in the index, or nil before genesis.
func (c *Chain) Head() *types.Header { return c.head.Load() }

// SetHead publishes h as the newest block, once its height is durable.
func (c *Chain) SetHead(h *types.Header) { c.head.Store(h) }

// WriteBlock adds block and its receipts to w and makes it canonical.
func WriteBlock(w ethdb.KeyValueWriter, block *types.Block, receipts types.Receipts) {
	rawdb.WriteBlock(w, block)
	rawdb.WriteReceipts(w, block.Hash(), block.NumberU64(), receipts)
	rawdb.WriteCanonicalHash(w, block.Hash(), block.NumberU64())
	rawdb.WriteTxLookupEntriesByBlock(w, block)
	rawdb.WriteHeadHeaderHash(w, block.Hash())
	rawdb.WriteHeadBlockHash(w, block.Hash())
}

// CanonicalHash is the hash of block number n, or zero if there is none.
func (c *Chain) CanonicalHash(n uint64) common.Hash {
	if h := c.head.Load(); h == nil || n > h.Number.Uint64() {
		return common.Hash{}
	}
	return rawdb.ReadCanonicalHash(c.db, n)
}

// HeaderByNumber returns the canonical header at n, or nil.
func (c *Chain) HeaderByNumber(n uint64) *types.Header {
	hash := c.CanonicalHash(n)
	if hash == (common.Hash{}) {
		return nil
	}
	return rawdb.ReadHeader(c.db, hash, n)
}

// HeaderByHash returns the header with this hash, or nil.
func (c *Chain) HeaderByHash(hash common.Hash) *types.Header {
	n, ok := c.number(hash)
	if !ok {
		return nil
	}
	return rawdb.ReadHeader(c.db, hash, n)
}

// BlockByNumber returns the canonical block at n, or nil.
func (c *Chain) BlockByNumber(n uint64) *types.Block {
	hash := c.CanonicalHash(n)
	if hash == (common.Hash{}) {
		return nil
	}
	return c.block(hash, n)
}

// BlockByHash returns the block with this hash, or nil.
func (c *Chain) BlockByHash(hash common.Hash) *types.Block {
	n, ok := c.number(hash)
	if !ok {
		return nil
	}
	return c.block(hash, n)
}

func (c *Chain) block(hash common.Hash, n uint64) *types.Block {
	if b, ok := c.indexed(hash, n); ok {
		return b.block
	}
	return nil
}

// indexed is block n with this hash and its transactions' positions, from
// the cache or read and added to it.
func (c *Chain) indexed(hash common.Hash, n uint64) (indexed, bool) {
	if b, ok := c.blocks.get(hash); ok {
		return b, true
	}
	b := rawdb.ReadBlock(c.db, hash, n)
	if b == nil {
		return indexed{}, false
	}
	txs := b.Transactions()
	x := indexed{block: b, pos: make(map[common.Hash]int, len(txs))}
	for i, tx := range txs {
		x.pos[tx.Hash()] = i
	}
	c.blocks.add(hash, x, blockWeight(b))
	return x, true
}

// Receipts returns the receipts of a block with every derived field set.
// They are shared with other callers: read them, never modify them.
func (c *Chain) Receipts(hash common.Hash, number uint64) types.Receipts {
	if r, ok := c.receipts.get(hash); ok {
		if r.number != number {
			return nil
		}
		return r.receipts
	}
	h := c.HeaderByHash(hash)
	if h == nil || h.Number.Uint64() != number {
		return nil
	}
	r := rawdb.ReadReceipts(c.db, hash, number, h.Time, c.config)
	if r != nil {
		c.receipts.add(hash, numbered{number, r}, max(receiptsWeight(r), 1))
	}
	return r
}

// Transaction finds a mined transaction by hash; tx is nil if there is none.
func (c *Chain) Transaction(hash common.Hash) (tx *types.Transaction, blockHash common.Hash, number, index uint64) {
	n := rawdb.ReadTxLookupEntry(c.db, hash)
	if n == nil {
		return nil, common.Hash{}, 0, 0
	}
	// Lookups written by a height that was not yet durable when the node
	// stopped may point above the head until CometBFT replays it: the
	// canonical hash is read only at or below the head.
	bh := c.CanonicalHash(*n)
	if bh == (common.Hash{}) {
		return nil, common.Hash{}, 0, 0
	}
	b, ok := c.indexed(bh, *n)
	if !ok {
		return nil, common.Hash{}, 0, 0
	}
	i, ok := b.pos[hash]
	if !ok {
		return nil, common.Hash{}, 0, 0
	}
	return b.block.Transactions()[i], bh, *n, uint64(i)
}

// number resolves a block hash to its number if the block is canonical and at
// or below the head.
func (c *Chain) number(hash common.Hash) (uint64, bool) {
	n, ok := rawdb.ReadHeaderNumber(c.db, hash)
	if !ok {
		return 0, false
	}
	if h := c.head.Load(); h == nil || n > h.Number.Uint64() {
		return 0, false
	}
	if rawdb.ReadCanonicalHash(c.db, n) != hash {
		return 0, false
	}
	return n, true
}

// IndexedHeader returns the canonical header at n as the index holds it, even
// above the head; used at startup to check the head marker against the index.
func (c *Chain) IndexedHeader(n uint64) *types.Header {
	hash := rawdb.ReadCanonicalHash(c.db, n)
	if hash == (common.Hash{}) {
		return nil
	}
	return rawdb.ReadHeader(c.db, hash, n)
}

// weighted is a concurrent-safe LRU cache bounded by the sum of its
// entries' weights; it keeps the newest entry whatever its weight.
type weighted[V any] struct {
	mu     sync.Mutex
	lru    lru.BasicLRU[common.Hash, weighed[V]]
	weight int
	limit  int
}

type weighed[V any] struct {
	v      V
	weight int
}

func newWeighted[V any](limit int) *weighted[V] {
	// The count bound is never reached: each entry weighs at least 1.
	return &weighted[V]{lru: lru.NewBasicLRU[common.Hash, weighed[V]](limit + 1), limit: limit}
}

func (c *weighted[V]) get(k common.Hash) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(k)
	return e.v, ok
}

func (c *weighted[V]) add(k common.Hash, v V, weight int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.lru.Peek(k); ok {
		c.weight -= old.weight
	}
	c.lru.Add(k, weighed[V]{v, weight})
	c.weight += weight
	for c.weight > c.limit && c.lru.Len() > 1 {
		_, old, _ := c.lru.RemoveOldest()
		c.weight -= old.weight
	}
}
