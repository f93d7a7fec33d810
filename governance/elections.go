package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Elections, renewals, resignations and vacancies of collective leaders
// (docs/governance.md §3.4): an open call for a vacant seat takes
// candidacies by transaction, the Executive Council elects in plenary; a
// leader's term renews at most twice by a ballot of the collective's
// members; a holder may resign, and a formed collective left below its
// least leaders gets an open call by itself.

// CallStatus is where an open call for a vacant leader seat stands.
type CallStatus uint8

const (
	CallOpen   CallStatus = iota + 1
	CallFilled            // an election left the collective without a vacancy
	CallLapsed            // replaced by a new call, with nobody left standing
)

func (CallStatus) names() []string { return []string{"open", "filled", "lapsed"} }

func (v CallStatus) String() string { return name(v, v.names()) }

// maxRenewals is how many times a leader's term may be renewed (§3.4: up
// to two more terms).
const maxRenewals = 2

func (s *store) callStatus(id uint64) CallStatus { return CallStatus(s.u64(key("call.status", id))) }
func (s *store) callColl(id uint64) string       { return s.str(key("call.coll", id)) }
func (s *store) candidates(id uint64) lset       { return s.lset("call.cands", id) }
func (s *store) renewals(role Role, id uint64) uint64 {
	return s.u64(key("seat.renewals", role, id))
}

// vacancy reports whether coll's leader seats have room for an election:
// fewer than maxLeaders seated, or a holder holding over.
func (s *store) vacancy(coll string, now uint64) bool {
	holders := s.seat(RoleLeader, coll)
	if holders.len() < s.param("maxLeaders") {
		return true
	}
	for _, h := range holders.u64s() {
		if s.holdingOver(RoleLeader, h, now) {
			return true
		}
	}
	return false
}

// openVacancy opens a call for coll's leader seats on behalf of by (0: the
// rules themselves), unless one is open. It returns the open call.
func (c *call) openVacancy(coll string, by uint64) uint64 {
	if id := c.s.u64(key("coll.call", coll)); id != 0 {
		return id
	}
	id := c.s.next("seq.call")
	end := c.env.Time + c.s.paramOrDefault("candidacyPeriod")
	c.s.setStr(key("call.coll", id), coll)
	c.s.setU64(key("call.status", id), uint64(CallOpen))
	c.s.setU64(key("call.by", id), by)
	c.s.setU64(key("call.opened", id), c.env.Time)
	c.s.setU64(key("call.end", id), end)
	c.s.setU64(key("coll.call", coll), id)
	c.s.list("calls").push(w64(id))
	c.emit("VacancyOpened", id, coll, end)
	return id
}

func (c *call) closeCall(id uint64, st CallStatus) {
	c.s.setU64(key("call.status", id), uint64(st))
	c.s.setU64(key("coll.call", c.s.callColl(id)), 0)
	c.emit("CallClosed", id, st)
}

func openCall(c *call, a args) ([]any, error) {
	coll := a.str(0)
	if !c.s.collectiveExists(coll) {
		return nil, refuse("collective %q does not exist", coll)
	}
	by, err := c.actor()
	if err != nil {
		return nil, err
	}
	if c.s.councilRole(by) != RoleSecretary && !c.s.isLeader(by, coll) {
		return nil, refuse("not the Executive Secretary or a leader of collective %s", coll)
	}
	if !c.s.vacancy(coll, c.env.Time) {
		return nil, refuse("collective %s has no vacancy: %d leaders seated, none holding over", coll, c.s.seat(RoleLeader, coll).len())
	}
	if old := c.s.u64(key("coll.call", coll)); old != 0 {
		if end := c.s.u64(key("call.end", old)); c.env.Time < end || c.s.candidates(old).len() > 0 {
			return nil, refuse("call %d for collective %s is open (candidacies until %d, %d standing): elect from it", old, coll, end, c.s.candidates(old).len())
		}
		c.closeCall(old, CallLapsed) // nobody left standing: call again
	}
	return []any{c.openVacancy(coll, by)}, nil
}

// openCallOf is call id, which must exist and be open.
func (c *call) openCallOf(id uint64) error {
	switch st := c.s.callStatus(id); st {
	case 0:
		return refuse("call %d does not exist", id)
	case CallOpen:
		return nil
	default:
		return refuse("call %d is %s", id, st)
	}
}

