package governance

import (
	"math/big"
	"strings"
	"testing"
)

// valAddr is the CometBFT address of the test genesis's validator of
// collective c.
func valAddr(c int) [20]byte { return ConsensusAddress(consKey('V', c)) }

// commit is a last commit of the four genesis validators in which those of
// absent missed the block.
func commit(absent ...int) []CommitVote {
	out := make([]CommitVote, len(colls))
	for c := range colls {
		out[c] = CommitVote{Address: valAddr(c), Signed: true}
		for _, a := range absent {
			if a == c {
				out[c].Signed = false
			}
		}
	}
	return out
}

// endBlock ends the fixture's block with votes and moves to the next.
func (f *fixture) endBlock(votes []CommitVote) BlockEffects {
	f.t.Helper()
	env := f.env
	env.LastCommit = votes
	fx := f.c.EndBlock(env, f.st)
	f.env.Number++
	f.env.Time++
	return fx
}

type standing struct {
	missed, window, counted uint64
	flagged                 bool
	since                   uint64
}

func (f *fixture) liveness(n [20]byte) standing {
	f.t.Helper()
	o := f.view("nodeLiveness", n)
	return standing{o[0].(uint64), o[1].(uint64), o[2].(uint64), o[3].(bool), o[4].(uint64)}
}

func (f *fixture) flaggedIDs() [][20]byte {
	f.t.Helper()
	return f.view("flaggedNodes", [32]byte{}, uint32(0))[0].([][20]byte)
}

func liveParams(window, permille uint64) func(*Founding) {
	return func(g *Founding) {
		g.Params["livenessWindow"], g.Params["livenessMaxMissedPermille"] = window, permille
	}
}

// TestLivenessFlagAndRecover: a validator that misses more than the share
// of the window is flagged once, at the block that passes it, and recovers
// once when its misses slide out of the window; power never changes.
func TestLivenessFlagAndRecover(t *testing.T) {
	f := newFixture(t, liveParams(100, 100)) // more than 10 misses of 100
	v1 := nodeID('V', 1)
	var flagged, recovered []uint64
	var flaggedAt uint64
	record := func(fx BlockEffects, at uint64) {
		for _, ch := range fx.Liveness {
			if ch.Node != v1 {
				t.Fatalf("change of another node: %+v", ch)
			}
			if ch.Window != 100 {
				t.Fatalf("window %d", ch.Window)
			}
			if ch.Flagged {
				flagged, flaggedAt = append(flagged, ch.Missed), at
			} else {
				recovered = append(recovered, ch.Missed)
			}
		}
		if len(fx.Validators) != 0 {
			t.Fatalf("block %d changed power: %+v", at, fx.Validators)
		}
	}
	for range 50 { // some signed blocks first
		record(f.endBlock(commit()), f.env.Number)
	}
	for i := range 30 { // misses 30 blocks in a row
		at := f.env.Number
		record(f.endBlock(commit(1)), at)
		if i == 10 && (len(flagged) != 1 || flaggedAt != at) {
			t.Fatalf("after 11 misses: flagged %v at %d, want once at %d", flagged, flaggedAt, at)
		}
		if i == 9 && len(flagged) != 0 {
			t.Fatal("flagged at 10 misses, the share allowed")
		}
	}
	if got := f.liveness(v1); got != (standing{30, 100, 80, true, flaggedAt}) {
		t.Fatalf("standing %+v", got)
	}
	if ids := f.flaggedIDs(); len(ids) != 1 || ids[0] != v1 {
		t.Fatalf("flaggedNodes %x", ids)
	}
	if f.power(v1) != CollectivePower {
		t.Fatal("a flagged validator lost power")
	}
	// Signing again: misses leave the window 100 blocks after they entered;
	// at 10 left it recovers.
	for range 100 {
		at := f.env.Number
		record(f.endBlock(commit()), at)
	}
	if len(flagged) != 1 || len(recovered) != 1 || recovered[0] != 10 {
		t.Fatalf("flagged %v, recovered %v; want each once, recovered at 10 misses", flagged, recovered)
	}
	if got := f.liveness(v1); got != (standing{0, 100, 100, false, 0}) {
		t.Fatalf("standing after the window %+v", got)
	}
	if ids := f.flaggedIDs(); len(ids) != 0 {
		t.Fatalf("flaggedNodes %x after recovery", ids)
	}
	if s := f.liveness(nodeID('V', 0)); s.missed != 0 || s.counted != 100 {
		t.Fatalf("the others: %+v", s)
	}
}

