package governance

import "testing"

// TestEthicsCode: the plenary puts a code in force; a member that has not
// accepted it neither votes in a member ballot nor stands for a seat; a
// new version needs a new acceptance.
func TestEthicsCode(t *testing.T) {
	f := newFixture(t)
	if e := f.view("ethics"); e[0].(uint64) != 0 {
		t.Fatalf("a code in force at genesis: %v", e)
	}
	f.refused("no code of ethics is in force yet", plain, "acceptEthics", uint64(1))
	b := f.must(leaderA(1), "openBallot", "academic", h32, "https://q", uint16(2), f.env.Time+3600, uint32(0))[0].(uint64)
	f.must(advisor, "voteBallot", b, uint16(1)) // no code yet: no bar

	m := f.meeting(council()...)
	f.refused("the code's commitment is empty", ncSeat(0), "moveEthicsCode", m, [32]byte{}, "https://code")
	if _, r := f.plenary("moveEthicsCode", [32]byte{0xE1}, "https://code/v1"); r != "" {
		t.Fatal(r)
	}
	if e := f.view("ethics"); e[0].(uint64) != 1 || e[1].([32]byte) != [32]byte{0xE1} || e[2].(string) != "https://code/v1" {
		t.Fatalf("ethics %v", e)
	}
	if f.countEvents("EthicsCodeSet") != 1 {
		t.Fatal("no EthicsCodeSet")
	}
	b = f.must(leaderA(1), "openBallot", "academic", h32, "https://q", uint16(2), f.env.Time+3600, uint32(0))[0].(uint64)
	f.refused("record 19 has not accepted the code of ethics in force (version 1): acceptEthics(1) first", plain, "voteBallot", b, uint16(1))
	f.refused("record 20 is a project", projA, "acceptEthics", uint64(1))
	f.refused("version 2 is not the code in force (version 1)", plain, "acceptEthics", uint64(2))
	f.must(plain, "acceptEthics", uint64(1))
	f.refused("record 19 already accepted version 1", plain, "acceptEthics", uint64(1))
	if e := f.view("ethicsOf", uint64(recPlain)); e[0].(uint64) != 1 || !e[1].(bool) {
		t.Fatalf("ethicsOf %v", e)
	}
	f.must(plain, "voteBallot", b, uint16(1))

	// A candidate must have accepted it too.
	f.must(leaderB(1), "resign", RoleLeader, "academic") // a vacancy: an open call
	call := f.view("calls", [32]byte{}, uint32(10))[0].([]uint64)[0]
	f.refused("record 18 has not accepted the code of ethics in force", advisor, "standForSeat", call, h32, "https://statement")
	f.must(advisor, "acceptEthics", uint64(1))
	f.must(advisor, "standForSeat", call, h32, "https://statement")

	// A new version: everyone accepts again.
	if _, r := f.plenary("moveEthicsCode", [32]byte{0xE2}, "https://code/v2"); r != "" {
		t.Fatal(r)
	}
	if e := f.view("ethicsOf", uint64(recPlain)); e[0].(uint64) != 1 || e[1].(bool) {
		t.Fatalf("ethicsOf after version 2 %v", e)
	}
	b = f.must(leaderA(1), "openBallot", "academic", h32, "https://q", uint16(2), f.env.Time+3600, uint32(0))[0].(uint64)
	f.refused("(version 2): acceptEthics(2) first", plain, "voteBallot", b, uint16(1))
}

// TestViolationSanctions: members report violations; the plenary decides
// each with a warning, a capital cut, a suspension or a dismissal, once.
func TestViolationSanctions(t *testing.T) {
	f := delegationFixture(t, 1)
	f.refused("cannot report itself", plain, "reportViolation", uint64(recPlain), h32, "https://e")
	f.refused("record 20 is not a member", plain, "reportViolation", uint64(recProject), h32, "https://e")
	f.refused("not a member of a collective", projA, "reportViolation", uint64(recPlain), h32, "https://e")
	f.refused("the report's commitment is empty", advisor, "reportViolation", uint64(recPlain), [32]byte{}, "https://e")
	report := func(rec uint64) uint64 {
		return f.must(advisor, "reportViolation", rec, [32]byte{byte(rec)}, "https://evidence")[0].(uint64)
	}
	warned, cut, suspended, dismissed := report(recPlain), report(recPlain), report(delegRec(0)), report(recPlain)
	if v := f.view("violation", warned); v[0].(uint64) != recPlain || v[1].(uint64) != recAdvisor || ViolationStatus(v[5].(uint8)) != ViolationOpen {
		t.Fatalf("violation %v", v)
	}
	if f.view("capital", uint64(recPlain))[0].(uint64) == 0 {
		t.Fatal("the test genesis gives plain capital")
	}
	m := f.meeting(council()...)
	f.refused("sanction 5 is not", ncSeat(0), "moveSanction", m, warned, uint8(5))
	f.refused("violation 9 does not exist", ncSeat(0), "moveSanction", m, uint64(9), uint8(1))
	var ids []uint64
	for _, v := range []struct {
		vio      uint64
		sanction Sanction
	}{{warned, SanctionWarning}, {cut, SanctionCapitalCut}, {suspended, SanctionSuspension}, {dismissed, SanctionDismissal}} {
		id, r := f.plenary("moveSanction", v.vio, uint8(v.sanction))
		if r != "" {
			t.Fatalf("%s: %s", v.sanction, r)
		}
		ids = append(ids, id)
	}
	for i, want := range []struct {
		vio      uint64
		st       ViolationStatus
		sanction Sanction
	}{{warned, ViolationSanctioned, SanctionWarning}, {cut, ViolationSanctioned, SanctionCapitalCut},
		{suspended, ViolationSanctioned, SanctionSuspension}, {dismissed, ViolationDismissed, SanctionDismissal}} {
		v := f.view("violation", want.vio)
		if ViolationStatus(v[5].(uint8)) != want.st || Sanction(v[6].(uint8)) != want.sanction || v[7].(uint64) != ids[i] {
			t.Errorf("violation %d: %v, want %s by %s, motion %d", want.vio, v, want.st, want.sanction, ids[i])
		}
	}
	if g := f.view("capital", uint64(recPlain))[0].(uint64); g != 0 {
		t.Fatalf("capital after the cut: %d", g)
	}
	if st := RecordStatus(f.view("record", delegRec(0))[2].(uint8)); st != StatusSuspended {
		t.Fatalf("the suspended member is %s", st)
	}
	if n := f.countEvents("SanctionDecided"); n != 4 {
		t.Fatalf("%d SanctionDecided events", n)
	}
	m = f.meeting(council()...)
	f.refused("violation 1 is already decided (sanctioned)", ncSeat(0), "moveSanction", m, warned, uint8(SanctionWarning))
	// A seat holder is never suspended by a sanction alone: the plenary's
	// member action refuses the secretary as it does moveMemberAction.
	sec := f.must(advisor, "reportViolation", uint64(recSecretary), h32, "https://e")[0].(uint64)
	f.refused("Executive Secretary", ncSeat(0), "moveSanction", m, sec, uint8(SanctionSuspension))
}
