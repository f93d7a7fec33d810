package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"

	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/failpoint"
	"github.com/redmx/redmx/store"
	"github.com/redmx/redmx/txpool"
)

// Result codes of transactions in FinalizeBlock and of CheckTx/InsertTx.
const (
	CodeOK      uint32 = 0
	CodeInvalid uint32 = 1
	// CodeRetry answers a temporary refusal (the pool full, a record the
	// head does not show yet): CometBFT forgets such a transaction soon and
	// takes it again from the next peer that offers it.
	CodeRetry = abci.CodeTypeRetry
)

// Config is what the app is made of: the components its owner (package
// node) built over one store and passes down, and the node-local settings.
type Config struct {
	DB      *store.DB
	Genesis *genesis.AppState
	// Chain is the block index over DB.
	Chain *chain.Chain
	// Executor executes blocks over Chain with Governance.
	Executor *execution.Executor
	// Pool is the transaction pool, checked against the head: the app resets
	// it after every commit and sets its governance gate.
	Pool *txpool.Pool
	// Governance is the governance contract, the one Executor runs.
	Governance Governance
	// KnownUpgrades are the named upgrades this binary implements.
	// FinalizeBlock stops at the height of a scheduled upgrade not listed.
	KnownUpgrades []string
	// Peers are the p2p node IDs this node's operator configured (persistent
	// peers, seeds, unconditional peers): the peer filter accepts them even
	// where governance does not yet know them, so a node catching up connects.
	Peers []string
	// Self is this node's own p2p ID: its role in governance decides which
	// roles it accepts as peers (empty: as a node not admitted).
	Self string
	// BlockMaxBytes is CometBFT's block max_bytes, kept in a consensus
	// parameter update of the gas limit (0: the genesis request's, else 8 MiB).
	BlockMaxBytes int64
	// BlockHistory is how many recent blocks to keep (store.Options.Blocks;
	// 0 keeps all): older ones are pruned from the chain index, and CometBFT
	// is told to prune its block store in step.
	BlockHistory uint64
	// EvidenceBlocks is the genesis evidence max_age_num_blocks: blocks
	// within it are never pruned.
	EvidenceBlocks uint64
	// AppVersion is the chain's application protocol version: its consensus
	// parameters' version.app (genesis.json), which every block header
	// carries. Info reports it, and state sync checks a restored node by it.
	AppVersion uint64
	// Snapshots is where state snapshots are written and served from (nil:
	// none, though the node can still restore one); Snapshot says how often.
	Snapshots *store.Snapshots
	Snapshot  store.SnapshotOptions
	Logger    *slog.Logger // nil: discarded
	Observer  Observer     // nil: none
}

// Governance is what the app needs of the governance contract.
type Governance interface {
	execution.Governance
	// Peer is the role and status governance holds for a p2p node ID.
	Peer(st vm.StateDB, nodeID string) (governance.NodeRole, governance.NodeStatus)
	Upgrades(st vm.StateDB) []governance.Upgrade
}

// App is the ABCI application.
type App struct {
	abci.BaseApplication

	logger *slog.Logger
	db     *store.DB
	gen    *genesis.AppState
	chain  *chain.Chain
	exec   *execution.Executor
	pool   *txpool.Pool
	feeds  *feeds
	gov    Governance
	peers  map[string]bool // operator-configured peer IDs
	self   string          // this node's p2p ID, lower case
	known  []string        // upgrades this binary knows (Config.KnownUpgrades)
	halt   halt            // set when FinalizeBlock refuses a block for good
	snaps  *snapshots      // state sync: snapshots written, and a restore
	appVer uint64          // Config.AppVersion
	obs    Observer        // nil: none

	blockHistory   uint64 // Config.BlockHistory
	evidenceBlocks uint64 // Config.EvidenceBlocks
	pruned         uint64 // the tail after the last prune of this run (Commit only)

	maxBytes atomic.Int64  // CometBFT's block max_bytes
	gasLimit atomic.Uint64 // the next block's gas limit, for the pool

	// filterRoot is the state root the peer filter answers from: the latest
	// committed state, or the genesis state before block 1.
	filterMu   sync.Mutex
	filterRoot common.Hash

	// headMu makes a new head and the flatten that may come with it one
	// step for HeadState: a flatten takes the older states off the live
	// layers, so the old head's state would be read from the history, which
	// waits for every history write the flatten queued.
	headMu sync.RWMutex

	// Consensus-connection state, touched only by the serialised ABCI calls.
	prepared  *prepared            // this node's last proposal
	proposals map[string]*executed // ProcessProposal results by block hash
	finalized *executed            // FinalizeBlock result awaiting Commit
}

