package governance

import (
	"bytes"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Capital (docs/governance.md §3.3): gas per epoch granted by a leader of the
// record's collective, optionally expiring; use is kept per (record, epoch)
// and compared when the record next transacts, never swept.

func requestCapital(c *call, a args) ([]any, error) {
	gas, just := a.u64(0), a.b32(1)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	id := c.s.next("seq.capreq")
	c.s.setU64(key("capreq.record", id), rec)
	c.s.setU64(key("capreq.gas", id), gas)
	c.s.set(key("capreq.just", id), just)
	c.s.setU64(key("capreq.time", id), c.env.Time)
	c.emit("CapitalRequested", id, rec, gas, [32]byte(just))
	return []any{id}, nil
}

func grantCapital(c *call, a args) ([]any, error) {
	rec, gas, expiry := a.u64(0), a.u64(1), a.u64(2)
	if !c.s.recExists(rec) {
		return nil, refuse("record %d does not exist", rec)
	}
	leader, err := c.leaderOf(c.s.recColl(rec))
	if err != nil {
		return nil, err
	}
	if gas == 0 {
		return nil, refuse("gas per epoch is 0; revoke the capital instead")
	}
	if expiry != 0 && expiry <= c.env.Time {
		return nil, refuse("expiry %d is not after the block time %d", expiry, c.env.Time)
	}
	c.s.setU64(key("cap.gas", rec), gas)
	c.s.setU64(key("cap.expiry", rec), expiry)
	c.emit("CapitalGranted", rec, leader, gas, expiry)
	return nil, nil
}

func revokeCapital(c *call, a args) ([]any, error) {
	rec := a.u64(0)
	if !c.s.recExists(rec) {
		return nil, refuse("record %d does not exist", rec)
	}
	leader, err := c.leaderOf(c.s.recColl(rec))
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("cap.gas", rec), 0)
	c.s.setU64(key("cap.expiry", rec), 0)
	c.emit("CapitalRevoked", rec, leader)
	return nil, nil
}

// epoch is the capital epoch at time t and the time it ends.
func (s *store) epoch(t uint64) (num, end uint64) {
	l := max(s.param("epochLength"), 1)
	return t / l, (t/l + 1) * l
}

// capitalState is a record's grant and its use in the epoch at t.
type capitalState struct {
	gas, expiry, used, remaining, epochEnd uint64
	expired                                bool
}

func (s *store) capital(rec, t uint64) capitalState {
	var cs capitalState
	num, end := s.epoch(t)
	cs.gas, cs.expiry, cs.epochEnd = s.u64(key("cap.gas", rec)), s.u64(key("cap.expiry", rec)), end
	cs.used = s.u64(key("cap.used", rec, num))
	cs.expired = cs.expiry != 0 && t >= cs.expiry
	if !cs.expired && cs.gas > cs.used {
		cs.remaining = cs.gas - cs.used
	}
	return cs
}

