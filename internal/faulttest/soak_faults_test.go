//go:build faults

package faulttest_test

import (
	"bufio"
	"context"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/load"
)

const (
	// mixedFirstKey is the first development key of the mixed load: the
	// keys below are crash_test's traffic's senders and recipients.
	mixedFirstKey = 2 * senders
	// mixedSenders is how many development keys send the mixed load.
	mixedSenders = 8
	// mixedMaxTxs bounds each mixed sender's transactions.
	mixedMaxTxs = 100_000

	// The soak's store: the smallest caches, the write buffer flushed often.
	soakCacheMB      = 16
	soakTrieCacheMB  = 32
	soakPersistEvery = 256

	// The warm-up's senders (development keys from the first, idle
	// before the mixed load starts), each with at most warmUpInFlight
	// transfers not yet mined: it goes at the pace the network mines.
	warmUpSenders  = 20
	warmUpInFlight = 20
)

// TestFaultSoak (row 1): four validators at the product's block time under a
// steady mixed load (native transfers, token deployments and token
// transfers) for pick(40 s, 30 min), or REDMX_FAULTS_SOAK. Every
// transaction sent is mined with status 1; the block intervals, from
// CometBFT's header times, have p50 ≤ 1.5 s and p99 ≤ 3 s; each node's
// resident memory, sampled from /proc, grows by less than 10 % after the
// warm-up (fillCaches, then the first fifth to settle): the peak of the
// last fifth against the peak of the second. Peaks, because the state flush makes a sawtooth. The nodes
// run with the smallest caches the store allows and flush their state every
// 256 blocks, so that bounded caches and the write buffer weigh least and
// cycle within the run: what is left to grow is what a leak would grow.
// The short version records the growth but judges it only in the long one.
func TestFaultSoak(t *testing.T) {
	fig := record(t, 1, "soak: 4 validators, mixed load")
	duration := pick(40*time.Second, 30*time.Minute)
	if d := os.Getenv("REDMX_FAULTS_SOAK"); d != "" {
		var err error
		if duration, err = time.ParseDuration(d); err != nil || duration < 10*time.Second {
			t.Fatalf("REDMX_FAULTS_SOAK=%q: want a duration of at least 10s, e.g. 2h", d)
		}
	}
	sampleEvery := pick(3*time.Second, 15*time.Second)
	// Each node serves its metrics, for the Go heap beside the RSS: what
	// grows outside it is the store's caches (pebble's, the trie caches).
	metricsAddrs, err := devnet.FreePorts(validators)
	if err != nil {
		t.Fatal(err)
	}
	fn := startNet(t, netOptions{TimeoutCommit: config.TimeoutCommit, Config: func(i int, f *config.File) {
		f.Redmx.Metrics.Enabled, f.Redmx.Metrics.Address = true, metricsAddrs[i]
		f.Redmx.Storage.CacheMB, f.Redmx.Storage.TrieCacheMB, f.Redmx.Storage.PersistEvery = soakCacheMB, soakTrieCacheMB, soakPersistEvery
	}})
	c := fn.c
	fig.add("duration", "%s at timeout_commit %s; cache_mb %d, trie_cache_mb %d, persist_every %d",
		duration, config.TimeoutCommit, soakCacheMB, soakTrieCacheMB, soakPersistEvery)

	warmUp := pick(10*time.Second, 8*time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), warmUp+duration+10*time.Minute)
	defer cancel()
	fillCaches(ctx, t, fig, fn, warmUp)
	from := c.maxHeight(ctx, t, c.all())
	load := startMixedLoad(t, c, mixedSenders, 250*time.Millisecond)
	start := time.Now()
	// Peak VmRSS (KiB) and Go heap in use (bytes) of each node in each fifth.
	var rssPeak, heapPeak [5][]int64
	for f := range 5 {
		rssPeak[f], heapPeak[f] = make([]int64, validators), make([]int64, validators)
	}
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for now := start; now.Sub(start) < duration; now = time.Now() {
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-tick.C:
		}
		if err := load.failed(); err != nil {
			t.Fatal(err)
		}
		for _, p := range fn.procs.List() {
			if err := exitedEarly(p); err != nil {
				t.Fatal(err)
			}
		}
		rss, heap := nodesRSS(t, fn.procs), nodesHeap(ctx, t, metricsAddrs)
		fifth := min(int(5*time.Since(start)/duration), 4)
		for i := range validators {
			rssPeak[fifth][i] = max(rssPeak[fifth][i], rss[i])
			heapPeak[fifth][i] = max(heapPeak[fifth][i], heap[i])
		}
		t.Logf("at %s: RSS KiB %v, Go heap in use MiB %v", time.Since(start).Round(time.Second), rss, mibs(heap))
	}
	load.stop(t)
	to := c.maxHeight(ctx, t, c.all())
	elapsed := time.Since(start)
	opsWaitHeight(ctx, t, c, c.all(), to) // node0 may be a block behind

	sent, mined, reverted, lat := load.totals()
	fig.add("transactions", "%d sent, %d mined (%d reverted), %.0f tx/s", sent, mined, reverted, float64(mined)/elapsed.Seconds())
	if mined != sent || reverted != 0 {
		t.Errorf("%d transactions sent, %d mined, %d of them reverted; want every one mined with status 1", sent, mined, reverted)
	}
	fig.add("receipt latency", "p50 %s, p99 %s", percentile(lat, 50), percentile(lat, 99))

	intervals := blockIntervals(ctx, t, fn.net.Nodes[0].CometRPC, int64(from)+1, int64(to))
	p50, p99 := percentile(intervals, 50), percentile(intervals, 99)
	fig.add("block interval", "p50 %s, p99 %s, max %s over %d blocks", p50, p99, slices.Max(intervals).Round(time.Millisecond), len(intervals))
	if p50 > 1500*time.Millisecond || p99 > 3*time.Second {
		t.Errorf("block interval p50 %s, p99 %s; want ≤ 1.5 s and ≤ 3 s", p50, p99)
	}

	for i, name := range c.names {
		var peaks []string
		for f := range 5 {
			peaks = append(peaks, strconv.FormatInt(rssPeak[f][i]>>10, 10))
		}
		warm, last := rssPeak[1][i], rssPeak[4][i]
		growth := 100 * float64(last-warm) / float64(warm)
		fig.add("RSS "+name, "peak of each fifth %s MiB: %+.1f %% after the warm-up (Go heap in use peaks %d, then %d MiB)",
			strings.Join(peaks, ", "), growth, heapPeak[1][i]>>20, heapPeak[4][i]>>20)
		switch {
		case !long:
			t.Logf("%s RSS %+.1f %% (judged in the long version only)", name, growth)
		case growth >= 10:
			t.Errorf("%s RSS peak grew %.1f %% after the warm-up, want < 10 %%", name, growth)
		}
	}
	if !long {
		fig.add("RSS growth", "recorded, judged in the long version only")
	}
	verifyReceipts(t, c, c.all(), load.snapshot())
	fig.add("heights compared", "%d", noFork(ctx, t, c, c.all(), 1, to))
}