type prepared struct {
	height   int64
	time     int64
	proposer string
	txs      [][]byte
	votes    []governance.CommitVote
	evidence []governance.Misbehaviour
	executed
}

// executed is a block's execution result and how long it took; the duration
// is only logged.
type executed struct {
	result *execution.Result
	took   time.Duration
}

// describes reports whether the result fits the block req decides: its
// height, one entry per transaction of the block, and each included one at
// its own place in the block's transactions. A result that does not would
// give CometBFT results of the wrong length, or index past the receipts. It
// does not hash the transactions again: a result is kept under the block's
// hash, which commits to the height and to every transaction, and the
// proposer's own was matched byte for byte in ProcessProposal.
func (e *executed) describes(req *abci.RequestFinalizeBlock) bool {
	res := e.result
	if res.Block.NumberU64() != uint64(req.Height) || len(res.Txs) != len(req.Txs) {
		return false
	}
	next := 0 // included transactions keep the block's order
	for _, r := range res.Txs {
		if r.Err != nil {
			continue
		}
		if r.Index != next {
			return false
		}
		next++
	}
	return next == len(res.Block.Transactions()) && next == len(res.Receipts)
}

var _ abci.Application = (*App)(nil)

// New returns the application over cfg's components, with the head the
// store holds (moved back after a crash, see the package doc) and the pool
// reset to it.
func New(cfg Config) (*App, error) {
	switch {
	case cfg.DB == nil, cfg.Genesis == nil, cfg.Chain == nil, cfg.Executor == nil, cfg.Pool == nil, cfg.Governance == nil:
		return nil, errors.New("app: Config needs DB, Genesis, Chain, Executor, Pool and Governance")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &App{
		logger:    logger,
		db:        cfg.DB,
		gen:       cfg.Genesis,
		chain:     cfg.Chain,
		exec:      cfg.Executor,
		pool:      cfg.Pool,
		gov:       cfg.Governance,
		known:     cfg.KnownUpgrades,
		proposals: make(map[string]*executed),
		feeds:     newFeeds(cfg.Executor.Config()),
		halt:      halt{done: make(chan struct{})},

		blockHistory:   cfg.BlockHistory,
		evidenceBlocks: cfg.EvidenceBlocks,
		snaps:          newSnapshots(cfg.Snapshots, cfg.Snapshot, logger),
		appVer:         cfg.AppVersion,
		obs:            cfg.Observer,
	}
	a.self = strings.ToLower(cfg.Self)
	a.peers = make(map[string]bool, len(cfg.Peers))
	for _, id := range cfg.Peers {
		a.peers[strings.ToLower(id)] = true
	}
	a.maxBytes.Store(cfg.BlockMaxBytes)
	a.gasLimit.Store(cfg.Genesis.Params.GasLimit)

	if err := a.recoverHead(); err != nil {
		return nil, err
	}
	a.resetPool()
	return a, nil
}

// Close ends the subscriptions to the app's events and waits for the
// announcement of blocks already committed. The store is closed by its owner.
func (a *App) Close() error {
	a.snaps.close()
	a.feeds.scope.Close()
	a.pool.Close()
	a.feeds.queue.Wait()
	return nil
}

// ErrStatePruned is returned by [App.StateAt] for a block older than the
// state this node keeps.
var ErrStatePruned = errors.New("state pruned")

// StateAt opens a private copy of the state after the block with this header:
// a live state if the block is among the newest, else one read from the state
// history. Blocks older than the retention window are refused whether or not
// their state is still on disk, so that every node answers alike.
func (a *App) StateAt(h *types.Header) (*state.StateDB, error) {
	if keep := a.db.StateHistory(); keep > 0 {
		if head := a.chain.Head(); head != nil && h.Number.Uint64()+keep <= head.Number.Uint64() {
			return nil, fmt.Errorf("%w: block %d is %d blocks below the head, this node keeps %d",
				ErrStatePruned, h.Number, head.Number.Uint64()-h.Number.Uint64(), keep)
		}
	}
	if st, err := a.db.StateAt(h.Root); err == nil {
		return st, nil
	}
	return a.db.HistoricStateAt(h.Root)
}

// HeadState opens a private copy of the state after the newest block, and
// returns that block's header; nil before the first block.
func (a *App) HeadState() (*state.StateDB, *types.Header, error) {
	a.headMu.RLock()
	h := a.chain.Head()
	if h == nil {
		a.headMu.RUnlock()
		return nil, nil, nil
	}
	st, err := a.db.StateAt(h.Root)
	a.headMu.RUnlock()
	if err != nil {
		// Not live (a store being recovered): as for any block.
		st, err = a.StateAt(h)
	}
	return st, h, err
}

// recoverHead publishes the newest height whose state is on disk. The newest
// states live in memory (see package store); a crash loses them, so the head
// marker may name a height above the surviving state. The marker is then
// moved back: Info reports that height and CometBFT replays the rest from its
// block store, rewriting the same blocks into the index. Info never reports a
// height above the marker: CometBFT replays blocks to an app behind it but
// cannot take one back.
func (a *App) recoverHead() error {
	head, ok, err := a.db.Head()
	if err != nil || !ok {
		return err
	}
	h := a.chain.IndexedHeader(head.Height)
	if h == nil || h.Hash() != head.BlockHash {
		return fmt.Errorf("store: head marker at height %d names block %s, which the index does not hold", head.Height, head.BlockHash)
	}
	if !a.db.HasState(h.Root) {
		// State on disk above the marker (a flush that outran the marker,
		// in data written by older versions) is rolled back to it.
		rolled, err := a.db.RollBack(h.Root)
		if err != nil {
			return err
		}
		if rolled {
			a.logger.Warn("state on disk was newer than the head marker; rolled back to it", "height", head.Height)
		}
	}
	for n := head.Height; !a.db.HasState(h.Root); n-- { // bounded: n reaches 0
		if n == 0 {
			if !a.db.NoStateOnDisk() {
				return fmt.Errorf("store: no state on disk at or below height %d (genesis root %s is missing)", head.Height, h.Root)
			}
			// The genesis state's flush never landed: start over from
			// InitChain, which writes it again.
			break
		}
		if h = a.chain.IndexedHeader(n - 1); h == nil {
			return fmt.Errorf("store: the index holds no block %d below the head marker %d", n-1, head.Height)
		}
	}
	if n := h.Number.Uint64(); n < head.Height {
		a.logger.Warn("state of the newest heights was lost (the node did not stop cleanly); CometBFT replays them",
			"marker", head.Height, "state_on_disk", n, "replay", head.Height-n)
		if err := a.db.Rewind(store.Head{Height: n, BlockHash: h.Hash(), Root: h.Root}, n > 0); err != nil {
			return err
		}
		if n == 0 {
			return nil // no head: Info reports 0 and InitChain runs again
		}
	}
	a.chain.SetHead(h)
	a.setHeadState(h.Root)
	return nil
}

// setHeadState notes a newly committed state: the peer filter answers from
// it and the pool takes the next block's gas limit from its parameters.
func (a *App) setHeadState(root common.Hash) {
	a.filterMu.Lock()
	a.filterRoot = root
	a.filterMu.Unlock()
	if st, err := a.db.StateAt(root); err == nil {
		if gl := execution.ReadParamsFrom(st).GasLimit; gl != 0 {
			a.gasLimit.Store(gl)
		}
	}
}

// Info reports the last durable height and its app hash.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	res := &abci.ResponseInfo{Data: "redmx", Version: "redmx", AppVersion: a.appVer}
	head, ok, err := a.db.Head()
	if err != nil {
		return nil, err
	}
	if ok {
		res.LastBlockHeight = int64(head.Height)
		res.LastBlockAppHash = head.BlockHash.Bytes()
	}
	return res, nil
}

