package governance

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// countEvents counts the logs of event name kept so far.
func (f *fixture) countEvents(name string) int {
	n := 0
	for _, l := range f.st.Logs() {
		if len(l.Topics) > 0 && l.Topics[0] == ABI.Events[name].ID {
			n++
		}
	}
	return n
}

// refused sends method and fails the test unless it reverts with a reason
// containing want.
func (f *fixture) refused(want string, from common.Address, method string, a ...any) {
	f.t.Helper()
	if _, r := f.call(from, method, a...); !strings.Contains(r, want) {
		f.t.Errorf("%s: reason %q, want %q", method, r, want)
	}
}

// past moves the clock to t, one block later.
func (f *fixture) past(t uint64) {
	f.env.Time, f.env.Number = max(f.env.Time, t), f.env.Number+1
}

// stand has each account stand in call id.
func (f *fixture) stand(id uint64, from ...common.Address) {
	f.t.Helper()
	for _, a := range from {
		f.must(a, "standForSeat", id, h32, "https://statement")
	}
}

// seated is the council's accounts (council()) whose seats their records
// still hold.
func (f *fixture) seated() []common.Address {
	var out []common.Address
	for c := range colls {
		if f.view("seatOf", recNC(c))[0].(uint8) != 0 {
			out = append(out, ncSeat(c))
		}
	}
	for c := range colls {
		if f.view("seatOf", recNC(c)+1)[0].(uint8) != 0 {
			out = append(out, pcSeat(c))
		}
	}
	return out
}

// electIn elects each record in call id, once its candidacies closed, in
// one meeting, and returns the reasons of the decisions ("" passed).
func (f *fixture) electIn(id uint64, recs ...uint64) []string {
	f.t.Helper()
	f.past(f.view("call", id)[4].(uint64))
	council := f.seated()
	m := f.meeting(council...)
	var mots []uint64
	for _, rec := range recs {
		mots = append(mots, f.must(council[0], "moveElect", m, id, rec)[0].(uint64))
	}
	var out []string
	for _, mot := range mots {
		for _, a := range append([]common.Address{secretary}, council[:4]...) {
			f.must(a, "vote", mot, true)
		}
	}
	for _, mot := range mots {
		out = append(out, f.decide(m, mot))
		if st := MotionStatus(f.view("motion", mot)[2].(uint8)); st != MotionPassed && out[len(out)-1] == "" {
			out[len(out)-1] = "failed"
		}
	}
	return out
}

// elect takes candidate rec (account cand) of coll through an election:
// a call opened by the collective's first leader or the secretary,
// candidacy, plenary. It returns the first refusal ("" elected).
func (f *fixture) elect(coll string, cand common.Address, rec uint64) string {
	f.t.Helper()
	opener := secretary
	if ls := f.view("collective", coll)[1].([]uint64); len(ls) > 0 {
		opener = f.view("accounts", ls[0], [32]byte{}, uint32(1))[0].([]common.Address)[0]
	}
	id, r := f.call(opener, "openCall", coll)
	if r != "" {
		return r
	}
	if _, r := f.call(cand, "standForSeat", id[0].(uint64), h32, "https://statement"); r != "" {
		return r
	}
	f.past(f.view("call", id[0].(uint64))[4].(uint64))
	council := f.seated()
	m := f.meeting(council...)
	mot, r := f.call(council[0], "moveElect", m, id[0].(uint64), rec)
	if r != "" {
		return r
	}
	for _, a := range append([]common.Address{secretary}, council[:4]...) {
		f.must(a, "vote", mot[0].(uint64), true)
	}
	if r := f.decide(m, mot[0].(uint64)); r != "" {
		return r
	}
	if st := MotionStatus(f.view("motion", mot[0].(uint64))[2].(uint8)); st != MotionPassed {
		return "motion " + st.String()
	}
	return ""
}

