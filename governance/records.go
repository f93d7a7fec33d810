package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Records (members and projects) and their accounts and identity
// (docs/governance.md §2, §3.10): an account belongs to at most one record; a
// record adds one by offer and acceptance, so both keys agree; a leader
// attests an identity checked off chain.

func (s *store) recordOf(a common.Address) uint64 { return s.u64(key("acct.record", a)) }
func (s *store) recKind(id uint64) RecordKind     { return RecordKind(s.u64(key("rec.kind", id))) }

// recSince is when record id was made (0: at genesis): the upper half of
// its kind's word, which never changes, so it costs no slot of its own.
func (s *store) recSince(id uint64) uint64 {
	since, _ := unpair64(s.get(key("rec.kind", id)))
	return since
}
func (s *store) recColl(id uint64) string         { return s.str(key("rec.coll", id)) }
func (s *store) recStatus(id uint64) RecordStatus { return RecordStatus(s.u64(key("rec.status", id))) }
func (s *store) recInst(id uint64) common.Hash    { return s.get(key("rec.inst", id)) }
func (s *store) recAccounts(id uint64) lset       { return s.lset("rec.accounts", id) }
func (s *store) recExists(id uint64) bool         { return id != 0 && s.recKind(id) != 0 }

func (s *store) newRecord(kind RecordKind, coll string, inst common.Hash, since uint64) uint64 {
	id := s.next("seq.record")
	s.set(key("rec.kind", id), pair64(since, uint64(kind)))
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

func offerAccount(c *call, a args) ([]any, error) {
	id, err := c.actor()
	if err != nil {
		return nil, err
	}
	acct := a.addr(0)
	if other := c.s.recordOf(acct); other != 0 {
		return nil, refuse("account %s already belongs to record %d", acct.Hex(), other)
	}
	if c.s.recKind(id) == KindProject {
		if err := c.s.checkDeployer(acct); err != nil { // a project's accounts deploy
			return nil, err
		}
	}
	c.s.setU64(key("acct.offer", acct), id)
	c.emit("AccountOffered", id, acct)
	return nil, nil
}

func acceptAccount(c *call, a args) ([]any, error) {
	id := a.u64(0)
	if other := c.s.recordOf(c.from); other != 0 {
		return nil, refuse("account %s already belongs to record %d", c.from.Hex(), other)
	}
	if c.s.u64(key("acct.offer", c.from)) != id || id == 0 {
		return nil, refuse("record %d has not offered to add account %s", id, c.from.Hex())
	}
	if st := c.s.recStatus(id); st != StatusActive {
		return nil, refuse("record %d is %s", id, st)
	}
	if c.s.recKind(id) == KindProject {
		if err := c.s.checkDeployer(c.from); err != nil {
			return nil, err
		}
	}
	c.s.setU64(key("acct.offer", c.from), 0)
	c.s.addAccount(id, c.from)
	c.emit("AccountAdded", id, c.from)
	return nil, nil
}

func removeAccount(c *call, a args) ([]any, error) {
	id, err := c.actor()
	if err != nil {
		return nil, err
	}
	acct := a.addr(0)
	if c.s.recordOf(acct) != id {
		return nil, refuse("account %s is not of record %d", acct.Hex(), id)
	}
	accs := c.s.recAccounts(id)
	if accs.len() <= 1 {
		return nil, refuse("account %s is the last of record %d", acct.Hex(), id)
	}
	accs.remove(common.BytesToHash(acct[:]))
	c.s.setU64(key("acct.record", acct), 0)
	c.emit("AccountRemoved", id, acct)
	return nil, nil
}

func attestIdentity(c *call, a args) ([]any, error) {
	rec, commit := a.u64(0), a.b32(1)
	if !c.s.recExists(rec) {
		return nil, refuse("record %d does not exist", rec)
	}
	leader, err := c.leaderOf(c.s.recColl(rec))
	if err != nil {
		return nil, err
	}
	if commit == (common.Hash{}) {
		return nil, refuse("commitment is empty")
	}
	c.s.list("att.leader", rec).push(w64(leader))
	c.s.list("att.time", rec).push(w64(c.env.Time))
	c.s.list("att.commit", rec).push(commit)
	c.emit("IdentityAttested", rec, leader, [32]byte(commit))
	return nil, nil
}
