package governance

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// TestEveryViewEncodes calls every view with zero arguments and with the
// founding state's first ids: each answers without a revert.
func TestEveryViewEncodes(t *testing.T) {
	f := newFixture(t)
	f.must(secretary, "convene", uint8(1), h32, f.env.Time+100, f.env.Time+200, "x", uint64(0))
	for name, m := range ABI.Methods {
		if !m.IsConstant() {
			continue
		}
		for _, one := range []bool{false, true} {
			var vals []any
			for _, in := range m.Inputs {
				v := reflect.New(in.Type.GetType()).Elem().Interface()
				switch v.(type) {
				case *big.Int:
					v = big.NewInt(0)
				case uint64:
					if one {
						v = uint64(1)
					}
				case string:
					if one {
						v = "academic"
					}
				}
				vals = append(vals, v)
			}
			input, err := ABI.Pack(name, vals...)
			if err != nil {
				t.Fatalf("pack %s: %v", name, err)
			}
			if _, err := f.c.View(f.env, f.st, input); err != nil {
				t.Errorf("view %s(%v): %v", name, vals, err)
			}
		}
	}
	if names := f.view("parameterNames")[0].([]string); len(names) != len(DefaultParams) {
		t.Fatalf("parameterNames = %v", names)
	}
	if vs := f.view("validators", [32]byte{}, uint32(0)); len(vs[0].([][20]byte)) != 4 || vs[1].([]uint64)[0] != 720720 {
		t.Fatalf("validators = %v", vs)
	}
	if p := f.view("project", uint64(recProject)); p[1].(string) != "example" || p[4].(uint32) != 2 || len(f.view("accounts", uint64(recProject), [32]byte{}, uint32(0))[0].([]common.Address)) != 2 {
		t.Fatalf("project = %v", p)
	}
}

// TestSuspendAndReinstate: a suspended validator gives its power back to
// its collective and gets its share again when reinstated.
func TestSuspendAndReinstate(t *testing.T) {
	f := newFixture(t, func(g *Founding) {
		g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('W', 1)), Collective: "cso",
			Operator: recLeaderA(3), Role: NodeValidator, KeyType: "ed25519", PubKey: consKey('W', 1)})
	})
	n := nodeID('W', 1)
	if p := f.power(n); p != 360360 {
		t.Fatalf("power %d", p)
	}
	if _, r := f.call(leaderA(0), "proposeNodeAction", n, ActionSuspend, false, h32); r != "not a member of the Nodes Commission" {
		t.Fatalf("proposal by a leader: %q", r)
	}
	if r := f.nodeAction(n, ActionSuspend, false); r != "" {
		t.Fatal(r)
	}
	if f.power(n) != 0 || f.power(nodeID('V', 3)) != 720720 || f.c.AllowedPeer(f.st, common.Bytes2Hex(n[:])) {
		t.Fatal("suspension did not move the power or the peer")
	}
	if a := f.view("action", uint64(1)); ActionStatus(a[5].(uint8)) != ActionProvisional || a[9].(uint32) != 3 {
		t.Fatalf("action = %v", a)
	}
	if r := f.nodeAction(n, ActionReinstate, false); r != "" {
		t.Fatal(r)
	}
	if f.power(n) != 360360 || f.power(nodeID('V', 3)) != 360360 {
		t.Fatal("reinstatement did not share the power again")
	}
	fx := f.c.EndBlock(f.env, f.st)
	if len(fx.Validators) != 0 {
		t.Fatalf("net updates after suspend and reinstate in one block: %+v", fx.Validators)
	}
}

func TestRejectAndWithdraw(t *testing.T) {
	f := newFixture(t)
	app := f.applyValidator(acct('U', 1), "academic", nodeID('U', 1), consKey('U', 1))
	if _, r := f.call(acct('U', 2), "withdraw", app); !strings.Contains(r, "only the applicant") {
		t.Fatalf("withdraw by another: %q", r)
	}
	f.must(leaderB(1), "reject", app, h32)
	if _, r := f.call(acct('U', 1), "withdraw", app); !strings.Contains(r, "already decided") {
		t.Fatalf("withdraw after rejection: %q", r)
	}
	app = f.applyValidator(acct('U', 1), "academic", nodeID('U', 1), consKey('U', 1))
	f.must(acct('U', 1), "withdraw", app)
	if ids := f.view("applications", AppNode, AppWithdrawn, [32]byte{}, uint32(0))[0].([]uint64); len(ids) != 1 || ids[0] != app {
		t.Fatalf("withdrawn applications %v", ids)
	}
}

