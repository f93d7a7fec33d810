package faulttest_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

const (
	validators = 4
	// blockTime is CometBFT's timeout_commit in the test network.
	blockTime = 300 * time.Millisecond
	// senders is how many development accounts send transfers, one
	// transfer at a time each, so a lost pool costs at most one resend each.
	senders = 4
	// maxTransfers bounds each sender's transfers over the whole test.
	maxTransfers = 2000
	// resendEvery is how often a transfer without a receipt is sent again,
	// to the next node: its first node may have died with it in its pool.
	resendEvery = time.Second
	// pollInterval is how often the traffic polls for a receipt.
	pollInterval = 50 * time.Millisecond
	// callTimeout bounds every JSON-RPC call of the test.
	callTimeout = 3 * time.Second
	// phaseTimeout bounds each wait of the test.
	phaseTimeout = 45 * time.Second
	// minAdvance is how many heights the chain must finalise after a fault.
	minAdvance = 3
	// minNewReceipts is how many receipts must arrive after a fault, in
	// blocks finalised after it.
	minNewReceipts = 5
)

// TestKillAndRestart runs four validators, each its own `redmx start`
// process, under a steady flow of transfers sent through JSON-RPC, and kills
// them with SIGKILL: first one validator, then all four at once. After each
// kill the chain must keep (or resume) finalising, the restarted nodes must
// catch up and agree on block hashes, and every receipt seen before the kill
// must still be served, with the same block hash and status, by every node
// (architecture.md, decisions 12 and 13).
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the redmx binary and runs four node processes")
	}
	bin := testnet.BuildRedmx(t)
	net, err := devnet.Generate(filepath.Join(t.TempDir(), "net"), devnet.Config{Validators: validators, TimeoutCommit: blockTime})
	if err != nil {
		t.Fatalf("generate network: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logNodeLogs(t, net)
		}
	})
	logger := slog.New(slog.NewTextHandler(t.Output(), nil)).With("module", "supervisor")
	procs, err := devnet.StartProcesses(net, bin, logger, nil)
	if err != nil {
		t.Fatalf("start nodes: %v", err)
	}
	t.Cleanup(func() { procs.Stop(20 * time.Second) }) // runs before the log dump above
	c := dialCluster(t, net)

	ctx, cancel := context.WithTimeout(t.Context(), phaseTimeout)
	defer cancel()
	if err := procs.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	tr := startTraffic(t, c)
	testnet.WaitFor(ctx, t, fmt.Sprintf("%d receipts", 4*senders), func() error {
		if n := tr.count(0); n < 4*senders {
			return fmt.Errorf("%d receipts", n)
		}
		return nil
	})

	if !t.Run("kill one validator", func(t *testing.T) { killOne(t, c, procs, tr, validators-1) }) {
		return
	}
	if !t.Run("kill every validator", func(t *testing.T) { killAll(t, c, procs, tr) }) {
		return
	}
	tr.stop(t)
	total := tr.snapshot()
	t.Logf("%d transfers mined in all; checking every receipt on every node", len(total))
	verifyReceipts(t, c, c.all(), total)
}

// killOne kills validator v while transfers flow: the other three keep
// finalising blocks with transfers in them; v, restarted, catches up, agrees
// with them and serves every receipt seen before it died.
func killOne(t *testing.T, c *cluster, procs *devnet.Processes, tr *traffic, v int) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*phaseTimeout)
	defer cancel()
	before := tr.snapshot()
	others := slices.DeleteFunc(c.all(), func(i int) bool { return i == v })
	p := procs.List()[v]
	killHeight := c.maxHeight(ctx, t, c.all())
	kill(t, p)
	t.Logf("killed %s (pid %d) at height %d with %d receipts seen", p.Name, p.PID, killHeight, len(before))

	waitAdvance(ctx, t, c, others, minAdvance)
	waitNewReceipts(ctx, t, tr, killHeight, minNewReceipts)

	q, err := procs.Restart(v)
	if err != nil {
		t.Fatalf("restart %s: %v", p.Name, err)
	}
	target := c.maxHeight(ctx, t, others)
	t.Logf("restarted %s as pid %d; the others are at height %d", q.Name, q.PID, target)
	testnet.WaitFor(ctx, t, fmt.Sprintf("%s to catch up to height %d", q.Name, target), func() error {
		if err := exitedEarly(q); err != nil {
			return devnet.Permanent(err)
		}
		h, err := c.blockNumber(ctx, v)
		if err != nil {
			return err
		}
		if h < target {
			return fmt.Errorf("%s at height %d", q.Name, h)
		}
		return nil
	})
	waitAdvance(ctx, t, c, []int{v}, 1) // it follows the chain, not just its block store
	agree(ctx, t, c, killHeight)
	verifyReceipts(t, c, c.all(), before)
}

