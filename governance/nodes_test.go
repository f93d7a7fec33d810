package governance

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestGenesisPowers traces §3.1 and §4: each formed collective's validators
// share 720720, and InitChain's set is what governance holds.
func TestGenesisPowers(t *testing.T) {
	f := newFixture(t)
	if !Enabled(f.st) {
		t.Fatal("governance not enabled after genesis")
	}
	for c := range colls {
		if p := f.power(nodeID('V', c)); p != 720720 {
			t.Errorf("validator of %s has power %d, want 720720", colls[c], p)
		}
	}
	if vs := f.c.Validators(f.st); len(vs) != 4 || vs[0].Power != 720720 || vs[0].KeyType != "ed25519" {
		t.Fatalf("Validators = %+v", vs)
	}
	if fx := f.c.EndBlock(f.env, f.st); len(fx.Validators) != 0 || fx.GasLimit != 0 {
		t.Fatalf("first EndBlock after genesis: %+v, want nothing", fx)
	}
	if got := f.view("parameter", "gasLimit")[0]; got.(interface{ Uint64() uint64 }).Uint64() != DefaultGasLimit {
		t.Fatalf("gasLimit parameter = %v", got)
	}
}

// TestGenesisRemainder traces §3.1: where 720720 does not divide evenly, the
// first validators admitted get one unit more.
func TestGenesisRemainder(t *testing.T) {
	f := newFixture(t, func(g *Founding) {
		for i := 1; i < 17; i++ {
			g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('W', i)), Collective: "public",
				Operator: recLeaderA(0), Role: NodeValidator, KeyType: "ed25519", PubKey: consKey('W', i)})
		}
	})
	var sum uint64
	for i := range 17 {
		n := nodeID('W', i)
		if i == 0 {
			n = nodeID('V', 0)
		}
		want := uint64(720720 / 17)
		if i < 720720%17 {
			want++
		}
		if p := f.power(n); p != want {
			t.Errorf("validator %d of public: power %d, want %d", i, p, want)
		}
		sum += f.power(n)
	}
	if sum != 720720 {
		t.Errorf("public holds %d, want 720720", sum)
	}
	if p := f.power(nodeID('V', 1)); p != 720720 {
		t.Errorf("academic's power changed to %d", p)
	}
}

func TestGenesisRefusals(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Founding)
		want string
	}{
		{"malformed consensus key", func(g *Founding) { g.Nodes[0].PubKey = []byte{1, 2, 3} }, "malformed ed25519 consensus key"},
		{"key type not allowed", func(g *Founding) { g.Nodes[0].KeyType = "secp256k1" }, "not allowed"},
		{"consensus key in use", func(g *Founding) { g.Nodes[1].PubKey = g.Nodes[0].PubKey }, "already held by node"},
		{"account of two records", func(g *Founding) { g.Records[1].Accounts = g.Records[0].Accounts }, "already belongs to record 1"},
		{"two leaders from one institution", func(g *Founding) { g.Records[1].Institution = g.Records[0].Institution }, "same institution"},
		{"unknown collective", func(g *Founding) { g.Records[0].Collective = "nope" }, `collective "nope" is not listed`},
		{"unknown parameter", func(g *Founding) { g.Params["nope"] = 1 }, `unknown parameter "nope"`},
		{"validator of an unformed collective", func(g *Founding) { g.Seats = g.Seats[1:] }, "not formed"},
		{"two council seats", func(g *Founding) {
			g.Seats = append(g.Seats, FoundingSeat{Role: RoleAdvisory, Record: recNC(0), TermEnd: 5})
		}, "already holds a council seat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := testGenesis()
			tt.edit(g)
			err := ApplyGenesis(newStateDB(t), g, DefaultGasLimit)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ApplyGenesis: %v, want %q", err, tt.want)
			}
		})
	}
}

