package store

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/ethdb"
)

// TestDurableHeight: a flatten of the state to disk counts as durable only
// once it is on disk and a later height has been synced after it, and the
// durable height is always a flushed height at or below the head.
func TestDurableHeight(t *testing.T) {
	opts := DefaultOptions()
	opts.PersistEvery = 4
	db, root := openGenesis(t, t.TempDir(), opts)
	defer db.Close()
	if h := db.DurableHeight(); h != 0 {
		t.Fatalf("new store durable at %d", h)
	}
	deadline := time.Now().Add(30 * time.Second)
	for n := uint64(1); db.DurableHeight() < 8; n++ {
		if time.Now().After(deadline) {
			t.Fatalf("durable height %d at head %d after 30s; want 8 reached", db.DurableHeight(), n-1)
		}
		root = commitBalance(t, db, root, n)
		if err := db.CommitHeight(Head{Height: n, Root: root}, func(ethdb.KeyValueWriter) {}); err != nil {
			t.Fatal(err)
		}
		got := db.DurableHeight()
		if got > n || got%4 != 0 {
			t.Fatalf("at height %d durable %d; want a flushed height at or below it", n, got)
		}
		if got == n {
			t.Fatalf("height %d durable as soon as it was flushed, before a later sync", n)
		}
	}
}
