package governance

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// Motions in plenary (docs/governance.md §3.5): proposed and voted by present
// Executive Council members during the meeting, decided after it.

// newMotion opens a motion of kind in meeting m, proposed by a present member.
func (c *call) newMotion(m uint64, kind MotionKind) (uint64, error) {
	if err := c.inWindow(m); err != nil {
		return 0, err
	}
	proposer, err := c.mover()
	if err != nil {
		return 0, err
	}
	if !c.s.present(m).has(w64(proposer)) {
		return 0, refuse("record %d is not present at meeting %d", proposer, m)
	}
	id := c.s.next("seq.motion")
	c.s.setU64(key("mot.meeting", id), m)
	c.s.setU64(key("mot.kind", id), uint64(kind))
	c.s.setU64(key("mot.status", id), uint64(MotionOpen))
	c.s.setU64(key("mot.proposer", id), proposer)
	c.s.list("mtg.motions", m).push(w64(id))
	c.emit("MotionProposed", id, m, kind, proposer)
	return id, nil
}

func moveApproveProject(c *call, a args) ([]any, error) {
	m, app := a.u64(0), a.u64(1)
	if kind, st, err := c.application(app); err != nil {
		return nil, err
	} else if kind != AppProject || st != AppToPlenary {
		return nil, refuse("application %d is not a project before the plenary", app)
	}
	id, err := c.newMotion(m, MotionApproveProject)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.a", id), app)
	return []any{id}, nil
}

func moveProjectStatus(c *call, a args) ([]any, error) {
	m, project, status := a.u64(0), a.u64(1), ProjectStatus(a.u8(2))
	if err := c.s.checkProjectStatus(project, status); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionProjectStatus)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.a", id), project)
	c.s.setU64(key("mot.b", id), uint64(status))
	return []any{id}, nil
}

func moveUnseat(c *call, a args) ([]any, error) {
	m, role, coll, rec := a.u64(0), Role(a.u8(1)), a.str(2), a.u64(3)
	coll = seatColl(role, coll)
	if err := c.s.checkUnseat(role, coll, rec); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionUnseat)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.role", id), uint64(role))
	c.s.setStr(key("mot.str", id), coll)
	c.s.setU64(key("mot.a", id), rec)
	return []any{id}, nil
}

func moveParameter(c *call, a args) ([]any, error) {
	m, name, value := a.u64(0), a.str(1), a.big(2)
	if err := c.s.checkParam(name, value); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionParameter)
	if err != nil {
		return nil, err
	}
	c.s.setStr(key("mot.str", id), name)
	c.s.setU64(key("mot.a", id), value.Uint64())
	return []any{id}, nil
}

func moveUpgrade(c *call, a args) ([]any, error) {
	m, name, height := a.u64(0), a.str(1), a.u64(2)
	if err := c.checkUpgrade(name, height); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionUpgrade)
	if err != nil {
		return nil, err
	}
	c.s.setStr(key("mot.str", id), name)
	c.s.setU64(key("mot.a", id), height)
	return []any{id}, nil
}

func vote(c *call, a args) ([]any, error) {
	id, yes := a.u64(0), a.boolean(1)
	m := c.s.u64(key("mot.meeting", id))
	if m == 0 {
		return nil, refuse("motion %d does not exist", id)
	}
	if err := c.inWindow(m); err != nil {
		return nil, err
	}
	holder, err := c.seatActor(m)
	if err != nil {
		return nil, err
	}
	if c.s.markPresent(m, holder) { // voting implies attendance
		c.emit("AttendanceRecorded", m, holder, c.from)
	}
	if _, _, err := c.castVote("mot", id, holder, yes); err != nil {
		return nil, err
	}
	if yes {
		c.s.list("mot.yesList", id).push(w64(holder))
	} else {
		c.s.list("mot.noList", id).push(w64(holder))
	}
	c.emit("VoteCast", id, holder, yes)
	return nil, nil
}

