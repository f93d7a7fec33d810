package store

import (
	"encoding/binary"
	"math/big"
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
func commitNewAccounts(t testing.TB, db *DB, parent common.Hash, n uint64, k int) common.Hash {
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

// TestStateLayersSized: left at 0, the bound is a 128th of the node's
// memory, 16 to 128 MiB; a set value is kept.
func TestStateLayersSized(t *testing.T) {
	for _, c := range []struct {
		total uint64
		set   int
		want  int
	}{{1 << 30, 0, 16}, {2 << 30, 0, 16}, {4 << 30, 0, 32}, {8 << 30, 0, 64}, {24 << 30, 0, 128}, {0, 0, 128}, {2 << 30, 48, 48}} {
		o := DefaultOptions()
		o.StateLayersMB = c.set
		if got := o.Sized(c.total).StateLayersMB; got != c.want {
			t.Errorf("%d MiB of memory, set %d: state_layers_mb %d, want %d", c.total>>20, c.set, got, c.want)
		}
	}
}

// BenchmarkFlatten is the commit of a height that flattens 128 heights of
// state layers to disk (a persist_every height), each of 600 new accounts:
// what that height's block waits for. The 128 heights are built outside the
// timer, each flatten's background write finished before the next.
func BenchmarkFlatten(b *testing.B) {
	opts := DefaultOptions()
	opts.PersistEvery = 128
	opts.CacheMB, opts.TrieCacheMB = 16, 32
	db, root := openGenesis(b, b.TempDir(), opts)
	defer db.Close()
	n := uint64(0)
	for i := 0; i < b.N+1; i++ {
		for range 128 {
			n++
			root = commitNewAccounts(b, db, root, n, 600)
			if n%128 == 0 && i > 0 {
				// A node whose blocks come slower than the history is
				// written: the previous flatten is on disk.
				for deadline := time.Now().Add(2 * time.Minute); db.DurableHeight() < n-128; time.Sleep(10 * time.Millisecond) {
					if time.Now().After(deadline) {
						b.Fatalf("the flatten at height %d was not on disk within 2 minutes", n-128)
					}
				}
				b.StartTimer()
			}
			if err := db.CommitHeight(Head{Height: n, Root: root}, func(ethdb.KeyValueWriter) {}); err != nil {
				b.Fatal(err)
			}
			if n%128 == 0 && i > 0 {
				b.StopTimer()
			}
		}
		if i == 0 {
			b.ResetTimer()
			b.StopTimer()
		}
	}
}

// TestLiveStates: the newest LiveStates heights are held in memory, and the
// one below them has been merged into the state on disk.
func TestLiveStates(t *testing.T) {
	db, err := Open(t.TempDir(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const heights = LiveStates + 10
	roots := make([]common.Hash, heights+1)
	roots[0] = commitHeight(t, db, types.EmptyRootHash, 0)
	for n := uint64(1); n <= heights; n++ {
		roots[n] = commitHeight(t, db, roots[n-1], n)
	}
	for n := heights - LiveStates; n <= heights; n++ {
		if _, err := db.trie.NodeReader(roots[n]); err != nil {
			t.Errorf("height %d of %d is not live: %v", n, heights, err)
		}
	}
	if _, err := db.trie.NodeReader(roots[heights-LiveStates-1]); err == nil {
		t.Errorf("height %d of %d is still live: more than %d states held", heights-LiveStates-1, heights, LiveStates)
	}
}