// intl adds a forming collective "intl" with two institutions' records
// (21, 22) and an observer node, and no leaders.
func intl(g *Founding) {
	g.Collectives = append(g.Collectives, "intl")
	g.Records = append(g.Records,
		FoundingRecord{Kind: KindInstitution, Collective: "intl", Institution: common.Hash{7}, Accounts: []common.Address{acct('I', 1)}},
		FoundingRecord{Kind: KindInstitution, Collective: "intl", Institution: common.Hash{8}, Accounts: []common.Address{acct('I', 2)}},
		FoundingRecord{Kind: KindInstitution, Collective: "intl", Institution: common.Hash{7}, Accounts: []common.Address{acct('I', 3)}})
	g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('I', 1)), Collective: "intl", Operator: 21,
		Role: NodeObserver})
}

// TestElection: an open call for a forming collective's leaders, two
// candidacies, an election in plenary: the collective is formed, each term
// is leaderTerm from the decision, and the call stays open while a seat is free.
func TestElection(t *testing.T) {
	f := newFixture(t, intl)
	id := f.must(secretary, "openCall", "intl")[0].(uint64)
	if f.countEvents("VacancyOpened") != 1 {
		t.Fatal("no VacancyOpened")
	}
	f.stand(id, acct('I', 1), acct('I', 2))
	f.must(acct('I', 3), "standForSeat", id, h32, "https://statement-3")
	f.refused("already stood", acct('I', 1), "standForSeat", id, h32, "")
	f.must(acct('I', 3), "withdrawCandidacy", id)
	f.refused("already stood", acct('I', 3), "standForSeat", id, h32, "")
	out := f.view("candidates", id, [32]byte{}, uint32(0))
	if recs := out[0].([]uint64); len(recs) != 2 || recs[0] != 21 || recs[1] != 22 || out[2].([]string)[0] != "https://statement" {
		t.Fatalf("candidates %v", out)
	}
	if r := f.electIn(id, 21, 22); r[0] != "" || r[1] != "" {
		t.Fatalf("elections: %q", r)
	}
	if !f.view("collective", "intl")[0].(bool) {
		t.Fatal("intl not formed by its two elected leaders")
	}
	term := f.view("term", RoleLeader, uint64(21))
	if want := f.env.Time + year; term[0].(uint64) != want || term[1].(bool) || term[2].(uint32) != 0 {
		t.Fatalf("term %v, want end %d", term, want)
	}
	if mc := f.view("motionContent", uint64(1)); MotionKind(mc[0].(uint8)) != MotionElect || Role(mc[4].(uint8)) != RoleLeader ||
		mc[5].(string) != "intl" || mc[6].(uint64) != 21 || mc[7].(uint64) != term[0].(uint64) {
		t.Fatalf("the election's motion content %v", mc)
	}
	c := f.view("call", id)
	if c[0].(string) != "intl" || CallStatus(c[1].(uint8)) != CallOpen || c[5].(uint32) != 0 || c[6].(uint32) != 2 {
		t.Fatalf("call %v: open (a third seat is free), 2 elected", c)
	}
	if ids := f.view("calls", [32]byte{}, uint32(10))[0].([]uint64); len(ids) != 1 || ids[0] != id {
		t.Fatalf("calls %v", ids)
	}
	// Nobody is left standing: a new call for the third seat replaces it.
	id2 := f.must(acct('I', 1), "openCall", "intl")[0].(uint64)
	if st := CallStatus(f.view("call", id)[1].(uint8)); st != CallLapsed || id2 != id+1 {
		t.Fatalf("first call %s, second %d", st, id2)
	}
	f.stand(id2, acct('I', 3)) // may stand anew in a new call
}

