package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/pebble"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/ethereum/go-ethereum/triedb/pathdb"

	"github.com/redmx/redmx/internal/failpoint"
	"github.com/redmx/redmx/internal/settings"
	"github.com/redmx/redmx/internal/sysmem"
)

// LiveStates is how many of the newest heights' states the trie database
// holds in memory as layers over the state on disk (go-ethereum keeps 128,
// for reorganisations this chain never has). A trie node read that none of
// them holds walks them all before the disk, so fewer make blocks faster
// once the state outgrows the caches; older heights are read from the state
// history.
const LiveStates = 32

// DefaultStateHistory is how many recent blocks' state a node keeps by
// default: a day of blocks at the fastest block rate (one every ~0.6 s).
const DefaultStateHistory = 150_000

// Options is the [redmx.storage] section of config.toml: the node's pebble
// store under data/redmx. Each key's comment tag is its documentation in the
// file `redmx init` writes; fields without a key are fixed for nodes and set
// by tests.
type Options struct {
	CacheMB       int    `toml:"cache_mb" comment:"Pebble block cache of the state and chain index (data/redmx), in MiB (at least 16; 0: a 32nd of the memory the node may use, 32 to 256). Pebble's write-ahead logs are each preallocated to 1.1 × an eighth of it."`
	TrieCacheMB   int    `toml:"trie_cache_mb" comment:"Clean trie node cache and flat state cache of the live state, in MiB each, outside the Go heap (at least 32; 0: a 64th of the memory the node may use, 32 to 64)."`
	StateHistory  uint64 `toml:"state_history" comment:"State of the most recent blocks kept and served at past block numbers (eth_getBalance, eth_call, eth_getProof, …); older state is pruned from disk and asking for it is an error (at least 1). 150000 is about a day of blocks."`
	BlockHistory  uint64 `toml:"block_history" comment:"Blocks kept: CometBFT's blocks and the Ethereum blocks, receipts and transaction index of the most recent heights (at least state_history); older ones are deleted a few at each block, and asking for them answers null. Never fewer than the last 256, the evidence window (evidence.max_age_num_blocks) and what a restart after a crash replays. 1000000 is about a week of blocks."`
	Archive       bool   `toml:"archive" comment:"An archive node: keep every block and the state of every block; overrides block_history and state_history, and keeps proof_history on."`
	ProofHistory  bool   `toml:"proof_history" comment:"Keep the trie nodes of past states too, so that eth_getProof answers at heights below the newest 32 as far back as state_history. They cost about a fifth of block throughput with a million accounts and a fifth more disk; without them, as on geth, such a proof is an error, while balances, code, storage and calls at past heights are served either way. It can be turned off at any time, but not back on for the same data directory: the trie nodes of the past it should prove were not kept."`
	StateLayersMB int    `toml:"state_layers_mb" comment:"The newest states, held in memory as layers over the state on disk, in MiB as the trie database counts them (the Go heap holds about four times that): past this, they are flushed to disk at the next height, whatever persist_every says, so that blocks of many new accounts cannot fill the memory; the write buffer that takes them is as large (at least 16; 0: a 128th of the memory the node may use, 16 to 128)."`
	PersistEvery  uint64 `toml:"persist_every" comment:"Every this many heights, all the state held in memory is flushed to disk, so that a crash costs at most this many heights of replay at restart, however small the blocks (0: only when the write buffer fills; only on an archive node, since pruned blocks must stay beyond what a restart replays)."`
	MinFreeMB     uint64 `toml:"min_free_mb" comment:"Free space, in MiB, below which the node refuses to start, and stops cleanly while running, on the filesystem of the data directory, before a write fails half done (0: no check)."`

	Handles int `toml:"-"` // open files
	// WriteBufferMB bounds the state changes aggregated in memory below the
	// [LiveStates] newest heights before they are written (0: StateLayersMB). At
	// least StateLayersMB, a flush of every layer fills it at most once, so
	// the flush is written in the background instead of waiting for a
	// previous one and the histories it covers.
	WriteBufferMB int `toml:"-"`
}

// minTrieCacheMB is the smallest clean trie or state cache: the cache
// (fastcache) gives each of its 512 buckets at least one 64 KiB chunk.
const minTrieCacheMB = 32

// minStateLayersMB is the least the newest states' layers are sized to from
// the memory: on a 1 GiB node under blocks of new accounts, 16 MiB as
// counted peaked about 100 MiB lower than 32, at no measured cost in
// throughput (performance.md, 2026-12-08).
const minStateLayersMB = 16

