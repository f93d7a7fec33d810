package governance

import (
	"slices"
	"strconv"
	"testing"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// endBlockWith ends the fixture's block with a full last commit and the
// evidence evs, and moves to the next.
func (f *fixture) endBlockWith(evs ...Misbehaviour) BlockEffects {
	f.t.Helper()
	env := f.env
	env.LastCommit, env.Misbehaviour = commit(), evs
	fx := f.c.EndBlock(env, f.st)
	f.env.Number++
	f.env.Time++
	return fx
}

type misRecord struct {
	collective                                    string
	operator, count, lastHeight, recordedAt, time uint64
}

func (f *fixture) misbehaviour(n [20]byte) misRecord {
	f.t.Helper()
	o := f.view("nodeMisbehaviour", n)
	return misRecord{o[0].(string), o[1].(uint64), o[2].(uint64), o[3].(uint64), o[4].(uint64), o[5].(uint64)}
}

func equivocations(fx BlockEffects) [][][2]string {
	var out [][][2]string
	for _, ev := range fx.Events {
		if ev.Name == "NodeEquivocated" {
			out = append(out, ev.Attributes())
		}
	}
	return out
}

// TestMisbehaviourRecorded: evidence a block commits against a validator is
// recorded on its node (count, height, the block and time that recorded it)
// with its collective, raises one NodeEquivocated per piece, lists the node
// in equivocatingNodes once, and changes no power.
func TestMisbehaviourRecorded(t *testing.T) {
	f := newFixture(t)
	v2 := nodeID('V', 2)
	if got := f.misbehaviour(v2); got.count != 0 || got.collective != "private" {
		t.Fatalf("before any evidence: %+v", got)
	}
	f.endBlockWith()
	at, when := f.env.Number, f.env.Time
	fx := f.endBlockWith(Misbehaviour{Address: valAddr(2), Height: at - 1})
	evs := equivocations(fx)
	want := [][2]string{{"nodeId", hexutil.Encode(v2[:])}, {"collective", "private"}, {"height", strconv.FormatUint(at-1, 10)}}
	if len(evs) != 1 || !slices.Equal(evs[0], want) {
		t.Fatalf("events %v, want one %v", evs, want)
	}
	got := f.misbehaviour(v2)
	op := f.view("node", v2)[1].(uint64)
	if got != (misRecord{"private", op, 1, at - 1, at, when}) {
		t.Fatalf("record %+v", got)
	}
	// A second piece, for another height, in a later block.
	fx = f.endBlockWith(Misbehaviour{Address: valAddr(2), Height: at})
	if len(equivocations(fx)) != 1 {
		t.Fatalf("second evidence: %v", fx.Events)
	}
	if got := f.misbehaviour(v2); got.count != 2 || got.lastHeight != at || got.recordedAt != at+1 {
		t.Fatalf("after the second: %+v", got)
	}
	ids := f.view("equivocatingNodes", [32]byte{}, uint32(0))[0].([][20]byte)
	if len(ids) != 1 || ids[0] != v2 {
		t.Fatalf("equivocatingNodes %x", ids)
	}
	for c := range colls {
		if f.power(nodeID('V', c)) != CollectivePower {
			t.Fatalf("validator %d lost power", c)
		}
		if c != 2 && f.misbehaviour(nodeID('V', c)).count != 0 {
			t.Fatalf("validator %d recorded", c)
		}
	}
	if len(fx.Validators) != 0 {
		t.Fatalf("power updates %+v", fx.Validators)
	}
}

// TestMisbehaviourIgnoredAndBounded: evidence against a key governance does
// not hold as a validator's records nothing, and a block records at most
// maxMisbehaviourPerBlock pieces.
func TestMisbehaviourIgnoredAndBounded(t *testing.T) {
	f := newFixture(t)
	fx := f.endBlockWith(Misbehaviour{Address: [20]byte{0xEE}, Height: 1})
	if len(equivocations(fx)) != 0 {
		t.Fatalf("a stranger's evidence raised %v", fx.Events)
	}
	if ids := f.view("equivocatingNodes", [32]byte{}, uint32(0))[0].([][20]byte); len(ids) != 0 {
		t.Fatalf("equivocatingNodes %x", ids)
	}
	many := make([]Misbehaviour, 3*maxMisbehaviourPerBlock)
	for i := range many {
		many[i] = Misbehaviour{Address: valAddr(i % len(colls)), Height: uint64(i + 1)}
	}
	fx = f.endBlockWith(many...)
	if n := len(equivocations(fx)); n != maxMisbehaviourPerBlock {
		t.Fatalf("%d pieces recorded, want %d", n, maxMisbehaviourPerBlock)
	}
	var total uint64
	for c := range colls {
		total += f.misbehaviour(nodeID('V', c)).count
	}
	if total != maxMisbehaviourPerBlock {
		t.Fatalf("counted %d", total)
	}
}
