package execution

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/governance"
)

// HashReader gives the canonical hash of a committed block number, for BLOCKHASH.
type HashReader interface {
	CanonicalHash(n uint64) common.Hash
}

// Executor executes blocks and messages for one chain.
type Executor struct {
	config *params.ChainConfig
	signer types.Signer
	hashes HashReader
	gov    Governance // nil: no governance contract
}

// New returns an executor for the chain with this config. hashes resolves
// BLOCKHASH for committed blocks. gov is the governance contract (nil: none;
// the governance address is then a plain account).
func New(config *params.ChainConfig, hashes HashReader, gov Governance) *Executor {
	return &Executor{config: config, signer: types.LatestSigner(config), hashes: hashes, gov: gov}
}

// Config is the chain's rule set.
func (e *Executor) Config() *params.ChainConfig { return e.config }

// Signer recovers senders for this chain. One instance is shared so that the
// sender cache inside each transaction hits.
func (e *Executor) Signer() types.Signer { return e.signer }

// BlockEnv is what a block's header takes from consensus.
type BlockEnv struct {
	Parent   *types.Header
	Time     uint64 // block time in seconds (BFT time)
	Coinbase common.Address
	GasLimit uint64
	// LastCommit is the block's record of the votes on its parent, for
	// governance's liveness review at the end of the block.
	LastCommit []governance.CommitVote
	// Misbehaviour is the evidence the block commits, for governance's
	// record of it at the end of the block.
	Misbehaviour []governance.Misbehaviour
}

// NewHeader builds the header of the block after env.Parent, before
// execution, in the chain's one shape ([osakaHeader]).
func NewHeader(env BlockEnv) *types.Header {
	parent := env.Parent
	number := new(big.Int).Add(parent.Number, common.Big1)
	t := env.Time
	if t < parent.Time {
		t = parent.Time // block time never goes backwards
	}
	h := osakaHeader(number, env.GasLimit, t)
	h.ParentHash = parent.Hash()
	h.Coinbase = env.Coinbase
	// PREVRANDAO: deterministic and known to the proposer before the block
	// exists, so building and checking a proposal execute identically.
	h.MixDigest = crypto.Keccak256Hash(parent.Hash().Bytes(), number.Bytes())
	return h
}

// osakaHeader is the one shape of this chain's headers, genesis included:
// post-merge fields set as Osaka requires, with no fees, no withdrawals, no
// blobs and no requests. Callers set what else a header of theirs holds.
func osakaHeader(number *big.Int, gasLimit, time uint64) *types.Header {
	zero := uint64(0)
	beaconRoot := common.Hash{}
	requests := types.EmptyRequestsHash
	return &types.Header{
		UncleHash:        types.EmptyUncleHash,
		Difficulty:       new(big.Int),
		Number:           number,
		GasLimit:         gasLimit,
		Time:             time,
		BaseFee:          new(big.Int),
		WithdrawalsHash:  &types.EmptyWithdrawalsHash,
		BlobGasUsed:      &zero,
		ExcessBlobGas:    &zero,
		ParentBeaconRoot: &beaconRoot,
		RequestsHash:     &requests,
	}
}

// BlockContext is the EVM's view of header.
func (e *Executor) BlockContext(header *types.Header) vm.BlockContext {
	random := header.MixDigest
	ctx := vm.BlockContext{
		CanTransfer:      core.CanTransfer,
		Transfer:         core.Transfer,
		GetHash:          e.getHash(header),
		Coinbase:         header.Coinbase,
		BlockNumber:      new(big.Int).Set(header.Number),
		Time:             header.Time,
		Difficulty:       new(big.Int),
		BaseFee:          new(big.Int),
		BlobBaseFee:      new(big.Int),
		GasLimit:         header.GasLimit,
		Random:           &random,
		CostPerStateByte: params.CostPerStateByte,
	}
	if header.BaseFee != nil {
		ctx.BaseFee.Set(header.BaseFee)
	}
	if header.ExcessBlobGas != nil {
		ctx.BlobBaseFee = eip4844.CalcBlobFee(e.config, header)
	}
	return ctx
}

