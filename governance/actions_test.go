package governance

import (
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// act has the Nodes Commission propose an action (proposeNodeAction or
// proposeMemberAction on subject, with a reason) and three of its four seats
// approve it; it returns the action's id and the first refusal.
func (f *fixture) act(method string, subject any, kind NodeAction, forCause bool) (uint64, string) {
	f.t.Helper()
	out, r := f.call(ncSeat(0), method, subject, kind, forCause, h32)
	if r != "" {
		return 0, r
	}
	id := out[0].(uint64)
	for c := range 3 {
		if _, r := f.call(ncSeat(c), "voteAction", id, true); r != "" {
			return id, r
		}
	}
	return id, ""
}

// plenary moves method (its meeting first, then a) in a meeting the whole
// Executive Council attends, everyone votes yes, and decides it after the
// meeting; it returns the motion and the first refusal.
func (f *fixture) plenary(method string, a ...any) (uint64, string) {
	f.t.Helper()
	m := f.meeting(council()...)
	out, r := f.call(ncSeat(0), method, append([]any{m}, a...)...)
	if r != "" {
		return 0, r
	}
	id := out[0].(uint64)
	for _, acc := range append([]common.Address{secretary}, council()...) {
		f.must(acc, "vote", id, true)
	}
	return id, f.decide(m, id)
}

func (f *fixture) ratify(action uint64) string {
	f.t.Helper()
	_, r := f.plenary("moveRatifyAction", action)
	return r
}

func (f *fixture) actStatus(id uint64) ActionStatus {
	return ActionStatus(f.view("action", id)[5].(uint8))
}
func (f *fixture) recStatus(id uint64) RecordStatus {
	return RecordStatus(f.view("record", id)[2].(uint8))
}
func (f *fixture) nodeStatus(n [20]byte) NodeStatus { return NodeStatus(f.view("node", n)[3].(uint8)) }

// events names the block events of fx but the terms that ended (the
// fixture's genesis terms end in the periods these tests wait).
func events(fx BlockEffects) []string {
	var out []string
	for _, e := range fx.Events {
		if e.Name != "TermEnded" {
			out = append(out, e.Name)
		}
	}
	return out
}

// observers adds an observer node of academic run by the plain member
// (O1), one of public run by the secretary (S1), and a second cso
// validator run by cso's leader A (W1).
func observers(g *Founding) {
	g.Nodes = append(g.Nodes,
		FoundingNode{NodeID: common.Address(nodeID('O', 1)), Collective: "academic", Operator: recPlain, Role: NodeObserver},
		FoundingNode{NodeID: common.Address(nodeID('S', 1)), Collective: "public", Operator: recSecretary, Role: NodeObserver},
		FoundingNode{NodeID: common.Address(nodeID('W', 1)), Collective: "cso", Operator: recLeaderA(3), Role: NodeValidator,
			KeyType: "ed25519", PubKey: consKey('W', 1)})
}

// TestCommissionNeverActsOnSeatHolders: every seat holder's record is out
// of the commission's reach, whatever the action; the refusal says where it
// is moved.
func TestCommissionNeverActsOnSeatHolders(t *testing.T) {
	holders := []struct {
		name string
		rec  uint64
	}{
		{"a leader", recLeaderA(1)},
		{"another collective's second leader", recLeaderA(2) + 1},
		{"the secretary", recSecretary},
		{"a Nodes Commission seat", recNC(1)},
		{"the proposer's own seat", recNC(0)},
		{"a Projects Commission seat", recNC(2) + 1},
		{"an Advisory Council member", recAdvisor},
	}
	for _, h := range holders {
		for _, kind := range []NodeAction{ActionSuspend, ActionRemove, ActionReinstate} {
			for _, cause := range []bool{false, true} {
				t.Run(h.name+"/"+kind.String(), func(t *testing.T) {
					f := newFixture(t)
					_, r := f.call(ncSeat(0), "proposeMemberAction", h.rec, kind, cause, h32)
					if !strings.Contains(r, "holds a seat") || !strings.Contains(r, "moveMemberAction") {
						t.Fatalf("reason %q", r)
					}
				})
			}
		}
	}
	// A record seated after the proposal: the approval is refused.
	f := newFixture(t)
	id := f.must(ncSeat(0), "proposeMemberAction", uint64(recPlain), ActionSuspend, false, h32)[0].(uint64)
	if r := f.admit(plain); r != "" { // to the Advisory Council
		t.Fatal(r)
	}
	f.must(ncSeat(0), "voteAction", id, true)
	f.must(ncSeat(1), "voteAction", id, true)
	if _, r := f.call(ncSeat(2), "voteAction", id, true); !strings.Contains(r, "holds a seat") {
		t.Fatalf("approving an action on a record seated since: %q", r)
	}
	if f.recStatus(recPlain) != StatusActive {
		t.Fatal("seat holder's status changed")
	}
}

// TestForCauseNeedsReason: every path refuses an action for cause without
// the commitment to its reason, and shows cause and reason.
func TestForCauseNeedsReason(t *testing.T) {
	paths := []struct {
		name   string
		method string
		args   func(f *fixture, cause bool, reason [32]byte) []any
	}{
		{"node", "proposeNodeAction", func(_ *fixture, c bool, r [32]byte) []any {
			return []any{nodeID('O', 1), ActionSuspend, c, r}
		}},
		{"member", "proposeMemberAction", func(_ *fixture, c bool, r [32]byte) []any {
			return []any{uint64(recPlain), ActionSuspend, c, r}
		}},
		{"plenary", "moveMemberAction", func(f *fixture, c bool, r [32]byte) []any {
			return []any{f.meeting(council()...), uint64(recPlain), ActionSuspend, c, r}
		}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			f := newFixture(t, observers)
			if _, r := f.call(ncSeat(0), p.method, p.args(f, true, [32]byte{})...); !strings.Contains(r, "needs the commitment to its reason") {
				t.Fatalf("for cause without a reason: %q", r)
			}
			reason := [32]byte{0xCA, 0x05}
			f.must(ncSeat(0), p.method, p.args(f, true, reason)...)
			a := f.view("action", uint64(1))
			if !a[3].(bool) || a[4].([32]byte) != reason {
				t.Fatalf("action shows cause %v reason %x", a[3], a[4])
			}
			if p.method != "moveMemberAction" {
				f.must(ncSeat(0), p.method, p.args(f, false, [32]byte{})...) // without cause, no reason needed
			}
		})
	}
}

