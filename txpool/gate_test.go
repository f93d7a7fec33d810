package txpool_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

var (
	errNotMember = errors.New("account is not a member's or an approved project's")
	errCapital   = errors.New("not enough capital")
	errCreate    = errors.New("contract creation is reserved to approved projects")
)

// capitalGate is a Gate over records with a gas capital each, as governance
// admits: accounts of no record are refused, creation needs a project, and a
// record's pooled gas counts against its capital across all its accounts.
type capitalGate struct {
	records  map[common.Address]uint64 // account → record
	capital  map[uint64]uint64
	projects map[uint64]bool
	pendings []uint64 // the pending gas of each call, for the test to read
}

func (g *capitalGate) Admit(from common.Address, to *common.Address, _ []byte, gas uint64, pending func(uint64) uint64) (txpool.Admission, error) {
	rec, ok := g.records[from]
	if !ok {
		return txpool.Admission{}, fmt.Errorf("%w: %s", errNotMember, from.Hex())
	}
	if to == nil && !g.projects[rec] {
		return txpool.Admission{}, fmt.Errorf("%w: %s", errCreate, from.Hex())
	}
	pend := pending(rec)
	g.pendings = append(g.pendings, pend)
	if c := g.capital[rec]; pend+gas > c {
		return txpool.Admission{}, fmt.Errorf("%w: %d gas left of %d, refills at the next epoch", errCapital, c-min(c, pend), c)
	}
	return txpool.Admission{Payer: rec}, nil
}

func (g *capitalGate) Quota() uint64 { return 0 }

// TestGateRefusesAndCountsPerRecord: the pool asks its gate about every
// transaction, refuses with the gate's error, and counts a record's pooled
// gas across its accounts, afresh at each Reset.
func TestGateRefusesAndCountsPerRecord(t *testing.T) {
	a, b, stranger := account(0), account(1), account(2)
	f := newFixture(t)
	gate := &capitalGate{
		records: map[common.Address]uint64{a.addr: 7, b.addr: 7},
		capital: map[uint64]uint64{7: 100_000},
	}
	f.pool.SetGate(gate)

	err := f.pool.Add(transfer(t, stranger, 0))
	if !errors.Is(err, errNotMember) || !strings.Contains(err.Error(), stranger.addr.Hex()) {
		t.Fatalf("stranger's transfer: %v", err)
	}
	create := sign(t, a, &types.LegacyTx{Nonce: 0, GasPrice: common.Big0, Gas: 60_000, Data: []byte{0}})
	if err := f.pool.Add(create); !errors.Is(err, errCreate) {
		t.Fatalf("member's creation: %v", err)
	}

	// 21000 + 21000 + 21000 + 21000 from two accounts of record 7 fit its
	// 100000; a fifth does not, from either account.
	f.mustAdd(transfer(t, a, 0), transfer(t, a, 1), transfer(t, b, 0), transfer(t, b, 1))
	if got := f.pool.PayerGas(7); got != 84_000 {
		t.Fatalf("record 7 has %d gas pooled, want 84000", got)
	}
	for _, k := range []key{a, b} {
		err := f.pool.Add(transfer(t, k, 2))
		if !errors.Is(err, errCapital) || !strings.Contains(err.Error(), "16000 gas left") {
			t.Fatalf("over capital from %s: %v", k.addr, err)
		}
	}
	if got := gate.pendings[len(gate.pendings)-1]; got != 84_000 {
		t.Fatalf("the gate saw %d gas pending, want 84000", got)
	}
	f.wantStats(4, 0)

	// A replacement counts only its own gas, not the one it replaces.
	f.mustAdd(sign(t, a, &types.LegacyTx{Nonce: 1, GasPrice: common.Big1, Gas: 30_000, To: &recipient}))
	if got := f.pool.PayerGas(7); got != 93_000 {
		t.Fatalf("after a replacement record 7 has %d gas pooled, want 93000", got)
	}

	// Two included: the rest is counted again at the Reset. A smaller grant
	// now leaves room for one of the two left.
	gate.capital[7] = 40_000
	f.commit(map[common.Address]uint64{a.addr: 1, b.addr: 1})
	if p, _ := f.pool.Stats(); p != 1 {
		t.Fatalf("%d pending after a Reset under a smaller grant, want 1", p)
	}
	if got := f.pool.PayerGas(7); got != 21_000 && got != 30_000 {
		t.Fatalf("after Reset record 7 has %d gas pooled", got)
	}

	// Without a gate, everything is admitted again.
	f.pool.SetGate(nil)
	f.mustAdd(transfer(t, stranger, 0))
}
