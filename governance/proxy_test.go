package governance

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// admitCall asks Admit about a governance call of method from an account.
func (f *fixture) admitCall(from common.Address, gas uint64, method string, a ...any) (Payer, error) {
	f.t.Helper()
	input, err := ABI.Pack(method, a...)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.c.Admit(f.env, f.st, from, &Address, input, gas, 0)
}

// TestProxy traces §3.5's proxies: an account of no record, appointed
// before a meeting's start, attends and votes for its holder from the
// holder's governance allowance, and does nothing else.
func TestProxy(t *testing.T) {
	f := newFixture(t)
	q, late, voter := acct('Q', 0), acct('Q', 1), acct('Q', 2)
	f.must(ncSeat(0), "appointProxy", q)
	f.must(pcSeat(1), "appointProxy", voter)
	if got := f.view("proxyOf", recNC(0)); got[0].(common.Address) != q {
		t.Fatalf("proxyOf = %v", got)
	}
	start := f.env.Time + 100
	m := f.must(secretary, "convene", uint8(1), h32, start, start+50, "online", uint64(0))[0].(uint64)
	f.env.Time, f.env.Number = start, f.env.Number+1
	f.must(ncSeat(1), "appointProxy", late) // at the start: too late for this meeting

	// Admission: attend and vote, paid by the holder's allowance.
	for _, tc := range []struct {
		method string
		args   []any
	}{{"attend", []any{m}}, {"vote", []any{uint64(1), true}}} {
		p, err := f.admitCall(q, 100_000, tc.method, tc.args...)
		if err != nil || p != (Payer{Record: recNC(0), Governance: true}) {
			t.Fatalf("admit %s by a proxy: %+v %v", tc.method, p, err)
		}
	}
	// Nothing else: another governance call, a transfer, a creation.
	if _, err := f.admitCall(q, 100_000, "moveParameter", m, "applyQuota", big64(3)); !errors.Is(err, ErrNotMember) || !strings.Contains(err.Error(), "as a proxy, it may only attend and vote") {
		t.Fatalf("admit a motion by a proxy: %v", err)
	}
	if _, err := f.admitCall(q, 100_000, "requestCapital", uint64(5), h32); !errors.Is(err, ErrNotMember) {
		t.Fatalf("admit requestCapital by a proxy: %v", err)
	}
	to := acct('T', 1)
	if _, err := f.c.Admit(f.env, f.st, q, &to, nil, 21000, 0); !errors.Is(err, ErrNotMember) {
		t.Fatalf("admit a proxy's transfer: %v", err)
	}
	if _, err := f.c.Admit(f.env, f.st, q, nil, []byte{0}, 60000, 0); !errors.Is(err, ErrNotMember) {
		t.Fatalf("admit a proxy's creation: %v", err)
	}

	// The calls.
	f.must(secretary, "attend", m)
	f.must(pcSeat(0), "attend", m)
	f.st.SetTxContext(common.Hash{3}, 0, 0)
	f.must(q, "attend", m)
	if logs := f.st.Logs(); len(logs) == 0 || logs[len(logs)-1].Topics[2] != common.BigToHash(big64(recNC(0))) {
		t.Fatal("no AttendanceRecorded for the holder")
	} else if vals, _ := ABI.Events["AttendanceRecorded"].Inputs.NonIndexed().Unpack(logs[len(logs)-1].Data); vals[0].(common.Address) != q {
		t.Fatalf("AttendanceRecorded by %v, want the proxy", vals[0])
	}
	if _, r := f.call(late, "attend", m); r != "account "+late.Hex()+" became record 7's proxy at 110, not before meeting 1's start at 110: it does not act at that meeting" {
		t.Fatalf("a proxy appointed at the start: %q", r)
	}
	if _, r := f.call(q, "moveParameter", m, "applyQuota", big64(3)); r != "account "+q.Hex()+" is record 3's proxy: a proxy only attends and votes; the holder moves motions" {
		t.Fatalf("a motion by a proxy: %q", r)
	}
	if _, r := f.call(q, "appointProxy", late); !strings.Contains(r, "belongs to no member or project") {
		t.Fatalf("a proxy appointing: %q", r)
	}
	id := f.must(pcSeat(0), "moveParameter", m, "applyQuota", big64(3))[0].(uint64)
	f.must(q, "vote", id, true)
	f.must(voter, "vote", id, false) // voting records the holder's attendance
	if _, r := f.call(late, "vote", id, true); !strings.Contains(r, "not before meeting 1's start") {
		t.Fatalf("a late proxy's vote: %q", r)
	}
	got := f.view("motion", id)
	if yes, no := got[4].([]uint64), got[5].([]uint64); !slices.Equal(yes, []uint64{recNC(0)}) || !slices.Equal(no, []uint64{recNC(1) + 1}) {
		t.Fatalf("votes yes %v no %v", yes, no)
	}
	if present := f.view("meeting", m)[6].([]uint64); !slices.Contains(present, recNC(0)) || !slices.Contains(present, recNC(1)+1) || slices.Contains(present, recNC(1)) {
		t.Fatalf("present %v", present)
	}

	// The holder's allowance pays.
	p, _ := f.admitCall(q, 100_000, "attend", m)
	f.c.Charge(f.env, f.st, p, 19_950_000)
	if _, err := f.admitCall(q, 100_000, "attend", m); !errors.Is(err, ErrNoCapital) || !strings.Contains(err.Error(), "record 3 has 50000 gas of governance allowance left") {
		t.Fatalf("over the holder's allowance: %v", err)
	}
	if _, err := f.admitCall(ncSeat(0), 100_000, "attend", m); !errors.Is(err, ErrNoCapital) {
		t.Fatalf("the holder shares it: %v", err)
	}

	// A suspended holder's proxy, and a revoked one, are refused.
	s := &store{st: f.st}
	s.setU64(key("rec.status", recNC(1)+1), uint64(StatusSuspended))
	if _, err := f.admitCall(voter, 100_000, "vote", id, true); !errors.Is(err, ErrNotMember) || !strings.Contains(err.Error(), "which is suspended") {
		t.Fatalf("a suspended holder's proxy: %v", err)
	}
	s.setU64(key("rec.status", recNC(1)+1), uint64(StatusActive))
	f.must(ncSeat(0), "revokeProxy")
	if _, err := f.admitCall(q, 100_000, "attend", m); !errors.Is(err, ErrNotMember) || strings.Contains(err.Error(), "as a proxy") {
		t.Fatalf("a revoked proxy: %v", err)
	}
	if _, r := f.call(q, "vote", id, true); r != "not a member of the Executive Council or a member's proxy" {
		t.Fatalf("a revoked proxy votes: %q", r)
	}
}

// TestProxyMember: a proxy that is itself a member (of no council seat)
// attends for its holder paid by its own record, as any member's
// governance call; its own transactions are unaffected.
func TestProxyMember(t *testing.T) {
	f := newFixture(t)
	f.must(ncSeat(2), "appointProxy", plain)
	m := f.meeting()
	p, err := f.admitCall(plain, 100_000, "attend", m)
	if err != nil || p != (Payer{Record: recPlain, Governance: true}) {
		t.Fatalf("admit: %+v %v", p, err)
	}
	f.must(plain, "attend", m)
	if present := f.view("meeting", m)[6].([]uint64); !slices.Contains(present, recNC(2)) || slices.Contains(present, uint64(recPlain)) {
		t.Fatalf("present %v", present)
	}
	to := acct('T', 1)
	if p, err := f.c.Admit(f.env, f.st, plain, &to, nil, 21000, 0); err != nil || p.Record != recPlain || p.Governance {
		t.Fatalf("the member's own transfer: %+v %v", p, err)
	}
	f.must(plain, "requestCapital", uint64(5), h32)
}
