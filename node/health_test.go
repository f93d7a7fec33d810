package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// monitoredNet is a devnet whose nodes run in this process with metrics on
// a free loopback port each, and can be stopped and started one by one.
type monitoredNet struct {
	t     *testing.T
	net   *devnet.Network
	nodes []*runningNode
}

type runningNode struct {
	node   *node.Node
	cancel context.CancelFunc
	done   chan error
}

// startMonitored generates a network of n validators and starts them with
// [redmx.metrics] on and /readyz bounded to maxAge.
func startMonitored(t *testing.T, n int, maxAge time.Duration) *monitoredNet {
	t.Helper()
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: n, TimeoutCommit: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	m := &monitoredNet{t: t, net: net, nodes: make([]*runningNode, n)}
	t.Cleanup(func() {
		for i := range m.nodes {
			m.stop(i)
		}
	})
	for i := range n {
		m.start(i, maxAge)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	for i, rn := range m.nodes {
		select {
		case <-rn.node.Ready():
		case err := <-rn.done:
			m.nodes[i] = nil // stopped: nothing for the cleanup to wait on
			t.Fatalf("node %d stopped while starting: %v", i, err)
		case <-ctx.Done():
			t.Fatalf("node %d did not start", i)
		}
	}
	return m
}

func (m *monitoredNet) start(i int, maxAge time.Duration) {
	m.t.Helper()
	home := m.net.Home(i)
	f, err := config.LoadFile(home)
	if err != nil {
		m.t.Fatal(err)
	}
	f.Redmx.Metrics.Enabled = true
	f.Redmx.Metrics.Address = "127.0.0.1:0"
	f.Redmx.Metrics.ReadyMaxBlockAge = maxAge
	logger := slog.New(slog.NewTextHandler(m.t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", i)
	nd, err := node.NewWithConfig(home, f, logger)
	if err != nil {
		m.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rn := &runningNode{node: nd, cancel: cancel, done: make(chan error, 1)}
	m.nodes[i] = rn
	go func() { rn.done <- nd.Run(ctx) }()
}

// stop stops node i and waits for it, within 30 s; a no-op if stopped.
func (m *monitoredNet) stop(i int) {
	rn := m.nodes[i]
	if rn == nil {
		return
	}
	m.nodes[i] = nil
	rn.cancel()
	select {
	case err := <-rn.done:
		if err != nil {
			m.t.Errorf("node %d: %v", i, err)
		}
	case <-time.After(30 * time.Second):
		m.t.Errorf("node %d did not stop within 30s", i)
	}
}

// waitReady waits until node i has started (after a start).
func (m *monitoredNet) waitStarted(ctx context.Context, i int) {
	m.t.Helper()
	select {
	case <-m.nodes[i].node.Ready():
	case err := <-m.nodes[i].done:
		m.t.Fatalf("node %d stopped while starting: %v", i, err)
	case <-ctx.Done():
		m.t.Fatalf("node %d did not start", i)
	}
}

var probeClient = &http.Client{Timeout: 2 * time.Second}

// Readiness is /readyz's answer.
type Readiness = node.Readiness

// readyz asks url's /readyz and returns the status and the decoded answer.
func readyz(ctx context.Context, base string) (int, node.Readiness, error) {
	var rd node.Readiness
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
	if err != nil {
		return 0, rd, err
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return 0, rd, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&rd); err != nil {
		return resp.StatusCode, rd, fmt.Errorf("/readyz body: %w", err)
	}
	return resp.StatusCode, rd, nil
}

// scrape reads the metrics at base/metrics.
func scrape(ctx context.Context, base string) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("/metrics: %s: %s", resp.Status, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(resp.Body)
}

// value is the sum of a family's samples whose labels include want
// (counter, gauge or untyped value; a histogram's count), and whether any
// matched.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	var sum float64
	found := false
next:
	for _, m := range f.GetMetric() {
		for k, v := range want {
			match := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					match = true
				}
			}
			if !match {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum, found
}

// TestReadyzFollowsConsensus: four validators answer /readyz 200 on the RPC
// port and on the metrics listener, and /healthz "ok"; with two of them
// stopped the chain halts, and within 15 s the two left answer 503 "no block
// for …" on both ports (while /healthz stays up); started again, every node
// is ready again.
func TestReadyzFollowsConsensus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-validator network")
	}
	const maxAge = 3 * time.Second
	m := startMonitored(t, 4, maxAge)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	bases := func(i int) []string {
		nd := m.nodes[i].node
		return []string{"http://" + nd.RPCAddr().String(), "http://" + nd.MetricsAddr().String()}
	}
	// waitStatus waits until both of node i's /readyz answer want, with
	// reason in the answer, at a height of at least minHeight.
	waitStatus := func(i int, want int, reason string, minHeight int64) Readiness {
		t.Helper()
		var last Readiness
		for _, base := range bases(i) {
			testnet.WaitFor(ctx, t, fmt.Sprintf("node %d %s/readyz %d", i, base, want), func() error {
				code, rd, err := readyz(ctx, base)
				if err != nil {
					return err
				}
				if code != want || !strings.Contains(rd.Reason, reason) || rd.Height < minHeight || rd.Ready != (want == http.StatusOK) {
					return fmt.Errorf("%d %+v", code, rd)
				}
				last = rd
				return nil
			})
		}
		return last
	}
	for i := range 4 {
		waitStatus(i, http.StatusOK, "", 3) // the chain makes blocks
		for _, base := range bases(i) {
			resp, err := probeClient.Get(base + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(b) != "ok\n" {
				t.Fatalf("node %d %s/healthz: %s %q", i, base, resp.Status, b)
			}
		}
	}

	m.stop(2)
	m.stop(3)
	halted := time.Now()
	var haltHeight int64
	for i := range 2 {
		haltHeight = max(haltHeight, waitStatus(i, http.StatusServiceUnavailable, "no block for", 0).Height)
	}
	took := time.Since(halted)
	t.Logf("both remaining nodes answered 503 %s after the chain lost its quorum (bound %s)", took.Round(time.Millisecond), maxAge)
	if took > 15*time.Second {
		t.Errorf("not ready reported %s after the halt, want within 15s", took)
	}
	_, rd, _ := readyz(ctx, bases(0)[0])
	t.Logf("node 0 /readyz: %+v", rd)
	if resp, err := probeClient.Get(bases(0)[0] + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz of a live process whose chain halted: %v %v", resp, err)
	}

	m.start(2, maxAge)
	m.start(3, maxAge)
	m.waitStarted(ctx, 2)
	m.waitStarted(ctx, 3)
	// A restarted node's height gauge starts from its store, not from 0.
	fams, err := scrape(ctx, bases(2)[1])
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := value(fams, "redmx_block_height", nil); h < 3 {
		t.Errorf("restarted node 2: redmx_block_height %v, want its stored height (at least 3)", h)
	}
	for i := range 4 {
		waitStatus(i, http.StatusOK, "", haltHeight+1) // blocks again
	}
}

// sendTransfers sends n transfers through node 0's RPC and waits until they
// are mined.
func sendTransfers(ctx context.Context, t *testing.T, m *monitoredNet, n uint64) {
	t.Helper()
	ec, err := ethclient.DialContext(ctx, "http://"+m.nodes[0].node.RPCAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	key := ethtest.DevKey(0)
	nonce, err := ec.PendingNonceAt(ctx, ethtest.Address(key))
	if err != nil {
		t.Fatal(err)
	}
	to := common.HexToAddress("0x00000000000000000000000000000000000000cc")
	for k := range n {
		if err := ec.SendTransaction(ctx, ethtest.Transfer(key, m.net.ChainID, nonce+k, to, big.NewInt(1))); err != nil {
			t.Fatal(err)
		}
	}
	testnet.WaitFor(ctx, t, "the transfers mined", func() error {
		got, err := ec.NonceAt(ctx, ethtest.Address(key), nil)
		if err != nil {
			return err
		}
		if got < nonce+n {
			return fmt.Errorf("nonce %d", got)
		}
		return nil
	})
}

// TestMetricsMove: /metrics serves redmx's series and CometBFT's from one
// registry per node, and they move: the height rises, and a few transfers
// show in the execution histogram, the transactions counter, the pool's
// admissions and the RPC counters by method.
func TestMetricsMove(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-validator network")
	}
	m := startMonitored(t, 4, 15*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	base := "http://" + m.nodes[0].node.MetricsAddr().String()
	before, err := scrape(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cometbft_consensus_height", "redmx_block_height", "redmx_block_execution_seconds",
		"redmx_block_commit_seconds", "redmx_txpool_transactions", "go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := before[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	// Every node's registry is its own: node 1 has its CometBFT series too.
	if f, err := scrape(ctx, "http://"+m.nodes[1].node.MetricsAddr().String()); err != nil || f["cometbft_consensus_height"] == nil {
		t.Errorf("node 1's /metrics lacks cometbft_consensus_height (%v)", err)
	}

	const txs = 5
	sendTransfers(ctx, t, m, txs)
	var after map[string]*dto.MetricFamily
	testnet.WaitFor(ctx, t, "the series moved", func() error {
		var err error
		if after, err = scrape(ctx, base); err != nil {
			return err
		}
		for _, c := range []struct {
			name   string
			labels map[string]string
			min    float64
		}{
			{"redmx_block_height", nil, 2},
			{"cometbft_consensus_height", nil, 2},
			{"redmx_block_execution_seconds", nil, 1},
			{"redmx_transactions_total", nil, txs},
			{"redmx_txpool_admitted_total", map[string]string{"lane": "member"}, txs},
			{"redmx_rpc_requests_total", map[string]string{"method": "eth_sendRawTransaction"}, txs},
			{"redmx_rpc_request_duration_seconds", map[string]string{"method": "eth_sendRawTransaction"}, txs},
			{"redmx_gas_charged_total", map[string]string{"kind": "capital"}, txs * 21000},
		} {
			v0, _ := value(before, c.name, c.labels)
			v1, ok := value(after, c.name, c.labels)
			if !ok || v1-v0 < c.min {
				return fmt.Errorf("%s%v rose from %v to %v, want at least +%v", c.name, c.labels, v0, v1, c.min)
			}
		}
		if peers, _ := value(after, "cometbft_p2p_peers", nil); peers < 3 {
			return fmt.Errorf("cometbft_p2p_peers %v, want 3", peers)
		}
		return nil
	})
	h0, _ := value(before, "redmx_block_height", nil)
	h1, _ := value(after, "redmx_block_height", nil)
	e1, _ := value(after, "redmx_block_execution_seconds", nil)
	t.Logf("height %v -> %v; %v blocks executed; %d families", h0, h1, e1, len(after))
}
