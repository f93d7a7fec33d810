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
	recs   []uint64 // academic's members
	accts  map[uint64]common.Address
	to     map[uint64]uint64 // delegation in academic
	net    map[uint64]uint64 // delegation in the network (must not count)
	vote   map[uint64]uint64 // 1 yes, 2 no
	status map[uint64]RecordStatus
}

// carrier is the voter whose vote carries m's weight (0: none): the first
// active direct voter on m's chain, m included, for an active m.
func (r *refModel) carrier(m uint64) uint64 {
	if r.status[m] != StatusActive {
		return 0
	}
	x := m
	for range len(r.recs) + 1 { // a longer walk is in a cycle
		if r.vote[x] != 0 && r.status[x] == StatusActive {
			return x
		}
		if x = r.to[x]; x == 0 {
			return 0
		}
	}
	return 0
}

func (r *refModel) tally() Tally {
	var t Tally
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

// runDelegation drives a renewal ballot of academic with n extra members
// through ops (three bytes each: what, who, whom): delegations in academic
// and in the network, revocations, votes, suspensions and reinstatements.
// Every call is refused exactly when the reference says it must be; at the
// ballot's end, the chain view of every member and the tally of the end of
// the block equal the reference's.
func runDelegation(t testing.TB, n int, ops []byte) {
	f := delegationFixture(t, n)
	r := &refModel{accts: map[uint64]common.Address{}, to: map[uint64]uint64{}, net: map[uint64]uint64{},
		vote: map[uint64]uint64{}, status: map[uint64]RecordStatus{}}
	for _, a := range []common.Address{leaderA(1), leaderB(1), ncSeat(1), pcSeat(1), advisor, plain} {
		id := (&store{st: f.st}).recordOf(a)
		r.recs, r.accts[id] = append(r.recs, id), a
	}
	for i := range n {
		r.recs, r.accts[delegRec(i)] = append(r.recs, delegRec(i)), delegAcct(i)
	}
	for _, m := range r.recs {
		r.status[m] = StatusActive
	}
	b := f.must(secretary, "openRenewalBallot", recLeaderA(1))[0].(uint64)
	s := &store{st: f.st}

	try := func(want string, from common.Address, method string, a ...any) {
		t.Helper()
		_, got := f.call(from, method, a...)
		if (got == "") != (want == "") || !strings.Contains(got, want) {
			t.Fatalf("%s%v by %s: reverted %q, want %q", method, a, from, got, want)
		}
	}
	for len(ops) >= 3 {
		what, who, whom := ops[0]%6, r.recs[int(ops[1])%len(r.recs)], r.recs[int(ops[2])%len(r.recs)]
		ops = ops[3:]
		from := r.accts[who]
		inactive := fmt.Sprintf("record %d is %s", who, r.status[who])
		switch what {
		case 0, 4: // delegate, in academic or in the network
			scope, m := "academic", r.to
			if what == 4 {
				scope, m = "", r.net
			}
			switch {
			case r.status[who] != StatusActive:
				try(inactive, from, "delegate", scope, whom)
			case who == whom:
				try("cannot delegate to itself", from, "delegate", scope, whom)
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
				try(inactive, from, "revokeDelegation", "academic")
			case r.to[who] == 0:
				try("delegates to no one", from, "revokeDelegation", "academic")
			default:
				try("", from, "revokeDelegation", "academic")
				delete(r.to, who)
			}
		case 2: // vote
			opt := uint64(whom%2) + 1
			switch {
			case r.status[who] != StatusActive:
				try(inactive, from, "castBallot", b, opt == 1)
			case r.vote[who] == opt:
				try("already voted", from, "castBallot", b, opt == 1)
			default:
				try("", from, "castBallot", b, opt == 1)
				r.vote[who] = opt
			}
		case 3, 5: // suspend or remove, or reinstate (the commission's and plenary's flows are tested elsewhere)
			st := StatusActive
			if r.status[who] == StatusActive {
				st = StatusSuspended + RecordStatus(what/5)
			}
			s.setU64(key("rec.status", who), uint64(st))
			r.status[who] = st
		}
	}

	for _, m := range r.recs {
		out := f.view("delegationChain", m, "academic", b, [32]byte{}, uint32(0))
		if got, want := out[1].(uint64), r.carrier(m); got != want {
			t.Fatalf("delegationChain(%d) carried by %d (chain %v), want %d", m, got, out[0], want)
		}
	}
	f.past(f.view("ballot", b)[5].(uint64))
	f.c.EndBlock(f.env, f.st)
	want := r.tally()
	got := f.view("ballotTally", b)
	if got[0].(uint32) != uint32(want.Direct[0]) || got[1].(uint32) != uint32(want.Delegated[0]) ||
		got[2].(uint32) != uint32(want.Direct[1]) || got[3].(uint32) != uint32(want.Delegated[1]) {
		t.Fatalf("tally %v, want direct %v delegated %v", got, want.Direct, want.Delegated)
	}
	electorate := uint64(len(r.recs))
	passed := want.Total(0) > want.Total(1) && want.Total(0)+want.Total(1) >= ballotTurnout(electorate)
	if st := BallotStatus(f.view("ballot", b)[1].(uint8)); st != map[bool]BallotStatus{true: BallotPassed, false: BallotFailed}[passed] {
		t.Fatalf("ballot %s, want passed %v with %v of %d", st, passed, want, electorate)
	}
}

// TestDelegationTallyMatchesReference: random delegation graphs — chains,
// cycles, overrides, revocations, suspended and removed delegates — counted
// by the contract and by the naive reference give the same tally.
func TestDelegationTallyMatchesReference(t *testing.T) {
	rounds := 300
	if testing.Short() {
		rounds = 40
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
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runDelegation(t, n, ops) })
	}
}

func FuzzDelegationTally(f *testing.F) {
	f.Add(byte(4), []byte{0, 6, 7, 0, 7, 8, 2, 8, 0, 0, 8, 6, 2, 6, 1})
	f.Add(byte(9), []byte{0, 0, 1, 0, 1, 2, 0, 2, 0, 2, 3, 1, 3, 2, 0, 3, 0, 0})
	f.Fuzz(func(t *testing.T, n byte, ops []byte) {
		runDelegation(t, 1+int(n)%40, ops[:min(len(ops), 600)])
	})
}

// TestDelegationRules: scopes, targets and the hold while a ended ballot is
// counted.
func TestDelegationRules(t *testing.T) {
	f := delegationFixture(t, 2)
	f.refused("is a project, not a member", projA, "delegate", "", uint64(recPlain))
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
