package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// The Advisory Council (docs/governance.md §3.4): members admitted by the
// Executive Council in plenary on a written application with a CV, for
// advisoryTerm, renewed once on request; and its designation of Executive
// Council members (secretary, commission seats) on a leader's proposal, by a
// majority of its filled seats.

// advisoryRenewals is how many times record id's seat of role was renewed.
func (s *store) advisoryRenewals(role Role, id uint64) uint64 {
	return s.u64(key("seat.renewals", role, id))
}

// maxAdvisoryRenewals: "one more term, on request".
const maxAdvisoryRenewals = 1

func applyAdvisory(c *call, a args) ([]any, error) {
	cv, cvURI, statement := a.b32(0), a.str(1), a.b32(2)
	if err := c.checkText("cvURI", cvURI); err != nil {
		return nil, err
	}
	if cv == (common.Hash{}) || cvURI == "" {
		return nil, refuse("an Advisory Council application needs the CV's commitment and URI")
	}
	if statement == (common.Hash{}) {
		return nil, refuse("an Advisory Council application needs the commitment to its written statement")
	}
	renewal := false
	if rec := c.s.recordOf(c.from); rec != 0 {
		var err error
		if renewal, err = c.s.advisoryCandidate(rec); err != nil {
			return nil, err
		}
	}
	id, err := c.newApplication(AppAdvisory, "")
	if err != nil {
		return nil, err
	}
	c.s.set(key("app.cv", id), cv)
	c.s.setStr(key("app.cvURI", id), cvURI)
	c.s.set(key("app.statement", id), statement)
	c.s.setFlag(key("app.renewal", id), renewal)
	c.s.setAppStatus(id, AppToPlenary) // the Executive Council decides it in plenary
	c.emit("AdvisoryApplied", id, c.from, renewal)
	return []any{id}, nil
}

// advisoryCandidate refuses a record that may not apply to the Advisory
// Council, and tells whether its application asks for a renewal.
func (s *store) advisoryCandidate(rec uint64) (renewal bool, err error) {
	if s.recKind(rec) == KindProject {
		return false, refuse("record %d is a project; the Advisory Council is of people and institutions", rec)
	}
	if st := s.recStatus(rec); st != StatusActive {
		return false, refuse("record %d is %s", rec, st)
	}
	switch role := s.councilRole(rec); role {
	case 0:
		return false, nil
	case RoleAdvisory:
		if n := s.advisoryRenewals(RoleAdvisory, rec); n >= maxAdvisoryRenewals {
			return false, refuse("record %d was already renewed %d time(s) on the Advisory Council, the most allowed", rec, n)
		}
		return true, nil
	default:
		return false, refuse("record %d holds a seat of the %s; a record holds one council seat", rec, role.Office())
	}
}

// advisoryPlan checks that application app may be admitted now and returns
// the record it seats (0: a new individual record for the applicant), the
// holder it replaces (0: none, or the record itself for a renewal) and the
// term end.
func (s *store) advisoryPlan(app, now uint64) (rec, replaced, end uint64, err error) {
	if kind, st := s.appKind(app), s.appStatus(app); kind == 0 {
		return 0, 0, 0, refuse("application %d does not exist", app)
	} else if kind != AppAdvisory || st != AppToPlenary {
		return 0, 0, 0, refuse("application %d is not an Advisory Council application before the plenary", app)
	}
	end = now + s.param("advisoryTerm")
	rec = s.recordOf(s.appApplicant(app))
	if rec != 0 {
		if _, err := s.advisoryCandidate(rec); err != nil {
			return 0, 0, 0, err
		}
		replaced, err = s.seatPlan(RoleAdvisory, "", rec, now)
		return rec, replaced, end, err
	}
	// a new record: the seat rules seatPlan applies to a record that holds no seat
	holders := s.seat(RoleAdvisory, "").u64s()
	if limit := s.param("maxAdvisory"); uint64(len(holders)) >= limit {
		for _, h := range holders {
			if s.termEnd(RoleAdvisory, h) <= now {
				return 0, h, end, nil
			}
		}
		return 0, 0, 0, refuse("%s of %s is full: %s, none holding over", RoleAdvisory.Office(), orNetwork(""), count(limit, "seat"))
	}
	return 0, 0, end, nil
}

