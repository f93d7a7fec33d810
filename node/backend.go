package node

import (
	"context"
	"errors"
	"fmt"

	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/params"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/internal/version"
	"github.com/redmx/redmx/rpc"
)

// backend serves the JSON-RPC server from the node's components and the
// CometBFT node.
type backend struct {
	*parts
	cmt *cmtnode.Node
}

var _ rpc.Backend = (*backend)(nil)

func (b *backend) ChainID() uint64       { return b.gen.ChainID }
func (b *backend) ClientVersion() string { return version.ClientVersion() }

func (b *backend) PeerCount() int {
	if b.cmt == nil {
		return 0
	}
	return b.cmt.Switch().Peers().Size()
}

func (b *backend) Syncing() (bool, uint64, uint64) {
	if b.cmt == nil || !b.cmt.ConsensusReactor().WaitSync() {
		return false, 0, 0
	}
	var cur uint64
	if h := b.chain.Head(); h != nil {
		cur = h.Number.Uint64()
	}
	return true, cur, max(cur, uint64(b.cmt.BlockStore().Height()))
}

func (b *backend) Head() *types.Header                      { return b.chain.Head() }
func (b *backend) HeaderByNumber(n uint64) *types.Header    { return b.chain.HeaderByNumber(n) }
func (b *backend) HeaderByHash(h common.Hash) *types.Header { return b.chain.HeaderByHash(h) }
func (b *backend) BlockByNumber(n uint64) *types.Block      { return b.chain.BlockByNumber(n) }
func (b *backend) BlockByHash(h common.Hash) *types.Block   { return b.chain.BlockByHash(h) }

func (b *backend) Receipts(hash common.Hash, number uint64) types.Receipts {
	return b.chain.Receipts(hash, number)
}

func (b *backend) Transaction(hash common.Hash) (*types.Transaction, common.Hash, uint64, uint64) {
	return b.chain.Transaction(hash)
}

func (b *backend) State(header *types.Header) (*state.StateDB, error) {
	st, err := b.app.StateAt(header)
	if err != nil {
		return nil, b.stateErr(header, err)
	}
	return st, nil
}

func (b *backend) HeadState() (*state.StateDB, *types.Header, error) {
	st, h, err := b.app.HeadState()
	if err != nil {
		return nil, h, b.stateErr(h, err)
	}
	return st, h, nil
}

// stateErr is the app's refusal of the state after header, as rpc words it.
func (b *backend) stateErr(header *types.Header, err error) error {
	if errors.Is(err, app.ErrStatePruned) {
		return fmt.Errorf("%w: this node keeps the state of the last %d blocks (redmx.storage.state_history); query an archive node",
			rpc.ErrStateUnavailable, b.db.StateHistory())
	}
	return fmt.Errorf("%w: block %d: %v", rpc.ErrStateUnavailable, header.Number, err)
}

func (b *backend) SendTransaction(tx *types.Transaction) error { return b.pool.Add(tx) }

func (b *backend) PoolTransaction(hash common.Hash) *types.Transaction {
	return b.pool.Get(hash)
}

func (b *backend) PendingNonce(addr common.Address) uint64 { return b.pool.Nonce(addr) }

func (b *backend) PoolStats() (int, int) { return b.pool.Stats() }

func (b *backend) PoolEvicted(hash common.Hash) (string, uint64, bool) {
	ev, ok := b.pool.Evicted(hash)
	return ev.Reason, ev.Height, ok
}

func (b *backend) PoolContent() (map[common.Address][]*types.Transaction, map[common.Address][]*types.Transaction) {
	return b.pool.Content()
}

func (b *backend) Call(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB) (*core.ExecutionResult, error) {
	return b.exec.Call(ctx, msg, header, st)
}

func (b *backend) EstimateGas(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB, gasCap uint64) (uint64, *core.ExecutionResult, error) {
	return b.exec.EstimateGas(ctx, msg, header, st, gasCap)
}

func (b *backend) ChainConfig() *params.ChainConfig { return b.exec.Config() }

func (b *backend) ReplayBlock(block *types.Block, st *state.StateDB) rpc.BlockReplay {
	return b.exec.Replay(st, block)
}

func (b *backend) TraceCall(ctx context.Context, msg *core.Message, tx *types.Transaction, header *types.Header, st *state.StateDB, hooks *tracing.Hooks) (*core.ExecutionResult, error) {
	return b.exec.TraceCall(ctx, msg, tx, header, st, hooks)
}

func (b *backend) SubscribeChainEvent(ch chan<- core.ChainEvent) event.Subscription {
	return b.app.SubscribeChainEvent(ch)
}

func (b *backend) SubscribeLogsEvent(ch chan<- []*types.Log) event.Subscription {
	return b.app.SubscribeLogsEvent(ch)
}

func (b *backend) SubscribeNewTxsEvent(ch chan<- core.NewTxsEvent) event.Subscription {
	return b.pool.SubscribeNewTxs(ch)
}