// TestFormingCollective traces §3.7's forming state: a collective with no
// leaders is forming (genesis refuses a validator there), and seating two
// leaders forms it once it has a node.
func TestFormingCollective(t *testing.T) {
	f := newFixture(t, func(g *Founding) {
		g.Collectives = append(g.Collectives, "intl")
		g.Records = append(g.Records,
			FoundingRecord{Kind: KindInstitution, Collective: "intl", Institution: common.Hash{7}, Accounts: []common.Address{acct('I', 1)}},
			FoundingRecord{Kind: KindInstitution, Collective: "intl", Institution: common.Hash{8}, Accounts: []common.Address{acct('I', 2)}})
		g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('I', 1)), Collective: "intl", Operator: 21,
			Role: NodeObserver})
	})
	if f.view("collective", "intl")[0].(bool) {
		t.Fatal("intl formed without leaders")
	}
	for i, rec := range []uint64{21, 22} {
		if r := f.elect("intl", acct('I', i+1), rec); r != "" {
			t.Fatal(r)
		}
	}
	if !f.view("collective", "intl")[0].(bool) {
		t.Fatal("intl not formed with 2 leaders and a node")
	}
	if _, r := f.call(ncSeat(0), "moveUnseat", uint64(0), RoleLeader, "intl", uint64(21)); !strings.Contains(r, "fewer than 2 leaders") {
		t.Fatalf("unseating below the minimum: %q", r)
	}
}

// TestActionRejectedAndMemberReinstated covers the remaining action paths.
func TestActionRejectedAndMemberReinstated(t *testing.T) {
	f := newFixture(t)
	id := f.must(ncSeat(0), "proposeMemberAction", uint64(recPlain), ActionSuspend, false, h32)[0].(uint64)
	f.must(ncSeat(0), "voteAction", id, false)
	f.must(ncSeat(1), "voteAction", id, false)
	if a := f.view("action", id); ActionStatus(a[5].(uint8)) != ActionRejected || a[10].(uint32) != 2 {
		t.Fatalf("action = %v, want decided with 2 against", a)
	}
	if _, r := f.call(ncSeat(2), "voteAction", id, true); !strings.Contains(r, "already decided") {
		t.Fatalf("vote on a decided action: %q", r)
	}
	for _, kind := range []NodeAction{ActionSuspend, ActionReinstate} {
		id := f.must(ncSeat(0), "proposeMemberAction", uint64(recPlain), kind, false, h32)[0].(uint64)
		for c := range 3 {
			f.must(ncSeat(c), "voteAction", id, true)
		}
	}
	if st := RecordStatus(f.view("record", uint64(recPlain))[2].(uint8)); st != StatusActive {
		t.Fatalf("member status %d after reinstatement", st)
	}
	// Appointing a new proxy revokes the old one.
	f.must(ncSeat(0), "appointProxy", acct('Q', 1))
	f.must(ncSeat(0), "appointProxy", acct('Q', 2))
	if got := f.view("proxyOf", recNC(0))[0].(common.Address); got != acct('Q', 2) {
		t.Fatalf("proxyOf = %s", got.Hex())
	}
	f.must(ncSeat(1), "appointProxy", acct('Q', 1)) // free again
}

