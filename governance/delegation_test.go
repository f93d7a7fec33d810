package governance

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// delegAcct is the account of the i-th extra member of academic in a
// delegation fixture; its record is delegRec(i).
func delegAcct(i int) common.Address {
	return common.BytesToAddress([]byte{0xAA, 'D', byte(i >> 16), byte(i >> 8), byte(i)})
}
func delegRec(i int) uint64 { return recProject + 1 + uint64(i) }

// delegationFixture is the test genesis with n more members of academic.
func delegationFixture(t testing.TB, n int) *fixture {
	return newFixture(t, func(g *Founding) {
		for i := range n {
			g.Records = append(g.Records, FoundingRecord{Kind: KindIndividual, Collective: "academic", Accounts: []common.Address{delegAcct(i)}})
		}
	})
}

// refModel is the naive reference of liquid democracy: it knows each
// member's delegation, vote and standing, and counts by following each
// member's chain on its own.
type refModel struct {
	scope   string   // the ballot's
	recs    []uint64 // the ballot's electorate
	options int
	accts   map[uint64]common.Address
	coll    map[uint64]string
	to      map[uint64]uint64 // delegation in the ballot's scope
	other   map[uint64]uint64 // in another scope: must not count
	vote    map[uint64]uint64 // the option voted
	status  map[uint64]RecordStatus
	version uint64            // the code of ethics in force (0: none)
	ethics  map[uint64]uint64 // the version each accepted
}

// counts: active, and the code in force accepted.
func (r *refModel) counts(m uint64) bool {
	return r.status[m] == StatusActive && (r.version == 0 || r.ethics[m] == r.version)
}

// carrier is the voter whose vote carries m's weight (0: none): the first
// active direct voter on m's chain, m included, for an active m.
func (r *refModel) carrier(m uint64) uint64 {
	if !r.counts(m) {
		return 0
	}
	x := m
	for range len(r.recs) + 1 { // a longer walk is in a cycle
		if r.vote[x] != 0 && r.counts(x) {
			return x
		}
		if x = r.to[x]; x == 0 {
			return 0
		}
	}
	return 0
}

func (r *refModel) tally() Tally {
	t := Tally{Direct: make([]uint64, r.options), Delegated: make([]uint64, r.options)}
	for _, m := range r.recs {
		v := r.carrier(m)
		if v == 0 {
			continue
		}
		if v == m {
			t.Direct[r.vote[v]-1]++
		} else {
			t.Delegated[r.vote[v]-1]++
		}
	}
	return t
}

// Ballots the property test drives.
const (
	renewalBallot = iota // of academic, yes or no
	leadersBallot        // a question of academic, by a leader
	plenaryBallot        // a question of the network, by the plenary
	ballotOrigins
)