// DefaultOptions are the storage settings of a node with no configuration.
func DefaultOptions() Options {
	return Options{Handles: 512, StateHistory: DefaultStateHistory, BlockHistory: DefaultBlockHistory,
		PersistEvery: 2048, MinFreeMB: DefaultMinFreeMB}
}

// ValidateBasic reports the first bad value, as a *settings.Error naming its
// key.
func (o Options) ValidateBasic() error {
	if o.CacheMB != 0 && o.CacheMB < 16 {
		return settings.Errorf("cache_mb", "must be 0 (sized from the host's memory) or at least 16, got %d", o.CacheMB)
	}
	if o.StateLayersMB != 0 && o.StateLayersMB < 16 {
		return settings.Errorf("state_layers_mb", "must be 0 (sized from the host's memory) or at least 16, got %d", o.StateLayersMB)
	}
	if o.TrieCacheMB != 0 && o.TrieCacheMB < minTrieCacheMB {
		return settings.Errorf("trie_cache_mb", "must be 0 (sized from the host's memory) or at least %d, got %d", minTrieCacheMB, o.TrieCacheMB)
	}
	if o.Archive {
		return nil
	}
	if o.StateHistory == 0 {
		return settings.Errorf("state_history", "must be at least 1 (set redmx.storage.archive = true to keep every block's state)")
	}
	if o.BlockHistory == 0 {
		return settings.Errorf("block_history", "must be at least 1 (set redmx.storage.archive = true to keep every block)")
	}
	if o.PersistEvery == 0 {
		return settings.Errorf("persist_every", "must be at least 1 unless archive = true: blocks are pruned only below the state flushed to disk, which a restart after a crash replays from")
	}
	return nil
}

// Blocks is how many recent blocks the node keeps; 0 keeps all.
func (o Options) Blocks() uint64 {
	if o.Archive {
		return 0
	}
	return max(o.BlockHistory, o.StateHistory)
}

// Sized returns o with the memory it leaves to the host (CacheMB,
// TrieCacheMB and StateLayersMB 0) sized from total, the bytes of memory the
// node may use (0: unknown, sized as on a large host): a 32nd of it for
// pebble's cache (32–256 MiB), a 64th for each of the clean trie and state
// caches (32–64 MiB), so that a 2 GiB host spends 64 + 2 × 32 MiB, and a
// 128th for the newest states' layers (16–128 MiB as counted, about four
// times that in the Go heap), as much again for the write buffer they are
// flushed through.
func (o Options) Sized(total uint64) Options {
	mib := int(min(total>>20, 1<<20))
	if o.CacheMB == 0 {
		o.CacheMB = 256
		if total > 0 {
			o.CacheMB = min(max(mib/32, 32), 256)
		}
	}
	if o.TrieCacheMB == 0 {
		o.TrieCacheMB = 64
		if total > 0 {
			o.TrieCacheMB = min(max(mib/64, minTrieCacheMB), 64)
		}
	}
	if o.StateLayersMB == 0 {
		o.StateLayersMB = 128
		if total > 0 {
			o.StateLayersMB = min(max(mib/128, minStateLayersMB), 128)
		}
	}
	return o
}

// history is how many recent blocks' state is kept; 0 keeps all.
func (o Options) history() uint64 {
	if o.Archive {
		return 0
	}
	return o.StateHistory
}

// Head is the newest height whose chain index is written: what Info reports,
// once [DB.Rewind] has matched it with the state on disk.
type Head struct {
	Height    uint64      // CometBFT height (= Ethereum block number)
	BlockHash common.Hash // Ethereum block hash, which is the app hash
	Root      common.Hash // state root of the block
}

// headKey holds the head marker. It is written last in each height's batch.
var headKey = []byte("redmx-head")

const headSize = 8 + 2*common.HashLength

// ErrWrongScheme is returned for a data directory written with another trie
// scheme.
var ErrWrongScheme = errors.New("store: state was written with another trie scheme")

// Format is the version of what a data directory holds: the layout of the
// state (governance's storage among it) and of the chain index. Bump it with
// any change that makes an older directory unreadable; such a directory is
// then refused with [ErrOldFormat] instead of being read wrongly.
//
//	1  until governance's sets became linked lists (none written)
//	2  governance's sets as linked lists, paginated views; a meeting's own
//	   quorum and secretary attendance
//	3  the liveness review: its parameters in the genesis state, its
//	   windows per validator
//	4  governance part 2: new parameters in the genesis state, terms queued
//	   by their end from genesis, collectives' capital budgets and committed
//	   capital
//	5  governance part 3: new parameters in the genesis state
//	   (formationPeriod, reportMonth), a record's making time in its kind's
//	   word, the node reports' counters per validator
const Format uint64 = 5

