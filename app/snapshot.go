package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/store"
)

// A state snapshot (format [SnapshotFormat]) is what a node joining by
// CometBFT's state sync restores instead of replaying every block. Its
// chunks are RLP:
//
//	chunk 0      snapChain: the headers of the snapshot height and of the
//	             256 heights below it (BLOCKHASH reads them), and the
//	             snapshot height's transactions and receipts
//	chunk 1..n   snapState: the accounts in the order of the state trie
//	             (by address hash), each with its code the first time the
//	             code appears and its storage slots in order; an account whose
//	             storage does not fit goes on in the next chunk (Cont)
//
// Governance lives in the storage of its system contract, so the state
// carries it. A restore checks each chunk's SHA-256 against the snapshot's
// metadata, the headers' hash chain against the app hash CometBFT's light
// client verified, and the state it rebuilds against the header's root.
const SnapshotFormat uint32 = 1

// Bounds of a snapshot.
// snapshotChunkSize is the size a state chunk is cut at: small enough that
// four fetched at a time take seconds on a modest link. Tests make it small.
var snapshotChunkSize = 2 << 20

const (
	// maxSnapshotChunkSize is the largest chunk a restore accepts, below
	// CometBFT's 16 MB chunk message; a chain chunk whose block and receipts
	// would pass it leaves them out.
	maxSnapshotChunkSize = 15_000_000
	// maxSnapshotChunks is CometBFT's default max_snapshot_chunks.
	maxSnapshotChunks = 100_000
	// snapshotHeaders is how many headers a snapshot carries: BLOCKHASH
	// reads the 256 below the executing block.
	snapshotHeaders = 257
)

type snapChain struct {
	Headers  []*types.Header // ascending; the last is the snapshot height's
	HasBody  bool            // false: the block was too large to carry
	Txs      []*types.Transaction
	Receipts []*types.ReceiptForStorage
}

type snapState struct {
	Accounts []snapAccount
}

type snapAccount struct {
	Hash     common.Hash // keccak256 of the address
	Cont     bool        // more storage of the previous chunk's last account; the fields below but Slots are unset
	Nonce    uint64
	Balance  *uint256.Int
	Root     common.Hash
	CodeHash common.Hash
	Code     []byte // empty after its first appearance in the snapshot
	Slots    []snapSlot
}

type snapSlot struct {
	Hash  common.Hash
	Value []byte // RLP, as in the storage trie
}

// snapshots produces this node's snapshots in the background and keeps the
// state of a restore in progress.
type snapshots struct {
	files  *store.Snapshots // nil: none are written or served
	opts   store.SnapshotOptions
	logger *slog.Logger

	mu      sync.Mutex
	running bool
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	restore *restore // touched only by the serialised snapshot connection
}

func newSnapshots(files *store.Snapshots, opts store.SnapshotOptions, logger *slog.Logger) *snapshots {
	ctx, cancel := context.WithCancel(context.Background())
	return &snapshots{files: files, opts: opts, logger: logger, ctx: ctx, cancel: cancel}
}

// close stops a snapshot being written (it is deleted) and waits for it.
func (s *snapshots) close() {
	s.cancel()
	s.wg.Wait()
}

// maybeSnapshot starts writing a snapshot of the height just committed when
// it is a multiple of the interval. It never blocks Commit: the export reads
// the committed state in the background, and only reads.
func (a *App) maybeSnapshot(h *types.Header) {
	s := a.snaps
	n := h.Number.Uint64()
	if s.files == nil || s.opts.Interval == 0 || n == 0 || n%s.opts.Interval != 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return
	}
	if s.running {
		s.logger.Warn("snapshot skipped: the previous one is still being written", "height", n)
		return
	}
	s.running = true
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() { s.mu.Lock(); s.running = false; s.mu.Unlock() }()
		start := time.Now()
		info, size, err := a.writeSnapshot(s.ctx, h)
		if err != nil {
			if s.ctx.Err() == nil {
				s.logger.Warn("snapshot failed", "height", n, "err", err)
			}
			return
		}
		if err := s.files.Prune(s.opts.Keep); err != nil {
			s.logger.Warn("deleting old snapshots failed", "err", err)
		}
		s.logger.Info("snapshot written", "height", n, "chunks", info.Chunks, "bytes", size,
			"took", time.Since(start).Round(time.Millisecond), "dir", s.files.Dir())
	}()
}

