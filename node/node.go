package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	cmtdb "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtcons "github.com/cometbft/cometbft/consensus"
	cstypes "github.com/cometbft/cometbft/consensus/types"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/core"
	"golang.org/x/sync/errgroup"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/metrics"
	"github.com/redmx/redmx/rpc"
	"github.com/redmx/redmx/store"
)

// Timeouts of a shutdown.
const (
	// httpShutdownTimeout bounds the wait for open RPC requests.
	httpShutdownTimeout = 5 * time.Second
	// cometStopTimeout bounds the wait for CometBFT to stop. If it does not,
	// the app and the store are left open rather than closed under it.
	cometStopTimeout = 30 * time.Second
)

// errStillRunning is returned by a stop step that timed out: the steps after
// it are skipped.
var errStillRunning = errors.New("cometbft did not stop")

// ErrCometBFTStopped is returned by [Node.Run] when CometBFT stops by itself.
var ErrCometBFTStopped = errors.New("cometbft stopped unexpectedly")

// ErrConsensusFailure is returned by [Node.Run] when CometBFT's consensus
// stops by itself (a "CONSENSUS FAILURE": a panic in consensus, such as a
// block the app failed to finalize). CometBFT would keep the process up,
// serving RPC and peers as if healthy, without ever making a block again.
var ErrConsensusFailure = errors.New("consensus failure: this node stopped making blocks")

// Node is one redmx node. Make it with [New] and run it with [Node.Run] once.
type Node struct {
	home   string
	cfg    *config.File
	genDoc *cmttypes.GenesisDoc
	gen    *genesis.AppState
	logger *slog.Logger

	// wrapABCI, if set, wraps the app CometBFT calls (tests make it fail).
	wrapABCI func(abci.Application) abci.Application
	// upgrades are the named upgrades this node implements: knownUpgrades,
	// or those of WithKnownUpgrades.
	upgrades []string

	// freeSpace reads the data directory's free space (store.FreeBytes unless
	// a test injects one); it is read at start and every diskCheckEvery.
	freeSpace      store.FreeSpace
	diskCheckEvery time.Duration

	// memory is what the node may use (0: unknown) and memoryLimit the Go
	// heap's soft limit set at Run (0: none); see sizeMemory.
	memory      uint64
	memoryLimit int64

	ready chan struct{}

	metrics   *metrics.Metrics // nil: off
	admission *admission       // set by Run before CometBFT starts

	mu          sync.Mutex
	rpcAddr     net.Addr
	metricsAddr net.Addr
	cmt         *cmtnode.Node
}

// New loads the node in home: config.toml (see package config) and
// genesis.json, both validated. It opens nothing; [Node.Run] does.
func New(home string, logger *slog.Logger, opts ...Option) (*Node, error) {
	f, err := config.LoadFile(home)
	if err != nil {
		return nil, err
	}
	return NewWithConfig(home, f, logger, opts...)
}

// Option changes a node made by [New].
type Option func(*Node)

// WithKnownUpgrades makes the node implement the named upgrades in place of
// those this binary implements, as a release that implements them would: a
// test runs a chain on past a scheduled upgrade.
func WithKnownUpgrades(names ...string) Option {
	return func(n *Node) { n.upgrades = names }
}

// WithFreeSpace makes the node read its data directory's free space with
// free, every interval while it runs: a test fills a disk without filling it.
func WithFreeSpace(free store.FreeSpace, interval time.Duration) Option {
	return func(n *Node) { n.freeSpace, n.diskCheckEvery = free, interval }
}

// diskCheckEvery is how often a running node reads its free disk space: at
// a few MB/s of writes under load, 1 GiB lasts minutes.
const diskCheckEvery = 10 * time.Second