// Admit decides whether a transaction from from, to to (nil: creation) with
// this input and gas limit may enter the pool or a block at env, and who pays.
// pending is the gas of the payer's transactions already ahead of this one
// (in the pool or earlier in the block). Errors wrap ErrNotMember,
// ErrNoCapital (saying how much is left and when it refills), ErrApplyQuota
// or ErrCreateNotAllowed (a top-level creation by an account of no approved
// project). Without a founding governance state everything is admitted.
func (c *Contract) Admit(env Env, st vm.StateDB, from common.Address, to *common.Address, input []byte, gasLimit, pending uint64) (Payer, error) {
	s := &store{st: st}
	if !enabled(s) {
		return Payer{}, nil
	}
	rec := s.recordOf(from)
	if rec == 0 {
		if to == nil || *to != Address || !isApplication(input) {
			return Payer{}, fmt.Errorf("%w: %s may only apply (applyNode, applyProject, applyAdvisory) or accept (acceptAccount, acceptProjectAccount)", ErrNotMember, from.Hex())
		}
		if used, quota := s.u64(key("quota", env.Number)), s.param("applyQuota"); used >= quota {
			return Payer{}, fmt.Errorf("%w: %d of %d applications from accounts of no record in block %d", ErrApplyQuota, used, quota, env.Number)
		}
		return Payer{Governance: true}, nil
	}
	if status := s.recStatus(rec); status != StatusActive {
		return Payer{}, fmt.Errorf("%w: %s belongs to record %d, which is %s", ErrNotMember, from.Hex(), rec, status)
	}
	need := gasLimit + pending
	if to != nil && *to == Address {
		num, end := s.epoch(env.Time)
		allowance, used := s.param("governanceAllowance"), s.u64(key("gov.used", rec, num))
		if used+need > allowance {
			left := allowance - min(used, allowance)
			return Payer{}, fmt.Errorf("%w: record %d has %d gas of governance allowance left this epoch (needs %d), refills at %d", ErrNoCapital, rec, left, need, end)
		}
		return Payer{Record: rec, Governance: true}, nil
	}
	if to == nil && !mayCreate(s, from) {
		return Payer{}, fmt.Errorf("%w: %s is not an approved project's account", ErrCreateNotAllowed, from.Hex())
	}
	cs := s.capital(rec, env.Time)
	switch {
	case cs.gas == 0:
		return Payer{}, fmt.Errorf("%w: record %d has no capital; ask a leader of collective %s", ErrNoCapital, rec, s.recColl(rec))
	case cs.expired:
		return Payer{}, fmt.Errorf("%w: the capital of record %d expired at %d", ErrNoCapital, rec, cs.expiry)
	case need > cs.remaining:
		return Payer{}, fmt.Errorf("%w: record %d has %d gas left this epoch (needs %d), refills at %d", ErrNoCapital, rec, cs.remaining, need, cs.epochEnd)
	}
	return Payer{Record: rec}, nil
}

// noRecordCalls are what an account of no record may send: applications,
// and the acceptances by which it joins a record or a project application.
var noRecordCalls = []string{"applyNode", "applyProject", "applyAdvisory", "acceptAccount", "acceptProjectAccount"}

func isApplication(input []byte) bool {
	if len(input) < 4 {
		return false
	}
	for _, name := range noRecordCalls {
		if bytes.Equal(input[:4], ABI.Methods[name].ID) {
			return true
		}
	}
	return false
}

// Charge records gas used by a transaction against its payer for the epoch of
// env (and, for record 0, against the block's application quota).
func (c *Contract) Charge(env Env, st vm.StateDB, p Payer, gasUsed uint64) {
	s := &store{st: st}
	if !enabled(s) {
		return
	}
	num, _ := s.epoch(env.Time)
	switch {
	case p.Record == 0:
		s.addU64(key("quota", env.Number), 1)
	case p.Governance:
		s.addU64(key("gov.used", p.Record, num), gasUsed)
	default:
		s.addU64(key("cap.used", p.Record, num), gasUsed)
	}
}

// Create applies the creation rule to a contract creation inside a
// transaction sent by sender: creator may create when it is an active
// project's account or was created by one (transitively), and created then
// descends from that project; else, when sender is an active project's
// account (a project deploying through the CREATE2 deployer), created
// descends from sender's project, so a project's factory deployed that way
// serves its users. Any other creation is refused (false). Without
// governance every creation is allowed.
func (c *Contract) Create(st vm.StateDB, sender, creator, created common.Address) bool {
	s := &store{st: st}
	if !enabled(s) {
		return true
	}
	by := creator
	if !mayCreate(s, by) {
		if creator == sender || !mayCreate(s, sender) {
			return false
		}
		by = sender
	}
	s.setU64(key("created.root", created), creatorRoot(s, by))
	return true
}

// mayCreate: creator is an active project's account, or was created by one.
func mayCreate(s *store, creator common.Address) bool {
	root := creatorRoot(s, creator)
	return root != 0 && s.recStatus(root) == StatusActive
}

// creatorRoot is the project behind creator: its own record, or the project
// recorded when creator was created.
func creatorRoot(s *store, creator common.Address) uint64 {
	if rec := s.recordOf(creator); rec != 0 {
		if s.recKind(rec) == KindProject {
			return rec
		}
		return 0
	}
	return s.u64(key("created.root", creator))
}
