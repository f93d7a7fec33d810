package store_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethdb"

	"github.com/redmx/redmx/store"
)

// TestHeadIsDurableAcrossReopen: the head marker and the batch written with it
// are read back after the store is closed and opened again.
func TestHeadIsDurableAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Head(); ok || err != nil {
		t.Fatalf("new store has a head (%v, %v)", ok, err)
	}
	want := store.Head{Height: 7, BlockHash: common.HexToHash("0xabc")}
	err = db.CommitHeight(want, func(w ethdb.KeyValueWriter) {
		if err := w.Put([]byte("index-key"), []byte("v")); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, ok, err := db.Head()
	if err != nil || !ok || got != want {
		t.Fatalf("Head() = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if v, err := db.KV().Get([]byte("index-key")); err != nil || string(v) != "v" {
		t.Fatalf("index written with the head is missing: %q, %v", v, err)
	}
}
