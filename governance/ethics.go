package governance

import "github.com/ethereum/go-ethereum/common"

// The code of ethics (docs/governance.md §3.9): its text lives off chain,
// the commitment to its current version on chain, set by the plenary
// (moveEthicsCode). Members accept the current version by transaction
// (acceptEthics); while a version is in force, a member that has not
// accepted it neither votes in member ballots nor stands for, nor takes, a
// seat. Violations are reported by members (reportViolation) and decided
// in plenary (moveSanction) with graduated sanctions.

// Sanction is what the plenary decides on a reported violation.
type Sanction uint8

const (
	SanctionWarning    Sanction = iota + 1 // recorded, nothing else
	SanctionCapitalCut                     // the member's capital grant revoked
	SanctionSuspension                     // the member suspended, as moveMemberAction for cause
	SanctionDismissal                      // the report found without merit
)

// ViolationStatus is where a reported violation stands.
type ViolationStatus uint8

const (
	ViolationOpen ViolationStatus = iota + 1
	ViolationSanctioned
	ViolationDismissed
)

func (Sanction) names() []string {
	return []string{"warning", "capital-cut", "suspension", "dismissal"}
}
func (ViolationStatus) names() []string  { return []string{"open", "sanctioned", "dismissed"} }
func (v Sanction) String() string        { return name(v, v.names()) }
func (v ViolationStatus) String() string { return name(v, v.names()) }

// ethicsVersion is the code's current version (0: none set yet).
func (s *store) ethicsVersion() uint64 { return s.u64(key("eth.version")) }

// checkEthics refuses record rec while it has not accepted the code's
// current version.
func (s *store) checkEthics(rec uint64) error {
	if v := s.ethicsVersion(); v != 0 && s.u64(key("eth.accepted", rec)) != v {
		return refuse("record %d has not accepted the code of ethics in force (version %d): acceptEthics(%d) first", rec, v, v)
	}
	return nil
}

func moveEthicsCode(c *call, a args) ([]any, error) {
	m, code, uri := a.u64(0), a.b32(1), a.str(2)
	if code == (common.Hash{}) {
		return nil, refuse("the code's commitment is empty")
	}
	if err := c.checkText("codeURI", uri); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionEthicsCode)
	if err != nil {
		return nil, err
	}
	c.s.set(key("mot.hash", id), code)
	c.s.setStr(key("mot.str", id), uri)
	return []any{id}, nil
}

// carryEthicsCode puts passed motion id's code in force as the next version.
func (c *call) carryEthicsCode(id uint64) {
	v := c.s.ethicsVersion() + 1
	code, uri := c.s.get(key("mot.hash", id)), c.s.str(key("mot.str", id))
	c.s.setU64(key("eth.version"), v)
	c.s.set(key("eth.hash"), code)
	c.s.setStr(key("eth.uri"), uri)
	c.emit("EthicsCodeSet", v, [32]byte(code), uri)
}

func acceptEthics(c *call, a args) ([]any, error) {
	v := a.u64(0)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	if c.s.recKind(rec) == KindProject {
		return nil, refuse("record %d is a project: members accept the code of ethics", rec)
	}
	switch cur := c.s.ethicsVersion(); {
	case cur == 0:
		return nil, refuse("no code of ethics is in force yet")
	case v != cur:
		return nil, refuse("version %d is not the code in force (version %d)", v, cur)
	case c.s.u64(key("eth.accepted", rec)) == v:
		return nil, refuse("record %d already accepted version %d", rec, v)
	}
	c.s.setU64(key("eth.accepted", rec), v)
	c.emit("EthicsAccepted", rec, v)
	return nil, nil
}

