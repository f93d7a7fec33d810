package chain

import (
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/lru"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
)

// cachedBlocks is how many recent blocks, and their receipts, are kept
// decoded: clients poll the receipts of the newest blocks one transaction at
// a time, and a full block takes milliseconds to decode.
const cachedBlocks = 32

// Chain reads and writes the chain index.
type Chain struct {
	db     ethdb.Database
	config *params.ChainConfig
	head   atomic.Pointer[types.Header]

	// Keyed by block hash, so an entry never goes stale.
	blocks   *lru.Cache[common.Hash, *types.Block]
	receipts *lru.Cache[common.Hash, numbered]
}

// numbered is a block's receipts with the block's number.
type numbered struct {
	number   uint64
	receipts types.Receipts
}

// New returns the chain index over db, with no head until [Chain.SetHead]:
// the caller knows which height is durable (see store.DB.Head).
func New(db ethdb.Database, config *params.ChainConfig) *Chain {
	return &Chain{
		db:       db,
		config:   config,
		blocks:   lru.NewCache[common.Hash, *types.Block](cachedBlocks),
		receipts: lru.NewCache[common.Hash, numbered](cachedBlocks),
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
	if b, ok := c.blocks.Get(hash); ok {
		return b
	}
	b := rawdb.ReadBlock(c.db, hash, n)
	if b != nil {
		c.blocks.Add(hash, b)
	}
	return b
}

// Receipts returns the receipts of a block with every derived field set.
// They are shared with other callers: read them, never modify them.
func (c *Chain) Receipts(hash common.Hash, number uint64) types.Receipts {
	if r, ok := c.receipts.Get(hash); ok {
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
		c.receipts.Add(hash, numbered{number, r})
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
	// stopped may point above the head until CometBFT replays it: BlockByNumber
	// answers only at or below the head.
	b := c.BlockByNumber(*n)
	if b == nil {
		return nil, common.Hash{}, 0, 0
	}
	for i, tx := range b.Transactions() {
		if tx.Hash() == hash {
			return tx, b.Hash(), *n, uint64(i)
		}
	}
	return nil, common.Hash{}, 0, 0
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
