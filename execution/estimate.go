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
	hi := min(header.GasLimit, params.MaxTxGas)
	if msg.GasLimit >= params.TxGas && msg.GasLimit < hi {
		hi = msg.GasLimit
	}
	if gasCap != 0 && hi > gasCap {
		hi = gasCap
	}
	// Permission and capital refuse what no block would take; eth_call
	// applies neither, so only the estimate reports them.
	admit := func(gas uint64) error { return nil }
	if e.enabled(st) {
		admit = func(gas uint64) error {
			env := governance.Env{Number: header.Number.Uint64(), Time: header.Time}
			_, err := e.gov.Admit(env, st.Copy(), msg.From, msg.To, msg.Data, gas, 0)
			return err
		}
	}
	if err := admit(params.TxGas); err != nil && !errors.Is(err, governance.ErrNoCapital) {
		return 0, nil, err
	}
	run := func(gas uint64) (*core.ExecutionResult, error) {
		m := *msg
		m.GasLimit = gas
		return e.Call(ctx, &m, header, st.Copy())
	}
	// A plain transfer to an account without code needs exactly TxGas.
	if msg.To != nil && len(msg.Data) == 0 && len(msg.AccessList) == 0 && st.GetCodeSize(*msg.To) == 0 {
		if res, err := run(params.TxGas); err == nil && !res.Failed() {
			if err := admit(params.TxGas); err != nil {
				return 0, nil, err
			}
			return params.TxGas, nil, nil
		}
	}
	res, err := run(hi)
	if err != nil {
		if isGasTooLow(err) {
			return 0, nil, fmt.Errorf("%w (%d)", ErrGasCapExceeded, hi)
		}
		return 0, nil, err
	}
	if res.Failed() {
		if errors.Is(res.Err, vm.ErrOutOfGas) || errors.Is(res.Err, vm.ErrCodeStoreOutOfGas) {
			return 0, nil, fmt.Errorf("%w (%d)", ErrGasCapExceeded, hi)
		}
		return 0, res, nil
	}
	lo := res.UsedGas - 1 // below what it used it cannot succeed
	// Most calls succeed with what they used plus the 63/64 retained by calls.
	if optimistic := (res.MaxUsedGas + params.CallStipend) * 64 / 63; optimistic < hi {
		r, err := run(optimistic)
		if err == nil && !r.Failed() {
			hi = optimistic
		} else {
			lo = max(lo, optimistic)
		}
	}
	for lo+1 < hi {
		if err := ctx.Err(); err != nil {
			return 0, nil, err
		}
		if float64(hi-lo)/float64(hi) < estimateErrorRatio {
			break
		}
		mid := lo + (hi-lo)/2
		if mid > lo*2 {
			mid = lo * 2 // the answer is usually near lo
		}
		r, err := run(mid)
		if err != nil && !isGasTooLow(err) {
			return 0, nil, err
		}
		if err != nil || r.Failed() {
			lo = mid
		} else {
			hi = mid
		}
	}
	if e.enabled(st) {
		// A block fails a transaction that creates what it may not.
		m := *msg
		m.GasLimit = hi
		if err := e.forbiddenCreation(ctx, &m, header, st); err != nil {
			return 0, nil, err
		}
	}
	if err := admit(hi); err != nil {
		return 0, nil, err
	}
	return hi, nil, nil
}

func isGasTooLow(err error) bool {
	return errors.Is(err, core.ErrIntrinsicGas) || errors.Is(err, core.ErrFloorDataGas)
}