// NewWithConfig is [New] with a config already loaded (and possibly changed
// by flags). cfg.CometBFT must be rooted at home.
func NewWithConfig(home string, cfg *config.File, logger *slog.Logger, opts ...Option) (*Node, error) {
	if err := cfg.Redmx.Validate(); err != nil {
		return nil, err
	}
	warnings, err := config.CheckCometBFT(cfg.CometBFT)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", config.Path(home), err)
	}
	for _, w := range warnings {
		logger.Warn("cometbft setting", "warning", w)
	}
	for _, k := range cfg.Unknown {
		logger.Warn("unknown key in config.toml, ignored", "key", k)
	}
	if names := knownUpgrades(); len(names) > 0 && rehearsalUpgrades != "" {
		logger.Warn("a build for rehearsing upgrades on a test network: it passes these scheduled upgrades without changing anything", "upgrades", strings.Join(names, ","))
	}
	genDoc, gen, err := LoadGenesis(cfg.CometBFT.GenesisFile())
	if err != nil {
		return nil, err
	}
	total := hostMemory(cfg.Redmx.Memory)
	limit := sizeMemory(&cfg.Redmx, total)
	n := &Node{
		home:     home,
		cfg:      cfg,
		genDoc:   genDoc,
		gen:      gen,
		logger:   logger,
		upgrades: knownUpgrades(),
		ready:    make(chan struct{}),

		freeSpace:      store.FreeBytes,
		diskCheckEvery: diskCheckEvery,

		memory:      total,
		memoryLimit: limit,
	}
	for _, o := range opts {
		o(n)
	}
	return n, nil
}

// LoadGenesis reads a genesis.json: CometBFT's document, validated, and its
// app_state parsed by [genesis.Parse].
func LoadGenesis(path string) (*cmttypes.GenesisDoc, *genesis.AppState, error) {
	doc, err := cmttypes.GenesisDocFromFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("genesis %s: %w", path, err)
	}
	gen, err := genesis.Parse(doc.AppState)
	if err != nil {
		return nil, nil, fmt.Errorf("genesis %s: %w", path, err)
	}
	return doc, gen, nil
}

// Genesis returns the parsed genesis document and its app_state.
func (n *Node) Genesis() (*cmttypes.GenesisDoc, *genesis.AppState) { return n.genDoc, n.gen }

// Config returns the node's configuration.
func (n *Node) Config() *config.File { return n.cfg }

// Ready is closed once every part has started and the RPC server accepts
// connections.
func (n *Node) Ready() <-chan struct{} { return n.ready }

// RPCAddr is the address the Ethereum JSON-RPC server is bound to (the real
// port when the configured one is 0), or nil before [Node.Ready].
func (n *Node) RPCAddr() net.Addr {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.rpcAddr
}

// CometBFT is the in-process CometBFT node, or nil before [Node.Ready].
// Tests read its block store; nothing else should need it.
func (n *Node) CometBFT() *cmtnode.Node {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmt
}

// P2PAddress is CometBFT's configured p2p listen address, host:port.
func (n *Node) P2PAddress() string { return stripScheme(n.cfg.CometBFT.P2P.ListenAddress) }

// CometRPCAddress is CometBFT's configured RPC listen address, host:port, or
// "" when it is off.
func (n *Node) CometRPCAddress() string { return stripScheme(n.cfg.CometBFT.RPC.ListenAddress) }

func stripScheme(addr string) string {
	if _, rest, ok := strings.Cut(addr, "://"); ok {
		return rest
	}
	return addr
}

