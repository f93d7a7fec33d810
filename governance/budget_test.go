package governance

import (
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// budget reads a collective's capital budget and committed gas.
func (f *fixture) budget(coll string) (budget, committed uint64) {
	f.t.Helper()
	got := f.view("capitalBudget", coll)
	return got[0].(uint64), got[1].(uint64)
}

// liveGrants sums the gas per epoch of the unexpired grants of coll's
// records, reading every record's capital.
func (f *fixture) liveGrants(coll string) uint64 {
	f.t.Helper()
	var sum uint64
	s := &store{st: f.st}
	for id := uint64(1); id <= s.u64(key("seq.record")); id++ {
		if s.recColl(id) != coll {
			continue
		}
		got := f.view("capital", id)
		if gas, expiry := got[0].(uint64), got[1].(uint64); expiry == 0 || f.env.Time < expiry {
			sum += gas
		}
	}
	return sum
}

// countedGrants sums what coll's records' grants count against its budget.
func (f *fixture) countedGrants(coll string) uint64 {
	s := &store{st: f.st}
	var sum uint64
	for id := uint64(1); id <= s.u64(key("seq.record")); id++ {
		if s.recColl(id) == coll {
			sum += s.u64(key("cap.counted", id))
		}
	}
	return sum
}

// TestCapitalGrantRules: every refusal of grantCapital and revokeCapital,
// each with the reason it gives (docs/governance.md §3.3).
func TestCapitalGrantRules(t *testing.T) {
	// academic: budget 1_300_000; committed at genesis 1_200_000 (record 5:
	// 1M, plain 100k, the project 100k until 5000).
	tight := func(g *Founding) { g.Budgets["academic"] = 1_300_000 }
	cases := []struct {
		name   string
		setup  func(f *fixture)
		from   common.Address
		args   []any // recordId, gasPerEpoch, expiry, requestId
		reason string
	}{
		{name: "own record", from: leaderA(1), args: []any{recLeaderA(1), uint64(1), uint64(0), uint64(0)},
			reason: "record 5 is the sender's own: no leader grants capital to its own record; another leader of collective academic may"},
		{name: "another collective's leader", from: leaderA(0), args: []any{uint64(recPlain), uint64(1), uint64(0), uint64(0)},
			reason: "not a leader of collective academic"},
		{name: "no such record", from: leaderA(1), args: []any{uint64(99), uint64(1), uint64(0), uint64(0)},
			reason: "record 99 does not exist"},
		{name: "zero gas", from: leaderA(1), args: []any{uint64(recPlain), uint64(0), uint64(0), uint64(0)},
			reason: "gas per epoch is 0; revoke the capital instead"},
		{name: "expiry passed", from: leaderA(1), args: []any{uint64(recPlain), uint64(1), uint64(10), uint64(0)},
			reason: "expiry 10 is not after the block time 10"},
		{name: "over budget", from: leaderA(1), args: []any{uint64(recPlain), uint64(200_001), uint64(0), uint64(0)},
			reason: "collective academic's capital budget is 1300000 gas per epoch and 1200000 is committed; this grant would commit 1300001"},
		{name: "overflowing gas", from: leaderA(1), args: []any{uint64(recPlain), uint64(1<<64 - 1), uint64(0), uint64(0)},
			reason: "gas per epoch 18446744073709551615 with collective academic's other grants (1100000) exceeds any budget"},
		{name: "unknown request", from: leaderA(1), args: []any{uint64(recPlain), uint64(1), uint64(0), uint64(7)},
			reason: "capital request 7 does not exist"},
		{name: "another record's request", from: leaderB(1),
			setup: func(f *fixture) { f.must(projA, "requestCapital", uint64(5), h32) },
			args:  []any{uint64(recPlain), uint64(1), uint64(0), uint64(1)}, reason: "capital request 1 is record 20's, not record 19's"},
		{name: "request already granted", from: leaderB(1),
			setup: func(f *fixture) {
				f.must(plain, "requestCapital", uint64(5), h32)
				f.must(leaderA(1), "grantCapital", uint64(recPlain), uint64(5), uint64(0), uint64(1))
			},
			args: []any{uint64(recPlain), uint64(6), uint64(0), uint64(1)}, reason: "capital request 1 is granted, not open"},
		{name: "request declined", from: leaderB(1),
			setup: func(f *fixture) {
				f.must(plain, "requestCapital", uint64(5), h32)
				f.must(leaderA(1), "declineCapitalRequest", uint64(1), h32)
			},
			args: []any{uint64(recPlain), uint64(6), uint64(0), uint64(1)}, reason: "capital request 1 is declined, not open"},
		{name: "request withdrawn", from: leaderB(1),
			setup: func(f *fixture) {
				f.must(plain, "requestCapital", uint64(5), h32)
				f.must(plain, "withdrawCapitalRequest", uint64(1))
			},
			args: []any{uint64(recPlain), uint64(6), uint64(0), uint64(1)}, reason: "capital request 1 is withdrawn, not open"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tight)
			if tc.setup != nil {
				tc.setup(f)
			}
			r0 := root(f.st)
			if _, r := f.call(tc.from, "grantCapital", tc.args...); r != tc.reason && !strings.HasPrefix(r, tc.reason) {
				t.Fatalf("reason %q, want %q", r, tc.reason)
			}
			if root(f.st) != r0 {
				t.Fatal("a refused grant changed state")
			}
		})
	}
	t.Run("revoke without capital", func(t *testing.T) {
		f := newFixture(t)
		if _, r := f.call(leaderA(1), "revokeCapital", recNC(1)); r != "record 7 has no capital to revoke" {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("a leader revokes its own capital", func(t *testing.T) {
		f := newFixture(t)
		f.must(leaderA(1), "revokeCapital", recLeaderA(1))
		if _, c := f.budget("academic"); c != 200_000 {
			t.Fatalf("committed %d after the revocation, want 200000", c)
		}
	})
	t.Run("the other leader grants a leader's record", func(t *testing.T) {
		f := newFixture(t)
		f.must(leaderB(1), "grantCapital", recLeaderA(1), uint64(2_000_000), uint64(0), uint64(0))
		if got := f.view("capital", recLeaderA(1)); got[0].(uint64) != 2_000_000 {
			t.Fatalf("capital %v", got)
		}
	})
}

// TestCapitalCommittedExact: the committed sum follows every grant, change,
// revocation and expiry, and matches the grants exactly: an expired grant
// counts until touched, and then not at all.
func TestCapitalCommittedExact(t *testing.T) {
	f := newFixture(t)
	check := func(step string, wantCommitted, wantLive uint64) {
		t.Helper()
		_, c := f.budget("academic")
		if c != wantCommitted || f.countedGrants("academic") != c {
			t.Fatalf("%s: committed %d, counted per record %d, want %d", step, c, f.countedGrants("academic"), wantCommitted)
		}
		if live := f.liveGrants("academic"); live != wantLive || live > c {
			t.Fatalf("%s: live grants %d, want %d (at most committed %d)", step, live, wantLive, c)
		}
	}
	check("genesis", 1_200_000, 1_200_000)
	f.must(leaderA(1), "grantCapital", recNC(1), uint64(300_000), uint64(900), uint64(0))
	check("a new grant", 1_500_000, 1_500_000)
	f.must(leaderA(1), "grantCapital", uint64(recPlain), uint64(50_000), uint64(0), uint64(0))
	check("a smaller grant replaces one", 1_450_000, 1_450_000)
	f.must(leaderB(1), "grantCapital", uint64(recPlain), uint64(250_000), uint64(0), uint64(0))
	check("a larger one", 1_650_000, 1_650_000)
	f.must(leaderB(1), "revokeCapital", uint64(recPlain))
	check("revoked", 1_400_000, 1_400_000)

	f.env.Time = 900 // record 7's grant expires: still counted, no longer live
	check("expired, untouched", 1_400_000, 1_100_000)
	f.must(leaderA(1), "revokeCapital", recNC(1))
	check("the expired grant revoked", 1_100_000, 1_100_000)

	f.env.Time = 5000 // the project's founding grant expires
	check("founding grant expired", 1_100_000, 1_000_000)
	f.must(leaderA(1), "grantCapital", uint64(recProject), uint64(70_000), uint64(0), uint64(0))
	check("renewed smaller", 1_070_000, 1_070_000)

	// Spending capital moves nothing.
	to := acct('T', 1)
	p, err := f.c.Admit(f.env, f.st, projA, &to, nil, 21000, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.c.Charge(f.env, f.st, p, 21000)
	check("capital spent", 1_070_000, 1_070_000)
}

// TestCapitalBudgetLowered: a plenary lowers a budget under what is
// committed; the grants stand, smaller or equal ones and revocations go on,
// a new or larger one is refused until the committed sum is under it.
func TestCapitalBudgetLowered(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()...)
	id := f.must(ncSeat(0), "moveCapitalBudget", m, "academic", uint64(1_000_000))[0].(uint64)
	for _, a := range council()[:5] {
		f.must(a, "vote", id, true)
	}
	if r := f.decide(m, id); r != "" {
		t.Fatal(r)
	}
	if b, c := f.budget("academic"); b != 1_000_000 || c != 1_200_000 {
		t.Fatalf("budget %d committed %d", b, c)
	}
	to := acct('T', 1)
	if _, err := f.c.Admit(f.env, f.st, plain, &to, nil, 21000, 0); err != nil {
		t.Fatalf("a grant over a lowered budget still stands: %v", err)
	}
	if _, r := f.call(leaderA(1), "grantCapital", recNC(1), uint64(1), uint64(0), uint64(0)); !strings.Contains(r, "budget is 1000000 gas per epoch and 1200000 is committed") {
		t.Fatalf("a new grant over budget: %q", r)
	}
	if _, r := f.call(leaderA(1), "grantCapital", uint64(recPlain), uint64(100_001), uint64(0), uint64(0)); !strings.Contains(r, "ask the plenary for a larger budget") {
		t.Fatalf("a larger grant over budget: %q", r)
	}
	f.must(leaderA(1), "grantCapital", uint64(recPlain), uint64(100_000), f.env.Time+10_000, uint64(0)) // the same gas, another expiry
	f.must(leaderA(1), "grantCapital", uint64(recPlain), uint64(40_000), uint64(0), uint64(0))
	f.must(leaderA(1), "revokeCapital", uint64(recProject))
	if _, c := f.budget("academic"); c != 1_040_000 {
		t.Fatalf("committed %d, want 1040000", c)
	}
	f.must(leaderB(1), "revokeCapital", recLeaderA(1))
	f.must(leaderB(1), "grantCapital", recLeaderA(1), uint64(960_000), uint64(0), uint64(0)) // exactly the budget
	if _, r := f.call(leaderA(1), "grantCapital", recNC(1), uint64(1), uint64(0), uint64(0)); !strings.Contains(r, "would commit 1000001") {
		t.Fatalf("one gas over: %q", r)
	}
}

// TestCapitalBudgetMotion: moveCapitalBudget by a present member, refused
// for an unknown collective or outside a meeting, carried when passed.
func TestCapitalBudgetMotion(t *testing.T) {
	f := newFixture(t, func(g *Founding) { delete(g.Budgets, "cso") })
	if b, c := f.budget("cso"); b != 0 || c != 1_000_000 {
		t.Fatalf("a collective without a genesis budget: budget %d committed %d, want 0 and its founding grants", b, c)
	}
	if _, r := f.call(leaderA(3), "grantCapital", recNC(3), uint64(1), uint64(0), uint64(0)); !strings.Contains(r, "capital budget is 0 gas per epoch") {
		t.Fatalf("grant without a budget: %q", r)
	}
	if _, r := f.call(ncSeat(0), "moveCapitalBudget", uint64(1), "cso", uint64(5)); r != "meeting 1 does not exist" {
		t.Fatalf("outside a meeting: %q", r)
	}
	m := f.meeting(council()...)
	if _, r := f.call(ncSeat(0), "moveCapitalBudget", m, "nope", uint64(5)); r != `collective "nope" does not exist` {
		t.Fatalf("unknown collective: %q", r)
	}
	if _, r := f.call(leaderA(3), "moveCapitalBudget", m, "cso", uint64(5)); r != "not a member of the Executive Council" {
		t.Fatalf("by a leader: %q", r)
	}
	id := f.must(pcSeat(2), "moveCapitalBudget", m, "cso", uint64(3_000_000))[0].(uint64)
	if got := f.view("motion", id); MotionKind(got[1].(uint8)) != MotionCapitalBudget {
		t.Fatalf("motion kind %v", got[1])
	}
	for _, a := range council()[:5] {
		f.must(a, "vote", id, true)
	}
	f.st.SetTxContext(common.Hash{2}, 0, 0)
	if r := f.decide(m, id); r != "" {
		t.Fatal(r)
	}
	var set bool
	for _, l := range f.st.Logs() {
		if l.Topics[0] == ABI.Events["CapitalBudgetSet"].ID {
			vals, _ := ABI.Events["CapitalBudgetSet"].Inputs.Unpack(l.Data)
			set = vals[0].(string) == "cso" && vals[1].(uint64) == 3_000_000 && vals[2].(uint64) == 1_000_000
		}
	}
	if !set {
		t.Fatal("no CapitalBudgetSet(cso, 3000000, 1000000)")
	}
	got := f.view("capitalBudget", "cso")
	if got[0].(uint64) != 3_000_000 || got[1].(uint64) != 1_000_000 || got[2].(uint64) != f.env.Time/1000 || got[3].(uint64) != (f.env.Time/1000+1)*1000 {
		t.Fatalf("capitalBudget(cso) = %v", got)
	}
	f.must(leaderA(3), "grantCapital", recNC(3), uint64(2_000_000), uint64(0), uint64(0))
}

// TestCapitalRequests: a request is open until granted, declined or
// withdrawn; each move is by whom it may be, and the views list requests
// by collective and status.
func TestCapitalRequests(t *testing.T) {
	f := newFixture(t)
	if _, r := f.call(plain, "requestCapital", uint64(0), h32); r != "a request asks for some gas per epoch, not 0" {
		t.Fatalf("zero: %q", r)
	}
	if _, r := f.call(stranger, "requestCapital", uint64(5), h32); !strings.Contains(r, "belongs to no member or project") {
		t.Fatalf("stranger: %q", r)
	}
	for range 3 {
		f.must(plain, "requestCapital", uint64(300_000), h32)
	}
	f.must(projB, "requestCapital", uint64(50_000), h32) // request 4
	f.must(leaderA(0), "requestCapital", uint64(1), h32) // 5, public
	list := func(coll string, st CapitalRequestStatus) []uint64 {
		t.Helper()
		return f.view("capitalRequests", coll, uint8(st), [32]byte{}, uint32(0))[0].([]uint64)
	}
	if got := list("academic", CapitalRequestOpen); len(got) != 4 || got[3] != 4 {
		t.Fatalf("open in academic: %v", got)
	}
	// Paginated.
	page := f.view("capitalRequests", "academic", uint8(CapitalRequestOpen), [32]byte{}, uint32(3))
	if ids, next := page[0].([]uint64), page[1].([32]byte); len(ids) != 3 || next == ([32]byte{}) {
		t.Fatalf("first page %v", page)
	} else if rest := f.view("capitalRequests", "academic", uint8(CapitalRequestOpen), next, uint32(3)); len(rest[0].([]uint64)) != 1 || rest[1].([32]byte) != ([32]byte{}) {
		t.Fatalf("second page %v", rest)
	}

	// Decline: by a leader of the record's collective only, once.
	if _, r := f.call(leaderA(0), "declineCapitalRequest", uint64(1), h32); r != "not a leader of collective academic" {
		t.Fatalf("decline by another collective's leader: %q", r)
	}
	if _, r := f.call(leaderA(1), "declineCapitalRequest", uint64(9), h32); r != "capital request 9 does not exist" {
		t.Fatalf("decline unknown: %q", r)
	}
	f.must(leaderB(1), "declineCapitalRequest", uint64(1), h32)
	if _, r := f.call(leaderA(1), "declineCapitalRequest", uint64(1), h32); r != "capital request 1 is declined, not open" {
		t.Fatalf("decline twice: %q", r)
	}
	// Withdraw: by the requesting record's accounts only.
	if _, r := f.call(leaderA(1), "withdrawCapitalRequest", uint64(2)); r != "capital request 2 is record 19's: only its accounts withdraw it" {
		t.Fatalf("withdraw by a leader: %q", r)
	}
	f.must(plain, "withdrawCapitalRequest", uint64(2))
	if _, r := f.call(plain, "withdrawCapitalRequest", uint64(2)); r != "capital request 2 is withdrawn, not open" {
		t.Fatalf("withdraw twice: %q", r)
	}
	f.must(projA, "withdrawCapitalRequest", uint64(4)) // another account of the project
	// Grant answering request 3.
	f.must(leaderA(1), "grantCapital", uint64(recPlain), uint64(250_000), uint64(0), uint64(3))
	if _, r := f.call(leaderA(1), "withdrawCapitalRequest", uint64(3)); r != "capital request 3 is granted, not open" {
		t.Fatalf("withdraw granted: %q", r)
	}

	now := f.env.Time
	want := map[uint64][]any{
		1: {uint64(recPlain), uint64(300_000), h32, now, uint8(CapitalRequestDeclined), recLeaderA(1) + 1, uint64(0)},
		2: {uint64(recPlain), uint64(300_000), h32, now, uint8(CapitalRequestWithdrawn), uint64(0), uint64(0)},
		3: {uint64(recPlain), uint64(300_000), h32, now, uint8(CapitalRequestGranted), recLeaderA(1), uint64(250_000)},
		5: {recLeaderA(0), uint64(1), h32, now, uint8(CapitalRequestOpen), uint64(0), uint64(0)},
	}
	for id, w := range want {
		got := f.view("capitalRequest", id)
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("capitalRequest(%d)[%d] = %v, want %v", id, i, got[i], w[i])
			}
		}
	}
	for st, ids := range map[CapitalRequestStatus][]uint64{
		CapitalRequestOpen: {}, CapitalRequestGranted: {3}, CapitalRequestDeclined: {1}, CapitalRequestWithdrawn: {2, 4},
	} {
		if got := list("academic", st); len(got) != len(ids) || (len(ids) > 0 && got[len(got)-1] != ids[len(ids)-1]) {
			t.Errorf("academic %s: %v, want %v", st, got, ids)
		}
	}
	if got := list("public", CapitalRequestOpen); len(got) != 1 || got[0] != 5 {
		t.Errorf("public open: %v", got)
	}
	if got := f.view("capitalRequest", uint64(77)); got[0].(uint64) != 0 || got[4].(uint8) != 0 {
		t.Errorf("no such request: %v", got)
	}
}

// TestGenesisBudgets: genesis sets budgets that its founding grants fit.
func TestGenesisBudgets(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Founding)
		err  string
	}{
		{func(g *Founding) { g.Budgets["academic"] = 1_199_999 }, "budgets.academic: the founding grants of its records commit 1200000 gas per epoch, more than its budget 1199999"},
		{func(g *Founding) { g.Budgets["nope"] = 1 }, `budgets.nope: collective "nope" is not listed`},
		{func(g *Founding) { g.Records[1].GasPerEpoch = 1<<64 - 1 }, "overflows its collective's committed capital"},
	} {
		g := testGenesis()
		tc.edit(g)
		if err := ApplyGenesis(newStateDB(t), g, DefaultGasLimit); !errors.Is(err, ErrGenesis) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ApplyGenesis: %v, want %q", err, tc.err)
		}
	}
	f := newFixture(t, func(g *Founding) { g.Budgets["academic"] = 1_200_000 })
	if b, c := f.budget("academic"); b != 1_200_000 || c != 1_200_000 {
		t.Fatalf("budget %d committed %d", b, c)
	}
}
