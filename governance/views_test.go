package governance

import (
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
	yes := append([]common.Address{secretary}, council()[:4]...)
	for _, rec := range []uint64{21, 22} {
		if _, r := f.motion(func(m uint64) uint64 {
			return f.must(ncSeat(0), "moveSeat", m, RoleLeader, "intl", rec, uint64(termEnd))[0].(uint64)
		}, yes, nil); r != "" {
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
// preimages, so views asked about megabyte names leave nothing behind.
func TestLongNamesNotCached(t *testing.T) {
	f := newFixture(t)
	for i := range 4 {
		name := strings.Repeat(string(rune('a'+i)), 1<<20)
		f.view("members", name, [32]byte{}, uint32(1))
		f.view("parameter", name)
		for _, p := range [][]byte{[]byte(name), []byte("redmx.params." + name)} {
			if slotCache.Contains(string(p)) {
				t.Fatalf("a %d-byte preimage is cached", len(p))
			}
		}
	}
	// Keys of fixed-size parts still are.
	k := key("coll.validators", "academic")
	if !slotCache.Contains(string(append([]byte("redmx.gov.coll.validators\x00"), crypto.Keccak256([]byte("academic"))...))) {
		t.Fatalf("the key %x of a short preimage is not cached", k)
	}
}