// quorum refuses unless meeting m was quorate: the secretary and enough
// other members attended. It reads only what the meeting itself recorded —
// who attended, whether the secretary did, and the quorum fixed when it was
// convened — so deciding one motion (a seat, a parameter) never changes the
// tally of another motion of the same meeting.
func (s *store) quorum(m uint64) (present uint64, err error) {
	present = s.present(m).len()
	if !s.flag(key("mtg.secretary", m)) {
		return 0, refuse("quorum not reached: the secretary is absent")
	}
	need := s.u64(key("mtg.need", m))
	if others := present - 1; others < need {
		return 0, refuse("quorum not reached: %d present, %d needed (the secretary and %d others)", present, need+1, need)
	}
	return present, nil
}

// meetingQuorum is the quorum a meeting of kind convened now needs besides
// the secretary: the parameter, but never more than the Executive Council
// seats that are filled, so vacancies cannot leave the council unable to
// fill them.
func (s *store) meetingQuorum(kind MeetingKind) uint64 {
	need := s.param("ordinaryQuorum")
	if kind == MeetingExtraordinary {
		need = s.param("extraordinaryQuorum")
	}
	return min(need, s.filled(RoleProjectsCommission)+s.filled(RoleNodesCommission))
}

func decide(c *call, a args) ([]any, error) {
	id := a.u64(0)
	m := c.s.u64(key("mot.meeting", id))
	if m == 0 {
		return nil, refuse("motion %d does not exist", id)
	}
	if st := MotionStatus(c.s.u64(key("mot.status", id))); st != MotionOpen {
		return nil, refuse("motion %d is already decided", id)
	}
	if end := c.s.u64(key("mtg.end", m)); c.env.Time < end {
		return nil, refuse("meeting %d has not ended (ends at %d)", m, end)
	}
	present, err := c.s.quorum(m)
	if err != nil {
		return nil, err
	}
	yes, no := c.s.u64(key("mot.yes", id)), c.s.u64(key("mot.no", id))
	passed := yes*2 > present
	kind := MotionKind(c.s.u64(key("mot.kind", id)))
	if kind == MotionNewCollective { // two thirds: every formed collective gets an equal share of the power
		passed = yes*3 >= present*2
	}
	if passed {
		if err := c.carryMotion(id); err != nil {
			return nil, err
		}
		c.s.setU64(key("mot.status", id), uint64(MotionPassed))
	} else {
		c.s.setU64(key("mot.status", id), uint64(MotionFailed))
		switch kind { // the plenary said no: the application is closed
		case MotionAdmitAdvisory:
			c.rejectInPlenary(c.s.u64(key("mot.a", id)), AppAdvisory)
		case MotionNewCollective:
			c.rejectInPlenary(c.s.u64(key("mot.a", id)), AppCollective)
		}
	}
	c.emit("MotionDecided", id, passed, uint32(yes), uint32(no), uint32(present))
	return nil, nil
}

