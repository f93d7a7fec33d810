package governance

import (
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// gasOf runs method and returns the gas it used.
func (f *fixture) gasOf(from common.Address, method string, a ...any) uint64 {
	f.t.Helper()
	input, err := ABI.Pack(method, a...)
	if err != nil {
		f.t.Fatal(err)
	}
	_, left, err := f.c.Call(f.env, f.st, from, input, 10_000_000)
	if err != nil {
		f.t.Fatalf("%s: %v", method, err)
	}
	return 10_000_000 - left
}

// TestGasOfCommonCalls keeps the schedule's cost of the usual calls within
// the default governance allowance twenty times over.
func TestGasOfCommonCalls(t *testing.T) {
	f := newFixture(t)
	n, key := nodeID('U', 1), consKey('U', 1)
	apply := f.gasOf(acct('U', 1), "applyNode", signed(acct('U', 1), "academic", nodeKeyOf(n), uint8(1), "ed25519", key, uint8(1), h32, h32, "https://letter", h32, "https://adhesion")...)
	endorse := f.gasOf(leaderA(1), "endorse", uint64(1))
	vote1 := f.gasOf(ncSeat(0), "commissionVote", uint64(1), true)
	f.gasOf(ncSeat(1), "commissionVote", uint64(1), true)
	admit := f.gasOf(ncSeat(2), "commissionVote", uint64(1), true)
	start := f.env.Time + 100
	convene := f.gasOf(secretary, "convene", uint8(1), h32, start, start+50, "online", uint64(0))
	f.env.Time = start
	attend := f.gasOf(secretary, "attend", uint64(1))
	t.Logf("gas: applyNode %d, endorse %d, commissionVote %d, admitting vote %d, convene %d, attend %d",
		apply, endorse, vote1, admit, convene, attend)
	allowance := DefaultParams[3].Value
	for _, g := range []uint64{apply, endorse, vote1, admit, convene, attend} {
		if g*20 > allowance {
			t.Errorf("a call costs %d gas, more than a twentieth of the allowance %d", g, allowance)
		}
	}
}

func BenchmarkAdmit(b *testing.B) {
	f := newFixture(b)
	to := acct('T', 1)
	for b.Loop() {
		if _, err := f.c.Admit(f.env, f.st, projA, &to, nil, 21000, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallRequestCapital(b *testing.B) {
	f := newFixture(b)
	input, _ := ABI.Pack("requestCapital", uint64(5), h32)
	for b.Loop() {
		if _, _, err := f.c.Call(f.env, f.st, plain, input, 1_000_000); err != nil {
			b.Fatal(err)
		}
	}
}

// The scale of the governance benchmarks: a network years on.
const (
	benchApplications = 30_000
	benchMembers      = 10_000
)

var (
	scaleOnce sync.Once
	scale     *fixture
	scaleApps []uint64
)

// scaleFixture is the test genesis with benchMembers more members of
// academic and benchApplications submitted project applications, built
// once and shared; benchmarks undo their calls.
func scaleFixture(b *testing.B) (*fixture, []uint64) {
	scaleOnce.Do(func() {
		scale = newFixture(b, func(g *Founding) {
			for i := range benchMembers {
				g.Records = append(g.Records, FoundingRecord{Kind: KindIndividual, Collective: "academic",
					Accounts: []common.Address{common.BytesToAddress([]byte{0xB0, byte(i >> 8), byte(i), 2})}})
			}
		})
		scale.t = b
		scaleApps = scale.fillApplications(benchApplications)
		root(scale.st) // settle the writes, as a block would
	})
	scale.t = b
	return scale, scaleApps
}

// benchCall runs method from an account once per iteration, undoing it
// each time, and reports its gas.
func benchCall(b *testing.B, f *fixture, from common.Address, method string, a ...any) {
	input, err := ABI.Pack(method, a...)
	if err != nil {
		b.Fatal(err)
	}
	var gas uint64
	for b.Loop() {
		snap := f.st.Snapshot()
		_, left, err := f.c.Call(f.env, f.st, from, input, 30_000_000)
		if err != nil {
			b.Fatalf("%s: %v", method, err)
		}
		gas = 30_000_000 - left
		f.st.RevertToSnapshot(snap)
	}
	b.ReportMetric(float64(gas), "gas/op")
}

// BenchmarkAtScale: governance calls and views with 30,000 applications
// and 10,000 members. Gas must not depend on the sizes, except a view's
// page (its limit).
func BenchmarkAtScale(b *testing.B) {
	f, apps := scaleFixture(b)
	b.Run("endorse oldest", func(b *testing.B) { benchCall(b, f, leaderA(1), "endorse", apps[0]) })
	b.Run("endorse newest", func(b *testing.B) { benchCall(b, f, leaderA(1), "endorse", apps[len(apps)-1]) })
	b.Run("withdraw oldest", func(b *testing.B) { benchCall(b, f, applicant(0), "withdraw", apps[0]) })
	b.Run("applyProject", func(b *testing.B) {
		benchCall(b, f, acct('Z', 1), "applyProject", "academic", "p", h32, "", h32, "", uint8(1), []common.Address{acct('Z', 2)})
	})
	b.Run("applyNode", func(b *testing.B) {
		benchCall(b, f, acct('Z', 1), "applyNode", signed(acct('Z', 1), "academic", nodeKey('Z', 1), uint8(1), "ed25519", consKey('Z', 1),
			uint8(1), h32, h32, "https://letter", h32, "https://adhesion")...)
	})
	b.Run("applications page 1000", func(b *testing.B) {
		benchCall(b, f, plain, "applications", AppProject, AppSubmitted, [32]byte(w64(apps[20_000])), uint32(1000))
	})
	b.Run("applications page 10", func(b *testing.B) {
		benchCall(b, f, plain, "applications", AppProject, AppSubmitted, [32]byte{}, uint32(10))
	})
	b.Run("members page 1000", func(b *testing.B) {
		benchCall(b, f, plain, "members", "academic", [32]byte(w64(5000)), uint32(1000))
	})
	b.Run("collective", func(b *testing.B) { benchCall(b, f, plain, "collective", "academic") })
	b.Run("Admit", func(b *testing.B) {
		to := acct('T', 1)
		for b.Loop() {
			if _, err := f.c.Admit(f.env, f.st, plain, &to, nil, 21000, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
