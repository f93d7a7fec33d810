package store

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

var (
	holder = common.HexToAddress("0x00000000000000000000000000000000000b0b00")
	// other keeps the account trie above one leaf: go-ethereum's trie node
	// history index stalls on a first history whose trie is a single leaf.
	other = common.HexToAddress("0x00000000000000000000000000000000000a1ce0")
)

// openGenesis opens a store in dir with a genesis state of commitBalance.
func openGenesis(t testing.TB, dir string, opts Options) (*DB, common.Hash) {
	t.Helper()
	db, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	root := commitBalance(t, db, types.EmptyRootHash, 0)
	if err := db.CommitGenesis(root); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db, root
}

// commitBalance commits, on top of parent, a state where holder has balance
// n+1 (an account with none would be deleted), as the state of height n.
func commitBalance(t testing.TB, db *DB, parent common.Hash, n uint64) common.Hash {
	t.Helper()
	st, err := db.StateAt(parent)
	if err != nil {
		t.Fatal(err)
	}
	st.SetBalance(holder, uint256.NewInt(n+1), tracing.BalanceChangeUnspecified)
	st.SetBalance(other, uint256.NewInt(1), tracing.BalanceChangeUnspecified)
	root, err := st.Commit(params.TestChainConfig.Rules(new(big.Int).SetUint64(n), true, 0), n)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestRollBackStateAboveMarker: a store whose state on disk is newer than its
// head marker, as a flush before the marker (an older order of CommitHeight)
// left it after a crash, has the state of the marker's height back after
// RollBack, and the balance there is the one of that height.
func TestRollBackStateAboveMarker(t *testing.T) {
	dir := t.TempDir()
	opts := DefaultOptions()
	opts.PersistEvery = 0
	db, root := openGenesis(t, dir, opts)
	for n := uint64(1); n <= 3; n++ {
		root = commitBalance(t, db, root, n)
		if err := db.CommitHeight(Head{Height: n, Root: root}, func(ethdb.KeyValueWriter) {}); err != nil {
			t.Fatal(err)
		}
	}
	marker := root
	// Height 4's state flattened to disk; the crash comes before its marker.
	above := commitBalance(t, db, root, 4)
	if err := db.trie.Commit(above, false); err != nil {
		t.Fatal(err)
	}
	if err := db.Discard(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if head, ok, err := db.Head(); err != nil || !ok || head.Root != marker {
		t.Fatalf("head %+v, %v, %v; want the marker of height 3", head, ok, err)
	}
	if db.HasState(marker) || !db.HasState(above) {
		t.Fatal("want only the state above the marker on disk before the rollback")
	}
	if ok, err := db.RollBack(above); ok || err != nil {
		t.Fatalf("RollBack to the state on disk: %v, %v; want nothing to do", ok, err)
	}
	if ok, err := db.RollBack(marker); !ok || err != nil {
		t.Fatalf("RollBack to the marker: %v, %v", ok, err)
	}
	if !db.HasState(marker) || db.HasState(above) {
		t.Fatal("after the rollback the marker's state is not the one on disk")
	}
	st, err := db.StateAt(marker)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.GetBalance(holder).Uint64(); got != 3+1 {
		t.Fatalf("balance after the rollback %d, want that of height 3", got)
	}
	if db.NoStateOnDisk() {
		t.Fatal("NoStateOnDisk with a state on disk")
	}
}

// TestNoStateOnDisk: a new store has no state on disk until the genesis
// state is flushed.
func TestNoStateOnDisk(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !db.NoStateOnDisk() {
		t.Fatal("a new store has a state on disk")
	}
	root := commitBalance(t, db, types.EmptyRootHash, 0)
	if !db.NoStateOnDisk() {
		t.Fatal("a state only handed to the trie database counts as on disk")
	}
	if err := db.CommitGenesis(root); err != nil {
		t.Fatal(err)
	}
	if err := db.Discard(); err != nil { // waits for the background flush
		t.Fatal(err)
	}
	if db, err = Open(dir, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.NoStateOnDisk() || !db.HasState(root) {
		t.Fatal("the genesis state is not on disk after its flush")
	}
}
