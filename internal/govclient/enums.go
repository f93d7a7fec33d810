package govclient

import (
	"strconv"
	"strings"
)

// Enum is one of IGovernance.sol's enumerations (uint8 values, named in its
// comments).
type Enum struct {
	Name   string
	Values []string // Values[v-1] names value v
	// Bits: a set of flags (Criteria), Values[i] naming bit 1<<i.
	Bits bool
}

// Enumerations of IGovernance.sol, with the names its comments give them.
var (
	RecordKind        = &Enum{Name: "RecordKind", Values: []string{"institution", "individual", "project"}}
	RecordStatus      = &Enum{Name: "RecordStatus", Values: []string{"active", "suspended", "removed"}}
	ProjectStatus     = &Enum{Name: "RecordStatus", Values: []string{"active", "suspended", "closed"}}
	NodeRole          = &Enum{Name: "NodeRole", Values: []string{"validator", "observer"}}
	NodeStatus        = &Enum{Name: "NodeStatus", Values: []string{"admitted", "suspended", "removed"}}
	ApplicationKind   = &Enum{Name: "ApplicationKind", Values: []string{"node", "project"}}
	ApplicationStatus = &Enum{Name: "ApplicationStatus", Values: []string{"submitted", "endorsed", "to-plenary", "approved", "rejected", "withdrawn"}}
	Role              = &Enum{Name: "Role", Values: []string{"leader", "secretary", "projects-commission", "nodes-commission", "advisory"}}
	MeetingKind       = &Enum{Name: "MeetingKind", Values: []string{"ordinary", "extraordinary"}}
	MotionKind        = &Enum{Name: "MotionKind", Values: []string{"approve-project", "project-status", "seat", "unseat", "parameter", "upgrade"}}
	MotionStatus      = &Enum{Name: "MotionStatus", Values: []string{"open", "passed", "failed"}}
	NodeAction        = &Enum{Name: "NodeAction", Values: []string{"suspend", "remove", "reinstate"}}
	AgreementStatus   = &Enum{Name: "AgreementStatus", Values: []string{"pending", "in-progress", "done", "dropped"}}
	Criteria          = &Enum{Name: "Criteria", Bits: true, Values: []string{"public-value", "open-source", "open-data", "testing", "research", "impact"}}
	// ActionTarget is what a proposed action applies to: [IGovernance.action]'s
	// target, 1 a node, 2 a member. (The interface leaves it unnamed.)
	ActionTarget = &Enum{Name: "target", Values: []string{"node", "member"}}
)

// enums maps "function.field" (inputs and outputs of functions, fields of
// events) to its enumeration; "*.field" applies wherever the function has
// no entry of its own.
var enums = map[string]*Enum{
	"applyNode.role":             NodeRole,
	"applyNode.memberKind":       RecordKind,
	"applyProject.criteria":      Criteria,
	"proposeNodeAction.action":   NodeAction,
	"proposeMemberAction.action": NodeAction,
	"convene.kind":               MeetingKind,
	"moveProjectStatus.status":   ProjectStatus,
	"moveSeat.role":              Role,
	"moveUnseat.role":            Role,
	"setAgreementStatus.status":  AgreementStatus,
	"applications.kind":          ApplicationKind,
	"applications.status":        ApplicationStatus,
	"seats.role":                 Role,
	"seatOf.role":                Role,
	"record.kind":                RecordKind,
	"record.status":              RecordStatus,
	"node.role":                  NodeRole,
	"node.status":                NodeStatus,
	"project.status":             ProjectStatus,
	"application.kind":           ApplicationKind,
	"application.status":         ApplicationStatus,
	"application.role":           NodeRole,
	"action.target":              ActionTarget,
	"action.kind":                NodeAction,
	"meeting.kind":               MeetingKind,
	"motion.kind":                MotionKind,
	"motion.status":              MotionStatus,
	"agreements.statuses":        AgreementStatus,

	"NodeApplied.role":              NodeRole,
	"MemberAdmitted.kind":           RecordKind,
	"MemberStatusChanged.status":    RecordStatus,
	"NodeAdmitted.role":             NodeRole,
	"NodeStatusChanged.status":      NodeStatus,
	"ActionProposed.action":         NodeAction,
	"ProjectStatusChanged.status":   ProjectStatus,
	"SeatFilled.role":               Role,
	"SeatVacated.role":              Role,
	"MeetingConvened.kind":          MeetingKind,
	"MotionProposed.kind":           MotionKind,
	"AgreementStatusChanged.status": AgreementStatus,
}

// EnumOf is the enumeration of field of fn (a function or an event), or nil.
func EnumOf(fn, field string) *Enum { return enums[fn+"."+field] }

// Parse reads a value by name (or names joined by "+" for bits); numbers
// are left to the caller.
func (e *Enum) Parse(s string) (uint64, bool) {
	if e.Bits {
		var v uint64
		for _, part := range strings.Split(s, "+") {
			i := e.index(part)
			if i < 0 {
				return 0, false
			}
			v |= 1 << i
		}
		return v, true
	}
	if i := e.index(s); i >= 0 {
		return uint64(i + 1), true
	}
	return 0, false
}

func (e *Enum) index(s string) int {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range e.Values {
		if n == s || strings.ReplaceAll(n, "-", "") == strings.ReplaceAll(s, "-", "") {
			return i
		}
	}
	return -1
}

// String names v ("?" parts for unknown values).
func (e *Enum) String(v uint64) string {
	if e.Bits {
		if v == 0 {
			return "none"
		}
		var parts []string
		for i, n := range e.Values {
			if v&(1<<i) != 0 {
				parts = append(parts, n)
				v &^= 1 << i
			}
		}
		if v != 0 {
			parts = append(parts, "?"+strconv.FormatUint(v, 10))
		}
		return strings.Join(parts, "+")
	}
	if v >= 1 && int(v) <= len(e.Values) {
		return e.Values[v-1]
	}
	return "?"
}

// Names lists the names, for help texts.
func (e *Enum) Names() string {
	var parts []string
	for i, n := range e.Values {
		v := i + 1
		if e.Bits {
			v = 1 << i
		}
		parts = append(parts, strconv.Itoa(v)+" "+n)
	}
	return strings.Join(parts, ", ")
}

// Doc is the comment of IGovernance.sol's function name ("" if none).
func Doc(name string) string { return docs[name] }