// runDelegation drives a ballot of origin with options (renewal: 2) and n
// extra members of academic through ops (three bytes each: what, who,
// whom): delegations in the ballot's scope and in another, revocations,
// votes, suspensions, removals and reinstatements. Every call is refused
// exactly when the reference says it must be; at the ballot's end, the
// chain view of every member and the tally of the end of the block equal
// the reference's.
func runDelegation(t testing.TB, n, origin, options int, ops []byte) {
	f := delegationFixture(t, n)
	s := &store{st: f.st}
	r := &refModel{options: options, accts: map[uint64]common.Address{}, coll: map[uint64]string{},
		to: map[uint64]uint64{}, other: map[uint64]uint64{}, vote: map[uint64]uint64{}, status: map[uint64]RecordStatus{},
		ethics: map[uint64]uint64{}}
	var b uint64
	switch origin {
	case renewalBallot:
		r.scope, r.options = "academic", 2
		b = f.must(secretary, "openRenewalBallot", recLeaderA(1))[0].(uint64)
	case leadersBallot:
		r.scope = "academic"
		b = f.must(leaderB(1), "openBallot", "academic", h32, "https://q", uint16(options), f.env.Time+3600, uint32(0))[0].(uint64)
	case plenaryBallot:
		m := f.meeting(council()...)
		mot := f.must(ncSeat(0), "moveBallot", m, h32, "https://q", uint16(options), uint64(3600), uint32(0))[0].(uint64)
		for _, a := range council()[:5] {
			f.must(a, "vote", mot, true)
		}
		if reason := f.decide(m, mot); reason != "" {
			t.Fatalf("decide the ballot's motion: %s", reason)
		}
		b = s.u64(key("seq.ballot"))
	}
	for _, c := range colls {
		if r.scope != "" && c != r.scope {
			continue
		}
		for _, id := range s.collMembers(c).u64s() {
			r.recs = append(r.recs, id)
			r.accts[id], r.coll[id], r.status[id] = s.accounts(id)[0], c, StatusActive
		}
	}

	try := func(want string, from common.Address, method string, a ...any) {
		t.Helper()
		_, got := f.call(from, method, a...)
		if (got == "") != (want == "") || !strings.Contains(got, want) {
			t.Fatalf("%s%v by %s: reverted %q, want %q", method, a, from, got, want)
		}
	}
	for len(ops) >= 3 {
		what, who, whom := ops[0]%7, r.recs[int(ops[1])%len(r.recs)], r.recs[int(ops[2])%len(r.recs)]
		ops = ops[3:]
		from := r.accts[who]
		inactive := fmt.Sprintf("record %d is %s", who, r.status[who])
		switch what {
		case 0, 4: // delegate, in the ballot's scope or another
			scope, m := r.scope, r.to
			if what == 4 {
				scope, m = "", r.other
				if r.scope == "" {
					scope = r.coll[who]
				}
			}
			switch {
			case r.status[who] != StatusActive:
				try(inactive, from, "delegate", scope, whom)
			case who == whom:
				try("cannot delegate to itself", from, "delegate", scope, whom)
			case scope != "" && r.coll[whom] != scope:
				try(fmt.Sprintf("record %d is not a member of collective %s", whom, scope), from, "delegate", scope, whom)
			case r.status[whom] != StatusActive:
				try("delegate to an active member", from, "delegate", scope, whom)
			case m[who] == whom:
				try("already delegates", from, "delegate", scope, whom)
			default:
				try("", from, "delegate", scope, whom)
				m[who] = whom
			}
		case 1: // revoke
			switch {
			case r.status[who] != StatusActive:
				try(inactive, from, "revokeDelegation", r.scope)
			case r.to[who] == 0:
				try("delegates to no one", from, "revokeDelegation", r.scope)
			default:
				try("", from, "revokeDelegation", r.scope)
				delete(r.to, who)
			}
		case 2: // vote
			opt := uint64(whom)%uint64(r.options) + 1
			vote := func(want string) {
				t.Helper()
				if r.options == 2 && whom%2 == 0 { // yes or no
					try(want, from, "castBallot", b, opt == 1)
				} else {
					try(want, from, "voteBallot", b, uint16(opt))
				}
			}
			switch {
			case r.status[who] != StatusActive:
				vote(inactive)
			case !r.counts(who):
				vote("has not accepted the code of ethics in force")
			case r.vote[who] == opt:
				vote("already voted")
			default:
				vote("")
				r.vote[who] = opt
			}
		case 3, 5: // suspend or remove, or reinstate (the commission's and plenary's flows are tested elsewhere)
			st := StatusActive
			if r.status[who] == StatusActive {
				st = StatusSuspended + RecordStatus(what/5)
			}
			s.setU64(key("rec.status", who), uint64(st))
			r.status[who] = st
		case 6: // a new code of ethics in force (as a passed motion would), or an acceptance
			if r.version == 0 || whom%4 == 0 {
				r.version++
				s.setU64(key("eth.version"), r.version)
				break
			}
			switch {
			case r.status[who] != StatusActive:
				try(inactive, from, "acceptEthics", r.version)
			case r.ethics[who] == r.version:
				try("already accepted", from, "acceptEthics", r.version)
			default:
				try("", from, "acceptEthics", r.version)
				r.ethics[who] = r.version
			}
		}
	}

	for _, m := range r.recs {
		out := f.view("delegationChain", m, r.scope, b, [32]byte{}, uint32(0))
		if got, want := out[1].(uint64), r.carrier(m); got != want {
			t.Fatalf("delegationChain(%d) carried by %d (chain %v), want %d", m, got, out[0], want)
		}
	}
	f.past(f.view("ballot", b)[5].(uint64))
	f.c.EndBlock(f.env, f.st)
	want := r.tally()
	got := f.view("ballotTally", b)
	direct, delegated := got[0].([]uint32), got[1].([]uint32)
	for i := range r.options {
		if uint64(direct[i]) != want.Direct[i] || uint64(delegated[i]) != want.Delegated[i] {
			t.Fatalf("tally direct %v delegated %v, want %v %v", direct, delegated, want.Direct, want.Delegated)
		}
	}
	electorate := uint64(len(r.recs))
	winner := want.Winner()
	if want.Turnout() < ballotTurnout(electorate) {
		winner = 0
	}
	passed := winner != 0 && (origin != renewalBallot || winner == 1)
	if got[2].(uint32) != uint32(electorate) || got[4].(uint16) != winner {
		t.Fatalf("ballotTally %v: want electorate %d, winner %d", got, electorate, winner)
	}
	if st := BallotStatus(f.view("ballot", b)[1].(uint8)); st != map[bool]BallotStatus{true: BallotPassed, false: BallotFailed}[passed] {
		t.Fatalf("ballot %s, want passed %v with %v of %d", st, passed, want, electorate)
	}
}

