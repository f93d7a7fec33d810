package govclient

import (
	"fmt"
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
	ProjectStatus        = enumOf[governance.ProjectStatus]("ProjectStatus")
	NodeRole             = enumOf[governance.NodeRole]("NodeRole")
	NodeStatus           = enumOf[governance.NodeStatus]("NodeStatus")
	ApplicationKind      = enumOf[governance.ApplicationKind]("ApplicationKind")
	ApplicationStatus    = enumOf[governance.ApplicationStatus]("ApplicationStatus")
	Role                 = enumOf[governance.Role]("Role")
	MeetingKind          = enumOf[governance.MeetingKind]("MeetingKind")
	MotionKind           = enumOf[governance.MotionKind]("MotionKind")
	MotionStatus         = enumOf[governance.MotionStatus]("MotionStatus")
	NodeAction           = enumOf[governance.NodeAction]("NodeAction")
	ActionTarget         = enumOf[governance.ActionTarget]("ActionTarget")
	ActionStatus         = enumOf[governance.ActionStatus]("ActionStatus")
	AgreementStatus      = enumOf[governance.AgreementStatus]("AgreementStatus")
	Criteria             = enumOf[governance.Criteria]("Criteria")
	CallStatus           = enumOf[governance.CallStatus]("CallStatus")
	BallotKind           = enumOf[governance.BallotKind]("BallotKind")
	BallotStatus         = enumOf[governance.BallotStatus]("BallotStatus")
	Sanction             = enumOf[governance.Sanction]("Sanction")
	ViolationStatus      = enumOf[governance.ViolationStatus]("ViolationStatus")
	ReportKind           = enumOf[governance.ReportKind]("ReportKind")
	DesignationStatus    = enumOf[governance.DesignationStatus]("DesignationStatus")
	CapitalRequestStatus = enumOf[governance.CapitalRequestStatus]("CapitalRequestStatus")
)

// Enums are the enumerations by name.
var Enums = map[string]*Enum{}

func init() {
	for _, e := range []*Enum{RecordKind, RecordStatus, ProjectStatus, NodeRole, NodeStatus, ApplicationKind,
		ApplicationStatus, Role, MeetingKind, MotionKind, MotionStatus, NodeAction, ActionTarget, ActionStatus,
		AgreementStatus, Criteria, DesignationStatus, CallStatus, BallotKind, BallotStatus, CapitalRequestStatus, Sanction, ViolationStatus, ReportKind} {
		Enums[e.Name] = e
	}
	for field, name := range enumTags {
		enums[field] = Enums[name] // a name of no enumeration fails TestEnumTags
	}
}

// enums maps "function.field" (inputs and outputs of functions, fields of
// events) to its enumeration, as IGovernance.sol's NatSpec names it, so a
// function added to the interface prints names with no change here.
var enums = map[string]*Enum{}

// EnumOf is the enumeration of field of fn (a function or an event), or nil.
func EnumOf(fn, field string) *Enum { return enums[fn+"."+field] }

// Parse reads a value by name (or names joined by "+" for bits); numbers
// are left to the caller.
func (e *Enum) Parse(s string) (uint64, bool) { return e.parse(s) }

// String names v ("?" parts for unknown values).
func (e *Enum) String(v uint64) string { return e.str(v) }

// Text names v for people: its name, or the number and "unknown" for a
// value this client does not know (a newer node's).
func (e *Enum) Text(v uint64) string {
	switch s := e.String(v); {
	case v == 0 && !e.bits:
		return "0 (none)"
	case strings.Contains(s, "?"):
		return fmt.Sprintf("%d (unknown)", v)
	default:
		return s
	}
}

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
