package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"math/big"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
)

// deepHash is a contract that stores, at key NUMBER, BLOCKHASH(NUMBER-200):
// a block it executes in reads a hash far below its parent, which a node
// restored from a snapshot has only from the snapshot's headers.
//
//	PUSH1 200 NUMBER SUB BLOCKHASH NUMBER SSTORE STOP
var deepHash = common.FromHex("0x6008600c6000396008" + "6000f3" + "60c84303404355" + "00")

// source is a governed chain whose app writes a snapshot every interval
// heights, with many small chunks.
type source struct {
	c        *cluster
	files    *store.Snapshots
	raw      []byte
	contract common.Address
	nonce    uint64
}

func newSource(t testing.TB, interval uint64) *source {
	t.Helper()
	t.Cleanup(app.SetSnapshotChunkSize(4 << 10))
	raw := devnetGenesis(t, nil)
	gen, err := genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	files, err := store.OpenSnapshots(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := newApp(t, store.OpenMemory(), gen, app.Config{
		Snapshots: files, Snapshot: store.SnapshotOptions{Interval: interval, Keep: 2},
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	t.Cleanup(func() { src.Close() })
	if _, err := src.InitChain(context.Background(), &abci.RequestInitChain{Time: genesisTime, ChainId: "test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
		t.Fatal(err)
	}
	s := &source{c: &cluster{t: t, apps: []*built{src}, time: genesisTime}, files: files, raw: raw}
	key := ethtest.DevKey(0)
	s.contract = crypto.CreateAddress(ethtest.Address(key), 0)
	s.send(ethtest.Deploy(key, chainID, 0, deepHash, 200_000))
	return s
}

// send mines tx alone in the next block on every app of the cluster.
func (s *source) send(tx *types.Transaction) {
	s.c.t.Helper()
	for i := range s.c.apps {
		if err := s.c.add(i, tx); err != nil {
			s.c.t.Fatalf("app %d: %v", i, err)
		}
	}
	if fin := s.c.propose(0); len(fin.TxResults) != 1 || fin.TxResults[0].Code != 0 {
		s.c.t.Fatalf("height %d: %+v", s.c.height, fin.TxResults)
	}
	s.nonce++
}

// grow mines blocks up to height n, each calling the contract and paying a
// new account.
func (s *source) grow(n int64) {
	key := ethtest.DevKey(0)
	for s.c.height < n {
		if s.c.height%2 == 0 {
			s.send(ethtest.Call(key, chainID, s.nonce, s.contract, nil, 100_000))
		} else {
			s.send(ethtest.Transfer(key, chainID, s.nonce, common.BigToAddress(big.NewInt(0x10000+s.c.height)), big.NewInt(s.c.height)))
		}
	}
}

// snapshot waits until the snapshot at height is listed and returns it with
// its chunks, read as a peer reads them.
func (s *source) snapshot(t testing.TB, height uint64) (*abci.Snapshot, [][]byte) {
	t.Helper()
	src := s.c.apps[0]
	deadline := time.Now().Add(60 * time.Second)
	for {
		list, err := src.ListSnapshots(context.Background(), &abci.RequestListSnapshots{})
		if err != nil {
			t.Fatal(err)
		}
		for _, snap := range list.Snapshots {
			if snap.Height != height {
				continue
			}
			chunks := make([][]byte, snap.Chunks)
			for i := range chunks {
				res, err := src.LoadSnapshotChunk(context.Background(), &abci.RequestLoadSnapshotChunk{Height: height, Format: snap.Format, Chunk: uint32(i)})
				if err != nil || len(res.Chunk) == 0 {
					t.Fatalf("chunk %d: %v (%d bytes)", i, err, len(res.Chunk))
				}
				chunks[i] = res.Chunk
			}
			return snap, chunks
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot at height %d within a minute (listed: %d)", height, len(list.Snapshots))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// appHash is the app hash of height n on the source chain.
func (s *source) appHash(n uint64) []byte {
	return s.c.apps[0].chain.HeaderByNumber(n).Hash().Bytes()
}

// fresh is a new app over an empty store, as a node joining by state sync
// starts: no InitChain.
func (s *source) fresh(t testing.TB) *built {
	t.Helper()
	gen, err := genesis.Parse(s.raw)
	if err != nil {
		t.Fatal(err)
	}
	opts := store.DefaultOptions()
	opts.TrieCacheMB = 32 // the smallest clean caches: a fuzzer makes thousands
	a := newApp(t, store.OpenMemoryWith(opts), gen, app.Config{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))})
	t.Cleanup(func() { a.Close() })
	return a
}

func offer(t testing.TB, a *built, snap *abci.Snapshot, appHash []byte) abci.ResponseOfferSnapshot_Result {
	t.Helper()
	res, err := a.OfferSnapshot(context.Background(), &abci.RequestOfferSnapshot{Snapshot: snap, AppHash: appHash})
	if err != nil {
		t.Fatalf("offer: %v", err)
	}
	return res.Result
}

func apply(t testing.TB, a *built, i int, chunk []byte, sender string) *abci.ResponseApplySnapshotChunk {
	t.Helper()
	res, err := a.ApplySnapshotChunk(context.Background(), &abci.RequestApplySnapshotChunk{Index: uint32(i), Chunk: chunk, Sender: sender})
	if err != nil {
		t.Fatalf("apply chunk %d: %v", i, err)
	}
	return res
}

// restoreAll offers snap and applies every chunk; each must be accepted.
func restoreAll(t testing.TB, a *built, snap *abci.Snapshot, chunks [][]byte, appHash []byte) {
	t.Helper()
	if r := offer(t, a, snap, appHash); r != abci.ResponseOfferSnapshot_ACCEPT {
		t.Fatalf("offer: %v", r)
	}
	for i, c := range chunks {
		if r := apply(t, a, i, c, "good"); r.Result != abci.ResponseApplySnapshotChunk_ACCEPT {
			t.Fatalf("chunk %d: %v", i, r.Result)
		}
	}
	info, err := a.Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if uint64(info.LastBlockHeight) != snap.Height || !bytes.Equal(info.LastBlockAppHash, appHash) {
		t.Fatalf("restored: Info says height %d app hash %x, want %d %x", info.LastBlockHeight, info.LastBlockAppHash, snap.Height, appHash)
	}
}

// A node restored from a snapshot of a governed chain holds the state and
// the block hashes execution needs: it executes the next blocks, which read
// BLOCKHASH 200 heights back, to the same app hashes as the node that made
// the snapshot. Heights below the snapshot are unknown to it.
func TestSnapshotRestoreContinuesTheChain(t *testing.T) {
	s := newSource(t, 100)
	for _, n := range []int64{100, 200} { // each written before the next starts
		s.grow(n)
		s.snapshot(t, uint64(n))
	}
	s.grow(300)
	snap, chunks := s.snapshot(t, 300)
	if snap.Format != app.SnapshotFormat || len(chunks) < 4 {
		t.Fatalf("snapshot format %d with %d chunks; want format %d and several state chunks", snap.Format, len(chunks), app.SnapshotFormat)
	}
	// Keep 2: the snapshot at 100 is deleted once 300 is written.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		list, err := s.files.List()
		if err != nil {
			t.Fatal(err)
		}
		var heights []uint64
		for _, l := range list {
			heights = append(heights, l.Height)
		}
		if slices.Equal(heights, []uint64{300, 200}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("snapshots kept: %v, want [300 200]", heights)
		}
	}

	dst := s.fresh(t)
	restoreAll(t, dst, snap, chunks, s.appHash(300))
	src := s.c.apps[0]
	if got, want := dst.chain.Head().Hash(), src.chain.Head().Hash(); got != want {
		t.Fatalf("restored head %s, want %s", got, want)
	}
	// The restored node runs with the source from here: the cluster checks
	// every app hash.
	s.c.apps = append(s.c.apps, dst)
	s.grow(306)

	st, err := dst.StateAt(dst.chain.Head())
	if err != nil {
		t.Fatal(err)
	}
	for n := uint64(301); n <= 306; n += 2 {
		key := common.BigToHash(new(big.Int).SetUint64(n))
		if got, want := st.GetState(s.contract, key), src.chain.HeaderByNumber(n-200).Hash(); got != want {
			t.Fatalf("BLOCKHASH(%d) seen at %d: %s, want %s", n-200, n, got, want)
		}
	}
	if got, want := st.GetBalance(common.BigToAddress(big.NewInt(0x10000+299))).Uint64(), uint64(299); got != want {
		t.Fatalf("balance restored: %d, want %d", got, want)
	}
	// Below the snapshot height: no header, block or state.
	if h := dst.chain.HeaderByNumber(299); h != nil {
		t.Fatalf("header 299 served by the restored node")
	}
	if b := dst.chain.BlockByNumber(100); b != nil {
		t.Fatalf("block 100 served by the restored node")
	}
	if b := dst.chain.BlockByNumber(300); b == nil || b.Hash() != src.chain.HeaderByNumber(300).Hash() {
		t.Fatalf("block 300 (the snapshot's) not served")
	}
	if rs := dst.chain.Receipts(common.BytesToHash(s.appHash(300)), 300); len(rs) != 1 || rs[0].Status != types.ReceiptStatusSuccessful {
		t.Fatalf("receipts of block 300: %+v", rs)
	}
	if _, err := dst.StateAt(src.chain.HeaderByNumber(299)); err == nil {
		t.Fatal("state of height 299 served by the restored node")
	}
	// A node with a chain refuses any snapshot.
	if r := offer(t, dst, snap, s.appHash(300)); r != abci.ResponseOfferSnapshot_ABORT {
		t.Fatalf("offer to a node with a chain: %v", r)
	}
}

// reseal gives a snapshot whose chunk i is replaced by chunk metadata that
// matches it: what a peer that made a bad snapshot would advertise.
func reseal(snap *abci.Snapshot, chunks [][]byte, i int, chunk []byte) (*abci.Snapshot, [][]byte) {
	out := slices.Clone(chunks)
	out[i] = chunk
	meta := make([]byte, 0, len(out)*sha256.Size)
	for _, c := range out {
		sum := sha256.Sum256(c)
		meta = append(meta, sum[:]...)
	}
	sum := sha256.Sum256(meta)
	cp := *snap
	cp.Metadata, cp.Hash = meta, sum[:]
	return &cp, out
}

// Everything a peer sends is checked: a chunk that does not match its hash
// is fetched again from another peer and its sender refused; a snapshot
// whose chunks match but do not make the state the app hash commits to is
// refused whole. After each refusal the node still restores the good one.
func TestSnapshotRefusesBadChunks(t *testing.T) {
	s := newSource(t, 20)
	s.grow(20)
	snap, chunks := s.snapshot(t, 20)
	good := s.appHash(20)
	last := len(chunks) - 1

	// A state chunk with one account's balance changed, re-encoded.
	var st struct{ Accounts []rlp.RawValue }
	if err := rlp.DecodeBytes(chunks[last], &st); err != nil {
		t.Fatal(err)
	}
	changed := false
	for j := range st.Accounts {
		var acc []rlp.RawValue
		if err := rlp.DecodeBytes(st.Accounts[j], &acc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(acc[1], []byte{0x80}) { // Cont: no account fields
			continue
		}
		acc[3], _ = rlp.EncodeToBytes(big.NewInt(123456789)) // Balance
		st.Accounts[j], _ = rlp.EncodeToBytes(acc)
		changed = true
		break
	}
	if !changed {
		t.Fatal("the last chunk holds no account to change")
	}
	richer, _ := rlp.EncodeToBytes(&st)

	refetch := func(i int) func(*testing.T, *built) {
		return func(t *testing.T, a *built) {
			t.Helper()
			bad := [][]byte{append(slices.Clone(chunks[i]), 0), chunks[i][:len(chunks[i])/2], make([]byte, 16_000_000), nil}
			for _, b := range bad {
				r := apply(t, a, i, b, "liar")
				if r.Result != abci.ResponseApplySnapshotChunk_RETRY || !slices.Equal(r.RefetchChunks, []uint32{uint32(i)}) || !slices.Equal(r.RejectSenders, []string{"liar"}) {
					t.Fatalf("bad chunk %d (%d bytes): %+v, want RETRY refetching it and rejecting its sender", i, len(b), r)
				}
			}
		}
	}
	cases := []struct {
		name string
		run  func(*testing.T, *built) // leaves the offered snapshot's restore refused or abandoned
	}{
		{"wrong format", func(t *testing.T, a *built) {
			cp := *snap
			cp.Format = app.SnapshotFormat + 1
			if r := offer(t, a, &cp, good); r != abci.ResponseOfferSnapshot_REJECT_FORMAT {
				t.Fatalf("offer: %v", r)
			}
		}},
		{"metadata not matching its hash", func(t *testing.T, a *built) {
			cp := *snap
			cp.Hash = bytes.Repeat([]byte{1}, 32)
			if r := offer(t, a, &cp, good); r != abci.ResponseOfferSnapshot_REJECT {
				t.Fatalf("offer: %v", r)
			}
		}},
		{"chunk count not matching the metadata", func(t *testing.T, a *built) {
			cp := *snap
			cp.Chunks++
			if r := offer(t, a, &cp, good); r != abci.ResponseOfferSnapshot_REJECT {
				t.Fatalf("offer: %v", r)
			}
		}},
		{"wrong hash, truncated, oversized, empty: chain chunk", func(t *testing.T, a *built) {
			offer(t, a, snap, good)
			refetch(0)(t, a)
		}},
		{"wrong hash, truncated, oversized, empty: state chunk", func(t *testing.T, a *built) {
			offer(t, a, snap, good)
			for i := range last {
				apply(t, a, i, chunks[i], "good")
			}
			refetch(last)(t, a)
		}},
		{"wrong order", func(t *testing.T, a *built) {
			offer(t, a, snap, good)
			apply(t, a, 0, chunks[0], "good")
			if r := apply(t, a, 2, chunks[2], "good"); r.Result != abci.ResponseApplySnapshotChunk_RETRY_SNAPSHOT {
				t.Fatalf("chunk 2 before 1: %v", r.Result)
			}
		}},
		{"headers of another app hash", func(t *testing.T, a *built) {
			offer(t, a, snap, s.appHash(19))
			if r := apply(t, a, 0, chunks[0], "maker"); r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT || !slices.Equal(r.RejectSenders, []string{"maker"}) {
				t.Fatalf("chain chunk of another height: %+v", r)
			}
		}},
		{"garbage that matches the metadata", func(t *testing.T, a *built) {
			bad, badChunks := reseal(snap, chunks, 1, []byte("not rlp at all"))
			offer(t, a, bad, good)
			apply(t, a, 0, badChunks[0], "maker")
			if r := apply(t, a, 1, badChunks[1], "maker"); r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
				t.Fatalf("garbage chunk: %v", r.Result)
			}
		}},
		{"wrong root: a balance changed", func(t *testing.T, a *built) {
			bad, badChunks := reseal(snap, chunks, last, richer)
			if r := offer(t, a, bad, good); r != abci.ResponseOfferSnapshot_ACCEPT {
				t.Fatalf("offer: %v", r)
			}
			for i := range last {
				apply(t, a, i, badChunks[i], "maker")
			}
			if r := apply(t, a, last, badChunks[last], "maker"); r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
				t.Fatalf("state of another root: %v", r.Result)
			}
		}},
		{"chunks out of the trie's order", func(t *testing.T, a *built) {
			swapped := slices.Clone(chunks)
			swapped[1], swapped[2] = swapped[2], swapped[1]
			bad, badChunks := reseal(snap, swapped, 0, chunks[0])
			offer(t, a, bad, good)
			apply(t, a, 0, badChunks[0], "maker")
			r1 := apply(t, a, 1, badChunks[1], "maker")
			if r1.Result == abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
				return
			}
			if r := apply(t, a, 2, badChunks[2], "maker"); r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
				t.Fatalf("swapped chunks: %v then %v", r1.Result, r.Result)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := s.fresh(t)
			tc.run(t, a)
			if info, _ := a.Info(context.Background(), &abci.RequestInfo{}); info.LastBlockHeight != 0 {
				t.Fatalf("height %d after a refused snapshot", info.LastBlockHeight)
			}
			restoreAll(t, a, snap, chunks, good)
		})
	}
}

// FuzzSnapshotChunk replaces one chunk of a good snapshot with arbitrary
// bytes, its hash sealed into the metadata as a peer that made a bad
// snapshot would. Whatever the bytes, the node never fails or panics: either
// it accepts every chunk and holds exactly the source's state (the state
// root and header hash bind it), or it refuses the snapshot, holds nothing,
// and restores the good one next.
func FuzzSnapshotChunk(f *testing.F) {
	s := newSource(f, 20)
	s.grow(20)
	snap, chunks := s.snapshot(f, 20)
	good := s.appHash(20)
	srcHead := s.c.apps[0].chain.HeaderByNumber(20)
	f.Add(uint8(0), chunks[0])
	f.Add(uint8(1), chunks[1])
	f.Add(uint8(2), chunks[2][:len(chunks[2])/2])
	f.Add(uint8(1), []byte{0xc0})
	f.Add(uint8(1), []byte{0xc1, 0xc0})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		i := int(which) % len(chunks)
		bad, badChunks := reseal(snap, chunks, i, data)
		a := s.fresh(t)
		if r := offer(t, a, bad, good); r != abci.ResponseOfferSnapshot_ACCEPT {
			t.Fatalf("offer: %v", r)
		}
		accepted := true
		for j, c := range badChunks {
			r := apply(t, a, j, c, "maker")
			if r.Result == abci.ResponseApplySnapshotChunk_ACCEPT {
				continue
			}
			if r.Result != abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT {
				t.Fatalf("chunk %d: %v, want ACCEPT or REJECT_SNAPSHOT", j, r.Result)
			}
			accepted = false
			break
		}
		info, err := a.Info(context.Background(), &abci.RequestInfo{})
		if err != nil {
			t.Fatal(err)
		}
		if !accepted {
			if info.LastBlockHeight != 0 {
				t.Fatalf("height %d after a refused snapshot", info.LastBlockHeight)
			}
			restoreAll(t, a, snap, chunks, good)
		}
		if info, _ = a.Info(context.Background(), &abci.RequestInfo{}); !bytes.Equal(info.LastBlockAppHash, good) {
			t.Fatalf("app hash %x, want %x", info.LastBlockAppHash, good)
		}
		if head := a.chain.Head(); head.Root != srcHead.Root {
			t.Fatalf("restored root %s, want %s", head.Root, srcHead.Root)
		}
		st, err := a.StateAt(a.chain.Head())
		if err != nil {
			t.Fatal(err)
		}
		if got := st.GetBalance(common.BigToAddress(big.NewInt(0x10000 + 19))).Uint64(); got != 19 {
			t.Fatalf("restored balance %d, want 19", got)
		}
	})
}