// killAll kills every validator at once while transfers flow and restarts
// them all: the chain resumes, and every receipt seen before the kill is
// still there, in the same block, with the same status.
func killAll(t *testing.T, c *cluster, procs *devnet.Processes, tr *traffic) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*phaseTimeout)
	defer cancel()
	waitNewReceipts(ctx, t, tr, c.maxHeight(ctx, t, c.all()), 1) // transfers are flowing
	before := tr.snapshot()
	list := procs.List()
	for _, p := range list {
		if err := syscall.Kill(p.PID, syscall.SIGKILL); err != nil {
			t.Fatalf("kill %s (pid %d): %v", p.Name, p.PID, err)
		}
	}
	for _, p := range list {
		waitKilled(t, p)
	}
	killHeight := uint64(0)
	for _, r := range before {
		killHeight = max(killHeight, r.Block)
	}
	t.Logf("killed every node with %d receipts seen, the last in block %d", len(before), killHeight)

	for i, p := range list {
		if _, err := procs.Restart(i); err != nil {
			t.Fatalf("restart %s: %v", p.Name, err)
		}
	}
	if err := procs.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	resumed := c.maxHeight(ctx, t, c.all())
	t.Logf("every node restarted; highest height %d", resumed)
	waitAdvance(ctx, t, c, c.all(), minAdvance)
	waitNewReceipts(ctx, t, tr, resumed, minNewReceipts)
	agree(ctx, t, c, killHeight)
	verifyReceipts(t, c, c.all(), before)
}

// kill sends SIGKILL to p by its PID and waits until it has exited.
func kill(t *testing.T, p *devnet.Process) {
	t.Helper()
	if err := syscall.Kill(p.PID, syscall.SIGKILL); err != nil {
		t.Fatalf("kill %s (pid %d): %v", p.Name, p.PID, err)
	}
	waitKilled(t, p)
}

func waitKilled(t *testing.T, p *devnet.Process) {
	t.Helper()
	select {
	case <-p.Exited():
	case <-time.After(phaseTimeout):
		t.Fatalf("%s (pid %d) still runs %s after SIGKILL", p.Name, p.PID, phaseTimeout)
	}
	if st := p.Status(); !strings.Contains(st, "killed") {
		t.Fatalf("%s (pid %d) exited with %q before SIGKILL reached it", p.Name, p.PID, st)
	}
}

// exitedEarly reports a node process that exited while the test waits on it.
func exitedEarly(p *devnet.Process) error {
	select {
	case <-p.Exited():
		return fmt.Errorf("%s (pid %d) exited: %s; see %s", p.Name, p.PID, p.Status(), p.LogPath)
	default:
		return nil
	}
}

// waitAdvance waits until each of nodes has finalised at least by heights
// past the height it reports now.
func waitAdvance(ctx context.Context, t *testing.T, c *cluster, nodes []int, by uint64) {
	t.Helper()
	from := make(map[int]uint64)
	for _, i := range nodes {
		from[i] = c.height(ctx, t, i)
	}
	testnet.WaitFor(ctx, t, fmt.Sprintf("%v to advance %d heights from %v", c.namesOf(nodes), by, from), func() error {
		for _, i := range nodes {
			h, err := c.blockNumber(ctx, i)
			if err != nil {
				return fmt.Errorf("%s: %w", c.names[i], err)
			}
			if h < from[i]+by {
				return fmt.Errorf("%s at height %d", c.names[i], h)
			}
		}
		return nil
	})
}

