package rpc

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/filtermaps"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/params"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/genesis"
)

// errNoLogIndex is returned by the matcher backend's index reads, which the
// filters never make because SyncLogIndex reports nothing indexed.
var errNoLogIndex = errors.New("no log index: logs are searched block by block")

// filterBackend is go-ethereum's filters.Backend over a Backend. It keeps no
// log index (see the package doc): range queries read each block's header
// bloom and, where it may match, the block's receipts.
type filterBackend struct {
	b      Backend
	config *params.ChainConfig
}

var _ filters.Backend = (*filterBackend)(nil)

func newFilterBackend(b Backend) *filterBackend {
	return &filterBackend{b: b, config: genesis.ChainConfig(b.ChainID())}
}

// ChainDb is not read by the filters, which go through the methods below.
func (f *filterBackend) ChainDb() ethdb.Database { return nil }

func (f *filterBackend) HeaderByNumber(_ context.Context, n gethrpc.BlockNumber) (*types.Header, error) {
	switch {
	case n == gethrpc.EarliestBlockNumber:
		return f.b.HeaderByNumber(0), nil
	case n < 0: // latest, pending, safe, finalized: blocks are final when committed
		return f.b.Head(), nil
	default:
		return f.b.HeaderByNumber(uint64(n)), nil
	}
}

func (f *filterBackend) HeaderByHash(_ context.Context, hash common.Hash) (*types.Header, error) {
	return f.b.HeaderByHash(hash), nil
}

func (f *filterBackend) GetBody(_ context.Context, hash common.Hash, _ gethrpc.BlockNumber) (*types.Body, error) {
	b := f.b.BlockByHash(hash)
	if b == nil {
		return nil, fmt.Errorf("block %s not found", hash)
	}
	return b.Body(), nil
}

func (f *filterBackend) GetReceipts(_ context.Context, hash common.Hash) (types.Receipts, error) {
	h := f.b.HeaderByHash(hash)
	if h == nil {
		return nil, fmt.Errorf("block %s not found", hash)
	}
	return f.b.Receipts(hash, h.Number.Uint64()), nil
}

// GetLogs returns the block's logs per transaction, one entry for each
// transaction, as the filters' cache expects. The logs are copies, since the
// filters fill in fields of what they are given.
func (f *filterBackend) GetLogs(_ context.Context, hash common.Hash, number uint64) ([][]*types.Log, error) {
	if h := f.b.HeaderByHash(hash); h == nil || h.Number.Uint64() != number {
		return nil, fmt.Errorf("block #%d (%s) not found", number, hash)
	}
	receipts := f.b.Receipts(hash, number)
	logs := make([][]*types.Log, len(receipts))
	for i, r := range receipts {
		logs[i] = make([]*types.Log, len(r.Logs))
		for j, l := range r.Logs {
			cp := *l
			logs[i][j] = &cp
		}
	}
	return logs, nil
}

func (f *filterBackend) CurrentHeader() *types.Header                 { return f.b.Head() }
func (f *filterBackend) ChainConfig() *params.ChainConfig             { return f.config }
func (f *filterBackend) HistoryPruningCutoff() uint64                 { return 0 }
func (f *filterBackend) NewMatcherBackend() filtermaps.MatcherBackend { return noLogIndex{} }

func (f *filterBackend) SubscribeNewTxsEvent(ch chan<- core.NewTxsEvent) event.Subscription {
	return f.b.SubscribeNewTxsEvent(ch)
}

func (f *filterBackend) SubscribeChainEvent(ch chan<- core.ChainEvent) event.Subscription {
	return f.b.SubscribeChainEvent(ch)
}

func (f *filterBackend) SubscribeLogsEvent(ch chan<- []*types.Log) event.Subscription {
	return f.b.SubscribeLogsEvent(ch)
}

// SubscribeRemovedLogsEvent never delivers: a committed block is final, so no
// log is ever removed.
func (f *filterBackend) SubscribeRemovedLogsEvent(chan<- core.RemovedLogsEvent) event.Subscription {
	return event.NewSubscription(func(quit <-chan struct{}) error {
		<-quit
		return nil
	})
}

// CurrentView is the canonical chain up to the head.
func (f *filterBackend) CurrentView() *filtermaps.ChainView {
	h := f.b.Head()
	if h == nil {
		return nil
	}
	return filtermaps.NewChainView(&chainReader{b: f.b}, h.Number.Uint64(), h.Hash())
}

// chainReader is the chain as one filtermaps.ChainView reads it, for one
// search. For every block the view asks the block's canonical hash, the
// head's (to check that it has not been reorganised), then the block's
// header. The Backend finds a hash only by reading and hashing the header, so
// the head's hash and the last header read are kept.
type chainReader struct {
	b        Backend
	last     *types.Header
	lastHash common.Hash
	hashes   map[uint64]common.Hash // the head's, once asked
}

func (c *chainReader) GetHeader(hash common.Hash, number uint64) *types.Header {
	if c.last != nil && c.last.Number.Uint64() == number && c.lastHash == hash {
		return c.last
	}
	if h := c.b.HeaderByHash(hash); h != nil && h.Number.Uint64() == number {
		return h
	}
	return nil
}

func (c *chainReader) GetCanonicalHash(number uint64) common.Hash {
	if hash, ok := c.hashes[number]; ok {
		return hash
	}
	h := c.b.HeaderByNumber(number)
	if h == nil {
		return common.Hash{}
	}
	c.last, c.lastHash = h, h.Hash()
	if c.hashes == nil {
		// The first hash a view asks is its head's.
		c.hashes = map[uint64]common.Hash{number: c.lastHash}
	}
	return c.lastHash
}

func (c *chainReader) GetReceiptsByHash(hash common.Hash) types.Receipts {
	if h := c.b.HeaderByHash(hash); h != nil {
		return c.b.Receipts(hash, h.Number.Uint64())
	}
	return nil
}

func (c *chainReader) GetRawReceipts(hash common.Hash, number uint64) types.Receipts {
	return c.b.Receipts(hash, number)
}

// noLogIndex is a matcher backend with nothing indexed, which turns every
// range query of the filters into their unindexed search.
type noLogIndex struct{}

func (noLogIndex) GetParams() *filtermaps.Params { return &filtermaps.DefaultParams }
func (noLogIndex) GetBlockLvPointer(context.Context, uint64) (uint64, error) {
	return 0, errNoLogIndex
}
func (noLogIndex) GetFilterMapRows(context.Context, []uint32, uint32, bool) ([]filtermaps.FilterRow, error) {
	return nil, errNoLogIndex
}
func (noLogIndex) GetLogByLvIndex(context.Context, uint64) (*types.Log, error) {
	return nil, errNoLogIndex
}
func (noLogIndex) SyncLogIndex(context.Context) (filtermaps.SyncRange, error) {
	return filtermaps.SyncRange{}, nil
}
func (noLogIndex) Close() {}