// TestProvisionalLapses: a commission suspension takes effect at once,
// provisionally, and lapses at its deadline: EndBlock restores the member
// and its node, with the power back to CometBFT in that block.
func TestProvisionalLapses(t *testing.T) {
	f := newFixture(t, observers)
	id, r := f.act("proposeMemberAction", uint64(recPlain), ActionSuspend, false)
	if r != "" {
		t.Fatal(r)
	}
	deadline := (f.env.Time + 30*day + lapseBucket - 1) / lapseBucket * lapseBucket
	a := f.view("action", id)
	if f.actStatus(id) != ActionProvisional || a[7].(uint64) != deadline || a[6].(uint64) != recNC(0) {
		t.Fatalf("action %v, want provisional until %d", a, deadline)
	}
	if f.recStatus(recPlain) != StatusSuspended || f.nodeStatus(nodeID('O', 1)) != NodeSuspended {
		t.Fatal("a provisional suspension did not take effect")
	}
	// A validator too: cso's second validator, its power moves at once.
	vid, r := f.act("proposeNodeAction", nodeID('W', 1), ActionSuspend, false)
	if r != "" {
		t.Fatal(r)
	}
	f.c.EndBlock(f.env, f.st)
	if f.power(nodeID('V', 3)) != CollectivePower {
		t.Fatal("suspension did not move the power")
	}
	f.env.Time, f.env.Number = deadline-1, f.env.Number+1
	if fx := f.c.EndBlock(f.env, f.st); len(events(fx)) != 0 {
		t.Fatalf("events before the deadline: %v", events(fx))
	}
	f.env.Time, f.env.Number = deadline, f.env.Number+1
	if r := f.ratify(id); !strings.Contains(r, "lapsed") {
		t.Fatalf("ratifying at the deadline: %q", r)
	}
	fx := f.c.EndBlock(f.env, f.st)
	want := []string{"MemberStatusChanged", "NodeStatusChanged", "ActionLapsed", "ValidatorPowerChanged", "ValidatorPowerChanged", "NodeStatusChanged", "ActionLapsed"}
	if got := events(fx); !slices.Equal(got, want) {
		t.Fatalf("lapse events %v, want %v", got, want)
	}
	if got := fx.Events[2].Attributes(); len(got) != 1 || got[0] != [2]string{"actionId", "1"} {
		t.Fatalf("ActionLapsed attributes %v", got)
	}
	if f.recStatus(recPlain) != StatusActive || f.nodeStatus(nodeID('O', 1)) != NodeAdmitted || f.actStatus(id) != ActionLapsed || f.actStatus(vid) != ActionLapsed {
		t.Fatal("lapse did not restore")
	}
	if len(fx.Validators) != 2 || f.power(nodeID('W', 1)) != CollectivePower/2 {
		t.Fatalf("validator updates of the lapse %+v", fx.Validators)
	}
	if ids := f.view("actions", uint8(ActionLapsed), [32]byte{}, uint32(0))[0].([]uint64); !slices.Equal(ids, []uint64{id, vid}) {
		t.Fatalf("lapsed actions %v", ids)
	}
	if _, r := f.plenary("moveOverturnAction", id); !strings.Contains(r, "only a provisional or to-plenary action") {
		t.Fatalf("overturning a lapsed action: %q", r)
	}
}