// InitChain writes the genesis state and block 0 and returns the validator set
// governance holds (governance.GenesisValidators). It may run again after a crash before block 1:
// it writes the same values again.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	gen, err := genesis.Parse(req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	if gen.ChainID != a.gen.ChainID {
		return nil, fmt.Errorf("genesis chain ID %d differs from the node's %d", gen.ChainID, a.gen.ChainID)
	}
	if req.InitialHeight > 1 {
		return nil, fmt.Errorf("initial_height %d is not supported: the chain starts at 1", req.InitialHeight)
	}
	st, err := a.db.StateAt(types.EmptyRootHash)
	if err != nil {
		return nil, err
	}
	header, err := execution.ApplyGenesis(st, gen.Alloc, execution.Params{GasLimit: gen.Params.GasLimit}, gen.Governance, uint64(req.Time.Unix()))
	if err != nil {
		return nil, err
	}
	rules := a.exec.Config().Rules(common.Big0, true, header.Time)
	// After a crash before block 1 the genesis state may be on disk already,
	// where the trie database refuses it a second time.
	root := st.IntermediateRoot(rules)
	if !a.db.HasState(root) {
		if _, err := st.Commit(rules, 0); err != nil {
			return nil, fmt.Errorf("commit genesis state: %w", err)
		}
		if err := a.db.CommitGenesis(root); err != nil {
			return nil, fmt.Errorf("commit genesis state: %w", err)
		}
	}
	header.Root = root
	block := types.NewBlockWithHeader(header).WithBody(types.Body{Withdrawals: []*types.Withdrawal{}})
	// Block 0 is written without moving the head marker, so Info keeps
	// reporting height 0 and CometBFT calls InitChain again after a crash.
	if err := a.db.WriteIndex(func(w ethdb.KeyValueWriter) { chain.WriteBlock(w, block, nil) }); err != nil {
		return nil, err
	}
	a.chain.SetHead(header)
	a.setHeadState(root)
	if a.maxBytes.Load() == 0 {
		a.maxBytes.Store(blockMaxBytes(req))
	}
	a.resetPool()

	// Exactly the powers governance holds (one power rule), so CometBFT and
	// governance start from the same set.
	vals := governance.GenesisValidators(st, gen.GovernanceValidators())
	updates := make([]abci.ValidatorUpdate, len(vals))
	for i, v := range vals {
		updates[i] = abci.Ed25519ValidatorUpdate(v.PubKey, v.Power)
	}
	a.logger.Info("genesis written", "hash", block.Hash(), "root", root, "chain_id", gen.ChainID, "validators", len(vals))
	return &abci.ResponseInitChain{
		AppHash:         block.Hash().Bytes(),
		Validators:      updates,
		ConsensusParams: a.consensusParams(header.GasLimit),
	}, nil
}