func TestElectionRefusals(t *testing.T) {
	f := newFixture(t, intl, func(g *Founding) {
		g.Records[recPlain-1].Institution = g.Records[recLeaderA(1)-1].Institution
		for i := range g.Seats {
			g.Seats[i].TermEnd = 100 * termEnd // no one holds over
		}
	})
	f.refused("does not exist", secretary, "openCall", "nowhere")
	f.refused("belongs to no member or project", stranger, "openCall", "academic")
	f.refused("not the Executive Secretary or a leader of collective academic", plain, "openCall", "academic")
	f.refused("not the Executive Secretary or a leader of collective academic", leaderA(0), "openCall", "academic")

	id := f.must(leaderA(1), "openCall", "academic")[0].(uint64) // 2 of 3 seats filled
	f.refused("is open (candidacies until", secretary, "openCall", "academic")
	f.refused("is not a member of collective academic", leaderA(0), "standForSeat", id, h32, "")
	f.refused("is not a member of collective academic", projA, "standForSeat", id, h32, "")
	f.refused("already leads collective academic", leaderB(1), "standForSeat", id, h32, "")
	f.refused("statement commitment is empty", plain, "standForSeat", id, [32]byte{}, "")
	f.refused("statement URI is 300 bytes", plain, "standForSeat", id, h32, strings.Repeat("x", 300))
	f.refused("call 9 does not exist", plain, "standForSeat", uint64(9), h32, "")
	f.stand(id, plain, advisor)
	f.refused("already stood", plain, "standForSeat", id, h32, "")
	f.refused("not a candidate", ncSeat(1), "withdrawCandidacy", id)

	m := f.meeting(council()[:7]...)
	f.refused("candidacies for call 1 are open until", ncSeat(0), "moveElect", m, id, uint64(recPlain))
	f.past(f.view("call", id)[4].(uint64))
	f.refused("candidacies for call 1 closed", pcSeat(1), "standForSeat", id, h32, "")
	m = f.meeting(council()[:7]...)
	f.refused("same institution as leader 5", ncSeat(0), "moveElect", m, id, uint64(recPlain))
	f.refused("not a candidate in call 1", ncSeat(0), "moveElect", m, id, uint64(recNC(1)))
	f.refused("not a member of the Executive Council", leaderA(1), "moveElect", m, id, uint64(recAdvisor))

	// The advisor is elected; the seats are full: the call closes.
	mot := f.must(ncSeat(0), "moveElect", m, id, uint64(recAdvisor))[0].(uint64)
	for _, a := range append([]common.Address{secretary}, council()[:4]...) {
		f.must(a, "vote", mot, true)
	}
	if r := f.decide(m, mot); r != "" {
		t.Fatal(r)
	}
	if st := CallStatus(f.view("call", id)[1].(uint8)); st != CallFilled {
		t.Fatalf("call %s, want filled", st)
	}
	f.refused("call 1 is filled", plain, "withdrawCandidacy", id)
	f.refused("has no vacancy: 3 leaders seated, none holding over", secretary, "openCall", "academic")

	// A call nobody stood in lapses when a new one opens after its period.
	lone := f.must(secretary, "openCall", "intl")[0].(uint64)
	f.refused("is open", secretary, "openCall", "intl")
	f.past(f.view("call", lone)[4].(uint64))
	next := f.must(secretary, "openCall", "intl")[0].(uint64)
	if st := CallStatus(f.view("call", lone)[1].(uint8)); st != CallLapsed || next != lone+1 {
		t.Fatalf("lone call %s, next %d", st, next)
	}
}

// TestElectionReplacesHoldover: with the seats full, an elected candidate
// takes the seat of a leader holding over; a decision re-checks the rules.
func TestElectionReplacesHoldover(t *testing.T) {
	f := newFixture(t, func(g *Founding) { g.Params["maxLeaders"] = 2 })
	f.refused("has no vacancy", leaderA(1), "openCall", "academic")
	f.past(termEnd) // both of academic's leaders hold over
	id := f.must(leaderA(1), "openCall", "academic")[0].(uint64)
	f.stand(id, plain)
	if r := f.electIn(id, recPlain); r[0] != "" {
		t.Fatal(r[0])
	}
	leaders := f.view("collective", "academic")[1].([]uint64)
	if len(leaders) != 2 || leaders[0] != recLeaderA(1)+1 || leaders[1] != recPlain {
		t.Fatalf("academic's leaders %v: the first holding over is replaced", leaders)
	}
	if f.view("term", RoleLeader, recLeaderA(1))[0].(uint64) != 0 {
		t.Fatal("the replaced leader keeps a term")
	}
}