func (e *Executor) getHash(header *types.Header) vm.GetHashFunc {
	number := header.Number.Uint64()
	parent := header.ParentHash
	return func(n uint64) common.Hash {
		if n+1 == number {
			return parent
		}
		if n >= number {
			return common.Hash{}
		}
		return e.hashes.CanonicalHash(n)
	}
}

// NewEVM returns an EVM over st for header, with the governance address
// serving its view functions.
func (e *Executor) NewEVM(header *types.Header, st *state.StateDB, cfg vm.Config) *vm.EVM {
	return e.newEVM(e.BlockContext(header), st, cfg)
}

// newEVM is every EVM this executor runs: blocks, calls, estimates, traces
// and replays see the governance address alike.
func (e *Executor) newEVM(ctx vm.BlockContext, st vm.StateDB, cfg vm.Config) *vm.EVM {
	evm := vm.NewEVM(ctx, st, e.config, cfg)
	e.installPrecompiles(evm, nil)
	return evm
}

// ApplyMessage is the one execution entry point: every message of a block, of
// eth_call and of gas estimation runs here. Gas prices are set to zero first,
// so nothing is ever charged and balances are checked against the value only.
// A message to the governance address runs Governance.Call as its top frame
// (see govPrecompile); evm must come from this executor.
func (e *Executor) ApplyMessage(evm *vm.EVM, msg *core.Message, gp *core.GasPool) (*core.ExecutionResult, error) {
	msg.GasPrice = new(uint256.Int)
	msg.GasFeeCap = new(uint256.Int)
	msg.GasTipCap = new(uint256.Int)
	if e.gov == nil || msg.To == nil || *msg.To != governance.Address {
		return core.ApplyMessage(evm, msg, gp)
	}
	// The top frame gets the limit less the intrinsic gas (Osaka's rules);
	// if the limit is below it, core refuses the message before any frame.
	var gas uint64
	if intrinsic, err := core.IntrinsicGas(msg.Data, msg.AccessList, msg.SetCodeAuthorizations, msg.From, msg.To, msg.Value, evm.GetRules()); err == nil && msg.GasLimit >= intrinsic {
		gas = msg.GasLimit - intrinsic
	}
	e.installPrecompiles(evm, &topCall{from: msg.From, gas: gas, value: msg.Value})
	defer e.installPrecompiles(evm, nil)
	return core.ApplyMessage(evm, msg, gp)
}

// Call executes msg on st as if in the block after header's parent, with no
// fee checks, and returns its result. Changes to st are not committed; callers
// pass a state they may discard. ctx cancels long executions.
func (e *Executor) Call(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB) (*core.ExecutionResult, error) {
	return e.TraceCall(ctx, msg, nil, header, st, nil)
}

// TraceCall is [Executor.Call] observed by hooks, as go-ethereum's
// debug_traceCall runs a call: tx is the transaction msg stands for, given to
// OnTxStart and, in its receipt, to OnTxEnd, and the state's changes reach the
// hooks too. With nil hooks it is Call.
func (e *Executor) TraceCall(ctx context.Context, msg *core.Message, tx *types.Transaction, header *types.Header, st *state.StateDB, hooks *tracing.Hooks) (*core.ExecutionResult, error) {
	var evm *vm.EVM
	if hooks == nil {
		evm = e.NewEVM(header, st, vm.Config{NoBaseFee: true})
	} else {
		evm = e.newEVM(e.BlockContext(header), state.NewHookedState(st, hooks), vm.Config{Tracer: hooks, NoBaseFee: true})
	}
	defer evm.Release()
	defer context.AfterFunc(ctx, evm.Cancel)()
	gp := core.NewGasPool(msg.GasLimit)
	var (
		res *core.ExecutionResult
		err error
	)
	if hooks == nil {
		res, err = e.ApplyMessage(evm, msg, gp)
	} else {
		_, res, err = e.applyTransaction(evm, st, msg, tx, gp, header, common.Hash{}, nil)
	}
	if err == nil && evm.Cancelled() {
		return nil, fmt.Errorf("execution aborted (timeout = %v)", ctx.Err())
	}
	return res, err
}
