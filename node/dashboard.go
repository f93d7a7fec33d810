package node

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/store"
	cmttypes "github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/dashboard"
	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/internal/version"
)

// newStatusReactor makes the reactor that gossips signed status reports;
// it keeps those of the nodes governance admits (or this node's operator
// configured) and of this node.
func newStatusReactor(nodeKey *p2p.NodeKey, a *app.App, logger *slog.Logger) *status.Reactor {
	self := string(nodeKey.ID())
	book := status.NewBook(status.DefaultMaxNodes, func(id string) bool {
		if id == self || a.ConfiguredPeer(id) {
			return true
		}
		ok, err := a.AllowedPeer(id)
		return err == nil && ok
	})
	// Reports carry the time of the clock CometBFT signs votes with (the
	// wall clock, but in a fault test's build), so the skew the others see
	// is the one consensus sees.
	return status.NewReactor(ed25519.PrivateKey(nodeKey.PrivKey.Bytes()), book, logger, cmttime.Now)
}

// startDashboard makes this node report its status through r and returns
// the dashboard over the node's parts, kept current in g until ctx ends.
func (n *Node) startDashboard(r *status.Reactor, b *backend, cmt *cmtnode.Node, pv cmttypes.PrivValidator, consensusDone <-chan struct{}) (*dashboard.Server, func(context.Context), error) {
	env, err := cmt.ConfigureRPC()
	if err != nil {
		return nil, nil, fmt.Errorf("dashboard: %w", err)
	}
	started := time.Now().UnixMilli()
	var valAddr string
	if pv != nil {
		if pk, err := pv.GetPubKey(); err == nil {
			valAddr = pk.Address().String()
		}
	}
	home := n.cfg.CometBFT.DBDir()
	r.SetSource(func() status.Report {
		bs := cmt.BlockStore()
		h := bs.Height()
		rep := status.Report{
			NodeID:    string(cmt.NodeInfo().ID()),
			Moniker:   n.cfg.CometBFT.Moniker,
			Network:   n.genDoc.ChainID,
			Started:   started,
			Height:    h,
			Peers:     cmt.Switch().Peers().Size(),
			Version:   version.ClientVersion(),
			Upgrades:  n.upgrades,
			Validator: valAddr,
			Resources: status.HostResources(home),
		}
		if meta := bs.LoadBlockMeta(h); meta != nil {
			rep.LastBlockTime = meta.Header.Time.UnixMilli()
		}
		select {
		case <-consensusDone:
		default:
			rep.ConsensusAlive = b.app.HaltErr() == nil
		}
		rep.CatchingUp = cmt.ConsensusReactor().WaitSync()
		return rep
	})
	d := dashboard.New(dashboard.Config{
		Backend:  b,
		Blocks:   cometBlocks{BlockStore: cmt.BlockStore(), st: env.StateStore},
		Book:     r.Book(),
		Peers:    func() []dashboard.Peer { return peersOf(cmt) },
		NodeID:   string(cmt.NodeInfo().ID()),
		Moniker:  n.cfg.CometBFT.Moniker,
		ChainID:  n.genDoc.ChainID,
		Upgrades: n.upgrades,
		Logger:   n.logger.With("module", "dashboard"),
	})
	return d, d.Run, nil
}

// withDashboard serves d under /dashboard and everything else with rpc.
func withDashboard(rpc http.Handler, d *dashboard.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/dashboard" || strings.HasPrefix(r.URL.Path, "/dashboard/") {
			d.ServeHTTP(w, r)
			return
		}
		rpc.ServeHTTP(w, r)
	})
}

func peersOf(cmt *cmtnode.Node) []dashboard.Peer {
	var out []dashboard.Peer
	for _, p := range cmt.Switch().Peers().Copy() {
		dp := dashboard.Peer{ID: string(p.ID()), Inbound: !p.IsOutbound()}
		if info, ok := p.NodeInfo().(p2p.DefaultNodeInfo); ok {
			dp.Moniker = info.Moniker
		}
		if a := p.SocketAddr(); a != nil {
			dp.Addr = a.String()
		}
		out = append(out, dp)
	}
	return out
}

// cometBlocks reads blocks from CometBFT's block store and validator sets
// from its state store.
type cometBlocks struct {
	*store.BlockStore
	st sm.Store
}

func (c cometBlocks) Validators(h int64) (*cmttypes.ValidatorSet, error) {
	return c.st.LoadValidators(h)
}
