package txpool_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/txpool"
)

// laneGate admits members as payer 2 and every other account as one of no
// record, as governance admits applications, with a per-block quota.
type laneGate struct {
	members map[common.Address]bool
	quota   uint64
}

func (g *laneGate) Admit(from common.Address, _ *common.Address, _ []byte, _ uint64, _ func(uint64) uint64) (txpool.Admission, error) {
	if g.members[from] {
		return txpool.Admission{Payer: 2}, nil
	}
	return txpool.Admission{Payer: 1, NoRecord: true}, nil
}

func (g *laneGate) Quota() uint64 { return g.quota }

// laneFixture is a pool whose gate knows members (accounts 0 to 9) and a
// quota; accounts from 100 up have no record.
func laneFixture(t *testing.T, quota uint64, configure ...func(*txpool.Config)) *fixture {
	t.Helper()
	f := newFixture(t, configure...)
	g := &laneGate{members: map[common.Address]bool{}, quota: quota}
	for i := range 10 {
		g.members[account(i).addr] = true
	}
	f.pool.SetGate(g)
	return f
}

func stranger(i int) key { return account(100 + i) }

// application is a call with n bytes of calldata and this gas limit.
func application(t *testing.T, k key, nonce uint64, n int, gas uint64) *types.Transaction {
	t.Helper()
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i + 1)
	}
	return sign(t, k, &types.LegacyTx{Nonce: nonce, GasPrice: new(big.Int), Gas: gas, To: &recipient, Data: data})
}

func wantEvicted(t *testing.T, p *txpool.Pool, tx *types.Transaction, reason string) {
	t.Helper()
	if p.Get(tx.Hash()) != nil {
		t.Fatalf("tx %s still pooled", tx.Hash())
	}
	ev, ok := p.Evicted(tx.Hash())
	if !ok || !strings.Contains(ev.Reason, reason) {
		t.Fatalf("Evicted(%s) = %+v, %v; want a reason with %q", tx.Hash(), ev, ok, reason)
	}
}

// TestLaneOnePerAccount: an account of no record pools one transaction, at
// its next nonce; the refusal is temporary.
func TestLaneOnePerAccount(t *testing.T) {
	f := laneFixture(t, 20)
	s := stranger(0)
	f.mustAdd(application(t, s, 0, 100, 200_000))
	err := f.pool.Add(application(t, s, 1, 100, 200_000))
	if !errors.Is(err, txpool.ErrAccountLimitExceeded) || !txpool.Temporary(err) {
		t.Fatalf("second transaction of an account of no record: %v", err)
	}
	if err := f.pool.Add(application(t, stranger(1), 1, 100, 200_000)); !errors.Is(err, txpool.ErrAccountLimitExceeded) {
		t.Fatalf("future nonce of an account of no record: %v", err)
	}
	// A member keeps its per-account limit.
	f.mustAdd(txRange(t, account(0), 0, 10)...)
	if u := f.pool.Usage(); u.Lane != 1 || u.Pending != 11 {
		t.Fatalf("Usage = %+v, want 1 in the lane of 11 pending", u)
	}
}

// TestLaneTotalCap: the lane holds LaneBlocks blocks' worth of the quota.
func TestLaneTotalCap(t *testing.T) {
	f := laneFixture(t, 3, func(c *txpool.Config) { c.LaneBlocks = 2 })
	for i := range 6 {
		f.mustAdd(application(t, stranger(i), 0, 100, 200_000))
	}
	err := f.pool.Add(application(t, stranger(6), 0, 100, 200_000))
	if !errors.Is(err, txpool.ErrLaneFull) || !errors.Is(err, txpool.ErrTxPoolOverflow) || !txpool.Temporary(err) {
		t.Fatalf("seventh application with a lane of 6: %v", err)
	}
	f.mustAdd(transfer(t, account(0), 0)) // members are not held by the lane's cap
}

// TestLaneCalldataAndGasCaps: an application carries at most LaneMaxData
// bytes of calldata and LaneMaxGas of gas; members are not bound by them.
func TestLaneCalldataAndGasCaps(t *testing.T) {
	f := laneFixture(t, 20, func(c *txpool.Config) { c.LaneMaxData = 1000; c.LaneMaxGas = 300_000 })
	f.mustAdd(application(t, stranger(0), 0, 1000, 300_000))
	err := f.pool.Add(application(t, stranger(1), 0, 1001, 300_000))
	if !errors.Is(err, txpool.ErrLaneData) || txpool.Temporary(err) {
		t.Fatalf("1001 bytes of calldata: %v", err)
	}
	err = f.pool.Add(application(t, stranger(2), 0, 100, 300_001))
	if !errors.Is(err, txpool.ErrLaneGas) || txpool.Temporary(err) {
		t.Fatalf("gas above the lane's cap: %v", err)
	}
	f.mustAdd(application(t, account(0), 0, 20_000, 1_000_000))
}