// writeSnapshot writes the snapshot of the committed height h.
func (a *App) writeSnapshot(ctx context.Context, h *types.Header) (*store.SnapshotInfo, int64, error) {
	part, err := a.snapshotChain(h)
	if err != nil {
		return nil, 0, err
	}
	w, err := a.snaps.files.Create(h.Number.Uint64(), SnapshotFormat)
	if err != nil {
		return nil, 0, err
	}
	if err := w.Add(part); err != nil {
		w.Abort()
		return nil, 0, err
	}
	ex := &exporter{w: w, codes: make(map[common.Hash]bool)}
	if err := a.db.ExportState(ctx, h.Root, ex); err != nil {
		w.Abort()
		return nil, 0, err
	}
	if err := ex.cut(true); err != nil {
		w.Abort()
		return nil, 0, err
	}
	if n, _ := w.Chunks(); n > maxSnapshotChunks {
		w.Abort()
		return nil, 0, fmt.Errorf("the state needs %d chunks, more than state sync takes (%d)", n, maxSnapshotChunks)
	}
	_, size := w.Chunks()
	info, err := w.Commit()
	return info, size, err
}

// snapshotChain encodes chunk 0 of the snapshot at h.
func (a *App) snapshotChain(h *types.Header) ([]byte, error) {
	n := h.Number.Uint64()
	from := uint64(0)
	if n+1 > snapshotHeaders {
		from = n + 1 - snapshotHeaders
	}
	part := snapChain{Headers: make([]*types.Header, 0, n-from+1)}
	for i := from; i <= n; i++ {
		hd := a.chain.IndexedHeader(i)
		if hd == nil {
			return nil, fmt.Errorf("header %d missing from the index", i)
		}
		part.Headers = append(part.Headers, hd)
	}
	if last := part.Headers[len(part.Headers)-1]; last.Hash() != h.Hash() {
		return nil, fmt.Errorf("the index holds another block at height %d", n)
	}
	if b := a.chain.BlockByHash(h.Hash()); b != nil {
		part.HasBody = true
		part.Txs = b.Transactions()
		for _, r := range a.chain.Receipts(h.Hash(), n) {
			part.Receipts = append(part.Receipts, (*types.ReceiptForStorage)(r))
		}
	}
	out, err := rlp.EncodeToBytes(&part)
	if err != nil {
		return nil, err
	}
	if len(out) > maxSnapshotChunkSize {
		part.HasBody, part.Txs, part.Receipts = false, nil, nil
		out, err = rlp.EncodeToBytes(&part)
	}
	return out, err
}

// exporter cuts the state into chunks as [store.DB.ExportState] walks it.
type exporter struct {
	w     *store.SnapshotWriter
	codes map[common.Hash]bool // codes already in the snapshot
	cur   snapState
	size  int
	last  common.Hash // the last account begun
}

func (e *exporter) Account(hash common.Hash, acct *types.StateAccount, code []byte) error {
	if err := e.cut(false); err != nil {
		return err
	}
	ch := common.BytesToHash(acct.CodeHash)
	if e.codes[ch] {
		code = nil
	} else if len(code) > 0 {
		e.codes[ch] = true
	}
	e.cur.Accounts = append(e.cur.Accounts, snapAccount{Hash: hash, Nonce: acct.Nonce, Balance: acct.Balance, Root: acct.Root, CodeHash: ch, Code: code})
	e.size += 128 + len(code)
	e.last = hash
	return nil
}

func (e *exporter) Slot(hash common.Hash, value []byte) error {
	if e.size >= snapshotChunkSize {
		if err := e.cut(true); err != nil {
			return err
		}
		e.cur.Accounts = append(e.cur.Accounts, snapAccount{Hash: e.last, Cont: true})
	}
	acc := &e.cur.Accounts[len(e.cur.Accounts)-1]
	acc.Slots = append(acc.Slots, snapSlot{Hash: hash, Value: common.CopyBytes(value)})
	e.size += 40 + len(value)
	return nil
}

