package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/ethereum/go-ethereum/triedb/database"

	"github.com/redmx/redmx/internal/settings"
)

// Defaults of [SnapshotOptions].
const (
	// DefaultSnapshotInterval is about ten minutes of blocks at the idle
	// block rate (one every ~0.6 s): a node that joins from the newest
	// snapshot replays at most that many blocks after restoring it, while
	// the export of a state of a few hundred MB every ten minutes costs
	// little of a core.
	DefaultSnapshotInterval = 1000
	// DefaultSnapshotKeep keeps the newest snapshot and the one before, which
	// peers may still be fetching when a new one is written.
	DefaultSnapshotKeep = 2
)

// SnapshotOptions is the [redmx.snapshot] section of config.toml: the state
// snapshots this node writes and serves to nodes joining by state sync.
type SnapshotOptions struct {
	Interval uint64 `toml:"interval" comment:"Every this many heights, write a snapshot of the state (in the background, under data/snapshots) that nodes joining by state sync restore from (0: write none; this node can still join from others' snapshots)."`
	Keep     int    `toml:"keep" comment:"Snapshots kept on disk; older ones are deleted (at least 1)."`
}

// DefaultSnapshotOptions are the snapshot settings of a node with no
// configuration.
func DefaultSnapshotOptions() SnapshotOptions {
	return SnapshotOptions{Interval: DefaultSnapshotInterval, Keep: DefaultSnapshotKeep}
}

// ValidateBasic reports the first bad value, as a *settings.Error naming its
// key.
func (o SnapshotOptions) ValidateBasic() error {
	if o.Keep < 1 {
		return settings.Errorf("keep", "must be at least 1, got %d", o.Keep)
	}
	return nil
}

// StateVisitor receives a state in the trie's order: each account by the
// hash of its address, then its storage slots by the hash of their key.
type StateVisitor interface {
	Account(hash common.Hash, acct *types.StateAccount, code []byte) error
	// Slot is a storage slot of the last account: its RLP-encoded value.
	Slot(hash common.Hash, value []byte) error
}

// maxReaderSwitches bounds how often an export re-resolves the state it
// reads when the trie database moves it (a newer height flattened, or
// flushed to disk); each switch reads the same state from another place.
// readerWait bounds the wait for the trie node history to index a state
// that just left the in-memory layers.
const (
	maxReaderSwitches = 16
	readerWait        = time.Minute
)

// exportReader reads the trie nodes of one state root wherever the trie
// database holds them as the chain moves on under a long export: first in the
// live layers, then, once those are flattened, from the trie node history.
type exportReader struct {
	ctx  context.Context
	db   *DB
	root common.Hash
	cur  database.NodeReader
}

func (r *exportReader) NodeReader(root common.Hash) (database.NodeReader, error) {
	if root != r.root {
		return nil, fmt.Errorf("store: export of %s asked for state %s", r.root, root)
	}
	return r, nil
}