// TestProvisionalRemovalRatified: a commission removal only suspends until
// the plenary ratifies it; then it is the removal, final, and nothing lapses.
func TestProvisionalRemovalRatified(t *testing.T) {
	f := newFixture(t, observers)
	id, r := f.act("proposeMemberAction", uint64(recPlain), ActionRemove, false)
	if r != "" {
		t.Fatal(r)
	}
	if f.recStatus(recPlain) != StatusSuspended || f.nodeStatus(nodeID('O', 1)) != NodeSuspended {
		t.Fatal("a provisional removal must suspend")
	}
	mot, r := f.plenary("moveRatifyAction", id)
	if r != "" {
		t.Fatal(r)
	}
	a := f.view("action", id)
	if f.actStatus(id) != ActionFinal || a[8].(uint64) != mot {
		t.Fatalf("ratified action %v", a)
	}
	if f.recStatus(recPlain) != StatusRemoved || f.nodeStatus(nodeID('O', 1)) != NodeRemoved {
		t.Fatal("ratified removal not carried out")
	}
	f.env.Time += 200 * day
	if fx := f.c.EndBlock(f.env, f.st); len(events(fx)) != 0 {
		t.Fatalf("a ratified action lapsed: %v", events(fx))
	}
	if r := f.ratify(id); !strings.Contains(r, "is final") {
		t.Fatalf("ratifying twice: %q", r)
	}
}

// TestOverturn: the plenary undoes a provisional action at once.
func TestOverturn(t *testing.T) {
	f := newFixture(t, observers)
	n := nodeID('W', 1)
	id, r := f.act("proposeNodeAction", n, ActionRemove, false)
	if r != "" {
		t.Fatal(r)
	}
	mot, r := f.plenary("moveOverturnAction", id)
	if r != "" {
		t.Fatal(r)
	}
	if f.nodeStatus(n) != NodeAdmitted || f.power(n) != CollectivePower/2 || f.actStatus(id) != ActionOverturned || f.view("action", id)[8].(uint64) != mot {
		t.Fatal("overturn did not restore")
	}
	f.env.Time += 200 * day
	if fx := f.c.EndBlock(f.env, f.st); slices.Contains(events(fx), "ActionLapsed") {
		t.Fatal("an overturned action lapsed")
	}
}

