package governance

import (
	"bytes"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// withForming adds a collective "forming" with one leader (of two needed):
// a validator admitted there holds no power until it forms.
func withForming(g *Founding) {
	g.Collectives = append(g.Collectives, "forming")
	g.Records = append(g.Records, FoundingRecord{Kind: KindInstitution, Collective: "forming",
		Institution: common.Hash{'F'}, Accounts: []common.Address{acct('F', 0)}})
	g.Seats = append(g.Seats, FoundingSeat{Role: RoleLeader, Collective: "forming", Record: uint64(len(g.Records)), TermEnd: termEnd})
}

// TestLastPoweredValidator: a forming collective's validator holds no power,
// so it does not keep the set alive; removing the last powered validator
// (even for cause) is refused, and the set CometBFT is told never empties.
func TestLastPoweredValidator(t *testing.T) {
	f := newFixture(t, withForming)
	n := nodeID('F', 1)
	app := f.applyValidator(acct('F', 1), "forming", n, consKey('F', 1))
	f.must(acct('F', 0), "endorse", app)
	f.commission(ncSeat, app, 3)
	if p := f.power(n); p != 0 {
		t.Fatalf("validator of a forming collective has power %d", p)
	}
	for c := range 3 { // relying on cause, each takes effect when the plenary ratifies it
		id, r := f.act("proposeNodeAction", nodeID('V', c), ActionRemove, true)
		if r == "" {
			r = f.ratify(id)
		}
		if r != "" {
			t.Fatalf("removing %s's validator for cause: %s", colls[c], r)
		}
	}
	if r := f.nodeAction(nodeID('V', 3), ActionRemove, true); !strings.Contains(r, "the validator set would be empty") {
		t.Fatalf("removing the last powered validator: %q", r)
	}
	f.c.EndBlock(f.env, f.st)
	var total int64
	for _, v := range f.c.Validators(f.st) {
		total += v.Power
	}
	if total != CollectivePower {
		t.Fatalf("validator set holds %d, want %d", total, CollectivePower)
	}
	// Suspending its operator (a leader: in plenary) is the same removal of power.
	m := f.meeting(council()...)
	if _, r := f.call(ncSeat(0), "moveMemberAction", m, recLeaderA(3), ActionSuspend, true, h32); !strings.Contains(r, "the validator set would be empty") {
		t.Fatalf("suspending the last powered validator's operator: %q", r)
	}
}

// TestEndBlockKeepsPower: should a call ever leave no validator with power,
// EndBlock tells CometBFT nothing rather than an empty set.
func TestEndBlockKeepsPower(t *testing.T) {
	f := newFixture(t)
	s := &store{st: f.st}
	for c := range colls {
		s.setU64(key("node.power", nodeID('V', c)), 0)
		s.lset("pending").add(nodeWord(nodeID('V', c)))
	}
	if fx := f.c.EndBlock(f.env, f.st); len(fx.Validators) != 0 {
		t.Fatalf("EndBlock sent %+v: every validator at power 0", fx.Validators)
	}
	if err := s.checkValidatorSet(s.collectiveNames()); err == nil {
		t.Fatal("checkValidatorSet accepts a set without power")
	}
}

// TestOnePowerRule: InitChain reports the powers governance holds, and the
// genesis file's powers (governance.Powers) agree with them whatever the
// order of app_state.validators. 17 validators in one collective leave a
// remainder, which goes to the first admitted: the first governance nodes.
func TestOnePowerRule(t *testing.T) {
	g := testGenesis()
	var vals []GenesisValidator
	for i := range 17 {
		n, k := nodeID('V', 0), consKey('V', 0)
		if i > 0 {
			n, k = nodeID('W', i), consKey('W', i)
			g.Nodes = append(g.Nodes, FoundingNode{NodeID: common.Address(n), Collective: "public",
				Operator: recLeaderA(0), Role: NodeValidator, KeyType: "ed25519", PubKey: k})
		}
		vals = append(vals, GenesisValidator{Collective: "public", PubKey: k})
	}
	for c := 1; c < len(colls); c++ {
		vals = append(vals, GenesisValidator{Collective: colls[c], PubKey: consKey('V', c)})
	}
	slices.Reverse(vals) // listed in another order than the nodes
	st := newStateDB(t)
	if err := ApplyGenesis(st, g, DefaultGasLimit); err != nil {
		t.Fatal(err)
	}
	held := map[string]int64{}
	for _, v := range New().Validators(st) {
		held[string(v.PubKey)] = v.Power
	}
	for i, p := range Powers(g, vals) {
		if held[string(vals[i].PubKey)] != p {
			t.Errorf("validator %d: genesis power %d, governance holds %d", i, p, held[string(vals[i].PubKey)])
		}
	}
	got := GenesisValidators(st, vals)
	if len(got) != len(held) {
		t.Fatalf("InitChain reports %d validators, governance holds %d", len(got), len(held))
	}
	for _, v := range got {
		if held[string(v.PubKey)] != v.Power {
			t.Errorf("InitChain reports %d for a key governance gives %d", v.Power, held[string(v.PubKey)])
		}
	}
	if held[string(consKey('V', 0))] != CollectivePower/17+1 {
		t.Errorf("the first public node has %d, want %d", held[string(consKey('V', 0))], CollectivePower/17+1)
	}
	// Without governance the same rule runs over the listed order.
	plainPowers := Powers(nil, vals)
	if plainPowers[len(vals)-1] != CollectivePower/17 || plainPowers[3] != CollectivePower/17+1 {
		t.Errorf("powers without governance: %v", plainPowers)
	}
	if gv := GenesisValidators(newStateDB(t), vals); gv[3].Power != plainPowers[3] || !bytes.Equal(gv[3].PubKey, vals[3].PubKey) {
		t.Errorf("InitChain without governance: %+v", gv[3])
	}
}

// TestShare: every count up to 18 sums to CollectivePower, first admitted
// get the remainder.
func TestShare(t *testing.T) {
	for n := uint64(1); n <= 40; n++ {
		var sum uint64
		for i := range n {
			sum += Share(i, n)
			if i > 0 && Share(i, n) > Share(i-1, n) {
				t.Errorf("n=%d: validator %d gets more than %d", n, i, i-1)
			}
		}
		if sum != CollectivePower {
			t.Errorf("n=%d: sum %d", n, sum)
		}
	}
	if Share(0, 0) != 0 || Share(3, 3) != 0 {
		t.Error("out-of-range share not 0")
	}
}

// TestParameterRanges: values that would end the network are refused when
// moved and at genesis; bounds are accepted.
func TestParameterRanges(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()[:7]...)
	refused := []struct {
		name  string
		value *big.Int
	}{
		{"gasLimit", big64(5_000)},
		{"gasLimit", big64(GasLimitMin - 1)},
		{"gasLimit", big64(1 << 40)},
		{"ordinaryQuorum", big64(1 << 40)},
		{"ordinaryQuorum", big64(9)}, // 8 seats besides the secretary
		{"extraordinaryQuorum", big64(0)},
		{"meetingNotice", big64(1 << 62)},
		{"applyQuota", big64(0)},
		{"epochLength", big64(1 << 62)},
		{"governanceAllowance", big64(1_000)},
		{"leaderTerm", big64(math.MaxUint64)},
		{"minLeaders", big64(3)}, // formed collectives have 2
		{"maxLeaders", big64(1)}, // below minLeaders
		{"maxAdvisory", big64(0)},
		{"maxURILength", new(big.Int).Lsh(big.NewInt(1), 70)},
	}
	for _, c := range refused {
		if _, r := f.call(ncSeat(0), "moveParameter", m, c.name, c.value); !strings.Contains(r, "parameter "+c.name+" must be within") {
			t.Errorf("%s = %s: %q", c.name, c.value, r)
		}
	}
	for _, c := range []struct {
		name  string
		value uint64
	}{{"gasLimit", GasLimitMin}, {"ordinaryQuorum", 8}, {"applyQuota", 1}, {"meetingNotice", 0}} {
		if _, r := f.call(ncSeat(0), "moveParameter", m, c.name, big64(c.value)); r != "" {
			t.Errorf("%s = %d refused: %s", c.name, c.value, r)
		}
	}
	for _, p := range DefaultParams {
		if p.Value < p.Min || p.Value > p.Max {
			t.Errorf("default %s = %d outside %d..%d", p.Name, p.Value, p.Min, p.Max)
		}
	}
	if GasLimitMin < 16_777_216 {
		t.Error("GasLimitMin is below the largest transaction the pool accepts")
	}

	// The same ranges hold at genesis, with the founding state's bounds.
	for _, c := range []struct {
		name  string
		value uint64
	}{{"applyQuota", 0}, {"meetingNotice", 1 << 62}, {"ordinaryQuorum", 9}, {"gasLimit", 1 << 40}} {
		err := ApplyGenesis(newStateDB(t), withParam(c.name, c.value), DefaultGasLimit)
		if err == nil || !strings.Contains(err.Error(), "params."+c.name) {
			t.Errorf("genesis %s = %d: %v", c.name, c.value, err)
		}
	}
	if err := ApplyGenesis(newStateDB(t), testGenesis(), 5_000); err == nil || !strings.Contains(err.Error(), "params.gasLimit") {
		t.Errorf("genesis gas limit 5000: %v", err)
	}
}