// carryMotion applies a passed motion, checking its rules again.
func (c *call) carryMotion(id uint64) error {
	a, b := c.s.u64(key("mot.a", id)), c.s.u64(key("mot.b", id))
	role, str := Role(c.s.u64(key("mot.role", id))), c.s.str(key("mot.str", id))
	switch MotionKind(c.s.u64(key("mot.kind", id))) {
	case MotionApproveProject:
		return c.approveProject(a)
	case MotionProjectStatus:
		if err := c.s.checkProjectStatus(a, ProjectStatus(b)); err != nil {
			return err
		}
		c.s.setU64(key("rec.status", a), b)
		c.emit("ProjectStatusChanged", a, ProjectStatus(b))
	case MotionSeat: // moved before seats had their own flows; never carried now
		return refuse("motion %d would seat a record by plenary alone, which is retired: a leader is elected (moveElect), an Executive Council member designated by the Advisory Council (proposeDesignation), an Advisory member admitted (moveAdmitAdvisory)", id)
	case MotionElect:
		end, err := c.elect(a, b)
		if err != nil {
			return err
		}
		c.s.setU64(key("mot.end", id), end)
	case MotionUnseat:
		if err := c.s.checkUnseat(role, str, a); err != nil {
			return err
		}
		c.s.vacateSeat(c, role, str, a)
	case MotionParameter:
		if err := c.s.checkParam(str, new(big.Int).SetUint64(a)); err != nil {
			return err
		}
		c.s.setParam(str, a)
		if str == "gasLimit" {
			c.s.setU64(key("pending.gasLimit"), a)
		}
		c.emit("ParameterChanged", str, new(big.Int).SetUint64(a))
	case MotionAdmitAdvisory:
		if err := c.admitAdvisory(a); err != nil {
			return err
		}
		c.s.setU64(key("mot.end", id), c.s.termEnd(RoleAdvisory, c.s.recordOf(c.s.appApplicant(a))))
	case MotionCapitalBudget:
		return c.setBudget(str, a)
	case MotionUpgrade:
		if err := c.checkUpgrade(str, a); err != nil {
			return err
		}
		if a == 0 { // a cancellation, logged as a schedule at height 0
			c.s.lset("upgrades").remove(common.BytesToHash([]byte(str)))
		} else {
			c.s.lset("upgrades").add(common.BytesToHash([]byte(str)))
		}
		c.s.setU64(key("upg.height", str), a)
		c.emit("UpgradeScheduled", str, a)
	case MotionMemberAction, MotionRatifyAction:
		if err := c.ratify(a, id); err != nil {
			return err
		}
		c.carrySanction(id) // a suspension moved on a reported violation

	case MotionOverturnAction:
		return c.overturn(a, id)
	case MotionBallot:
		return c.carryBallot(id)
	case MotionNewCollective:
		return c.createCollective(a)
	case MotionEthicsCode:
		c.carryEthicsCode(id)
	case MotionSanction:
		c.carrySanction(id)
	}
	return nil
}

// checkUpgrade checks a motion to schedule upgrade name at height, or with
// height 0 to cancel it before its height is reached.
func (c *call) checkUpgrade(name string, height uint64) error {
	if name == "" || len(name) > 32 {
		return refuse("upgrade name must be 1 to 32 bytes")
	}
	for _, b := range []byte(name) {
		if b <= ' ' || b > '~' {
			return refuse("upgrade name %q: printable ASCII without spaces only", name)
		}
	}
	scheduled := c.s.lset("upgrades").has(common.BytesToHash([]byte(name)))
	if height == 0 {
		if !scheduled {
			return refuse("upgrade %q is not scheduled: nothing to cancel", name)
		}
		if at := c.s.u64(key("upg.height", name)); at <= c.env.Number {
			return refuse("upgrade %q took effect at height %d: it can no longer be cancelled", name, at)
		}
		return nil
	}
	if height <= c.env.Number {
		return refuse("upgrade height %d is not after the current block %d", height, c.env.Number)
	}
	// A mistaken upgrade (a name no release knows) stops every node at its
	// height; it must stay far enough ahead for a plenary, convened with the
	// least notice, to cancel it: twice the notice in blocks, at the
	// network's block interval of about a second.
	// MinUpgradeLead holds when the notice is voted down to nothing.
	if lead := max(2*c.s.param("meetingNotice"), MinUpgradeLead); height-c.env.Number < lead {
		return refuse("upgrade height %d is %d blocks after block %d; it must be at least %d (twice meetingNotice, and at least %d), so that a plenary can cancel a mistaken upgrade in time",
			height, height-c.env.Number, c.env.Number, lead, MinUpgradeLead)
	}
	if scheduled {
		return refuse("upgrade %q is already scheduled: cancel it first (height 0)", name)
	}
	return nil
}
