package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/eth/tracers"
	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	_ "github.com/ethereum/go-ethereum/eth/tracers/native" // registers callTracer, prestateTracer, … in tracers.DefaultDirectory
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rlp"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// defaultTraceTimeout is how long one transaction may run under a tracer
// unless the trace config says otherwise (go-ethereum's default).
const defaultTraceTimeout = 5 * time.Second

// The texts of these errors are go-ethereum's (eth/tracers/api.go).
var (
	// errTxNotFound is returned for a trace of a transaction that is not mined.
	errTxNotFound = errors.New("transaction not found")
	// errGenesisNotTraceable is returned for a trace of block 0.
	errGenesisNotTraceable = errors.New("genesis is not traceable")
	// errTracePending is returned for debug_traceCall on the pending block.
	errTracePending = errors.New("tracing on top of pending is not supported")
	// errTracerNotFound is returned for a tracer name that is not registered;
	// JavaScript tracers are not served.
	errTracerNotFound = errors.New("tracer not found")
)

// BlockReplay re-executes a committed block one transaction at a time, as
// block execution did, for tracing.
type BlockReplay interface {
	// Next executes the block's next transaction and returns its receipt.
	// hooks, if not nil, observe it (OnTxStart, the EVM's and the state's
	// hooks, OnTxEnd with the receipt); the end of ctx aborts it.
	Next(ctx context.Context, hooks *tracing.Hooks) (*types.Receipt, error)
}

// debugAPI is the debug namespace: go-ethereum's tracing API
// (eth/tracers.API) and the raw-encoding getters of its DebugAPI.
type debugAPI struct {
	b      Backend
	eth    *ethAPI // block selection, call arguments and overrides, as eth_call
	traces *gate   // node-wide bound on traces at once
}

// admit takes a slot among expensive requests and one among traces.
func (api *debugAPI) admit(ctx context.Context) (release func(), err error) {
	releaseExpensive, err := api.eth.expensive.acquire(ctx)
	if err != nil {
		return nil, err
	}
	releaseTrace, err := api.traces.acquire(ctx)
	if err != nil {
		releaseExpensive()
		return nil, err
	}
	return func() { releaseTrace(); releaseExpensive() }, nil
}

// traceBudget is what is left of the size cap of one trace answer, in bytes.
type traceBudget struct {
	max, left int // max 0: no cap
}

func (api *debugAPI) newBudget() *traceBudget {
	return &traceBudget{max: api.eth.cfg.TraceMaxBytes, left: api.eth.cfg.TraceMaxBytes}
}

// take counts a result of n bytes against the budget.
func (b *traceBudget) take(n int) error {
	if b.max == 0 {
		return nil
	}
	if n > b.left {
		return &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("trace larger than the node's limit of %d bytes: "+
			"trace without memory, stack, storage or return data, or with a tracer such as callTracer", b.max)}
	}
	b.left -= n
	return nil
}

// traceCallConfig is go-ethereum's tracers.TraceCallConfig with eth_call's
// own override types.
type traceCallConfig struct {
	tracers.TraceConfig
	StateOverrides *stateOverride
	BlockOverrides *blockOverrides
	TxIndex        *hexutil.Uint
}

// txTraceResult is one transaction's trace in a block trace.
type txTraceResult struct {
	TxHash common.Hash `json:"txHash"`
	Result any         `json:"result,omitempty"`
	Error  string      `json:"error,omitempty"`
}