// Run starts the node and blocks until ctx is cancelled or a part fails.
// Before it returns it stops everything it started, in reverse order: the
// RPC server (within 5 s), CometBFT, the app, the store. A stop caused by ctx
// is not an error. Call it once.
func (n *Node) Run(ctx context.Context) (err error) {
	var stops stopSteps
	defer func() {
		err = errors.Join(err, stops.run())
		if err != nil {
			n.logger.Error("node stopped", "err", err)
		} else {
			n.logger.Info("node stopped")
		}
	}()

	// Bind the RPC port first: a busy port fails before anything starts.
	ln, err := net.Listen("tcp", n.cfg.Redmx.RPC.Address)
	if err != nil {
		return fmt.Errorf("redmx.rpc.address: %w", err)
	}
	stops.add(func() error { ln.Close(); return nil })
	mln, err := n.listenMetrics(&stops)
	if err != nil {
		return err
	}

	nodeKey, pv, err := n.loadKeys()
	if err != nil {
		return err
	}
	if err := n.checkDisk(); err != nil {
		return err
	}
	applyMemoryLimit(n.logger, &n.cfg.Redmx, n.memory, n.memoryLimit)
	p, err := n.openParts(&stops, string(nodeKey.ID()))
	if err != nil {
		return err
	}
	// A chain stopped at an upgrade this binary does not know stops again
	// here, before CometBFT replays anything.
	if err := p.app.UpgradeNeeded(); err != nil {
		return err
	}
	n.admission = newAdmission(string(nodeKey.ID()), p.app.AllowedPeer, p.app.ConfiguredPeer, p.headHeight, n.logger)
	reports := newStatusReactor(nodeKey, p.app, n.logger.With("module", "status"))
	cmt, failure, err := n.startCometBFT(ctx, p.app, pv, nodeKey, &stops, cmtnode.CustomReactors(map[string]p2p.Reactor{status.ReactorName: reports}))
	if err != nil {
		return err
	}
	consensusDone, err := consensusEnded(cmt)
	if err != nil {
		return err
	}
	b := &backend{parts: p, cmt: cmt}
	handler, cleanup, err := newRPCHandler(b, n.cfg.Redmx.RPC, n.logger.With("module", "rpc"))
	if err != nil {
		return fmt.Errorf("rpc: %w", err)
	}
	stops.add(func() error { cleanup(); return nil })
	dash, runDashboard, err := n.startDashboard(reports, b, cmt, pv, consensusDone)
	if err != nil {
		return err
	}
	clock := newClockOffset(n.logger.With("module", "clock"), n.metrics)
	h := &health{app: p.app, cmt: cmt, consensusDone: consensusDone, maxBlockAge: n.cfg.Redmx.Metrics.ReadyMaxBlockAge, now: time.Now, clock: clock}
	srv := rpc.NewHTTPServer(h.withHealth(withDashboard(n.metrics.RPC(handler, n.cfg.Redmx.RPC.HTTPBodyLimit), dash)), n.cfg.Redmx.RPC)

	n.mu.Lock()
	n.rpcAddr = ln.Addr()
	n.cmt = cmt
	if mln != nil {
		n.metricsAddr = mln.Addr()
	}
	n.mu.Unlock()

	g, gctx := errgroup.WithContext(ctx)
	serveHTTP(ctx, g, gctx, n.logger, "rpc server", srv, ln)
	if mln != nil {
		n.serveMetrics(ctx, g, gctx, mln, h)
	}
	g.Go(func() error {
		return diskFull(n.watchConsensus(gctx, p, cmt, consensusDone, failure), n.cfg.CometBFT.DBDir())
	})
	g.Go(func() error { return n.watchDisk(gctx) })
	g.Go(func() error { clock.watch(gctx, cmt); return nil })
	g.Go(func() error { runDashboard(gctx); return nil })
	g.Go(func() error {
		n.dropDisallowedPeers(gctx, p.app, cmt)
		return nil
	})
	g.Go(func() error {
		keepPersistentPeers(gctx, cmt, n.cfg.CometBFT.P2P.PersistentPeers)
		return nil
	})
	g.Go(func() error {
		n.admission.watch(gctx, p.app)
		return nil
	})

	n.logger.Info("node started",
		"chain", n.genDoc.ChainID, "chain_id", n.gen.ChainID,
		"rpc", "http://"+ln.Addr().String(),
		"p2p", n.P2PAddress(), "node_id", nodeKey.ID(),
		"cometbft_rpc", n.CometRPCAddress(), "home", n.home)
	close(n.ready)
	return g.Wait()
}

// stopSteps undo, in reverse, what [Node.Run] started.
type stopSteps []func() error

func (s *stopSteps) add(stop func() error) { *s = append(*s, stop) }

