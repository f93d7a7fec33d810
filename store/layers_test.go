package store

import (
	"encoding/binary"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// TestStateLayersBounded: heights of many new accounts, with persist_every
// far away, never leave more in-memory state layers than state_layers_mb
// after a commit; the state is flattened to disk (and becomes durable) by
// size, and every account written stays readable.
func TestStateLayersBounded(t *testing.T) {
	opts := DefaultOptions()
	opts.PersistEvery = 1 << 20
	opts.StateLayersMB = 16
	db, root := openGenesis(t, t.TempDir(), opts)
	defer db.Close()
	const perHeight, heights = 1500, 40
	limit := common.StorageSize(opts.StateLayersMB * 1024 * 1024)
	var peak common.StorageSize
	flattens := 0
	for n := uint64(1); n <= heights; n++ {
		root = commitNewAccounts(t, db, root, n, perHeight)
		if err := db.CommitHeight(Head{Height: n, Root: root}, func(ethdb.KeyValueWriter) {}); err != nil {
			t.Fatal(err)
		}
		diffs, _, _ := db.trie.Size()
		if got := db.StateLayersBytes(); got != uint64(diffs) {
			t.Fatalf("height %d: StateLayersBytes %d, the trie database counts %v", n, got, diffs)
		}
		if diffs > limit {
			t.Fatalf("height %d: %v in memory layers after commit, over the %v bound", n, diffs, limit)
		}
		if diffs < peak {
			flattens++
		}
		peak = diffs
		db.DurableHeight() // polled at every height, as the app does
	}
	if flattens == 0 {
		t.Fatalf("%d heights of %d new accounts never flattened the layers (last %v)", heights, perHeight, peak)
	}
	// Heights past a flatten make it durable, as at a persist height (the
	// trie database writes it in the background).
	deadline := time.Now().Add(30 * time.Second)
	for n := uint64(heights + 1); db.DurableHeight() == 0; n++ {
		if time.Now().After(deadline) {
			t.Fatalf("no height durable 30 s after the layers were flattened (head %d)", n-1)
		}
		root = commitNewAccounts(t, db, root, n, 1)
		if err := db.CommitHeight(Head{Height: n, Root: root}, func(ethdb.KeyValueWriter) {}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.StateAt(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{1, heights / 2, heights} {
		if b := st.GetBalance(newAccount(n, perHeight-1)); b.Uint64() != n {
			t.Errorf("account %d of height %d holds %v, want %d", perHeight-1, n, b, n)
		}
	}
	t.Logf("%d flattens over %d heights of %d new accounts", flattens, heights, perHeight)
}

// commitNewAccounts commits, on top of parent, k new accounts holding n each
// as the state of height n.
func commitNewAccounts(t *testing.T, db *DB, parent common.Hash, n uint64, k int) common.Hash {
	t.Helper()
	st, err := db.StateAt(parent)
	if err != nil {
		t.Fatal(err)
	}
	for i := range k {
		st.SetBalance(newAccount(n, i), uint256.NewInt(n), tracing.BalanceChangeUnspecified)
	}
	root, err := st.Commit(params.TestChainConfig.Rules(new(big.Int).SetUint64(n), true, 0), n)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func newAccount(n uint64, i int) common.Address {
	return common.BytesToAddress(crypto.Keccak256(binary.BigEndian.AppendUint64(nil, n), binary.BigEndian.AppendUint64(nil, uint64(i))))
}

// TestStateLayersSized: left at 0, the bound is a 64th of the node's
// memory, 64 to 256 MiB; a set value is kept.
func TestStateLayersSized(t *testing.T) {
	for _, c := range []struct {
		total uint64
		set   int
		want  int
	}{{2 << 30, 0, 64}, {8 << 30, 0, 128}, {24 << 30, 0, 256}, {0, 0, 256}, {2 << 30, 32, 32}} {
		o := DefaultOptions()
		o.StateLayersMB = c.set
		if got := o.Sized(c.total).StateLayersMB; got != c.want {
			t.Errorf("%d MiB of memory, set %d: state_layers_mb %d, want %d", c.total>>20, c.set, got, c.want)
		}
	}
}