// TestLongNamesNotCached: a name from call input enters a slot key before
// any rule bounds its length; the slot-key cache keeps only short
// preimages (its key is a fixed-size array), so views asked about megabyte
// names leave nothing behind.
func TestLongNamesNotCached(t *testing.T) {
	f := newFixture(t)
	for i := range 4 {
		name := strings.Repeat(string(rune('a'+i)), 1<<20)
		f.view("members", name, [32]byte{}, uint32(1))
		f.view("parameter", name)
		before := slotCache.Len()
		long := []byte("redmx.params." + name)
		if hashKey(long) != crypto.Keccak256Hash(long) || slotCache.Len() != before {
			t.Fatalf("a %d-byte preimage: wrong key or cached", len(long))
		}
	}
	// Keys of fixed-size parts still are.
	k := key("coll.validators", "academic")
	p := preimage{}
	p.n = copy(p.b[:], append([]byte("redmx.gov.coll.validators\x00"), crypto.Keccak256([]byte("academic"))...))
	if h, ok := slotCache.Peek(p); !ok || h != k {
		t.Fatalf("the key %x of a short preimage is not cached", k)
	}
}

// TestViewsShowWholeApplication: everything applyNode and applyProject
// store, and everything their review adds, reads back through the views.
func TestViewsShowWholeApplication(t *testing.T) {
	f := newFixture(t)
	n, key := nodeID('W', 1), consKey('W', 1)
	inst, letter, adhesion := [32]byte{0x10}, [32]byte{0x11}, [32]byte{0x12}
	app := f.must(stranger, "applyNode", signed(stranger, "academic", nodeKeyOf(n), NodeValidator, "ed25519", key, KindIndividual,
		inst, letter, "https://letter.example/1", adhesion, "https://adhesion.example/1")...)[0].(uint64)
	f.env.Time += 7
	f.must(leaderB(1), "endorse", app)
	endorsed := f.env.Time
	f.commission(ncSeat, app, 3)

	got := f.view("nodeApplication", app)
	want := []any{n, uint8(NodeValidator), "ed25519", key, uint8(KindIndividual), inst, letter, "https://letter.example/1", adhesion, "https://adhesion.example/1"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("nodeApplication = %v\nwant %v", got, want)
	}
	rec := f.view("recordOf", stranger)[0].(uint64)
	if rec == 0 {
		t.Fatal("the applicant has no record after admission")
	}
	if got := f.view("applicationVotes", app); !reflect.DeepEqual(got, []any{[]uint64{recNC(0), recNC(1), recNC(2)}, []uint64{}}) {
		t.Fatalf("applicationVotes = %v", got)
	}
	if got, want := f.view("applicationReview", app), []any{recLeaderB(1), endorsed, [32]byte{}, rec}; !reflect.DeepEqual(got, want) {
		t.Fatalf("applicationReview = %v, want %v", got, want)
	}
	if got := f.view("application", app); got[0].(uint8) != uint8(AppNode) || got[1].(uint8) != uint8(AppApproved) || got[2].(common.Address) != stranger ||
		got[3].(string) != "academic" || got[4].([20]byte) != n || got[6].(uint64) != 10 || got[7].(uint32) != 3 {
		t.Fatalf("application = %v", got)
	}
	if got := f.view("projectApplication", app); got[0].(string) != "" || got[5].(uint8) != 0 {
		t.Fatalf("projectApplication of a node application = %v", got)
	}

	// A project application, approved in plenary.
	desc, just := [32]byte{0x21}, [32]byte{0x22}
	deployer := acct('D', 1)
	papp := f.must(plain, "applyProject", "academic", "census", desc, "https://census.example/desc", just,
		"https://git.example/census", uint8(CriterionOpenSource|CriterionResearch), []common.Address{deployer})[0].(uint64)
	if got, want := f.view("projectApplication", papp), []any{"census", desc, "https://census.example/desc", just,
		"https://git.example/census", uint8(CriterionOpenSource | CriterionResearch)}; !reflect.DeepEqual(got, want) {
		t.Fatalf("projectApplication = %v\nwant %v", got, want)
	}
	if got := f.view("nodeApplication", papp); got[0].([20]byte) != ([20]byte{}) || got[2].(string) != "" || len(got[3].([]byte)) != 0 {
		t.Fatalf("nodeApplication of a project application = %v", got)
	}
	f.must(deployer, "acceptProjectAccount", papp)
	if got := f.view("applicationAccounts", papp); !reflect.DeepEqual(got, []any{[]common.Address{deployer}, []bool{true}}) {
		t.Fatalf("applicationAccounts = %v", got)
	}
	f.must(leaderA(1), "endorse", papp)
	f.must(pcSeat(3), "commissionVote", papp, false)
	f.commission(pcSeat, papp, 3)
	if got := f.view("applicationVotes", papp); !reflect.DeepEqual(got, []any{[]uint64{4, 8, 12}, []uint64{16}}) {
		t.Fatalf("applicationVotes = %v, want yes 4 8 12 (the Projects Commission of public, academic, private), no 16 (cso)", got)
	}
	mot, r := f.motion(func(m uint64) uint64 { return f.must(ncSeat(0), "moveApproveProject", m, papp)[0].(uint64) },
		append([]common.Address{secretary}, council()[:4]...), nil)
	if r != "" {
		t.Fatal(r)
	}
	project := f.view("applicationReview", papp)[3].(uint64)
	if p := f.view("project", project); p[1].(string) != "census" || p[3].(string) != "https://git.example/census" {
		t.Fatalf("applicationReview names record %d, project(%d) = %v", project, project, p)
	}
	if c := f.view("motionContent", mot); c[0].(uint8) != uint8(MotionApproveProject) || c[1].(uint64) != papp {
		t.Fatalf("motionContent = %v", c)
	}

	// A rejection keeps the leader's reason.
	other := f.must(plain, "applyProject", "academic", "other", desc, "", just, "", uint8(1), []common.Address{acct('D', 2)})[0].(uint64)
	f.must(leaderA(1), "reject", other, [32]byte{0x33})
	if got := f.view("applicationReview", other); got[0].(uint64) != 0 || got[2].([32]byte) != ([32]byte{0x33}) || got[3].(uint64) != 0 {
		t.Fatalf("applicationReview of a rejected application = %v", got)
	}
}