// TestLivenessVotesIgnored: votes of keys governance does not hold as an
// admitted validator's count for nothing, a repeated address counts once,
// and a block without a last commit (the first) counts nothing.
func TestLivenessVotesIgnored(t *testing.T) {
	f := newFixture(t, liveParams(100, 1))
	f.endBlock(nil)
	if s := f.liveness(nodeID('V', 0)); s.counted != 0 {
		t.Fatalf("empty commit counted: %+v", s)
	}
	stranger := CommitVote{Address: [20]byte{0xEE}, Signed: false}
	votes := append(commit(), stranger, CommitVote{Address: valAddr(2), Signed: false})
	fx := f.endBlock(votes)
	if len(fx.Liveness) != 0 {
		t.Fatalf("changes %+v", fx.Liveness)
	}
	if s := f.liveness(nodeID('V', 2)); s.counted != 1 || s.missed != 0 {
		t.Fatalf("repeated address: %+v", s)
	}
}

// TestLivenessRemovedLeavesList: a flagged validator suspended by the Nodes
// Commission leaves the list without a recovery event.
func TestLivenessRemovedLeavesList(t *testing.T) {
	f := newFixture(t, liveParams(100, 1), func(g *Founding) {
		g.Nodes = append(g.Nodes, FoundingNode{NodeID: [20]byte(nodeID('O', 1)), Collective: "academic", Operator: recLeaderA(1), Role: NodeObserver})
	})
	f.endBlock(commit(0))
	f.endBlock(commit(0))
	if ids := f.flaggedIDs(); len(ids) != 1 || ids[0] != nodeID('V', 0) {
		t.Fatalf("flagged %x", ids)
	}
	// public has V0 only: suspension of its last node needs cause, and the
	// plenary's ratification.
	id, r := f.act("proposeNodeAction", nodeID('V', 0), ActionSuspend, true)
	if r == "" {
		r = f.ratify(id)
	}
	if r != "" {
		t.Fatal(r)
	}
	fx := f.endBlock(commit())
	if len(fx.Liveness) != 0 || len(f.flaggedIDs()) != 0 || f.liveness(nodeID('V', 0)).flagged {
		t.Fatalf("suspended node: changes %+v, flagged %x", fx.Liveness, f.flaggedIDs())
	}
}

// TestLivenessWindowChange: a new window starts every validator afresh.
func TestLivenessWindowChange(t *testing.T) {
	f := newFixture(t, liveParams(300, 10)) // more than 3 misses
	for range 5 {
		f.endBlock(commit(3))
	}
	if s := f.liveness(nodeID('V', 3)); !s.flagged || s.missed != 5 {
		t.Fatalf("%+v", s)
	}
	(&store{st: f.st}).setParam("livenessWindow", 1000) // as a decided motion does
	if s := f.liveness(nodeID('V', 3)); s.missed != 0 || s.window != 1000 {
		t.Fatalf("view after the change %+v", s)
	}
	fx := f.endBlock(commit())
	if len(fx.Liveness) != 1 || fx.Liveness[0].Flagged || fx.Liveness[0].Window != 1000 {
		t.Fatalf("changes %+v, want V3 recovered in the new window", fx.Liveness)
	}
	s := &store{st: f.st}
	for w := uint64(0); w < 2; w++ {
		if got := s.get(key("live.bits", nodeID('V', 3), w)); got != ([32]byte{}) {
			t.Fatalf("old ring word %d not cleared: %x", w, got)
		}
	}
}