// TestLaneBytes: the lane is counted in encoded bytes, and capped by them
// before its count cap.
func TestLaneBytes(t *testing.T) {
	one := len(mustRaw(t, application(t, stranger(0), 0, 2000, 200_000)))
	f := laneFixture(t, 20, func(c *txpool.Config) { c.LaneBytes = uint64(3*one + one/2) })
	var sum uint64
	for i := range 3 {
		tx := application(t, stranger(i), 0, 2000, 200_000)
		f.mustAdd(tx)
		sum += uint64(len(mustRaw(t, tx)))
	}
	if u := f.pool.Usage(); u.Lane != 3 || u.LaneBytes != sum || u.Bytes != sum {
		t.Fatalf("Usage = %+v, want 3 in the lane of %d bytes", u, sum)
	}
	if err := f.pool.Add(application(t, stranger(3), 0, 2000, 200_000)); !errors.Is(err, txpool.ErrLaneFull) {
		t.Fatalf("an application past the lane's bytes: %v", err)
	}
	f.mustAdd(application(t, stranger(4), 0, 10, 200_000)) // a small one still fits
	f.mustAdd(application(t, account(0), 0, 20_000, 1_000_000))
	if u := f.pool.Usage(); u.Bytes <= u.LaneBytes+20_000 {
		t.Fatalf("Usage = %+v: the member's bytes are not counted", u)
	}
}