// env is the environment of the block after parent, whose state is st,
// proposed at unixTime by proposer, with the votes of its last commit and
// the evidence it commits. The
// gas limit is the parameters record in st, so a governance change of it
// takes effect in the next block.
func env(parent *types.Header, st *state.StateDB, unixTime int64, proposer []byte, votes []governance.CommitVote, evidence []governance.Misbehaviour) execution.BlockEnv {
	return execution.BlockEnv{
		Parent:       parent,
		Time:         uint64(max(unixTime, 0)),
		Coinbase:     common.BytesToAddress(proposer),
		GasLimit:     execution.ReadParamsFrom(st).GasLimit,
		LastCommit:   votes,
		Misbehaviour: evidence,
	}
}

// parentState opens the head's state for executing the next block.
func (a *App) parentState(height int64) (*types.Header, *state.StateDB, error) {
	parent := a.chain.Head()
	if parent == nil {
		return nil, nil, errors.New("no genesis: InitChain has not run")
	}
	if parent.Number.Uint64()+1 != uint64(height) {
		return nil, nil, fmt.Errorf("asked to execute height %d on head %d", height, parent.Number)
	}
	st, err := a.db.StateAt(parent.Root)
	return parent, st, err
}

// PrepareProposal fills the block from the pool by executing it, leaving out
// any transaction that is no longer valid.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	parent, st, err := a.parentState(req.Height)
	if err != nil {
		return nil, err
	}
	votes := extendedVotes(req.LocalLastCommit.Votes)
	evidence := misbehaviour(req.Misbehavior)
	e := env(parent, st, req.Time.Unix(), req.ProposerAddress, votes, evidence)
	candidates := a.pool.Pending(req.MaxTxBytes, e.GasLimit)
	start := time.Now()
	res, err := a.exec.Execute(st, e, candidates, execution.Build)
	if err != nil {
		return nil, err
	}
	a.prepared = nil
	txs := make([][]byte, 0, len(res.Block.Transactions()))
	var size int64
	for i, tx := range candidates {
		if err := res.Txs[i].Err; err != nil {
			// A transaction that did not fit (in gas or in the block's quota
			// of applications) waits for the next block; one behind it in
			// nonce order waits with it. Anything else can never
			// be mined, so it leaves the pool rather than wait silently.
			if !errors.Is(err, execution.ErrBlockGasExhausted) && !errors.Is(err, core.ErrNonceTooHigh) && !errors.Is(err, governance.ErrApplyQuota) {
				a.pool.Drop(tx.Hash(), "invalid in a proposal: "+err.Error())
				a.logger.Info("dropped from the pool", "tx", tx.Hash(), "err", err)
			}
			continue
		}
		raw, err := tx.MarshalBinary()
		if err != nil {
			return nil, err
		}
		// Pending counts encoded bytes; CometBFT also counts each
		// transaction's protobuf framing. A valid block's prefix is valid, so
		// the proposal may end early, but this execution no longer matches it.
		if size += protoSize(len(raw)); size > req.MaxTxBytes {
			return &abci.ResponsePrepareProposal{Txs: txs}, nil
		}
		txs = append(txs, raw)
	}
	// The result had one entry per candidate; the block holds only those
	// included, which executed exactly as the block alone executes them (a
	// left-out transaction's changes were undone). Kept for the proposer's
	// own ProcessProposal, it describes the block's transactions and no others.
	res.Txs = res.Included()
	a.prepared = &prepared{height: req.Height, time: req.Time.UnixNano(), proposer: string(req.ProposerAddress), txs: txs, votes: votes, evidence: evidence, executed: executed{res, time.Since(start)}}
	return &abci.ResponsePrepareProposal{Txs: txs}, nil
}

