package governance

import "github.com/ethereum/go-ethereum/common"

// Collectives (docs/governance.md §2): numbered in order of founding, each with
// its member records, nodes and validators; formed once it has its least
// leaders and a node.

func (s *store) collectiveExists(name string) bool { return s.u64(key("coll.index", name)) != 0 }

func (s *store) addCollective(name string) {
	if s.collectiveExists(name) {
		return
	}
	n := s.next("seq.coll")
	s.setU64(key("coll.index", name), n)
	s.setStr(key("coll.name", n), name)
}

func (s *store) collectiveNames() []string {
	n := s.u64(key("seq.coll"))
	out := make([]string, 0, n)
	for i := uint64(1); i <= n; i++ {
		out = append(out, s.str(key("coll.name", i)))
	}
	return out
}

func (s *store) formed(coll string) bool { return s.flag(key("coll.formed", coll)) }

// members: member records of a collective (not removed); nodes: its admitted,
// active nodes; validators: its active validator nodes in order of admission.
func (s *store) collMembers(coll string) lset    { return s.lset("coll.members", coll) }
func (s *store) collNodes(coll string) lset      { return s.lset("coll.nodes", coll) }
func (s *store) collValidators(coll string) lset { return s.lset("coll.validators", coll) }

// New collectives (docs/governance.md §3.7): the leader who promotes one
// applies with a written request (applyCollective, an account of no
// record, as any applicant); the plenary decides it by two thirds of those
// present (moveNewCollective), since every collective with validators gets
// an equal share of the power. Passed, the collective exists, forming,
// with the promoter's new record as its first leader; it is formed, and
// its validators hold power, once it has its least leaders and a node
// (maybeForm), which formationPeriod gives it time for.

// checkNewCollective refuses a name a new collective may not take.
func (s *store) checkNewCollective(name string) error {
	switch {
	case name == "" || len(name) > maxCollectiveName:
		return refuse("a collective's name is 1 to %d bytes", maxCollectiveName)
	case s.collectiveExists(name):
		return refuse("collective %s exists", name)
	case s.u64(key("seq.coll")) >= maxCollectives:
		return refuse("the network has %d collectives, the most allowed", maxCollectives)
	}
	return nil
}

func applyCollective(c *call, a args) ([]any, error) {
	name, request, uri, inst := a.str(0), a.b32(1), a.str(2), a.b32(3)
	if rec := c.s.recordOf(c.from); rec != 0 {
		return nil, refuse("account %s belongs to record %d, of collective %s: a new collective's leader applies from an account of its own", c.from.Hex(), rec, c.s.recColl(rec))
	}
	if err := c.s.checkNewCollective(name); err != nil {
		return nil, err
	}
	if request == (common.Hash{}) || uri == "" {
		return nil, refuse("a new collective needs the commitment to its written request and the request's URI")
	}
	if inst == (common.Hash{}) {
		return nil, refuse("a new collective's leader names its institution (a salted commitment)")
	}
	if err := c.checkText("requestURI", uri); err != nil {
		return nil, err
	}
	id, err := c.newApplication(AppCollective, name)
	if err != nil {
		return nil, err
	}
	c.s.set(key("app.request", id), request)
	c.s.setStr(key("app.requestURI", id), uri)
	c.s.set(key("app.inst", id), inst)
	c.s.setAppStatus(id, AppToPlenary) // the Executive Council decides it in plenary
	c.emit("CollectiveRequested", id, name, c.from, [32]byte(request))
	return []any{id}, nil
}

// newCollectiveApp is application app, a new collective's, open before the
// plenary, whose name is still free.
func (c *call) newCollectiveApp(app uint64) (string, error) {
	if kind, st, err := c.application(app); err != nil {
		return "", err
	} else if kind != AppCollective || st != AppToPlenary {
		return "", refuse("application %d is not a new collective's before the plenary", app)
	}
	name := c.s.str(key("app.coll", app))
	return name, c.s.checkNewCollective(name)
}

func moveNewCollective(c *call, a args) ([]any, error) {
	m, app := a.u64(0), a.u64(1)
	if _, err := c.newCollectiveApp(app); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionNewCollective)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.a", id), app)
	return []any{id}, nil
}

// createCollective carries a passed motion on application app: the
// collective, forming; the applicant's record, its first leader.
func (c *call) createCollective(app uint64) error {
	name, err := c.newCollectiveApp(app)
	if err != nil {
		return err
	}
	applicant := c.s.appApplicant(app)
	if rec := c.s.recordOf(applicant); rec != 0 {
		return refuse("account %s joined record %d meanwhile", applicant.Hex(), rec)
	}
	c.s.addCollective(name)
	due := c.env.Time + c.s.paramOrDefault("formationPeriod")
	c.s.setU64(key("coll.due", name), due)
	c.s.setU64(key("coll.app", name), app)
	c.s.setU64(key("coll.since", name), c.env.Time)
	rec := c.s.newRecord(KindInstitution, name, c.s.get(key("app.inst", app)), c.env.Time)
	c.s.addAccount(rec, applicant)
	c.s.setU64(key("app.record", app), rec)
	c.s.setAppStatus(app, AppApproved)
	c.emit("CollectiveCreated", name, app, rec, due)
	c.emit("MemberAdmitted", rec, name, KindInstitution)
	c.s.fillSeat(c, RoleLeader, name, rec, c.s.termFrom(RoleLeader, c.env.Time))
	return nil
}

// viewCollectiveFormation: whether a collective is formed, and for one made
// after genesis, its application and the end of its formation period (past
// it and still forming: overdue).
func viewCollectiveFormation(s *store, env Env, a args) []any {
	name := a.str(0)
	due, formed := s.u64(key("coll.due", name)), s.formed(name)
	return []any{formed, s.u64(key("coll.app", name)), due, !formed && due != 0 && env.Time >= due,
		uint32(s.seat(RoleLeader, name).len()), uint32(s.collNodes(name).len())}
}

// viewCollectiveRequest: a new collective's application's request.
func viewCollectiveRequest(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{[32]byte(s.get(key("app.request", id))), s.str(key("app.requestURI", id))}
}