func moveAdmitAdvisory(c *call, a args) ([]any, error) {
	m, app := a.u64(0), a.u64(1)
	if _, _, _, err := c.s.advisoryPlan(app, c.env.Time); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionAdmitAdvisory)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.a", id), app)
	return []any{id}, nil
}

// admitAdvisory carries out a passed motion on application app, checking its
// rules again.
func (c *call) admitAdvisory(app uint64) error {
	rec, replaced, end, err := c.s.advisoryPlan(app, c.env.Time)
	if err != nil {
		return err
	}
	renewal := rec != 0 && replaced == rec
	if rec != 0 {
		if err := c.s.checkEthics(rec); err != nil {
			return err
		}
	}
	if rec == 0 { // an applicant of no record becomes an individual member of no collective
		rec = c.s.newRecord(KindIndividual, "", common.Hash{}, c.env.Time)
		c.s.addAccount(rec, c.s.appApplicant(app))
		c.emit("MemberAdmitted", rec, "", KindIndividual)
	}
	if replaced != 0 && replaced != rec {
		c.s.vacateSeat(c, RoleAdvisory, "", replaced)
	}
	c.s.fillSeat(c, RoleAdvisory, "", rec, end)
	if renewal {
		c.s.addU64(key("seat.renewals", RoleAdvisory, rec), 1)
	}
	c.s.setAppStatus(app, AppApproved)
	c.emit("AdvisoryAdmitted", rec, app, end, renewal)
	return nil
}

func viewAdvisoryApplication(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{[32]byte(s.get(key("app.cv", id))), s.str(key("app.cvURI", id)), [32]byte(s.get(key("app.statement", id))),
		s.flag(key("app.renewal", id))}
}

// DesignationStatus is where the Advisory Council's designation of an
// Executive Council member stands. An open designation past its deadline is
// expired, whether or not a call has recorded it yet.
type DesignationStatus uint8

const (
	DesignationOpen DesignationStatus = iota + 1
	DesignationApproved
	DesignationRejected
	DesignationExpired
)

func (DesignationStatus) names() []string  { return []string{"open", "approved", "rejected", "expired"} }
func (v DesignationStatus) String() string { return name(v, v.names()) }

// maxDesignationVotes bounds the votes a designation records (the Advisory
// Council has at most 100 seats; members replaced while it is open may add
// some), so its view is priced at a bound.
const maxDesignationVotes = 200

// maxOpenDesignations bounds the open designations: one per Executive
// Council seat, the secretary's and two per collective.
const maxOpenDesignations = 1 + 2*maxCollectives

func (s *store) dsgStatus(id, now uint64) DesignationStatus {
	st := DesignationStatus(s.u64(key("dsg.status", id)))
	if st == DesignationOpen && now >= s.u64(key("dsg.deadline", id)) {
		return DesignationExpired
	}
	return st
}

func (s *store) designations(st DesignationStatus) lset { return s.lset("dsgs", uint8(st)) }

func (s *store) setDsgStatus(id uint64, st DesignationStatus) {
	s.designations(DesignationStatus(s.u64(key("dsg.status", id)))).remove(w64(id))
	s.designations(st).add(w64(id))
	s.setU64(key("dsg.status", id), uint64(st))
	if st != DesignationOpen {
		role, coll := Role(s.u64(key("dsg.role", id))), s.str(key("dsg.coll", id))
		s.setU64(key("dsg.open", role, coll), 0)
	}
}

// executiveRole refuses a role the Advisory Council does not designate.
func executiveRole(role Role) error {
	if role != RoleSecretary && role != RoleProjectsCommission && role != RoleNodesCommission {
		return refuse("role %d is not an Executive Council seat: %s", role, choices(RoleSecretary, RoleProjectsCommission, RoleNodesCommission))
	}
	return nil
}

