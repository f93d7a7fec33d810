package governance

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestReports: each obligation of §3.8 is reported in order once its period
// ends, by whom it falls on; what is not reported in time is overdue, per
// actor and in the lists per collective.
func TestReports(t *testing.T) {
	f := newFixture(t, func(g *Founding) { g.Params["reportMonth"] = 100 })
	f.c.EndBlock(f.env, f.st) // the calendar starts at the first block: time 10
	status := func(kind ReportKind, coll string, rec uint64) []any {
		t.Helper()
		return f.view("reportStatus", uint8(kind), coll, rec)
	}
	submit := func(from common.Address, kind ReportKind, coll string, period uint64) string {
		t.Helper()
		_, r := f.call(from, "submitReport", uint8(kind), coll, period, [32]byte{byte(kind), byte(period)}, "https://report")
		return r
	}
	op := recLeaderA(1) // operates academic's validator
	if s := status(ReportMemberNodes, "", op); s[0].(uint64) != 10 || s[1].(uint64) != 100 || s[2].(uint64) != 0 || s[3].(uint64) != 210 || s[4].(uint64) != 0 {
		t.Fatalf("member-nodes schedule %v: want from 10, periods of 100, next due 210", s)
	}
	if s := status(ReportSecretary, "", 0); s[1].(uint64) != 300 {
		t.Fatalf("the secretary reports every 3 months: %v", s)
	}
	if r := submit(leaderA(1), ReportMemberNodes, "", 0); r != "period 0 ends at 110: report it after" {
		t.Fatalf("early: %q", r)
	}
	f.past(150)
	for _, c := range []struct {
		from common.Address
		kind ReportKind
		coll string
		want string
	}{
		{plain, ReportMemberNodes, "", "record 19 operates no node"},
		{leaderA(1), ReportProject, "", "record 5 is not a project"},
		{leaderA(0), ReportLeaders, "academic", "not a leader of collective academic"},
		{plain, ReportSecretary, "", "not a member of the Executive Secretary"},
		{plain, ReportAdvisory, "", "not a member of the Advisory Council"},
		{leaderA(1), ReportKind(9), "", "report kind 9 is not"},
		{leaderA(1), ReportMemberNodes, "", ""},
		{leaderA(1), ReportMemberNodes, "", "the next of this member-nodes report is period 1"},
		{ncSeat(0), ReportNodesCommission, "", ""},
		{pcSeat(2), ReportProjectsCommission, "", ""},
		{leaderB(1), ReportLeaders, "academic", "period 0 ends at 210"},
	} {
		if r := submit(c.from, c.kind, c.coll, 0); (r == "") != (c.want == "") || !strings.Contains(r, c.want) {
			t.Errorf("%s by %s: %q, want %q", c.kind, c.from, r, c.want)
		}
	}
	if r := f.view("report", uint8(ReportMemberNodes), "", op, uint64(0)); r[0].([32]byte) != [32]byte{1, 0} || r[1].(string) != "https://report" || r[2].(uint64) != 150 {
		t.Fatalf("report %v", r)
	}
	if n := f.countEvents("ReportSubmitted"); n != 3 {
		t.Fatalf("%d ReportSubmitted", n)
	}

	// At 530, member-nodes periods 0–3 are due (the last at 510): one of
	// four reported. The project's two-month periods: 0 and 1 due (at 310
	// and 510), none reported.
	f.past(530)
	if s := status(ReportMemberNodes, "", op); s[2].(uint64) != 1 || s[3].(uint64) != 310 || s[4].(uint64) != 3 {
		t.Fatalf("member-nodes at 530: %v, want 1 submitted, next due 310, 3 overdue", s)
	}
	if s := status(ReportProject, "", recProject); s[4].(uint64) != 2 {
		t.Fatalf("project at 530: %v, want 2 overdue", s)
	}
	if s := status(ReportLeaders, "academic", 0); s[4].(uint64) != 2 {
		t.Fatalf("academic's leaders at 530: %v, want 2 overdue", s)
	}
	list := f.view("overdueReports", uint8(ReportMemberNodes), "academic", [32]byte{}, uint32(0))
	if recs, n := list[0].([]uint64), list[1].([]uint64); len(recs) != 1 || recs[0] != op || n[0] != 3 {
		t.Fatalf("academic's overdue member reports %v: want record %d with 3", list, op)
	}
	list = f.view("overdueReports", uint8(ReportProject), "", [32]byte{}, uint32(0))
	if recs := list[0].([]uint64); len(recs) != 1 || recs[0] != recProject {
		t.Fatalf("overdue project reports %v", list)
	}
	if list = f.view("overdueReports", uint8(ReportProject), "public", [32]byte{}, uint32(0)); len(list[0].([]uint64)) != 0 {
		t.Fatalf("public has no project: %v", list)
	}
	// Catching up clears it.
	for p := range uint64(3) {
		if r := submit(leaderA(1), ReportMemberNodes, "", p+1); r != "" {
			t.Fatal(r)
		}
	}
	if s := status(ReportMemberNodes, "", op); s[4].(uint64) != 0 {
		t.Fatalf("after catching up: %v", s)
	}
}

// TestNodeReport: a member's node report counts, from chain data, the
// blocks each of its validators signed and missed and the blocks it
// proposed, since its last member-nodes report.
func TestNodeReport(t *testing.T) {
	f := newFixture(t, func(g *Founding) { g.Params["reportMonth"] = 100 })
	addr := func(c int) [20]byte { return ConsensusAddress(consKey('V', c)) }
	block := func(academicSigned bool, proposer int) {
		t.Helper()
		env := f.env
		env.Proposer = addr(proposer)
		for c := range colls {
			env.LastCommit = append(env.LastCommit, CommitVote{Address: addr(c), Signed: c != 1 || academicSigned})
		}
		f.c.EndBlock(env, f.st)
		f.env.Number++
		f.env.Time++
	}
	block(true, 1)
	block(false, 0)
	block(true, 1)
	op := recLeaderA(1)
	report := func() (since, signed, missed, proposed uint64) {
		t.Helper()
		r := f.view("nodeReport", op, [32]byte{}, uint32(0))
		if ids := r[1].([][20]byte); len(ids) != 1 || ids[0] != nodeID('V', 1) {
			t.Fatalf("nodeReport nodes %v", ids)
		}
		return r[0].(uint64), r[2].([]uint64)[0], r[3].([]uint64)[0], r[4].([]uint64)[0]
	}
	if since, s, m, p := report(); since != 10 || s != 2 || m != 1 || p != 2 {
		t.Fatalf("node report since %d: signed %d, missed %d, proposed %d; want since 10: 2, 1, 2", since, s, m, p)
	}
	f.past(120)
	f.must(leaderA(1), "submitReport", uint8(ReportMemberNodes), "", uint64(0), [32]byte{1}, "https://report")
	block(false, 2)
	if since, s, m, p := report(); since != 120 || s != 0 || m != 1 || p != 0 {
		t.Fatalf("after the report at 120: since %d: signed %d, missed %d, proposed %d; want since 120: 0, 1, 0", since, s, m, p)
	}
}
