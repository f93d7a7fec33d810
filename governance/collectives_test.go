package governance

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestNewCollective: a promoter applies; the plenary creates the collective
// by two thirds of those present, a majority is not enough; it forms with
// a second leader and a node, and only then its validator holds power, the
// others' unchanged; one that does not form in time shows overdue.
func TestNewCollective(t *testing.T) {
	f := newFixture(t)
	promoter, operator := acct('C', 1), acct('C', 2)
	apply := func(from common.Address, name string) uint64 {
		t.Helper()
		return f.must(from, "applyCollective", name, h32, "https://request", [32]byte{0x11})[0].(uint64)
	}
	f.refused("belongs to record 19, of collective academic", plain, "applyCollective", "intl", h32, "https://r", h32)
	f.refused("collective academic exists", promoter, "applyCollective", "academic", h32, "https://r", h32)
	f.refused("a collective's name is 1 to 32 bytes", promoter, "applyCollective", "", h32, "https://r", h32)
	f.refused("needs the commitment to its written request", promoter, "applyCollective", "intl", [32]byte{}, "https://r", h32)
	f.refused("names its institution", promoter, "applyCollective", "intl", h32, "https://r", [32]byte{})
	app := apply(promoter, "intl")
	f.refused("the Executive Council decides it in plenary (moveNewCollective)", leaderA(0), "endorse", app)
	if r := f.view("collectiveRequest", app); r[1].(string) != "https://request" {
		t.Fatalf("collectiveRequest %v", r)
	}

	// Nine present: five yes is a majority, not two thirds; six is.
	decide := func(app uint64, yes int) string {
		t.Helper()
		m := f.meeting(council()...)
		mot := f.must(ncSeat(0), "moveNewCollective", m, app)[0].(uint64)
		for i, a := range append([]common.Address{secretary}, council()...) {
			f.must(a, "vote", mot, i < yes)
		}
		if r := f.decide(m, mot); r != "" {
			return r
		}
		return MotionStatus(f.view("motion", mot)[2].(uint8)).String()
	}
	lost := apply(acct('C', 3), "intl2")
	if st := decide(lost, 5); st != "failed" {
		t.Fatalf("5 of 9: %s", st)
	}
	if st := ApplicationStatus(f.view("application", lost)[1].(uint8)); st != AppRejected {
		t.Fatalf("the application the plenary refused is %s", st)
	}
	if st := decide(app, 6); st != "passed" {
		t.Fatalf("6 of 9: %s", st)
	}
	lead := f.view("recordOf", promoter)[0].(uint64)
	if c := f.view("collective", "intl"); c[0].(bool) || len(c[1].([]uint64)) != 1 || c[1].([]uint64)[0] != lead {
		t.Fatalf("intl %v: want forming, led by the promoter's record %d", c, lead)
	}
	due := f.env.Time + f.view("parameter", "formationPeriod")[0].(*big.Int).Uint64()
	if fm := f.view("collectiveFormation", "intl"); fm[0].(bool) || fm[1].(uint64) != app || fm[2].(uint64) != due || fm[3].(bool) {
		t.Fatalf("collectiveFormation %v, want forming, application %d, due %d", fm, app, due)
	}
	f.refused("collective intl exists", acct('C', 4), "applyCollective", "intl", h32, "https://r", h32)

	// A node: admitted, but no power while forming.
	n := nodeID('C', 1)
	a := f.applyValidator(operator, "intl", n, consKey('C', 1))
	f.must(promoter, "endorse", a)
	f.commission(ncSeat, a, 3)
	if p := f.power(n); p != 0 {
		t.Fatalf("a forming collective's validator holds %d", p)
	}
	public := f.power(nodeID('V', 0))
	// A second leader: formed, and its validator holds the collective's share.
	if r := f.elect("intl", operator, f.view("recordOf", operator)[0].(uint64)); r != "" {
		t.Fatal(r)
	}
	if !f.view("collective", "intl")[0].(bool) || f.power(n) != CollectivePower || f.power(nodeID('V', 0)) != public {
		t.Fatalf("formed %v, power %d (public's %d, was %d)", f.view("collective", "intl")[0], f.power(n), f.power(nodeID('V', 0)), public)
	}

	// One that never forms shows overdue after formationPeriod.
	late := apply(acct('C', 5), "intl3")
	if st := decide(late, 9); st != "passed" {
		t.Fatal(st)
	}
	f.past(f.view("collectiveFormation", "intl3")[2].(uint64))
	if fm := f.view("collectiveFormation", "intl3"); !fm[3].(bool) || fm[4].(uint32) != 1 || fm[5].(uint32) != 0 {
		t.Fatalf("intl3 past its formation period: %v", fm)
	}
}