// TestReliesOnCauseGoesToPlenary: an action the safety rules allow only for
// cause, or that leaves a collective with validators without any, changes
// nothing by the commission alone; it takes effect when ratified and
// otherwise lapses with nothing to undo.
func TestReliesOnCauseGoesToPlenary(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Founding)
		node  [20]byte
		cause bool
	}{
		{"a collective's last node, for cause", nil, nodeID('V', 1), true},
		{"fewer than four collectives with validators, for cause", observers, nodeID('V', 1), true},
		{"a forming collective's only validator, without cause", withForming, nodeID('F', 1), false},
	}
	for _, tt := range tests {
		for _, ratified := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				var edits []func(*Founding)
				if tt.edit != nil {
					edits = append(edits, tt.edit)
				}
				f := newFixture(t, edits...)
				if tt.node == nodeID('F', 1) {
					app := f.applyValidator(acct('F', 1), "forming", tt.node, consKey('F', 1))
					f.must(acct('F', 0), "endorse", app)
					f.commission(ncSeat, app, 3)
				}
				id, r := f.act("proposeNodeAction", tt.node, ActionSuspend, tt.cause)
				if r != "" {
					t.Fatal(r)
				}
				if f.actStatus(id) != ActionToPlenary || f.nodeStatus(tt.node) != NodeAdmitted {
					t.Fatalf("status %s, node %s: want to-plenary, admitted", f.actStatus(id), f.nodeStatus(tt.node))
				}
				if ratified {
					if r := f.ratify(id); r != "" {
						t.Fatal(r)
					}
					if f.actStatus(id) != ActionFinal || f.nodeStatus(tt.node) != NodeSuspended {
						t.Fatal("ratification did not carry it out")
					}
					return
				}
				f.env.Time += 31 * day
				if fx := f.c.EndBlock(f.env, f.st); !slices.Equal(events(fx), []string{"ActionLapsed"}) {
					t.Fatalf("lapse events %v", events(fx))
				}
				if f.actStatus(id) != ActionLapsed || f.nodeStatus(tt.node) != NodeAdmitted {
					t.Fatal("lapse of a to-plenary action")
				}
			})
		}
	}
}

// TestTakeoverFails: three Nodes Commission seats try to take over: suspend
// the secretary and its node, remove a leader, and suspend three
// collectives' validators for cause. Nothing final happens; what took effect
// lapses, and the network is as it was.
func TestTakeoverFails(t *testing.T) {
	f := newFixture(t, observers)
	before := f.c.Validators(f.st)
	for _, rec := range []uint64{recSecretary, recLeaderA(0), recLeaderA(1) + 1} {
		for _, kind := range []NodeAction{ActionSuspend, ActionRemove} {
			if _, r := f.act("proposeMemberAction", rec, kind, true); !strings.Contains(r, "holds a seat") {
				t.Fatalf("%s of record %d: %q", kind, rec, r)
			}
		}
	}
	sec, r := f.act("proposeNodeAction", nodeID('S', 1), ActionSuspend, false)
	if r != "" || f.actStatus(sec) != ActionProvisional {
		t.Fatalf("suspending the secretary's node: %q, %s", r, f.actStatus(sec))
	}
	var forCause []uint64
	for c := range 3 {
		id, r := f.act("proposeNodeAction", nodeID('V', c), ActionSuspend, true)
		if r != "" || f.actStatus(id) != ActionToPlenary {
			t.Fatalf("suspending %s's validator for cause: %q, %s", colls[c], r, f.actStatus(id))
		}
		forCause = append(forCause, id)
	}
	for c := range 3 {
		if p := f.power(nodeID('V', c)); p != CollectivePower {
			t.Fatalf("%s's validator has power %d after the commission's decision", colls[c], p)
		}
	}
	f.env.Time += 31 * day
	fx := f.c.EndBlock(f.env, f.st)
	if n := strings.Count(strings.Join(events(fx), " "), "ActionLapsed"); n != 4 {
		t.Fatalf("lapsed %d, want 4: %v", n, events(fx))
	}
	if f.nodeStatus(nodeID('S', 1)) != NodeAdmitted || f.recStatus(recSecretary) != StatusActive {
		t.Fatal("the secretary's node was not restored")
	}
	if after := f.c.Validators(f.st); len(after) != len(before) {
		t.Fatalf("validators %d, were %d", len(after), len(before))
	}
	for _, id := range append(forCause, sec) {
		if f.actStatus(id) != ActionLapsed {
			t.Fatalf("action %d %s", id, f.actStatus(id))
		}
	}
}

