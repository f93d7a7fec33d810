package execution

import (
	"context"
	"errors"

	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
)

// ErrReplayDone is returned by [Replay.Next] after the block's last transaction.
var ErrReplayDone = errors.New("no transaction left in the block")

// Replay re-executes a committed block for tracing, one transaction at a
// time, exactly as [Executor.Execute] executed it: the same system calls
// (untraced), then each transaction with the same message, transaction
// context, gas pool and finalisation. A trace therefore agrees with what
// block execution did.
type Replay struct {
	b    *blockExec
	txs  types.Transactions
	next int
}

// Replay starts re-executing block on st, which must be the state after the
// block's parent; st is changed and is not to be committed. The block's
// system calls run here.
func (e *Executor) Replay(st *state.StateDB, block *types.Block) *Replay {
	return &Replay{b: e.beginBlock(block.Header(), st, block.Hash()), txs: block.Transactions()}
}

// Next executes the block's next transaction and returns its receipt. If
// hooks is not nil, they observe it as go-ethereum's tracers expect
// (OnTxStart, the EVM's and the state's hooks, then OnTxEnd with the
// receipt), on an EVM of its own that the end of ctx cancels. An error means
// the transaction did not apply (st is not its parent's state), ctx ended
// before it began, or the block has no transaction left ([ErrReplayDone]).
func (r *Replay) Next(ctx context.Context, hooks *tracing.Hooks) (*types.Receipt, error) {
	if r.next >= len(r.txs) {
		return nil, ErrReplayDone
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	i := r.next
	r.next++
	evm := r.b.evm
	if hooks != nil {
		evm = r.b.tracedEVM(hooks)
		defer evm.Release()
		defer context.AfterFunc(ctx, evm.Cancel)()
	}
	return r.b.applyTx(evm, r.txs[i], i)
}