// TraceTransaction is debug_traceTransaction: the block of the transaction is
// replayed on its parent's state up to the transaction, which runs traced.
func (api *debugAPI) TraceTransaction(ctx context.Context, hash common.Hash, config *tracers.TraceConfig) (any, error) {
	release, err := api.admit(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	tx, blockHash, number, index := api.b.Transaction(hash)
	if tx == nil {
		return nil, errTxNotFound
	}
	if number == 0 {
		return nil, errGenesisNotTraceable
	}
	block := api.b.BlockByHash(blockHash)
	if block == nil {
		return nil, fmt.Errorf("block %s not found", blockHash.Hex())
	}
	replay, _, err := api.replay(block)
	if err != nil {
		return nil, err
	}
	if err := skip(ctx, replay, block, int(index)); err != nil {
		return nil, err
	}
	txctx := &tracers.Context{BlockHash: blockHash, BlockNumber: block.Number(), TxIndex: int(index), TxHash: hash}
	return api.traceTx(ctx, config, txctx, api.newBudget(), func(ctx context.Context, hooks *tracing.Hooks) error {
		_, err := replay.Next(ctx, hooks)
		return err
	})
}

// TraceBlockByNumber is debug_traceBlockByNumber.
func (api *debugAPI) TraceBlockByNumber(ctx context.Context, number gethrpc.BlockNumber, config *tracers.TraceConfig) ([]*txTraceResult, error) {
	block := api.eth.blockByNumber(number)
	if block == nil {
		return nil, fmt.Errorf("block #%d not found", number)
	}
	return api.traceBlock(ctx, block, config)
}

// TraceBlockByHash is debug_traceBlockByHash.
func (api *debugAPI) TraceBlockByHash(ctx context.Context, hash common.Hash, config *tracers.TraceConfig) ([]*txTraceResult, error) {
	block := api.b.BlockByHash(hash)
	if block == nil {
		return nil, fmt.Errorf("block %s not found", hash.Hex())
	}
	return api.traceBlock(ctx, block, config)
}

// TraceBlock is debug_traceBlock: the block is given RLP-encoded and
// replayed on its parent's state, which this node must have.
func (api *debugAPI) TraceBlock(ctx context.Context, blob hexutil.Bytes, config *tracers.TraceConfig) ([]*txTraceResult, error) {
	block := new(types.Block)
	if err := rlp.DecodeBytes(blob, block); err != nil {
		return nil, fmt.Errorf("could not decode block: %v", err)
	}
	// Every block of this chain has one; replay's system call needs it.
	if block.BeaconRoot() == nil {
		return nil, errors.New("could not decode block: no parentBeaconBlockRoot")
	}
	return api.traceBlock(ctx, block, config)
}

// traceBlock traces every transaction of block, each with a tracer of its
// own and its own timeout, as go-ethereum does.
func (api *debugAPI) traceBlock(ctx context.Context, block *types.Block, config *tracers.TraceConfig) ([]*txTraceResult, error) {
	if block.NumberU64() == 0 {
		return nil, errGenesisNotTraceable
	}
	release, err := api.admit(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	replay, _, err := api.replay(block)
	if err != nil {
		return nil, err
	}
	txs := block.Transactions()
	results := make([]*txTraceResult, len(txs))
	budget := api.newBudget() // for the whole answer
	for i, tx := range txs {
		txctx := &tracers.Context{BlockHash: block.Hash(), BlockNumber: block.Number(), TxIndex: i, TxHash: tx.Hash()}
		res, err := api.traceTx(ctx, config, txctx, budget, func(ctx context.Context, hooks *tracing.Hooks) error {
			_, err := replay.Next(ctx, hooks)
			return err
		})
		if err != nil {
			return nil, err
		}
		results[i] = &txTraceResult{TxHash: tx.Hash(), Result: res}
	}
	return results, nil
}

// TraceCall is debug_traceCall: eth_call's execution, arguments and
// overrides, with a tracer attached. With txIndex set, the call runs on the
// state before that transaction of the block, else after the block.
func (api *debugAPI) TraceCall(ctx context.Context, args transactionArgs, sel *gethrpc.BlockNumberOrHash, config *traceCallConfig) (any, error) {
	if err := args.checkBlobFeeCap(); err != nil {
		return nil, err
	}
	if sel != nil {
		if n, ok := sel.Number(); ok && n == gethrpc.PendingBlockNumber {
			return nil, errTracePending
		}
	}
	if config == nil {
		config = new(traceCallConfig)
	}
	release, err := api.admit(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	h, err := api.eth.header(sel)
	if err != nil {
		return nil, err
	}
	var st *state.StateDB
	if config.TxIndex != nil {
		block := api.b.BlockByHash(h.Hash())
		if block == nil {
			return nil, fmt.Errorf("block %s not found", h.Hash().Hex())
		}
		replay, parentState, err := api.replay(block)
		if err != nil {
			return nil, err
		}
		if err := skip(ctx, replay, block, int(*config.TxIndex)); err != nil {
			return nil, err
		}
		st = parentState // the replay has brought it to the transaction
	} else if st, err = api.b.State(h); err != nil {
		return nil, stateError(h.Number.Uint64(), err)
	}
	if h, err = config.BlockOverrides.apply(h); err != nil {
		return nil, err
	}
	if err := config.StateOverrides.apply(st); err != nil {
		return nil, err
	}
	gasCap := api.eth.cfg.GasCap
	if gasCap == 0 {
		gasCap = math.MaxUint64
	}
	if err := args.callDefaults(gasCap, h.BaseFee, api.eth.chainID); err != nil {
		return nil, err
	}
	msg := args.toMessage(h.BaseFee).SkipExecutionGasCapCheck()
	tx := args.toTransaction()
	return api.traceTx(ctx, &config.TraceConfig, new(tracers.Context), api.newBudget(), func(ctx context.Context, hooks *tracing.Hooks) error {
		_, err := api.b.TraceCall(ctx, msg, tx, h, st, hooks)
		return err
	})
}

// replay starts re-executing block on its parent's state, which it returns
// too: the replay changes it as it goes.
func (api *debugAPI) replay(block *types.Block) (BlockReplay, *state.StateDB, error) {
	parent := api.b.HeaderByHash(block.ParentHash())
	if parent == nil {
		return nil, nil, fmt.Errorf("block %s not found", block.ParentHash().Hex())
	}
	st, err := api.b.State(parent)
	if err != nil {
		return nil, nil, stateError(parent.Number.Uint64(), err)
	}
	return api.b.ReplayBlock(block, st), st, nil
}

// skip replays the first n transactions of block untraced.
func skip(ctx context.Context, replay BlockReplay, block *types.Block, n int) error {
	txs := block.Transactions()
	if n > len(txs) {
		return fmt.Errorf("transaction index %d out of range", n)
	}
	for i := range n {
		if _, err := replay.Next(ctx, nil); err != nil {
			return fmt.Errorf("transaction %#x failed: %v", txs[i].Hash(), err)
		}
	}
	return nil
}

// traceTx runs one execution under the tracer config names (the struct
// logger if none) within its timeout, capped by the node's, and returns the
// tracer's result, which must fit in budget. run executes with the hooks it
// is given and stops when its ctx ends.
func (api *debugAPI) traceTx(ctx context.Context, config *tracers.TraceConfig, txctx *tracers.Context, budget *traceBudget, run func(context.Context, *tracing.Hooks) error) (any, error) {
	if config == nil {
		config = new(tracers.TraceConfig)
	}
	var asked int // the struct logger's Limit the client set
	if config.Config != nil {
		asked = config.Limit
	}
	capped := budget.max > 0 && (asked <= 0 || asked > budget.left)
	if capped {
		// The struct logger stops recording past its Limit, so its memory
		// stays near the cap; the result is then refused below.
		c := *config
		if c.Config == nil {
			c.Config = new(logger.Config)
		} else {
			lc := *c.Config
			c.Config = &lc
		}
		c.Limit = max(budget.left, 1) // 0 would mean no limit
		config = &c
	}
	tracer, err := newTracer(config, txctx, api.b.ChainConfig())
	if err != nil {
		return nil, err
	}
	timeout := defaultTraceTimeout
	if config.Timeout != nil {
		if timeout, err = time.ParseDuration(*config.Timeout); err != nil {
			return nil, err
		}
	}
	if limit := api.eth.cfg.TraceTimeoutMax; limit > 0 && timeout > limit {
		timeout = limit
	}
	deadline, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var tooLarge atomic.Bool
	stop := func() { tooLarge.Store(true); cancel() }
	switch {
	case config.Tracer == nil && capped:
		// A struct log past the node's cap ends the execution; one past
		// the client's own limit is cut there, as in go-ethereum.
		tracer.Hooks = stopPastLimit(tracer.Hooks, config.Config, stop)
	case config.Tracer != nil && *config.Tracer == callTracerName && budget.max > 0:
		// The call tracer copies every frame's input and output, which
		// would otherwise all be held before the cap is checked.
		tracer.Hooks = stopPastCallBytes(tracer.Hooks, onlyTopCall(config.TracerConfig), budget.left, stop)
	}
	// The end of deadline cancels the EVM; the tracer is told here, after
	// run returns, so that its result reports the timeout.
	err = run(deadline, tracer.Hooks)
	if tooLarge.Load() {
		return nil, budget.take(budget.left + 1)
	}
	if errors.Is(deadline.Err(), context.DeadlineExceeded) {
		tracer.Stop(errors.New("execution timeout"))
	} else if err != nil {
		return nil, fmt.Errorf("tracing failed: %w", err)
	}
	res, err := tracer.GetResult()
	if err != nil {
		return nil, err
	}
	if err := budget.take(len(res)); err != nil {
		return nil, err
	}
	return res, nil
}

// stepBytes is less than the JSON of any struct log without memory, stack
// or return data.
const stepBytes = 50

// stopPastLimit wraps the struct logger's hooks to count a lower bound of its
// output (stepBytes a step, two per byte of memory and return data it
// records) and to call stop once that passes the logger's Limit: the
// execution ends there, not when its gas or timeout runs out.
func stopPastLimit(hooks *tracing.Hooks, cfg *logger.Config, stop func()) *tracing.Hooks {
	h := *hooks
	inner := h.OnOpcode
	size, stopped := 0, false
	h.OnOpcode = func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
		inner(pc, op, gas, cost, scope, rData, depth, err)
		if stopped {
			return
		}
		size += stepBytes
		if cfg.EnableMemory {
			size += 2 * len(scope.MemoryData())
		}
		if cfg.EnableReturnData {
			size += 2 * len(rData)
		}
		if size > cfg.Limit {
			stopped = true
			stop()
		}
	}
	return &h
}

// callTracerName is go-ethereum's call tracer, whose output holds the input
// and output of every call frame.
const callTracerName = "callTracer"

// onlyTopCall reads the call tracer's onlyTopCall option; the tracer itself
// refuses a config it cannot read.
func onlyTopCall(cfg json.RawMessage) bool {
	var c struct {
		OnlyTopCall bool `json:"onlyTopCall"`
	}
	if len(cfg) > 0 {
		_ = json.Unmarshal(cfg, &c)
	}
	return c.OnlyTopCall
}

// stopPastCallBytes wraps the call tracer's hooks to count a lower bound of
// its output (two hex digits a byte of every recorded frame's input and
// output; the top frame's only if onlyTop) and to call stop once that passes
// limit: the execution ends there, before the tracer holds more.
func stopPastCallBytes(hooks *tracing.Hooks, onlyTop bool, limit int, stop func()) *tracing.Hooks {
	h := *hooks
	enter, exit := h.OnEnter, h.OnExit
	size, stopped := 0, false
	count := func(depth, n int) {
		if stopped || (onlyTop && depth > 0) {
			return
		}
		if size += 2 * n; size > limit {
			stopped = true
			stop()
		}
	}
	h.OnEnter = func(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
		if enter != nil {
			enter(depth, typ, from, to, input, gas, value)
		}
		count(depth, len(input))
	}
	h.OnExit = func(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
		if exit != nil {
			exit(depth, output, gasUsed, err, reverted)
		}
		if err == nil || !reverted || errors.Is(err, vm.ErrExecutionReverted) { // the output it keeps
			count(depth, len(output))
		}
	}
	return &h
}

// newTracer builds the tracer config names: the struct logger when none is
// named, else one from go-ethereum's directory of native tracers.
func newTracer(config *tracers.TraceConfig, txctx *tracers.Context, chainConfig *params.ChainConfig) (*tracers.Tracer, error) {
	if config.Tracer == nil {
		l := logger.NewStructLogger(config.Config)
		return &tracers.Tracer{Hooks: l.Hooks(), GetResult: l.GetResult, Stop: l.Stop}, nil
	}
	// Unknown names are JavaScript to the directory, which has no evaluator here.
	if tracers.DefaultDirectory.IsJS(*config.Tracer) {
		return nil, fmt.Errorf("%w: %q", errTracerNotFound, *config.Tracer)
	}
	return tracers.DefaultDirectory.New(*config.Tracer, txctx, config.TracerConfig, chainConfig)
}

// GetRawTransaction is debug_getRawTransaction: a mined or pooled
// transaction's binary encoding, null if unknown.
func (api *debugAPI) GetRawTransaction(hash common.Hash) (hexutil.Bytes, error) {
	return api.eth.GetRawTransactionByHash(hash)
}

// GetRawHeader is debug_getRawHeader: the RLP of a header.
func (api *debugAPI) GetRawHeader(sel gethrpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	block, err := api.eth.blockBySelector(sel)
	if block == nil || err != nil {
		return nil, err
	}
	return rlp.EncodeToBytes(block.Header())
}

// GetRawBlock is debug_getRawBlock: the RLP of a block.
func (api *debugAPI) GetRawBlock(sel gethrpc.BlockNumberOrHash) (hexutil.Bytes, error) {
	block, err := api.eth.blockBySelector(sel)
	if block == nil || err != nil {
		return nil, err
	}
	return rlp.EncodeToBytes(block)
}

// GetRawReceipts is debug_getRawReceipts: the binary encoding of each of a
// block's receipts.
func (api *debugAPI) GetRawReceipts(sel gethrpc.BlockNumberOrHash) ([]hexutil.Bytes, error) {
	block, err := api.eth.blockBySelector(sel)
	if block == nil || err != nil {
		return nil, err
	}
	receipts := api.b.Receipts(block.Hash(), block.NumberU64())
	out := make([]hexutil.Bytes, len(receipts))
	for i, r := range receipts {
		if out[i], err = r.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