func recLeaderB(c int) uint64 { return uint64(c*4 + 2) }

// TestMotionContent: every motion kind's arguments read back decoded.
func TestMotionContent(t *testing.T) {
	f := newFixture(t)
	call := f.must(leaderA(1), "openCall", "academic")[0].(uint64) // 2 of 3 seats filled
	f.must(plain, "standForSeat", call, h32, "https://statement")
	f.past(f.view("call", call)[4].(uint64))
	app := f.must(plain, "applyAdvisory", h32, "https://cv", h32)[0].(uint64)
	m := f.meeting(council()[:7]...)
	move := func(method string, a ...any) uint64 {
		return f.must(ncSeat(0), method, append([]any{m}, a...)...)[0].(uint64)
	}
	cases := []struct {
		id   uint64
		want []any
	}{
		{move("moveProjectStatus", uint64(recProject), ProjectSuspended),
			[]any{uint8(MotionProjectStatus), uint64(0), uint64(recProject), uint8(ProjectSuspended), uint8(0), "", uint64(0), uint64(0), "", big.NewInt(0), uint64(0), uint64(0)}},
		{move("moveElect", call, uint64(recPlain)), // before the decision: a term from the meeting's end
			[]any{uint8(MotionElect), uint64(0), uint64(0), uint8(0), uint8(RoleLeader), "academic", uint64(recPlain), f.view("meeting", m)[2].(uint64) + year, "", big.NewInt(0), uint64(0), uint64(0)}},
		{move("moveUnseat", RoleAdvisory, "", uint64(recAdvisor)),
			[]any{uint8(MotionUnseat), uint64(0), uint64(0), uint8(0), uint8(RoleAdvisory), "", uint64(recAdvisor), uint64(0), "", big.NewInt(0), uint64(0), uint64(0)}},
		{move("moveParameter", "applyQuota", big64(7)),
			[]any{uint8(MotionParameter), uint64(0), uint64(0), uint8(0), uint8(0), "", uint64(0), uint64(0), "applyQuota", big.NewInt(7), uint64(0), uint64(0)}},
		{move("moveUpgrade", "v2", uint64(900)),
			[]any{uint8(MotionUpgrade), uint64(0), uint64(0), uint8(0), uint8(0), "", uint64(0), uint64(0), "v2", big.NewInt(0), uint64(900), uint64(0)}},
		{move("moveCapitalBudget", "academic", uint64(5000)),
			[]any{uint8(MotionCapitalBudget), uint64(0), uint64(0), uint8(0), uint8(0), "academic", uint64(0), uint64(0), "", big.NewInt(5000), uint64(0), uint64(0)}},
		{move("moveAdmitAdvisory", app), // before the decision: a term from the meeting's end
			[]any{uint8(MotionAdmitAdvisory), app, uint64(0), uint8(0), uint8(RoleAdvisory), "", uint64(recPlain), f.view("meeting", m)[2].(uint64) + 2*year, "", big.NewInt(0), uint64(0), uint64(0)}},
	}
	for _, c := range cases {
		if got := f.view("motionContent", c.id); fmt.Sprint(got) != fmt.Sprint(c.want) || got[9].(*big.Int).Cmp(c.want[9].(*big.Int)) != 0 {
			t.Errorf("motionContent(%d) = %v\nwant %v", c.id, got, c.want)
		}
		if got := f.view("motion", c.id); got[0].(uint64) != m || got[1].(uint8) != c.want[0].(uint8) || got[2].(uint8) != uint8(MotionOpen) || got[3].(uint64) != recNC(0) {
			t.Errorf("motion(%d) = %v", c.id, got)
		}
	}
	// an action's motion names the action, and the member it acts on
	mm := move("moveMemberAction", uint64(recPlain), ActionSuspend, false, [32]byte{})
	if got := f.view("motionContent", mm); got[0].(uint8) != uint8(MotionMemberAction) || got[6].(uint64) != recPlain ||
		got[11].(uint64) == 0 || f.view("action", got[11].(uint64))[2].(uint8) != uint8(ActionSuspend) {
		t.Errorf("motionContent(%d) of a member action = %v", mm, got)
	}
	if got := f.view("motionContent", uint64(99)); got[0].(uint8) != 0 || got[9].(*big.Int).Sign() != 0 {
		t.Errorf("motionContent of no motion = %v", got)
	}
}