// formatKey holds the [Format] a data directory was written with.
var formatKey = []byte("redmx-format")

// ErrOldFormat is returned for a data directory written in another [Format].
var ErrOldFormat = errors.New("store: the data directory was written by another version of redmx")

// DB is the node's store.
type DB struct {
	kv       ethdb.Database
	trie     *triedb.Database
	state    state.Database
	historic state.Database
	history  uint64
	persist  uint64
	layers   common.StorageSize // flatten when the in-memory layers exceed it (0: never)
	// layersBytes is the in-memory layers' size after the last height.
	layersBytes atomic.Uint64

	// Flattens of the state to disk, for [DB.DurableHeight]; touched only
	// by CommitHeight and DurableHeight, which the app's Commit serialises.
	flushed *flush
	durable uint64
}

// Open opens (or creates) the store in dir.
func Open(dir string, opts Options) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	total, _ := sysmem.Total()
	opts = opts.Sized(total)
	if opts.CacheMB < 16 {
		opts.CacheMB = 16
	}
	if opts.Handles < 64 {
		opts.Handles = 64
	}
	kvs, err := pebble.New(filepath.Join(dir, "chaindata"), opts.CacheMB, opts.Handles, "redmx/db/", false)
	if errors.Is(err, syscall.EAGAIN) { // the lock (fcntl), held by another process
		return nil, fmt.Errorf("open database in %s: %w: another process has it open (a node of this home still running, or still stopping after a stop: wait for it to exit)", dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open database in %s: %w", dir, err)
	}
	db, err := openKV(kvs, filepath.Join(dir, "ancient"), opts)
	if err != nil {
		kvs.Close()
		return nil, err
	}
	return db, nil
}

// OpenMemory returns a store held in memory, for tests and benchmarks.
func OpenMemory() *DB {
	return OpenMemoryWith(DefaultOptions())
}

// OpenMemoryWith returns a store held in memory with these options.
func OpenMemoryWith(opts Options) *DB {
	db, err := openKV(nil, "", opts.Sized(0))
	if err != nil {
		panic(err) // an empty memory store always opens
	}
	return db
}

// stateFreezerDB gives pathdb a directory for its state history freezers
// (an empty one means in memory) without opening geth's chain freezer, which
// would move old blocks out of the chain index.
type stateFreezerDB struct {
	ethdb.Database
	dir string
}

func (d stateFreezerDB) AncientDatadir() (string, error) { return d.dir, nil }

func openKV(kvs ethdb.KeyValueStore, ancient string, opts Options) (*DB, error) {
	if kvs == nil {
		kvs = rawdb.NewMemoryDatabase()
	}
	kv := stateFreezerDB{rawdb.NewDatabase(kvs), ancient}
	scheme := rawdb.ReadStateScheme(kv)
	if scheme != "" && scheme != rawdb.PathScheme {
		return nil, fmt.Errorf("%w: %s; this node needs a new data directory (a devnet: run redmx devnet --reset)", ErrWrongScheme, scheme)
	}
	if err := checkFormat(kv, scheme != ""); err != nil {
		return nil, err
	}
	proofs := opts.Archive || opts.ProofHistory
	if err := checkProofHistory(kv, scheme != "", proofs); err != nil {
		return nil, err
	}
	trienodes := int64(-1) // none
	if proofs {
		trienodes = int64(opts.history())
	}
	if opts.WriteBufferMB <= 0 {
		opts.WriteBufferMB = max(opts.StateLayersMB, 16)
	}
	tdb := triedb.NewDatabase(kv, &triedb.Config{PathDB: &pathdb.Config{
		TrieCleanSize:   opts.TrieCacheMB * 1024 * 1024,
		StateCleanSize:  opts.TrieCacheMB * 1024 * 1024,
		WriteBufferSize: opts.WriteBufferMB * 1024 * 1024,
		// 0 keeps every history, as archive mode wants. Trie node history
		// serves proofs at heights below the in-memory layers.
		StateHistory:        opts.history(),
		TrienodeHistory:     trienodes,
		FullValueCheckpoint: 8,
		EnableStateIndexing: true,
		DiffLayers:          LiveStates,
		// Index as histories are written, whatever the age of the head
		// block: geth waits for a synced chain, judged by the wall clock.
		NoHistoryIndexDelay: true,
	}})
	codes := state.NewCodeDB(kv)
	return &DB{
		kv:       kv,
		trie:     tdb,
		state:    state.NewDatabase(tdb, codes),
		historic: state.NewHistoricDatabase(tdb, codes),
		history:  opts.history(),
		persist:  opts.PersistEvery,
		layers:   common.StorageSize(opts.StateLayersMB) * 1024 * 1024,
	}, nil
}