func mustRaw(t *testing.T, tx *types.Transaction) []byte {
	t.Helper()
	raw, err := tx.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestLaneEvictedFirst: a full pool makes room for a member's transaction by
// evicting the lane's oldest, with a reason; the lane never displaces a
// member's.
func TestLaneEvictedFirst(t *testing.T) {
	f := laneFixture(t, 20, func(c *txpool.Config) { c.GlobalSlots = 4 })
	apps := []*types.Transaction{application(t, stranger(0), 0, 100, 200_000), application(t, stranger(1), 0, 100, 200_000)}
	f.mustAdd(apps...)
	f.mustAdd(transfer(t, account(0), 0), transfer(t, account(1), 0))
	f.mustAdd(transfer(t, account(2), 0))
	wantEvicted(t, f.pool, apps[0], "members' transactions go first")
	if f.pool.Get(apps[1].Hash()) == nil {
		t.Fatal("the newer application went too")
	}
	f.mustAdd(transfer(t, account(3), 0))
	wantEvicted(t, f.pool, apps[1], "members' transactions go first")
	if err := f.pool.Add(application(t, stranger(2), 0, 100, 200_000)); !errors.Is(err, txpool.ErrTxPoolOverflow) || !txpool.Temporary(err) {
		t.Fatalf("an application into a pool full of members' transactions: %v", err)
	}
	if err := f.pool.Add(transfer(t, account(4), 0)); !errors.Is(err, txpool.ErrTxPoolOverflow) {
		t.Fatalf("a member's transaction into a pool full of members' transactions: %v", err)
	}
	if u := f.pool.Usage(); u.Pending != 4 || u.Lane != 0 {
		t.Fatalf("Usage = %+v, want 4 members' transactions", u)
	}

	// By bytes too.
	g := laneFixture(t, 20, func(c *txpool.Config) { c.GlobalBytes = 20_000 })
	app := application(t, stranger(0), 0, 4000, 200_000)
	g.mustAdd(app)
	g.mustAdd(application(t, account(0), 0, 16_500, 1_000_000))
	wantEvicted(t, g.pool, app, "members' transactions go first")
}

// TestLaneAgeLimit: an application waits at most LaneLifetime blocks; a
// member's transaction of the same age stays.
func TestLaneAgeLimit(t *testing.T) {
	f := laneFixture(t, 20, func(c *txpool.Config) { c.LaneLifetime = 3 })
	app := application(t, stranger(0), 0, 100, 200_000)
	member := transfer(t, account(0), 0)
	f.mustAdd(app, member)
	f.commit(nil)
	f.commit(nil)
	if f.pool.Get(app.Hash()) == nil {
		t.Fatal("evicted after 2 blocks")
	}
	if _, ok := f.pool.Evicted(app.Hash()); ok {
		t.Fatal("Evicted reports a pooled transaction")
	}
	f.commit(nil)
	wantEvicted(t, f.pool, app, "expired")
	if f.pool.Get(member.Hash()) == nil {
		t.Fatal("the member's transaction went with it")
	}
}

// TestLifetime: any transaction leaves after Lifetime blocks with a reason,
// so none stays pending for ever; what followed it waits as queued.
func TestLifetime(t *testing.T) {
	f := newFixture(t, func(c *txpool.Config) { c.Lifetime = 4 })
	a := account(0)
	gapped := transfer(t, a, 5)
	f.mustAdd(gapped)
	for range 3 {
		f.commit(nil)
	}
	if f.pool.Get(gapped.Hash()) == nil {
		t.Fatal("evicted early")
	}
	f.mustAdd(transfer(t, a, 0)) // younger
	f.commit(nil)
	wantEvicted(t, f.pool, gapped, "expired")
	f.wantStats(1, 0)
}

// TestPendingMembersFirst: a proposal takes members' transactions before
// any application, however early the applications came, and at most the
// quota of applications.
func TestPendingMembersFirst(t *testing.T) {
	f := laneFixture(t, 2)
	var apps []*types.Transaction
	for i := range 5 {
		apps = append(apps, application(t, stranger(i), 0, 100, 1_000_000))
	}
	f.mustAdd(apps...)
	members := append(txRange(t, account(0), 0, 3), txRange(t, account(1), 0, 3)...)
	f.mustAdd(members...)

	got := f.pool.Pending(-1, blockGasLimit)
	if len(got) != 8 {
		t.Fatalf("Pending took %d, want 6 members' and 2 applications", len(got))
	}
	for i, tx := range got[:6] {
		if from, _ := types.Sender(signer, tx); from != account(0).addr && from != account(1).addr {
			t.Fatalf("Pending[%d] is from %s, before a member's", i, from)
		}
	}
	if got[6].Hash() != apps[0].Hash() || got[7].Hash() != apps[1].Hash() {
		t.Fatal("the applications are not the oldest two")
	}
	// Gas for the members alone: no application.
	got = f.pool.Pending(-1, 6*21000+999_999)
	if len(got) != 6 {
		t.Fatalf("Pending with room for the members only took %d", len(got))
	}
}

// TestReannounce: an executable transaction not mined Reannounce blocks
// after gossip took it is handed to Reap again, within ReannounceBytes.
func TestReannounce(t *testing.T) {
	f := newFixture(t, func(c *txpool.Config) { c.Reannounce = 3 })
	a, b := account(0), account(1)
	txA, txB := transfer(t, a, 0), transfer(t, b, 0)
	f.mustAdd(txA, txB)
	if n := len(f.pool.Reap(0)); n != 2 {
		t.Fatalf("first Reap: %d", n)
	}
	f.commit(nil)
	f.commit(nil)
	if n := len(f.pool.Reap(0)); n != 0 {
		t.Fatalf("Reap after 2 blocks: %d", n)
	}
	f.commit(nil)
	if got := f.pool.Reap(0); len(got) != 2 {
		t.Fatalf("Reap after 3 blocks: %d, want both again", len(got))
	}
	if n := len(f.pool.Reap(0)); n != 0 {
		t.Fatalf("Reap right after: %d", n)
	}

	g := newFixture(t, func(c *txpool.Config) { c.Reannounce = 1; c.ReannounceBytes = 150 })
	g.mustAdd(txA, txB)
	g.pool.Reap(0)
	g.commit(nil)
	if got := g.pool.Reap(0); len(got) != 1 {
		t.Fatalf("Reap with room for one: %d", len(got))
	}
}

// TestTemporary sorts refusals into those a later state may lift and the
// final ones.
func TestTemporary(t *testing.T) {
	for _, err := range []error{txpool.ErrTxPoolOverflow, txpool.ErrLaneFull, txpool.ErrAccountLimitExceeded, txpool.ErrInsufficientFunds, &txpool.GateError{Err: errNotMember}} {
		if !txpool.Temporary(err) {
			t.Errorf("Temporary(%v) = false", err)
		}
	}
	for _, err := range []error{txpool.ErrNonceTooLow, txpool.ErrInvalidSender, txpool.ErrLaneData, txpool.ErrIntrinsicGas, txpool.ErrAlreadyKnown} {
		if txpool.Temporary(err) {
			t.Errorf("Temporary(%v) = true", err)
		}
	}
}