// TestPlenaryMemberAction: a seat holder's suspension or removal is moved
// in plenary, under the same rules: the secretary never, a leader not below
// the least leaders without cause; passed, it is final at once.
func TestPlenaryMemberAction(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()...)
	refusals := []struct {
		rec   uint64
		kind  NodeAction
		cause bool
		want  string
	}{
		{recSecretary, ActionSuspend, true, "Executive Secretary"},
		{recSecretary, ActionRemove, false, "Executive Secretary"},
		{recLeaderA(0) + 1, ActionRemove, false, "fewer than 2 leaders"},
		{recLeaderA(1), ActionSuspend, false, "without nodes"},
		{recPlain, ActionReinstate, false, "only a suspended member is reinstated"},
		{recProject, ActionSuspend, false, "is a project"},
		{999, ActionSuspend, false, "does not exist"},
		{recPlain, 7, false, "is not suspend (1), remove (2) or reinstate (3)"},
	}
	for _, tt := range refusals {
		if _, r := f.call(ncSeat(0), "moveMemberAction", m, tt.rec, tt.kind, tt.cause, h32); !strings.Contains(r, tt.want) {
			t.Errorf("record %d %s: %q, want %q", tt.rec, tt.kind, r, tt.want)
		}
	}
	if _, r := f.call(stranger, "moveMemberAction", m, recLeaderA(0)+1, ActionSuspend, false, h32); r == "" {
		t.Error("a stranger moved a motion")
	}
	// A leader suspended by the plenary: final at once.
	rec := recLeaderA(0) + 1
	mot, r := f.plenary("moveMemberAction", rec, ActionSuspend, false, h32)
	if r != "" {
		t.Fatal(r)
	}
	a := f.view("action", uint64(1))
	if f.recStatus(rec) != StatusSuspended || f.actStatus(1) != ActionFinal || a[8].(uint64) != mot || MotionKind(f.view("motion", mot)[1].(uint8)) != MotionMemberAction {
		t.Fatalf("plenary suspension: record %s, action %v", f.recStatus(rec), a)
	}
	// Its reinstatement is the plenary's too.
	if _, r := f.act("proposeMemberAction", rec, ActionReinstate, false); !strings.Contains(r, "holds a seat") {
		t.Fatalf("the commission reinstating a seat holder: %q", r)
	}
	if _, r := f.plenary("moveMemberAction", rec, ActionReinstate, false, [32]byte{}); r != "" || f.recStatus(rec) != StatusActive {
		t.Fatalf("plenary reinstatement: %q", r)
	}
	// A motion that fails leaves the action before the plenary until it lapses.
	m = f.meeting(council()...)
	mot = f.must(ncSeat(0), "moveMemberAction", m, rec, ActionSuspend, false, h32)[0].(uint64)
	f.must(ncSeat(1), "vote", mot, false)
	if r := f.decide(m, mot); r != "" {
		t.Fatal(r)
	}
	if f.recStatus(rec) != StatusActive || f.actStatus(3) != ActionToPlenary {
		t.Fatalf("a failed motion: record %s, action %s", f.recStatus(rec), f.actStatus(3))
	}
	f.env.Time += 31 * day
	f.c.EndBlock(f.env, f.st)
	if f.actStatus(3) != ActionLapsed || f.recStatus(rec) != StatusActive {
		t.Fatal("the failed motion's action did not lapse cleanly")
	}
}

