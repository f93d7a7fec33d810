package rpc

import (
	"context"
	"errors"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/params"
)

// ErrStateUnavailable is returned by Backend.State for a height whose state
// this node no longer keeps (or never had).
var ErrStateUnavailable = errors.New("historical state not available")

// Backend is what the JSON-RPC server needs of a node. The node implements it;
// rpc never sees the app, the pool or the stores directly.
type Backend interface {
	ChainID() uint64
	ClientVersion() string
	PeerCount() int
	// Syncing reports whether the node is catching up, and if so its current
	// and highest known heights.
	Syncing() (syncing bool, current, highest uint64)

	// Head is the header of the latest committed block.
	Head() *types.Header
	// HeaderByNumber and the other lookups return nil when there is no such block.
	HeaderByNumber(number uint64) *types.Header
	HeaderByHash(hash common.Hash) *types.Header
	BlockByNumber(number uint64) *types.Block
	BlockByHash(hash common.Hash) *types.Block
	// Receipts of a block, with all derived fields (block hash and number,
	// indexes, contract addresses, logs' positions) filled in.
	Receipts(hash common.Hash, number uint64) types.Receipts
	// Transaction finds a mined transaction; tx is nil when it is not mined.
	Transaction(hash common.Hash) (tx *types.Transaction, blockHash common.Hash, number, index uint64)

	// State is the state after the block with this header. It returns
	// ErrStateUnavailable if this node does not keep it.
	State(header *types.Header) (*state.StateDB, error)
	// HeadState is the state after the latest block, with its header, taken
	// together: a block's state may leave the newest states held live as the
	// next block is committed, and is then read, more slowly, from the
	// state history.
	HeadState() (*state.StateDB, *types.Header, error)

	// SendTransaction validates tx and adds it to the pool; the error is the
	// pool's (geth's wording).
	SendTransaction(tx *types.Transaction) error
	// PoolTransaction returns a transaction waiting in the pool, or nil.
	PoolTransaction(hash common.Hash) *types.Transaction
	// PendingNonce is the next nonce for addr counting the pool.
	PendingNonce(addr common.Address) uint64
	// PoolStats counts the pool's executable and future-nonce transactions.
	PoolStats() (pending, queued int)
	// PoolContent lists the pool's transactions by sender, in nonce order.
	PoolContent() (pending, queued map[common.Address][]*types.Transaction)
	// PoolEvicted says why and at which head the pool let a transaction go
	// unmined, among its recent evictions; ok is false for any other.
	PoolEvicted(hash common.Hash) (reason string, height uint64, ok bool)

	// Call executes msg on st (the state after header) through the node's one
	// execution entry point, with zero gas prices and no state change kept.
	Call(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB) (*core.ExecutionResult, error)
	// EstimateGas finds the lowest gas limit with which msg succeeds on st. A
	// revert is returned as the execution result's error with its revert data.
	EstimateGas(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB, gasCap uint64) (uint64, *core.ExecutionResult, error)

	// ChainConfig is the chain's rule set, which tracers are built with.
	ChainConfig() *params.ChainConfig
	// ReplayBlock starts re-executing block on st, the state after its
	// parent, for tracing: exactly as block execution did, with the block's
	// system calls run at once, untraced, and one transaction per Next.
	ReplayBlock(block *types.Block, st *state.StateDB) BlockReplay
	// TraceCall is Call observed by hooks: tx is the transaction msg stands
	// for, which OnTxStart and, in its receipt, OnTxEnd see.
	TraceCall(ctx context.Context, msg *core.Message, tx *types.Transaction, header *types.Header, st *state.StateDB, hooks *tracing.Hooks) (*core.ExecutionResult, error)
	// SubscribeChainEvent delivers each committed block once its height is
	// durable and the head, with its receipts' fields derived.
	SubscribeChainEvent(ch chan<- core.ChainEvent) event.Subscription
	// SubscribeLogsEvent delivers the logs of each committed block that has
	// any, with every derived field set (blockHash, blockNumber,
	// transactionHash, transactionIndex, logIndex).
	SubscribeLogsEvent(ch chan<- []*types.Log) event.Subscription
	// SubscribeNewTxsEvent delivers the transactions the pool accepts.
	SubscribeNewTxsEvent(ch chan<- core.NewTxsEvent) event.Subscription
}