// TestTermEndsIntoHoldover: EndBlock announces each term's end once, at the
// first block past it; the holder holds over, the vacancy shows, and a
// renewal ballot renews the term.
func TestTermEndsIntoHoldover(t *testing.T) {
	f := newFixture(t)
	f.env.Time = termEnd - 1
	if fx := f.c.EndBlock(f.env, f.st); len(fx.TermsEnded) != 0 {
		t.Fatalf("terms ended before their end: %v", fx.TermsEnded)
	}
	f.env.Time = termEnd
	fx := f.c.EndBlock(f.env, f.st)
	// every genesis seat: 8 leaders, 4 + 4 commission seats, the secretary, an advisor
	if len(fx.TermsEnded) != 18 {
		t.Fatalf("%d terms ended, want 18: %v", len(fx.TermsEnded), fx.TermsEnded)
	}
	if e := fx.TermsEnded[2]; e != (TermEnd{Role: RoleLeader, Collective: "academic", Record: recLeaderA(1), End: termEnd}) {
		t.Fatalf("third end %+v", e)
	}
	name, topics, _ := fx.TermsEnded[0].Log()
	if name != "TermEnded" || len(topics) != 3 {
		t.Fatalf("log %s %v", name, topics)
	}
	f.env.Time++
	if fx := f.c.EndBlock(f.env, f.st); len(fx.TermsEnded) != 0 {
		t.Fatalf("terms announced twice: %v", fx.TermsEnded)
	}
	if over := f.view("seats", RoleLeader, "academic")[2].([]bool); !over[0] || !over[1] {
		t.Fatalf("academic's leaders hold over: %v", over)
	}
	v := f.view("vacancies")
	if roles, colls, missing, over := v[0].([]uint8), v[1].([]string), v[2].([]uint32), v[3].([]uint32); len(roles) != 3*4+2 ||
		Role(roles[3]) != RoleLeader || colls[3] != "academic" || missing[3] != 1 || over[3] != 2 {
		t.Fatalf("vacancies %v", v)
	}

	// Renewed by ballot: academic has 6 members (4 seats, the advisor, the
	// institution member); 2 votes are the least turnout.
	b := f.must(leaderA(1), "openRenewalBallot", recLeaderA(1))[0].(uint64)
	f.must(leaderA(1), "castBallot", b, true)
	f.must(plain, "castBallot", b, true)
	f.must(advisor, "castBallot", b, false)
	f.past(f.view("ballot", b)[5].(uint64))
	f.must(stranger, "closeBallot", b)
	want := f.env.Time + year
	if term := f.view("term", RoleLeader, recLeaderA(1)); term[0].(uint64) != want || term[1].(bool) || term[2].(uint32) != 1 || term[3].(uint64) != 0 {
		t.Fatalf("term after renewal %v, want end %d, 1 renewal", term, want)
	}
	if f.countEvents("TermRenewed") != 1 {
		t.Fatal("no TermRenewed")
	}
	f.env.Time = want
	fx = f.c.EndBlock(f.env, f.st)
	if len(fx.TermsEnded) != 1 || fx.TermsEnded[0].Record != recLeaderA(1) || fx.TermsEnded[0].End != want {
		t.Fatalf("the renewed term's end: %v", fx.TermsEnded)
	}
}