func reportViolation(c *call, a args) ([]any, error) {
	target, evidence, uri := a.u64(0), a.b32(1), a.str(2)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	switch {
	case !c.s.inScope(rec, ""):
		return nil, refuse("record %d is not a member of a collective: members report violations", rec)
	case !c.s.recExists(target) || c.s.recKind(target) == KindProject:
		return nil, refuse("record %d is not a member", target)
	case target == rec:
		return nil, refuse("record %d cannot report itself", rec)
	case evidence == (common.Hash{}):
		return nil, refuse("the report's commitment is empty")
	}
	if err := c.checkText("evidenceURI", uri); err != nil {
		return nil, err
	}
	id := c.s.next("seq.violation")
	c.s.setU64(key("vio.record", id), target)
	c.s.setU64(key("vio.reporter", id), rec)
	c.s.set(key("vio.hash", id), evidence)
	c.s.setStr(key("vio.uri", id), uri)
	c.s.setU64(key("vio.status", id), uint64(ViolationOpen))
	c.s.setU64(key("vio.time", id), c.env.Time)
	c.emit("ViolationReported", id, target, rec, [32]byte(evidence))
	return []any{id}, nil
}

// openViolation is violation id, which must exist and be open.
func (c *call) openViolation(id uint64) (uint64, error) {
	switch ViolationStatus(c.s.u64(key("vio.status", id))) {
	case 0:
		return 0, refuse("violation %d does not exist", id)
	case ViolationOpen:
		return c.s.u64(key("vio.record", id)), nil
	default:
		return 0, refuse("violation %d is already decided (%s)", id, ViolationStatus(c.s.u64(key("vio.status", id))))
	}
}

func moveSanction(c *call, a args) ([]any, error) {
	m, vio, sanction := a.u64(0), a.u64(1), Sanction(a.u8(2))
	rec, err := c.openViolation(vio)
	if err != nil {
		return nil, err
	}
	if !known(sanction) {
		return nil, refuse("sanction %d is not %s", sanction, choices[Sanction]())
	}
	var id uint64
	if sanction == SanctionSuspension {
		// The member action of the plenary, for cause, its reason the report:
		// every rule of moveMemberAction holds.
		if id, err = c.moveMemberActionOn(m, rec, ActionSuspend, true, c.s.get(key("vio.hash", vio))); err != nil {
			return nil, err
		}
	} else if id, err = c.newMotion(m, MotionSanction); err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.violation", id), vio)
	c.s.setU64(key("mot.sanction", id), uint64(sanction))
	return []any{id}, nil
}

// carrySanction applies passed motion id's sanction to its violation, once:
// a violation decided meanwhile by another motion is left as it is.
func (c *call) carrySanction(id uint64) {
	vio := c.s.u64(key("mot.violation", id))
	if vio == 0 || ViolationStatus(c.s.u64(key("vio.status", vio))) != ViolationOpen {
		return
	}
	sanction, rec := Sanction(c.s.u64(key("mot.sanction", id))), c.s.u64(key("vio.record", vio))
	st := ViolationSanctioned
	switch sanction {
	case SanctionDismissal:
		st = ViolationDismissed
	case SanctionCapitalCut:
		if c.s.u64(key("cap.gas", rec)) != 0 {
			c.s.dropGrant(rec)
			c.emit("CapitalRevoked", rec, uint64(0))
		}
	}
	c.s.setU64(key("vio.status", vio), uint64(st))
	c.s.setU64(key("vio.sanction", vio), uint64(sanction))
	c.s.setU64(key("vio.motion", vio), id)
	c.emit("SanctionDecided", vio, rec, sanction, id)
}

// Views.

func viewEthics(s *store, _ Env, _ args) []any {
	return []any{s.ethicsVersion(), [32]byte(s.get(key("eth.hash"))), s.str(key("eth.uri"))}
}

func viewEthicsOf(s *store, _ Env, a args) []any {
	rec := a.u64(0)
	v := s.u64(key("eth.accepted", rec))
	return []any{v, s.checkEthics(rec) == nil}
}

func viewViolation(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.u64(key("vio.record", id)), s.u64(key("vio.reporter", id)), [32]byte(s.get(key("vio.hash", id))),
		s.str(key("vio.uri", id)), s.u64(key("vio.time", id)), ViolationStatus(s.u64(key("vio.status", id))),
		Sanction(s.u64(key("vio.sanction", id))), s.u64(key("vio.motion", id))}
}
