package governance

import (
	"strconv"
	"strings"
)

// The enumerations of IGovernance.sol, as stored and as the ABI carries them
// (uint8, from 1; 0 is "none"). Each is named here once: the names are what
// the CLI prints and parses and what error messages say.

// RecordKind is what a record is.
type RecordKind uint8

const (
	KindInstitution RecordKind = iota + 1
	KindIndividual
	KindProject
)

// RecordStatus is a member record's standing.
type RecordStatus uint8

const (
	StatusActive RecordStatus = iota + 1
	StatusSuspended
	StatusRemoved
)

// ProjectStatus is a project record's standing: a RecordStatus named for
// projects (a removed project is closed).
type ProjectStatus uint8

const (
	ProjectActive ProjectStatus = iota + 1
	ProjectSuspended
	ProjectClosed
)

// NodeRole is what a node does.
type NodeRole uint8

const (
	NodeValidator NodeRole = iota + 1
	NodeObserver
)

// NodeStatus is a node's standing.
type NodeStatus uint8

const (
	NodeAdmitted NodeStatus = iota + 1
	NodeSuspended
	NodeRemoved
)

// ApplicationKind is what an application asks for.
type ApplicationKind uint8

const (
	AppNode ApplicationKind = iota + 1
	AppProject
	AppAdvisory
	AppCollective
)

// ApplicationStatus is where an application stands.
type ApplicationStatus uint8

const (
	AppSubmitted ApplicationStatus = iota + 1
	AppEndorsed
	AppToPlenary
	AppApproved
	AppRejected
	AppWithdrawn
)

// Role is a seat's office.
type Role uint8

const (
	RoleLeader Role = iota + 1
	RoleSecretary
	RoleProjectsCommission
	RoleNodesCommission
	RoleAdvisory
)

// MeetingKind is an Executive Council meeting's kind.
type MeetingKind uint8

const (
	MeetingOrdinary MeetingKind = iota + 1
	MeetingExtraordinary
)

// MotionKind is what a motion decides.
type MotionKind uint8

const (
	MotionApproveProject MotionKind = iota + 1
	MotionProjectStatus
	MotionSeat
	MotionUnseat
	MotionParameter
	MotionUpgrade
	MotionMemberAction
	MotionRatifyAction
	MotionOverturnAction
	MotionCapitalBudget
	MotionElect
	MotionAdmitAdvisory
	MotionBallot
	MotionEthicsCode
	MotionSanction
	MotionNewCollective
)

// MotionStatus is where a motion stands.
type MotionStatus uint8

const (
	MotionOpen MotionStatus = iota + 1
	MotionPassed
	MotionFailed
)

// CapitalRequestStatus is where a capital request stands.
type CapitalRequestStatus uint8

const (
	CapitalRequestOpen CapitalRequestStatus = iota + 1
	CapitalRequestGranted
	CapitalRequestDeclined
	CapitalRequestWithdrawn
)

// NodeAction is what a proposed action does to a node or a member.
type NodeAction uint8

const (
	ActionSuspend NodeAction = iota + 1
	ActionRemove
	ActionReinstate
)

// ActionStatus is where a Nodes Commission action stands: proposed (votes
// open), provisional (in effect, awaiting the plenary's ratification until
// its deadline), to-plenary (relies on cause: takes effect only if the
// plenary ratifies it), final, rejected (by the commission), lapsed (not
// ratified in time: undone) or overturned (by the plenary: undone).
type ActionStatus uint8

const (
	ActionProposed ActionStatus = iota + 1
	ActionProvisional
	ActionToPlenary
	ActionFinal
	ActionRejected
	ActionLapsed
	ActionOverturned
)

// ActionTarget is what a proposed action applies to (IGovernance's
// action(): target; the interface leaves it unnamed).
type ActionTarget uint8

const (
	TargetNode ActionTarget = iota + 1
	TargetMember
)

// AgreementStatus is where a project's agreement stands.
type AgreementStatus uint8

const (
	AgreementPending AgreementStatus = iota + 1
	AgreementInProgress
	AgreementDone
	AgreementDropped
)

// Criteria are the bit flags of the criteria a project application meets:
// Criterion... is bit 1<<i.
type Criteria uint8

const (
	CriterionPublicValue Criteria = 1 << iota
	CriterionOpenSource
	CriterionOpenData
	CriterionTesting
	CriterionResearch
	CriterionImpact
)