// TestRatifyRefusals: what cannot be ratified or overturned.
func TestRatifyRefusals(t *testing.T) {
	f := newFixture(t, observers)
	rejected := f.must(ncSeat(0), "proposeNodeAction", nodeID('O', 1), ActionSuspend, false, h32)[0].(uint64)
	f.must(ncSeat(0), "voteAction", rejected, false)
	f.must(ncSeat(1), "voteAction", rejected, false)
	proposed := f.must(ncSeat(0), "proposeNodeAction", nodeID('O', 1), ActionSuspend, false, h32)[0].(uint64)
	reinstated, _ := f.act("proposeNodeAction", nodeID('S', 1), ActionSuspend, false)
	f.must(ncSeat(0), "proposeNodeAction", nodeID('S', 1), ActionReinstate, false, h32)
	for c := range 3 {
		f.must(ncSeat(c), "voteAction", reinstated+1, true)
	}
	if f.actStatus(reinstated+1) != ActionFinal || f.nodeStatus(nodeID('S', 1)) != NodeAdmitted {
		t.Fatal("the commission's reinstatement is immediate and final")
	}
	m := f.meeting(council()...)
	for _, tt := range []struct {
		id   uint64
		want string
	}{
		{rejected, "is rejected"},
		{proposed, "is proposed"},
		{reinstated + 1, "is final"},
		{999, "does not exist"},
	} {
		for _, method := range []string{"moveRatifyAction", "moveOverturnAction"} {
			if _, r := f.call(ncSeat(0), method, m, tt.id); !strings.Contains(r, tt.want) {
				t.Errorf("%s of action %d: %q, want %q", method, tt.id, r, tt.want)
			}
		}
	}
	// A provisional action whose node was reinstated since: its lapse
	// leaves the node alone; a new suspension is another action's.
	again, _ := f.act("proposeNodeAction", nodeID('S', 1), ActionSuspend, false)
	f.env.Time += 31 * day
	f.c.EndBlock(f.env, f.st)
	if f.actStatus(reinstated) != ActionLapsed || f.actStatus(again) != ActionLapsed || f.nodeStatus(nodeID('S', 1)) != NodeAdmitted {
		t.Fatalf("lapses: %s %s, node %s", f.actStatus(reinstated), f.actStatus(again), f.nodeStatus(nodeID('S', 1)))
	}
}