// TestDelegationTallyMatchesReference: random delegation graphs — chains,
// cycles, overrides, revocations, suspended and removed delegates, members
// that have not accepted a new code of ethics — counted
// by the contract and by the naive reference give the same tally, for each
// kind of ballot.
func TestDelegationTallyMatchesReference(t *testing.T) {
	rounds := 300
	if testing.Short() {
		rounds = 60
	}
	for seed := range uint64(rounds) {
		rng := rand.New(rand.NewPCG(seed, 12))
		n := 1 + rng.IntN(30)
		ops := make([]byte, 3*rng.IntN(150))
		for i := range ops {
			ops[i] = byte(rng.Uint32())
		}
		// Most steps delegate or vote, so chains grow long.
		for i := 0; i < len(ops); i += 3 {
			if rng.IntN(3) == 0 {
				ops[i] = 0
			}
		}
		origin, options := int(seed%ballotOrigins), 2+rng.IntN(4)
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runDelegation(t, n, origin, options, ops) })
	}
}

func FuzzDelegationTally(f *testing.F) {
	f.Add(byte(4), byte(0), []byte{0, 6, 7, 0, 7, 8, 2, 8, 0, 0, 8, 6, 2, 6, 1})
	f.Add(byte(9), byte(5), []byte{0, 0, 1, 0, 1, 2, 0, 2, 0, 2, 3, 1, 3, 2, 0, 3, 0, 0})
	f.Add(byte(2), byte(10), []byte{0, 1, 2, 4, 2, 3, 2, 3, 9, 3, 1, 0, 2, 1, 5})
	f.Fuzz(func(t *testing.T, n, kind byte, ops []byte) {
		runDelegation(t, 1+int(n)%40, int(kind)%ballotOrigins, 2+int(kind/ballotOrigins)%(maxBallotOptions-1), ops[:min(len(ops), 600)])
	})
}

// TestDelegationRules: scopes, targets and the hold while a ended ballot is
// counted.
func TestDelegationRules(t *testing.T) {
	f := delegationFixture(t, 2)
	f.refused("record 20 is not a member of a collective", projA, "delegate", "", uint64(recPlain))
	f.refused("not a member of collective public", plain, "delegate", "public", recLeaderA(0))
	f.refused("record 1 is not a member of collective academic", plain, "delegate", "academic", recLeaderA(0))
	f.refused("record 20 is not a member", plain, "delegate", "", uint64(recProject))
	f.refused("record 99 is not a member", plain, "delegate", "", uint64(99))
	f.must(plain, "delegate", "", recLeaderA(0)) // the network: any member
	f.must(plain, "delegate", "academic", delegRec(0))
	if d := f.view("delegation", uint64(recPlain), "academic"); d[0].(uint64) != delegRec(0) {
		t.Fatalf("delegation %v", d)
	}
	if d := f.view("delegators", delegRec(0), "academic", [32]byte{}, uint32(10)); len(d[0].([]uint64)) != 1 {
		t.Fatalf("delegators %v", d)
	}
	if f.countEvents("Delegated") != 2 {
		t.Fatal("no Delegated events")
	}
	b := f.must(secretary, "openRenewalBallot", recLeaderA(1))[0].(uint64)
	end := f.view("ballot", b)[5].(uint64)
	f.past(end)
	// In the block that passes the end, the ballot's scope holds still until
	// the end of the block counts it; the network's does not.
	f.refused("ended at", plain, "delegate", "academic", delegRec(1))
	f.refused("ended at", plain, "revokeDelegation", "academic")
	f.must(plain, "delegate", "", delegRec(1))
	fx := f.c.EndBlock(f.env, f.st)
	closed := false
	for _, e := range fx.Events {
		closed = closed || e.Name == "BallotClosed"
	}
	if !closed || BallotStatus(f.view("ballot", b)[1].(uint8)) == BallotOpen {
		t.Fatal("the end of the block did not close the ballot")
	}
	f.must(plain, "revokeDelegation", "academic")
	// A long chain is answered in pages.
	f.must(delegAcct(0), "delegate", "academic", delegRec(1))
	f.must(plain, "delegate", "academic", delegRec(0))
	page := f.view("delegationChain", uint64(recPlain), "academic", uint64(0), [32]byte{}, uint32(1))
	if c := page[0].([]uint64); len(c) != 1 || c[0] != delegRec(0) || page[2].([32]byte) == ([32]byte{}) {
		t.Fatalf("first page %v", page)
	}
	page = f.view("delegationChain", uint64(recPlain), "academic", uint64(0), page[2].([32]byte), uint32(1))
	if c := page[0].([]uint64); len(c) != 1 || c[0] != delegRec(1) || page[2].([32]byte) != ([32]byte{}) {
		t.Fatalf("second page %v", page)
	}
}