func (RecordKind) names() []string    { return []string{"institution", "individual", "project"} }
func (RecordStatus) names() []string  { return []string{"active", "suspended", "removed"} }
func (ProjectStatus) names() []string { return []string{"active", "suspended", "closed"} }
func (NodeRole) names() []string      { return []string{"validator", "observer"} }
func (NodeStatus) names() []string    { return []string{"admitted", "suspended", "removed"} }
func (ApplicationKind) names() []string {
	return []string{"node", "project", "advisory", "collective"}
}
func (ApplicationStatus) names() []string {
	return []string{"submitted", "endorsed", "to-plenary", "approved", "rejected", "withdrawn"}
}
func (Role) names() []string {
	return []string{"leader", "secretary", "projects-commission", "nodes-commission", "advisory"}
}
func (MeetingKind) names() []string { return []string{"ordinary", "extraordinary"} }
func (MotionKind) names() []string {
	return []string{"approve-project", "project-status", "seat", "unseat", "parameter", "upgrade",
		"member-action", "ratify-action", "overturn-action", "capital-budget", "elect", "admit-advisory", "ballot", "ethics-code", "sanction", "new-collective"}
}
func (MotionStatus) names() []string { return []string{"open", "passed", "failed"} }
func (NodeAction) names() []string   { return []string{"suspend", "remove", "reinstate"} }
func (CapitalRequestStatus) names() []string {
	return []string{"open", "granted", "declined", "withdrawn"}
}
func (ActionTarget) names() []string { return []string{"node", "member"} }
func (ActionStatus) names() []string {
	return []string{"proposed", "provisional", "to-plenary", "final", "rejected", "lapsed", "overturned"}
}
func (AgreementStatus) names() []string {
	return []string{"pending", "in-progress", "done", "dropped"}
}
func (Criteria) names() []string {
	return []string{"public-value", "open-source", "open-data", "testing", "research", "impact"}
}

// Enum is any of the enumerations above.
type Enum interface {
	~uint8
	String() string
	names() []string
}

// Names lists the names of E's values: value v at index v-1, or for
// [Criteria] bit 1<<i at index i.
func Names[E Enum]() []string {
	var e E
	return e.names()
}

// Parse reads a value of E by name (case and dashes ignored); for
// [Criteria], names joined by "+".
func Parse[E Enum](s string) (E, bool) {
	var e E
	if _, bits := any(e).(Criteria); bits {
		var v E
		for _, part := range strings.Split(s, "+") {
			i := nameIndex(e.names(), part)
			if i < 0 {
				return 0, false
			}
			v |= 1 << i
		}
		return v, true
	}
	if i := nameIndex(e.names(), s); i >= 0 {
		return E(i + 1), true
	}
	return 0, false
}

// known reports whether v is one of E's values (not a set of flags).
func known[E Enum](v E) bool { return v >= 1 && int(v) <= len(v.names()) }

// choices lists values of E for an error message, "a (1), b (2) or c (3)":
// vals, or every value when none is given.
func choices[E Enum](vals ...E) string {
	if len(vals) == 0 {
		for i := range Names[E]() {
			vals = append(vals, E(i+1))
		}
	}
	var b strings.Builder
	for i, v := range vals {
		switch {
		case i == 0:
		case i == len(vals)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(v.String() + " (" + strconv.Itoa(int(v)) + ")")
	}
	return b.String()
}

func nameIndex(names []string, s string) int {
	flat := func(s string) string { return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "") }
	for i, n := range names {
		if n == s || flat(n) == flat(s) {
			return i
		}
	}
	return -1
}

// name is v's name among names ("?" for a value outside them).
func name[E ~uint8](v E, names []string) string {
	if v >= 1 && int(v) <= len(names) {
		return names[v-1]
	}
	return "?"
}

func (v RecordKind) String() string           { return name(v, v.names()) }
func (v RecordStatus) String() string         { return name(v, v.names()) }
func (v ProjectStatus) String() string        { return name(v, v.names()) }
func (v NodeRole) String() string             { return name(v, v.names()) }
func (v NodeStatus) String() string           { return name(v, v.names()) }
func (v ApplicationKind) String() string      { return name(v, v.names()) }
func (v ApplicationStatus) String() string    { return name(v, v.names()) }
func (v Role) String() string                 { return name(v, v.names()) }
func (v MeetingKind) String() string          { return name(v, v.names()) }
func (v MotionKind) String() string           { return name(v, v.names()) }
func (v MotionStatus) String() string         { return name(v, v.names()) }
func (v NodeAction) String() string           { return name(v, v.names()) }
func (v ActionTarget) String() string         { return name(v, v.names()) }
func (v ActionStatus) String() string         { return name(v, v.names()) }
func (v AgreementStatus) String() string      { return name(v, v.names()) }
func (v CapitalRequestStatus) String() string { return name(v, v.names()) }

// String joins the names of v's bits with "+" ("none" for no bit, "?N" for
// bits without a name).
func (v Criteria) String() string {
	if v == 0 {
		return "none"
	}
	var parts []string
	for i, n := range v.names() {
		if v&(1<<i) != 0 {
			parts = append(parts, n)
			v &^= 1 << i
		}
	}
	if v != 0 {
		parts = append(parts, "?"+strconv.FormatUint(uint64(v), 10))
	}
	return strings.Join(parts, "+")
}

// Office is the role's office as error messages name it.
func (r Role) Office() string {
	switch r {
	case RoleLeader:
		return "collective leaders"
	case RoleSecretary:
		return "Executive Secretary"
	case RoleProjectsCommission:
		return "Projects Commission"
	case RoleNodesCommission:
		return "Nodes Commission"
	case RoleAdvisory:
		return "Advisory Council"
	}
	return "unknown role"
}

// PerCollective reports whether the role has seats in each collective (the
// secretary and the Advisory Council serve the whole network).
func (r Role) PerCollective() bool { return r != RoleSecretary && r != RoleAdvisory }
