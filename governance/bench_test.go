package governance

import (
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
