package governance

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// applicant is the i-th account of no record of the scale tests.
func applicant(i int) common.Address {
	return common.BytesToAddress([]byte{0xA1, byte(i >> 16), byte(i >> 8), byte(i), 1})
}

// fillApplications submits n project applications, each from its own
// account listing itself as the deployer, and returns their ids in order.
func (f *fixture) fillApplications(n int) []uint64 {
	f.t.Helper()
	ids := make([]uint64, n)
	for i := range n {
		from := applicant(i)
		input, err := ABI.Pack("applyProject", "academic", "p", h32, "", h32, "", uint8(1), []common.Address{from})
		if err != nil {
			f.t.Fatal(err)
		}
		ret, _, err := f.c.Call(f.env, f.st, from, input, 10_000_000)
		if err != nil {
			f.t.Fatalf("application %d: %v", i, err)
		}
		out, _ := ABI.Methods["applyProject"].Outputs.Unpack(ret)
		ids[i] = out[0].(uint64) // its own deployer: accepted by applying
	}
	return ids
}

// TestEndorseGasIndependentOfQueue: moving an application between status
// lists is O(1): endorsing the oldest of many applications costs what
// endorsing the newest does (it shifted the whole list before).
func TestEndorseGasIndependentOfQueue(t *testing.T) {
	f := newFixture(t)
	ids := f.fillApplications(2000)
	f.must(leaderA(1), "endorse", ids[5]) // the endorsed list exists: no first-item slots below
	oldest := f.gasOf(leaderA(1), "endorse", ids[0])
	newest := f.gasOf(leaderA(1), "endorse", ids[len(ids)-1])
	middle := f.gasOf(leaderA(1), "endorse", ids[len(ids)/2])
	t.Logf("endorse of 2000 submitted: oldest %d, middle %d, newest %d gas", oldest, middle, newest)
	for _, g := range []uint64{oldest, middle} {
		if g > newest+newest/10 || newest > g+g/10 {
			t.Errorf("endorse costs %d for an older application and %d for the newest: not O(1)", g, newest)
		}
	}
	// The order of the rest is kept.
	got := f.view("applications", AppProject, AppSubmitted, [32]byte{}, uint32(3))[0].([]uint64)
	if len(got) != 3 || got[0] != ids[1] || got[1] != ids[2] || got[2] != ids[3] {
		t.Fatalf("submitted after endorsing ids[0]: first three %v, want %v", got, ids[1:4])
	}
}

// TestListViewsPaginated: a list view answers at most its limit, with a
// cursor that walks the whole list once, and its price grows with the page.
func TestListViewsPaginated(t *testing.T) {
	f := newFixture(t)
	ids := f.fillApplications(25)
	f.must(leaderA(1), "endorse", ids[7]) // a hole in the submitted list
	var all []uint64
	var cursor [32]byte
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		out := f.view("applications", AppProject, AppSubmitted, cursor, uint32(10))
		page := out[0].([]uint64)
		if len(page) > 10 {
			t.Fatalf("page of %d items, limit 10", len(page))
		}
		all = append(all, page...)
		if cursor = out[1].([32]byte); cursor == ([32]byte{}) {
			break
		}
	}
	want := append(append([]uint64{}, ids[:7]...), ids[8:]...)
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("paged through %v, want %v", all, want)
	}
	gas := func(limit uint32) uint64 {
		input, _ := ABI.Pack("applications", AppProject, AppSubmitted, [32]byte{}, limit)
		return f.c.ViewGas(input)
	}
	g1, g10, g100, g1000 := gas(1), gas(10), gas(100), gas(1000)
	t.Logf("applications view gas: limit 1 %d, 10 %d, 100 %d, 1000 %d", g1, g10, g100, g1000)
	if g10-g1 != 9*gasRead || g100-g10 != 90*gasRead || gas(0) != g1000 || gas(5000) != g1000 {
		t.Errorf("view gas not per item: %d %d %d %d", g1, g10, g100, g1000)
	}
	// A cursor that left the list is refused, not silently restarted.
	input, _ := ABI.Pack("applications", AppProject, AppSubmitted, [32]byte(w64(ids[7])), uint32(10))
	if ret, err := f.c.View(f.env, f.st, input); err == nil || !strings.Contains(string(ret), "no longer in the list") {
		t.Fatalf("stale cursor: %v", err)
	}
	// Meetings page by offset.
	for range 3 {
		f.must(secretary, "convene", uint8(1), h32, f.env.Time+100, f.env.Time+200, "x", uint64(0))
	}
	out := f.view("meetings", [32]byte{}, uint32(2))
	if ids := out[0].([]uint64); len(ids) != 2 || out[1].([32]byte) != [32]byte(w64(2)) {
		t.Fatalf("meetings page 1: %v", out)
	}
	if out = f.view("meetings", out[1].([32]byte), uint32(2)); len(out[0].([]uint64)) != 1 || out[1].([32]byte) != ([32]byte{}) {
		t.Fatalf("meetings page 2: %v", out)
	}
}

