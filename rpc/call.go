package rpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
	"github.com/holiman/uint256"
)

// Call is eth_call: msg runs on the state after the selected block (the head
// if omitted), under the configured gas cap and timeout. Nothing is kept.
func (api *ethAPI) Call(ctx context.Context, args transactionArgs, sel *gethrpc.BlockNumberOrHash, overrides *stateOverride, blockOverrides *blockOverrides) (hexutil.Bytes, error) {
	st, h, release, err := api.begin(ctx, &args, sel, overrides, blockOverrides)
	if err != nil {
		return nil, err
	}
	defer release()
	gasCap := api.cfg.GasCap
	if gasCap == 0 {
		gasCap = math.MaxUint64
	}
	if err := args.callDefaults(gasCap, h.BaseFee, api.chainID); err != nil {
		return nil, err
	}
	msg := args.toMessage(h.BaseFee).SkipExecutionGasCapCheck()

	ctx, cancel := api.withTimeout(ctx)
	defer cancel()
	res, err := api.b.Call(ctx, msg, h, st)
	if err := api.aborted(ctx); err != nil {
		return nil, err
	}
	if serr := st.Error(); serr != nil {
		return nil, serr
	}
	if err != nil {
		return nil, fmt.Errorf("err: %w (supplied gas %d)", err, msg.GasLimit)
	}
	if res == nil {
		return nil, errors.New("no execution result")
	}
	if errors.Is(res.Err, vm.ErrExecutionReverted) {
		return nil, newRevertError(res.ReturnData)
	}
	return res.Return(), res.Err
}

// EstimateGas is eth_estimateGas: the lowest gas limit with which the call
// succeeds, found by the Backend, capped by args.gas and the configured cap.
func (api *ethAPI) EstimateGas(ctx context.Context, args transactionArgs, sel *gethrpc.BlockNumberOrHash, overrides *stateOverride, blockOverrides *blockOverrides) (hexutil.Uint64, error) {
	st, h, release, err := api.begin(ctx, &args, sel, overrides, blockOverrides)
	if err != nil {
		return 0, err
	}
	defer release()
	// A zero gas limit lets the estimator start from its own bound rather
	// than from the cap.
	if args.Gas == nil {
		args.Gas = new(hexutil.Uint64)
	}
	if err := args.callDefaults(api.cfg.GasCap, h.BaseFee, api.chainID); err != nil {
		return 0, err
	}
	msg := args.toMessage(h.BaseFee)
	// The whole search, every execution of it, is bounded by the timeout.
	ctx, cancel := api.withTimeout(ctx)
	defer cancel()
	gas, res, err := api.b.EstimateGas(ctx, msg, h, st, api.cfg.GasCap)
	if err := api.aborted(ctx); err != nil {
		return 0, err
	}
	if err == nil && gas == 0 && res != nil {
		// A Backend may report a failure only through the result.
		err = res.Err
	}
	switch {
	case err == nil:
		return hexutil.Uint64(gas), nil
	case errors.Is(err, vm.ErrExecutionReverted):
		var revert []byte
		if res != nil {
			revert = res.ReturnData
		}
		return 0, newRevertError(revert)
	case errors.Is(err, vm.ErrOutOfGas):
		return 0, fmt.Errorf("gas required exceeds allowance (%d)", estimateBound(msg, h, api.cfg.GasCap))
	default:
		return 0, err
	}
}

// estimateBound is the highest gas limit go-ethereum's estimator tries.
func estimateBound(msg *core.Message, h *types.Header, gasCap uint64) uint64 {
	hi := h.GasLimit
	if msg.GasLimit >= params.TxGas {
		hi = msg.GasLimit
	}
	if gasCap != 0 && hi > gasCap {
		hi = gasCap
	}
	return hi
}

