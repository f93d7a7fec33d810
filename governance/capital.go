package governance

import (
	"bytes"
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Capital (docs/governance.md §3.3): gas per epoch granted by a leader of the
// record's collective, optionally expiring, within the collective's budget,
// which a plenary sets; use is kept per (record, epoch) and compared when the
// record next transacts, never swept.
//
// The budget check is O(1): each collective keeps the sum of the gas its
// records' grants count against it (coll.committed), and each record the gas
// its grant counts (cap.counted). A grant, change or revocation replaces the
// record's counted gas in the sum. An expired grant stays counted until it
// is next touched (granted again or revoked), so the sum may overstate what
// is live, never understate it: the live grants never exceed the budget.

func requestCapital(c *call, a args) ([]any, error) {
	gas, just := a.u64(0), a.b32(1)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	if gas == 0 {
		return nil, refuse("a request asks for some gas per epoch, not 0")
	}
	id := c.s.next("seq.capreq")
	c.s.setU64(key("capreq.record", id), rec)
	c.s.setU64(key("capreq.gas", id), gas)
	c.s.set(key("capreq.just", id), just)
	c.s.setU64(key("capreq.status", id), uint64(CapitalRequestOpen))
	c.s.capRequests(c.s.recColl(rec), CapitalRequestOpen).add(w64(id))
	c.s.setU64(key("capreq.time", id), c.env.Time)
	c.emit("CapitalRequested", id, rec, gas, [32]byte(just))
	return []any{id}, nil
}

// capRequests is the set of a collective's capital requests in status st.
func (s *store) capRequests(coll string, st CapitalRequestStatus) lset {
	return s.lset("capreqs", coll, uint8(st))
}

// openRequest checks that request id exists and is open, and returns its
// record.
func (c *call) openRequest(id uint64) (uint64, error) {
	rec := c.s.u64(key("capreq.record", id))
	if rec == 0 {
		return 0, refuse("capital request %d does not exist", id)
	}
	if st := CapitalRequestStatus(c.s.u64(key("capreq.status", id))); st != CapitalRequestOpen {
		return 0, refuse("capital request %d is %s, not open", id, st)
	}
	return rec, nil
}

// closeRequest moves open request id of record rec to status st, decided by
// record by (0: the requester).
func (c *call) closeRequest(id, rec uint64, st CapitalRequestStatus, by, granted uint64) {
	coll := c.s.recColl(rec)
	c.s.capRequests(coll, CapitalRequestOpen).remove(w64(id))
	c.s.capRequests(coll, st).add(w64(id))
	c.s.setU64(key("capreq.status", id), uint64(st))
	c.s.setU64(key("capreq.by", id), by)
	c.s.setU64(key("capreq.granted", id), granted)
}

// grantLeader is the sender's record, which must lead rec's collective.
func (c *call) grantLeader(rec uint64) (leader uint64, coll string, err error) {
	if !c.s.recExists(rec) {
		return 0, "", refuse("record %d does not exist", rec)
	}
	coll = c.s.recColl(rec)
	if leader, err = c.leaderOf(coll); err != nil {
		return 0, "", err
	}
	return leader, coll, nil
}

func grantCapital(c *call, a args) ([]any, error) {
	rec, gas, expiry, req := a.u64(0), a.u64(1), a.u64(2), a.u64(3)
	leader, coll, err := c.grantLeader(rec)
	if err != nil {
		return nil, err
	}
	if leader == rec {
		return nil, refuse("record %d is the sender's own: no leader grants capital to its own record; another leader of collective %s may", rec, coll)
	}
	if gas == 0 {
		return nil, refuse("gas per epoch is 0; revoke the capital instead")
	}
	if expiry != 0 && expiry <= c.env.Time {
		return nil, refuse("expiry %d is not after the block time %d", expiry, c.env.Time)
	}
	if req != 0 {
		r, err := c.openRequest(req)
		if err != nil {
			return nil, err
		}
		if r != rec {
			return nil, refuse("capital request %d is record %d's, not record %d's", req, r, rec)
		}
	}
	// A grant no larger than the live one it replaces is always allowed; a
	// new or larger one only within the budget.
	old := c.s.capital(rec, c.env.Time)
	live := old.gas
	if old.expired {
		live = 0
	}
	others := c.s.u64(key("coll.committed", coll)) - c.s.u64(key("cap.counted", rec))
	if gas > math.MaxUint64-others {
		return nil, refuse("gas per epoch %d with collective %s's other grants (%d) exceeds any budget", gas, coll, others)
	}
	committed := others + gas
	if budget := c.s.u64(key("coll.budget", coll)); gas > live && committed > budget {
		return nil, refuse("collective %s's capital budget is %d gas per epoch and %d is committed; this grant would commit %d: lower it, revoke another grant (an expired grant counts until revoked) or ask the plenary for a larger budget",
			coll, budget, c.s.u64(key("coll.committed", coll)), committed)
	}
	c.s.setU64(key("coll.committed", coll), committed)
	c.s.setU64(key("cap.counted", rec), gas)
	c.s.setU64(key("cap.gas", rec), gas)
	c.s.setU64(key("cap.expiry", rec), expiry)
	c.s.setU64(key("cap.by", rec), leader)
	if req != 0 {
		c.closeRequest(req, rec, CapitalRequestGranted, leader, gas)
	}
	c.emit("CapitalGranted", rec, leader, gas, expiry, req)
	return nil, nil
}

func revokeCapital(c *call, a args) ([]any, error) {
	rec := a.u64(0)
	leader, _, err := c.grantLeader(rec)
	if err != nil {
		return nil, err
	}
	if c.s.u64(key("cap.gas", rec)) == 0 {
		return nil, refuse("record %d has no capital to revoke", rec)
	}
	c.s.dropGrant(rec)
	c.emit("CapitalRevoked", rec, leader)
	return nil, nil
}

// dropGrant ends record rec's capital grant, giving its gas back to its
// collective's budget.
func (s *store) dropGrant(rec uint64) {
	coll := s.recColl(rec)
	s.setU64(key("coll.committed", coll), s.u64(key("coll.committed", coll))-s.u64(key("cap.counted", rec)))
	s.setU64(key("cap.counted", rec), 0)
	s.setU64(key("cap.gas", rec), 0)
	s.setU64(key("cap.expiry", rec), 0)
	s.setU64(key("cap.by", rec), 0)
}

func declineCapitalRequest(c *call, a args) ([]any, error) {
	id, reason := a.u64(0), a.b32(1)
	rec, err := c.openRequest(id)
	if err != nil {
		return nil, err
	}
	leader, err := c.leaderOf(c.s.recColl(rec))
	if err != nil {
		return nil, err
	}
	c.closeRequest(id, rec, CapitalRequestDeclined, leader, 0)
	c.emit("CapitalRequestDeclined", id, leader, [32]byte(reason))
	return nil, nil
}

func withdrawCapitalRequest(c *call, a args) ([]any, error) {
	id := a.u64(0)
	rec, err := c.openRequest(id)
	if err != nil {
		return nil, err
	}
	if c.s.recordOf(c.from) != rec {
		return nil, refuse("capital request %d is record %d's: only its accounts withdraw it", id, rec)
	}
	c.closeRequest(id, rec, CapitalRequestWithdrawn, 0, 0)
	c.emit("CapitalRequestWithdrawn", id)
	return nil, nil
}

func moveCapitalBudget(c *call, a args) ([]any, error) {
	m, coll, gas := a.u64(0), a.str(1), a.u64(2)
	if !c.s.collectiveExists(coll) {
		return nil, refuse("collective %q does not exist", coll)
	}
	id, err := c.newMotion(m, MotionCapitalBudget)
	if err != nil {
		return nil, err
	}
	c.s.setStr(key("mot.str", id), coll)
	c.s.setU64(key("mot.a", id), gas)
	return []any{id}, nil
}

// setBudget carries a capital budget motion. A budget below what is
// committed is allowed: the grants stand, and no new or larger grant is
// made until the committed sum falls under it.
func (c *call) setBudget(coll string, gas uint64) error {
	if !c.s.collectiveExists(coll) {
		return refuse("collective %q does not exist", coll)
	}
	c.s.setU64(key("coll.budget", coll), gas)
	c.emit("CapitalBudgetSet", coll, gas, c.s.u64(key("coll.committed", coll)))
	return nil
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
// project). An account of no record that is an Executive Council seat
// holder's current proxy may send attend and vote, paid by the holder's
// governance allowance (the call checks the meeting). Without a founding
// governance state everything is admitted.
func (c *Contract) Admit(env Env, st vm.StateDB, from common.Address, to *common.Address, input []byte, gasLimit, pending uint64) (Payer, error) {
	return c.Allowance(env, st, from, to, input).Admit(gasLimit, pending)
}

// Allowance is Admit's answer before the gas is known: who pays for a kind of
// transaction of one sender on one state, or why it is refused whatever its
// gas, and how much gas the payer may still take. It depends on the sender,
// whether the transaction creates, calls governance or calls anything else,
// and for governance on the function's selector; its Admit decides as
// [Contract.Admit] does without reading the state again, so that a pool asks
// governance once per sender and head rather than once per transaction.
type Allowance struct {
	payer  Payer
	err    error // refused whatever the gas
	budget budget
	left   uint64 // budgetCapital: gas left this epoch
	used   uint64 // budgetGovernance: gas used this epoch
	limit  uint64 // budgetGovernance: the allowance
	refill uint64 // when the epoch ends
}

// budget is what bounds an admitted payer's gas.
type budget uint8

const (
	budgetNone       budget = iota // applications of no record: the block quota only
	budgetCapital                  // the record's capital
	budgetGovernance               // the record's governance allowance
)

// Admit decides a transaction of gasLimit behind pending gas of the same
// payer, as [Contract.Admit] on the state a was read from.
func (a Allowance) Admit(gasLimit, pending uint64) (Payer, error) {
	if a.err != nil {
		return Payer{}, a.err
	}
	need := gasLimit + pending
	switch a.budget {
	case budgetCapital:
		if need > a.left {
			return Payer{}, fmt.Errorf("%w: record %d has %d gas left this epoch (needs %d), refills at %d", ErrNoCapital, a.payer.Record, a.left, need, a.refill)
		}
	case budgetGovernance:
		if a.used+need > a.limit {
			left := a.limit - min(a.used, a.limit)
			return Payer{}, fmt.Errorf("%w: record %d has %d gas of governance allowance left this epoch (needs %d), refills at %d", ErrNoCapital, a.payer.Record, left, need, a.refill)
		}
	}
	return a.payer, nil
}

// Allowance reads Admit's answer for a transaction from from to to with input,
// before its gas: see [Allowance].
func (c *Contract) Allowance(env Env, st vm.StateDB, from common.Address, to *common.Address, input []byte) Allowance {
	s := &store{st: st}
	if !enabled(s) {
		return Allowance{}
	}
	refuse := func(err error) Allowance { return Allowance{err: err} }
	rec := s.recordOf(from)
	if rec == 0 && to != nil && *to == Address && isProxyCall(input) {
		// A proxy of no record attends and votes for its holder, from the
		// holder's governance allowance; the call itself checks the rest.
		if holder := s.proxyHolder(from); holder != 0 {
			if status := s.recStatus(holder); status != StatusActive {
				return refuse(fmt.Errorf("%w: %s is the proxy of record %d, which is %s", ErrNotMember, from.Hex(), holder, status))
			}
			return governanceAllowance(s, env, holder)
		}
	}
	if rec == 0 {
		if to == nil || *to != Address || !isApplication(input) {
			hint := ""
			if s.proxyHolder(from) != 0 {
				hint = "; as a proxy, it may only attend and vote"
			}
			return refuse(fmt.Errorf("%w: %s may only apply (applyNode, applyProject, applyAdvisory, applyCollective) or accept (acceptAccount, acceptProjectAccount)%s", ErrNotMember, from.Hex(), hint))
		}
		if used, quota := s.u64(key("quota", env.Number)), s.param("applyQuota"); used >= quota {
			return refuse(fmt.Errorf("%w: %d of %d applications from accounts of no record in block %d", ErrApplyQuota, used, quota, env.Number))
		}
		return Allowance{payer: Payer{Governance: true}}
	}
	if status := s.recStatus(rec); status != StatusActive {
		return refuse(fmt.Errorf("%w: %s belongs to record %d, which is %s", ErrNotMember, from.Hex(), rec, status))
	}
	if to != nil && *to == Address {
		return governanceAllowance(s, env, rec)
	}
	if to == nil && !mayCreate(s, from) {
		return refuse(fmt.Errorf("%w: %s is not an approved project's account", ErrCreateNotAllowed, from.Hex()))
	}
	cs := s.capital(rec, env.Time)
	switch {
	case cs.gas == 0:
		return refuse(fmt.Errorf("%w: record %d has no capital; ask a leader of collective %s", ErrNoCapital, rec, s.recColl(rec)))
	case cs.expired:
		return refuse(fmt.Errorf("%w: the capital of record %d expired at %d", ErrNoCapital, rec, cs.expiry))
	}
	return Allowance{payer: Payer{Record: rec}, budget: budgetCapital, left: cs.remaining, refill: cs.epochEnd}
}

// governanceAllowance is a governance call's allowance, paid by record rec's
// governance allowance for the epoch of env.
func governanceAllowance(s *store, env Env, rec uint64) Allowance {
	num, end := s.epoch(env.Time)
	return Allowance{payer: Payer{Record: rec, Governance: true}, budget: budgetGovernance,
		used: s.u64(key("gov.used", rec, num)), limit: s.param("governanceAllowance"), refill: end}
}

// proxyCalls are what a proxy sends for its holder.
var proxyCalls = []string{"attend", "vote"}

func isProxyCall(input []byte) bool { return hasSelector(input, proxyCalls) }

// noRecordCalls are what an account of no record may send: applications,
// and the acceptances by which it joins a record or a project application.
var noRecordCalls = []string{"applyNode", "applyProject", "applyAdvisory", "applyCollective", "acceptAccount", "acceptProjectAccount"}

func isApplication(input []byte) bool { return hasSelector(input, noRecordCalls) }

func hasSelector(input []byte, names []string) bool {
	if len(input) < 4 {
		return false
	}
	for _, name := range names {
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
