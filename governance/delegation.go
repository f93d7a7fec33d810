package governance

import "github.com/ethereum/go-ethereum/common"

// Liquid democracy (docs/governance.md §3.6). A member delegates its vote in
// the member ballots of a scope — the network ("") or its own collective —
// to another member of the scope. Delegation is transitive, a direct vote
// overrides it for that ballot, and it is revocable at any time.
//
// A delegation is one slot (dlg.to) and one entry in its delegate's set of
// delegators (dlg.from), so delegating, changing and revoking cost the same
// at any depth, and nothing is walked when one is made. The tally at a
// ballot's close walks down from each direct voter through the delegators
// that reach it ([store.tally]): it visits the records whose weight it
// counts and the inactive ones passing weight on between them, never the
// rest of the electorate. That is also why cycles need no check: a cycle no
// direct voter is on is never reached from one, so the weight in it is not
// counted, deterministically.

// inScope reports whether record rec is a member of scope: of the
// collective, or for the network ("") of any collective (projects and the
// Advisory Council's members of no collective are not).
func (s *store) inScope(rec uint64, scope string) bool {
	coll := s.recColl(rec)
	return s.recKind(rec) != KindProject && coll != "" && (scope == "" || coll == scope)
}

// scopeOK refuses a scope that record rec may not delegate or vote in:
// the network, or the member's own collective.
func (s *store) scopeOK(rec uint64, scope string) error {
	if !s.inScope(rec, "") {
		return refuse("record %d is not a member of a collective: only members delegate", rec)
	}
	if !s.inScope(rec, scope) {
		return refuse("record %d is not a member of collective %s: delegate in the network (\"\") or in %s", rec, scope, s.recColl(rec))
	}
	return nil
}

func (s *store) delegateOf(scope string, rec uint64) uint64 { return s.u64(key("dlg.to", scope, rec)) }
func (s *store) delegators(scope string, rec uint64) lset   { return s.lset("dlg.from", scope, rec) }

// checkNoEndedBallot refuses a change of delegations in scope while a ballot
// of the scope has ended and awaits its close (at the latest at the end of
// the block), so every tally follows the delegations as they stood at its
// end.
func (c *call) checkNoEndedBallot(scope string) error {
	for _, h := range c.s.lset("bal.opens", scope).all() {
		id := u64of(h)
		if end := c.s.u64(key("bal.end", id)); end <= c.env.Time {
			return refuse("ballot %d of %s ended at %d and is being counted with the delegations as they stand: delegate again in the next block", id, orNetwork(scope), end)
		}
	}
	return nil
}

func delegate(c *call, a args) ([]any, error) {
	scope, to := a.str(0), a.u64(1)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	if err := c.s.scopeOK(rec, scope); err != nil {
		return nil, err
	}
	switch {
	case to == rec:
		return nil, refuse("record %d cannot delegate to itself", rec)
	case !c.s.recExists(to) || !c.s.inScope(to, ""):
		return nil, refuse("record %d is not a member", to)
	case !c.s.inScope(to, scope):
		return nil, refuse("record %d is not a member of collective %s", to, scope)
	case c.s.recStatus(to) != StatusActive:
		return nil, refuse("record %d is %s: delegate to an active member", to, c.s.recStatus(to))
	}
	old := c.s.delegateOf(scope, rec)
	if old == to {
		return nil, refuse("record %d already delegates to %d in %s", rec, to, orNetwork(scope))
	}
	if err := c.checkNoEndedBallot(scope); err != nil {
		return nil, err
	}
	if old != 0 {
		c.s.delegators(scope, old).remove(w64(rec))
	}
	c.s.delegators(scope, to).add(w64(rec))
	c.s.setU64(key("dlg.to", scope, rec), to)
	c.emit("Delegated", rec, scope, to)
	return nil, nil
}

func revokeDelegation(c *call, a args) ([]any, error) {
	scope := a.str(0)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	old := c.s.delegateOf(scope, rec)
	if old == 0 {
		return nil, refuse("record %d delegates to no one in %s", rec, orNetwork(scope))
	}
	if err := c.checkNoEndedBallot(scope); err != nil {
		return nil, err
	}
	c.s.delegators(scope, old).remove(w64(rec))
	c.s.setU64(key("dlg.to", scope, rec), 0)
	c.emit("Delegated", rec, scope, uint64(0))
	return nil, nil
}

// Views.

func viewDelegation(s *store, _ Env, a args) []any {
	rec, scope := a.u64(0), a.str(1)
	return []any{s.delegateOf(scope, rec), uint32(s.delegators(scope, rec).len())}
}

func viewDelegators(s *store, _ Env, a args) ([]any, error) {
	return idPage(s.delegators(a.str(1), a.u64(0)), a)
}

// viewDelegationChain follows record's delegations in scope: the
// delegates in order, and the record whose direct vote in ballot (0: none
// asked) carries record's weight — record itself if it voted, 0 if the
// chain ends or loops. A page goes on from its cursor's record; a loop is
// seen within a page, and across pages by the caller.
func viewDelegationChain(s *store, _ Env, a args) ([]any, error) {
	rec, scope, ballot := a.u64(0), a.str(1), a.u64(2)
	cursor, limit := a.page()
	at := rec
	if cursor != (common.Hash{}) {
		at = u64of(cursor)
	}
	active := s.counts(rec)
	chain := []uint64{}
	seen := map[uint64]bool{at: true}
	for {
		if ballot != 0 && s.ballotVote(ballot, at) != 0 {
			if at != rec && !active { // an inactive record carries no weight
				at = 0
			}
			return []any{chain, at, [32]byte{}}, nil
		}
		next := s.delegateOf(scope, at)
		if next == 0 || seen[next] {
			return []any{chain, uint64(0), [32]byte{}}, nil
		}
		if uint64(len(chain)) == limit {
			return []any{chain, uint64(0), [32]byte(w64(at))}, nil
		}
		chain = append(chain, next)
		seen[next] = true
		at = next
	}
}
