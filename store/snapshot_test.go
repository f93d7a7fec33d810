package store

import (
	"context"
	"errors"
	"math/big"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

var (
	contract = common.HexToAddress("0x00000000000000000000000000000000c0de0000")
	code     = []byte{0x60, 0x01, 0x60, 0x00, 0x55, 0x00}
)

func account(i int) common.Address { return common.BigToAddress(big.NewInt(int64(0x1000 + i))) }

// commitHeight commits, on top of parent, the state of height n: 40
// accounts whose balances are n+i+1, and a contract whose 200 slots hold n+j+1.
func commitHeight(t *testing.T, db *DB, parent common.Hash, n uint64) common.Hash {
	t.Helper()
	st, err := db.StateAt(parent)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		st.SetBalance(account(i), uint256.NewInt(n+uint64(i)+1), tracing.BalanceChangeUnspecified)
	}
	st.SetCode(contract, code, tracing.CodeChangeUnspecified)
	st.SetNonce(contract, 1, tracing.NonceChangeUnspecified)
	for j := range 200 {
		st.SetState(contract, common.BigToHash(big.NewInt(int64(j))), common.BigToHash(new(big.Int).SetUint64(n+uint64(j)+1)))
	}
	root, err := st.Commit(params.TestChainConfig.Rules(new(big.Int).SetUint64(n), true, 0), n)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		err = db.CommitGenesis(root)
	} else {
		err = db.CommitHeight(Head{Height: n, Root: root}, func(ethdb.KeyValueWriter) {})
	}
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// pausing hands an export to a StateRestore, stopping after the first
// account until resume is closed.
type pausing struct {
	to      *StateRestore
	started chan struct{}
	resume  chan struct{}
	n       int
}

func (p *pausing) Account(h common.Hash, a *types.StateAccount, code []byte) error {
	if p.n++; p.n == 1 {
		close(p.started)
		<-p.resume
	}
	return p.to.Account(h, a, code)
}

func (p *pausing) Slot(h common.Hash, v []byte) error { return p.to.Slot(h, v) }