func proposeDesignation(c *call, a args) ([]any, error) {
	role, coll, rec, rationale := Role(a.u8(0)), a.str(1), a.u64(2), a.b32(3)
	if err := executiveRole(role); err != nil {
		return nil, err
	}
	coll = seatColl(role, coll)
	if err := c.checkText("collective", coll); err != nil {
		return nil, err
	}
	var proposer uint64
	if role == RoleSecretary { // the network's seat: any collective's leader proposes
		id, err := c.actor()
		if err != nil {
			return nil, err
		}
		if !c.s.isLeader(id, c.s.recColl(id)) {
			return nil, refuse("not a leader of any collective: only collective leaders propose designations")
		}
		proposer = id
	} else {
		if !c.s.collectiveExists(coll) {
			return nil, refuse("collective %q does not exist", coll)
		}
		id, err := c.leaderOf(coll)
		if err != nil {
			return nil, err
		}
		proposer = id
	}
	if rationale == (common.Hash{}) {
		return nil, refuse("a designation needs the commitment to its rationale (seniority, collaboration in projects, blockchain experience)")
	}
	if _, _, err := c.s.designationPlan(role, coll, rec, c.env.Time); err != nil {
		return nil, err
	}
	openKey := key("dsg.open", role, coll)
	if prev := c.s.u64(openKey); prev != 0 {
		if c.s.dsgStatus(prev, c.env.Time) == DesignationOpen {
			return nil, refuse("designation %d for the %s of %s is open until %d: vote on it or wait for it to expire",
				prev, role.Office(), orNetwork(coll), c.s.u64(key("dsg.deadline", prev)))
		}
		c.s.setDsgStatus(prev, DesignationExpired) // recorded now that it is touched
		c.emit("DesignationDecided", prev, DesignationExpired)
	}
	id := c.s.next("seq.designation")
	deadline := c.env.Time + c.s.paramOrDefault("candidacyPeriod")
	c.s.setU64(key("dsg.role", id), uint64(role))
	c.s.setStr(key("dsg.coll", id), coll)
	c.s.setU64(key("dsg.record", id), rec)
	c.s.setU64(key("dsg.proposer", id), proposer)
	c.s.set(key("dsg.rationale", id), rationale)
	c.s.setU64(key("dsg.proposed", id), c.env.Time)
	c.s.setU64(key("dsg.deadline", id), deadline)
	c.s.setDsgStatus(id, DesignationOpen)
	c.s.setU64(openKey, id)
	c.emit("DesignationProposed", id, role, coll, rec, proposer, deadline)
	return []any{id}, nil
}

func voteDesignation(c *call, a args) ([]any, error) {
	id, approve := a.u64(0), a.boolean(1)
	voter, err := c.holderOf(RoleAdvisory)
	if err != nil {
		return nil, err
	}
	switch st := c.s.dsgStatus(id, c.env.Time); st {
	case 0:
		return nil, refuse("designation %d does not exist", id)
	case DesignationOpen:
	case DesignationExpired:
		return nil, refuse("designation %d expired at %d undecided; a leader may propose again", id, c.s.u64(key("dsg.deadline", id)))
	default:
		return nil, refuse("designation %d is already decided (%s)", id, st)
	}
	if c.s.u64(key("dsg.yes", id))+c.s.u64(key("dsg.no", id)) >= maxDesignationVotes {
		return nil, refuse("designation %d has recorded its most votes (%d)", id, maxDesignationVotes)
	}
	yes, no, err := c.castVote("dsg", id, voter, approve)
	if err != nil {
		return nil, err
	}
	if approve {
		c.s.list("dsg.yesList", id).push(w64(voter))
	} else {
		c.s.list("dsg.noList", id).push(w64(voter))
	}
	c.emit("DesignationVoteCast", id, voter, approve)
	approved, rejected := tally(yes, no, c.s.filled(RoleAdvisory))
	switch {
	case approved:
		if err := c.designate(id); err != nil {
			return nil, err
		}
		c.s.setDsgStatus(id, DesignationApproved)
		c.emit("DesignationDecided", id, DesignationApproved)
	case rejected:
		c.s.setDsgStatus(id, DesignationRejected)
		c.emit("DesignationDecided", id, DesignationRejected)
	}
	return nil, nil
}

