package governance

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// Tests of the Advisory Council (advisory.go; docs/governance.md §3.4).

var (
	cvHash    = [32]byte{0xC5}
	statement = [32]byte{0x57}
	rationale = [32]byte{0x2A}
)

// store is the fixture's governance state, unmetered, for setting up what
// a test needs without the calls that would make it.
func (f *fixture) store() *store { return &store{st: f.st} }

// newMember adds an active individual member of coll with account a.
func (f *fixture) newMember(coll string, a common.Address) uint64 {
	s := f.store()
	id := s.newRecord(KindIndividual, coll, common.Hash{}, 0)
	s.addAccount(id, a)
	return id
}

// seatAdvisory seats rec on the Advisory Council until end.
func (f *fixture) seatAdvisory(rec, end uint64) { f.store().fillSeat(nil, RoleAdvisory, "", rec, end) }

// wantRefusal sends method and fails unless it is refused with a reason
// containing want.
func (f *fixture) wantRefusal(from common.Address, want, method string, a ...any) {
	f.t.Helper()
	if _, reason := f.call(from, method, a...); reason == "" || !strings.Contains(reason, want) {
		f.t.Fatalf("%s: reason %q, want one containing %q", method, reason, want)
	}
}

// admitInPlenary moves, carries and decides moveAdmitAdvisory for app in a
// quorate meeting; yes says how the six present members vote.
func (f *fixture) admitInPlenary(app uint64, yes bool) (motion uint64, reason string) {
	f.t.Helper()
	m := f.meeting(council()[:6]...)
	motion = f.must(ncSeat(0), "moveAdmitAdvisory", m, app)[0].(uint64)
	for _, a := range append([]common.Address{secretary}, council()[:6]...) {
		f.must(a, "vote", motion, yes)
	}
	return motion, f.decide(m, motion)
}

// events names the events of the logs emitted since the first n (the
// fixture's state holds the logs of one transaction context).
func (f *fixture) events(n int) []string {
	var out []string
	for _, l := range f.st.Logs()[n:] {
		for name, ev := range ABI.Events {
			if l.Topics[0] == ev.ID {
				out = append(out, name)
			}
		}
	}
	return out
}

func TestDesignationStatusEnum(t *testing.T) {
	checkEnum[DesignationStatus](t, solEnums(t), "DesignationStatus")
}

// TestAdvisoryApplyRefusals: every refusal of applyAdvisory, and of the
// leaders' and commissions' steps an Advisory application skips.
func TestAdvisoryApplyRefusals(t *testing.T) {
	f := newFixture(t)
	suspended := f.newMember("academic", acct('Q', 1))
	f.store().setU64(key("rec.status", suspended), uint64(StatusSuspended))
	renewed := f.newMember("academic", acct('Q', 2))
	f.seatAdvisory(renewed, termEnd)
	f.store().setU64(key("seat.renewals", RoleAdvisory, renewed), 1)
	long := "https://" + strings.Repeat("x", 300)
	for _, tc := range []struct {
		name, want string
		from       common.Address
		cv         [32]byte
		uri        string
		stmt       [32]byte
	}{
		{"no CV commitment", "CV's commitment and URI", stranger, [32]byte{}, "https://cv", statement},
		{"no CV URI", "CV's commitment and URI", stranger, cvHash, "", statement},
		{"CV URI too long", "cvURI is 308 bytes, at most 256", stranger, cvHash, long, statement},
		{"no statement", "written statement", stranger, cvHash, "https://cv", [32]byte{}},
		{"a project", "is a project", projA, cvHash, "https://cv", statement},
		{"a suspended member", "is suspended", acct('Q', 1), cvHash, "https://cv", statement},
		{"an Executive Council member", "holds a seat of the Nodes Commission", ncSeat(1), cvHash, "https://cv", statement},
		{"the secretary", "holds a seat of the Executive Secretary", secretary, cvHash, "https://cv", statement},
		{"a second renewal", "already renewed 1 time(s)", acct('Q', 2), cvHash, "https://cv", statement},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.wantRefusal(tc.from, tc.want, "applyAdvisory", tc.cv, tc.uri, tc.stmt)
		})
	}
	f.t = t
	app := f.must(stranger, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	f.wantRefusal(stranger, "already has open application", "applyAdvisory", cvHash, "https://cv", statement)
	f.wantRefusal(leaderA(1), "the Executive Council decides it in plenary", "endorse", app)
	f.wantRefusal(leaderA(1), "the Executive Council decides it in plenary", "reject", app, h32)
	f.wantRefusal(ncSeat(1), "the Executive Council decides it in plenary", "commissionVote", app, true)
	// an account of no record may send it, within the apply quota
	input, _ := ABI.Pack("applyAdvisory", cvHash, "https://cv", statement)
	if p, err := f.c.Admit(f.env, f.st, acct('X', 9), &Address, input, 1_000_000, 0); err != nil || p.Record != 0 || !p.Governance {
		t.Fatalf("Admit applyAdvisory from a stranger: %+v %v", p, err)
	}
	for range 2 { // applyQuota is 2 in the test genesis
		f.c.Charge(f.env, f.st, Payer{Governance: true}, 100_000)
	}
	if _, err := f.c.Admit(f.env, f.st, acct('X', 9), &Address, input, 1_000_000, 0); !errors.Is(err, ErrApplyQuota) {
		t.Fatalf("Admit past the quota: %v, want ErrApplyQuota", err)
	}
}

