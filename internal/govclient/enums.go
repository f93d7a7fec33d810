package govclient

import (
	"math"
	"strconv"
	"strings"

	"github.com/redmx/redmx/governance"
)

// Enum is one of IGovernance.sol's enumerations (uint8 values) as the CLI
// reads and prints it: its name in the interface, and governance's names of
// its values.
type Enum struct {
	Name string
	// bits: a set of flags (Criteria), names[i] naming bit 1<<i; else
	// names[v-1] names value v.
	bits  bool
	names []string
	parse func(string) (uint64, bool)
	str   func(uint64) string
}

func enumOf[E governance.Enum](name string) *Enum {
	_, bits := any(E(0)).(governance.Criteria)
	return &Enum{
		Name:  name,
		bits:  bits,
		names: governance.Names[E](),
		parse: func(s string) (uint64, bool) {
			v, ok := governance.Parse[E](s)
			return uint64(v), ok
		},
		str: func(v uint64) string {
			if v > math.MaxUint8 {
				return "?"
			}
			return E(v).String()
		},
	}
}

// Enumerations of IGovernance.sol, by the names the interface gives them.
var (
	RecordKind           = enumOf[governance.RecordKind]("RecordKind")
	RecordStatus         = enumOf[governance.RecordStatus]("RecordStatus")
	ProjectStatus        = enumOf[governance.ProjectStatus]("RecordStatus")
	NodeRole             = enumOf[governance.NodeRole]("NodeRole")
	NodeStatus           = enumOf[governance.NodeStatus]("NodeStatus")
	ApplicationKind      = enumOf[governance.ApplicationKind]("ApplicationKind")
	ApplicationStatus    = enumOf[governance.ApplicationStatus]("ApplicationStatus")
	Role                 = enumOf[governance.Role]("Role")
	MeetingKind          = enumOf[governance.MeetingKind]("MeetingKind")
	MotionKind           = enumOf[governance.MotionKind]("MotionKind")
	MotionStatus         = enumOf[governance.MotionStatus]("MotionStatus")
	NodeAction           = enumOf[governance.NodeAction]("NodeAction")
	ActionStatus         = enumOf[governance.ActionStatus]("ActionStatus")
	AgreementStatus      = enumOf[governance.AgreementStatus]("AgreementStatus")
	Criteria             = enumOf[governance.Criteria]("Criteria")
	DesignationStatus    = enumOf[governance.DesignationStatus]("DesignationStatus")
	CapitalRequestStatus = enumOf[governance.CapitalRequestStatus]("CapitalRequestStatus")
	// ActionTarget is what a proposed action applies to: [IGovernance.action]'s
	// target. (The interface leaves it unnamed.)
	ActionTarget = enumOf[governance.ActionTarget]("target")
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
	"moveMemberAction.action":    NodeAction,
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
	"action.status":              ActionStatus,
	"actions.status":             ActionStatus,
	"meeting.kind":               MeetingKind,
	"motion.kind":                MotionKind,
	"motion.status":              MotionStatus,
	"agreements.statuses":        AgreementStatus,
	"proposeDesignation.role":    Role,
	"designation.role":           Role,
	"designation.status":         DesignationStatus,
	"designations.status":        DesignationStatus,
	"capitalRequests.status":     CapitalRequestStatus,
	"capitalRequest.status":      CapitalRequestStatus,

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
	"DesignationProposed.role":      Role,
	"DesignationDecided.status":     DesignationStatus,
}

// EnumOf is the enumeration of field of fn (a function or an event), or nil.
func EnumOf(fn, field string) *Enum { return enums[fn+"."+field] }

// Parse reads a value by name (or names joined by "+" for bits); numbers
// are left to the caller.
func (e *Enum) Parse(s string) (uint64, bool) { return e.parse(s) }

// String names v ("?" parts for unknown values).
func (e *Enum) String(v uint64) string { return e.str(v) }

// Names lists the names, for help texts.
func (e *Enum) Names() string {
	var parts []string
	for i, n := range e.names {
		v := i + 1
		if e.bits {
			v = 1 << i
		}
		parts = append(parts, strconv.Itoa(v)+" "+n)
	}
	return strings.Join(parts, ", ")
}

// Doc is the comment of IGovernance.sol's function name ("" if none).
func Doc(name string) string { return docs[name] }