func withParam(name string, v uint64) *Founding {
	g := testGenesis()
	g.Params[name] = v
	return g
}

// TestParameterRangeAtDecision: a value in range when moved but out of
// range when decided (another motion of the meeting moved the bound) fails
// the motion's decision instead of taking effect.
func TestParameterRangeAtDecision(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()[:7]...)
	raise := f.must(ncSeat(0), "moveParameter", m, "minLeaders", big64(2))[0].(uint64)
	lower := f.must(ncSeat(0), "moveParameter", m, "maxLeaders", big64(2))[0].(uint64)
	for _, id := range []uint64{raise, lower} {
		for _, a := range append([]common.Address{secretary}, council()[:4]...) {
			f.must(a, "vote", id, true)
		}
	}
	if r := f.decide(m, lower); r != "" {
		t.Fatal(r)
	}
	if _, r := f.call(ncSeat(0), "moveParameter", uint64(0), "minLeaders", big64(3)); !strings.Contains(r, "within 1..2") {
		t.Fatalf("minLeaders above maxLeaders: %q", r)
	}
}

// TestSecretaryNeverEmpty: the secretary is never unseated nor removed
// without a successor; a successor, designated by the Advisory Council,
// takes the seat in the one approving vote.
func TestSecretaryNeverEmpty(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()[:7]...)
	if _, r := f.call(ncSeat(0), "moveUnseat", m, RoleSecretary, "", uint64(recSecretary)); !strings.Contains(r, "never left empty") {
		t.Fatalf("unseating the secretary: %q", r)
	}
	for _, kind := range []NodeAction{ActionSuspend, ActionRemove} {
		for _, forCause := range []bool{false, true} {
			if _, r := f.call(ncSeat(0), "proposeMemberAction", uint64(recSecretary), kind, forCause, h32); !strings.Contains(r, "Executive Secretary") {
				t.Fatalf("action %d (for cause %v) on the secretary: %q", kind, forCause, r)
			}
		}
	}
	if _, r := f.call(secretary, "resign", RoleSecretary, ""); !strings.Contains(r, "successor") {
		t.Fatalf("the secretary resigns without a successor: %q", r)
	}
	// the successor is designated once the term is over, taking the seat in the one vote
	f.past(termEnd)
	if r := f.designate(leaderA(0), RoleSecretary, "", recPlain); r != "" {
		t.Fatal(r)
	}
	if h := f.view("seats", RoleSecretary, "")[0].([]uint64); len(h) != 1 || h[0] != recPlain {
		t.Fatalf("secretary seat: %v", h)
	}
	if role := f.view("seatOf", uint64(recSecretary))[0].(uint8); role != 0 {
		t.Fatalf("the predecessor still holds role %d", role)
	}
	start := f.env.Time + 100
	f.must(plain, "convene", uint8(1), h32, start, start+50, "", uint64(0))
	if _, r := f.call(secretary, "convene", uint8(1), h32, start, start+50, "", uint64(0)); r == "" {
		t.Fatal("the predecessor still convenes")
	}
}

