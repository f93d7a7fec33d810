package app_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb/memorydb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
)

// recipient receives 1 wei in every block, so its balance at height n is n.
var recipient = common.HexToAddress("0x00000000000000000000000000000000000c0ffe")

// grow adds n blocks to h, each with one transfer of 1 wei to recipient.
func grow(h *harness, n int) {
	h.t.Helper()
	key := ethtest.DevKey(1)
	for range n {
		nonce := h.app.pool.Nonce(ethtest.Address(key))
		mustAdd(h.t, h, ethtest.Transfer(key, chainID, nonce, recipient, big.NewInt(1)))
		if fin := h.block(); len(fin.TxResults) != 1 || fin.TxResults[0].Code != 0 {
			h.t.Fatalf("height %d: transfer not mined: %+v", h.height, fin.TxResults)
		}
	}
}

// stateAt opens the state after h. The history indexers start in the
// background when the store opens and refuse reads until their first pass,
// which geth may hold back up to 15 s, so a read below the live layers is
// retried until a deadline.
func stateAt(t *testing.T, a *built, h *types.Header) (*state.StateDB, error) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for {
		st, err := a.StateAt(h)
		if err == nil || errors.Is(err, app.ErrStatePruned) || time.Now().After(deadline) {
			return st, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// balanceAt is recipient's balance after block n, read through App.StateAt.
func balanceAt(t *testing.T, a *built, n uint64) (uint64, error) {
	t.Helper()
	h := a.chain.HeaderByNumber(n)
	if h == nil {
		t.Fatalf("no block %d", n)
	}
	st, err := stateAt(t, a, h)
	if err != nil {
		return 0, err
	}
	b := st.GetBalance(recipient).Uint64()
	if err := st.Error(); err != nil {
		return 0, err
	}
	return b, nil
}

// TestArchiveServesEveryHeight: an archive node reads the state of every
// height, from the live layers (the newest [store.LiveStates]) and from the
// state history below them, down to genesis.
func TestArchiveServesEveryHeight(t *testing.T) {
	opts := store.DefaultOptions()
	opts.Archive = true
	h := newHarness(t, store.OpenMemoryWith(opts))
	grow(h, 300)
	// 300 - LiveStates is the oldest height still held in memory.
	live := uint64(300 - store.LiveStates)
	for _, n := range []uint64{0, 1, 2, 100, 171, 172, 173, 250, live - 1, live, live + 1, 299, 300} {
		got, err := balanceAt(t, h.app, n)
		if err != nil {
			t.Fatalf("height %d: %v", n, err)
		}
		if got != n {
			t.Errorf("height %d: balance %d, want %d", n, got, n)
		}
	}
}

// TestPrunedHeightIsRefused: with a window of 16 blocks, the 16 newest
// heights are served and older ones are refused with ErrStatePruned, even
// though their state may still be on disk.
func TestPrunedHeightIsRefused(t *testing.T) {
	opts := store.DefaultOptions()
	opts.StateHistory = 16
	h := newHarness(t, store.OpenMemoryWith(opts))
	grow(h, 40)
	for n := uint64(25); n <= 40; n++ {
		if got, err := balanceAt(t, h.app, n); err != nil || got != n {
			t.Fatalf("height %d in the window: balance %d, %v; want %d", n, got, err, n)
		}
	}
	for _, n := range []uint64{0, 1, 24} {
		_, err := balanceAt(t, h.app, n)
		if !errors.Is(err, app.ErrStatePruned) {
			t.Fatalf("height %d below the window: err %v, want ErrStatePruned", n, err)
		}
	}
}

// TestProofAtPastHeight: with proof_history on, an account and a storage
// proof at a height below the live layers, through the state's own Database
// as eth_getProof uses it, verify against that height's state root.
func TestProofAtPastHeight(t *testing.T) {
	opts := store.DefaultOptions()
	opts.ProofHistory = true
	h := newHarness(t, store.OpenMemoryWith(opts))
	grow(h, 200)
	for _, n := range []uint64{50, 190} { // in the state history; live
		header := h.app.chain.HeaderByNumber(n)
		st, err := stateAt(t, h.app, header)
		if err != nil {
			t.Fatal(err)
		}
		var tr state.Trie
		for deadline := time.Now().Add(40 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if tr, err = st.Database().OpenTrie(header.Root); err == nil || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			t.Fatalf("height %d: open trie: %v", n, err)
		}
		proof := memorydb.New()
		if err := tr.Prove(crypto.Keccak256(recipient.Bytes()), proof); err != nil {
			t.Fatalf("height %d: prove: %v", n, err)
		}
		val, err := trie.VerifyProof(header.Root, crypto.Keccak256(recipient.Bytes()), proof)
		if err != nil {
			t.Fatalf("height %d: verify: %v", n, err)
		}
		var acc types.StateAccount
		if err := rlp.DecodeBytes(val, &acc); err != nil {
			t.Fatal(err)
		}
		if acc.Balance.Uint64() != n {
			t.Fatalf("height %d: proven balance %d", n, acc.Balance)
		}

		// EIP-2935 keeps the parent hash of block n in slot (n-1) % 8191.
		slot := common.BigToHash(big.NewInt(int64(n-1) % 8191))
		stTrie, err := st.Database().OpenStorageTrie(header.Root, params.HistoryStorageAddress, st.GetStorageRoot(params.HistoryStorageAddress), tr)
		if err != nil {
			t.Fatalf("height %d: open storage trie: %v", n, err)
		}
		sproof := memorydb.New()
		if err := stTrie.Prove(crypto.Keccak256(slot.Bytes()), sproof); err != nil {
			t.Fatal(err)
		}
		sval, err := trie.VerifyProof(st.GetStorageRoot(params.HistoryStorageAddress), crypto.Keccak256(slot.Bytes()), sproof)
		if err != nil {
			t.Fatalf("height %d: verify storage: %v", n, err)
		}
		_, content, _, err := rlp.Split(sval)
		if err != nil {
			t.Fatal(err)
		}
		if got := common.BytesToHash(content); got != header.ParentHash {
			t.Fatalf("height %d: proven slot %s, want parent hash %s", n, got, header.ParentHash)
		}
	}
}

// TestRestartAfterCrash closes the store without journaling the state held
// in memory, as a kill -9 would: Info then reports a height whose state is
// on disk, below the head marker; replaying the decided blocks from there,
// as CometBFT does, rebuilds the same chain, and a clean close after that
// loses nothing.
func TestRestartAfterCrash(t *testing.T) {
	dir := t.TempDir()
	opts := store.DefaultOptions()
	opts.PersistEvery = 150
	db, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db)
	grow(h, 400)
	want := h.app.chain.Head()
	if err := db.Discard(); err != nil {
		t.Fatal(err)
	}

	db, err = store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := newHarness(t, db)
	durable := uint64(r.height)
	t.Logf("crash at height %d: state on disk at height %d, %d heights to replay", want.Number, durable, want.Number.Uint64()-durable)
	if durable < 300 || durable >= want.Number.Uint64() {
		t.Fatalf("Info reports height %d, want the last persisted height (300, or above if the write buffer filled) below the marker %d", durable, want.Number)
	}
	if durable > 0 {
		info, err := r.app.Info(context.Background(), &abci.RequestInfo{})
		if err != nil {
			t.Fatal(err)
		}
		if hh := r.app.chain.HeaderByNumber(durable); common.BytesToHash(info.LastBlockAppHash) != hh.Hash() {
			t.Fatalf("Info app hash %x is not block %d's hash %s", info.LastBlockAppHash, durable, hh.Hash())
		}
		if got, err := balanceAt(t, r.app, durable); err != nil || got != durable {
			t.Fatalf("state at the reported height: balance %d, %v; want %d", got, err, durable)
		}
	}
	if r.app.chain.HeaderByNumber(durable+1) != nil {
		t.Fatalf("block %d is served above the reported head", durable+1)
	}
	for _, req := range h.blocks[durable:] {
		hash := r.app.chain.IndexedHeader(uint64(req.Height)).Hash()
		if got := common.BytesToHash(r.finalize(req).AppHash); got != hash {
			t.Fatalf("replayed height %d: app hash %s, want %s", req.Height, got, hash)
		}
	}
	if got := r.app.chain.Head().Hash(); got != want.Hash() {
		t.Fatalf("head after replay %s, want %s", got, want.Hash())
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := newHarness(t, db)
	if c.height != int64(want.Number.Uint64()) {
		t.Fatalf("after a clean close Info reports %d, want %d", c.height, want.Number)
	}
	for _, n := range []uint64{want.Number.Uint64(), want.Number.Uint64() - 127, 10} {
		if got, err := balanceAt(t, c.app, n); err != nil || got != n {
			t.Fatalf("height %d after restart: balance %d, %v; want %d", n, got, err, n)
		}
	}
	c.time = time.Unix(int64(want.Time), 0)
	grow(c, 1)
}

// TestCrashBeforeStateReachesDisk: a crash before any height's state was
// written leaves only genesis on disk; the head marker is removed, Info
// reports 0, InitChain runs again over the genesis already there, and every
// block is replayed to the same hashes.
func TestCrashBeforeStateReachesDisk(t *testing.T) {
	dir := t.TempDir()
	opts := store.DefaultOptions()
	opts.PersistEvery = 0
	db, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db)
	grow(h, 50)
	hashes := make([]common.Hash, 51)
	for n := range hashes {
		hashes[n] = h.app.chain.HeaderByNumber(uint64(n)).Hash()
	}
	if err := db.Discard(); err != nil {
		t.Fatal(err)
	}
	if db, err = store.Open(dir, opts); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := newHarness(t, db) // Info 0: runs InitChain again
	if _, ok, err := db.Head(); ok || err != nil {
		t.Fatalf("head marker after recovery: %v, %v; want none", ok, err)
	}
	if r.height != 0 || r.app.chain.Head().Hash() != hashes[0] {
		t.Fatalf("restarted at height %d, want genesis", r.height)
	}
	for _, req := range h.blocks {
		if got, want := common.BytesToHash(r.finalize(req).AppHash), hashes[req.Height]; got != want {
			t.Fatalf("replayed height %d: app hash %s, want %s", req.Height, got, want)
		}
	}
}

// TestHeadStateAcrossFlattens: the head's state, opened while blocks are
// committed and every height flattens the state layers to disk, is always
// opened live: never the state of a block a flatten just took off the live
// layers, which would be read from the state history (waiting for every
// history write the flatten queued; a store in memory keeps no history, so
// such an open fails here). A read that a later flatten overtakes fails
// rather than answer wrong (package store); that is not tested here.
func TestHeadStateAcrossFlattens(t *testing.T) {
	opts := store.DefaultOptions()
	opts.PersistEvery = 1
	h := newHarness(t, store.OpenMemoryWith(opts))
	done := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		reads := 0
		for {
			select {
			case <-done:
				if reads == 0 {
					result <- errors.New("no read of the head state")
					return
				}
				result <- nil
				return
			default:
			}
			st, head, err := h.app.HeadState()
			if err != nil {
				result <- fmt.Errorf("read %d: %v", reads, err)
				return
			}
			if head != nil && st != nil {
				reads++
			}
		}
	}()
	grow(h, 150)
	close(done)
	if err := <-result; err != nil {
		t.Fatal(err)
	}
}