// waitNewReceipts waits for n receipts in blocks above height.
func waitNewReceipts(ctx context.Context, t *testing.T, tr *traffic, height uint64, n int) {
	t.Helper()
	testnet.WaitFor(ctx, t, fmt.Sprintf("%d receipts in blocks above %d", n, height), func() error {
		if err := tr.failed(); err != nil {
			return devnet.Permanent(err)
		}
		if got := tr.count(height); got < n {
			return fmt.Errorf("%d so far", got)
		}
		return nil
	})
}

// agree checks that every node reports the same block hash at height h and
// at the highest height they all have.
func agree(ctx context.Context, t *testing.T, c *cluster, h uint64) {
	t.Helper()
	shared := c.height(ctx, t, 0)
	for _, i := range c.all()[1:] {
		shared = min(shared, c.height(ctx, t, i))
	}
	for _, height := range []uint64{h, shared} {
		var want common.Hash
		for _, i := range c.all() {
			got, err := c.blockHash(ctx, i, height)
			if err != nil {
				t.Fatalf("%s block %d: %v", c.names[i], height, err)
			}
			if i == 0 {
				want = got
			} else if got != want {
				t.Fatalf("block %d: %s has hash %s, %s has %s", height, c.names[i], got, c.names[0], want)
			}
		}
	}
	t.Logf("all %d nodes agree on blocks %d and %d", len(c.names), h, shared)
}

// verifyReceipts checks that each node serves every receipt of want, in the
// same block and with the same status, once it has reached that block.
func verifyReceipts(t *testing.T, c *cluster, nodes []int, want map[common.Hash]receipt) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), phaseTimeout)
	defer cancel()
	var top uint64
	hashes := make([]common.Hash, 0, len(want))
	for h, r := range want {
		top = max(top, r.Block)
		hashes = append(hashes, h)
	}
	testnet.WaitFor(ctx, t, fmt.Sprintf("every node at height %d", top), func() error {
		for _, i := range nodes {
			if h, err := c.blockNumber(ctx, i); err != nil || h < top {
				return fmt.Errorf("%s at height %d (%v)", c.names[i], h, err)
			}
		}
		return nil
	})
	bad := 0
	for _, i := range nodes {
		got, err := c.receipts(ctx, i, hashes)
		if err != nil {
			t.Fatalf("%s: %v", c.names[i], err)
		}
		for j, h := range hashes {
			w, g := want[h], got[j]
			if g == nil || *g != w {
				if bad++; bad <= 10 {
					t.Errorf("%s: receipt of %s is %+v, was %+v before the kill", c.names[i], h, g, w)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d receipts lost or changed across %d nodes", bad, len(hashes)*len(nodes), len(nodes))
	}
	t.Logf("%d receipts (blocks up to %d) unchanged on %v", len(hashes), top, c.namesOf(nodes))
}

// logNodeLogs logs each node's error lines and the end of its log, for a
// failed test.
func logNodeLogs(t *testing.T, net *devnet.Network) {
	const errorLines, tailLines = 30, 40
	for i, info := range net.Nodes {
		f, err := os.Open(filepath.Join(net.Home(i), devnet.NodeLog))
		if err != nil {
			t.Logf("%s: %v", info.Name, err)
			continue
		}
		var errs, tail []string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "panic") {
				if len(errs) < errorLines {
					errs = append(errs, line)
				}
			}
			if tail = append(tail, line); len(tail) > tailLines {
				tail = tail[1:]
			}
		}
		f.Close()
		t.Logf("%s node.log, error lines:\n%s\n%s node.log, last %d lines:\n%s",
			info.Name, strings.Join(errs, "\n"), info.Name, len(tail), strings.Join(tail, "\n"))
	}
}

// receipt is what the test compares of a receipt across kills.
type receipt struct {
	Block     uint64
	BlockHash common.Hash
	Status    uint64
}