// TestActionAndRequestViews: an action's subject decoded, its time and
// votes; capital and extraordinary meeting requests, one by one and by page.
func TestActionAndRequestViews(t *testing.T) {
	f := newFixture(t)
	n := nodeID('V', 0) // the founding validator of public
	reason := [32]byte{0x44}
	act := f.must(ncSeat(1), "proposeNodeAction", n, ActionSuspend, true, reason)[0].(uint64)
	if got, want := f.view("actionDetail", act), []any{n, uint64(0), f.env.Time}; !reflect.DeepEqual(got, want) {
		t.Fatalf("actionDetail = %v, want %v", got, want)
	}
	for c := range 3 {
		f.must(ncSeat(c), "voteAction", act, true)
	}
	got := f.view("action", act)
	if subj := got[1].([32]byte); got[0].(uint8) != uint8(TargetNode) || [20]byte(subj[:20]) != n ||
		got[2].(uint8) != uint8(ActionSuspend) || !got[3].(bool) || got[4].([32]byte) != reason || got[6].(uint64) != recNC(1) || got[9].(uint32) != 3 {
		t.Fatalf("action = %v", got)
	}
	if got := f.view("actionVotes", act); !reflect.DeepEqual(got, []any{[]uint64{recNC(0), recNC(1), recNC(2)}, []uint64{}}) {
		t.Fatalf("actionVotes = %v", got)
	}

	mact := f.must(ncSeat(0), "proposeMemberAction", uint64(recPlain), ActionSuspend, false, reason)[0].(uint64)
	if got := f.view("actionDetail", mact); got[0].([20]byte) != ([20]byte{}) || got[1].(uint64) != recPlain || got[2].(uint64) != f.env.Time {
		t.Fatalf("actionDetail of a member action = %v", got)
	}

	const k = 5
	for i := range k {
		f.env.Time++
		id := f.must(plain, "requestCapital", uint64(1000+i), [32]byte{byte(i)})[0].(uint64)
		if got, want := f.view("capitalRequest", id), []any{uint64(recPlain), uint64(1000 + i), [32]byte{byte(i)}, f.env.Time,
			uint8(CapitalRequestOpen), uint64(0), uint64(0)}; !reflect.DeepEqual(got, want) {
			t.Fatalf("capitalRequest(%d) = %v, want %v", id, got, want)
		}
		f.must(leaderA(i%4), "requestExtraordinary", [32]byte{0xE0 + byte(i)})
	}
	start := f.env.Time + 100
	mtg := f.must(secretary, "convene", MeetingExtraordinary, h32, start, start+50, "", uint64(2))[0].(uint64)

	// Pages of 2: 1 2 | 3 4 | 5.
	var ids, meetings []uint64
	cursor := [32]byte{}
	for pages := 0; ; pages++ {
		if pages > k {
			t.Fatal("extraordinaryRequests never ends")
		}
		got := f.view("extraordinaryRequests", cursor, uint32(2))
		ids, meetings = append(ids, got[0].([]uint64)...), append(meetings, got[4].([]uint64)...)
		for i, id := range got[0].([]uint64) {
			one := f.view("extraordinaryRequest", id)
			row := []any{got[1].([]uint64)[i], got[2].([][32]byte)[i], got[3].([]uint64)[i], got[4].([]uint64)[i]}
			if !reflect.DeepEqual(one, row) {
				t.Fatalf("extraordinaryRequest(%d) = %v, its row %v", id, one, row)
			}
		}
		if cursor = got[5].([32]byte); cursor == ([32]byte{}) {
			break
		}
	}
	if !reflect.DeepEqual(ids, []uint64{1, 2, 3, 4, 5}) || !reflect.DeepEqual(meetings, []uint64{0, mtg, 0, 0, 0}) {
		t.Fatalf("extraordinary requests %v, meetings %v", ids, meetings)
	}
	if got := f.view("extraordinaryRequest", uint64(3)); got[0].(uint64) != recLeaderA(2) || got[1].([32]byte) != ([32]byte{0xE2}) {
		t.Fatalf("extraordinaryRequest(3) = %v", got)
	}
	got = f.view("capitalRequestIds", [32]byte{}, uint32(3))
	if !reflect.DeepEqual(got[0], []uint64{1, 2, 3}) || got[1].([32]byte) != [32]byte(w64(3)) {
		t.Fatalf("capitalRequestIds first page = %v", got)
	}
	got = f.view("capitalRequestIds", got[1].([32]byte), uint32(3))
	if !reflect.DeepEqual(got[0], []uint64{4, 5}) || got[1].([32]byte) != ([32]byte{}) {
		t.Fatalf("capitalRequestIds last page = %v", got)
	}
	if got := f.view("capitalRequestIds", [32]byte(w64(9)), uint32(0)); len(got[0].([]uint64)) != 0 {
		t.Fatalf("capitalRequestIds past the end = %v", got)
	}
}