// TestCancelUpgrade: a plenary cancels a scheduled upgrade (a motion of
// height 0) before its height, and may then schedule it again.
func TestCancelUpgrade(t *testing.T) {
	f := newFixture(t)
	yes := append([]common.Address{secretary}, council()[:4]...)
	if _, r := f.motion(func(m uint64) uint64 {
		return f.must(ncSeat(0), "moveUpgrade", m, "v2-typo", uint64(1000))[0].(uint64)
	}, yes, nil); r != "" {
		t.Fatal(r)
	}
	if u := f.c.Upgrades(f.st); len(u) != 1 || u[0].Height != 1000 {
		t.Fatalf("upgrades %+v", u)
	}
	if _, r := f.call(ncSeat(0), "moveUpgrade", uint64(0), "v2", uint64(0)); !strings.Contains(r, "not scheduled") {
		t.Fatalf("cancelling an unknown upgrade: %q", r)
	}
	if _, r := f.motion(func(m uint64) uint64 {
		return f.must(ncSeat(0), "moveUpgrade", m, "v2-typo", uint64(0))[0].(uint64)
	}, yes, nil); r != "" {
		t.Fatal(r)
	}
	if u := f.c.Upgrades(f.st); len(u) != 0 {
		t.Fatalf("upgrades after cancelling: %+v", u)
	}
	if _, r := f.motion(func(m uint64) uint64 {
		return f.must(ncSeat(0), "moveUpgrade", m, "v2-typo", uint64(2000))[0].(uint64)
	}, yes, nil); r != "" {
		t.Fatal(r)
	}
	f.env.Number = 2000
	m := f.meeting(council()[:7]...)
	if _, r := f.call(ncSeat(0), "moveUpgrade", m, "v2-typo", uint64(0)); !strings.Contains(r, "can no longer be cancelled") {
		t.Fatalf("cancelling a reached upgrade: %q", r)
	}
}