// TestNoProofHistoryByDefault: without proof_history, as on geth, a state
// below the live layers is read (balances, calls) but its trie does not
// open for a proof; the live one's does.
func TestNoProofHistoryByDefault(t *testing.T) {
	h := newHarness(t, memStore())
	grow(h, 200)
	for _, tc := range []struct {
		n     uint64
		proof bool
	}{{50, false}, {190, true}} {
		if got, err := balanceAt(t, h.app, tc.n); err != nil || got != tc.n {
			t.Fatalf("height %d: balance %d, %v; want %d", tc.n, got, err, tc.n)
		}
		header := h.app.chain.HeaderByNumber(tc.n)
		st, err := stateAt(t, h.app, header)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Database().OpenTrie(header.Root); (err == nil) != tc.proof {
			t.Fatalf("height %d: open trie: %v; want a trie: %v", tc.n, err, tc.proof)
		}
	}
}

// TestPoolReaderAcrossFlatten: the reader the pool was given at the last
// commit still answers after the next commit flattened its state off the
// live layers, before the pool is reset: admissions in that moment asked it
// for a sender's account, and an unreadable one counted as empty, so a
// funded sender was refused for "insufficient funds: balance 0".
func TestPoolReaderAcrossFlatten(t *testing.T) {
	opts := store.DefaultOptions()
	opts.PersistEvery = 1
	h := newHarness(t, store.OpenMemoryWith(opts))
	grow(h, 2)
	funded := ethtest.Address(ethtest.DevKey(2)) // not a sender in grow
	r := h.app.HeadReader()
	want := r.Balance(funded)
	if want.IsZero() {
		t.Fatal("funded account read with no balance before any flatten")
	}
	grow(h, 1) // flattens every layer to disk
	if got := r.Balance(funded); !got.Eq(want) {
		t.Fatalf("after a flatten: balance %v, want %v", got, want)
	}
	if got, want := r.Nonce(ethtest.Address(ethtest.DevKey(1))), uint64(2); got < want {
		t.Fatalf("after a flatten: sender's nonce %d, want at least %d", got, want)
	}
}
