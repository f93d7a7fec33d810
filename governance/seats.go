package governance

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// Seats: holders of (role, collective) — the collective is "" for the
// secretary and the Advisory Council; a term end per (role, holder); and the
// one council seat (roles 2–5) a record may hold.
func (s *store) seat(role Role, coll string) lset { return s.lset("seat", role, coll) }
func seatColl(role Role, coll string) string {
	if !role.PerCollective() {
		return ""
	}
	return coll
}
func (s *store) termEnd(role Role, id uint64) uint64 { return s.u64(key("seat.term", role, id)) }
func (s *store) councilRole(id uint64) Role          { return Role(s.u64(key("rec.council", id))) }
func (s *store) isLeader(id uint64, coll string) bool {
	return id != 0 && s.seat(RoleLeader, coll).has(w64(id))
}

// isExecutive: the record holds an Executive Council seat (secretary or a
// commission), the seats that meet in plenary.
func (s *store) isExecutive(id uint64) bool {
	r := s.councilRole(id)
	return r == RoleSecretary || r == RoleProjectsCommission || r == RoleNodesCommission
}

// fillSeat seats id in (role, coll) until end and queues the term's end
// for EndBlock. A new holder starts with no renewals.
func (s *store) fillSeat(c *call, role Role, coll string, id, end uint64) {
	s.seat(role, coll).add(w64(id))
	s.setU64(key("seat.term", role, id), end)
	if role != RoleLeader {
		s.setU64(key("rec.council", id), uint64(role))
		s.setStr(key("rec.councilColl", id), coll)
	}
	s.termQueue(role).insert(id, end)
	if c != nil {
		c.emit("SeatFilled", role, coll, id, end)
	}
}

// vacateSeat frees the holder's seat; its renewals count again from zero
// should it ever hold the seat anew.
func (s *store) vacateSeat(c *call, role Role, coll string, id uint64) {
	s.seat(role, coll).remove(w64(id))
	s.setU64(key("seat.term", role, id), 0)
	s.setU64(key("seat.renewals", role, id), 0)
	if role != RoleLeader {
		s.setU64(key("rec.council", id), 0)
		s.setStr(key("rec.councilColl", id), "")
	}
	s.termQueue(role).remove(id)
	if c != nil {
		c.emit("SeatVacated", role, coll, id)
	}
}

// termParam names the parameter that fixes a role's term.
func termParam(role Role) string {
	switch role {
	case RoleLeader:
		return "leaderTerm"
	case RoleAdvisory:
		return "advisoryTerm"
	}
	return "councilTerm"
}

// termFrom is the end of a term of role that starts at now: the term comes
// from the parameters, never from a caller.
func (s *store) termFrom(role Role, now uint64) uint64 { return now + s.param(termParam(role)) }

// holdingOver reports whether holder's term of role has ended (it still
// holds the seat until a successor is seated).
func (s *store) holdingOver(role Role, holder, now uint64) bool {
	return s.termEnd(role, holder) <= now
}

// filled counts the holders of a role across collectives (a holdover counts).
func (s *store) filled(role Role) uint64 {
	if !role.PerCollective() {
		return s.seat(role, "").len()
	}
	var n uint64
	for _, coll := range s.collectiveNames() {
		n += s.seat(role, coll).len()
	}
	return n
}

// seatPlan checks that rec may take the seat (role, coll) at now
// (docs/governance.md §2, §3.4) and returns the holder it replaces: rec itself
// for a new term of the same holder, a holder whose term has expired
// (holdover) when the seats are full, or 0.
func (s *store) seatPlan(role Role, coll string, rec, now uint64) (uint64, error) {
	if role < RoleLeader || role > RoleAdvisory {
		return 0, refuse("role %d is not a seat (1–5)", role)
	}
	if role != RoleSecretary && role != RoleAdvisory && !s.collectiveExists(coll) {
		return 0, refuse("collective %q does not exist", coll)
	}
	if !s.recExists(rec) || s.recKind(rec) == KindProject {
		return 0, refuse("record %d is not a member", rec)
	}
	if st := s.recStatus(rec); st != StatusActive {
		return 0, refuse("record %d is %s", rec, st)
	}
	holders := s.seat(role, coll)
	if holders.has(w64(rec)) {
		return rec, nil // a new term for the same holder
	}
	if role == RoleLeader || role == RoleProjectsCommission || role == RoleNodesCommission {
		if rc := s.recColl(rec); rc != coll {
			return 0, refuse("record %d is a member of collective %s, not %s", rec, rc, coll)
		}
	}
	if role != RoleLeader && s.councilRole(rec) != 0 {
		return 0, refuse("record %d already holds a council seat (%s)", rec, s.councilRole(rec).Office())
	}
	limit := uint64(1)
	switch role {
	case RoleLeader:
		limit = s.param("maxLeaders")
	case RoleAdvisory:
		limit = s.param("maxAdvisory")
	}
	var replaced uint64
	all := holders.u64s()
	if role == RoleSecretary && len(all) > 0 {
		return all[0], nil // a successor takes the one seat: it never stands empty
	}
	if uint64(len(all)) >= limit {
		for _, h := range all {
			if s.termEnd(role, h) <= now {
				replaced = h
				break
			}
		}
		if replaced == 0 {
			return 0, refuse("%s of %s is full: %s, none holding over", role.Office(), orNetwork(coll), count(limit, "seat"))
		}
	}
	if role == RoleLeader {
		inst := s.recInst(rec)
		for _, h := range all {
			if h != replaced && inst != (common.Hash{}) && s.recInst(h) == inst {
				return 0, refuse("record %d is of the same institution as leader %d of collective %s", rec, h, coll)
			}
		}
	}
	return replaced, nil
}