// run runs the steps in reverse and joins their errors. It skips the steps
// after one that timed out: the app and the store are never closed under a
// running CometBFT.
func (s stopSteps) run() error {
	var err error
	for i := len(s) - 1; i >= 0; i-- {
		serr := s[i]()
		err = errors.Join(err, serr)
		if errors.Is(serr, errStillRunning) {
			break
		}
	}
	return err
}

// loadKeys reads the node's p2p key and, unless it signs through a remote
// signer, its validator key.
func (n *Node) loadKeys() (*p2p.NodeKey, cmttypes.PrivValidator, error) {
	ccfg := n.cfg.CometBFT
	if ccfg.PrivValidatorListenAddr != "" {
		nodeKey, err := loadNodeKey(ccfg)
		return nodeKey, nil, err
	}
	nodeKey, pv, err := LoadKeys(ccfg)
	if err != nil {
		return nil, nil, err
	}
	n.logValidatorRole(pv)
	return nodeKey, pv, nil
}

// openParts opens the store and builds the node's components over it.
func (n *Node) openParts(stops *stopSteps, self string) (*parts, error) {
	ccfg := n.cfg.CometBFT
	dbDir := filepath.Join(ccfg.DBDir(), "redmx")
	db, err := store.Open(dbDir, n.cfg.Redmx.Storage)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dbDir, err)
	}
	stops.add(db.Close)

	snaps, err := store.OpenSnapshots(SnapshotDir(ccfg))
	if err != nil {
		return nil, fmt.Errorf("open snapshots: %w", err)
	}
	s := appSettings{
		snapshots:     snaps,
		snapshot:      n.cfg.Redmx.Snapshot,
		pool:          n.cfg.Redmx.Pool,
		peers:         configuredPeers(ccfg),
		self:          self,
		knownUpgrades: n.upgrades,
		blockHistory:  n.cfg.Redmx.Storage.Blocks(),
		chainCache:    chainCacheBytes(n.memory),
		logger:        n.logger.With("module", "app"),
		metrics:       n.metrics,
	}
	if cp := n.genDoc.ConsensusParams; cp != nil {
		s.blockMaxBytes = cp.Block.MaxBytes
		s.evidenceBlocks = uint64(max(cp.Evidence.MaxAgeNumBlocks, 0))
		s.appVersion = cp.Version.App
	}
	p, err := build(db, n.gen, s)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	stops.add(p.app.Close)
	return p, nil
}

// startCometBFT makes and starts the in-process CometBFT node over a. The
// failure it returns keeps the reason of a consensus failure CometBFT logs.
func (n *Node) startCometBFT(ctx context.Context, a *app.App, pv cmttypes.PrivValidator, nodeKey *p2p.NodeKey, stops *stopSteps, opts ...cmtnode.Option) (*cmtnode.Node, *consensusFailure, error) {
	ccfg := n.cfg.CometBFT
	failure := &consensusFailure{}
	cmtLog := cmtLogger{l: n.logger.With("module", "cometbft"), halted: func() bool { return a.HaltErr() != nil }, failure: failure, quiet: n.admission.notAdmitted}
	dbs := &dbTracker{}
	var abciApp abci.Application = filteringApp{Application: a, ad: n.admission}
	if n.wrapABCI != nil {
		abciApp = n.wrapABCI(a)
	}
	cmt, err := cmtnode.NewNodeWithContext(ctx, ccfg, pv, nodeKey,
		proxy.NewLocalClientCreator(abciApp),
		func() (*cmttypes.GenesisDoc, error) { return n.genDoc, nil },
		dbs.provider,
		n.cometMetrics(),
		cmtLog,
		opts...,
	)
	if err != nil {
		// NewNode leaves its databases open when it fails (as in a
		// handshake whose replay reaches an unknown upgrade).
		dbs.closeAll()
		if herr := a.HaltErr(); herr != nil {
			return nil, nil, herr
		}
		return nil, nil, fmt.Errorf("cometbft: %w", err)
	}
	if err := cmt.Start(); err != nil {
		// Start undid its own steps; release what NewNode opened.
		cmt.OnStop()
		_ = cmt.ProxyApp().Stop()
		return nil, nil, fmt.Errorf("start cometbft: %w", err)
	}
	stops.add(func() error { return stopCometBFT(cmt) })
	return cmt, failure, nil
}