// cut writes the chunk being filled if it is full, or if force.
func (e *exporter) cut(force bool) error {
	if !force && e.size < snapshotChunkSize {
		return nil
	}
	if len(e.cur.Accounts) == 0 && !force {
		return nil
	}
	b, err := rlp.EncodeToBytes(&e.cur)
	if err != nil {
		return err
	}
	if err := e.w.Add(b); err != nil {
		return err
	}
	e.cur, e.size = snapState{}, 0
	return nil
}

// ListSnapshots lists the snapshots this node serves, newest first.
func (a *App) ListSnapshots(context.Context, *abci.RequestListSnapshots) (*abci.ResponseListSnapshots, error) {
	res := &abci.ResponseListSnapshots{}
	if a.snaps.files == nil {
		return res, nil
	}
	list, err := a.snaps.files.List()
	if err != nil {
		a.logger.Warn("listing snapshots failed", "err", err)
		return res, nil
	}
	for _, s := range list {
		res.Snapshots = append(res.Snapshots, &abci.Snapshot{Height: s.Height, Format: s.Format, Chunks: s.Chunks, Hash: s.Hash, Metadata: s.Metadata})
	}
	return res, nil
}

// LoadSnapshotChunk serves a chunk of one of this node's snapshots; an
// unknown one is answered empty.
func (a *App) LoadSnapshotChunk(_ context.Context, req *abci.RequestLoadSnapshotChunk) (*abci.ResponseLoadSnapshotChunk, error) {
	if a.snaps.files == nil {
		return &abci.ResponseLoadSnapshotChunk{}, nil
	}
	b, err := a.snaps.files.Chunk(req.Height, req.Format, req.Chunk)
	if err != nil {
		a.logger.Warn("reading a snapshot chunk failed", "height", req.Height, "chunk", req.Chunk, "err", err)
		return &abci.ResponseLoadSnapshotChunk{}, nil
	}
	return &abci.ResponseLoadSnapshotChunk{Chunk: b}, nil
}

// restore is a snapshot being applied.
type restore struct {
	height  uint64
	chunks  uint32
	meta    []byte      // the chunks' SHA-256 hashes
	appHash common.Hash // the app hash of the height, from the light client
	next    uint32      // the chunk expected next

	head  *types.Header // the snapshot height's, once chunk 0 is applied
	chain *snapChain
	state *store.StateRestore
	last  common.Hash // the last account given
	open  bool        // an account was given
}