func standForSeat(c *call, a args) ([]any, error) {
	id, h, uri := a.u64(0), a.b32(1), a.str(2)
	if err := c.openCallOf(id); err != nil {
		return nil, err
	}
	if end := c.s.u64(key("call.end", id)); c.env.Time >= end {
		return nil, refuse("candidacies for call %d closed at %d", id, end)
	}
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	coll := c.s.callColl(id)
	if c.s.recKind(rec) == KindProject || c.s.recColl(rec) != coll {
		return nil, refuse("record %d is not a member of collective %s", rec, coll)
	}
	if c.s.isLeader(rec, coll) {
		return nil, refuse("record %d already leads collective %s", rec, coll)
	}
	if err := c.s.checkEthics(rec); err != nil {
		return nil, err
	}
	if h == (common.Hash{}) {
		return nil, refuse("statement commitment is empty")
	}
	if err := c.checkText("statement URI", uri); err != nil {
		return nil, err
	}
	if c.s.flag(key("cand.stood", id, rec)) {
		return nil, refuse("record %d already stood in call %d", rec, id)
	}
	c.s.setFlag(key("cand.stood", id, rec), true)
	c.s.candidates(id).add(w64(rec))
	c.s.set(key("cand.hash", id, rec), h)
	c.s.setStr(key("cand.uri", id, rec), uri)
	c.emit("CandidacyFiled", id, rec, [32]byte(h), uri)
	return nil, nil
}

func withdrawCandidacy(c *call, a args) ([]any, error) {
	id := a.u64(0)
	if err := c.openCallOf(id); err != nil {
		return nil, err
	}
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	if !c.s.candidates(id).remove(w64(rec)) {
		return nil, refuse("record %d is not a candidate in call %d", rec, id)
	}
	c.emit("CandidacyWithdrawn", id, rec)
	return nil, nil
}

// checkElect checks that candidate rec of call id may be elected now and
// returns the collective and the holder it replaces (0: none).
func (c *call) checkElect(id, rec uint64) (string, uint64, error) {
	if err := c.openCallOf(id); err != nil {
		return "", 0, err
	}
	if end := c.s.u64(key("call.end", id)); c.env.Time < end {
		return "", 0, refuse("candidacies for call %d are open until %d: elect after", id, end)
	}
	if !c.s.candidates(id).has(w64(rec)) {
		return "", 0, refuse("record %d is not a candidate in call %d", rec, id)
	}
	if err := c.s.checkEthics(rec); err != nil {
		return "", 0, err
	}
	coll := c.s.callColl(id)
	replaced, err := c.s.seatPlan(RoleLeader, coll, rec, c.env.Time)
	if err != nil {
		return "", 0, err
	}
	if replaced == rec {
		return "", 0, refuse("record %d already leads collective %s", rec, coll)
	}
	return coll, replaced, nil
}

func moveElect(c *call, a args) ([]any, error) {
	m, callID, rec := a.u64(0), a.u64(1), a.u64(2)
	coll, _, err := c.checkElect(callID, rec)
	if err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionElect)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.role", id), uint64(RoleLeader))
	c.s.setStr(key("mot.str", id), coll)
	c.s.setU64(key("mot.a", id), callID)
	c.s.setU64(key("mot.b", id), rec)
	return []any{id}, nil
}

// elect seats candidate rec of call id, as a passed motion: a full term
// from now, in place of a holder holding over if the seats are full. The
// call closes once the collective has no vacancy left. It returns the term end.
func (c *call) elect(id, rec uint64) (end uint64, err error) {
	coll, replaced, err := c.checkElect(id, rec)
	if err != nil {
		return 0, err
	}
	if replaced != 0 {
		c.s.vacateSeat(c, RoleLeader, coll, replaced)
	}
	c.s.candidates(id).remove(w64(rec))
	c.s.addU64(key("call.elected", id), 1)
	end = c.s.termFrom(RoleLeader, c.env.Time)
	c.s.fillSeat(c, RoleLeader, coll, rec, end)
	c.s.maybeForm(coll)
	c.s.recompute(c, coll)
	if !c.s.vacancy(coll, c.env.Time) {
		c.closeCall(id, CallFilled)
	}
	return end, nil
}

// renew starts a new term of leader, renewed by its collective's ballot,
// if it still holds the seat and is active, and has been renewed fewer
// than maxRenewals times (another ballot may have renewed it meanwhile).
func (c *call) renew(leader uint64, coll string) {
	if !c.s.isLeader(leader, coll) || c.s.recStatus(leader) != StatusActive {
		return
	}
	n := c.s.renewals(RoleLeader, leader)
	if n >= maxRenewals {
		return
	}
	end := c.s.termFrom(RoleLeader, c.env.Time)
	c.s.setU64(key("seat.term", RoleLeader, leader), end)
	c.s.setU64(key("seat.renewals", RoleLeader, leader), n+1)
	c.s.termQueue(RoleLeader).insert(leader, end)
	c.emit("TermRenewed", RoleLeader, coll, leader, end, uint32(n+1))
}

// renewalOpens is when a renewal ballot for leader id may open: in the last
// quarter of its term, or in holdover.
func (s *store) renewalOpens(id uint64) uint64 {
	end, quarter := s.termEnd(RoleLeader, id), s.param("leaderTerm")/4
	return end - min(end, quarter)
}

