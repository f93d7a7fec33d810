package execution

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/governance"
)

// Mode says what block execution does with an invalid transaction.
type Mode int

const (
	// Build leaves invalid transactions out of the block (PrepareProposal).
	Build Mode = 1 + iota
	// Verify stops at the first invalid transaction (ProcessProposal).
	Verify
	// Finalize skips invalid transactions and records why (FinalizeBlock, replay).
	Finalize
)

// TxResult is what became of one candidate transaction.
type TxResult struct {
	Err   error // non-nil: invalid, left out of the block
	Index int   // position in the block when included
}

// Result is an executed block.
type Result struct {
	Block    *types.Block
	Receipts types.Receipts
	State    *state.StateDB // post-state, not yet committed
	Txs      []TxResult     // one per candidate, in order
	// Effects are the consensus changes governance made in the block
	// (validator power, gas limit); empty without governance.
	Effects governance.BlockEffects
}

// Included is the results of the transactions the block holds, in block
// order: what executing the block alone gives, since a left-out candidate's
// changes were undone.
func (r *Result) Included() []TxResult {
	out := make([]TxResult, len(r.Block.Transactions()))
	for i := range out {
		out[i] = TxResult{Index: i}
	}
	return out
}

// Execute runs candidate transactions on st (the parent's state) as the block
// after env.Parent. Candidates are given decoded; a nil entry is a transaction
// that did not decode and is invalid. What happens to invalid ones depends on mode.
func (e *Executor) Execute(st *state.StateDB, env BlockEnv, txs []*types.Transaction, mode Mode) (*Result, error) {
	header := NewHeader(env)
	b := e.beginBlock(header, st, common.Hash{})
	var (
		included = make([]*types.Transaction, 0, len(txs))
		receipts = make(types.Receipts, 0, len(txs))
		results  = make([]TxResult, len(txs))
	)
	for i, tx := range txs {
		receipt, err := b.applyTx(b.evm, tx, len(included))
		if err != nil {
			if mode == Verify {
				return nil, fmt.Errorf("%w: tx %d: %v", ErrInvalidTx, i, err)
			}
			results[i] = TxResult{Err: err, Index: -1}
			continue
		}
		results[i] = TxResult{Index: len(included)}
		included = append(included, tx)
		receipts = append(receipts, receipt)
	}
	var effects governance.BlockEffects
	if b.watch != nil {
		// After the transactions and before the root, so its clearing of
		// the block's effects is part of this block's state.
		end := b.env
		end.LastCommit = env.LastCommit
		end.Misbehaviour = env.Misbehaviour
		end.Proposer = env.Coinbase
		effects = e.gov.EndBlock(end, st)
	}
	header.GasUsed = b.gp.Used()
	header.Root = st.IntermediateRoot(b.evm.GetRules())
	// Receipts keep a zero block hash: the index stores only their consensus
	// fields and derives the rest when read.
	block := types.NewBlock(header, &types.Body{Transactions: included, Withdrawals: []*types.Withdrawal{}}, receipts, trie.NewStackTrie(nil))
	return &Result{Block: block, Receipts: receipts, State: st, Txs: results, Effects: effects}, nil
}

// blockExec is one block being executed: its header, state, EVM and gas pool,
// after the system calls. [Executor.Execute] and [Replay] both run
// transactions through it, so that a replay does what block execution did.
type blockExec struct {
	e      *Executor
	header *types.Header
	hash   common.Hash // given to receipts and logs; zero while the block is built
	st     *state.StateDB
	evm    *vm.EVM
	gp     *core.GasPool

	// Governed blocks only (nil watch: none): admission, capital and the
	// creation rule apply to each transaction.
	env   governance.Env
	watch *createWatch
}

// beginBlock runs the block's system calls on st and returns it ready for
// its transactions.
func (e *Executor) beginBlock(header *types.Header, st *state.StateDB, hash common.Hash) *blockExec {
	ctx := e.BlockContext(header)
	evm := e.newEVM(ctx, st, vm.Config{})
	// System calls of the forks we run: EIP-4788 and EIP-2935. Prague's
	// EIP-7002/7251 request queues have no meaning without a beacon chain.
	// They are never traced, as in go-ethereum.
	core.ProcessBeaconBlockRoot(*header.ParentBeaconRoot, evm, nil)
	core.ProcessParentBlockHash(header.ParentHash, evm, nil)
	b := &blockExec{e: e, header: header, hash: hash, st: st, evm: evm, gp: core.NewGasPool(header.GasLimit)}
	if e.enabled(st) {
		b.env = governance.Env{Number: header.Number.Uint64(), Time: header.Time}
		b.watch = &createWatch{gov: e.gov, st: st}
		// Transactions see the state through the creation watch.
		b.evm = e.newEVM(ctx, state.NewHookedState(st, b.watch.hooks(nil)), vm.Config{})
	}
	return b
}

// tracedEVM is an EVM over the block's state and context observed by hooks,
// with the creation watch composed in when the block is governed.
func (b *blockExec) tracedEVM(hooks *tracing.Hooks) *vm.EVM {
	stHooks := hooks
	if b.watch != nil {
		stHooks = b.watch.hooks(hooks)
	}
	return b.e.newEVM(b.evm.Context, state.NewHookedState(b.st, stHooks), vm.Config{Tracer: hooks})
}