// count is n things, as a refusal says it: "1 seat", "3 seats".
func count(n uint64, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func orNetwork(coll string) string {
	if coll == "" {
		return "the network"
	}
	return "collective " + coll
}

func (s *store) checkUnseat(role Role, coll string, rec uint64) error {
	if !s.seat(role, coll).has(w64(rec)) {
		return refuse("record %d does not hold a seat of the %s of %s", rec, role.Office(), orNetwork(coll))
	}
	if role == RoleSecretary {
		return refuse("the Executive Secretary's seat is never left empty: the Advisory Council designates a successor (proposeDesignation)")
	}
	if role == RoleLeader && s.formed(coll) && s.seat(role, coll).len() <= s.param("minLeaders") {
		return refuse("collective %s would have fewer than %d leaders", coll, s.param("minLeaders"))
	}
	return s.checkLastNodesSeat(role, rec)
}

// checkLastNodesSeat refuses to leave the Nodes Commission without a holder
// while there are nodes: no one could then admit, suspend or remove one.
func (s *store) checkLastNodesSeat(role Role, rec uint64) error {
	if role != RoleNodesCommission || s.filled(RoleNodesCommission) > 1 || s.lset("nodes").len() == 0 {
		return nil
	}
	return refuse("record %d holds the last Nodes Commission seat and the network has nodes: seat another member first", rec)
}

// termQueue is the queue of role's terms by term end, which EndBlock reads
// from its head to announce the terms that ended. A record holds at most
// one seat of a role, so the record is the entry.
type termQueue struct {
	s    *store
	role Role
}

func (s *store) termQueue(role Role) termQueue { return termQueue{s, role} }

func (q termQueue) head() uint64          { return q.s.u64(key("term.head", q.role)) }
func (q termQueue) tail() uint64          { return q.s.u64(key("term.tail", q.role)) }
func (q termQueue) next(id uint64) uint64 { return q.s.u64(key("term.next", q.role, id)) }
func (q termQueue) prev(id uint64) uint64 { return q.s.u64(key("term.prev", q.role, id)) }
func (q termQueue) has(id uint64) bool    { return q.prev(id) != 0 || q.head() == id }

// insert queues id (again) at its term end. Terms are uniform per role, so
// a new term almost always ends last: the walk from the tail stops at once,
// and it never passes more entries than the role has seats.
func (q termQueue) insert(id, end uint64) {
	q.remove(id)
	after := q.tail()
	for after != 0 && q.s.termEnd(q.role, after) > end {
		after = q.prev(after)
	}
	var before uint64
	if after == 0 {
		before = q.head()
		q.s.setU64(key("term.head", q.role), id)
	} else {
		before = q.next(after)
		q.s.setU64(key("term.next", q.role, after), id)
		q.s.setU64(key("term.prev", q.role, id), after)
	}
	if before == 0 {
		q.s.setU64(key("term.tail", q.role), id)
	} else {
		q.s.setU64(key("term.prev", q.role, before), id)
		q.s.setU64(key("term.next", q.role, id), before)
	}
}

func (q termQueue) remove(id uint64) {
	if id == 0 || !q.has(id) {
		return
	}
	prev, next := q.prev(id), q.next(id)
	if prev == 0 {
		q.s.setU64(key("term.head", q.role), next)
	} else {
		q.s.setU64(key("term.next", q.role, prev), next)
		q.s.setU64(key("term.prev", q.role, id), 0)
	}
	if next == 0 {
		q.s.setU64(key("term.tail", q.role), prev)
	} else {
		q.s.setU64(key("term.prev", q.role, next), prev)
		q.s.setU64(key("term.next", q.role, id), 0)
	}
}

// TermEnd is a holder's term that ended at a block's end: the holder now
// holds over until a successor is seated.
type TermEnd struct {
	Role       Role
	Collective string
	Record     uint64
	End        uint64
}

// Log is the end as the ABI's TermEnded event (carried by a block event,
// not by a transaction's receipt).
func (t TermEnd) Log() (name string, topics []common.Hash, data []byte) {
	topics, data = emit("TermEnded", t.Role, t.Collective, t.Record, t.End)
	return "TermEnded", topics, data
}

// maxTermEndsPerBlock bounds EndBlock's work per role; later ends wait for
// the next block.
const maxTermEndsPerBlock = 16

// termStep announces, once each, the terms that ended by the block's time,
// taking them off the queues (their holders hold over).
func (s *store) termStep(env Env) []TermEnd {
	var out []TermEnd
	for role := RoleLeader; role <= RoleAdvisory; role++ {
		q := s.termQueue(role)
		for range maxTermEndsPerBlock {
			id := q.head()
			if id == 0 {
				break
			}
			end := s.termEnd(role, id)
			if end > env.Time {
				break
			}
			q.remove(id)
			out = append(out, TermEnd{Role: role, Collective: s.seatCollOf(role, id), Record: id, End: end})
		}
	}
	return out
}

// seatCollOf is the collective of holder's seat of role ("" for the
// secretary and the Advisory Council).
func (s *store) seatCollOf(role Role, holder uint64) string {
	switch {
	case !role.PerCollective():
		return ""
	case role == RoleLeader:
		return s.recColl(holder) // a leader leads its own collective
	}
	return s.str(key("rec.councilColl", holder))
}
