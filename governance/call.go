package governance

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
)

// refusal is a rule saying no; Call turns it into a revert with its text.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

func refuse(format string, a ...any) error { return &refusal{fmt.Sprintf(format, a...)} }

// call is one governance call in progress: its block, sender and storage.
type call struct {
	env  Env
	s    *store
	from common.Address
	// powered: the collectives in which some validator's power changed, in
	// order; their powers are checked before the call is kept.
	powered []string
	// events, when set, collects the events of an end of block, which has
	// no transaction to log them ([BlockEffects.Events]).
	events *[]BlockEvent
}

// handler runs one state-changing function on decoded arguments and returns
// its outputs, in the order of the ABI.
type handler func(c *call, a args) ([]any, error)

// handlers maps every state-changing function of IGovernance.sol to its Go
// code; views are served by viewHandlers. A test checks both against the ABI.
var handlers = map[string]handler{
	"offerAccount":           offerAccount,
	"acceptAccount":          acceptAccount,
	"removeAccount":          removeAccount,
	"attestIdentity":         attestIdentity,
	"applyNode":              applyNode,
	"endorse":                endorse,
	"reject":                 reject,
	"withdraw":               withdraw,
	"commissionVote":         commissionVote,
	"proposeNodeAction":      proposeNodeAction,
	"proposeMemberAction":    proposeMemberAction,
	"voteAction":             voteAction,
	"applyProject":           applyProject,
	"acceptProjectAccount":   acceptProjectAccount,
	"requestCapital":         requestCapital,
	"grantCapital":           grantCapital,
	"revokeCapital":          revokeCapital,
	"requestExtraordinary":   requestExtraordinary,
	"convene":                convene,
	"appointProxy":           appointProxy,
	"revokeProxy":            revokeProxy,
	"attend":                 attend,
	"moveApproveProject":     moveApproveProject,
	"moveProjectStatus":      moveProjectStatus,
	"moveUnseat":             moveUnseat,
	"openCall":               openCall,
	"standForSeat":           standForSeat,
	"withdrawCandidacy":      withdrawCandidacy,
	"moveElect":              moveElect,
	"openRenewalBallot":      openRenewalBallot,
	"castBallot":             castBallot,
	"closeBallot":            closeBallot,
	"openBallot":             openBallot,
	"moveBallot":             moveBallot,
	"voteBallot":             voteBallot,
	"moveEthicsCode":         moveEthicsCode,
	"acceptEthics":           acceptEthics,
	"reportViolation":        reportViolation,
	"moveSanction":           moveSanction,
	"applyCollective":        applyCollective,
	"moveNewCollective":      moveNewCollective,
	"submitReport":           submitReport,
	"delegate":               delegate,
	"revokeDelegation":       revokeDelegation,
	"resign":                 resign,
	"moveParameter":          moveParameter,
	"moveUpgrade":            moveUpgrade,
	"vote":                   vote,
	"decide":                 decide,
	"recordMinutes":          recordMinutes,
	"addAgreement":           addAgreement,
	"setAgreementStatus":     setAgreementStatus,
	"applyAdvisory":          applyAdvisory,
	"moveAdmitAdvisory":      moveAdmitAdvisory,
	"proposeDesignation":     proposeDesignation,
	"voteDesignation":        voteDesignation,
	"moveMemberAction":       moveMemberAction,
	"moveRatifyAction":       moveRatifyAction,
	"moveOverturnAction":     moveOverturnAction,
	"declineCapitalRequest":  declineCapitalRequest,
	"withdrawCapitalRequest": withdrawCapitalRequest,
	"moveCapitalBudget":      moveCapitalBudget,
}