// serveHTTP serves srv on ln in g until gctx ends, then shuts it down
// within httpShutdownTimeout; name says which server in errors. What is still
// open then is cut off and logged, not an error of the stop: a client's
// lingering connection must not turn an orderly stop into a failed one.
func serveHTTP(ctx context.Context, g *errgroup.Group, gctx context.Context, logger *slog.Logger, name string, srv *http.Server, ln net.Listener) {
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), httpShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
			logger.Warn("connections still open at shutdown were closed", "server", name, "waited", httpShutdownTimeout, "err", err)
		}
		return nil
	})
}

// watchConsensus returns when ctx ends (nil), or with the reason the node
// must stop: CometBFT stopped, consensus failed, or the app halted, in which
// case it first lets the peers decide the refused block.
func (n *Node) watchConsensus(ctx context.Context, p *parts, cmt *cmtnode.Node, consensusDone <-chan struct{}, failure *consensusFailure) error {
	a := p.app
	select {
	case <-ctx.Done():
		return nil
	case <-cmt.Quit():
		return ErrCometBFTStopped
	case <-a.Halted():
	case <-consensusDone:
		// The app's refusal also ends consensus; it is the reason then.
		if a.HaltErr() == nil {
			if !cmt.IsRunning() {
				return ErrCometBFTStopped
			}
			return failure.err()
		}
	}
	n.waitPeersDecided(ctx, p.chain, cmt)
	return a.HaltErr()
}

// checkDisk returns an error wrapping store.ErrLowDisk when the data
// directory's filesystem has less than redmx.storage.min_free_mb free.
func (n *Node) checkDisk() error {
	dir := n.cfg.CometBFT.DBDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return store.CheckFree(dir, n.cfg.Redmx.Storage.MinFreeMB, n.freeSpace)
}

// diskFull returns err, or, when err says that a write met a full disk
// (ENOSPC, which reaches the node only as the text of CometBFT's consensus
// failure), an error that also wraps store.ErrLowDisk, names the data
// directory and says what to do: the write came before the watchdog saw the
// disk fill, and the node stopped as cleanly as for a low disk.
func diskFull(err error, dir string) error {
	if err == nil || !errors.Is(err, syscall.ENOSPC) && !strings.Contains(err.Error(), syscall.ENOSPC.Error()) {
		return err
	}
	return fmt.Errorf("%w: a write under %s met a full disk: %w; free some space (or move the home to a larger disk) and start the node again",
		store.ErrLowDisk, dir, err)
}

// watchDisk returns nil when ctx ends, or the error of [Node.checkDisk]
// once the disk is nearly full: the node then stops cleanly, every store
// closed, before a write fails half done.
func (n *Node) watchDisk(ctx context.Context) error {
	if n.cfg.Redmx.Storage.MinFreeMB == 0 {
		return nil
	}
	tick := time.NewTicker(n.diskCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		err := n.checkDisk()
		if errors.Is(err, store.ErrLowDisk) {
			n.logger.Error("stopping: the disk is nearly full", "err", err)
			return err
		}
		if err != nil {
			n.logger.Warn("cannot read the free disk space", "err", err)
		}
	}
}

func (n *Node) logValidatorRole(pv *privval.FilePV) {
	addr := pv.GetAddress()
	for _, v := range n.genDoc.Validators {
		if v.Address.String() == addr.String() {
			n.logger.Info("genesis validator", "name", v.Name, "address", addr.String())
			return
		}
	}
	n.logger.Info("not a genesis validator", "address", addr.String())
}

