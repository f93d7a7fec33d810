package governance

import (
	_ "embed"
	"errors"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Address is the governance contract's address. It also holds the chain's
// parameters (the block gas limit among them).
var Address = common.HexToAddress("0x0000000000000000000000000000000000001000")

// StubCode is the code of the governance account: one INVALID opcode, so the
// account is never empty (EIP-161 would delete it) and runs no EVM code.
var StubCode = []byte{0xFE}

//go:embed IGovernance.abi.json
var abiJSON string

// ABI is the parsed interface of IGovernance.sol.
var ABI = mustParseABI(abiJSON)

func mustParseABI(s string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(s))
	if err != nil {
		panic("governance: IGovernance.abi.json: " + err.Error())
	}
	return a
}

// Env is what a governance call knows of its block.
type Env struct {
	Number uint64 // block number
	Time   uint64 // block time, seconds
}

// Errors of admission and execution. Each carries its detail after the %w.
var (
	// ErrNotMember refuses a transaction from an account of no active record
	// that is not an application.
	ErrNotMember = errors.New("account is not a member's or an approved project's")
	// ErrNoCapital refuses a transaction whose gas exceeds its payer's capital.
	ErrNoCapital = errors.New("not enough capital")
	// ErrApplyQuota refuses an application from an account of no record when
	// this block's network-wide quota is used up.
	ErrApplyQuota = errors.New("application quota of this block used up")
	// ErrCreateNotAllowed fails a transaction that creates a contract without
	// an approved project behind it.
	ErrCreateNotAllowed = errors.New("contract creation is reserved to approved projects")
	// ErrFromContract reverts a state-changing governance call made by a contract.
	ErrFromContract = errors.New("governance actions must be sent by the actor's own account")
)

// Contract is the governance system contract. It holds no state of its own:
// everything lives in the storage of [Address].
type Contract struct{}

// New returns the governance contract.
func New() *Contract { return &Contract{} }

// Call runs a transaction's call to the governance contract, sent by from with
// gas to spend. It returns the ABI-encoded output and the gas left. A refusal
// by a rule is vm.ErrExecutionReverted with ret holding the ABI-encoded
// Error(string) reason, and leaves no state change (the caller reverts to its
// snapshot); running out of gas is vm.ErrOutOfGas. Logs go to st.AddLog.
func (c *Contract) Call(env Env, st vm.StateDB, from common.Address, input []byte, gas uint64) (ret []byte, gasLeft uint64, err error) {
	return revert("governance is not implemented yet"), 0, vm.ErrExecutionReverted
}

// View serves a view function of the interface, for the EVM's precompile at
// [Address] and for eth_call. A state-changing function reverts with
// [ErrFromContract]'s text.
func (c *Contract) View(env Env, st vm.StateDB, input []byte) ([]byte, error) {
	return revert("governance is not implemented yet"), vm.ErrExecutionReverted
}

// ViewGas is the gas a view costs, by the documented schedule.
func (c *Contract) ViewGas(input []byte) uint64 { return 2600 }

// Payer is who pays a transaction's gas: a record's capital, or its
// governance allowance for a call to the governance contract. Record 0 is an
// account of no record (only applications, under the block quota).
type Payer struct {
	Record     uint64
	Governance bool
}

// Admit decides whether a transaction from from, to to (nil: creation) with
// this input and gas limit may enter the pool or a block at env, and who pays.
// pending is the gas of the payer's transactions already ahead of this one
// (in the pool or earlier in the block). Errors wrap ErrNotMember,
// ErrNoCapital (saying how much is left and when it refills), ErrApplyQuota
// or ErrCreateNotAllowed (a top-level creation by an account of no approved
// project).
func (c *Contract) Admit(env Env, st vm.StateDB, from common.Address, to *common.Address, input []byte, gasLimit, pending uint64) (Payer, error) {
	return Payer{}, nil
}

// Charge records gas used by a transaction against its payer for the epoch of
// env (and, for record 0, against the block's application quota).
func (c *Contract) Charge(env Env, st vm.StateDB, p Payer, gasUsed uint64) {}

// MayCreate reports whether creator may create a contract: an approved
// project's account, or a contract created by one (transitively).
func (c *Contract) MayCreate(st vm.StateDB, creator common.Address) bool { return true }

// Created records that creator created created, so that created may create
// in turn when creator may.
func (c *Contract) Created(st vm.StateDB, creator, created common.Address) {}

// ValidatorUpdate is a change of a validator's voting power for CometBFT.
// Power 0 removes the validator.
type ValidatorUpdate struct {
	KeyType string
	PubKey  []byte
	Power   int64
}

// BlockEffects are the consensus changes governance made during a block.
type BlockEffects struct {
	// Validators: at most one update per key, in a deterministic order, power
	// 0 only for keys that hold power.
	Validators []ValidatorUpdate
	// GasLimit is the new block gas limit, or 0 when unchanged.
	GasLimit uint64
}

// EndBlock takes the consensus effects of the block's governance calls,
// clearing them from state. It runs once per block, after the transactions.
func (c *Contract) EndBlock(env Env, st vm.StateDB) BlockEffects { return BlockEffects{} }

// AllowedPeer reports whether the node with this CometBFT p2p ID (hex) may
// connect: an admitted, not suspended or removed, node.
func (c *Contract) AllowedPeer(st vm.StateDB, nodeID string) bool { return true }

// Upgrade is a named upgrade the plenary scheduled at a height.
type Upgrade struct {
	Name   string
	Height uint64
}

// Upgrades lists the scheduled upgrades, by height.
func (c *Contract) Upgrades(st vm.StateDB) []Upgrade { return nil }

// revert ABI-encodes Error(reason), as Solidity's revert does.
func revert(reason string) []byte {
	data, _ := abi.NewError("Error", abi.Arguments{{Type: mustType("string")}}).Inputs.Pack(reason)
	return append(common.CopyBytes(revertSelector), data...)
}

var revertSelector = []byte{0x08, 0xc3, 0x79, 0xa0}

func mustType(t string) abi.Type {
	typ, err := abi.NewType(t, "", nil)
	if err != nil {
		panic(err)
	}
	return typ
}