// TestLapseQueueBounded: EndBlock lapses in order of deadline and does at
// most maxLapseWork per block, the rest in the next blocks; a shorter
// ratificationPeriod puts later actions first; a long gap is caught up in
// bounded steps.
func TestLapseQueueBounded(t *testing.T) {
	const many = 40
	f := newFixture(t, func(g *Founding) {
		for i := range many {
			g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('R', i)), Collective: "academic", Operator: recPlain, Role: NodeObserver})
		}
	})
	for i := range many {
		if _, r := f.act("proposeNodeAction", nodeID('R', i), ActionSuspend, false); r != "" {
			t.Fatal(r)
		}
	}
	// A shorter period: this one, proposed last, lapses first.
	(&store{st: f.st}).setParam("ratificationPeriod", day)
	early, r := f.act("proposeMemberAction", uint64(recPlain), ActionSuspend, false)
	if r != "" {
		t.Fatal(r)
	}
	if d := f.view("action", early)[7].(uint64); d > f.env.Time+day+lapseBucket {
		t.Fatalf("deadline %d", d)
	}
	f.env.Time += day + lapseBucket
	fx := f.c.EndBlock(f.env, f.st)
	if !slices.Contains(events(fx), "ActionLapsed") || f.actStatus(early) != ActionLapsed || f.actStatus(1) != ActionProvisional {
		t.Fatalf("the early deadline did not lapse first: %v", events(fx))
	}
	// A year's gap: every block does bounded work until all have lapsed.
	f.env.Time += year
	blocks := 0
	for lapsed := 0; lapsed < many; blocks++ {
		if blocks > 1000 {
			t.Fatal("the lapse queue does not drain")
		}
		f.env.Number++
		fx := f.c.EndBlock(f.env, f.st)
		n := strings.Count(strings.Join(events(fx), " "), "ActionLapsed")
		if n*2 > maxLapseWork {
			t.Fatalf("block lapsed %d actions (%d work each), above the bound %d", n, 2, maxLapseWork)
		}
		lapsed += n
	}
	t.Logf("%d lapses after a year's gap took %d blocks", many, blocks)
	for i := range many {
		if f.nodeStatus(nodeID('R', i)) != NodeAdmitted {
			t.Fatalf("node %d not restored", i)
		}
	}
	if n := f.view("actions", uint8(ActionLapsed), [32]byte{}, uint32(0))[0].([]uint64); len(n) != many+1 {
		t.Fatalf("%d lapsed", len(n))
	}
	if c := (&store{st: f.st}).u64(key("lapse.count")); c != 0 {
		t.Fatalf("queue count %d", c)
	}
}

// TestMemberLapseRestoresInSteps: a member action that suspended more nodes
// than a block's bound is restored over several blocks.
func TestMemberLapseRestoresInSteps(t *testing.T) {
	const many = 70
	f := newFixture(t, func(g *Founding) {
		for i := range many {
			g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('R', i)), Collective: "academic", Operator: recPlain, Role: NodeObserver})
		}
	})
	id, r := f.act("proposeMemberAction", uint64(recPlain), ActionSuspend, false)
	if r != "" {
		t.Fatal(r)
	}
	f.env.Time += 31 * day
	blocks := 0
	for f.actStatus(id) != ActionLapsed {
		if blocks++; blocks > 10 {
			t.Fatal("not restored in 10 blocks")
		}
		f.env.Number++
		if fx := f.c.EndBlock(f.env, f.st); len(events(fx)) > maxLapseWork+1 {
			t.Fatalf("%d events in a block", len(events(fx)))
		}
	}
	if blocks < 3 {
		t.Fatalf("%d nodes restored in %d blocks: the bound does not hold", many, blocks)
	}
	for i := range many {
		if f.nodeStatus(nodeID('R', i)) != NodeAdmitted {
			t.Fatalf("node %d not restored", i)
		}
	}
}

// TestActionsPaged: actions by status, paginated.
func TestActionsPaged(t *testing.T) {
	f := newFixture(t, observers)
	for range 3 {
		f.must(ncSeat(0), "proposeNodeAction", nodeID('O', 1), ActionSuspend, false, h32)
	}
	out := f.view("actions", uint8(ActionProposed), [32]byte{}, uint32(2))
	ids, next := out[0].([]uint64), out[1].([32]byte)
	if !slices.Equal(ids, []uint64{1, 2}) || next == ([32]byte{}) {
		t.Fatalf("first page %v %x", ids, next)
	}
	if ids := f.view("actions", uint8(ActionProposed), next, uint32(2))[0].([]uint64); !slices.Equal(ids, []uint64{3}) {
		t.Fatalf("second page %v", ids)
	}
	f.act("proposeNodeAction", nodeID('O', 1), ActionSuspend, false) // 4: provisional
	if ids := f.view("actions", uint8(ActionProvisional), [32]byte{}, uint32(0))[0].([]uint64); !slices.Equal(ids, []uint64{4}) {
		t.Fatalf("provisional %v", ids)
	}
}

