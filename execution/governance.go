package execution

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/governance"
)

// Governance is what execution needs of the governance system contract
// (*governance.Contract implements it). A value that also has
// Enabled(vm.StateDB) bool decides itself whether a state is governed;
// otherwise [governance.Enabled] does.
//
// In blocks, an Admit error makes the transaction invalid, except
// [governance.ErrCreateNotAllowed] for a top-level creation: the transaction
// is then admitted (and its payer found) as if it were a call, and fails with
// its gas charged. Admit's pending is 0 in blocks: Charge has recorded the
// gas of the payer's earlier transactions of the block in state already.
type Governance interface {
	Call(env governance.Env, st vm.StateDB, from common.Address, input []byte, gas uint64) (ret []byte, gasLeft uint64, err error)
	View(env governance.Env, st vm.StateDB, input []byte) ([]byte, error)
	ViewGas(input []byte) uint64
	Admit(env governance.Env, st vm.StateDB, from common.Address, to *common.Address, input []byte, gasLimit, pending uint64) (governance.Payer, error)
	Charge(env governance.Env, st vm.StateDB, p governance.Payer, gasUsed uint64)
	Create(st vm.StateDB, sender, creator, created common.Address) bool
	EndBlock(env governance.Env, st vm.StateDB) governance.BlockEffects
}

var _ Governance = (*governance.Contract)(nil)

// enabled reports whether st is governed: permissioning, capital and the
// end-of-block effects apply. Without governance everything is permissive.
func (e *Executor) enabled(st vm.StateDB) bool {
	if e.gov == nil {
		return false
	}
	if g, ok := e.gov.(interface{ Enabled(vm.StateDB) bool }); ok {
		return g.Enabled(st)
	}
	return governance.Enabled(st)
}

// Governed reports whether st is governed: accounts need a record to
// transact, creation needs a project, gas is charged to capital.
func (e *Executor) Governed(st vm.StateDB) bool { return e.enabled(st) }

// envOf is a governance call's view of the EVM's block.
func envOf(evm *vm.EVM) governance.Env {
	return governance.Env{Number: evm.Context.BlockNumber.Uint64(), Time: evm.Context.Time}
}

// govPrecompile serves the governance address inside the EVM. Called by a
// contract it serves the view functions (a state-changing one reverts, by
// Governance.View). For the top frame of a message to the address (top set)
// it runs Governance.Call as the message's sender: the EVM's own call path
// then does what it does for any call, so nonce, intrinsic gas, the EIP-7623
// floor, value transfer and its undoing, snapshots, receipts and the tracer's
// OnEnter/OnExit/OnGasChange are exactly core's.
type govPrecompile struct {
	gov Governance
	evm *vm.EVM
	top *topCall
}

// topCall is a transaction's call to governance, run once, in RequiredGas,
// since only there is the cost known; Run hands its result out.
type topCall struct {
	from  common.Address
	gas   uint64 // the gas the top frame receives: limit - intrinsic
	value *uint256.Int

	ran, taken bool
	ret        []byte
	err        error
}

func (p *govPrecompile) Name() string { return "GOVERNANCE" }

func (p *govPrecompile) RequiredGas(input []byte) uint64 {
	t := p.top
	if t == nil || t.ran {
		return p.gov.ViewGas(input)
	}
	t.ran = true
	if t.value != nil && !t.value.IsZero() {
		t.ret, t.err = governance.RevertData("governance takes no value"), vm.ErrExecutionReverted
		return 0
	}
	ret, left, err := p.gov.Call(envOf(p.evm), p.evm.StateDB, t.from, input, t.gas)
	t.ret, t.err = ret, err
	if err == vm.ErrOutOfGas || left > t.gas {
		return t.gas + 1 // the EVM fails the frame out of gas and undoes it
	}
	return t.gas - left
}

func (p *govPrecompile) Run(input []byte) ([]byte, error) {
	if t := p.top; t != nil && t.ran && !t.taken {
		t.taken = true
		return t.ret, t.err
	}
	return p.gov.View(envOf(p.evm), p.evm.StateDB, input)
}

// installPrecompiles makes the governance address a precompile of evm; top,
// if not nil, is the message about to run.
func (e *Executor) installPrecompiles(evm *vm.EVM, top *topCall) {
	if e.gov == nil {
		return
	}
	pcs := vm.ActivePrecompiledContracts(evm.GetRules())
	pcs[governance.Address] = &govPrecompile{gov: e.gov, evm: evm, top: top}
	evm.SetPrecompiles(pcs)
}
