package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/ethdb/pebble"
	"golang.org/x/sys/unix"
)

// ErrLocked is returned by [Inspect] for a store another process (or this
// one) has open: a running node.
var ErrLocked = errors.New("the store is in use")

// Kind is one kind of data: how many entries and how many bytes.
type Kind struct {
	Name  string `json:"name"`
	Count uint64 `json:"count,omitempty"` // keys; 0 for files
	Bytes uint64 `json:"bytes"`
}

// Stats is what a stopped node's data directory holds, by kind.
type Stats struct {
	// Head is the newest height written, Tail the lowest block above
	// genesis still held (1 when nothing was pruned).
	Head, Tail uint64
	// Keys are the pebble store's entries by kind, as key plus value bytes
	// (before compression).
	Keys []Kind
	// Files are the data directory's files on disk by kind, in bytes
	// allocated (preallocated write-ahead logs count in full).
	Files []Kind
}

// Inspect reads the data directory of a stopped node (CometBFT's data
// directory, holding redmx/): every key of the store and every file. It
// returns an error wrapping [ErrLocked] if the node is running.
func Inspect(dataDir string) (*Stats, error) {
	chaindata := filepath.Join(dataDir, "redmx", "chaindata")
	if m, _ := filepath.Glob(filepath.Join(chaindata, "MANIFEST-*")); len(m) == 0 {
		return nil, fmt.Errorf("no redmx store in %s (%s holds no pebble database)", dataDir, chaindata)
	}
	kvs, err := pebble.New(chaindata, 16, 64, "", true)
	if err != nil {
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) || strings.Contains(err.Error(), "lock held") {
			return nil, fmt.Errorf("%w: %s is locked by a running node; stop it first", ErrLocked, chaindata)
		}
		return nil, fmt.Errorf("open %s: %w", chaindata, err)
	}
	kv := rawdb.NewDatabase(kvs)
	defer kv.Close()
	db := &DB{kv: kv}
	s := &Stats{}
	if head, ok, err := db.Head(); err != nil {
		return nil, err
	} else if ok {
		s.Head = head.Height
	}
	if s.Tail, err = db.Tail(); err != nil {
		return nil, err
	}
	keys := make([]Kind, len(keyKinds)+1)
	for i, k := range keyKinds {
		keys[i].Name = k.name
	}
	keys[len(keyKinds)].Name = "other"
	it := kv.NewIterator(nil, nil)
	for it.Next() {
		k := &keys[kindOf(it.Key())]
		k.Count++
		k.Bytes += uint64(len(it.Key()) + len(it.Value()))
	}
	it.Release()
	if err := it.Error(); err != nil {
		return nil, err
	}
	s.Keys = keys
	s.Files, err = fileKinds(dataDir)
	return s, err
}

// keyKinds classify the store's keys by go-ethereum's schema (the prefixes
// of core/rawdb, some of which it does not export) and redmx's own.
var keyKinds = []struct {
	name  string
	match func(k []byte) bool
}{
	{"block headers", func(k []byte) bool {
		return len(k) == 41 && k[0] == 'h' || len(k) == 10 && k[0] == 'h' && k[9] == 'n' || len(k) == 33 && k[0] == 'H'
	}},
	{"block bodies", func(k []byte) bool { return len(k) == 41 && k[0] == 'b' }},
	{"receipts", func(k []byte) bool { return len(k) == 41 && k[0] == 'r' }},
	{"transaction index", func(k []byte) bool { return len(k) == 33 && k[0] == 'l' }},
	{"state trie", func(k []byte) bool { return rawdb.IsAccountTrieNode(k) || rawdb.IsStorageTrieNode(k) }},
	{"flat state", func(k []byte) bool {
		return len(k) == 1+common.HashLength && bytes.HasPrefix(k, rawdb.SnapshotAccountPrefix) ||
			len(k) == 1+2*common.HashLength && bytes.HasPrefix(k, rawdb.SnapshotStoragePrefix)
	}},
	{"contract code", func(k []byte) bool { return len(k) == 1+common.HashLength && bytes.HasPrefix(k, rawdb.CodePrefix) }},
	{"state history index", func(k []byte) bool {
		return bytes.HasPrefix(k, rawdb.StateHistoryIndexPrefix) || len(k) == 1+common.HashLength && k[0] == 'L'
	}},
	// The state layers held in memory, saved by a clean stop.
	{"state journal", func(k []byte) bool { return string(k) == "TrieJournal" }},
}

func kindOf(key []byte) int {
	for i, k := range keyKinds {
		if k.match(key) {
			return i
		}
	}
	return len(keyKinds)
}

// fileKinds sums the files of a node's data directory by what holds them.
func fileKinds(dataDir string) ([]Kind, error) {
	kinds := []Kind{
		{Name: "redmx tables (chaindata/*.sst)"},
		{Name: "redmx write-ahead logs (chaindata/*.log)"},
		{Name: "redmx other (chaindata: manifest, options)"},
		{Name: "redmx state history (ancient/)"},
		{Name: "CometBFT block store (blockstore.db)"},
		{Name: "CometBFT state (state.db)"},
		{Name: "CometBFT evidence (evidence.db)"},
		{Name: "CometBFT consensus WAL (cs.wal)"},
		{Name: "other"},
	}
	err := filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dataDir, path)
		rel = filepath.ToSlash(rel)
		i := len(kinds) - 1
		switch {
		case strings.HasPrefix(rel, "redmx/chaindata/") && strings.HasSuffix(rel, ".sst"):
			i = 0
		case strings.HasPrefix(rel, "redmx/chaindata/") && strings.HasSuffix(rel, ".log"):
			i = 1
		case strings.HasPrefix(rel, "redmx/chaindata/"):
			i = 2
		case strings.HasPrefix(rel, "redmx/ancient/"):
			i = 3
		case strings.HasPrefix(rel, "blockstore.db/"):
			i = 4
		case strings.HasPrefix(rel, "state.db/"):
			i = 5
		case strings.HasPrefix(rel, "evidence.db/"):
			i = 6
		case strings.HasPrefix(rel, "cs.wal/"):
			i = 7
		}
		kinds[i].Count++
		kinds[i].Bytes += diskUsage(path)
		return nil
	})
	return kinds, err
}

// diskUsage is the space a file takes on disk (its allocated blocks), which
// for a preallocated log is more than its length.
func diskUsage(path string) uint64 {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0
	}
	return uint64(st.Blocks) * 512
}
