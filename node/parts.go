package node

import (
	"log/slog"
	"strings"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/metrics"
	"github.com/redmx/redmx/store"
	"github.com/redmx/redmx/txpool"
)

// knownUpgrades are the named upgrades this binary implements; none yet. A
// release that implements one lists it here, and the chain stops at any
// other that governance schedules. A build for rehearsing an upgrade on a
// test network adds rehearsalUpgrades.
func knownUpgrades() []string { return rehearsalUpgradeNames(rehearsalUpgrades) }

// rehearsalUpgrades names, separated by commas, upgrades that change
// nothing, for rehearsing the replacement of binaries before a scheduled
// upgrade on a test network (the fault suite does): such a build is set with
// -ldflags "-X github.com/redmx/redmx/node.rehearsalUpgrades=v-next". A
// release leaves it empty.
var rehearsalUpgrades = ""

// rehearsalUpgradeNames splits a rehearsalUpgrades value, dropping empty
// names.
func rehearsalUpgradeNames(v string) []string {
	var names []string
	for n := range strings.SplitSeq(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// parts are a node's components over one store, built by [build]: the app
// is given the others, and the RPC backend serves from them.
type parts struct {
	db    *store.DB
	gen   *genesis.AppState
	chain *chain.Chain
	exec  *execution.Executor
	pool  *txpool.Pool
	app   *app.App
}

// headHeight is the height of the latest committed block (0 before block 1).
func (p *parts) headHeight() uint64 {
	if h := p.chain.Head(); h != nil {
		return h.Number.Uint64()
	}
	return 0
}

// appSettings are the node-local settings of the app and its pool.
type appSettings struct {
	pool          txpool.Config
	peers         []string
	self          string // this node's p2p ID (app.Config.Self)
	blockMaxBytes int64
	// chainCache bounds each of the chain index's caches of recent blocks
	// and receipts (0: chain.DefaultCacheBytes).
	chainCache int
	// blockHistory and evidenceBlocks bound pruning (app.Config).
	blockHistory   uint64
	evidenceBlocks uint64
	appVersion     uint64
	knownUpgrades  []string
	snapshots      *store.Snapshots // nil: none written or served
	snapshot       store.SnapshotOptions
	logger         *slog.Logger     // nil: discarded
	metrics        *metrics.Metrics // nil: off
}

// build makes the components of a node over db for the chain of gen.
func build(db *store.DB, gen *genesis.AppState, s appSettings) (*parts, error) {
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.chainCache == 0 {
		s.chainCache = chain.DefaultCacheBytes
	}
	cc := gen.ChainConfig()
	gov := governance.New()
	p := &parts{db: db, gen: gen, chain: chain.New(db.KV(), cc, s.chainCache)}
	p.exec = execution.New(cc, p.chain, gov)
	p.pool = txpool.New(s.pool, p.exec, s.logger)
	var obs app.Observer
	if s.metrics != nil {
		p.pool.SetObserver(s.metrics)
		s.metrics.WatchPool(p.pool.Usage)
		s.metrics.WatchStateLayers(db.StateLayersBytes)
		obs = s.metrics
	}
	a, err := app.New(app.Config{
		DB:             db,
		Genesis:        gen,
		Chain:          p.chain,
		Executor:       p.exec,
		Pool:           p.pool,
		Governance:     gov,
		KnownUpgrades:  s.knownUpgrades,
		Peers:          s.peers,
		Self:           s.self,
		BlockMaxBytes:  s.blockMaxBytes,
		BlockHistory:   s.blockHistory,
		EvidenceBlocks: s.evidenceBlocks,
		AppVersion:     s.appVersion,
		Snapshots:      s.snapshots,
		Snapshot:       s.snapshot,
		Logger:         s.logger,
		Observer:       obs,
	})
	if err != nil {
		return nil, err
	}
	p.app = a
	s.metrics.SetHeight(p.headHeight())
	return p, nil
}