// fillCaches is the soak's warm-up: transfers to new accounts, as many as
// the network mines, for d, each adding an account to the state, so that the
// store's bounded caches (the clean trie and state caches, pebble's block
// cache) are full before memory is measured rather than filling through
// it. The mixed load alone fills them at about 1 MiB a minute.
func fillCaches(ctx context.Context, t *testing.T, fig *figures, fn *faultNet, d time.Duration) {
	t.Helper()
	var urls []string
	for _, n := range fn.net.Nodes {
		urls = append(urls, "http://"+n.RPC)
	}
	r, err := load.Run(ctx, load.Config{URLs: urls, Kind: "native", NewAccounts: true, Senders: warmUpSenders, InFlight: warmUpInFlight, Duration: d, Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("warm-up: %s", r)
	if r.Refused != 0 || r.Mined != r.Submitted {
		t.Fatalf("warm-up: %s; want every transfer accepted and mined", r)
	}
	fig.add("warm-up", "%s of transfers to new accounts, not measured: %d accounts added at %.0f tx/s", d, r.Mined, r.TPS)
}

func mibs(bytes []int64) []int64 {
	out := make([]int64, len(bytes))
	for i, b := range bytes {
		out[i] = b >> 20
	}
	return out
}

// nodesRSS is each node process's resident memory (VmRSS, KiB).
func nodesRSS(t *testing.T, procs *devnet.Processes) []int64 {
	t.Helper()
	var out []int64
	for _, p := range procs.List() {
		kb, err := vmRSS(p.PID)
		if err != nil {
			t.Fatalf("%s (pid %d): %v", p.Name, p.PID, err)
		}
		out = append(out, kb)
	}
	return out
}

// nodesHeap is each node's Go heap in use (go_memstats_heap_inuse_bytes),
// read from its metrics at addrs.
func nodesHeap(ctx context.Context, t *testing.T, addrs []string) []int64 {
	t.Helper()
	var out []int64
	for _, addr := range addrs {
		v, err := scrapeGauge(ctx, "http://"+addr+"/metrics", "go_memstats_heap_inuse_bytes")
		if err != nil {
			t.Fatalf("metrics of %s: %v", addr, err)
		}
		out = append(out, v)
	}
	return out
}

// scrapeGauge reads one unlabelled sample from a Prometheus text page.
func scrapeGauge(ctx context.Context, url, name string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := cometClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s", name)
}

// vmRSS reads VmRSS, in KiB, from /proc/<pid>/status.
func vmRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// blockIntervals are the differences of consecutive CometBFT header times
// from height lo-1 to hi.
func blockIntervals(ctx context.Context, t *testing.T, addr string, lo, hi int64) []time.Duration {
	t.Helper()
	hs, err := cometHeaders(ctx, addr, lo-1, hi)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Duration
	for i := 1; i < len(hs); i++ {
		out = append(out, hs[i].Time.Sub(hs[i-1].Time))
	}
	return out
}

// mixedLoad sends, from mixedSenders development keys, each one transaction
// at a time at most every interval: a token deployment first, then native
// transfers to new accounts and token transfers in turn. Every transaction's
// receipt is awaited (sent again to the next node while it has none), and
// recorded with its latency.
type mixedLoad struct {
	c        *cluster
	cancel   context.CancelFunc
	stopping chan struct{} // closed: each sender ends after its transaction in flight
	wg       sync.WaitGroup

	mu        sync.Mutex
	sent      int
	reverted  int
	latencies []time.Duration
	seen      map[common.Hash]receipt
	err       error
}

func startMixedLoad(t *testing.T, c *cluster, n int, interval time.Duration) *mixedLoad {
	ctx, cancel := context.WithCancel(t.Context())
	l := &mixedLoad{c: c, cancel: cancel, stopping: make(chan struct{}), seen: make(map[common.Hash]receipt)}
	t.Cleanup(func() { l.cancel(); l.wg.Wait() })
	for s := range n {
		l.wg.Go(func() { l.send(ctx, s, interval) })
	}
	return l
}

var soakToken = contracts.Token()

func (l *mixedLoad) send(ctx context.Context, s int, interval time.Duration) {
	key := ethtest.DevKey(mixedFirstKey + s)
	from := ethtest.Address(key)
	var nonce hexutil.Uint64
	if err := l.c.call(ctx, s%len(l.c.clients), &nonce, "eth_getTransactionCount", from, "pending"); err != nil {
		l.fail(fmt.Errorf("mixed sender %d: nonce: %w", s, err))
		return
	}
	tokenAddr := crypto.CreateAddress(from, uint64(nonce))
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for k := range mixedMaxTxs {
		n := uint64(nonce) + uint64(k)
		to := common.BigToAddress(big.NewInt(int64(1_000_000*(s+1) + k)))
		var tx *types.Transaction
		switch {
		case k == 0:
			tx = ethtest.Deploy(key, l.c.chainID, n, soakToken.DeployData("Soak", "SOK", big.NewInt(1e18)), 2_000_000)
		case k%2 == 1:
			tx = ethtest.Transfer(key, l.c.chainID, n, to, big.NewInt(int64(k)))
		default:
			tx = ethtest.Call(key, l.c.chainID, n, tokenAddr, soakToken.Pack("transfer", to, big.NewInt(int64(k))), 100_000)
		}
		l.mu.Lock()
		l.sent++
		l.mu.Unlock()
		start := time.Now()
		r, err := sendUntilMined(ctx, l.c, s, tx)
		if err != nil {
			l.fail(fmt.Errorf("mixed sender %d: %w", s, err))
			return
		}
		l.mu.Lock()
		l.seen[tx.Hash()] = *r
		l.latencies = append(l.latencies, time.Since(start))
		if r.Status != types.ReceiptStatusSuccessful {
			l.reverted++
		}
		l.mu.Unlock()
		select {
		case <-l.stopping:
			return
		case <-tick.C:
		}
	}
}

// sendUntilMined sends tx to the nodes in turn from node s and waits for its
// receipt, for at most phaseTimeout.
func sendUntilMined(ctx context.Context, c *cluster, s int, tx *types.Transaction) (*receipt, error) {
	const maxPolls = int(phaseTimeout / pollInterval)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var resendAt time.Time
	for poll := range maxPolls {
		node := (s + poll) % len(c.clients)
		if now := time.Now(); now.After(resendAt) {
			// Errors are expected ("already known", a node restarting);
			// the receipt decides.
			_ = c.sendTx(ctx, node, tx)
			resendAt = now.Add(resendEvery)
		}
		if r, err := c.receipt(ctx, node, tx.Hash()); err == nil && r != nil {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
	return nil, fmt.Errorf("no receipt for %s (nonce %d) within %s", tx.Hash(), tx.Nonce(), phaseTimeout)
}

func (l *mixedLoad) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
	}
}

func (l *mixedLoad) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// totals are the transactions sent and mined, how many of those reverted,
// and every receipt's latency.
func (l *mixedLoad) totals() (sent, mined, reverted int, latencies []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent, len(l.seen), l.reverted, slices.Clone(l.latencies)
}

func (l *mixedLoad) snapshot() map[common.Hash]receipt {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[common.Hash]receipt, len(l.seen))
	for h, r := range l.seen {
		out[h] = r
	}
	return out
}

// stop stops the senders, each after its transaction in flight, and fails t
// if one failed.
func (l *mixedLoad) stop(t *testing.T) {
	t.Helper()
	close(l.stopping)
	l.wg.Wait()
	if err := l.failed(); err != nil {
		t.Fatal(err)
	}
}