func openRenewalBallot(c *call, a args) ([]any, error) {
	leader := a.u64(0)
	by, err := c.actor()
	if err != nil {
		return nil, err
	}
	coll := c.s.recColl(leader)
	if !c.s.isLeader(leader, coll) {
		return nil, refuse("record %d is not a collective leader", leader)
	}
	if by != leader && c.s.councilRole(by) != RoleSecretary {
		return nil, refuse("only leader %d or the Executive Secretary opens its renewal ballot", leader)
	}
	if n := c.s.renewals(RoleLeader, leader); n >= maxRenewals {
		return nil, refuse("leader %d has been renewed %d times, the most allowed: its seat goes to an open call", leader, n)
	}
	if from := c.s.renewalOpens(leader); c.env.Time < from {
		return nil, refuse("leader %d's renewal ballot opens at %d, in the last quarter of its term", leader, from)
	}
	if b := c.s.u64(key("bal.open", uint8(BallotRenewal), leader)); b != 0 {
		return nil, refuse("ballot %d on leader %d's renewal is open", b, leader)
	}
	end := c.env.Time + c.s.paramOrDefault("ballotPeriod")
	id := c.newBallot(BallotRenewal, coll, leader, end, 2, 0)
	c.s.setU64(key("bal.open", uint8(BallotRenewal), leader), id)
	return []any{id}, nil
}

func resign(c *call, a args) ([]any, error) {
	role, coll := Role(a.u8(0)), a.str(1)
	if !known(role) {
		return nil, refuse("role %d is not %s", role, choices[Role]())
	}
	coll = seatColl(role, coll)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	if !c.s.seat(role, coll).has(w64(rec)) {
		return nil, refuse("record %d does not hold a seat of the %s of %s", rec, role.Office(), orNetwork(coll))
	}
	if role == RoleSecretary {
		return nil, refuse("the Executive Secretary's seat is never left empty: the secretary leaves when a successor is seated")
	}
	if err := c.s.checkLastNodesSeat(role, rec); err != nil {
		return nil, err
	}
	c.s.vacateSeat(c, role, coll, rec)
	if role == RoleLeader && c.s.formed(coll) && c.s.seat(role, coll).len() < c.s.param("minLeaders") {
		c.openVacancy(coll, 0)
	}
	return nil, nil
}

// Views.

func viewCall(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.callColl(id), s.callStatus(id), s.u64(key("call.by", id)), s.u64(key("call.opened", id)),
		s.u64(key("call.end", id)), uint32(s.candidates(id).len()), uint32(s.u64(key("call.elected", id)))}
}

func viewCalls(s *store, _ Env, a args) ([]any, error) {
	items, next := s.list("calls").page(a.page())
	return []any{words64(items), [32]byte(next)}, nil
}

func viewCandidates(s *store, _ Env, a args) ([]any, error) {
	id := a.u64(0)
	items, next, err := s.candidates(id).page(a.page())
	if err != nil {
		return nil, err
	}
	recs := words64(items)
	hashes, uris := make([][32]byte, len(recs)), make([]string, len(recs))
	for i, r := range recs {
		hashes[i] = [32]byte(s.get(key("cand.hash", id, r)))
		uris[i] = s.str(key("cand.uri", id, r))
	}
	return []any{recs, hashes, uris, [32]byte(next)}, nil
}

func viewTerm(s *store, env Env, a args) []any {
	role, id := Role(a.u8(0)), a.u64(1)
	end := s.termEnd(role, id)
	var ballot uint64
	if role == RoleLeader {
		ballot = s.u64(key("bal.open", uint8(BallotRenewal), id))
	}
	return []any{end, end != 0 && end <= env.Time, uint32(s.renewals(role, id)), ballot}
}

// viewVacancies lists every seat with room or a holder holding over: per
// collective its leaders and commission seats, then the secretary and the
// Advisory Council. Bounded by rule: at most 16 collectives.
func viewVacancies(s *store, env Env, _ args) []any {
	var roles []uint8
	var colls []string
	var missing, over []uint32
	var calls []uint64
	add := func(role Role, coll string, limit uint64) {
		holders := s.seat(role, coll).u64s()
		var n uint32
		for _, h := range holders {
			if s.holdingOver(role, h, env.Time) {
				n++
			}
		}
		free := limit - min(limit, uint64(len(holders)))
		if free == 0 && n == 0 {
			return
		}
		var call uint64
		if role == RoleLeader {
			call = s.u64(key("coll.call", coll))
		}
		roles, colls, missing, over, calls = append(roles, uint8(role)), append(colls, coll), append(missing, uint32(free)), append(over, n), append(calls, call)
	}
	for _, coll := range s.collectiveNames() {
		add(RoleLeader, coll, s.param("maxLeaders"))
		add(RoleProjectsCommission, coll, 1)
		add(RoleNodesCommission, coll, 1)
	}
	add(RoleSecretary, "", 1)
	add(RoleAdvisory, "", s.param("maxAdvisory"))
	return []any{nonNil(roles), nonNil(colls), nonNil(missing), nonNil(over), nonNil(calls)}
}
