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
