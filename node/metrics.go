package node

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/cometbft/cometbft/blocksync"
	cmtcons "github.com/cometbft/cometbft/consensus"
	mempl "github.com/cometbft/cometbft/mempool"
	cmtnode "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/proxy"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/statesync"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/redmx/redmx/metrics"
	"github.com/redmx/redmx/rpc"
)

// listenMetrics makes the node's metrics and binds their listener, when
// [redmx.metrics] is enabled: a busy port fails before anything starts.
func (n *Node) listenMetrics(stops *stopSteps) (net.Listener, error) {
	mc := n.cfg.Redmx.Metrics
	if !mc.Enabled {
		return nil, nil
	}
	ln, err := net.Listen("tcp", mc.Address)
	if err != nil {
		return nil, fmt.Errorf("redmx.metrics.address: %w", err)
	}
	stops.add(func() error { ln.Close(); return nil })
	n.metrics = metrics.New(rpc.Methods(n.cfg.Redmx.RPC))
	if n.cfg.CometBFT.Instrumentation.Prometheus {
		n.logger.Warn("instrumentation.prometheus is on, but CometBFT's metrics are served with redmx's on [redmx.metrics]; CometBFT's own listener serves none of them: turn it off")
	}
	return ln, nil
}

// MetricsAddr is the address the metrics listener is bound to, or nil when
// metrics are off or before [Node.Ready].
func (n *Node) MetricsAddr() net.Addr {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.metricsAddr
}

// cometMetrics is CometBFT's metrics provider: into the node's registry
// when metrics are on, else CometBFT's default (its own listener, if its
// instrumentation is on).
func (n *Node) cometMetrics() cmtnode.MetricsProvider {
	if n.metrics == nil {
		return cmtnode.DefaultMetricsProvider(n.cfg.CometBFT.Instrumentation)
	}
	reg, ns := n.metrics.Registry(), n.cfg.CometBFT.Instrumentation.Namespace
	return func(chainID string) (*cmtcons.Metrics, *p2p.Metrics, *mempl.Metrics, *sm.Metrics, *proxy.Metrics, *blocksync.Metrics, *statesync.Metrics) {
		defer registerInto(reg)()
		return cmtcons.PrometheusMetrics(ns, "chain_id", chainID),
			p2p.PrometheusMetrics(ns, "chain_id", chainID),
			mempl.PrometheusMetrics(ns, "chain_id", chainID),
			sm.PrometheusMetrics(ns, "chain_id", chainID),
			proxy.PrometheusMetrics(ns, "chain_id", chainID),
			blocksync.PrometheusMetrics(ns, "chain_id", chainID),
			statesync.PrometheusMetrics(ns, "chain_id", chainID)
	}
}

// defaultRegistererMu serialises the swaps of registerInto.
var defaultRegistererMu sync.Mutex

// registerInto points Prometheus's default registerer at reg until the
// returned func is called. CometBFT's metrics register themselves into the
// default registerer, which holds one set per process; a node's own
// registry holds them instead, so that each node of a process (tests run
// several) has its own and one listener serves them with redmx's.
func registerInto(reg prometheus.Registerer) (restore func()) {
	defaultRegistererMu.Lock()
	saved := prometheus.DefaultRegisterer
	prometheus.DefaultRegisterer = reg
	return func() {
		prometheus.DefaultRegisterer = saved
		defaultRegistererMu.Unlock()
	}
}

// serveMetrics serves /metrics, /healthz and /readyz on ln in g until gctx
// ends.
func (n *Node) serveMetrics(ctx context.Context, g *errgroup.Group, gctx context.Context, ln net.Listener, h *health) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", n.metrics.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { h.serveHealth(w, r) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { h.serveHealth(w, r) })
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	serveHTTP(ctx, g, gctx, n.logger, "metrics server", srv, ln)
}
