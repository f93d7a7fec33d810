package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Applications (docs/governance.md §3.1, §3.2): a node or project application
// moves submitted → endorsed (a leader) → decided by its commission (nodes)
// or sent to plenary (projects) → approved; or rejected or withdrawn.

func (s *store) appKind(id uint64) ApplicationKind {
	return ApplicationKind(s.u64(key("app.kind", id)))
}
func (s *store) appStatus(id uint64) ApplicationStatus {
	return ApplicationStatus(s.u64(key("app.status", id)))
}
func (s *store) appColl(id uint64) string { return s.str(key("app.coll", id)) }
func (s *store) appApplicant(id uint64) common.Address {
	return s.addr(key("app.applicant", id))
}
func (s *store) apps(kind ApplicationKind, status ApplicationStatus) lset {
	return s.lset("apps", kind, status)
}

func appOpen(st ApplicationStatus) bool {
	return st == AppSubmitted || st == AppEndorsed || st == AppToPlenary
}

// newApplication opens an application of kind by the sender for coll (""
// for the Advisory Council, which serves the whole network).
func (c *call) newApplication(kind ApplicationKind, coll string) (uint64, error) {
	if kind != AppAdvisory && kind != AppCollective && !c.s.collectiveExists(coll) {
		return 0, refuse("collective %q does not exist", coll)
	}
	if open := c.s.u64(key("open.app", c.from)); open != 0 {
		return 0, refuse("account %s already has open application %d", c.from.Hex(), open)
	}
	id := c.s.next("seq.app")
	c.s.setU64(key("app.kind", id), uint64(kind))
	c.s.setAddr(key("app.applicant", id), c.from)
	c.s.setStr(key("app.coll", id), coll)
	c.s.setU64(key("app.submitted", id), c.env.Time)
	c.s.setU64(key("open.app", c.from), id)
	c.s.setU64(key("app.status", id), uint64(AppSubmitted))
	c.s.apps(kind, AppSubmitted).add(w64(id))
	return id, nil
}

func (s *store) setAppStatus(id uint64, st ApplicationStatus) {
	kind, old := s.appKind(id), s.appStatus(id)
	s.apps(kind, old).remove(w64(id))
	s.apps(kind, st).add(w64(id))
	s.setU64(key("app.status", id), uint64(st))
	if !appOpen(st) {
		s.setU64(key("open.app", s.appApplicant(id)), 0)
		if kind == AppNode { // the node ID and key are free again unless admitted
			nodeID := [20]byte(s.get(key("app.node", id)).Bytes()[:20])
			s.setU64(key("nodeid.app", nodeID), 0)
			if kh := s.get(key("app.keyhash", id)); kh != (common.Hash{}) {
				s.setU64(key("key.app", kh), 0)
			}
		}
	}
}

// notForLeaders refuses a leaders' or commission's step on an Advisory
// Council application, which goes straight to the plenary.
func notForLeaders(kind ApplicationKind, id uint64) error {
	switch kind {
	case AppAdvisory:
		return refuse("application %d is for the Advisory Council: the Executive Council decides it in plenary (moveAdmitAdvisory)", id)
	case AppCollective:
		return refuse("application %d is for a new collective: the Executive Council decides it in plenary (moveNewCollective)", id)
	}
	return nil
}

// rejectInPlenary closes application app, of kind (one the plenary decides:
// Advisory Council, new collective), after its motion failed.
func (c *call) rejectInPlenary(app uint64, kind ApplicationKind) {
	if c.s.appKind(app) == kind && c.s.appStatus(app) == AppToPlenary {
		c.s.setAppStatus(app, AppRejected)
		c.emit("ApplicationRejected", app, uint64(0), [32]byte{})
	}
}

// application is an existing application, or a refusal naming it.
func (c *call) application(id uint64) (kind ApplicationKind, status ApplicationStatus, err error) {
	kind = c.s.appKind(id)
	if kind == 0 {
		return 0, 0, refuse("application %d does not exist", id)
	}
	return kind, c.s.appStatus(id), nil
}

func endorse(c *call, a args) ([]any, error) {
	id := a.u64(0)
	kind, st, err := c.application(id)
	if err != nil {
		return nil, err
	}
	if err := notForLeaders(kind, id); err != nil {
		return nil, err
	}
	leader, err := c.leaderOf(c.s.appColl(id))
	if err != nil {
		return nil, err
	}
	if st != AppSubmitted {
		return nil, refuse("application %d is not awaiting endorsement (status %d)", id, st)
	}
	if kind == AppProject {
		if err := c.s.accountsAccepted(id, c.s.appAccounts(id)); err != nil {
			return nil, err
		}
	}
	c.s.setAppStatus(id, AppEndorsed)
	c.s.set(key("app.endorsed", id), pair64(leader, c.env.Time)) // one slot: the leader and when
	c.emit("ApplicationEndorsed", id, leader)
	return nil, nil
}