// TestDecideOnMeetingsOwnSeats: deciding one passed motion (an unseating,
// a quorum change) does not make another passed motion of the same meeting
// fail: both are tallied on the meeting's own attendance and quorum.
func TestDecideOnMeetingsOwnSeats(t *testing.T) {
	f := newFixture(t)
	present := council()[:6] // exactly the quorum of 6 besides the secretary
	m := f.meeting(present...)
	yes := append([]common.Address{secretary}, present[:4]...)
	unseat := f.must(ncSeat(0), "moveUnseat", m, RoleNodesCommission, "private", recNC(2))[0].(uint64)
	quorum := f.must(ncSeat(0), "moveParameter", m, "ordinaryQuorum", big64(7))[0].(uint64)
	upgrade := f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
	for _, id := range []uint64{unseat, quorum, upgrade} {
		for _, a := range yes {
			f.must(a, "vote", id, true)
		}
	}
	for _, id := range []uint64{unseat, quorum, upgrade} {
		if r := f.decide(m, id); r != "" {
			t.Fatalf("motion %d: %s", id, r)
		}
		if st := MotionStatus(f.view("motion", id)[2].(uint8)); st != MotionPassed {
			t.Fatalf("motion %d: status %d, want passed", id, st)
		}
	}
}

// TestQuorumOfFilledSeats: vacancies never leave the council unable to
// meet: a meeting needs at most the filled seats besides the secretary.
func TestQuorumOfFilledSeats(t *testing.T) {
	f := newFixture(t)
	yes := append([]common.Address{secretary}, council()[:4]...)
	m := f.meeting(council()[:7]...)
	var ids []uint64
	for c := 1; c < 4; c++ { // unseat three Projects Commission seats: 5 others remain
		ids = append(ids, f.must(ncSeat(0), "moveUnseat", m, RoleProjectsCommission, colls[c], recNC(c)+1)[0].(uint64))
	}
	for _, id := range ids {
		for _, a := range yes {
			f.must(a, "vote", id, true)
		}
	}
	for _, id := range ids {
		if r := f.decide(m, id); r != "" {
			t.Fatal(r)
		}
	}
	remaining := council()[:5]
	m = f.meeting(remaining...)
	id := f.must(ncSeat(0), "moveUpgrade", m, "v2", uint64(1000))[0].(uint64)
	for _, a := range append([]common.Address{secretary}, remaining[:3]...) {
		f.must(a, "vote", id, true)
	}
	if r := f.decide(m, id); r != "" {
		t.Fatalf("a meeting of every filled seat: %s", r)
	}
}

// TestUpgradeLeavesTimeToCancel: an upgrade is scheduled at least twice the
// meeting notice (in blocks) ahead, so that a mistaken one can be cancelled
// by a plenary before every node stops at its height; checked when moved.
func TestUpgradeLeavesTimeToCancel(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()[:7]...)
	lead := 2 * f.view("parameter", "meetingNotice")[0].(*big.Int).Uint64()
	if _, r := f.call(ncSeat(0), "moveUpgrade", m, "v2-typo", f.env.Number+lead-1); !strings.Contains(r, "so that a plenary can cancel") {
		t.Fatalf("an upgrade %d blocks ahead: %q, want a refusal", lead-1, r)
	}
	f.must(ncSeat(0), "moveUpgrade", m, "v2-typo", f.env.Number+lead)
}

// TestUpgradeLeadWithoutNotice: with the meeting notice voted down to 0, an
// upgrade is still refused less than MinUpgradeLead blocks ahead, so a small
// quorum cannot stop every node at the next block with a name no release knows.
func TestUpgradeLeadWithoutNotice(t *testing.T) {
	f := newFixture(t)
	f.st.SetState(Address, ParamSlot("meetingNotice"), common.Hash{})
	m := f.meeting(council()[:7]...)
	if _, r := f.call(ncSeat(0), "moveUpgrade", m, "v2-typo", f.env.Number+MinUpgradeLead-1); !strings.Contains(r, "so that a plenary can cancel") {
		t.Fatalf("an upgrade %d blocks ahead with no notice: %q, want a refusal", MinUpgradeLead-1, r)
	}
	f.must(ncSeat(0), "moveUpgrade", m, "v2-typo", f.env.Number+MinUpgradeLead)
}
