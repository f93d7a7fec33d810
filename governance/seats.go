package governance

import "github.com/ethereum/go-ethereum/common"

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

func (s *store) fillSeat(c *call, role Role, coll string, id, end uint64) {
	s.seat(role, coll).add(w64(id))
	s.setU64(key("seat.term", role, id), end)
	if role != RoleLeader {
		s.setU64(key("rec.council", id), uint64(role))
		s.setStr(key("rec.councilColl", id), coll)
	}
	if c != nil {
		c.emit("SeatFilled", role, coll, id, end)
	}
}

func (s *store) vacateSeat(c *call, role Role, coll string, id uint64) {
	s.seat(role, coll).remove(w64(id))
	s.setU64(key("seat.term", role, id), 0)
	if role != RoleLeader {
		s.setU64(key("rec.council", id), 0)
		s.setStr(key("rec.councilColl", id), "")
	}
	if c != nil {
		c.emit("SeatVacated", role, coll, id)
	}
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

// seatPlan checks that rec may take the seat (role, coll) until end at now
// (docs/governance.md §2, §3.4) and returns the holder it replaces: rec itself
// for a renewal, a holder whose term has expired (holdover) when the seats
// are full, or 0.
func (s *store) seatPlan(role Role, coll string, rec, end, now uint64) (uint64, error) {
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
	if end <= now {
		return 0, refuse("term end %d is not after the block time %d", end, now)
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
			return 0, refuse("%s of %s is full: %d seats, none holding over", role.Office(), orNetwork(coll), limit)
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
		return refuse("the Executive Secretary's seat is never left empty: seat a successor instead")
	}
	if role == RoleLeader && s.formed(coll) && s.seat(role, coll).len() <= s.param("minLeaders") {
		return refuse("collective %s would have fewer than %d leaders", coll, s.param("minLeaders"))
	}
	return nil
}

// checkTerm refuses a term end further from now than the role's term.
func (c *call) checkTerm(role Role, end uint64) error {
	term := c.s.param("councilTerm")
	switch role {
	case RoleLeader:
		term = c.s.param("leaderTerm")
	case RoleAdvisory:
		term = c.s.param("advisoryTerm")
	}
	if end-c.env.Time > term { // seatPlan checked end > now
		return refuse("term end %d is more than the %s's term of %d seconds after the block time %d", end, role.Office(), term, c.env.Time)
	}
	return nil
}
