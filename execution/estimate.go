package execution

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/redmx/redmx/governance"
)

// estimateErrorRatio is how far above the true minimum an estimate may land,
// as geth allows, to save iterations.
const estimateErrorRatio = 0.015

// ErrGasCapExceeded is returned when msg fails even with the highest gas allowed.
var ErrGasCapExceeded = errors.New("gas required exceeds allowance")

// EstimateGas finds the lowest gas limit with which msg succeeds on st, by
// binary search over [Executor.ApplyMessage] on copies of st. If msg fails at the
// highest allowed limit, the failing result is returned (a revert carries its
// data) with a nil error, or an error for what is not an execution failure.
func (e *Executor) EstimateGas(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB, gasCap uint64) (uint64, *core.ExecutionResult, error) {
	est := &estimation{e: e, ctx: ctx, msg: msg, header: header, st: st, governed: e.enabled(st)}
	hi := gasCeiling(msg, header, gasCap)
	// Permission and capital refuse what no block would take; eth_call
	// applies neither, so only the estimate reports them. Capital is asked
	// again for the gas found.
	if err := est.admit(params.TxGas); err != nil && !errors.Is(err, governance.ErrNoCapital) {
		return 0, nil, err
	}
	if est.plainTransfer() {
		if err := est.admit(params.TxGas); err != nil {
			return 0, nil, err
		}
		return params.TxGas, nil, nil
	}
	// If msg fails at the ceiling, no limit makes it succeed.
	first, err := est.run(hi)
	if err != nil || first.Failed() {
		res, err := ceilingFailure(hi, first, err)
		return 0, res, err
	}
	lo, hi := est.narrow(first, hi)
	if hi, err = est.bisect(lo, hi); err != nil {
		return 0, nil, err
	}
	if err := est.blockWouldTake(hi); err != nil {
		return 0, nil, err
	}
	return hi, nil, nil
}

// estimation is one [Executor.EstimateGas]: msg in the block of header, each
// try on a copy of st.
type estimation struct {
	e        *Executor
	ctx      context.Context
	msg      *core.Message
	header   *types.Header
	st       *state.StateDB
	governed bool
}

// gasCeiling is the highest limit an estimate may answer: the block's gas
// limit within Osaka's cap per transaction, lowered to the caller's limit
// if it gave one and to the node's gasCap (0: none).
func gasCeiling(msg *core.Message, header *types.Header, gasCap uint64) uint64 {
	hi := min(header.GasLimit, params.MaxTxGas)
	if msg.GasLimit >= params.TxGas && msg.GasLimit < hi {
		hi = msg.GasLimit
	}
	if gasCap != 0 && hi > gasCap {
		hi = gasCap
	}
	return hi
}

// admit is governance's admission of msg with gas on a governed state
// (permission, then capital); nil on an ungoverned one.
func (est *estimation) admit(gas uint64) error {
	if !est.governed {
		return nil
	}
	env := governance.Env{Number: est.header.Number.Uint64(), Time: est.header.Time}
	_, err := est.e.gov.Admit(env, est.st.Copy(), est.msg.From, est.msg.To, est.msg.Data, gas, 0)
	return err
}

// run executes msg with a gas limit of gas on a copy of the state.
func (est *estimation) run(gas uint64) (*core.ExecutionResult, error) {
	m := *est.msg
	m.GasLimit = gas
	return est.e.Call(est.ctx, &m, est.header, est.st.Copy())
}

// plainTransfer reports whether msg is a transfer to an account without code
// that succeeds with exactly TxGas, which it then needs.
func (est *estimation) plainTransfer() bool {
	msg := est.msg
	if msg.To == nil || len(msg.Data) > 0 || len(msg.AccessList) > 0 || est.st.GetCodeSize(*msg.To) != 0 {
		return false
	}
	res, err := est.run(params.TxGas)
	return err == nil && !res.Failed()
}

// ceilingFailure is the answer for msg failing at the ceiling hi: the cap
// exceeded for a lack of gas, the error for what is not an execution failure,
// or else the failing result (a revert carries its data).
func ceilingFailure(hi uint64, res *core.ExecutionResult, err error) (*core.ExecutionResult, error) {
	switch {
	case err != nil && isGasTooLow(err):
		return nil, fmt.Errorf("%w (%d)", ErrGasCapExceeded, hi)
	case err != nil:
		return nil, err
	case errors.Is(res.Err, vm.ErrOutOfGas) || errors.Is(res.Err, vm.ErrCodeStoreOutOfGas):
		return nil, fmt.Errorf("%w (%d)", ErrGasCapExceeded, hi)
	default:
		return res, nil
	}
}

// narrow bounds the search from first, msg's success at hi: below what it
// used it cannot succeed (lo fails), and most calls succeed with what they
// used plus the 63/64 retained by calls, which one run tries.
func (est *estimation) narrow(first *core.ExecutionResult, hi uint64) (uint64, uint64) {
	lo := first.UsedGas - 1
	if optimistic := (first.MaxUsedGas + params.CallStipend) * 64 / 63; optimistic < hi {
		r, err := est.run(optimistic)
		if err == nil && !r.Failed() {
			hi = optimistic
		} else {
			lo = max(lo, optimistic)
		}
	}
	return lo, hi
}

// bisect searches (lo, hi], lo failing and hi succeeding, for the lowest
// limit with which msg succeeds, to within estimateErrorRatio above it.
func (est *estimation) bisect(lo, hi uint64) (uint64, error) {
	for lo+1 < hi {
		if err := est.ctx.Err(); err != nil {
			return 0, err
		}
		if float64(hi-lo)/float64(hi) < estimateErrorRatio {
			break
		}
		mid := lo + (hi-lo)/2
		if mid > lo*2 {
			mid = lo * 2 // the answer is usually near lo
		}
		r, err := est.run(mid)
		if err != nil && !isGasTooLow(err) {
			return 0, err
		}
		if err != nil || r.Failed() {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// blockWouldTake refuses, on a governed state, what a block would refuse of
// msg with a limit of gas: a creation it may not make (the block fails the
// transaction), then a sender or payer governance does not admit.
func (est *estimation) blockWouldTake(gas uint64) error {
	if est.governed {
		m := *est.msg
		m.GasLimit = gas
		if err := est.e.forbiddenCreation(est.ctx, &m, est.header, est.st); err != nil {
			return err
		}
	}
	return est.admit(gas)
}

func isGasTooLow(err error) bool {
	return errors.Is(err, core.ErrIntrinsicGas) || errors.Is(err, core.ErrFloorDataGas)
}