// TestAdvisoryAdmittedAndRenewedOnce: an account of no record applies, the
// plenary admits it (a new individual record of no collective, seated for
// advisoryTerm from the decision), it asks for and gets one renewal, and a
// second renewal is refused.
func TestAdvisoryAdmittedAndRenewedOnce(t *testing.T) {
	f := newFixture(t)
	f.st.SetTxContext(common.Hash{1}, 0, 0)
	app := f.must(stranger, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	if v := f.view("application", app); ApplicationKind(v[0].(uint8)) != AppAdvisory || ApplicationStatus(v[1].(uint8)) != AppToPlenary ||
		v[2].(common.Address) != stranger || v[3].(string) != "" {
		t.Fatalf("application = %v", v)
	}
	if v := f.view("advisoryApplication", app); v[0].([32]byte) != cvHash || v[1].(string) != "https://cv" || v[2].([32]byte) != statement || v[3].(bool) {
		t.Fatalf("advisoryApplication = %v", v)
	}
	if ids := f.view("applications", AppAdvisory, AppToPlenary, [32]byte{}, uint32(0))[0].([]uint64); len(ids) != 1 || ids[0] != app {
		t.Fatalf("applications(advisory, to-plenary) = %v", ids)
	}
	n := len(f.st.Logs())
	mot, reason := f.admitInPlenary(app, true)
	if reason != "" {
		t.Fatalf("decide: %s", reason)
	}
	if got := strings.Join(f.events(n), " "); !strings.HasSuffix(got, "MemberAdmitted SeatFilled AdvisoryAdmitted MotionDecided") {
		t.Fatalf("events of the admission: %s", got)
	}
	if k := MotionKind(f.view("motion", mot)[1].(uint8)); k != MotionAdmitAdvisory {
		t.Fatalf("motion kind %s", k)
	}
	rec := f.view("recordOf", stranger)[0].(uint64)
	if r := f.view("record", rec); rec == 0 || RecordKind(r[0].(uint8)) != KindIndividual || r[1].(string) != "" || RecordStatus(r[2].(uint8)) != StatusActive {
		t.Fatalf("admitted record %d = %v", rec, r)
	}
	first := f.env.Time + 2*year
	if v := f.view("seatOf", rec); Role(v[0].(uint8)) != RoleAdvisory || v[2].(uint64) != first {
		t.Fatalf("seatOf = %v, want advisory until %d", v, first)
	}
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppApproved {
		t.Fatalf("application status %s", st)
	}
	// the renewal: asked by the member, decided in plenary, from the decision
	f.env.Time += 1000
	renewal := f.must(stranger, "applyAdvisory", cvHash, "https://cv2", statement)[0].(uint64)
	if !f.view("advisoryApplication", renewal)[3].(bool) {
		t.Fatal("the member's second application is not a renewal")
	}
	if _, reason := f.admitInPlenary(renewal, true); reason != "" {
		t.Fatalf("decide renewal: %s", reason)
	}
	second := f.env.Time + 2*year
	if v := f.view("seatOf", rec); v[2].(uint64) != second || f.store().advisoryRenewals(RoleAdvisory, rec) != 1 {
		t.Fatalf("after renewal seatOf = %v, renewals %d", v, f.store().advisoryRenewals(RoleAdvisory, rec))
	}
	if holders := f.view("seats", RoleAdvisory, "")[0].([]uint64); len(holders) != 2 {
		t.Fatalf("Advisory seats %v: the renewal added a seat", holders)
	}
	f.wantRefusal(stranger, "already renewed 1 time(s)", "applyAdvisory", cvHash, "https://cv3", statement)
}

// TestAdvisoryRenewalOfFoundingMember: a member seated from genesis renews
// the same way; an application made before the second renewal is refused
// when moved.
func TestAdvisoryRenewalOfFoundingMember(t *testing.T) {
	f := newFixture(t)
	a1 := f.must(advisor, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	if _, reason := f.admitInPlenary(a1, true); reason != "" {
		t.Fatalf("decide: %s", reason)
	}
	if n := f.store().advisoryRenewals(RoleAdvisory, recAdvisor); n != 1 {
		t.Fatalf("renewals %d", n)
	}
	f.wantRefusal(advisor, "already renewed", "applyAdvisory", cvHash, "https://cv", statement)
}

// TestAdvisoryMotionFailsOrWithdrawn: a failed motion rejects the
// application; a withdrawn one cannot be moved or carried.
func TestAdvisoryMotionFailsOrWithdrawn(t *testing.T) {
	f := newFixture(t)
	app := f.must(stranger, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	if _, reason := f.admitInPlenary(app, false); reason != "" {
		t.Fatalf("decide: %s", reason)
	}
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppRejected {
		t.Fatalf("status %s after a failed motion, want rejected", st)
	}
	if f.view("recordOf", stranger)[0].(uint64) != 0 {
		t.Fatal("a rejected applicant got a record")
	}
	f.wantRefusal(stranger, "already decided", "withdraw", app)
	// a new application, withdrawn after its motion was moved
	app2 := f.must(stranger, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	m := f.meeting(council()[:6]...)
	mot := f.must(ncSeat(0), "moveAdmitAdvisory", m, app2)[0].(uint64)
	for _, a := range append([]common.Address{secretary}, council()[:6]...) {
		f.must(a, "vote", mot, true)
	}
	f.must(stranger, "withdraw", app2)
	f.wantRefusal(ncSeat(0), "not an Advisory Council application before the plenary", "moveAdmitAdvisory", m, app2)
	if reason := f.decide(m, mot); !strings.Contains(reason, "not an Advisory Council application before the plenary") {
		t.Fatalf("decide on a withdrawn application: %q", reason)
	}
	// other refusals of the motion
	f.wantRefusal(ncSeat(0), "application 999 does not exist", "moveAdmitAdvisory", m, uint64(999))
	proj := f.projectToPlenary(acct('D', 1))
	f.wantRefusal(ncSeat(0), "not an Advisory Council application", "moveAdmitAdvisory", m, proj)
}

// TestAdvisoryFull: at maxAdvisory seats a new member is admitted only in
// place of one holding over, and never by more seats.
func TestAdvisoryFull(t *testing.T) {
	f := newFixture(t)
	f.store().setParam("maxAdvisory", 1)
	app := f.must(stranger, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	m := f.meeting(council()[:6]...)
	f.wantRefusal(ncSeat(0), "Advisory Council of the network is full: 1 seat, none holding over", "moveAdmitAdvisory", m, app)
	// the founding member's term ends during the wait: it holds over, and the
	// new member takes its seat
	f.env.Time = termEnd - 50
	if _, reason := f.admitInPlenary(app, true); reason != "" {
		t.Fatalf("decide: %s", reason)
	}
	rec := f.view("recordOf", stranger)[0].(uint64)
	if holders := f.view("seats", RoleAdvisory, "")[0].([]uint64); len(holders) != 1 || holders[0] != rec {
		t.Fatalf("Advisory seats %v, want [%d]", holders, rec)
	}
	if role := f.view("seatOf", uint64(recAdvisor))[0].(uint8); role != 0 {
		t.Fatalf("the replaced member still holds role %d", role)
	}
}

// designationFixture has three Advisory members (the founding one and two
// more) and, in collective public, a member who holds no seat.
func designationFixture(t *testing.T) (f *fixture, candidate uint64) {
	f = newFixture(t)
	f.seatAdvisory(f.newMember("cso", acct('A', 1)), termEnd)
	f.seatAdvisory(f.newMember("", acct('A', 2)), termEnd)
	return f, f.newMember("public", acct('C', 1))
}

// TestDesignationSeatsHoldover: the Nodes Commission seat of public, its
// term over, is designated by an Advisory majority to a member of public on a
// leader's proposal; the holder holding over leaves, the new one serves
// councilTerm.
func TestDesignationSeatsHoldover(t *testing.T) {
	f, cand := designationFixture(t)
	f.st.SetTxContext(common.Hash{1}, 0, 0)
	f.env.Time = termEnd + 5 // every founding term is over: holders hold over
	d := f.must(leaderA(0), "proposeDesignation", RoleNodesCommission, "public", cand, rationale)[0].(uint64)
	if ids := f.view("designations", DesignationOpen, [32]byte{}, uint32(0))[0].([]uint64); len(ids) != 1 || ids[0] != d {
		t.Fatalf("open designations %v", ids)
	}
	f.must(advisor, "voteDesignation", d, true)
	if st := DesignationStatus(f.view("designation", d)[5].(uint8)); st != DesignationOpen {
		t.Fatalf("after 1 of 3 approvals: %s", st)
	}
	f.wantRefusal(advisor, "already voted on designation", "voteDesignation", d, true)
	f.env.Time += 10
	n := len(f.st.Logs())
	f.must(acct('A', 1), "voteDesignation", d, true)
	if got := strings.Join(f.events(n), " "); got != "DesignationVoteCast SeatVacated SeatFilled DesignationDecided" {
		t.Fatalf("events of the deciding vote: %s", got)
	}
	v := f.view("designation", d)
	if Role(v[0].(uint8)) != RoleNodesCommission || v[1].(string) != "public" || v[2].(uint64) != cand || v[3].(uint64) != recLeaderA(0) ||
		v[4].([32]byte) != rationale || DesignationStatus(v[5].(uint8)) != DesignationApproved || v[6].(uint64) != termEnd+5 ||
		v[7].(uint64) != termEnd+5+15*day || len(v[8].([]uint64)) != 2 || len(v[9].([]uint64)) != 0 {
		t.Fatalf("designation = %v", v)
	}
	if holders := f.view("seats", RoleNodesCommission, "public")[0].([]uint64); len(holders) != 1 || holders[0] != cand {
		t.Fatalf("Nodes Commission of public: %v, want [%d]", holders, cand)
	}
	if s := f.view("seatOf", cand); s[2].(uint64) != f.env.Time+2*year || s[3].(bool) {
		t.Fatalf("seatOf(candidate) = %v", s)
	}
	if f.view("seatOf", recNC(0))[0].(uint8) != 0 {
		t.Fatal("the holder holding over kept the seat")
	}
	f.wantRefusal(advisor, "already decided (approved)", "voteDesignation", d, true)
	// the new member acts in the seat at once
	f.must(acct('C', 1), "proposeMemberAction", uint64(recPlain), ActionSuspend, false, h32)
	// a renewal is a new designation of the same holder
	f.env.Time += 100
	d2 := f.must(leaderB(0), "proposeDesignation", RoleNodesCommission, "public", cand, rationale)[0].(uint64)
	f.must(advisor, "voteDesignation", d2, true)
	f.must(acct('A', 2), "voteDesignation", d2, true)
	if s := f.view("seatOf", cand); s[2].(uint64) != f.env.Time+2*year {
		t.Fatalf("renewed seatOf = %v", s)
	}
	if ids := f.view("designations", DesignationApproved, [32]byte{}, uint32(1)); len(ids[0].([]uint64)) != 1 || ids[1].([32]byte) != [32]byte(w64(d)) {
		t.Fatalf("approved page 1: %v", ids)
	}
}

// TestDesignationSecretary: the secretary's seat is designated only once
// its term has ended, and the successor takes it in the one vote: it is
// never empty.
func TestDesignationSecretary(t *testing.T) {
	f, cand := designationFixture(t)
	f.wantRefusal(leaderA(2), "the seat of the Executive Secretary of the network is held by record 17 until 1000000", "proposeDesignation", RoleSecretary, "", cand, rationale)
	f.env.Time = termEnd
	d := f.must(leaderA(2), "proposeDesignation", RoleSecretary, "ignored", cand, rationale)[0].(uint64)
	if v := f.view("designation", d); v[1].(string) != "" {
		t.Fatalf("secretary designation collective %q", v[1])
	}
	f.must(advisor, "voteDesignation", d, true)
	f.must(acct('A', 2), "voteDesignation", d, true)
	if holders := f.view("seats", RoleSecretary, "")[0].([]uint64); len(holders) != 1 || holders[0] != cand {
		t.Fatalf("secretary seat %v, want [%d]", holders, cand)
	}
	// the new secretary convenes; the old one no longer may
	f.wantRefusal(secretary, "not a member of the Executive Secretary", "convene", uint8(1), h32, f.env.Time+100, f.env.Time+200, "x", uint64(0))
	f.must(acct('C', 1), "convene", uint8(1), h32, f.env.Time+100, f.env.Time+200, "x", uint64(0))
}

// TestDesignationRefusals: who may propose and vote, and which records and
// seats may be designated.
func TestDesignationRefusals(t *testing.T) {
	f, cand := designationFixture(t)
	other := f.newMember("academic", acct('C', 2))
	for _, tc := range []struct {
		name, want string
		from       common.Address
		role       Role
		coll       string
		rec        uint64
		rat        [32]byte
	}{
		{"a leader seat", "is not an Executive Council seat", leaderA(0), RoleLeader, "public", cand, rationale},
		{"an Advisory seat", "is not an Executive Council seat", leaderA(0), RoleAdvisory, "", cand, rationale},
		{"no such role", "is not an Executive Council seat", leaderA(0), Role(9), "", cand, rationale},
		{"by a non-leader", "not a leader of collective public", plain, RoleNodesCommission, "public", cand, rationale},
		{"by an Advisory member", "not a leader of collective public", advisor, RoleNodesCommission, "public", cand, rationale},
		{"by another collective's leader", "not a leader of collective public", leaderA(1), RoleNodesCommission, "public", cand, rationale},
		{"the secretary by a non-leader", "not a leader of any collective", ncSeat(0), RoleSecretary, "", cand, rationale},
		{"by a stranger", "belongs to no member", stranger, RoleSecretary, "", cand, rationale},
		{"no such collective", "collective \"nowhere\" does not exist", leaderA(0), RoleNodesCommission, "nowhere", cand, rationale},
		{"no rationale", "commitment to its rationale", leaderA(0), RoleNodesCommission, "public", cand, [32]byte{}},
		{"a member of another collective", "is a member of collective academic, not public", leaderA(0), RoleProjectsCommission, "public", other, rationale},
		{"a record with another council seat", "already holds a council seat (Projects Commission)", leaderA(0), RoleNodesCommission, "public", recNC(0) + 1, rationale},
		{"an Advisory member", "already holds a council seat (Advisory Council)", leaderA(1), RoleNodesCommission, "academic", recAdvisor, rationale},
		{"a project", "is not a member", leaderA(1), RoleNodesCommission, "academic", recProject, rationale},
		{"no such record", "is not a member", leaderA(0), RoleNodesCommission, "public", 999, rationale},
		{"a seat whose term runs", "Nodes Commission of collective public is full: 1 seat, none holding over", leaderA(0), RoleNodesCommission, "public", cand, rationale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			f.wantRefusal(tc.from, tc.want, "proposeDesignation", tc.role, tc.coll, tc.rec, tc.rat)
		})
	}
	f.t = t
	f.env.Time = termEnd
	d := f.must(leaderA(0), "proposeDesignation", RoleNodesCommission, "public", cand, rationale)[0].(uint64)
	f.wantRefusal(leaderB(0), "is open until", "proposeDesignation", RoleNodesCommission, "public", cand, rationale)
	f.wantRefusal(ncSeat(0), "not a member of the Advisory Council", "voteDesignation", d, true)
	f.wantRefusal(leaderA(0), "not a member of the Advisory Council", "voteDesignation", d, true)
	f.wantRefusal(stranger, "belongs to no member", "voteDesignation", d, true)
	f.wantRefusal(advisor, "designation 99 does not exist", "voteDesignation", uint64(99), true)
	// a suspended candidate cannot take the seat: the deciding vote is refused
	f.must(advisor, "voteDesignation", d, true)
	f.store().setU64(key("rec.status", cand), uint64(StatusSuspended))
	f.wantRefusal(acct('A', 1), "record "+itoa(cand)+" is suspended", "voteDesignation", d, true)
	f.store().setU64(key("rec.status", cand), uint64(StatusActive))
	// a suspended Advisory member does not vote
	f.store().setU64(key("rec.status", uint64(recAdvisor)), uint64(StatusSuspended))
	f.wantRefusal(advisor, "is suspended", "voteDesignation", d, false)
}

func itoa(v uint64) string { return big64(v).String() }

// TestDesignationRejected: once approval is out of reach the designation is
// rejected and the seat is unchanged.
func TestDesignationRejected(t *testing.T) {
	f, cand := designationFixture(t)
	f.env.Time = termEnd
	d := f.must(leaderA(0), "proposeDesignation", RoleProjectsCommission, "public", cand, rationale)[0].(uint64)
	f.must(advisor, "voteDesignation", d, false)
	if st := DesignationStatus(f.view("designation", d)[5].(uint8)); st != DesignationOpen {
		t.Fatalf("after 1 of 3 against: %s", st)
	}
	f.must(acct('A', 2), "voteDesignation", d, false)
	if st := DesignationStatus(f.view("designation", d)[5].(uint8)); st != DesignationRejected {
		t.Fatalf("after 2 of 3 against: %s", st)
	}
	if holders := f.view("seats", RoleProjectsCommission, "public")[0].([]uint64); len(holders) != 1 || holders[0] != recNC(0)+1 {
		t.Fatalf("seat changed: %v", holders)
	}
	f.wantRefusal(acct('A', 1), "already decided (rejected)", "voteDesignation", d, true)
	// the seat is free for a new proposal at once
	f.must(leaderB(0), "proposeDesignation", RoleProjectsCommission, "public", cand, rationale)
}

// TestDesignationExpires: undecided after candidacyPeriod, a designation
// takes no votes; views show it expired before any call records it, and a
// new proposal for the seat records it.
func TestDesignationExpires(t *testing.T) {
	f, cand := designationFixture(t)
	f.env.Time = termEnd
	d := f.must(leaderA(0), "proposeDesignation", RoleNodesCommission, "public", cand, rationale)[0].(uint64)
	f.must(advisor, "voteDesignation", d, true)
	f.env.Time += 15 * day
	f.wantRefusal(acct('A', 1), "expired at", "voteDesignation", d, true)
	if st := DesignationStatus(f.view("designation", d)[5].(uint8)); st != DesignationExpired {
		t.Fatalf("status %s, want expired", st)
	}
	if ids := f.view("designations", DesignationOpen, [32]byte{}, uint32(0))[0].([]uint64); len(ids) != 0 {
		t.Fatalf("open designations %v", ids)
	}
	if ids := f.view("designations", DesignationExpired, [32]byte{}, uint32(0))[0].([]uint64); len(ids) != 1 || ids[0] != d {
		t.Fatalf("expired designations %v", ids)
	}
	d2 := f.must(leaderB(0), "proposeDesignation", RoleNodesCommission, "public", cand, rationale)[0].(uint64)
	if f.store().u64(key("dsg.status", d)) != uint64(DesignationExpired) {
		t.Fatal("the new proposal did not record the expiry")
	}
	// a designation for another seat: the expired list pages across the
	// recorded ones and those still stored as open
	d3 := f.must(leaderA(1), "proposeDesignation", RoleNodesCommission, "academic", f.newMember("academic", acct('C', 3)), rationale)[0].(uint64)
	f.env.Time += 15 * day
	var all []uint64
	var cursor [32]byte
	for range 5 {
		out := f.view("designations", DesignationExpired, cursor, uint32(1))
		all = append(all, out[0].([]uint64)...)
		if cursor = out[1].([32]byte); cursor == ([32]byte{}) {
			break
		}
	}
	if len(all) != 3 || all[0] != d || all[1] != d2 || all[2] != d3 {
		t.Fatalf("expired designations paged: %v, want [%d %d %d]", all, d, d2, d3)
	}
}

// TestDesignationExpiryFromGenesisWithoutParameter: a chain whose genesis
// predates candidacyPeriod reads its default.
func TestDesignationExpiryFromGenesisWithoutParameter(t *testing.T) {
	f, cand := designationFixture(t)
	f.store().setParam("candidacyPeriod", 0)
	f.env.Time = termEnd
	d := f.must(leaderA(0), "proposeDesignation", RoleNodesCommission, "public", cand, rationale)[0].(uint64)
	if dl := f.view("designation", d)[7].(uint64); dl != termEnd+15*day {
		t.Fatalf("deadline %d, want %d", dl, termEnd+15*day)
	}
}

// TestAdvisoryGasAndViewPrices: the Advisory Council's calls cost a small
// share of the governance allowance, and the designations view, with every
// Executive Council seat's designation open (its bound), answers within its
// price whatever page is asked.
func TestAdvisoryGasAndViewPrices(t *testing.T) {
	f := newFixture(t)
	apply := f.gasOf(stranger, "applyAdvisory", cvHash, "https://cv", statement)
	f.env.Time = termEnd // every founding seat holds over
	type seat struct {
		role Role
		coll string
	}
	seats := []seat{{RoleSecretary, ""}}
	for _, c := range colls {
		seats = append(seats, seat{RoleProjectsCommission, c}, seat{RoleNodesCommission, c})
	}
	var propose uint64
	for i, st := range seats {
		coll, proposer := st.coll, leaderA(0)
		if coll == "" {
			coll = "public"
		} else {
			proposer = leaderA(slices.Index(colls, coll))
		}
		cand := f.newMember(coll, acct('C', 10+i))
		propose = max(propose, f.gasOf(proposer, "proposeDesignation", st.role, st.coll, cand, rationale))
	}
	decidingVote := f.gasOf(advisor, "voteDesignation", uint64(1), true) // one Advisory seat: it decides
	t.Logf("gas: applyAdvisory %d, proposeDesignation %d, deciding voteDesignation %d", apply, propose, decidingVote)
	for _, g := range []uint64{apply, propose, decidingVote} {
		if g*20 > DefaultParams[3].Value {
			t.Errorf("a call costs %d gas, more than a twentieth of the allowance", g)
		}
	}
	for _, st := range []DesignationStatus{DesignationOpen, DesignationExpired} {
		if st == DesignationExpired {
			f.env.Time += 15 * day
		}
		for _, limit := range []uint32{1, 3, 0} {
			var all []uint64
			var cursor [32]byte
			for range 20 {
				out := f.view("designations", st, cursor, limit)
				all = append(all, out[0].([]uint64)...)
				if cursor = out[1].([32]byte); cursor == ([32]byte{}) {
					break
				}
			}
			if want := len(seats) - 1; len(all) != want {
				t.Fatalf("designations %s, limit %d: %v, want %d", st, limit, all, want)
			}
		}
	}
	input, _ := ABI.Pack("designations", DesignationExpired, [32]byte{}, uint32(1))
	dsg, _ := ABI.Pack("designation", uint64(1))
	t.Logf("view gas: designations (page of 1) %d, designation %d", f.c.ViewGas(input), f.c.ViewGas(dsg))
}

// TestAdvisorySecondRenewalFromAnotherAccount: a record applying for
// renewal from two of its accounts gets one renewal: the second application
// is refused when moved, and a motion already moved is refused when decided.
func TestAdvisorySecondRenewalFromAnotherAccount(t *testing.T) {
	f := newFixture(t)
	other := acct('A', 9)
	f.must(advisor, "offerAccount", other)
	f.must(other, "acceptAccount", uint64(recAdvisor))
	a1 := f.must(advisor, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	a2 := f.must(other, "applyAdvisory", cvHash, "https://cv", statement)[0].(uint64)
	m := f.meeting(council()[:6]...)
	m1 := f.must(ncSeat(0), "moveAdmitAdvisory", m, a1)[0].(uint64)
	m2 := f.must(ncSeat(0), "moveAdmitAdvisory", m, a2)[0].(uint64)
	for _, mot := range []uint64{m1, m2} {
		for _, a := range append([]common.Address{secretary}, council()[:6]...) {
			f.must(a, "vote", mot, true)
		}
	}
	if reason := f.decide(m, m1); reason != "" {
		t.Fatalf("decide the first renewal: %s", reason)
	}
	if reason := f.decide(m, m2); !strings.Contains(reason, "already renewed 1 time(s)") {
		t.Fatalf("decide the second renewal: %q", reason)
	}
	m3 := f.meeting(council()[:6]...)
	f.wantRefusal(ncSeat(0), "already renewed 1 time(s)", "moveAdmitAdvisory", m3, a2)
	if n := f.store().advisoryRenewals(RoleAdvisory, recAdvisor); n != 1 {
		t.Fatalf("renewals %d", n)
	}
}