// begin starts a call-like request (eth_call, eth_estimateGas,
// eth_createAccessList): it checks args, takes a slot among the node's
// expensive requests (release gives it back) and opens the selected state
// with the overrides applied.
func (api *ethAPI) begin(ctx context.Context, args *transactionArgs, sel *gethrpc.BlockNumberOrHash, so *stateOverride, bo *blockOverrides) (*state.StateDB, *types.Header, func(), error) {
	if err := args.checkBlobFeeCap(); err != nil {
		return nil, nil, nil, err
	}
	release, err := api.expensive.acquire(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	st, h, err := api.prepare(sel, so, bo)
	if err != nil {
		release()
		return nil, nil, nil, err
	}
	return st, h, release, nil
}

// prepare resolves the state and header of a call and applies the overrides.
func (api *ethAPI) prepare(sel *gethrpc.BlockNumberOrHash, so *stateOverride, bo *blockOverrides) (*state.StateDB, *types.Header, error) {
	st, h, err := api.state(sel)
	if err != nil {
		return nil, nil, err
	}
	if h, err = bo.apply(h); err != nil {
		return nil, nil, err
	}
	if err := so.apply(st); err != nil {
		return nil, nil, err
	}
	return st, h, nil
}

// transactionArgs is go-ethereum's TransactionArgs, less the blob sidecar.
type transactionArgs struct {
	From                 *common.Address `json:"from"`
	To                   *common.Address `json:"to"`
	Gas                  *hexutil.Uint64 `json:"gas"`
	GasPrice             *hexutil.Big    `json:"gasPrice"`
	MaxFeePerGas         *hexutil.Big    `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *hexutil.Big    `json:"maxPriorityFeePerGas"`
	Value                *hexutil.Big    `json:"value"`
	Nonce                *hexutil.Uint64 `json:"nonce"`

	// "data" and "input" are both accepted; "input" is the newer name.
	Data  *hexutil.Bytes `json:"data"`
	Input *hexutil.Bytes `json:"input"`

	AccessList *types.AccessList `json:"accessList,omitempty"`
	ChainID    *hexutil.Big      `json:"chainId,omitempty"`

	BlobFeeCap *hexutil.Big  `json:"maxFeePerBlobGas"`
	BlobHashes []common.Hash `json:"blobVersionedHashes,omitempty"`

	AuthorizationList []types.SetCodeAuthorization `json:"authorizationList"`
}

func (args *transactionArgs) from() common.Address {
	if args.From == nil {
		return common.Address{}
	}
	return *args.From
}

func (args *transactionArgs) data() []byte {
	if args.Input != nil {
		return *args.Input
	}
	if args.Data != nil {
		return *args.Data
	}
	return nil
}

func (args *transactionArgs) checkBlobFeeCap() error {
	if args.BlobFeeCap != nil && len(args.BlobHashes) == 0 {
		return errBlobFeeCapAlone
	}
	return nil
}

// callDefaults is go-ethereum's TransactionArgs.CallDefaults, which also
// refuses data and input that differ (go-ethereum's setDefaults check).
func (args *transactionArgs) callDefaults(gasCap uint64, baseFee, chainID *big.Int) error {
	if args.Data != nil && args.Input != nil && !bytes.Equal(*args.Data, *args.Input) {
		return errDataInputMismatch
	}
	if args.GasPrice != nil && (args.MaxFeePerGas != nil || args.MaxPriorityFeePerGas != nil) {
		return errBothGasPrices
	}
	if args.To == nil {
		if args.BlobHashes != nil {
			return core.ErrBlobTxCreate
		}
		if args.AuthorizationList != nil {
			return core.ErrSetCodeTxCreate
		}
	}
	if args.ChainID == nil {
		args.ChainID = (*hexutil.Big)(chainID)
	} else if have := (*big.Int)(args.ChainID); have.Cmp(chainID) != 0 {
		return fmt.Errorf("chainId does not match node's (have=%v, want=%v)", have, chainID)
	}
	if args.Gas == nil {
		gas := gasCap
		if gas == 0 {
			gas = math.MaxUint64 / 2
		}
		args.Gas = (*hexutil.Uint64)(&gas)
	} else if gasCap > 0 && gasCap < uint64(*args.Gas) {
		args.Gas = (*hexutil.Uint64)(&gasCap)
	}
	if args.Nonce == nil {
		args.Nonce = new(hexutil.Uint64)
	}
	if args.Value == nil {
		args.Value = new(hexutil.Big)
	}
	if baseFee == nil {
		if args.MaxFeePerGas != nil || args.MaxPriorityFeePerGas != nil {
			return errors.New("maxFeePerGas and maxPriorityFeePerGas are not valid before London is active")
		}
		if args.GasPrice == nil {
			args.GasPrice = new(hexutil.Big)
		}
	} else {
		if args.MaxFeePerGas == nil {
			args.MaxFeePerGas = new(hexutil.Big)
		}
		if args.MaxPriorityFeePerGas == nil {
			args.MaxPriorityFeePerGas = new(hexutil.Big)
		}
	}
	if args.BlobFeeCap == nil && args.BlobHashes != nil {
		args.BlobFeeCap = new(hexutil.Big)
	}
	return nil
}

// toMessage is go-ethereum's TransactionArgs.ToMessage with the nonce check
// skipped; callDefaults must have run.
func (args *transactionArgs) toMessage(baseFee *big.Int) *core.Message {
	var gasPrice, gasFeeCap, gasTipCap *uint256.Int
	switch {
	case baseFee == nil || args.GasPrice != nil:
		gasPrice, _ = args.GasPrice.ToUint256()
		gasFeeCap, gasTipCap = gasPrice, gasPrice
	default:
		gasFeeCap, _ = args.MaxFeePerGas.ToUint256()
		gasTipCap, _ = args.MaxPriorityFeePerGas.ToUint256()
		gasPrice = uint256.NewInt(0)
		if gasFeeCap.BitLen() > 0 || gasTipCap.BitLen() > 0 {
			gasPrice = gasPrice.Add(gasTipCap, uint256.MustFromBig(baseFee))
			if gasPrice.Cmp(gasFeeCap) > 0 {
				gasPrice = gasFeeCap
			}
		}
	}
	var accessList types.AccessList
	if args.AccessList != nil {
		accessList = *args.AccessList
	}
	value, _ := args.Value.ToUint256()
	blobFeeCap, _ := args.BlobFeeCap.ToUint256()
	msg := &core.Message{
		From:                  args.from(),
		To:                    args.To,
		Value:                 value,
		Nonce:                 uint64(*args.Nonce),
		GasLimit:              uint64(*args.Gas),
		GasPrice:              gasPrice,
		GasFeeCap:             gasFeeCap,
		GasTipCap:             gasTipCap,
		Data:                  args.data(),
		AccessList:            accessList,
		BlobGasFeeCap:         blobFeeCap,
		BlobHashes:            args.BlobHashes,
		SetCodeAuthorizations: args.AuthorizationList,
	}
	return msg.SkipNonceCheck().SkipEOACheck().SkipGasLimitCapCheck()
}

// overrideAccount is go-ethereum's override.OverrideAccount.
type overrideAccount struct {
	Nonce            *hexutil.Uint64             `json:"nonce"`
	Code             *hexutil.Bytes              `json:"code"`
	Balance          *hexutil.Big                `json:"balance"`
	State            map[common.Hash]common.Hash `json:"state"`
	StateDiff        map[common.Hash]common.Hash `json:"stateDiff"`
	MovePrecompileTo *common.Address             `json:"movePrecompileToAddress"`
}

// stateOverride is go-ethereum's override.StateOverride: accounts changed on
// the call's state copy before it runs.
type stateOverride map[common.Address]overrideAccount

// apply writes the overrides into st, in address order so that errors are
// stable, and finalises them as if a transaction had made them.
func (so *stateOverride) apply(st *state.StateDB) error {
	if so == nil {
		return nil
	}
	for _, addr := range slices.SortedFunc(maps.Keys(*so), common.Address.Cmp) {
		acct := (*so)[addr]
		if acct.MovePrecompileTo != nil {
			return fmt.Errorf("%w: movePrecompileToAddress (account %s)", errUnsupportedOverride, addr.Hex())
		}
		if acct.Nonce != nil {
			st.SetNonce(addr, uint64(*acct.Nonce), tracing.NonceChangeUnspecified)
		}
		if acct.Code != nil {
			st.SetCode(addr, *acct.Code, tracing.CodeChangeUnspecified)
		}
		if acct.Balance != nil {
			bal, _ := uint256.FromBig((*big.Int)(acct.Balance))
			st.SetBalance(addr, bal, tracing.BalanceChangeUnspecified)
		}
		if acct.State != nil && acct.StateDiff != nil {
			return fmt.Errorf("account %s has both 'state' and 'stateDiff'", addr.Hex())
		}
		if acct.State != nil {
			st.SetStorage(addr, acct.State)
		}
		for k, v := range acct.StateDiff {
			st.SetState(addr, k, v)
		}
	}
	st.Finalise(params.Rules{})
	return nil
}

// blockOverrides is go-ethereum's override.BlockOverrides. They are applied to
// a copy of the header that the Backend executes against.
type blockOverrides struct {
	Number        *hexutil.Big       `json:"number"`
	Difficulty    *hexutil.Big       `json:"difficulty"`
	Time          *hexutil.Uint64    `json:"time"`
	GasLimit      *hexutil.Uint64    `json:"gasLimit"`
	FeeRecipient  *common.Address    `json:"feeRecipient"`
	PrevRandao    *common.Hash       `json:"prevRandao"`
	BaseFeePerGas *hexutil.Big       `json:"baseFeePerGas"`
	BlobBaseFee   *hexutil.Big       `json:"blobBaseFee"`
	BeaconRoot    *common.Hash       `json:"beaconRoot"`
	Withdrawals   *types.Withdrawals `json:"withdrawals"`
}

// apply returns h with the overrides, or h itself if there are none.
func (bo *blockOverrides) apply(h *types.Header) (*types.Header, error) {
	if bo == nil {
		return h, nil
	}
	if bo.BeaconRoot != nil {
		return nil, errors.New(`block override "beaconRoot" is not supported for this RPC method`)
	}
	if bo.Withdrawals != nil {
		return nil, errors.New(`block override "withdrawals" is not supported for this RPC method`)
	}
	if bo.BlobBaseFee != nil {
		return nil, fmt.Errorf("%w: block override \"blobBaseFee\"", errUnsupportedOverride)
	}
	h = types.CopyHeader(h)
	if bo.Number != nil {
		h.Number = bo.Number.ToInt()
	}
	// Difficulty is a no-op on post-merge (zero-difficulty) headers.
	if bo.Difficulty != nil && (h.Difficulty == nil || h.Difficulty.Sign() != 0) {
		h.Difficulty = bo.Difficulty.ToInt()
	}
	if bo.Time != nil {
		h.Time = uint64(*bo.Time)
	}
	if bo.GasLimit != nil {
		h.GasLimit = uint64(*bo.GasLimit)
	}
	if bo.FeeRecipient != nil {
		h.Coinbase = *bo.FeeRecipient
	}
	if bo.PrevRandao != nil {
		h.MixDigest = *bo.PrevRandao
	}
	if bo.BaseFeePerGas != nil {
		h.BaseFee = bo.BaseFeePerGas.ToInt()
	}
	return h, nil
}