// consensusEnded returns a channel closed when CometBFT's consensus routine
// has ended: after a panic in it (CometBFT logs "CONSENSUS FAILURE" and leaves
// the rest of the node running) or when CometBFT stops. If consensus never
// starts (the node stops while block syncing), the goroutine that waits for
// it lasts as long as the process.
func consensusEnded(cmt *cmtnode.Node) (<-chan struct{}, error) {
	// The consensus state is reachable only through the RPC environment.
	env, err := cmt.ConfigureRPC()
	if err != nil {
		return nil, fmt.Errorf("cometbft consensus state: %w", err)
	}
	cs, ok := env.ConsensusState.(*cmtcons.State)
	if !ok {
		return nil, fmt.Errorf("cometbft consensus state: unexpected type %T", env.ConsensusState)
	}
	done := make(chan struct{})
	go func() {
		cs.Wait()
		close(done)
	}()
	return done, nil
}

// consensusFailure keeps the reason CometBFT logs with its "CONSENSUS
// FAILURE", for the error the node stops with.
type consensusFailure struct {
	mu     sync.Mutex
	reason string
}

func (f *consensusFailure) set(reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reason == "" {
		f.reason = reason
	}
}

func (f *consensusFailure) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reason == "" {
		return ErrConsensusFailure
	}
	return fmt.Errorf("%w: %s", ErrConsensusFailure, f.reason)
}

// haltLinger bounds how long a node that stopped the chain keeps serving
// its peers the decision of the refused block.
const haltLinger = 10 * time.Second

// waitPeersDecided waits, after the app refused to finalize a block, until
// every connected peer has the commit of that block too (it entered the
// commit step of its height), within haltLinger. Until it does, this node
// gossips that commit; a node that stopped at once could leave a peer short
// of the votes it needs, stuck at that height without ever stopping.
func (n *Node) waitPeersDecided(ctx context.Context, idx *chain.Chain, cmt *cmtnode.Node) {
	head := idx.Head()
	if head == nil {
		return
	}
	height := head.Number.Int64() + 1
	decided := func() bool {
		for _, p := range cmt.Switch().Peers().Copy() {
			ps, ok := p.Get(cmttypes.PeerStateKey).(*cmtcons.PeerState)
			if !ok {
				return false
			}
			prs := ps.GetRoundState()
			if prs.Height < height || prs.Height == height && prs.Step < cstypes.RoundStepCommit {
				return false
			}
		}
		return true
	}
	deadline := time.NewTimer(haltLinger)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !decided() {
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			n.logger.Warn("stopping before every peer has the last block's commit", "height", height)
			return
		case <-tick.C:
		}
	}
}

// dbTracker opens CometBFT's databases and remembers them, so that they can
// be closed when CometBFT fails to start.
type dbTracker struct {
	mu  sync.Mutex
	dbs []*closedSafeDB
}

func (t *dbTracker) provider(ctx *cmtcfg.DBContext) (cmtdb.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err != nil {
		return nil, err
	}
	sdb := &closedSafeDB{DB: db}
	t.mu.Lock()
	t.dbs = append(t.dbs, sdb)
	t.mu.Unlock()
	return sdb, nil
}

func (t *dbTracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, db := range t.dbs {
		_ = db.Close() // best effort: the start already failed
	}
	t.dbs = nil
}

// closedSafeDB answers a read after Close as "not found" instead of an
// error. CometBFT's consensus reactor keeps a goroutine per peer that
// CometBFT's stop does not wait for; one that wakes after the block store is
// closed would read it, and the store panics on any read error, killing the
// process in the middle of a clean stop.
type closedSafeDB struct {
	cmtdb.DB
	mu     sync.RWMutex
	closed bool
}

func (d *closedSafeDB) Get(key []byte) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, nil
	}
	return d.DB.Get(key)
}

func (d *closedSafeDB) Has(key []byte) (bool, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false, nil
	}
	return d.DB.Has(key)
}

// Close waits for the reads in progress, and closes once.
func (d *closedSafeDB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	return d.DB.Close()
}