// TestRatifyChecksRulesAgain: what ratification would carry out is checked
// when moved and again when decided: the plenary cannot empty the
// validator set either.
func TestRatifyChecksRulesAgain(t *testing.T) {
	f := newFixture(t)
	var ids []uint64
	for c := range 4 { // each alone leaves three collectives with validators
		id, r := f.act("proposeNodeAction", nodeID('V', c), ActionSuspend, true)
		if r != "" || f.actStatus(id) != ActionToPlenary {
			t.Fatalf("%s: %q %s", colls[c], r, f.actStatus(id))
		}
		ids = append(ids, id)
	}
	for _, id := range ids[:2] {
		if r := f.ratify(id); r != "" {
			t.Fatal(r)
		}
	}
	m := f.meeting(council()...)
	var mots []uint64
	for _, id := range ids[2:] {
		mot := f.must(ncSeat(0), "moveRatifyAction", m, id)[0].(uint64)
		for _, a := range append([]common.Address{secretary}, council()...) {
			f.must(a, "vote", mot, true)
		}
		mots = append(mots, mot)
	}
	if r := f.decide(m, mots[0]); r != "" {
		t.Fatal(r)
	}
	if r := f.decide(m, mots[1]); !strings.Contains(r, "the validator set would be empty") {
		t.Fatalf("deciding the last validator's suspension: %q", r)
	}
	m = f.meeting(council()...)
	if _, r := f.call(ncSeat(0), "moveRatifyAction", m, ids[3]); !strings.Contains(r, "the validator set would be empty") {
		t.Fatalf("moving the last validator's suspension: %q", r)
	}
	if f.nodeStatus(nodeID('V', 3)) != NodeAdmitted || f.actStatus(ids[3]) != ActionToPlenary {
		t.Fatal("the last validator was suspended")
	}
}

// TestLapseEnqueueFlat: queueing an action costs lapseEnqueueGas whether its
// deadline's bucket exists or not, so a deciding vote estimated in one block
// uses the same gas in the next, even across a bucket's boundary (ethers'
// estimate once fell short by the price of a new bucket).
func TestLapseEnqueueFlat(t *testing.T) {
	// the bound covers every case of the queue's own writes
	f := newFixture(t)
	s := &store{st: f.st}
	for _, c := range []struct {
		name  string
		id, b uint64
	}{{"empty queue", 1, 1000}, {"bucket in use", 2, 1000}, {"new bucket after", 3, 1001}, {"new bucket before the cursor", 4, 999}} {
		s.gas = 0
		s.queueLapse(c.id, c.b)
		if s.gas > lapseEnqueueGas {
			t.Errorf("%s: queueing cost %d gas, above lapseEnqueueGas %d", c.name, s.gas, lapseEnqueueGas)
		}
		t.Logf("%s: %d gas", c.name, s.gas)
	}

	// a second action's deciding vote costs the same whether its deadline
	// falls in the first one's bucket or in a new one
	var want uint64
	for _, later := range []uint64{1, 30, 60, 150} {
		f := newFixture(t, observers)
		f.env.Time = f.env.Time/lapseBucket*lapseBucket + 5
		if _, r := f.act("proposeNodeAction", nodeID('W', 1), ActionSuspend, false); r != "" {
			t.Fatal(r)
		}
		id := f.must(ncSeat(0), "proposeMemberAction", uint64(recPlain), ActionSuspend, false, h32)[0].(uint64)
		f.must(ncSeat(0), "voteAction", id, true)
		f.must(ncSeat(1), "voteAction", id, true)
		f.env.Time += later
		got := f.gasOf(ncSeat(2), "voteAction", id, true)
		if f.actStatus(id) != ActionProvisional {
			t.Fatalf("+%d s: the third vote did not decide the action", later)
		}
		if want == 0 {
			want = got
		} else if got != want {
			t.Errorf("deciding vote %d s later used %d gas, 1 s later %d", later, got, want)
		}
	}
}