// applyTx executes one transaction at position index on evm, which is b.evm
// or, for a traced transaction, b.tracedEVM. An error means the transaction
// is invalid: its state changes, if any, are undone.
func (b *blockExec) applyTx(evm *vm.EVM, tx *types.Transaction, index int) (*types.Receipt, error) {
	if tx == nil {
		return nil, errors.New("transaction does not decode")
	}
	from, err := b.e.CheckTx(tx)
	if err != nil {
		return nil, err
	}
	if tx.Gas() > b.gp.Available(false) {
		return nil, fmt.Errorf("%w: tx gas %d, left in block %d", ErrBlockGasExhausted, tx.Gas(), b.gp.Available(false))
	}
	payer, forbidden, err := b.admit(tx, from)
	if err != nil {
		return nil, err
	}
	msg := txMessage(tx, from)
	snap := b.st.Snapshot()
	prevGas := b.gp.Snapshot()
	b.st.SetTxContext(tx.Hash(), index, 0)
	var after func(*core.ExecutionResult)
	if b.watch != nil {
		b.watch.start(from)
		after = func(res *core.ExecutionResult) {
			if b.watch.stop() || forbidden {
				// The transaction fails as a whole: only its nonce and the
				// gas it consumed remain.
				b.st.RevertToSnapshot(snap)
				b.st.SetNonce(from, msg.Nonce+1, tracing.NonceChangeEoACall)
				res.Err = b.watch.err()
				res.ReturnData = nil
			}
			b.e.gov.Charge(b.env, b.st, payer, res.UsedGas)
		}
	}
	receipt, _, err := b.e.applyTransaction(evm, b.st, msg, tx, b.gp, b.header, b.hash, after)
	if err != nil {
		if b.watch != nil {
			b.watch.stop()
		}
		b.st.RevertToSnapshot(snap)
		b.gp.Set(prevGas)
		return nil, err
	}
	return receipt, nil
}

// admit is governance's admission of tx, sent by from, to a governed block
// (on an ungoverned one everything is admitted, paid by no one). forbidden is
// a top-level creation without a project: admitted, it fails in the block.
func (b *blockExec) admit(tx *types.Transaction, from common.Address) (payer governance.Payer, forbidden bool, err error) {
	if b.watch == nil {
		return governance.Payer{}, false, nil
	}
	// Earlier transactions of the payer in this block are already
	// charged in state, so nothing is pending here.
	payer, err = b.e.gov.Admit(b.env, b.st, from, tx.To(), tx.Data(), tx.Gas(), 0)
	if errors.Is(err, governance.ErrCreateNotAllowed) && tx.To() == nil {
		// The creation fails in the block. Whether the sender may
		// transact and who pays are as for any other of its
		// transactions: ask again as for a call.
		self := from
		payer, err = b.e.gov.Admit(b.env, b.st, from, &self, tx.Data(), tx.Gas(), 0)
		return payer, true, err
	}
	return payer, false, err
}

// applyTransaction is go-ethereum's ApplyTransactionWithEVM over
// [Executor.ApplyMessage]: msg is tx's message, and the EVM's tracer hooks,
// if any, see OnTxStart before it and OnTxEnd with its receipt after it.
// after, if not nil, sees the result before the state is finalised and the
// receipt made, and may turn it into a failure.
func (e *Executor) applyTransaction(evm *vm.EVM, st *state.StateDB, msg *core.Message, tx *types.Transaction, gp *core.GasPool, header *types.Header, blockHash common.Hash, after func(*core.ExecutionResult)) (receipt *types.Receipt, result *core.ExecutionResult, err error) {
	if hooks := evm.Config.Tracer; hooks != nil {
		if hooks.OnTxStart != nil {
			hooks.OnTxStart(evm.GetVMContext(), tx, msg.From)
		}
		if hooks.OnTxEnd != nil {
			defer func() { hooks.OnTxEnd(receipt, err) }()
		}
	}
	result, err = e.ApplyMessage(evm, msg, gp)
	if err != nil {
		return nil, nil, err
	}
	if after != nil {
		after(result)
	}
	// Through the EVM's StateDB when a tracer watches, so that its hooks see
	// accounts deleted here; the creation watch alone has stopped by now and
	// needs no such pass over the transaction's dirty accounts.
	if evm.Config.Tracer != nil {
		evm.StateDB.Finalise(evm.GetRules())
	} else {
		st.Finalise(evm.GetRules())
	}
	receipt = core.MakeReceipt(evm, result, st, header.Number, blockHash, header.Time, tx, gp.CumulativeUsed(), nil)
	return receipt, result, nil
}

// txMessage turns a transaction that passed [Executor.CheckTx] into a
// message without recovering the sender again.
func txMessage(tx *types.Transaction, from common.Address) *core.Message {
	value, _ := uint256.FromBig(tx.Value()) // CheckTx refused values above 256 bits
	return &core.Message{
		To:         tx.To(),
		From:       from,
		Nonce:      tx.Nonce(),
		Value:      value,
		GasLimit:   tx.Gas(),
		Data:       tx.Data(),
		AccessList: tx.AccessList(),
	}
}