// protoSize is a transaction's size inside CometBFT's block data.
func protoSize(n int) int64 {
	return int64(1 + binary.PutUvarint(make([]byte, binary.MaxVarintLen64), uint64(n)) + n)
}

// ProcessProposal executes a proposal and rejects it if it holds any invalid
// transaction.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	reject := &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}
	votes := commitVotes(req.ProposedLastCommit.Votes)
	evidence := misbehaviour(req.Misbehavior)
	if p := a.prepared; p != nil && p.height == req.Height && p.time == req.Time.UnixNano() &&
		p.proposer == string(req.ProposerAddress) && sameTxs(p.txs, req.Txs) && sameVotes(p.votes, votes) &&
		slices.Equal(p.evidence, evidence) {
		a.proposals[string(req.Hash)] = &p.executed
		a.prepared = nil
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
	}
	parent, st, err := a.parentState(req.Height)
	if err != nil {
		return nil, err
	}
	txs, err := a.decodeTxs(req.Txs)
	if err != nil {
		a.logger.Warn("proposal rejected", "height", req.Height, "err", err)
		return reject, nil
	}
	start := time.Now()
	res, err := a.exec.Execute(st, env(parent, st, req.Time.Unix(), req.ProposerAddress, votes, evidence), txs, execution.Verify)
	if errors.Is(err, execution.ErrInvalidTx) {
		a.logger.Warn("proposal rejected", "height", req.Height, "err", err)
		return reject, nil
	}
	if err != nil {
		return nil, err
	}
	a.proposals[string(req.Hash)] = &executed{res, time.Since(start)}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

func sameTxs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// decodeTxs decodes a block's transactions, reusing the pool's decoded copy
// (whose sender is already recovered) when it has one.
func (a *App) decodeTxs(raw [][]byte) ([]*types.Transaction, error) {
	txs := make([]*types.Transaction, len(raw))
	var (
		firstErr error
		fresh    []*types.Transaction // not from the pool: sender still to recover
	)
	for i, b := range raw {
		if tx := a.pool.Get(crypto.Keccak256Hash(b)); tx != nil {
			txs[i] = tx
			continue
		}
		if len(b) > execution.MaxTxSize+1024 {
			if firstErr == nil {
				firstErr = fmt.Errorf("tx %d: %w", i, execution.ErrTxTooLarge)
			}
			continue
		}
		tx := new(types.Transaction)
		if err := tx.UnmarshalBinary(b); err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("tx %d: %w", i, err)
			}
			continue
		}
		txs[i] = tx
		fresh = append(fresh, tx)
	}
	a.exec.RecoverSenders(fresh)
	return txs, firstErr
}