// TestRenewalRules: who opens a ballot and when, who votes, the tally, and
// a third renewal refused.
func TestRenewalRules(t *testing.T) {
	f := newFixture(t)
	leader := recLeaderA(1)
	f.refused("record 19 is not a collective leader", secretary, "openRenewalBallot", uint64(recPlain))
	f.refused("only leader 5 or the Executive Secretary", leaderB(1), "openRenewalBallot", leader)
	b := f.must(secretary, "openRenewalBallot", leader)[0].(uint64) // genesis terms are short: in their last quarter
	f.refused("ballot 1 on leader 5's renewal is open", leaderA(1), "openRenewalBallot", leader)
	if n := f.countEvents("BallotOpened"); n != 1 {
		t.Fatalf("%d BallotOpened events for one ballot", n)
	}
	f.refused("not a member of collective academic", leaderA(0), "castBallot", b, true)
	f.refused("not a member of collective academic", projA, "castBallot", b, true)
	f.refused("ballot 9 does not exist", plain, "castBallot", uint64(9), true)
	f.must(plain, "castBallot", b, true)
	f.refused("already voted yes in ballot 1", plain, "castBallot", b, true)
	f.must(plain, "castBallot", b, false) // changed until the end
	f.must(plain, "castBallot", b, true)
	if v := f.view("ballot", b); v[6].(uint32) != 1 || v[7].(uint32) != 0 {
		t.Fatalf("one voter who changed its vote back: %v", v)
	}
	f.refused("ballot 1 runs until", plain, "closeBallot", b)
	f.past(f.view("ballot", b)[5].(uint64))
	f.refused("ballot 1 ended at", advisor, "castBallot", b, true)
	f.must(stranger, "closeBallot", b) // 1 vote of 6 members: turnout too low
	if st := BallotStatus(f.view("ballot", b)[1].(uint8)); st != BallotFailed {
		t.Fatalf("ballot %s with one vote, want failed", st)
	}
	f.refused("ballot 1 is closed (failed)", plain, "closeBallot", b)
	f.refused("ballot 1 is closed (failed)", advisor, "castBallot", b, true)

	renew := func(yes, no int) BallotStatus {
		t.Helper()
		b := f.must(leaderA(1), "openRenewalBallot", leader)[0].(uint64)
		voters := []common.Address{leaderA(1), leaderB(1), ncSeat(1), pcSeat(1), advisor, plain}
		for i := range yes + no {
			f.must(voters[i], "castBallot", b, i < yes)
		}
		f.past(f.view("ballot", b)[5].(uint64))
		f.must(stranger, "closeBallot", b)
		return BallotStatus(f.view("ballot", b)[1].(uint8))
	}
	if st := renew(2, 2); st != BallotFailed {
		t.Fatalf("a tie: %s", st)
	}
	if st := renew(2, 1); st != BallotPassed {
		t.Fatalf("2 to 1: %s", st)
	}
	f.refused("renewal ballot opens at", leaderA(1), "openRenewalBallot", leader)
	f.past(f.view("term", RoleLeader, leader)[0].(uint64) - year/4)
	if st := renew(3, 0); st != BallotPassed {
		t.Fatalf("second renewal: %s", st)
	}
	if n := f.view("term", RoleLeader, leader)[2].(uint32); n != 2 {
		t.Fatalf("%d renewals", n)
	}
	f.past(f.view("term", RoleLeader, leader)[0].(uint64))
	f.refused("renewed 2 times, the most allowed", leaderA(1), "openRenewalBallot", leader)
}

// TestResign: a holder leaves its seat; the secretary and the last Nodes
// Commission seat cannot; a formed collective left below its least leaders
// gets an open call by itself.
func TestResign(t *testing.T) {
	f := newFixture(t)
	f.refused("does not hold a seat", plain, "resign", RoleLeader, "academic")
	f.refused("does not hold a seat", leaderA(1), "resign", RoleLeader, "public")
	f.refused("role 9 is not", leaderA(1), "resign", uint8(9), "academic")
	f.refused("never left empty", secretary, "resign", RoleSecretary, "")
	for c := range 3 {
		f.must(ncSeat(c), "resign", RoleNodesCommission, colls[c])
	}
	f.refused("holds the last Nodes Commission seat and the network has nodes", ncSeat(3), "resign", RoleNodesCommission, "cso")
	m := f.meeting(pcSeat(0), pcSeat(1), pcSeat(2), pcSeat(3))
	f.refused("holds the last Nodes Commission seat", secretary, "moveUnseat", m, RoleNodesCommission, "cso", recNC(3))
	f.must(advisor, "resign", RoleAdvisory, "")
	if n := len(f.view("seats", RoleAdvisory, "")[0].([]uint64)); n != 0 {
		t.Fatalf("%d advisors", n)
	}

	f.must(leaderB(1), "resign", RoleLeader, "academic")
	id := f.view("calls", [32]byte{}, uint32(10))[0].([]uint64)
	if len(id) != 1 || f.countEvents("VacancyOpened") != 1 || f.view("call", id[0])[0].(string) != "academic" || f.view("call", id[0])[2].(uint64) != 0 {
		t.Fatalf("no call opened by the rules: %v", id)
	}
	v := f.view("vacancies")
	found := false
	for i, r := range v[0].([]uint8) {
		if Role(r) == RoleLeader && v[1].([]string)[i] == "academic" {
			found = v[2].([]uint32)[i] == 2 && v[4].([]uint64)[i] == id[0]
		}
	}
	if !found {
		t.Fatalf("academic's vacancy not listed with its call: %v", v)
	}
	f.refused("is open", leaderA(1), "openCall", "academic")
	f.stand(id[0], plain)
	if r := f.electIn(id[0], recPlain); r[0] != "" {
		t.Fatal(r[0])
	}
	if n := len(f.view("collective", "academic")[1].([]uint64)); n != 2 {
		t.Fatalf("%d leaders after the election", n)
	}
}