// TestEveryViewWithinItsPrice: no view, given the founding state and its
// own arguments, reads more than ViewGas charged (the store stops it).
func TestViewReadsBoundedByPrice(t *testing.T) {
	f := newFixture(t)
	input, _ := ABI.Pack("members", "academic", [32]byte{}, uint32(1))
	s := &store{st: f.st, limit: f.c.ViewGas(input), metered: true}
	if !s.run(func() { viewMembers(s, f.env, args{"academic", [32]byte{}, uint32(1)}) }) {
		t.Fatal("a one-item page exceeded its price")
	}
	if s.gas > f.c.ViewGas(input) {
		t.Fatalf("read %d gas, charged %d", s.gas, f.c.ViewGas(input))
	}
	s = &store{st: f.st, limit: 3 * gasRead, metered: true}
	if s.run(func() { viewMembers(s, f.env, args{"academic", [32]byte{}, uint32(1000)}) }) {
		t.Fatal("a page of 1000 ran within 3 reads")
	}
}

// slotReadCounter counts the governance slots a call reads.
type slotReadCounter struct {
	vm.StateDB
	reads int
}

func (c *slotReadCounter) GetState(a common.Address, k common.Hash) common.Hash {
	c.reads++
	return c.StateDB.GetState(a, k)
}

// TestCallStopsWhenGasRunsOut: a call given too little gas stops before
// the work it cannot pay for, not after it.
func TestCallStopsWhenGasRunsOut(t *testing.T) {
	f := newFixture(t)
	ids := f.fillApplications(200)
	db := &slotReadCounter{StateDB: f.st}
	input, _ := ABI.Pack("endorse", ids[0])
	_, _, err := f.c.Call(f.env, db, leaderA(1), input, gasCallBase+5*gasRead)
	if !errors.Is(err, vm.ErrOutOfGas) {
		t.Fatalf("endorse with 5 reads of gas: %v, want out of gas", err)
	}
	if db.reads > 6 {
		t.Fatalf("a call paying for 5 slot reads read %d slots", db.reads)
	}
	// Gas for the call alone reads nothing.
	db.reads = 0
	if _, _, err := f.c.Call(f.env, db, leaderA(1), input, gasCallBase); !errors.Is(err, vm.ErrOutOfGas) || db.reads > 1 {
		t.Fatalf("endorse with the base gas only: %v after %d reads", err, db.reads)
	}
}

// TestEndBlockLinear: clearing the block's pending validator changes is
// linear in their number (it shifted the list per item before).
func TestEndBlockPendingO1(t *testing.T) {
	f := newFixture(t)
	s := &store{st: f.st}
	pending := s.lset("pending")
	for i := range 500 {
		pending.add(nodeWord(nodeID('Q', i)))
	}
	s.gas = 0
	for _, h := range pending.all() {
		pending.remove(h)
	}
	if per := s.gas / 500; per > 20*gasRead+6*gasWriteNew {
		t.Fatalf("removing each of 500 pending entries cost %d gas on average", per)
	}
	if pending.len() != 0 || pending.next(common.Hash{}) != (common.Hash{}) {
		t.Fatal("pending not empty")
	}
}

// TestLsetOrder: removal anywhere keeps the order of the rest, re-adding
// goes last, and membership follows.
func TestLsetOrder(t *testing.T) {
	f := newFixture(t)
	l := (&store{st: f.st}).lset("test")
	for i := uint64(1); i <= 5; i++ {
		l.add(w64(i))
	}
	l.remove(w64(1))
	l.remove(w64(3))
	l.remove(w64(5))
	l.add(w64(1))
	if got := l.u64s(); fmt.Sprint(got) != "[2 4 1]" || l.len() != 3 || l.has(w64(3)) || !l.has(w64(1)) || l.add(w64(2)) {
		t.Fatalf("set %v len %d", got, l.len())
	}
	for _, v := range []uint64{2, 4, 1} {
		l.remove(w64(v))
	}
	if l.len() != 0 || len(l.all()) != 0 || l.remove(w64(2)) {
		t.Fatal("not empty")
	}
	l.add(w64(9))
	if fmt.Sprint(l.u64s()) != "[9]" {
		t.Fatalf("after emptying: %v", l.u64s())
	}
	_ = NodeValidator
}