// KV is the key-value store holding the chain index.
func (db *DB) KV() ethdb.Database { return db.kv }

// State is the state database of the states held live (the [LiveStates] newest
// heights and the disk layer), the ones blocks execute on.
func (db *DB) State() state.Database { return db.state }

// StateHistory is how many recent blocks' state the store keeps (0: all).
func (db *DB) StateHistory() uint64 { return db.history }

// StateAt opens the live state with the given root.
func (db *DB) StateAt(root common.Hash) (*state.StateDB, error) {
	return state.New(root, db.state)
}

// HistoricStateAt opens, read only, a state older than the live ones from
// the state history.
func (db *DB) HistoricStateAt(root common.Hash) (*state.StateDB, error) {
	return state.New(root, db.historic)
}

// HistoricState is the state database over the state history.
func (db *DB) HistoricState() state.Database { return db.historic }

// HasState reports whether the state with this root is live: on disk or in
// the layers a clean close journals.
func (db *DB) HasState(root common.Hash) bool {
	_, err := db.trie.StateReader(root)
	return err == nil
}

// Head returns the newest height written; ok is false for a store that has
// not finished a height yet.
func (db *DB) Head() (Head, bool, error) {
	v, err := db.kv.Get(headKey)
	if err != nil {
		if ok, _ := db.kv.Has(headKey); !ok {
			return Head{}, false, nil
		}
		return Head{}, false, err
	}
	if len(v) != headSize {
		return Head{}, false, errors.New("store: corrupt head marker")
	}
	return Head{
		Height:    binary.BigEndian.Uint64(v),
		BlockHash: common.BytesToHash(v[8:40]),
		Root:      common.BytesToHash(v[40:]),
	}, true, nil
}

func putHead(w ethdb.KeyValueWriter, head Head) error {
	v := make([]byte, headSize)
	binary.BigEndian.PutUint64(v, head.Height)
	copy(v[8:40], head.BlockHash[:])
	copy(v[40:], head.Root[:])
	return w.Put(headKey, v)
}

// CommitGenesis writes the genesis state, handed to the trie database by
// StateDB.Commit, to disk, so that every later restart finds a state on disk
// to replay from.
func (db *DB) CommitGenesis(root common.Hash) error {
	failpoint.Hit(failpoint.GenesisState, 0)
	if err := db.trie.Commit(root, false); err != nil {
		return err
	}
	db.hitAfterFlush(failpoint.GenesisFlattened, 0, root)
	return nil
}

// CommitHeight records a height whose state StateDB.Commit has handed to the
// trie database: writeIndex adds the chain index to a batch, the head marker
// goes last in the same batch, and one sync follows. The newest states stay
// in memory (see the package doc); after a crash the app moves the marker
// back with [DB.Rewind] to the newest height whose state survived.
//
// Every [Options.PersistEvery] heights the state layers are then flattened
// to disk, after the sync: the state on disk must never be newer than the
// marker, since recovery walks back from the marker and the trie database
// keeps no older state live once it has flattened.
func (db *DB) CommitHeight(head Head, writeIndex func(ethdb.KeyValueWriter)) error {
	b := db.kv.NewBatch()
	writeIndex(b)
	if err := putHead(b, head); err != nil {
		return err
	}
	if err := b.Write(); err != nil {
		return fmt.Errorf("store: write height %d: %w", head.Height, err)
	}
	failpoint.Hit(failpoint.IndexWritten, head.Height)
	if err := db.kv.SyncKeyValue(); err != nil {
		return fmt.Errorf("store: sync height %d: %w", head.Height, err)
	}
	failpoint.Hit(failpoint.HeadSynced, head.Height)
	// The layers' count is bounded ([LiveStates]) but not their size: blocks of
	// transfers to new accounts make large layers, hence the size bound.
	diffs, _, _ := db.trie.Size()
	if db.persist > 0 && head.Height%db.persist == 0 || db.layers > 0 && diffs > db.layers {
		// Flattens the in-memory layers into the disk layer: older heights
		// are then read from the state history, and a reader still on one
		// of those layers gets an error (never a wrong value) and retries.
		if err := db.trie.Commit(head.Root, false); err != nil {
			return fmt.Errorf("store: persist state of height %d: %w", head.Height, err)
		}
		db.flushed = &flush{height: head.Height, root: head.Root}
		db.hitAfterFlush(failpoint.StateFlattened, head.Height, head.Root)
		diffs = 0 // every layer is in the disk layer now
	}
	db.layersBytes.Store(uint64(diffs))
	return nil
}