// TestNodeAdmission traces §3.1 end to end: apply, endorse, a Nodes
// Commission majority of filled seats, then the node is a peer and a
// validator sharing its collective's power; the others' power is unchanged.
func TestNodeAdmission(t *testing.T) {
	f := newFixture(t)
	newcomer := acct('U', 1)
	n, key := nodeID('U', 1), consKey('U', 1)
	app := f.applyValidator(newcomer, "academic", n, key)
	if f.c.AllowedPeer(f.st, common.Bytes2Hex(n[:])) {
		t.Fatal("peer allowed before admission")
	}
	f.must(leaderA(1), "endorse", app)
	f.commission(ncSeat, app, 2)
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppEndorsed {
		t.Fatalf("after 2 of 4 votes status %d, want still endorsed", st)
	}
	f.must(ncSeat(2), "commissionVote", app, true)
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppApproved {
		t.Fatalf("after 3 of 4 votes status %d, want approved", st)
	}
	if !f.c.AllowedPeer(f.st, strings.ToUpper(common.Bytes2Hex(n[:]))) {
		t.Fatal("admitted node is not an allowed peer")
	}
	rec := f.view("recordOf", newcomer)[0].(uint64)
	if rec == 0 || f.view("record", rec)[1].(string) != "academic" {
		t.Fatalf("applicant's record %d is not an academic member", rec)
	}
	for c := range colls {
		want := uint64(720720)
		if colls[c] == "academic" {
			want = 360360
		}
		if p := f.power(nodeID('V', c)); p != want {
			t.Errorf("%s's first validator: power %d, want %d", colls[c], p, want)
		}
	}
	if p := f.power(n); p != 360360 {
		t.Errorf("new validator's power %d, want 360360", p)
	}
	fx := f.c.EndBlock(f.env, f.st)
	if len(fx.Validators) != 2 || !bytes.Equal(fx.Validators[0].PubKey, minKey(consKey('V', 1), key)) {
		t.Fatalf("EndBlock updates %+v, want the two academic keys in key order", fx.Validators)
	}
	for _, u := range fx.Validators {
		if u.Power != 360360 {
			t.Errorf("update power %d, want 360360", u.Power)
		}
	}
	if fx := f.c.EndBlock(f.env, f.st); len(fx.Validators) != 0 {
		t.Fatalf("second EndBlock repeats updates: %+v", fx.Validators)
	}
}

func bytesLess(a, b []byte) bool { return bytes.Compare(a, b) < 0 }

func minKey(a, b []byte) []byte {
	if bytesLess(b, a) {
		return b
	}
	return a
}

