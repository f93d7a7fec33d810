package store

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// A data directory written in an older format is refused with a message
// saying what to do, never read with the wrong layout.
func TestOldFormatRefused(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	writeGenesis(t, db)
	if err := db.kv.Put(formatKey, binary.BigEndian.AppendUint64(nil, Format-1)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, DefaultOptions()); !errors.Is(err, ErrOldFormat) {
		t.Fatalf("open of an older format: %v, want %v", err, ErrOldFormat)
	}
}

// proof_history may be turned off for a data directory, but not back on:
// the trie-node history would have a gap. A directory from before the
// setting was recorded kept that history.
func TestProofHistoryNotBackOn(t *testing.T) {
	on, off := DefaultOptions(), DefaultOptions()
	on.ProofHistory = true
	open := func(dir string, opts Options, first, forget bool) error {
		db, err := Open(dir, opts)
		if err != nil {
			return err
		}
		if first {
			writeGenesis(t, db)
		}
		if forget {
			if err := db.kv.Delete(proofHistoryKey); err != nil {
				t.Fatal(err)
			}
		}
		return db.Close()
	}
	for _, tc := range []struct {
		name  string
		steps []Options
		last  error
	}{
		{"kept, then not", []Options{on, off}, nil},
		{"kept, not, then again", []Options{on, off, on}, ErrProofHistory},
		{"never kept, then kept", []Options{off, on}, ErrProofHistory},
		{"never kept, reopened", []Options{off, off}, nil},
	} {
		dir := t.TempDir()
		var err error
		for i, opts := range tc.steps {
			if err = open(dir, opts, i == 0, false); err != nil {
				break
			}
		}
		if !errors.Is(err, tc.last) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.last)
		}
	}
	// A directory without the record (an older redmx) kept it: on again is fine.
	dir := t.TempDir()
	if err := open(dir, off, true, true); err != nil {
		t.Fatal(err)
	}
	if err := open(dir, on, false, false); err != nil {
		t.Errorf("on for a directory without the record: %v", err)
	}
}

// writeGenesis commits a genesis state of one account to a new store.
func writeGenesis(t *testing.T, db *DB) {
	t.Helper()
	st, err := db.StateAt(types.EmptyRootHash)
	if err != nil {
		t.Fatal(err)
	}
	st.SetNonce(common.Address{1}, 1, 0)
	root, err := st.Commit(params.Rules{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CommitGenesis(root); err != nil {
		t.Fatal(err)
	}
}