// StateLayersBytes is what the newest states held in memory amounted to
// after the last height, as the trie database counts them.
func (db *DB) StateLayersBytes() uint64 { return db.layersBytes.Load() }

// hitAfterFlush hits point once the state root is on disk, when the point is
// armed: the trie database writes a flattened state in the background, and
// the crash that matters is the one after that write.
func (db *DB) hitAfterFlush(point string, height uint64, root common.Hash) {
	if !failpoint.Armed(point, height) {
		return
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if crypto.Keccak256Hash(rawdb.ReadAccountTrieNode(db.kv, nil)) == root {
			break
		}
	}
	_ = db.kv.SyncKeyValue()
	failpoint.Hit(point, height)
}

// Rewind moves the head marker back to a height whose state is live, after a
// crash lost the newer states; ok false removes it (only genesis survived,
// and InitChain runs again). The chain index above stays and is rewritten,
// with the same blocks, as CometBFT replays them.
func (db *DB) Rewind(head Head, ok bool) error {
	var err error
	if ok {
		err = putHead(db.kv, head)
	} else {
		err = db.kv.Delete(headKey)
	}
	if err != nil {
		return fmt.Errorf("store: rewind to height %d: %w", head.Height, err)
	}
	return db.kv.SyncKeyValue()
}

// RollBack moves the state on disk back to root, a height below it, by
// applying the state history in reverse; ok is false when root is not below
// the state on disk or its history is gone. It repairs a store whose state
// on disk is newer than its head marker, which versions that flushed state
// before writing the marker could leave after a crash.
func (db *DB) RollBack(root common.Hash) (ok bool, err error) {
	if ok, err := db.trie.Recoverable(root); err != nil || !ok {
		return false, err
	}
	if err := db.trie.Recover(root); err != nil {
		return false, fmt.Errorf("store: roll the state back to %s: %w", root, err)
	}
	return true, nil
}

// NoStateOnDisk reports whether no state was ever flushed to disk: the disk
// layer is the empty state, as after a crash before the genesis state's
// background flush landed.
func (db *DB) NoStateOnDisk() bool {
	return rawdb.ReadAccountTrieNode(db.kv, nil) == nil
}

// Close journals the state layers held in memory, so that a restart finds
// every height, and closes the store.
func (db *DB) Close() error {
	var err error
	if head, ok, herr := db.Head(); herr == nil && ok && db.HasState(head.Root) {
		err = db.trie.Journal(head.Root)
	}
	return errors.Join(err, db.close())
}

// Discard closes the store as a crash would leave it: the state layers held
// in memory are not journaled. For tests of recovery.
func (db *DB) Discard() error { return db.close() }

func (db *DB) close() error {
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
	if err := db.kv.SyncKeyValue(); err != nil {
		return err
	}
	failpoint.Hit(failpoint.GenesisIndexed, 0)
	return nil
}

// proofHistoryKey records whether the store keeps trie-node history:
// 1 or 0. Stores from before it was recorded kept it.
var proofHistoryKey = []byte("redmx-proof-history")

// ErrProofHistory is proof_history turned on for a store kept without it.
var ErrProofHistory = errors.New("storage.proof_history is on, but this data directory was kept without it: the trie nodes of its past states are gone")

// checkProofHistory records whether the store keeps trie-node history, and
// refuses to start keeping it again once it stopped: the history would have
// a gap, which the trie database refuses at every start after.
func checkProofHistory(kv ethdb.KeyValueStore, used, want bool) error {
	had := true // a store from before the record kept it
	if b, err := kv.Get(proofHistoryKey); err == nil && len(b) == 1 {
		had = b[0] == 1
	} else if !used {
		had = want
	}
	if want && !had {
		return fmt.Errorf("%w; turn it off, or start this node from a new data directory (state sync; a devnet: redmx devnet --reset)", ErrProofHistory)
	}
	v := byte(0)
	if want {
		v = 1
	}
	return kv.Put(proofHistoryKey, []byte{v})
}

// checkFormat refuses a directory that holds state in another [Format], and
// marks a new one with this one.
func checkFormat(kv ethdb.KeyValueStore, used bool) error {
	var have uint64 = 1 // directories from before the format was written
	if b, err := kv.Get(formatKey); err == nil && len(b) == 8 {
		have = binary.BigEndian.Uint64(b)
	} else if !used {
		return kv.Put(formatKey, binary.BigEndian.AppendUint64(nil, Format))
	}
	if have != Format {
		return fmt.Errorf("%w (data format %d, this redmx reads format %d): this node needs a new data directory (a devnet: run redmx devnet --reset)", ErrOldFormat, have, Format)
	}
	return nil
}