// BenchmarkBallotClose10k closes a renewal ballot of a collective of
// 10,000 members in ten chains of 1,000 delegations, the head of each
// voting, and reports the close's gas as the contract counts it.
func BenchmarkBallotClose10k(b *testing.B) {
	const members, depth = 10_000, 1_000
	f := delegationFixture(b, members)
	for i := range members {
		if i%depth != 0 {
			f.must(delegAcct(i), "delegate", "academic", delegRec(i-1))
		}
	}
	ballot := f.must(secretary, "openRenewalBallot", recLeaderA(1))[0].(uint64)
	for i := 0; i < members; i += depth {
		f.must(delegAcct(i), "castBallot", ballot, i%(2*depth) == 0)
	}
	f.past(f.view("ballot", ballot)[5].(uint64))
	input, err := ABI.Pack("closeBallot", ballot)
	if err != nil {
		b.Fatal(err)
	}
	var gas uint64
	b.ResetTimer()
	for b.Loop() {
		snap := f.st.Snapshot()
		_, left, err := f.c.Call(f.env, f.st, stranger, input, 1<<40)
		if err != nil {
			b.Fatal(err)
		}
		gas = 1<<40 - left
		f.st.RevertToSnapshot(snap)
	}
	b.ReportMetric(float64(gas), "gas/close")
	b.ReportMetric(float64(gas)/members, "gas/member")
}

