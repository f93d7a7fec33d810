package governance

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
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
	// LastCommit is how the validators voted on the previous block, as the
	// block's last commit records it; only the end of a block reads it.
	LastCommit []CommitVote
	// Misbehaviour is the evidence the block commits; only the end of a
	// block reads it.
	Misbehaviour []Misbehaviour
	// Proposer is the CometBFT address of the block's proposer; only the
	// end of a block reads it (the node reports' count of proposals).
	Proposer [20]byte
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

// Payer is who pays a transaction's gas: a record's capital, or its
// governance allowance for a call to the governance contract. Record 0 is an
// account of no record (only applications, under the block quota).
type Payer struct {
	Record     uint64
	Governance bool
}

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
	// Liveness lists the validators flagged or recovered in this block, in
	// the order of the last commit's votes.
	Liveness []LivenessChange
	// Events are governance's events of the end of the block (an action's
	// lapse and what it restores), in order: block events, not logs.
	Events []BlockEvent
	// TermsEnded lists the terms whose end the block's time passed, each
	// once, by role then term end: their holders now hold over. Each is
	// also a TermEnded event in Events.
	TermsEnded []TermEnd
}

// BlockEvent is an event of IGovernance raised at the end of a block, as a
// log would carry it.
type BlockEvent struct {
	Name   string
	Topics []common.Hash
	Data   []byte
}

// Attributes are the event's arguments by name, as text (numbers in
// decimal, bytes in 0x hex), in the ABI's order.
func (e BlockEvent) Attributes() [][2]string {
	ev, ok := ABI.Events[e.Name]
	if !ok {
		return nil
	}
	vals := map[string]any{}
	if err := ev.Inputs.NonIndexed().UnpackIntoMap(vals, e.Data); err != nil {
		return nil
	}
	var indexed abi.Arguments
	for _, in := range ev.Inputs {
		if in.Indexed {
			indexed = append(indexed, in)
		}
	}
	if len(e.Topics) != len(indexed)+1 || abi.ParseTopicsIntoMap(vals, indexed, e.Topics[1:]) != nil {
		return nil
	}
	out := make([][2]string, 0, len(ev.Inputs))
	for _, in := range ev.Inputs {
		out = append(out, [2]string{in.Name, attrText(vals[in.Name])})
	}
	return out
}

func attrText(v any) string {
	switch x := v.(type) {
	case [20]byte:
		return hexutil.Encode(x[:])
	case [32]byte:
		return hexutil.Encode(x[:])
	case common.Hash:
		return x.Hex()
	case []byte:
		return hexutil.Encode(x)
	}
	return fmt.Sprint(v)
}

// Upgrade is a named upgrade the plenary scheduled at a height.
type Upgrade struct {
	Name   string
	Height uint64
}

// RevertData ABI-encodes Error(reason), as Solidity's revert does: the
// return data of a refused governance call.
func RevertData(reason string) []byte {
	data, _ := errorArgs.Pack(reason)
	return append([]byte{0x08, 0xc3, 0x79, 0xa0}, data...) // selector of Error(string)
}

var errorArgs = abi.Arguments{{Type: mustType("string")}}

func mustType(t string) abi.Type {
	typ, err := abi.NewType(t, "", nil)
	if err != nil {
		panic(err)
	}
	return typ
}
