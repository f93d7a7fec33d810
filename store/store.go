package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/pebble"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/ethereum/go-ethereum/triedb/hashdb"
)

// Options configure the node's storage.
type Options struct {
	CacheMB   int // pebble block cache
	TrieCache int // clean trie node cache, in MB
	Handles   int // open files
}

// DefaultOptions are the storage settings of a node with no configuration.
func DefaultOptions() Options { return Options{CacheMB: 128, TrieCache: 128, Handles: 512} }

// Head is the last durable height: what Info reports after a restart.
type Head struct {
	Height    uint64      // CometBFT height (= Ethereum block number)
	BlockHash common.Hash // Ethereum block hash, which is the app hash
}

// headKey holds the head marker. It is written last in each height's batch.
var headKey = []byte("redmx-head")

// DB is the node's store.
type DB struct {
	kv    ethdb.Database
	trie  *triedb.Database
	state state.Database
}

// Open opens (or creates) the store in dir.
func Open(dir string, opts Options) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if opts.CacheMB < 16 {
		opts.CacheMB = 16
	}
	if opts.Handles < 64 {
		opts.Handles = 64
	}
	kvs, err := pebble.New(filepath.Join(dir, "chaindata"), opts.CacheMB, opts.Handles, "redmx/db/", false)
	if err != nil {
		return nil, fmt.Errorf("open database in %s: %w", dir, err)
	}
	return openKV(kvs, opts), nil
}

// OpenMemory returns a store held in memory, for tests and benchmarks.
func OpenMemory() *DB {
	return openKV(nil, DefaultOptions())
}

func openKV(kvs ethdb.KeyValueStore, opts Options) *DB {
	var kv ethdb.Database
	if kvs == nil {
		kv = rawdb.NewMemoryDatabase()
	} else {
		kv = rawdb.NewDatabase(kvs)
	}
	tdb := triedb.NewDatabase(kv, &triedb.Config{HashDB: &hashdb.Config{CleanCacheSize: opts.TrieCache * 1024 * 1024}})
	return &DB{kv: kv, trie: tdb, state: state.NewDatabase(tdb, state.NewCodeDB(kv))}
}

// KV is the key-value store holding the chain index.
func (db *DB) KV() ethdb.Database { return db.kv }

// State is the state database (tries and code).
func (db *DB) State() state.Database { return db.state }

// StateAt opens the state with the given root.
func (db *DB) StateAt(root common.Hash) (*state.StateDB, error) {
	return state.New(root, db.state)
}

// HasState reports whether the state with this root is on disk.
func (db *DB) HasState(root common.Hash) bool {
	_, err := db.state.OpenTrie(root)
	return err == nil
}

// Head returns the last durable height; ok is false for a store that has not
// finished a height yet.
func (db *DB) Head() (Head, bool, error) {
	v, err := db.kv.Get(headKey)
	if err != nil {
		if ok, _ := db.kv.Has(headKey); !ok {
			return Head{}, false, nil
		}
		return Head{}, false, err
	}
	if len(v) != 8+common.HashLength {
		return Head{}, false, errors.New("store: corrupt head marker")
	}
	return Head{Height: binary.BigEndian.Uint64(v), BlockHash: common.BytesToHash(v[8:])}, true, nil
}

// CommitTrie writes the nodes of the state with this root (handed to the trie
// database by StateDB.Commit) to disk. It is the first step of a height.
func (db *DB) CommitTrie(root common.Hash) error {
	return db.trie.Commit(root, false)
}

// CommitHeight makes a height durable: writeIndex adds the chain index to a
// batch, the head marker goes last in the same batch, and one sync follows.
// The state of the height must already be written by CommitTrie.
func (db *DB) CommitHeight(head Head, writeIndex func(ethdb.KeyValueWriter)) error {
	b := db.kv.NewBatch()
	writeIndex(b)
	v := make([]byte, 8+common.HashLength)
	binary.BigEndian.PutUint64(v, head.Height)
	copy(v[8:], head.BlockHash[:])
	if err := b.Put(headKey, v); err != nil {
		return err
	}
	if err := b.Write(); err != nil {
		return fmt.Errorf("store: write height %d: %w", head.Height, err)
	}
	if err := db.kv.SyncKeyValue(); err != nil {
		return fmt.Errorf("store: sync height %d: %w", head.Height, err)
	}
	return nil
}

// Close flushes and closes the store.
func (db *DB) Close() error {
	err := db.trie.Close()
	if cerr := db.kv.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteIndex writes a batch that does not move the head (the genesis block),
// and syncs it.
func (db *DB) WriteIndex(write func(ethdb.KeyValueWriter)) error {
	b := db.kv.NewBatch()
	write(b)
	if err := b.Write(); err != nil {
		return err
	}
	return db.kv.SyncKeyValue()
}