// TestQuestionBallots: who asks a question and on what terms, who votes,
// the quorum, a tie, and a question of the network moved in plenary.
func TestQuestionBallots(t *testing.T) {
	f := delegationFixture(t, 3)
	end := f.env.Time + 3600
	open := func(from common.Address, coll string, opts uint16, end uint64, quorum uint32) []any {
		t.Helper()
		return []any{from, "openBallot", coll, h32, "https://q", opts, end, quorum}
	}
	for _, c := range []struct {
		want string
		call []any
	}{
		{"not a leader of collective public", open(leaderA(1), "public", 3, end, 0)},
		{"not a leader of collective academic", open(plain, "academic", 3, end, 0)},
		{"a question has 2 to 16 options, not 1", open(leaderA(1), "academic", 1, end, 0)},
		{"a question has 2 to 16 options, not 17", open(leaderA(1), "academic", 17, end, 0)},
		{"a ballot ends from a minute to 60 days", open(leaderA(1), "academic", 3, f.env.Time+59, 0)},
		{"a ballot ends from a minute to 60 days", open(leaderA(1), "academic", 3, f.env.Time+maxBallotSpan+1, 0)},
		{"a quorum of 1001‰ is more than the electorate", open(leaderA(1), "academic", 3, end, 1001)},
		{"the question's commitment is empty", []any{leaderA(1), "openBallot", "academic", [32]byte{}, "https://q", uint16(3), end, uint32(0)}},
	} {
		f.refused(c.want, c.call[0].(common.Address), c.call[1].(string), c.call[2:]...)
	}
	// academic has 9 members: a quorum of 1000‰ needs all of them.
	all := f.must(leaderA(1), "openBallot", "academic", h32, "https://q", uint16(3), end, uint32(1000))[0].(uint64)
	tie := f.must(leaderB(1), "openBallot", "academic", h32, "https://q", uint16(2), end, uint32(0))[0].(uint64)
	if q := f.view("ballotTally", all); q[2].(uint32) != 9 || q[3].(uint32) != 9 {
		t.Fatalf("electorate and quorum %v, want 9 and 9", q)
	}
	if q := f.view("ballotQuestion", all); q[1].(string) != "https://q" || q[2].(uint16) != 3 {
		t.Fatalf("ballotQuestion %v", q)
	}
	f.refused("ballot 1 has options 1 to 3, not 0", plain, "voteBallot", all, uint16(0))
	f.refused("ballot 1 has options 1 to 3, not 4", plain, "voteBallot", all, uint16(4))
	f.refused("record 1 is not a member of collective academic", leaderA(0), "voteBallot", all, uint16(1))
	f.refused("record 20 is not a member of collective academic", projA, "voteBallot", all, uint16(1))
	for _, a := range []common.Address{plain, advisor, delegAcct(0), delegAcct(1)} {
		f.must(a, "voteBallot", all, uint16(3))
	}
	f.must(plain, "castBallot", tie, true)
	f.must(advisor, "castBallot", tie, false)
	// Six more questions fill academic's eight.
	for range maxOpenQuestions - 2 {
		f.must(leaderA(1), "openBallot", "academic", h32, "https://q", uint16(2), end, uint32(0))
	}
	f.refused("collective academic has 8 open questions, the most allowed", leaderA(1), "openBallot", "academic", h32, "https://q", uint16(2), end, uint32(0))
	if ids := f.view("openBallots", [32]byte{}, uint32(0))[0].([]uint64); len(ids) != maxOpenQuestions {
		t.Fatalf("openBallots %v", ids)
	}

	// The network's question, moved in plenary: any member votes.
	m := f.meeting(council()...)
	f.refused("a ballot runs from a minute to 60 days, not 59 seconds", ncSeat(0), "moveBallot", m, h32, "https://q", uint16(2), uint64(59), uint32(0))
	mot := f.must(ncSeat(0), "moveBallot", m, h32, "https://q", uint16(2), uint64(3600), uint32(0))[0].(uint64)
	for _, a := range council()[:5] {
		f.must(a, "vote", mot, true)
	}
	if reason := f.decide(m, mot); reason != "" {
		t.Fatal(reason)
	}
	network := f.view("openBallots", [32]byte{}, uint32(0))[0].([]uint64)[maxOpenQuestions]
	if b := f.view("ballot", network); b[2].(string) != "" || b[3].(uint64) != mot || b[8].(uint32) != 22 {
		t.Fatalf("the network's ballot %v: want scope \"\", subject motion %d, electorate 22 members", b, mot)
	}
	if c := f.view("motionContent", mot); c[7].(uint64) != f.view("ballot", network)[5].(uint64) || c[10].(uint64) != 2 {
		t.Fatalf("motionContent %v", c)
	}
	f.must(leaderA(0), "voteBallot", network, uint16(2))
	f.must(plain, "voteBallot", network, uint16(2))
	f.refused("record 20 is not a member of the network", projA, "voteBallot", network, uint16(1))

	f.past(f.view("ballot", network)[5].(uint64))
	for range 6 { // ten ballots, two a block
		f.c.EndBlock(f.env, f.st)
		f.env.Number++
	}
	if q := f.view("ballotTally", all); q[4].(uint16) != 0 || BallotStatus(f.view("ballot", all)[1].(uint8)) != BallotFailed {
		t.Fatalf("4 of 9 votes with a quorum of all: %v", q)
	}
	if q := f.view("ballotTally", tie); q[4].(uint16) != 0 || BallotStatus(f.view("ballot", tie)[1].(uint8)) != BallotFailed {
		t.Fatalf("a tie: %v", q)
	}
	if q := f.view("ballotTally", network); q[4].(uint16) != 0 { // 2 of 22: short of a third
		t.Fatalf("the network's, short of its quorum: %v", q)
	}
	if ids := f.view("openBallots", [32]byte{}, uint32(0))[0].([]uint64); len(ids) != 0 {
		t.Fatalf("still open: %v", ids)
	}
}
