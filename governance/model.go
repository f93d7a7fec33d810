package governance

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/genesis"
)

// Enumerations of IGovernance.sol, as stored.
const (
	statusActive    uint8 = 1 // records; nodes: admitted
	statusSuspended uint8 = 2
	statusRemoved   uint8 = 3 // members removed, projects closed, nodes removed

	appNode    uint8 = 1
	appProject uint8 = 2

	appSubmitted  uint8 = 1
	appEndorsed   uint8 = 2
	appToPlenary  uint8 = 3
	appApproved   uint8 = 4
	appRejected   uint8 = 5
	appWithdrawn  uint8 = 6
	meetOrdinary  uint8 = 1
	meetExtraord  uint8 = 2
	motionOpen    uint8 = 1
	motionPassed  uint8 = 2
	motionFailed  uint8 = 3
	actSuspend    uint8 = 1
	actRemove     uint8 = 2
	actReinstate  uint8 = 3
	targetNode    uint8 = 1
	targetMember  uint8 = 2
	motApprove    uint8 = 1
	motProjStatus uint8 = 2
	motSeat       uint8 = 3
	motUnseat     uint8 = 4
	motParam      uint8 = 5
	motUpgrade    uint8 = 6
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
func (s *store) recKind(id uint64) uint8          { return uint8(s.u64(key("rec.kind", id))) }
func (s *store) recColl(id uint64) string         { return s.str(key("rec.coll", id)) }
func (s *store) recStatus(id uint64) uint8        { return uint8(s.u64(key("rec.status", id))) }
func (s *store) recInst(id uint64) common.Hash    { return s.get(key("rec.inst", id)) }
func (s *store) recAccounts(id uint64) lset       { return s.lset("rec.accounts", id) }
func (s *store) recExists(id uint64) bool         { return id != 0 && s.recKind(id) != 0 }

func (s *store) newRecord(kind uint8, coll string, inst common.Hash) uint64 {
	id := s.next("seq.record")
	s.setU64(key("rec.kind", id), uint64(kind))
	s.setStr(key("rec.coll", id), coll)
	s.setU64(key("rec.status", id), uint64(statusActive))
	s.set(key("rec.inst", id), inst)
	if kind == genesis.KindProject {
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
func (s *store) seat(role uint8, coll string) lset { return s.lset("seat", role, coll) }
func seatColl(role uint8, coll string) string {
	if role == genesis.RoleSecretary || role == genesis.RoleAdvisory {
		return ""
	}
	return coll
}
func (s *store) termEnd(role uint8, id uint64) uint64 { return s.u64(key("seat.term", role, id)) }
func (s *store) councilRole(id uint64) uint8          { return uint8(s.u64(key("rec.council", id))) }
func (s *store) isLeader(id uint64, coll string) bool {
	return id != 0 && s.seat(genesis.RoleLeader, coll).has(w64(id))
}

// isExecutive: the record holds an Executive Council seat (secretary or a
// commission), the seats that meet in plenary.
func (s *store) isExecutive(id uint64) bool {
	r := s.councilRole(id)
	return r == genesis.RoleSecretary || r == genesis.RoleProjectsCommission || r == genesis.RoleNodesCommission
}

func (s *store) fillSeat(c *call, role uint8, coll string, id, end uint64) {
	s.seat(role, coll).add(w64(id))
	s.setU64(key("seat.term", role, id), end)
	if role != genesis.RoleLeader {
		s.setU64(key("rec.council", id), uint64(role))
		s.setStr(key("rec.councilColl", id), coll)
	}
	if c != nil {
		c.emit("SeatFilled", role, coll, id, end)
	}
}

func (s *store) vacateSeat(c *call, role uint8, coll string, id uint64) {
	s.seat(role, coll).remove(w64(id))
	s.setU64(key("seat.term", role, id), 0)
	if role != genesis.RoleLeader {
		s.setU64(key("rec.council", id), 0)
		s.setStr(key("rec.councilColl", id), "")
	}
	if c != nil {
		c.emit("SeatVacated", role, coll, id)
	}
}

// filled counts the holders of a role across collectives (a holdover counts).
func (s *store) filled(role uint8) uint64 {
	if role == genesis.RoleSecretary || role == genesis.RoleAdvisory {
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
	if st := c.s.recStatus(id); st != statusActive {
		return 0, refuse("record %d is %s", id, statusName(st))
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
func (c *call) holderOf(role uint8) (uint64, error) {
	id, err := c.actor()
	if err != nil {
		return 0, err
	}
	if c.s.councilRole(id) != role {
		return 0, refuse("not a member of the %s", roleName(role))
	}
	return id, nil
}

func statusName(st uint8) string {
	switch st {
	case statusActive:
		return "active"
	case statusSuspended:
		return "suspended"
	case statusRemoved:
		return "removed"
	}
	return "unknown"
}

func roleName(role uint8) string {
	switch role {
	case genesis.RoleLeader:
		return "collective leaders"
	case genesis.RoleSecretary:
		return "Executive Secretary"
	case genesis.RoleProjectsCommission:
		return "Projects Commission"
	case genesis.RoleNodesCommission:
		return "Nodes Commission"
	case genesis.RoleAdvisory:
		return "Advisory Council"
	}
	return "unknown role"
}

// checkText caps a name or URI at maxURILength bytes.
func (c *call) checkText(what, v string) error {
	if max := c.s.param("maxURILength"); uint64(len(v)) > max {
		return refuse("%s is %d bytes, at most %d allowed", what, len(v), max)
	}
	return nil
}