// OfferSnapshot accepts a snapshot this node can restore: the known format,
// consistent metadata, and a node with no height yet.
func (a *App) OfferSnapshot(_ context.Context, req *abci.RequestOfferSnapshot) (*abci.ResponseOfferSnapshot, error) {
	reject := func(result abci.ResponseOfferSnapshot_Result, why string, args ...any) (*abci.ResponseOfferSnapshot, error) {
		a.logger.Warn("snapshot refused: "+why, args...)
		return &abci.ResponseOfferSnapshot{Result: result}, nil
	}
	a.snaps.restore = nil
	s := req.Snapshot
	switch {
	case s == nil:
		return reject(abci.ResponseOfferSnapshot_REJECT, "no snapshot")
	case s.Format != SnapshotFormat:
		return reject(abci.ResponseOfferSnapshot_REJECT_FORMAT, "unknown format", "format", s.Format, "known", SnapshotFormat)
	case s.Height == 0 || s.Chunks < 2 || s.Chunks > maxSnapshotChunks:
		return reject(abci.ResponseOfferSnapshot_REJECT, "bad height or chunk count", "height", s.Height, "chunks", s.Chunks)
	case len(s.Metadata) != int(s.Chunks)*sha256.Size || !bytes.Equal(sha256Sum(s.Metadata), s.Hash):
		return reject(abci.ResponseOfferSnapshot_REJECT, "metadata does not match the snapshot hash", "height", s.Height)
	case len(req.AppHash) != common.HashLength:
		return reject(abci.ResponseOfferSnapshot_REJECT, "app hash of the wrong length", "height", s.Height)
	}
	if h := a.chain.Head(); h != nil {
		return reject(abci.ResponseOfferSnapshot_ABORT, "this node already holds a chain; state sync needs an empty data directory", "head", h.Number)
	}
	if head, ok, err := a.db.Head(); err != nil || ok {
		return reject(abci.ResponseOfferSnapshot_ABORT, "this node already holds a chain; state sync needs an empty data directory", "head", head.Height, "err", err)
	}
	st, err := a.db.BeginRestore()
	if err != nil {
		return nil, err
	}
	a.snaps.restore = &restore{height: s.Height, chunks: s.Chunks, meta: bytes.Clone(s.Metadata), appHash: common.BytesToHash(req.AppHash), state: st}
	a.logger.Info("restoring a snapshot", "height", s.Height, "chunks", s.Chunks, "app_hash", common.BytesToHash(req.AppHash))
	return &abci.ResponseOfferSnapshot{Result: abci.ResponseOfferSnapshot_ACCEPT}, nil
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// errBadSnapshot is a chunk that matched the snapshot's metadata but does
// not make the state it claims: the snapshot is refused.
var errBadSnapshot = errors.New("bad snapshot")

// ApplySnapshotChunk applies the chunks in order. A chunk that does not
// match its hash is fetched again from another peer and its sender
// refused; a chunk that matches but is wrong refuses the whole snapshot
// (CometBFT then offers another). After the last chunk the state root, the
// head marker and the chain index are in place and Info reports the height.
func (a *App) ApplySnapshotChunk(_ context.Context, req *abci.RequestApplySnapshotChunk) (*abci.ResponseApplySnapshotChunk, error) {
	r := a.snaps.restore
	if r == nil {
		a.logger.Warn("snapshot chunk without an accepted snapshot", "chunk", req.Index)
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_RETRY_SNAPSHOT}, nil
	}
	if req.Index != r.next {
		a.logger.Warn("snapshot chunk out of order; restarting the snapshot", "chunk", req.Index, "want", r.next)
		a.snaps.restore = nil
		return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_RETRY_SNAPSHOT}, nil
	}
	want := r.meta[int(req.Index)*sha256.Size : int(req.Index+1)*sha256.Size]
	if len(req.Chunk) > maxSnapshotChunkSize || !bytes.Equal(sha256Sum(req.Chunk), want) {
		a.logger.Warn("snapshot chunk does not match its hash; fetching it from another peer", "height", r.height, "chunk", req.Index, "sender", req.Sender, "size", len(req.Chunk))
		return &abci.ResponseApplySnapshotChunk{
			Result:        abci.ResponseApplySnapshotChunk_RETRY,
			RefetchChunks: []uint32{req.Index},
			RejectSenders: senders(req.Sender),
		}, nil
	}
	err := a.applyChunk(r, req.Index, req.Chunk)
	if err == nil && req.Index+1 == r.chunks {
		err = a.finishRestore(r)
	}
	if err != nil {
		a.snaps.restore = nil
		if errors.Is(err, errBadSnapshot) || errors.Is(err, store.ErrRestoreData) || errors.Is(err, store.ErrRestoreOrder) || errors.Is(err, store.ErrRestoreRoot) {
			a.logger.Warn("snapshot refused", "height", r.height, "chunk", req.Index, "sender", req.Sender, "err", err)
			return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_REJECT_SNAPSHOT, RejectSenders: senders(req.Sender)}, nil
		}
		return nil, err // the store failed: not the snapshot's fault
	}
	r.next++
	return &abci.ResponseApplySnapshotChunk{Result: abci.ResponseApplySnapshotChunk_ACCEPT}, nil
}