// TestLivenessParameterRanges: the two parameters are checked like the others.
func TestLivenessParameterRanges(t *testing.T) {
	f := newFixture(t)
	m := f.meeting(council()[:7]...)
	for _, c := range []struct {
		name  string
		value uint64
		ok    bool
	}{
		{"livenessWindow", 99, false}, {"livenessWindow", 100_001, false}, {"livenessWindow", 100, true}, {"livenessWindow", 100_000, true},
		{"livenessMaxMissedPermille", 0, false}, {"livenessMaxMissedPermille", 1001, false}, {"livenessMaxMissedPermille", 1000, true},
	} {
		_, r := f.call(ncSeat(0), "moveParameter", m, c.name, big64(c.value))
		if c.ok != (r == "") || (!c.ok && !strings.Contains(r, "parameter "+c.name+" must be within")) {
			t.Errorf("%s = %d: %q", c.name, c.value, r)
		}
		if err := ApplyGenesis(newStateDB(t), withParam(c.name, c.value), DefaultGasLimit); c.ok != (err == nil) {
			t.Errorf("genesis %s = %d: %v", c.name, c.value, err)
		}
	}
}

// TestLivenessOnFromGenesis: a new chain reviews liveness from its first
// block with the default parameters, and a window of 0 (a motion may not set
// it, but a state without the parameter holds it) counts nothing.
func TestLivenessOnFromGenesis(t *testing.T) {
	f := newFixture(t)
	if got := f.view("parameter", "livenessWindow")[0].(*big.Int); got.Uint64() != 1000 {
		t.Fatalf("livenessWindow %v at genesis, want 1000", got)
	}
	f.endBlock(commit(0))
	if s := f.liveness(nodeID('V', 0)); s.counted != 1 || s.missed != 1 || s.window != 1000 || s.flagged {
		t.Fatalf("after one missed block: %+v", s)
	}
	(&store{st: f.st}).setParam("livenessWindow", 0)
	if fx := f.endBlock(commit(1, 2)); len(fx.Liveness) != 0 {
		t.Fatalf("changes %+v with the review off", fx.Liveness)
	}
	if s := f.liveness(nodeID('V', 0)); s.window != 0 {
		t.Fatalf("window %d with the review off", s.window)
	}
}

// TestLivenessEventLog: the changes encode as the ABI's events.
func TestLivenessEventLog(t *testing.T) {
	ch := LivenessChange{Node: nodeID('V', 1), Flagged: true, Missed: 11, Window: 100}
	name, topics, data := ch.Log()
	ev := ABI.Events["NodeFlagged"]
	if name != "NodeFlagged" || len(topics) != 2 || topics[0] != ev.ID || [20]byte(topics[1][:20]) != ch.Node {
		t.Fatalf("%s %x", name, topics)
	}
	out, err := ev.Inputs.NonIndexed().Unpack(data)
	if err != nil || out[0].(uint64) != 11 || out[1].(uint64) != 100 {
		t.Fatalf("data %v %v", out, err)
	}
	ch.Flagged = false
	if name, _, _ := ch.Log(); name != "NodeRecovered" {
		t.Fatal(name)
	}
}

// FuzzLivenessWindow: the ring's count of misses always equals a recount of
// the last window blocks of the history, and the flag follows the share,
// over any sequence of signed and missed blocks and window changes.
func FuzzLivenessWindow(f *testing.F) {
	f.Add([]byte{0xff, 0x00, 0xaa, 0x0f}, uint16(0))
	f.Add(make([]byte, 64), uint16(7))
	f.Fuzz(func(t *testing.T, seq []byte, change uint16) {
		if len(seq) > 512 {
			seq = seq[:512]
		}
		st := newStateDB(t)
		s := &store{st: st}
		n := [20]byte{1}
		window := uint64(100)
		var history []bool
		for i := range len(seq) * 8 {
			if change != 0 && i == int(change)%(len(seq)*8+1) {
				if w := 100 + uint64(change)%300; w != window {
					window = w
					history = history[:0] // a new window starts afresh
				}
			}
			miss := seq[i/8]&(1<<(i%8)) != 0
			got := s.liveCount(n, window, miss)
			history = append(history, miss)
			var want uint64
			for _, m := range history[max(0, len(history)-int(window)):] {
				if m {
					want++
				}
			}
			if got != want {
				t.Fatalf("block %d (window %d): ring counts %d missed, history %d", i, window, got, want)
			}
		}
	})
}

// BenchmarkLivenessEndBlock: the end of a block with the four validators'
// votes, one of them missing, at the largest window.
func BenchmarkLivenessEndBlock(b *testing.B) {
	f := newFixture(b, liveParams(100_000, 500))
	votes := commit(2)
	b.ResetTimer()
	for range b.N {
		f.endBlock(votes)
	}
}