// designate seats an approved designation's record, checking the seat's
// rules again: a successor replaces the holder holding over (the secretary's
// at once), the same holder starts a new term.
func (c *call) designate(id uint64) error {
	role, coll, rec := Role(c.s.u64(key("dsg.role", id))), c.s.str(key("dsg.coll", id)), c.s.u64(key("dsg.record", id))
	replaced, end, err := c.s.designationPlan(role, coll, rec, c.env.Time)
	if err != nil {
		return err
	}
	if err := c.s.checkEthics(rec); err != nil {
		return err
	}
	if replaced != 0 && replaced != rec {
		c.s.vacateSeat(c, role, coll, replaced)
	}
	c.s.fillSeat(c, role, coll, rec, end)
	return nil
}

// designationPlan checks that rec may be designated to the seat (role, coll)
// now, for councilTerm, and returns the holder it replaces (rec itself for a
// renewal) and the term end. A successor takes a seat that is vacant or whose
// holder is holding over; the secretary's too, though seatPlan alone would
// let a successor replace it at any time.
func (s *store) designationPlan(role Role, coll string, rec, now uint64) (replaced, end uint64, err error) {
	end = now + s.param("councilTerm")
	if replaced, err = s.seatPlan(role, coll, rec, now); err != nil {
		return 0, 0, err
	}
	if replaced != 0 && replaced != rec && s.termEnd(role, replaced) > now {
		return 0, 0, refuse("the seat of the %s of %s is held by record %d until %d: a successor is designated once that term has ended (the holder may be designated again)",
			role.Office(), orNetwork(coll), replaced, s.termEnd(role, replaced))
	}
	return replaced, end, nil
}

func viewDesignation(s *store, env Env, a args) []any {
	id := a.u64(0)
	return []any{uint8(s.u64(key("dsg.role", id))), s.str(key("dsg.coll", id)), s.u64(key("dsg.record", id)),
		s.u64(key("dsg.proposer", id)), [32]byte(s.get(key("dsg.rationale", id))), s.dsgStatus(id, env.Time),
		s.u64(key("dsg.proposed", id)), s.u64(key("dsg.deadline", id)),
		s.list("dsg.yesList", id).u64s(), s.list("dsg.noList", id).u64s()}
}

// viewDesignations pages through the designations of a status in the order
// each reached it. Open ones are at most one per seat; those past their
// deadline are listed as expired: first the expired ones recorded, then those
// still stored as open.
func viewDesignations(s *store, env Env, a args) ([]any, error) {
	st := DesignationStatus(a.u8(0))
	cursor, limit := a.page()
	switch st {
	case DesignationApproved, DesignationRejected:
		return idPage(s.designations(st), a)
	case DesignationOpen, DesignationExpired:
	default: // like applications(…): no designation has another status
		return []any{[]uint64{}, [32]byte{}}, nil
	}
	open, out := s.designations(DesignationOpen), []uint64{}
	from := cursor
	if st == DesignationExpired && !open.has(cursor) {
		items, next, err := s.designations(DesignationExpired).page(cursor, limit)
		if err != nil {
			return nil, err
		}
		if next != (common.Hash{}) {
			return []any{words64(items), [32]byte(next)}, nil
		}
		out, from = words64(items), common.Hash{}
	} else if cursor != (common.Hash{}) && !open.has(cursor) {
		return nil, refuse("cursor %x is no longer in the list; start again from 0", cursor)
	}
	// the open set holds at most maxOpenDesignations: scan it whole
	for v := open.next(from); v != (common.Hash{}); v = open.next(v) {
		if s.dsgStatus(u64of(v), env.Time) != st {
			continue
		}
		if uint64(len(out)) == limit {
			return []any{out, [32]byte(w64(out[len(out)-1]))}, nil
		}
		out = append(out, u64of(v))
	}
	return []any{out, [32]byte{}}, nil
}