func reject(c *call, a args) ([]any, error) {
	id, reason := a.u64(0), a.b32(1)
	kind, st, err := c.application(id)
	if err != nil {
		return nil, err
	}
	if err := notForLeaders(kind, id); err != nil {
		return nil, err
	}
	leader, err := c.leaderOf(c.s.appColl(id))
	if err != nil {
		return nil, err
	}
	if st != AppSubmitted && st != AppEndorsed {
		return nil, refuse("application %d is past its leaders' review (status %d)", id, st)
	}
	c.s.setAppStatus(id, AppRejected)
	c.s.set(key("app.reason", id), reason)
	c.emit("ApplicationRejected", id, leader, [32]byte(reason))
	return nil, nil
}

func withdraw(c *call, a args) ([]any, error) {
	id := a.u64(0)
	_, st, err := c.application(id)
	if err != nil {
		return nil, err
	}
	if c.s.appApplicant(id) != c.from {
		return nil, refuse("only the applicant may withdraw application %d", id)
	}
	if !appOpen(st) {
		return nil, refuse("application %d is already decided (status %d)", id, st)
	}
	c.s.setAppStatus(id, AppWithdrawn)
	c.emit("ApplicationWithdrawn", id)
	return nil, nil
}

// commissionVote: the Nodes Commission decides node applications, the
// Projects Commission sends projects to plenary; a majority of the filled
// seats decides (a seat holding over counts as filled).
func commissionVote(c *call, a args) ([]any, error) {
	id, approve := a.u64(0), a.boolean(1)
	kind, st, err := c.application(id)
	if err != nil {
		return nil, err
	}
	if err := notForLeaders(kind, id); err != nil {
		return nil, err
	}
	role := RoleNodesCommission
	if kind == AppProject {
		role = RoleProjectsCommission
	}
	voter, err := c.holderOf(role)
	if err != nil {
		return nil, err
	}
	if st != AppEndorsed {
		return nil, refuse("application %d is not before the commission (status %d)", id, st)
	}
	yes, no, err := c.castVote("app", id, voter, approve)
	if err != nil {
		return nil, err
	}
	c.emit("CommissionVoteCast", id, voter, approve)
	approved, rejected := tally(yes, no, c.s.filled(role))
	switch {
	case approved:
		if kind == AppNode {
			return nil, c.admitNode(id)
		}
		c.s.setAppStatus(id, AppToPlenary)
		c.emit("ProjectSentToPlenary", id)
	case rejected:
		c.s.setAppStatus(id, AppRejected)
		c.emit("ApplicationRejected", id, voter, [32]byte{})
	}
	return nil, nil
}

// tally is the one rule of a body that decides by a majority of its filled
// seats (a seat holding over counts): approved once more than half of them
// approve, rejected once that can no longer happen.
func tally(yes, no, filled uint64) (approved, rejected bool) {
	return yes*2 > filled, (filled-min(no, filled))*2 <= filled
}

// castVote records one vote per record on item ns/id and returns the tallies.
func (c *call) castVote(ns string, id, voter uint64, yes bool) (uint64, uint64, error) {
	k := key(ns+".voted", id, voter)
	if c.s.u64(k) != 0 {
		return 0, 0, refuse("record %d already voted on %s %d", voter, nsName(ns), id)
	}
	// The n-th voter, for the views: the tallies are the count, so one slot.
	c.s.set(key(ns+".voter", id, c.s.u64(key(ns+".yes", id))+c.s.u64(key(ns+".no", id))), w64(voter))
	if yes {
		c.s.setU64(k, 1)
		c.s.addU64(key(ns+".yes", id), 1)
	} else {
		c.s.setU64(k, 2)
		c.s.addU64(key(ns+".no", id), 1)
	}
	return c.s.u64(key(ns+".yes", id)), c.s.u64(key(ns+".no", id)), nil
}

func nsName(ns string) string {
	switch ns {
	case "app":
		return "application"
	case "act":
		return "action"
	case "mot":
		return "motion"
	case "dsg":
		return "designation"
	}
	return ns
}