// TestDetailViewsWithinPrice: the detail views answer applications whose
// every text is as long as maxURILength allows, within their price.
func TestDetailViewsWithinPrice(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("u", int(DefaultParams[5].Value))
	if DefaultParams[5].Name != "maxURILength" {
		t.Fatal("DefaultParams moved: find maxURILength")
	}
	n := nodeID('W', 2)
	app := f.must(stranger, "applyNode", signed(stranger, "academic", nodeKeyOf(n), NodeValidator, "ed25519", consKey('W', 2), KindInstitution,
		h32, h32, long, h32, long)...)[0].(uint64)
	if got := f.view("nodeApplication", app); got[7].(string) != long || got[9].(string) != long {
		t.Fatalf("nodeApplication with long URIs = %v", got[:7])
	}
	papp := f.must(plain, "applyProject", "academic", long, h32, long, h32, long, uint8(1), []common.Address{acct('D', 3)})[0].(uint64)
	if got := f.view("projectApplication", papp); got[0].(string) != long || got[2].(string) != long || got[4].(string) != long {
		t.Fatal("projectApplication with long texts")
	}
	m := f.meeting(council()[:7]...)
	mot := f.must(ncSeat(0), "moveParameter", m, "livenessMaxMissedPermille", big64(400))[0].(uint64)
	if got := f.view("motionContent", mot); got[8].(string) != "livenessMaxMissedPermille" {
		t.Fatalf("motionContent = %v", got)
	}
}