func senders(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (a *App) applyChunk(r *restore, index uint32, chunk []byte) error {
	if index == 0 {
		return a.applyChainChunk(r, chunk)
	}
	var part snapState
	if err := rlp.DecodeBytes(chunk, &part); err != nil {
		return fmt.Errorf("%w: chunk %d: %v", errBadSnapshot, index, err)
	}
	for i, acc := range part.Accounts {
		if acc.Cont {
			if i != 0 || !r.open || acc.Hash != r.last {
				return fmt.Errorf("%w: chunk %d: storage continued for an account that is not the last given", errBadSnapshot, index)
			}
		} else {
			if acc.Balance == nil {
				acc.Balance = new(uint256.Int)
			}
			st := &types.StateAccount{Nonce: acc.Nonce, Balance: acc.Balance, Root: acc.Root, CodeHash: acc.CodeHash.Bytes()}
			if err := r.state.Account(acc.Hash, st, acc.Code); err != nil {
				return err
			}
			r.last, r.open = acc.Hash, true
		}
		for _, s := range acc.Slots {
			if err := r.state.Slot(s.Hash, s.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyChainChunk checks chunk 0: headers that chain up to the app hash the
// light client verified, and a body and receipts that match that header.
func (a *App) applyChainChunk(r *restore, chunk []byte) error {
	var part snapChain
	if err := rlp.DecodeBytes(chunk, &part); err != nil {
		return fmt.Errorf("%w: chunk 0: %v", errBadSnapshot, err)
	}
	want := min(r.height+1, snapshotHeaders)
	if uint64(len(part.Headers)) != want {
		return fmt.Errorf("%w: %d headers, want %d", errBadSnapshot, len(part.Headers), want)
	}
	for i, h := range part.Headers {
		if h == nil || h.Number == nil || !h.Number.IsUint64() || h.Number.Uint64() != r.height+1-want+uint64(i) {
			return fmt.Errorf("%w: header %d out of sequence", errBadSnapshot, i)
		}
		if i > 0 && h.ParentHash != part.Headers[i-1].Hash() {
			return fmt.Errorf("%w: header %d does not follow its parent", errBadSnapshot, h.Number)
		}
	}
	head := part.Headers[len(part.Headers)-1]
	if head.Hash() != r.appHash {
		return fmt.Errorf("%w: header %d hashes to %s, the app hash is %s", errBadSnapshot, r.height, head.Hash(), r.appHash)
	}
	if part.HasBody {
		if got := types.DeriveSha(types.Transactions(part.Txs), trie.NewStackTrie(nil)); got != head.TxHash {
			return fmt.Errorf("%w: transactions do not match header %d", errBadSnapshot, r.height)
		}
		if len(part.Receipts) != len(part.Txs) {
			return fmt.Errorf("%w: %d receipts for %d transactions", errBadSnapshot, len(part.Receipts), len(part.Txs))
		}
		receipts := make(types.Receipts, len(part.Receipts))
		for i, rc := range part.Receipts {
			if rc == nil {
				return fmt.Errorf("%w: receipt %d missing", errBadSnapshot, i)
			}
			receipts[i] = (*types.Receipt)(rc)
			receipts[i].Type = part.Txs[i].Type()
			receipts[i].Bloom = types.CreateBloom(receipts[i])
		}
		if got := types.DeriveSha(receipts, trie.NewStackTrie(nil)); got != head.ReceiptHash {
			return fmt.Errorf("%w: receipts do not match header %d", errBadSnapshot, r.height)
		}
	} else {
		part.Txs, part.Receipts = nil, nil
	}
	r.head, r.chain = head, &part
	return nil
}

// finishRestore checks the rebuilt state against the header's root and
// writes the chain index of the snapshot height and the head marker.
func (a *App) finishRestore(r *restore) error {
	if err := r.state.Finish(r.head.Root); err != nil {
		return err
	}
	part := r.chain
	var block *types.Block
	var receipts types.Receipts
	if part.HasBody {
		block = types.NewBlockWithHeader(r.head).WithBody(types.Body{Transactions: part.Txs, Withdrawals: []*types.Withdrawal{}})
		for _, rc := range part.Receipts {
			receipts = append(receipts, (*types.Receipt)(rc))
		}
	}
	err := a.db.CommitRestored(store.Head{Height: r.height, BlockHash: r.head.Hash(), Root: r.head.Root}, part.Headers[0].Number.Uint64(), func(w ethdb.KeyValueWriter) {
		// Below the snapshot height only the hashes, for BLOCKHASH: RPC
		// answers those blocks as a node that never had them.
		for _, h := range part.Headers[:len(part.Headers)-1] {
			rawdb.WriteCanonicalHash(w, h.Hash(), h.Number.Uint64())
		}
		if block != nil {
			chain.WriteBlock(w, block, receipts)
		} else {
			rawdb.WriteHeader(w, r.head)
			rawdb.WriteCanonicalHash(w, r.head.Hash(), r.height)
			rawdb.WriteHeadHeaderHash(w, r.head.Hash())
		}
	})
	if err != nil {
		return err
	}
	a.chain.SetHead(r.head)
	a.setHeadState(r.head.Root)
	a.resetPool()
	a.snaps.restore = nil
	a.logger.Info("snapshot restored", "height", r.height, "hash", r.head.Hash(), "root", r.head.Root)
	return nil
}