// TestCouncilTermFromParameters: a council seat's term is the role's term
// from the decision or the approving vote, never the mover's or proposer's.
func TestCouncilTermFromParameters(t *testing.T) {
	f := newFixture(t)
	if r := f.admit(plain); r != "" {
		t.Fatal(r)
	}
	if end, want := f.view("term", RoleAdvisory, uint64(recPlain))[0].(uint64), f.env.Time+2*365*24*3600; end != want {
		t.Fatalf("advisory term end %d, want %d", end, want)
	}
	f.past(termEnd + 7) // the founding terms are over
	cand := f.newMember("academic", acct('C', 1))
	if r := f.designate(leaderA(1), RoleProjectsCommission, "academic", cand); r != "" {
		t.Fatal(r)
	}
	if end, want := f.view("term", RoleProjectsCommission, cand)[0].(uint64), f.env.Time+2*365*24*3600; end != want {
		t.Fatalf("Projects Commission term end %d, want %d", end, want)
	}
}

// TestTermQueue: ends are announced in time order whatever the order of
// seating, at most maxTermEndsPerBlock per role and block.
func TestTermQueue(t *testing.T) {
	f := newFixture(t, func(g *Founding) {
		g.Params["maxAdvisory"] = 40
		for i := range 20 {
			g.Records = append(g.Records, FoundingRecord{Kind: KindIndividual, Collective: "cso", Accounts: []common.Address{acct('Z', i)}})
			g.Seats = append(g.Seats, FoundingSeat{Role: RoleAdvisory, Record: uint64(len(g.Records)), TermEnd: uint64(3000 - 100*i)})
		}
	})
	f.env.Time = termEnd
	fx := f.c.EndBlock(f.env, f.st)
	var adv []TermEnd
	for _, e := range fx.TermsEnded {
		if e.Role == RoleAdvisory {
			adv = append(adv, e)
		}
	}
	if len(adv) != maxTermEndsPerBlock || adv[0].End != 1100 || adv[15].End != 2600 {
		t.Fatalf("first block: %d ends, %v", len(adv), adv)
	}
	fx = f.c.EndBlock(f.env, f.st)
	if len(fx.TermsEnded) != 5 || fx.TermsEnded[0].End != 2700 || fx.TermsEnded[4].End != termEnd {
		t.Fatalf("second block: %v", fx.TermsEnded)
	}
}