// resolve finds where the root's nodes are now, waiting a while for the
// history to index a state the live layers just let go.
func (r *exportReader) resolve() error {
	deadline := time.Now().Add(readerWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		live, err := r.db.trie.NodeReader(r.root)
		if err == nil {
			r.cur = live
			return nil
		}
		old, herr := r.db.trie.HistoricNodeReader(r.root)
		if herr == nil {
			r.cur = old
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("store: state %s is no longer readable: %v; %v", r.root, err, herr)
		}
		select {
		case <-r.ctx.Done():
			return r.ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (r *exportReader) Node(owner common.Hash, path []byte, hash common.Hash) ([]byte, error) {
	var lastErr error
	for range maxReaderSwitches {
		if r.cur == nil {
			if err := r.resolve(); err != nil {
				return nil, err
			}
		}
		blob, err := r.cur.Node(owner, path, hash)
		if err == nil && len(blob) > 0 && crypto.Keccak256Hash(blob) == hash {
			return blob, nil
		}
		if err == nil {
			err = fmt.Errorf("trie node %x of %x missing", path, owner)
		}
		lastErr, r.cur = err, nil
	}
	return nil, lastErr
}

// ExportState calls v with every account and storage slot of the state with
// this root. It reads only, and may run beside block execution: the state
// stays readable from the trie node history once newer heights replace it in
// memory, for as long as the history keeps it ([Options.StateHistory]).
func (db *DB) ExportState(ctx context.Context, root common.Hash, v StateVisitor) error {
	nodes := &exportReader{ctx: ctx, db: db, root: root}
	accounts, err := trie.New(trie.StateTrieID(root), nodes)
	if err != nil {
		return fmt.Errorf("store: open state %s: %w", root, err)
	}
	ait, err := accounts.NodeIterator(nil)
	if err != nil {
		return err
	}
	it := trie.NewIterator(ait)
	for it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		hash := common.BytesToHash(it.Key)
		acct, err := types.FullAccount(it.Value)
		if err != nil {
			return fmt.Errorf("store: account %s: %w", hash, err)
		}
		var code []byte
		if ch := common.BytesToHash(acct.CodeHash); ch != types.EmptyCodeHash {
			if code = rawdb.ReadCode(db.kv, ch); len(code) == 0 {
				return fmt.Errorf("store: code %s of account %s missing", ch, hash)
			}
		}
		if err := v.Account(hash, acct, code); err != nil {
			return err
		}
		if acct.Root == types.EmptyRootHash {
			continue
		}
		st, err := trie.New(trie.StorageTrieID(root, hash, acct.Root), nodes)
		if err != nil {
			return fmt.Errorf("store: storage of %s: %w", hash, err)
		}
		sit, err := st.NodeIterator(nil)
		if err != nil {
			return err
		}
		slots := trie.NewIterator(sit)
		for slots.Next() {
			if err := v.Slot(common.BytesToHash(slots.Key), slots.Value); err != nil {
				return err
			}
		}
		if slots.Err != nil {
			return fmt.Errorf("store: storage of %s: %w", hash, slots.Err)
		}
	}
	if it.Err != nil {
		return fmt.Errorf("store: state %s: %w", root, it.Err)
	}
	return nil
}

// Errors of a state restore: the data given does not make the state it
// claims. The restore is then abandoned; a new one starts over.
var (
	ErrRestoreOrder = errors.New("store: state restore: keys out of order")
	ErrRestoreData  = errors.New("store: state restore: bad data")
	ErrRestoreRoot  = errors.New("store: state restore: root mismatch")
)

// StateRestore rebuilds a state from its accounts and storage, given in the
// trie's order ([StateVisitor]), into an empty store: it writes the trie nodes
// and the flat state straight to disk, holding only the trie's right edge in
// memory, and checks each account's storage root and, at the end, the state
// root. Make one with [DB.BeginRestore].
type StateRestore struct {
	db       *DB
	batch    ethdb.Batch
	accounts *trie.StackTrie

	// The account whose storage is being given.
	open     bool
	acct     *types.StateAccount
	acctHash common.Hash
	storage  *trie.StackTrie
	lastSlot common.Hash
	slots    int
}

// BeginRestore starts rebuilding a state, for a node that has none yet (see
// the app's state sync): it disables the trie database until
// [StateRestore.Finish] and deletes any state a restore that was abandoned
// left on disk.
func (db *DB) BeginRestore() (*StateRestore, error) {
	if _, ok, err := db.Head(); err != nil || ok {
		if err == nil {
			err = errors.New("store: a state restore needs an empty store; this one has a head")
		}
		return nil, err
	}
	// Disabled until Finish: a restart in between finds it so, and the
	// node must start over from an empty data directory.
	if rawdb.ReadSnapSyncStatusFlag(db.kv) != rawdb.StateSyncRunning {
		if err := db.trie.Disable(); err != nil {
			return nil, fmt.Errorf("store: disable the trie database for a restore: %w", err)
		}
	}
	if err := db.wipeState(); err != nil {
		return nil, err
	}
	r := &StateRestore{db: db, batch: db.kv.NewBatch()}
	r.accounts = trie.NewStackTrie(func(path []byte, _ common.Hash, blob []byte) {
		rawdb.WriteAccountTrieNode(r.batch, common.CopyBytes(path), common.CopyBytes(blob))
	})
	return r, nil
}

// wipeState deletes the trie nodes and flat state on disk, which only an
// abandoned restore or a genesis (before any height) can have left.
func (db *DB) wipeState() error {
	b := db.kv.NewBatch()
	for _, prefix := range [][]byte{rawdb.TrieNodeAccountPrefix, rawdb.TrieNodeStoragePrefix, rawdb.SnapshotAccountPrefix, rawdb.SnapshotStoragePrefix} {
		it := db.kv.NewIterator(prefix, nil)
		for it.Next() {
			k := it.Key()
			flat := (prefix[0] == rawdb.SnapshotAccountPrefix[0] && len(k) == 1+common.HashLength) ||
				(prefix[0] == rawdb.SnapshotStoragePrefix[0] && len(k) == 1+2*common.HashLength)
			if !flat && !rawdb.IsAccountTrieNode(k) && !rawdb.IsStorageTrieNode(k) {
				continue
			}
			if err := b.Delete(common.CopyBytes(k)); err != nil {
				it.Release()
				return err
			}
			if b.ValueSize() >= ethdb.IdealBatchSize {
				if err := b.Write(); err != nil {
					it.Release()
					return err
				}
				b.Reset()
			}
		}
		err := it.Error()
		it.Release()
		if err != nil {
			return err
		}
	}
	return b.Write()
}

// Account adds the next account. Its storage follows with [StateRestore.Slot].
func (r *StateRestore) Account(hash common.Hash, acct *types.StateAccount, code []byte) error {
	if r.open {
		if bytes.Compare(hash[:], r.acctHash[:]) <= 0 {
			return fmt.Errorf("%w: account %s after %s", ErrRestoreOrder, hash, r.acctHash)
		}
		if err := r.closeAccount(); err != nil {
			return err
		}
	}
	if acct == nil || acct.Balance == nil || len(acct.CodeHash) != common.HashLength {
		return fmt.Errorf("%w: account %s incomplete", ErrRestoreData, hash)
	}
	codeHash := common.BytesToHash(acct.CodeHash)
	switch {
	case codeHash == types.EmptyCodeHash:
		if len(code) > 0 {
			return fmt.Errorf("%w: account %s has code but an empty code hash", ErrRestoreData, hash)
		}
	case len(code) > 0:
		if crypto.Keccak256Hash(code) != codeHash {
			return fmt.Errorf("%w: code of account %s does not hash to %s", ErrRestoreData, hash, codeHash)
		}
		rawdb.WriteCode(r.batch, codeHash, code)
	case !rawdb.HasCode(r.db.kv, codeHash) && !r.batchHasCode(codeHash):
		return fmt.Errorf("%w: code %s of account %s not given", ErrRestoreData, codeHash, hash)
	}
	r.open, r.acctHash, r.lastSlot, r.slots = true, hash, common.Hash{}, 0
	r.acct = &types.StateAccount{Nonce: acct.Nonce, Balance: acct.Balance.Clone(), Root: acct.Root, CodeHash: codeHash.Bytes()}
	owner := hash
	r.storage = trie.NewStackTrie(func(path []byte, _ common.Hash, blob []byte) {
		rawdb.WriteStorageTrieNode(r.batch, owner, common.CopyBytes(path), common.CopyBytes(blob))
	})
	return r.flush(false)
}

// batchHasCode reports whether code with this hash waits in the batch: the
// batch is written before anything reads the store, so look there.
func (r *StateRestore) batchHasCode(hash common.Hash) bool {
	if err := r.flush(true); err != nil {
		return false
	}
	return rawdb.HasCode(r.db.kv, hash)
}

// Slot adds a storage slot of the last account, its value RLP-encoded as in
// the trie.
func (r *StateRestore) Slot(hash common.Hash, value []byte) error {
	if !r.open {
		return fmt.Errorf("%w: storage slot before any account", ErrRestoreData)
	}
	if r.slots > 0 && bytes.Compare(hash[:], r.lastSlot[:]) <= 0 {
		return fmt.Errorf("%w: slot %s after %s in account %s", ErrRestoreOrder, hash, r.lastSlot, r.acctHash)
	}
	// A slot holds a non-zero word: RLP of at most 32 bytes, no leading zero.
	if _, content, rest, err := rlp.Split(value); err != nil || len(rest) > 0 || len(content) == 0 || len(content) > 32 || content[0] == 0 {
		return fmt.Errorf("%w: slot %s of account %s has a bad value", ErrRestoreData, hash, r.acctHash)
	}
	if err := r.storage.Update(hash[:], value); err != nil {
		return fmt.Errorf("%w: %v", ErrRestoreData, err)
	}
	rawdb.WriteStorageSnapshot(r.batch, r.acctHash, hash, common.CopyBytes(value))
	r.lastSlot = hash
	r.slots++
	return r.flush(false)
}

// closeAccount checks the open account's storage root and adds it to the
// account trie and the flat state.
func (r *StateRestore) closeAccount() error {
	root := types.EmptyRootHash
	if r.slots > 0 {
		root = r.storage.Hash()
	}
	if root != r.acct.Root {
		return fmt.Errorf("%w: storage of account %s makes root %s, the account says %s", ErrRestoreRoot, r.acctHash, root, r.acct.Root)
	}
	full, err := rlp.EncodeToBytes(r.acct)
	if err != nil {
		return err
	}
	if err := r.accounts.Update(r.acctHash[:], full); err != nil {
		return fmt.Errorf("%w: %v", ErrRestoreData, err)
	}
	rawdb.WriteAccountSnapshot(r.batch, r.acctHash, types.SlimAccountRLP(*r.acct))
	r.open, r.storage = false, nil
	return nil
}

// flush writes the batch once it is large, or always if force.
func (r *StateRestore) flush(force bool) error {
	if !force && r.batch.ValueSize() < ethdb.IdealBatchSize {
		return nil
	}
	if err := r.batch.Write(); err != nil {
		return fmt.Errorf("store: state restore: %w", err)
	}
	r.batch.Reset()
	return nil
}

// Finish checks that the state given has this root, writes the rest to disk
// and makes it the trie database's state. On an error the restore is
// abandoned.
func (r *StateRestore) Finish(root common.Hash) error {
	if r.open {
		if err := r.closeAccount(); err != nil {
			return err
		}
	}
	if got := r.accounts.Hash(); got != root {
		return fmt.Errorf("%w: the accounts make state root %s, want %s", ErrRestoreRoot, got, root)
	}
	if err := r.flush(true); err != nil {
		return err
	}
	if err := r.db.kv.SyncKeyValue(); err != nil {
		return err
	}
	if err := r.db.trie.AdoptSyncedState(root); err != nil {
		return fmt.Errorf("store: adopt the restored state %s: %w", root, err)
	}
	return nil
}

// CommitRestored records the height a restored state belongs to:
// writeIndex adds its chain index, from height lowest up, the head marker
// goes last in the same batch, and one sync follows. Info then reports this
// height, and pruning starts from lowest, not from block 1.
func (db *DB) CommitRestored(head Head, lowest uint64, writeIndex func(ethdb.KeyValueWriter)) error {
	if !db.HasState(head.Root) {
		return fmt.Errorf("store: restored height %d: state %s is not the store's", head.Height, head.Root)
	}
	b := db.kv.NewBatch()
	writeIndex(b)
	if lowest > 1 {
		if err := b.Put(tailKey, binary.BigEndian.AppendUint64(nil, lowest)); err != nil {
			return err
		}
	}
	if err := putHead(b, head); err != nil {
		return err
	}
	if err := b.Write(); err != nil {
		return fmt.Errorf("store: write restored height %d: %w", head.Height, err)
	}
	return db.kv.SyncKeyValue()
}