// Call runs a transaction's call to the governance contract, sent by from with
// gas to spend. It returns the ABI-encoded output and the gas left. A refusal
// by a rule is vm.ErrExecutionReverted with ret holding the ABI-encoded
// Error(string) reason, and leaves no state change; running out of gas is
// vm.ErrOutOfGas with nothing kept. Logs go to st.AddLog.
//
// Gas is checked before every slot access: a call stops the moment its
// storage and log gas would exceed gas, and is undone whole.
func (c *Contract) Call(env Env, st vm.StateDB, from common.Address, input []byte, gas uint64) (ret []byte, gasLeft uint64, err error) {
	m, a, err := decode(input)
	if err != nil {
		return RevertData(err.Error()), gas, vm.ErrExecutionReverted
	}
	if m.IsConstant() {
		cost := viewGas(m, a, len(input))
		if cost > gas {
			return nil, 0, vm.ErrOutOfGas
		}
		out, err := c.view(env, st, m, a, cost)
		return out, gas - cost, err
	}
	if gas < gasCallBase {
		return nil, 0, vm.ErrOutOfGas
	}
	snap := st.Snapshot()
	x := &call{env: env, s: &store{st: st, limit: gas - gasCallBase, metered: true}, from: from}
	var out []any
	ran := x.s.run(func() {
		out, err = handlers[m.Name](x, a)
		if err == nil && len(x.powered) > 0 {
			err = x.s.checkValidatorSet(x.powered)
		}
	})
	used := gasCallBase + x.s.gas
	if !ran || used > gas {
		st.RevertToSnapshot(snap)
		return nil, 0, vm.ErrOutOfGas
	}
	if err != nil {
		st.RevertToSnapshot(snap)
		var r *refusal
		if !errors.As(err, &r) {
			r = &refusal{err.Error()}
		}
		return RevertData(r.reason), gas - used, vm.ErrExecutionReverted
	}
	ret, err = m.Outputs.Pack(out...)
	if err != nil { // outputs are built by this package: a bug, reported, never kept
		st.RevertToSnapshot(snap)
		return RevertData("governance: encoding " + m.Name + ": " + err.Error()), gas - used, vm.ErrExecutionReverted
	}
	return ret, gas - used, nil
}

// decode finds the function of input and unpacks its arguments.
func decode(input []byte) (*abi.Method, args, error) {
	if len(input) < 4 {
		return nil, nil, refuse("no function selector")
	}
	m, err := ABI.MethodById(input[:4])
	if err != nil {
		return nil, nil, refuse("unknown function selector %#x", input[:4])
	}
	vals, err := m.Inputs.Unpack(input[4:])
	if err != nil {
		return nil, nil, refuse("malformed arguments of %s: %v", m.Name, err)
	}
	return m, args(vals), nil
}

// args are decoded arguments, read by position with the Go type go-ethereum's
// abi package gives each Solidity type.
type args []any

func (a args) u64(i int) uint64 { return a[i].(uint64) }
func (a args) u8(i int) uint8   { return a[i].(uint8) }
func (a args) str(i int) string { return a[i].(string) }
func (a args) boolean(i int) bool {
	return a[i].(bool)
}
func (a args) b20(i int) [20]byte           { return a[i].([20]byte) }
func (a args) b32(i int) common.Hash        { return common.Hash(a[i].([32]byte)) }
func (a args) bytes(i int) []byte           { return a[i].([]byte) }
func (a args) addr(i int) common.Address    { return a[i].(common.Address) }
func (a args) addrs(i int) []common.Address { return a[i].([]common.Address) }
func (a args) big(i int) *big.Int           { return a[i].(*big.Int) }

// emit adds the event name with its arguments in the ABI's order; indexed
// ones become topics.
func (c *call) emit(name string, vals ...any) {
	topics, enc := emit(name, vals...)
	if c.events != nil {
		*c.events = append(*c.events, BlockEvent{Name: name, Topics: topics, Data: enc})
		return
	}
	c.s.gas += gasLogBase + gasLogTopic*uint64(len(topics)) + gasLogByte*uint64(len(enc))
	c.s.st.AddLog(&types.Log{Address: Address, Topics: topics, Data: enc, BlockNumber: c.env.Number})
}

// emit encodes the event name with its arguments as a log's topics and data.
func emit(name string, vals ...any) ([]common.Hash, []byte) {
	ev, ok := ABI.Events[name]
	if !ok || len(vals) != len(ev.Inputs) {
		panic("governance: event " + name + " does not match the ABI") // a bug of this package
	}
	topics := []common.Hash{ev.ID}
	var data []any
	for i, in := range ev.Inputs {
		if in.Indexed {
			v := vals[i]
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Uint8 {
				v = uint8(rv.Uint()) // an enumeration: MakeTopics knows only uint8
			}
			t, err := abi.MakeTopics([]any{v})
			if err != nil {
				panic("governance: event " + name + ": " + err.Error())
			}
			topics = append(topics, t[0][0])
		} else {
			data = append(data, vals[i])
		}
	}
	enc, err := ev.Inputs.NonIndexed().Pack(data...)
	if err != nil {
		panic("governance: event " + name + ": " + err.Error())
	}
	return topics, enc
}