// An export reads its state to the end while the chain moves on far past
// it: the state leaves the in-memory layers and the disk layer moves past it
// (flushes every 32 heights), and the export goes on from the trie node
// history. What it exported restores to the same root and values.
func TestExportWhileTheChainMovesOn(t *testing.T) {
	opts := DefaultOptions()
	opts.PersistEvery = 32
	db, err := Open(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	root := commitHeight(t, db, types.EmptyRootHash, 0)
	for n := uint64(1); n <= 10; n++ {
		root = commitHeight(t, db, root, n)
	}
	target := root

	dst := OpenMemory()
	defer dst.Close()
	restore, err := dst.BeginRestore()
	if err != nil {
		t.Fatal(err)
	}
	v := &pausing{to: restore, started: make(chan struct{}), resume: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- db.ExportState(context.Background(), target, v) }()
	<-v.started
	for n := uint64(11); n <= 300; n++ {
		root = commitHeight(t, db, root, n)
	}
	if _, err := db.trie.NodeReader(target); err == nil {
		t.Fatal("height 10's state is still live; the test needs it flattened")
	}
	close(v.resume)
	if err := <-done; err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := restore.Finish(target); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if err := dst.CommitRestored(Head{Height: 10, Root: target}, 5, func(ethdb.KeyValueWriter) {}); err != nil {
		t.Fatal(err)
	}
	if tail, err := dst.Tail(); err != nil || tail != 5 {
		t.Fatalf("tail after the restore %d (%v): pruning would scan from block 1, want 5", tail, err)
	}
	st, err := dst.StateAt(target)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.GetBalance(account(7)).Uint64(); got != 10+7+1 {
		t.Fatalf("balance %d, want 18", got)
	}
	if got := st.GetState(contract, common.BigToHash(big.NewInt(199))); got != common.BigToHash(big.NewInt(10+199+1)) {
		t.Fatalf("slot 199: %s", got)
	}
	if got := st.GetCode(contract); string(got) != string(code) || st.GetNonce(contract) != 1 {
		t.Fatalf("code %x nonce %d", got, st.GetNonce(contract))
	}
	// The restored store goes on from there.
	next := commitHeight(t, dst, target, 11)
	if want := commitHeightRoot(t, 11); next != want {
		t.Fatalf("height 11 on the restored store: root %s, want %s", next, want)
	}
}

// commitHeightRoot is the root commitHeight gives at n, computed in a
// store of its own.
func commitHeightRoot(t *testing.T, n uint64) common.Hash {
	db := OpenMemory()
	defer db.Close()
	root := commitHeight(t, db, types.EmptyRootHash, 0)
	return commitHeight(t, db, root, n)
}

// A restore refuses what does not make the state it claims, and the store
// restores the real one afterwards.
func TestRestoreRefusals(t *testing.T) {
	src := OpenMemory()
	defer src.Close()
	root := commitHeight(t, src, types.EmptyRootHash, 0)
	type entry struct {
		hash  common.Hash
		acct  *types.StateAccount
		code  []byte
		slots [][2][]byte
	}
	var all []entry
	err := src.ExportState(context.Background(), root, visitFunc{
		account: func(h common.Hash, a *types.StateAccount, c []byte) error {
			all = append(all, entry{hash: h, acct: a, code: c})
			return nil
		},
		slot: func(h common.Hash, v []byte) error {
			e := &all[len(all)-1]
			e.slots = append(e.slots, [2][]byte{h[:], v})
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	feed := func(r *StateRestore, es []entry) error {
		for _, e := range es {
			if err := r.Account(e.hash, e.acct, e.code); err != nil {
				return err
			}
			for _, s := range e.slots {
				if err := r.Slot(common.BytesToHash(s[0]), s[1]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	withCode := -1
	for i, e := range all {
		if len(e.code) > 0 {
			withCode = i
		}
	}
	dst := OpenMemory()
	defer dst.Close()
	cases := []struct {
		name string
		es   func() []entry
		want error
	}{
		{"accounts out of order", func() []entry {
			es := append([]entry(nil), all...)
			es[0], es[1] = es[1], es[0]
			return es
		}, ErrRestoreOrder},
		{"a slot dropped", func() []entry {
			es := append([]entry(nil), all...)
			e := es[withCode]
			e.slots = e.slots[1:]
			es[withCode] = e
			return es
		}, ErrRestoreRoot},
		{"a zero slot", func() []entry {
			es := append([]entry(nil), all...)
			e := es[withCode]
			e.slots = append([][2][]byte{{make([]byte, 32), {0x80}}}, e.slots...)
			es[withCode] = e
			return es
		}, ErrRestoreData},
		{"code that does not hash to its account's", func() []entry {
			es := append([]entry(nil), all...)
			e := es[withCode]
			e.code = []byte{0x00}
			es[withCode] = e
			return es
		}, ErrRestoreData},
		{"code missing", func() []entry {
			es := append([]entry(nil), all...)
			e := es[withCode]
			e.code = nil
			es[withCode] = e
			return es
		}, ErrRestoreData},
		{"an account missing", func() []entry { return all[1:] }, ErrRestoreRoot},
	}
	for _, tc := range cases {
		r, err := dst.BeginRestore()
		if err != nil {
			t.Fatal(err)
		}
		err = feed(r, tc.es())
		if err == nil {
			err = r.Finish(root)
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	r, err := dst.BeginRestore()
	if err != nil {
		t.Fatal(err)
	}
	if err := feed(r, all); err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(root); err != nil {
		t.Fatalf("the real state after refusals: %v", err)
	}
	if err := dst.CommitRestored(Head{Height: 1, Root: root}, 1, func(ethdb.KeyValueWriter) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.BeginRestore(); err == nil {
		t.Fatal("a store with a head begins a restore")
	}
	st, err := dst.StateAt(root)
	if err != nil {
		t.Fatal(err)
	}
	if crypto.Keccak256Hash(st.GetCode(contract)) != crypto.Keccak256Hash(code) {
		t.Fatal("code not restored")
	}
}

type visitFunc struct {
	account func(common.Hash, *types.StateAccount, []byte) error
	slot    func(common.Hash, []byte) error
}

func (v visitFunc) Account(h common.Hash, a *types.StateAccount, c []byte) error {
	return v.account(h, a, c)
}
func (v visitFunc) Slot(h common.Hash, val []byte) error { return v.slot(h, val) }

// TestExportRestoreRate measures exporting and restoring a state of
// $REDMX_RESTORE_ACCOUNTS accounts (each with one storage slot every tenth),
// for the operators' guide. It runs only when the variable is set.
func TestExportRestoreRate(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("REDMX_RESTORE_ACCOUNTS"))
	if err != nil || n < 1 {
		t.Skip("set REDMX_RESTORE_ACCOUNTS to measure")
	}
	src, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	root := types.EmptyRootHash
	const perHeight = 10_000
	for h := 0; h*perHeight < n; h++ {
		st, err := src.StateAt(root)
		if err != nil {
			t.Fatal(err)
		}
		for i := h * perHeight; i < min(n, (h+1)*perHeight); i++ {
			a := common.BigToAddress(big.NewInt(int64(0x100000 + i)))
			st.SetBalance(a, uint256.NewInt(uint64(i+1)), tracing.BalanceChangeUnspecified)
			if i%10 == 0 {
				st.SetState(a, common.Hash{1}, common.BigToHash(big.NewInt(int64(i+1))))
			}
		}
		if root, err = st.Commit(params.TestChainConfig.Rules(big.NewInt(int64(h+1)), true, 0), uint64(h+1)); err != nil {
			t.Fatal(err)
		}
		if err := src.CommitHeight(Head{Height: uint64(h + 1), Root: root}, func(ethdb.KeyValueWriter) {}); err != nil {
			t.Fatal(err)
		}
	}
	dst, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	r, err := dst.BeginRestore()
	if err != nil {
		t.Fatal(err)
	}
	var accounts, slots int
	start := time.Now()
	err = src.ExportState(context.Background(), root, visitFunc{
		account: func(h common.Hash, a *types.StateAccount, c []byte) error { accounts++; return r.Account(h, a, c) },
		slot:    func(h common.Hash, v []byte) error { slots++; return r.Slot(h, v) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Finish(root); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("exported and restored %d accounts and %d slots in %s (%.0f accounts/s)", accounts, slots, took.Round(time.Millisecond), float64(accounts)/took.Seconds())
}