// stopCometBFT stops cmt and waits for it, within cometStopTimeout.
func stopCometBFT(cmt *cmtnode.Node) error {
	done := make(chan error, 1)
	go func() {
		var err error
		if cmt.IsRunning() {
			err = cmt.Stop()
		}
		cmt.Wait()
		// CometBFT's OnStop leaves the app connections running.
		if cmt.ProxyApp().IsRunning() {
			err = errors.Join(err, cmt.ProxyApp().Stop())
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(cometStopTimeout):
		return fmt.Errorf("%w after %s", errStillRunning, cometStopTimeout)
	}
}

// configuredPeers are the node IDs in CometBFT's persistent_peers, seeds and
// unconditional_peer_ids: the peer filter accepts them, so a node catching up
// reaches the peers its operator chose before its state knows them.
func configuredPeers(c *cmtcfg.Config) []string {
	var ids []string
	for _, list := range []string{c.P2P.PersistentPeers, c.P2P.Seeds, c.P2P.UnconditionalPeerIDs} {
		for _, p := range strings.Split(list, ",") {
			id, _, _ := strings.Cut(strings.TrimSpace(p), "@")
			if id != "" {
				ids = append(ids, strings.ToLower(id))
			}
		}
	}
	return ids
}

// persistentRedial is how often a persistent peer that is not connected is
// dialled again.
const persistentRedial = 5 * time.Second

// keepPersistentPeers dials again, every persistentRedial, the persistent
// peers that are not connected. CometBFT's own reconnect loop can end for
// good when a peer closes the connection right after the handshake — as a
// validator does while governance has not admitted this node yet — so a node
// started before its admission would otherwise never reach its peers.
func keepPersistentPeers(ctx context.Context, cmt *cmtnode.Node, peers string) {
	var addrs []*p2p.NetAddress
	for _, p := range strings.Split(peers, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if a, err := p2p.NewNetAddressString(p); err == nil {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return
	}
	tick := time.NewTicker(persistentRedial)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		sw := cmt.Switch()
		var missing []string
		for _, a := range addrs {
			if !sw.IsDialingOrExistingAddress(a) {
				missing = append(missing, a.String())
			}
		}
		if len(missing) > 0 {
			_ = sw.DialPeersAsync(missing) // addresses parsed above; failures are retried next tick
		}
	}
}

// dropDisallowedPeers disconnects, after each committed block, the connected
// peers that governance no longer admits (the filter only runs when a peer
// connects). It runs beside Commit, never in it, until ctx ends.
func (n *Node) dropDisallowedPeers(ctx context.Context, a *app.App, cmt *cmtnode.Node) {
	ch := make(chan core.ChainEvent, 16)
	sub := a.SubscribeChainEvent(ch)
	defer sub.Unsubscribe()
	since := make(map[string]uint64) // connected peers found not admitted, from which height
	for {
		var height uint64
		select {
		case <-ctx.Done():
			return
		case <-sub.Err():
			return
		case ev := <-ch:
			height = ev.Header.Number.Uint64()
		}
		// One pass serves every block announced meanwhile, so the feed
		// never waits on this loop.
	drained:
		for range cap(ch) {
			select {
			case ev := <-ch:
				height = ev.Header.Number.Uint64()
			default:
				break drained
			}
		}
		seen := make(map[string]uint64, len(since))
		for _, peer := range cmt.Switch().Peers().Copy() {
			id := string(peer.ID())
			if a.ConfiguredPeer(id) {
				continue
			}
			if ok, err := a.AllowedPeer(id); err != nil || ok {
				continue
			}
			first, found := since[id]
			if !found {
				first = height
			}
			seen[id] = first
			if height >= first+dropGrace {
				n.logger.Info("disconnecting a peer governance no longer admits", "peer", id)
				cmt.Switch().StopPeerForError(peer, "node not admitted by governance")
			}
		}
		since = seen
	}
}

// dropGrace is how many blocks a connected peer that governance stopped
// admitting stays connected: a removed validator keeps its power until the
// set changes (two heights on, as CometBFT applies updates) and meanwhile
// receives the blocks that tell it it was removed.
const dropGrace = 2

// drain empties what ch holds now (at most its capacity), so that one pass
// serves every event announced meanwhile.
func drain[T any](ch chan T) {
	for range cap(ch) {
		select {
		case <-ch:
		default:
			return
		}
	}
}