// cluster is a JSON-RPC client per node.
type cluster struct {
	names   []string
	clients []*gethrpc.Client
	chainID uint64
}

func dialCluster(t *testing.T, net *devnet.Network) *cluster {
	t.Helper()
	c := &cluster{chainID: net.ChainID}
	// Enough idle connections that the senders reuse theirs: each new one
	// takes an ephemeral port, which a restarting node may need to bind.
	tr := &http.Transport{MaxIdleConnsPerHost: 2 * senders}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Timeout: callTimeout, Transport: tr}
	for _, info := range net.Nodes {
		rc, err := gethrpc.DialOptions(t.Context(), "http://"+info.RPC, gethrpc.WithHTTPClient(hc))
		if err != nil {
			t.Fatalf("dial %s: %v", info.Name, err)
		}
		t.Cleanup(rc.Close)
		c.names = append(c.names, info.Name)
		c.clients = append(c.clients, rc)
	}
	return c
}

func (c *cluster) all() []int {
	all := make([]int, len(c.clients))
	for i := range all {
		all[i] = i
	}
	return all
}

func (c *cluster) namesOf(nodes []int) []string {
	var names []string
	for _, i := range nodes {
		names = append(names, c.names[i])
	}
	return names
}

func (c *cluster) call(ctx context.Context, i int, result any, method string, args ...any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return c.clients[i].CallContext(ctx, result, method, args...)
}

// blockNumber is node i's eth_blockNumber.
func (c *cluster) blockNumber(ctx context.Context, i int) (uint64, error) {
	var n hexutil.Uint64
	err := c.call(ctx, i, &n, "eth_blockNumber")
	return uint64(n), err
}

// height is node i's eth_blockNumber, waited for while the node starts.
func (c *cluster) height(ctx context.Context, t *testing.T, i int) uint64 {
	t.Helper()
	var h uint64
	testnet.WaitFor(ctx, t, c.names[i]+"'s block number", func() (err error) {
		h, err = c.blockNumber(ctx, i)
		return err
	})
	return h
}

func (c *cluster) maxHeight(ctx context.Context, t *testing.T, nodes []int) uint64 {
	t.Helper()
	var top uint64
	for _, i := range nodes {
		top = max(top, c.height(ctx, t, i))
	}
	return top
}

// blockHash is the hash node i reports for its block at height h.
func (c *cluster) blockHash(ctx context.Context, i int, h uint64) (common.Hash, error) {
	var b *struct {
		Hash common.Hash `json:"hash"`
	}
	if err := c.call(ctx, i, &b, "eth_getBlockByNumber", hexutil.Uint64(h), false); err != nil {
		return common.Hash{}, err
	}
	if b == nil {
		return common.Hash{}, fmt.Errorf("no block %d", h)
	}
	return b.Hash, nil
}

type rpcReceipt struct {
	BlockNumber hexutil.Uint64 `json:"blockNumber"`
	BlockHash   common.Hash    `json:"blockHash"`
	Status      hexutil.Uint64 `json:"status"`
}

func (r *rpcReceipt) receipt() *receipt {
	if r == nil {
		return nil
	}
	return &receipt{Block: uint64(r.BlockNumber), BlockHash: r.BlockHash, Status: uint64(r.Status)}
}

// receipt is node i's receipt of tx, or nil if it has none.
func (c *cluster) receipt(ctx context.Context, i int, tx common.Hash) (*receipt, error) {
	var r *rpcReceipt
	if err := c.call(ctx, i, &r, "eth_getTransactionReceipt", tx); err != nil {
		return nil, err
	}
	return r.receipt(), nil
}

