package governance

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
)

// TestCapital traces §3.3 with its refusal cases.
func TestCapital(t *testing.T) {
	to := acct('T', 1)
	t.Run("unknown account transfers", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.c.Admit(f.env, f.st, stranger, &to, nil, 21000, 0)
		if !errors.Is(err, ErrNotMember) || !strings.Contains(err.Error(), "may only apply") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("capital spent across two accounts of one record", func(t *testing.T) {
		f := newFixture(t)
		p, err := f.c.Admit(f.env, f.st, projA, &to, nil, 60000, 0)
		if err != nil || p.Record != recProject {
			t.Fatalf("first: %+v %v", p, err)
		}
		f.c.Charge(f.env, f.st, p, 60000)
		_, err = f.c.Admit(f.env, f.st, projB, &to, nil, 50000, 0)
		if !errors.Is(err, ErrNoCapital) || !strings.Contains(err.Error(), "record 20 has 40000 gas left this epoch (needs 50000), refills at 1000") {
			t.Fatalf("second account: %v", err)
		}
		// Pending transactions of the record count too.
		if _, err := f.c.Admit(f.env, f.st, projB, &to, nil, 30000, 20000); !errors.Is(err, ErrNoCapital) {
			t.Fatalf("with pending: %v", err)
		}
		if got := f.view("capitalOf", projB); got[0].(uint64) != recProject || got[3].(uint64) != 40000 || got[4].(uint64) != 1000 {
			t.Fatalf("capitalOf = %v", got)
		}
		f.env.Time = 1000 // the next epoch refills
		if _, err := f.c.Admit(f.env, f.st, projB, &to, nil, 100000, 0); err != nil {
			t.Fatalf("next epoch: %v", err)
		}
	})
	t.Run("expired capital", func(t *testing.T) {
		f := newFixture(t)
		f.env.Time = 5000
		if _, err := f.c.Admit(f.env, f.st, projA, &to, nil, 21000, 0); !errors.Is(err, ErrNoCapital) || !strings.Contains(err.Error(), "expired at 5000") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("no capital", func(t *testing.T) {
		f := newFixture(t)
		if _, err := f.c.Admit(f.env, f.st, ncSeat(0), &to, nil, 21000, 0); !errors.Is(err, ErrNoCapital) || !strings.Contains(err.Error(), "ask a leader of collective public") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("governance calls use the allowance", func(t *testing.T) {
		f := newFixture(t)
		p, err := f.c.Admit(f.env, f.st, ncSeat(0), &Address, nil, 19_000_000, 0)
		if err != nil || !p.Governance || p.Record != recNC(0) {
			t.Fatalf("%+v %v", p, err)
		}
		f.c.Charge(f.env, f.st, p, 19_000_000)
		if _, err := f.c.Admit(f.env, f.st, ncSeat(0), &Address, nil, 2_000_000, 0); !errors.Is(err, ErrNoCapital) || !strings.Contains(err.Error(), "governance allowance") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("grant by a leader of another collective", func(t *testing.T) {
		f := newFixture(t)
		if _, r := f.call(leaderA(0), "grantCapital", uint64(recPlain), uint64(5), uint64(0), uint64(0)); r != "not a leader of collective academic" {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("grant, request and revoke", func(t *testing.T) {
		f := newFixture(t)
		f.must(plain, "requestCapital", uint64(500_000), h32)
		f.must(leaderB(1), "grantCapital", uint64(recPlain), uint64(500_000), uint64(900), uint64(0))
		if got := f.view("capital", uint64(recPlain)); got[0].(uint64) != 500_000 || got[1].(uint64) != 900 {
			t.Fatalf("capital = %v", got)
		}
		f.must(leaderB(1), "revokeCapital", uint64(recPlain))
		if _, err := f.c.Admit(f.env, f.st, plain, &to, nil, 21000, 0); !errors.Is(err, ErrNoCapital) {
			t.Fatalf("after revoke: %v", err)
		}
	})
}

// TestApplyQuota traces §3.3: accounts of no record may only apply, under a
// network-wide quota per block.
func TestApplyQuota(t *testing.T) {
	f := newFixture(t)
	input, _ := ABI.Pack("applyProject", "academic", "x", h32, "", h32, "", uint8(1), []common.Address{acct('D', 1)})
	for i := range 2 {
		p, err := f.c.Admit(f.env, f.st, acct('U', i), &Address, input, 1_000_000, 0)
		if err != nil || p.Record != 0 || !p.Governance {
			t.Fatalf("application %d: %+v %v", i, p, err)
		}
		f.c.Charge(f.env, f.st, p, 200_000)
	}
	if _, err := f.c.Admit(f.env, f.st, acct('U', 3), &Address, input, 1_000_000, 0); !errors.Is(err, ErrApplyQuota) {
		t.Fatalf("third application in a block: %v", err)
	}
	f.env.Number++
	if _, err := f.c.Admit(f.env, f.st, acct('U', 3), &Address, input, 1_000_000, 0); err != nil {
		t.Fatalf("next block: %v", err)
	}
	endorse, _ := ABI.Pack("endorse", uint64(1))
	if _, err := f.c.Admit(f.env, f.st, acct('U', 3), &Address, endorse, 1_000_000, 0); !errors.Is(err, ErrNotMember) {
		t.Fatalf("a non-application from no record: %v", err)
	}
}

// TestAccounts traces §2: an account belongs to one record; adding one takes
// an offer and an acceptance; a record keeps at least one.
func TestAccounts(t *testing.T) {
	f := newFixture(t)
	second := acct('K', 1)
	if _, r := f.call(second, "acceptAccount", uint64(recPlain)); !strings.Contains(r, "has not offered") {
		t.Fatalf("accept without offer: %q", r)
	}
	f.must(plain, "offerAccount", second)
	f.must(second, "acceptAccount", uint64(recPlain))
	if f.view("recordOf", second)[0].(uint64) != recPlain {
		t.Fatal("account not added")
	}
	if _, r := f.call(advisor, "offerAccount", second); !strings.Contains(r, "already belongs to record 19") {
		t.Fatalf("offering another record's account: %q", r)
	}
	f.must(second, "removeAccount", plain)
	if _, r := f.call(second, "removeAccount", second); !strings.Contains(r, "is the last of record 19") {
		t.Fatalf("removing the last account: %q", r)
	}
	if _, r := f.call(leaderA(0), "attestIdentity", uint64(recPlain), h32); r != "not a leader of collective academic" {
		t.Fatalf("attest by another collective's leader: %q", r)
	}
	f.must(leaderA(1), "attestIdentity", uint64(recPlain), h32)
	if got := f.view("attestations", uint64(recPlain), [32]byte{}, uint32(0)); got[0].([]uint64)[0] != recLeaderA(1) || got[1].([]uint64)[0] != f.env.Time {
		t.Fatalf("attestations = %v", got)
	}
}

// TestCallGas: the gas schedule is charged, out of gas keeps nothing, and a
// refusal keeps nothing either.
func TestCallGas(t *testing.T) {
	f := newFixture(t)
	input, _ := ABI.Pack("requestCapital", uint64(5), h32)
	r0 := root(f.st)
	logs := len(f.st.Logs())
	if _, left, err := f.c.Call(f.env, f.st, plain, input, 30_000); !errors.Is(err, vm.ErrOutOfGas) || left != 0 {
		t.Fatalf("30000 gas: %v, left %d", err, left)
	}
	if root(f.st) != r0 || len(f.st.Logs()) != logs {
		t.Fatal("out of gas kept state")
	}
	_, left, err := f.c.Call(f.env, f.st, plain, input, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	used := 1_000_000 - left
	// base + 4 new slots (counter, record, gas, justification) + reads + log
	if used < gasCallBase+4*gasWriteNew || used > 200_000 {
		t.Fatalf("requestCapital used %d gas", used)
	}
	r0 = root(f.st)
	bad, _ := ABI.Pack("endorse", uint64(99))
	ret, _, err := f.c.Call(f.env, f.st, plain, bad, 1_000_000)
	if !errors.Is(err, vm.ErrExecutionReverted) || !bytes.Contains(ret, []byte("application 99 does not exist")) {
		t.Fatalf("refusal: %v %q", err, ret)
	}
	if root(f.st) != r0 {
		t.Fatal("a refusal kept state")
	}
	// A view through Call costs its ViewGas.
	v, _ := ABI.Pack("isMember", plain)
	if _, left, err := f.c.Call(f.env, f.st, plain, v, 100_000); err != nil || 100_000-left != f.c.ViewGas(v) {
		t.Fatalf("view through Call: %v, used %d", err, 100_000-left)
	}
}

// TestLogs: events are ABI-encoded at Address with indexed topics.
func TestLogs(t *testing.T) {
	f := newFixture(t)
	f.st.SetTxContext(common.Hash{1}, 0, 0)
	f.must(plain, "requestCapital", uint64(5), h32)
	logs := f.st.Logs()
	if len(logs) != 1 {
		t.Fatalf("%d logs", len(logs))
	}
	l := logs[0]
	ev := ABI.Events["CapitalRequested"]
	if l.Address != Address || l.Topics[0] != ev.ID || len(l.Topics) != 3 || l.Topics[2] != common.BigToHash(big64(recPlain)) {
		t.Fatalf("log %+v", l)
	}
	vals, err := ev.Inputs.NonIndexed().Unpack(l.Data)
	if err != nil || vals[0].(uint64) != 5 {
		t.Fatalf("data %v %v", vals, err)
	}
	_ = types.Log{}
}

// FuzzCall: random input never panics and never changes state on error.
func FuzzCall(f *testing.F) {
	for _, name := range []string{"endorse", "applyNode", "vote", "convene", "moveParameter", "isMember", "record"} {
		f.Add(ABI.Methods[name].ID, uint8(0))
	}
	good, _ := ABI.Pack("applyProject", "academic", "x", h32, "", h32, "", uint8(1), []common.Address{acct('D', 1)})
	f.Add(good, uint8(1))
	f.Add([]byte{1, 2}, uint8(2))
	f.Fuzz(func(t *testing.T, input []byte, who uint8) {
		fx := newFixture(t)
		senders := []common.Address{plain, secretary, ncSeat(0), leaderA(1), stranger, projA}
		from := senders[int(who)%len(senders)]
		r0 := root(fx.st)
		logs := len(fx.st.Logs())
		_, _, err := fx.c.Call(fx.env, fx.st, from, input, 5_000_000)
		if err != nil && (root(fx.st) != r0 || len(fx.st.Logs()) != logs) {
			t.Fatalf("error %v changed state", err)
		}
		fx.c.View(fx.env, fx.st, input)
		fx.c.ViewGas(input)
	})
}