// TestGenesisBoundsCollectives: the views answering every collective are
// priced for at most maxCollectives names of one chunk each.
func TestGenesisBoundsCollectives(t *testing.T) {
	g := testGenesis()
	for i := len(g.Collectives); i <= maxCollectives; i++ {
		g.Collectives = append(g.Collectives, fmt.Sprintf("c%d", i))
	}
	if err := ApplyGenesis(newStateDB(t), g, DefaultGasLimit); err == nil || !strings.Contains(err.Error(), "collectives") {
		t.Fatalf("%d collectives: %v", len(g.Collectives), err)
	}
	g = testGenesis()
	g.Collectives = append(g.Collectives, strings.Repeat("x", maxCollectiveName+1))
	if err := ApplyGenesis(newStateDB(t), g, DefaultGasLimit); err == nil || !strings.Contains(err.Error(), "bytes") {
		t.Fatalf("a long collective name: %v", err)
	}
}

// FuzzLset: any sequence of adds and removes leaves the set equal to a
// plain ordered list of the same operations, page by page.
func FuzzLset(f *testing.F) {
	f.Add([]byte{1, 2, 3, 0x81, 4, 0x83, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		st := newStateDB(t)
		l := (&store{st: st}).lset("fuzz")
		var model []uint64
		for _, op := range ops {
			v := uint64(op&0x0f) + 1
			i := slices.Index(model, v)
			if op&0x80 == 0 {
				if l.add(w64(v)) != (i < 0) {
					t.Fatalf("add %d: set and model disagree", v)
				}
				if i < 0 {
					model = append(model, v)
				}
			} else {
				if l.remove(w64(v)) != (i >= 0) {
					t.Fatalf("remove %d: set and model disagree", v)
				}
				if i >= 0 {
					model = slices.Delete(model, i, i+1)
				}
			}
		}
		if got := l.u64s(); fmt.Sprint(got) != fmt.Sprint(model) || l.len() != uint64(len(model)) {
			t.Fatalf("set %v (len %d), model %v", got, l.len(), model)
		}
		for v := uint64(1); v <= 16; v++ {
			if l.has(w64(v)) != slices.Contains(model, v) {
				t.Fatalf("has %d wrong", v)
			}
		}
		var paged []uint64
		var cursor common.Hash
		for range 20 {
			items, next, err := l.page(cursor, 3)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, words64(items)...)
			if cursor = next; cursor == (common.Hash{}) {
				break
			}
		}
		if fmt.Sprint(paged) != fmt.Sprint(model) {
			t.Fatalf("paged %v, model %v", paged, model)
		}
	})
}

// TestPowerCheckGasIndependentOfOtherCollectives: a call that changes
// powers checks the collectives it changed, so admitting a validator costs
// the same whatever the number of validators elsewhere (it read every
// validator of the network before).
func TestPowerCheckGasIndependentOfOtherCollectives(t *testing.T) {
	admit := func(others int) uint64 {
		f := newFixture(t)
		s := &store{st: f.st}
		for i := range others { // validators of "public", with their shares, as genesis writes them
			s.collValidators("public").add(nodeWord([20]byte{'P', byte(i >> 8), byte(i)}))
		}
		s.recompute(nil, "public")
		n := nodeID('U', 1)
		app := f.applyValidator(acct('U', 1), "academic", n, consKey('U', 1))
		f.must(leaderA(1), "endorse", app)
		f.commission(ncSeat, app, 2)
		g := f.gasOf(ncSeat(2), "commissionVote", app, true)
		if f.power(n) == 0 {
			t.Fatalf("the third commission vote did not admit the validator")
		}
		return g
	}
	few, many := admit(0), admit(500)
	t.Logf("admitting a validator: %d gas, %d with 500 more validators elsewhere", few, many)
	if many > few+few/10 {
		t.Errorf("admitting a validator costs %d, %d with 500 validators in another collective: the check reads them", few, many)
	}
}