// FinalizeBlock executes the decided block, or reuses the result of
// ProcessProposal. Invalid transactions are skipped with a non-zero code.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if err := a.checkUpgrades(req.Height); err != nil {
		if errors.Is(err, ErrUnknownUpgrade) {
			// The node stops on Halted and logs err; CometBFT's
			// consensus stops at this height by itself.
			a.halt.set(err)
		}
		return nil, err
	}
	ex := a.proposals[string(req.Hash)]
	if ex != nil && !ex.describes(req) {
		a.logger.Error("a kept proposal result does not describe the decided block; executing it again", "height", req.Height)
		ex = nil
	}
	if ex == nil {
		parent, st, err := a.parentState(req.Height)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		txs, _ := a.decodeTxs(req.Txs) // undecodable ones stay nil and are skipped
		e := env(parent, st, req.Time.Unix(), req.ProposerAddress, commitVotes(req.DecidedLastCommit.Votes), misbehaviour(req.Misbehavior))
		res, err := a.exec.Execute(st, e, txs, execution.Finalize)
		if err != nil {
			return nil, err
		}
		ex = &executed{res, time.Since(start)}
	}
	res := ex.result
	clear(a.proposals)
	a.prepared = nil

	results := make([]*abci.ExecTxResult, len(req.Txs))
	for i, r := range res.Txs {
		if r.Err != nil {
			results[i] = &abci.ExecTxResult{Code: CodeInvalid, Log: r.Err.Error()}
			continue
		}
		rc := res.Receipts[r.Index]
		results[i] = &abci.ExecTxResult{Code: CodeOK, GasWanted: int64(res.Block.Transactions()[r.Index].Gas()), GasUsed: int64(rc.GasUsed), Data: rc.TxHash.Bytes()}
	}
	resp := &abci.ResponseFinalizeBlock{TxResults: results, AppHash: res.Block.Hash().Bytes()}
	if err := a.consensusEffects(res.Effects, resp); err != nil {
		return nil, err
	}
	resp.Events = append(resp.Events, a.livenessEvents(req.Height, res.Effects.Liveness)...)
	resp.Events = append(resp.Events, a.governanceEvents(req.Height, res.Effects.Events)...)
	a.finalized = ex
	failpoint.Hit(failpoint.FinalizeBlock, uint64(req.Height))
	return resp, nil
}

// Commit makes the finalized height durable, publishes it as the head, and
// re-checks the pool against it.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	f := a.finalized
	if f == nil {
		return nil, errors.New("commit without a finalized block")
	}
	a.finalized = nil
	block, res := f.result.Block, f.result
	header := block.Header()
	height := header.Number.Uint64()
	failpoint.Hit(failpoint.CommitBegin, height)
	start := time.Now()
	rules := a.exec.Config().Rules(header.Number, true, header.Time)
	root, err := res.State.Commit(rules, header.Number.Uint64())
	if err != nil {
		return nil, fmt.Errorf("commit state of height %d: %w", height, err)
	}
	if root != header.Root {
		return nil, fmt.Errorf("state root of height %d: committed %s, header %s", height, root, header.Root)
	}
	failpoint.Hit(failpoint.StateCommitted, height)
	a.headMu.Lock()
	err = a.db.CommitHeight(store.Head{Height: height, BlockHash: block.Hash(), Root: root}, func(w ethdb.KeyValueWriter) {
		chain.WriteBlock(w, block, res.Receipts)
	})
	if err != nil {
		a.headMu.Unlock()
		return nil, err
	}
	a.chain.SetHead(header)
	a.headMu.Unlock()
	a.setHeadState(root)
	if !a.feeds.queue.Send(committedBlock{block: block, receipts: res.Receipts}) {
		a.logger.Warn("event subscribers fall behind: oldest block event dropped", "height", header.Number)
	}
	committed := time.Since(start)
	a.maybeSnapshot(header)
	a.resetPool()
	a.logger.Info("block committed", "height", header.Number, "hash", block.Hash(), "txs", len(block.Transactions()), "gas", header.GasUsed,
		"exec", f.took.Round(time.Millisecond), "commit", committed.Round(time.Millisecond), "pool", time.Since(start.Add(committed)).Round(time.Millisecond))
	failpoint.Hit(failpoint.CommitEnd, height)
	if a.obs != nil {
		a.obs.BlockCommitted(block, res.Receipts, f.took, committed)
	}
	return &abci.ResponseCommit{RetainHeight: a.prune(height)}, nil
}

// Query answers "/head" with the head's height and hash, and CometBFT's peer
// filter (see [App.peerFilter]).
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if strings.HasPrefix(req.Path, "/p2p/filter/") {
		return a.peerFilter(req.Path), nil
	}
	switch req.Path {
	case "/head":
		h := a.chain.Head()
		if h == nil {
			return &abci.ResponseQuery{Code: CodeInvalid, Log: "no genesis yet"}, nil
		}
		return &abci.ResponseQuery{Height: h.Number.Int64(), Value: []byte(hex.EncodeToString(h.Hash().Bytes()))}, nil
	}
	return &abci.ResponseQuery{Code: CodeInvalid, Log: fmt.Sprintf("unknown query path %q", req.Path)}, nil
}