// TestVacanciesWithinPrice: vacancies answers within its price at the
// rules' bounds: 16 collectives of 16 leaders and both commission seats,
// and 100 Advisory Council seats.
func TestVacanciesWithinPrice(t *testing.T) {
	f := newFixture(t, func(g *Founding) {
		g.Params["maxLeaders"], g.Params["maxAdvisory"] = 16, 100
		for i := len(g.Collectives); i < maxCollectives; i++ {
			g.Collectives = append(g.Collectives, strings.Repeat("c", 30)+string(rune('a'+i)))
		}
		add := func(coll string, inst byte, role Role) {
			g.Records = append(g.Records, FoundingRecord{Kind: KindInstitution, Collective: coll, Institution: common.Hash{inst, byte(len(g.Records))},
				Accounts: []common.Address{common.BytesToAddress([]byte{0xBB, byte(len(g.Records) >> 8), byte(len(g.Records))})}})
			g.Seats = append(g.Seats, FoundingSeat{Role: role, Collective: coll, Record: uint64(len(g.Records)), TermEnd: termEnd})
		}
		for i, coll := range g.Collectives {
			for j := 0; j < 16; j++ {
				if i >= 4 || j >= 2 {
					add(coll, 'L', RoleLeader)
				}
			}
			if i >= 4 {
				add(coll, 'N', RoleNodesCommission)
				add(coll, 'P', RoleProjectsCommission)
			}
		}
		for range 99 {
			add("cso", 'A', RoleAdvisory)
		}
	})
	f.env.Time = termEnd // every seat holds over: every seat is listed
	input, _ := ABI.Pack("vacancies")
	price := f.c.ViewGas(input)
	s := &store{st: f.st, limit: price, metered: true}
	var out []any
	if !s.run(func() { out = viewVacancies(s, f.env, nil) }) {
		t.Fatalf("vacancies at the bounds read more than its price %d", price)
	}
	if n := len(out[0].([]uint8)); n != 3*maxCollectives+2 {
		t.Fatalf("%d vacancies listed, want %d", n, 3*maxCollectives+2)
	}
	t.Logf("vacancies at the bounds: %d gas of reads, priced %d", s.gas, price)
}

// TestElectionGas logs the gas of the election calls, each far within the
// governance allowance.
func TestElectionGas(t *testing.T) {
	f := newFixture(t)
	g := map[string]uint64{}
	g["openCall"] = f.gasOf(leaderA(1), "openCall", "academic")
	g["standForSeat"] = f.gasOf(plain, "standForSeat", uint64(1), h32, "https://statement")
	f.past(f.view("call", uint64(1))[4].(uint64))
	m := f.meeting(council()[:7]...)
	g["moveElect"] = f.gasOf(ncSeat(0), "moveElect", m, uint64(1), uint64(recPlain))
	for _, a := range append([]common.Address{secretary}, council()[:4]...) {
		f.must(a, "vote", uint64(1), true)
	}
	f.env.Time = f.view("meeting", m)[2].(uint64)
	g["decide (elect)"] = f.gasOf(stranger, "decide", uint64(1))
	g["openRenewalBallot"] = f.gasOf(leaderA(1), "openRenewalBallot", recLeaderA(1))
	g["castBallot"] = f.gasOf(plain, "castBallot", uint64(1), true)
	f.must(leaderB(1), "castBallot", uint64(1), true)
	f.past(f.view("ballot", uint64(1))[5].(uint64))
	g["closeBallot (renewed)"] = f.gasOf(stranger, "closeBallot", uint64(1))
	g["resign"] = f.gasOf(leaderB(1), "resign", RoleLeader, "academic")
	t.Logf("gas: %v", g)
	for name, gas := range g {
		if gas > 500_000 {
			t.Errorf("%s: %d gas", name, gas)
		}
	}
}

// TestRemovalOpensVacancy: removing a leader for cause in plenary, which
// may leave a formed collective below its least leaders, starts the vacancy
// procedure.
func TestRemovalOpensVacancy(t *testing.T) {
	f := newFixture(t)
	if _, r := f.plenary("moveMemberAction", recLeaderA(1)+1, ActionRemove, true, h32); r != "" {
		t.Fatal(r)
	}
	if n := len(f.view("collective", "academic")[1].([]uint64)); n != 1 {
		t.Fatalf("%d leaders after the removal", n)
	}
	ids := f.view("calls", [32]byte{}, uint32(10))[0].([]uint64)
	if len(ids) != 1 || f.view("call", ids[0])[0].(string) != "academic" || CallStatus(f.view("call", ids[0])[1].(uint8)) != CallOpen {
		t.Fatalf("no open call for academic: %v", ids)
	}
}
