package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Collective is the name of a collective's key parts.
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

// param reads a parameter (a big-endian uint256 word; values fit uint64).
func (s *store) param(name string) uint64       { return u64of(s.get(paramKey(name))) }
func (s *store) setParam(name string, v uint64) { s.set(paramKey(name), w64(v)) }

// Records.
func (s *store) recordOf(a common.Address) uint64 { return s.u64(key("acct.record", a)) }
func (s *store) recKind(id uint64) RecordKind     { return RecordKind(s.u64(key("rec.kind", id))) }
func (s *store) recColl(id uint64) string         { return s.str(key("rec.coll", id)) }
func (s *store) recStatus(id uint64) RecordStatus { return RecordStatus(s.u64(key("rec.status", id))) }
func (s *store) recInst(id uint64) common.Hash    { return s.get(key("rec.inst", id)) }
func (s *store) recAccounts(id uint64) lset       { return s.lset("rec.accounts", id) }
func (s *store) recExists(id uint64) bool         { return id != 0 && s.recKind(id) != 0 }

func (s *store) newRecord(kind RecordKind, coll string, inst common.Hash) uint64 {
	id := s.next("seq.record")
	s.setU64(key("rec.kind", id), uint64(kind))
	s.setStr(key("rec.coll", id), coll)
	s.setU64(key("rec.status", id), uint64(StatusActive))
	s.set(key("rec.inst", id), inst)
	if kind == KindProject {
		s.lset("projects").add(w64(id))
	} else {
		s.collMembers(coll).add(w64(id))
	}
	return id
}

func (s *store) addAccount(id uint64, a common.Address) {
	s.setU64(key("acct.record", a), id)
	s.recAccounts(id).add(common.BytesToHash(a[:]))
}

func (s *store) accounts(id uint64) []common.Address {
	hs := s.recAccounts(id).all()
	out := make([]common.Address, len(hs))
	for i, h := range hs {
		out[i] = common.BytesToAddress(h[:])
	}
	return out
}

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

// actor is the sender's record, which must be active.
func (c *call) actor() (uint64, error) {
	id := c.s.recordOf(c.from)
	if id == 0 {
		return 0, refuse("account %s belongs to no member or project", c.from.Hex())
	}
	if st := c.s.recStatus(id); st != StatusActive {
		return 0, refuse("record %d is %s", id, st)
	}
	return id, nil
}

// leaderOf is the sender's record, which must lead coll.
func (c *call) leaderOf(coll string) (uint64, error) {
	id, err := c.actor()
	if err != nil {
		return 0, err
	}
	if !c.s.isLeader(id, coll) {
		return 0, refuse("not a leader of collective %s", coll)
	}
	return id, nil
}

// holderOf is the sender's record, which must hold a council seat of role.
func (c *call) holderOf(role Role) (uint64, error) {
	id, err := c.actor()
	if err != nil {
		return 0, err
	}
	if c.s.councilRole(id) != role {
		return 0, refuse("not a member of the %s", role.Office())
	}
	return id, nil
}

// checkText caps a name or URI at maxURILength bytes.
func (c *call) checkText(what, v string) error {
	if max := c.s.param("maxURILength"); uint64(len(v)) > max {
		return refuse("%s is %d bytes, at most %d allowed", what, len(v), max)
	}
	return nil
}