// TestNodeAdmissionRefusals: each rule of §3.1 steps 1–3 with its refusal.
func TestNodeAdmissionRefusals(t *testing.T) {
	newcomer := acct('U', 1)
	apply := func(f *fixture) uint64 {
		return f.applyValidator(newcomer, "academic", nodeID('U', 1), consKey('U', 1))
	}
	tests := []struct {
		name string
		run  func(f *fixture) string
		want string
	}{
		{"malformed consensus key", func(f *fixture) string {
			_, r := f.call(newcomer, "applyNode", signed(newcomer, "academic", nodeKey('U', 1), uint8(1), "ed25519", []byte{1, 2}, uint8(1), h32, h32, "", h32, "")...)
			return r
		}, "malformed ed25519 consensus key: 2 bytes, want 32"},
		{"key type not allowed", func(f *fixture) string {
			_, r := f.call(newcomer, "applyNode", signed(newcomer, "academic", nodeKey('U', 1), uint8(1), "secp256k1", consKey('U', 1), uint8(1), h32, h32, "", h32, "")...)
			return r
		}, `consensus key type "secp256k1" is not allowed`},
		{"consensus key already in use", func(f *fixture) string {
			_, r := f.call(newcomer, "applyNode", signed(newcomer, "academic", nodeKey('U', 1), uint8(1), "ed25519", consKey('V', 0), uint8(1), h32, h32, "", h32, "")...)
			return r
		}, "consensus key already held by node"},
		{"consensus key of another open application", func(f *fixture) string {
			apply(f)
			_, r := f.call(acct('U', 2), "applyNode", signed(acct('U', 2), "academic", nodeKey('U', 2), uint8(1), "ed25519", consKey('U', 1), uint8(1), h32, h32, "", h32, "")...)
			return r
		}, "consensus key already claimed by application 1"},
		{"node ID in use", func(f *fixture) string {
			_, r := f.call(newcomer, "applyNode", signed(newcomer, "academic", nodeKey('V', 0), uint8(2), "", []byte{}, uint8(1), h32, h32, "", h32, "")...)
			return r
		}, "is already registered"},
		{"second open application", func(f *fixture) string {
			apply(f)
			_, r := f.call(newcomer, "applyNode", signed(newcomer, "academic", nodeKey('U', 2), uint8(2), "", []byte{}, uint8(1), h32, h32, "", h32, "")...)
			return r
		}, "already has open application 1"},
		{"URI too long", func(f *fixture) string {
			_, r := f.call(newcomer, "applyNode", signed(newcomer, "academic", nodeKey('U', 2), uint8(2), "", []byte{}, uint8(1), h32, h32, strings.Repeat("x", 257), h32, "")...)
			return r
		}, "letterURI is 257 bytes, at most 256 allowed"},
		{"wrong collective's leader endorses", func(f *fixture) string {
			_, r := f.call(leaderA(0), "endorse", apply(f))
			return r
		}, "not a leader of collective academic"},
		{"commission votes before endorsement", func(f *fixture) string {
			_, r := f.call(ncSeat(0), "commissionVote", apply(f), true)
			return r
		}, "is not before the commission"},
		{"wrong role votes in commission", func(f *fixture) string {
			app := apply(f)
			f.must(leaderA(1), "endorse", app)
			_, r := f.call(pcSeat(0), "commissionVote", app, true)
			return r
		}, "not a member of the Nodes Commission"},
		{"duplicate commission vote", func(f *fixture) string {
			app := apply(f)
			f.must(leaderA(1), "endorse", app)
			f.must(ncSeat(0), "commissionVote", app, true)
			_, r := f.call(ncSeat(0), "commissionVote", app, false)
			return r
		}, "record 3 already voted on application 1"},
		{"applicant of another collective", func(f *fixture) string {
			_, r := f.call(plain, "applyNode", signed(plain, "public", nodeKey('U', 2), uint8(2), "", []byte{}, uint8(1), h32, h32, "", h32, "")...)
			return r
		}, "record 19 is a member of collective academic, not public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.run(newFixture(t)); !strings.Contains(got, tt.want) {
				t.Fatalf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCommissionRejectsByMajority: once approval can no longer reach a
// majority of the filled seats the application is rejected.
func TestCommissionRejectsByMajority(t *testing.T) {
	f := newFixture(t)
	app := f.applyValidator(acct('U', 1), "academic", nodeID('U', 1), consKey('U', 1))
	f.must(leaderA(1), "endorse", app)
	f.must(ncSeat(0), "commissionVote", app, false)
	f.must(ncSeat(1), "commissionVote", app, false)
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppRejected {
		t.Fatalf("2 of 4 against: status %d, want rejected", st)
	}
	// The node ID and key are free again.
	f.applyValidator(acct('U', 2), "academic", nodeID('U', 1), consKey('U', 1))
}

// TestHoldoverCountsAsFilled traces §3.1 and §3.4: a seat whose term ended is still
// filled, so the majority stays of four.
func TestHoldoverCountsAsFilled(t *testing.T) {
	f := newFixture(t)
	app := f.applyValidator(acct('U', 1), "academic", nodeID('U', 1), consKey('U', 1))
	f.must(leaderA(1), "endorse", app)
	f.env.Time = termEnd + 1
	seats := f.view("seats", RoleNodesCommission, "cso")
	if over := seats[2].([]bool); len(over) != 1 || !over[0] {
		t.Fatalf("cso's Nodes Commission seat: holdingOver %v, want [true]", over)
	}
	f.commission(ncSeat, app, 2)
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppEndorsed {
		t.Fatalf("2 of 4 holdover seats decided (status %d)", st)
	}
	f.must(ncSeat(2), "commissionVote", app, true)
	if st := ApplicationStatus(f.view("application", app)[1].(uint8)); st != AppApproved {
		t.Fatalf("3 of 4 holdover seats: status %d, want approved", st)
	}
}

// nodeAction has the Nodes Commission propose and approve an action on node n.
func (f *fixture) nodeAction(n [20]byte, action NodeAction, forCause bool) string {
	f.t.Helper()
	_, reason := f.act("proposeNodeAction", n, action, forCause)
	return reason
}

// TestNodeSafetyRules traces the safety rules of §3.1.
func TestNodeSafetyRules(t *testing.T) {
	observer := func(g *Founding) {
		g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('O', 1)), Collective: "academic", Operator: recLeaderA(1), Role: NodeObserver})
	}
	tests := []struct {
		name  string
		edit  func(*Founding)
		node  [20]byte
		act   NodeAction
		cause bool
		want  string
	}{
		{"a collective's last node", nil, nodeID('V', 1), ActionRemove, false, "collective academic would be left without nodes"},
		{"suspending a collective's last node", nil, nodeID('V', 1), ActionSuspend, false, "collective academic would be left without nodes"},
		{"removal for cause of a last node", nil, nodeID('V', 1), ActionRemove, true, ""},
		{"fewer than four collectives with validators", observer, nodeID('V', 1), ActionRemove, false, "only 3 collectives would keep validators, at least 4 needed"},
		{"fewer than four, for cause", observer, nodeID('V', 1), ActionSuspend, true, ""},
		{"below a floor already under four", func(g *Founding) {
			observer(g)
			g.Nodes[3].Role, g.Nodes[3].PubKey, g.Nodes[3].KeyType = NodeObserver, nil, "" // cso: observer only
		}, nodeID('V', 1), ActionRemove, false, "only 2 collectives would keep validators, fewer than the 3 that have them"},
		{"below a floor under four, for cause", func(g *Founding) {
			observer(g)
			g.Nodes[3].Role, g.Nodes[3].PubKey, g.Nodes[3].KeyType = NodeObserver, nil, ""
		}, nodeID('V', 1), ActionRemove, true, ""},
		{"a second validator of a collective, under four", func(g *Founding) {
			g.Nodes[3].Role, g.Nodes[3].PubKey, g.Nodes[3].KeyType = NodeObserver, nil, ""
			g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('W', 1)), Collective: "academic", Operator: recLeaderA(1),
				Role: NodeValidator, KeyType: "ed25519", PubKey: consKey('W', 1)})
		}, nodeID('W', 1), ActionRemove, false, ""},
		{"an observer", observer, nodeID('O', 1), ActionRemove, false, ""},
		{"empty validator set, even for cause", func(g *Founding) {
			for i := 0; i < 3; i++ { // observers elsewhere, one validator left
				g.Nodes[i].Role, g.Nodes[i].PubKey, g.Nodes[i].KeyType = NodeObserver, nil, ""
			}
		}, nodeID('V', 3), ActionRemove, true, "the validator set would be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edits []func(*Founding)
			if tt.edit != nil {
				edits = append(edits, tt.edit)
			}
			f := newFixture(t, edits...)
			if got := f.nodeAction(tt.node, tt.act, tt.cause); !strings.Contains(got, tt.want) || (tt.want == "") != (got == "") {
				t.Fatalf("reason %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNodeRemoval: a removed validator leaves the set (power 0 to CometBFT),
// is no longer a peer, and its collective's other validator gets all power.
func TestNodeRemoval(t *testing.T) {
	f := newFixture(t)
	n := nodeID('U', 1)
	app := f.applyValidator(acct('U', 1), "academic", n, consKey('U', 1))
	f.must(leaderA(1), "endorse", app)
	f.commission(ncSeat, app, 3)
	f.c.EndBlock(f.env, f.st)
	id, r := f.act("proposeNodeAction", n, ActionRemove, false)
	if r != "" {
		t.Fatalf("remove: %s", r)
	}
	if f.c.AllowedPeer(f.st, common.Bytes2Hex(n[:])) {
		t.Fatal("provisionally removed (suspended) node still an allowed peer")
	}
	fx := f.c.EndBlock(f.env, f.st)
	got := map[string]int64{}
	for _, u := range fx.Validators {
		got[string(u.PubKey)] = u.Power
	}
	if len(fx.Validators) != 2 || got[string(consKey('U', 1))] != 0 || got[string(consKey('V', 1))] != 720720 {
		t.Fatalf("updates %+v, want power 0 for the removed key and 720720 for the other", fx.Validators)
	}
	if r := f.ratify(id); r != "" {
		t.Fatalf("ratifying the removal: %s", r)
	}
	if st := NodeStatus(f.view("node", n)[3].(uint8)); st != NodeRemoved {
		t.Fatalf("ratified removal: node %s", st)
	}
	if r := f.nodeAction(n, ActionReinstate, false); !strings.Contains(r, "only a suspended node is reinstated") {
		t.Fatalf("reinstating a removed node: %q", r)
	}
	// A removed node's key is never reused: CometBFT may still hold it.
	if _, r := f.call(acct('U', 3), "applyNode", signed(acct('U', 3), "academic", nodeKey('U', 3), uint8(1), "ed25519", consKey('U', 1), uint8(1), h32, h32, "", h32, "")...); !strings.Contains(r, "already held") {
		t.Fatalf("reusing a removed node's key: %q", r)
	}
}

// TestEndBlockNetUpdates: a validator admitted and removed in one block
// sends nothing (its key never held power), and the other key's power,
// changed and changed back, is not sent either.
func TestEndBlockNetUpdates(t *testing.T) {
	f := newFixture(t)
	n := nodeID('U', 1)
	app := f.applyValidator(acct('U', 1), "academic", n, consKey('U', 1))
	f.must(leaderA(1), "endorse", app)
	f.commission(ncSeat, app, 3)
	if r := f.nodeAction(n, ActionRemove, false); r != "" {
		t.Fatalf("remove: %s", r)
	}
	if fx := f.c.EndBlock(f.env, f.st); len(fx.Validators) != 0 {
		t.Fatalf("updates %+v, want none", fx.Validators)
	}
}

// TestMemberRemoval: removing a member removes its nodes and seats.
func TestMemberRemoval(t *testing.T) {
	f := newFixture(t, func(g *Founding) {
		g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(nodeID('O', 1)), Collective: "academic", Operator: recPlain, Role: NodeObserver})
	})
	id, r := f.act("proposeMemberAction", uint64(recPlain), ActionRemove, false)
	if r != "" {
		t.Fatal(r)
	}
	if st := RecordStatus(f.view("record", uint64(recPlain))[2].(uint8)); st != StatusSuspended {
		t.Fatalf("provisionally removed member status %s, want suspended", st)
	}
	if r := f.ratify(id); r != "" {
		t.Fatal(r)
	}
	if st := RecordStatus(f.view("record", uint64(recPlain))[2].(uint8)); st != StatusRemoved {
		t.Fatalf("member status %d, want removed", st)
	}
	if st := NodeStatus(f.view("node", nodeID('O', 1))[3].(uint8)); st != NodeRemoved {
		t.Fatalf("member's node status %d, want removed", st)
	}
	if _, err := f.c.Admit(f.env, f.st, plain, &stranger, nil, 21000, 0); err == nil {
		t.Fatal("a removed member's account is admitted")
	}
	// The last node of academic belongs to leader A: removing that member
	// is moved in plenary, and refused there too.
	m := f.meeting(council()...)
	if _, r := f.call(ncSeat(0), "moveMemberAction", m, recLeaderA(1), ActionRemove, false, [32]byte{}); !strings.Contains(r, "without nodes") {
		t.Fatalf("removing the operator of academic's last node: %q", r)
	}
}