// receipts asks node i for the receipts of txs in batches; a missing
// receipt is nil.
func (c *cluster) receipts(ctx context.Context, i int, txs []common.Hash) ([]*receipt, error) {
	const batchSize = 200
	out := make([]*receipt, 0, len(txs))
	for chunk := range slices.Chunk(txs, batchSize) {
		results := make([]*rpcReceipt, len(chunk))
		batch := make([]gethrpc.BatchElem, len(chunk))
		for j, h := range chunk {
			batch[j] = gethrpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{h}, Result: &results[j]}
		}
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		err := c.clients[i].BatchCallContext(cctx, batch)
		cancel()
		if err != nil {
			return nil, err
		}
		for j, el := range batch {
			if el.Error != nil {
				return nil, fmt.Errorf("receipt of %s: %w", chunk[j], el.Error)
			}
			out = append(out, results[j].receipt())
		}
	}
	return out, nil
}

// sendTx sends tx to node i.
func (c *cluster) sendTx(ctx context.Context, i int, tx *types.Transaction) error {
	raw, err := tx.MarshalBinary()
	if err != nil {
		return err
	}
	return c.call(ctx, i, nil, "eth_sendRawTransaction", hexutil.Bytes(raw))
}

// traffic sends transfers from [senders] development accounts, each waiting
// for its transfer's receipt before the next, and records every receipt and
// how long it took.
type traffic struct {
	c      *cluster
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	seen    map[common.Hash]receipt
	samples []latencySample
	err     error // first failure of a sender
}

// latencySample is when a transfer was first sent and how long its receipt
// took to be seen.
type latencySample struct {
	sent    time.Time
	latency time.Duration
}

func startTraffic(t *testing.T, c *cluster) *traffic {
	ctx, cancel := context.WithCancel(t.Context())
	tr := &traffic{c: c, cancel: cancel, seen: make(map[common.Hash]receipt)}
	t.Cleanup(func() { tr.cancel(); tr.wg.Wait() })
	for s := range senders {
		tr.wg.Go(func() { tr.send(ctx, s) })
	}
	return tr
}

// send runs sender s until ctx ends or it has sent maxTransfers. A transfer
// whose receipt does not come within phaseTimeout stops the sender with an
// error.
func (tr *traffic) send(ctx context.Context, s int) {
	key := ethtest.DevKey(s)
	to := ethtest.Address(ethtest.DevKey(senders + s))
	const maxPolls = int(phaseTimeout / pollInterval)
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	n := len(tr.c.clients)
	for nonce := range uint64(maxTransfers) {
		tx := ethtest.Transfer(key, tr.c.chainID, nonce, to, big.NewInt(1))
		sent := time.Now()
		var resendAt time.Time
		got := false
		for poll := 0; poll < maxPolls; poll++ {
			node := (s + poll) % n
			if now := time.Now(); now.After(resendAt) {
				// Errors are expected: a dead node, "already known", or
				// "nonce too low" once it is mined. The receipt decides.
				_ = tr.c.sendTx(ctx, node, tx)
				resendAt = now.Add(resendEvery)
			}
			if r, err := tr.c.receipt(ctx, node, tx.Hash()); err == nil && r != nil {
				tr.mu.Lock()
				tr.seen[tx.Hash()] = *r
				tr.samples = append(tr.samples, latencySample{sent, time.Since(sent)})
				tr.mu.Unlock()
				got = true
				break
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
		if !got {
			tr.fail(fmt.Errorf("sender %d: no receipt for nonce %d (tx %s) within %s", s, nonce, tx.Hash(), phaseTimeout))
			return
		}
	}
}

func (tr *traffic) fail(err error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.err == nil {
		tr.err = err
	}
}

func (tr *traffic) failed() error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.err
}

// count is the number of receipts seen in blocks above height.
func (tr *traffic) count(height uint64) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := 0
	for _, r := range tr.seen {
		if r.Block > height {
			n++
		}
	}
	return n
}

// latencies copies the latency samples so far.
func (tr *traffic) latencies() []latencySample {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.samples)
}

// snapshot copies the receipts seen so far.
func (tr *traffic) snapshot() map[common.Hash]receipt {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return maps.Clone(tr.seen)
}

// stop stops the senders and fails t if one of them failed.
func (tr *traffic) stop(t *testing.T) {
	t.Helper()
	tr.cancel()
	tr.wg.Wait()
	if err := tr.failed(); err != nil {
		t.Fatal(err)
	}
}
