package rpc

import (
	"context"
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// accessListResult is eth_createAccessList's answer.
type accessListResult struct {
	AccessList *types.AccessList `json:"accessList"`
	Error      string            `json:"error,omitempty"`
	GasUsed    hexutil.Uint64    `json:"gasUsed"`
}

// CreateAccessList is eth_createAccessList: the accounts and slots the call
// touches, found as go-ethereum does by running it with an access-list tracer
// until the list stops growing, each run through the node's execution entry
// point. The sender, the recipient and the precompiles are left out.
func (api *ethAPI) CreateAccessList(ctx context.Context, args transactionArgs, sel *gethrpc.BlockNumberOrHash, overrides *stateOverride) (*accessListResult, error) {
	st, h, release, err := api.begin(ctx, &args, sel, overrides, nil)
	if err != nil {
		return nil, err
	}
	defer release()
	if args.Nonce == nil {
		n := hexutil.Uint64(st.GetNonce(args.from()))
		args.Nonce = &n
	}
	gasCap := api.cfg.GasCap
	if gasCap == 0 {
		gasCap = math.MaxUint64 / 2
	}
	if err := args.callDefaults(gasCap, h.BaseFee, api.chainID); err != nil {
		return nil, err
	}
	to := crypto.CreateAddress(args.from(), uint64(*args.Nonce))
	if args.To != nil {
		to = *args.To
	}
	exclude := map[common.Address]struct{}{args.from(): {}, to: {}}
	rules := api.b.ChainConfig().Rules(h.Number, true, h.Time)
	for _, addr := range vm.ActivePrecompiles(rules) {
		exclude[addr] = struct{}{}
	}
	var start types.AccessList
	if args.AccessList != nil {
		start = *args.AccessList
	}
	prev := logger.NewAccessListTracer(start, exclude)

	ctx, cancel := api.withTimeout(ctx)
	defer cancel()
	// Each run can only add entries, so this ends; the bound is a safeguard.
	for range 64 {
		if err := api.aborted(ctx); err != nil {
			return nil, err
		}
		list := prev.AccessList()
		args.AccessList = &list
		msg := args.toMessage(h.BaseFee).SkipExecutionGasCapCheck()
		tracer := logger.NewAccessListTracer(list, exclude)
		res, err := api.b.TraceCall(ctx, msg, args.toTransaction(), h, st.Copy(), tracer.Hooks())
		if err := api.aborted(ctx); err != nil {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("failed to apply transaction: %v err: %v", args.toTransaction().Hash(), err)
		}
		if tracer.Equal(prev) {
			out := &accessListResult{AccessList: &list, GasUsed: hexutil.Uint64(res.UsedGas)}
			if res.Err != nil {
				out.Error = res.Err.Error()
			}
			return out, nil
		}
		prev = tracer
	}
	return nil, fmt.Errorf("access list did not converge")
}
