//go:build faults

package faulttest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// opsDashboardWithin is how soon the dashboard must tell the truth about
// a fault (the bound).
const opsDashboardWithin = 15 * time.Second

// opsReadyAge is /readyz's bound on the last block's age in these tests
// (ready_max_block_age; 15 s by default): a halt is reported after it.
const opsReadyAge = 5 * time.Second

// TestFaultQuorumLost is row 3: two of four validators are killed, so the
// two left hold half the power, short of two thirds. The chain halts: no
// block, the running nodes still serve reads and their /readyz says the
// chain is not finalising; one killed validator back, blocks resume within
// 30 s; the other back, every node agrees on every height.
func TestFaultQuorumLost(t *testing.T) {
	parallel(t)
	fig := record(t, 3, "quorum lost: 2 of 4 validators stopped")
	halt := pick(20*time.Second, 60*time.Second)
	const resumeBound = 30 * time.Second
	fn := startNet(t, netOptions{Config: func(_ int, f *config.File) {
		f.Redmx.Metrics.ReadyMaxBlockAge = opsReadyAge
	}})
	c := fn.c
	ctx, cancel := context.WithTimeout(t.Context(), halt+4*time.Minute)
	defer cancel()
	running, stopped := []int{0, 1}, []int{2, 3}
	waitAdvance(ctx, t, c, c.all(), 2)

	atKill := c.maxHeight(ctx, t, running)
	at := time.Now()
	for _, i := range stopped {
		kill(t, fn.procs.List()[i])
	}
	t.Logf("killed %v", c.namesOf(stopped))

	// The running nodes stop finalising: their /readyz turns 503 once the
	// last block is older than opsReadyAge; the height they hold then is
	// the halt's.
	var reason string
	testnet.WaitFor(ctx, t, "the running nodes' /readyz to report the halt", func() error {
		for _, i := range running {
			code, r, err := readyz(ctx, fn.net.Nodes[i].RPC)
			if err != nil {
				return err
			}
			if code != http.StatusServiceUnavailable || !strings.Contains(r.Reason, "no block for") {
				return fmt.Errorf("%s /readyz %d %+v", c.names[i], code, r)
			}
			reason = r.Reason
		}
		return nil
	})
	detected := time.Since(at)
	frozen := c.height(ctx, t, running[0])
	if h := c.height(ctx, t, running[1]); h != frozen {
		// One may hold a commit the other has not applied yet; both stay.
		frozen = max(frozen, h)
	}
	t.Logf("halt reported %s after the kill at height %d (%d when killed): %q", detected.Round(100*time.Millisecond), frozen, atKill, reason)
	if frozen > atKill+1 {
		// Only a block whose commit was under way can follow the kill.
		t.Fatalf("heights went from %d to %d after two of four validators were killed", atKill, frozen)
	}

	// For the rest of the halt, every second: no new block, reads served,
	// /readyz still 503.
	dev := ethtest.Address(ethtest.DevKey(0))
	reads := 0
	var haltShown time.Duration // when node0's dashboard first showed the halt
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for time.Since(at) < halt {
		for _, i := range running {
			h, err := c.blockNumber(ctx, i)
			if err != nil {
				t.Fatalf("%s eth_blockNumber during the halt: %v", c.names[i], err)
			}
			if h > frozen {
				t.Fatalf("%s at height %d during the halt, past %d: a block without two thirds of the power", c.names[i], h, frozen)
			}
			var bal hexutil.Big
			if err := c.call(ctx, i, &bal, "eth_getBalance", dev, "latest"); err != nil {
				t.Fatalf("%s eth_getBalance during the halt: %v", c.names[i], err)
			}
			if _, err := c.blockHash(ctx, i, h); err != nil {
				t.Fatalf("%s eth_getBlockByNumber(%d) during the halt: %v", c.names[i], h, err)
			}
			if code, r, err := readyz(ctx, fn.net.Nodes[i].RPC); err != nil || code != http.StatusServiceUnavailable {
				t.Fatalf("%s /readyz during the halt: %d %+v %v", c.names[i], code, r, err)
			}
			reads += 4
		}
		if haltShown == 0 {
			snap, err := dashboardSnapshot(ctx, fn.net.Nodes[running[0]].RPC)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Network.Halted {
				haltShown = time.Since(at)
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-tick.C:
		}
	}
	halted := time.Since(at)
	if haltShown == 0 || haltShown > opsDashboardWithin {
		t.Errorf("node0's dashboard did not show the halt within %s of the kill (shown after %s; 0: never)", opsDashboardWithin, haltShown)
	}

	back := time.Now()
	if _, err := fn.procs.Restart(stopped[0]); err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(ctx, resumeBound)
	testnet.WaitFor(rctx, t, fmt.Sprintf("a block past %d within %s of %s's restart", frozen, resumeBound, c.names[stopped[0]]), func() error {
		if err := exitedEarly(fn.procs.List()[stopped[0]]); err != nil {
			return err
		}
		for _, i := range running {
			if h, err := c.blockNumber(ctx, i); err != nil || h <= frozen {
				return fmt.Errorf("%s at %d (%v)", c.names[i], h, err)
			}
		}
		return nil
	})
	rcancel()
	resumed := time.Since(back)
	t.Logf("blocks resumed %s after %s's restart", resumed.Round(100*time.Millisecond), c.names[stopped[0]])

	if _, err := fn.procs.Restart(stopped[1]); err != nil {
		t.Fatal(err)
	}
	if err := fn.procs.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	waitAdvance(ctx, t, c, c.all(), 2)
	testnet.WaitFor(ctx, t, "every node ready", func() error {
		for i := range fn.net.Nodes {
			if code, r, err := readyz(ctx, fn.net.Nodes[i].RPC); err != nil || code != http.StatusOK {
				return fmt.Errorf("%s /readyz %d %+v %v", c.names[i], code, r, err)
			}
		}
		return nil
	})
	top := c.height(ctx, t, 0)
	for _, i := range c.all() {
		top = min(top, c.height(ctx, t, i))
	}
	compared := noFork(ctx, t, c, c.all(), 1, top)

	fig.add("halt", "%s", halted.Round(time.Second))
	fig.add("halted at height", "%d", frozen)
	fig.add("blocks during halt", "0 (%d finished after the kill)", frozen-atKill)
	fig.add("halt reported by /readyz after", "%s", detected.Round(100*time.Millisecond))
	fig.add("readyz reason", "%s", reason)
	fig.add("dashboard shows halted after", "%s", haltShown.Round(100*time.Millisecond))
	fig.add("reads served during halt", "%d", reads)
	fig.add("blocks resumed after one returned", "%s", resumed.Round(100*time.Millisecond))
	fig.add("heights compared", "%d", compared)
}

// TestFaultPause is row 4: one validator is stopped with SIGSTOP while
// transfers flow, then continued. The chain goes on without it; it catches
// up; governance's liveness review counts exactly the block commits its
// signature is absent from, and the dashboard's missed count equals the
// chain's commits over its window.
func TestFaultPause(t *testing.T) {
	parallel(t)
	fig := record(t, 4, "pause: SIGSTOP one validator")
	pause := pick(10*time.Second, 30*time.Second)
	fn := startNet(t, netOptions{})
	c := fn.c
	ctx, cancel := context.WithTimeout(t.Context(), pause+4*time.Minute)
	defer cancel()
	const v = 3
	others := []int{0, 1, 2}
	info := fn.net.Nodes[v]
	addr := opsValidatorAddress(ctx, t, info.CometRPC)
	var nodeID [20]byte
	copy(nodeID[:], common.FromHex(info.NodeID))

	tr := startTraffic(t, c)
	waitNewReceipts(ctx, t, tr, 0, senders)

	p := fn.procs.List()[v]
	t.Cleanup(func() { _ = syscall.Kill(p.PID, syscall.SIGCONT) }) // harmless if it runs
	from := c.maxHeight(ctx, t, others)
	if err := syscall.Kill(p.PID, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	t.Logf("paused %s (pid %d) at height %d", p.Name, p.PID, from)
	waitAdvance(ctx, t, c, others, minAdvance)
	waitNewReceipts(ctx, t, tr, from, minNewReceipts)
	// Until the pause ends (it is the fault), watch node0's dashboard for
	// the paused node's state.
	var staleShown time.Duration
	shownAs := ""
	watch, stopWatch := context.WithCancel(ctx)
	var watched sync.WaitGroup
	watched.Go(func() {
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for staleShown == 0 {
			snap, err := dashboardSnapshot(watch, fn.net.Nodes[0].RPC)
			for _, n := range snap.Nodes {
				if err == nil && n.NodeID == info.NodeID && (n.State == status.Stale || n.State == status.Offline) {
					staleShown, shownAs = time.Since(at), n.State
				}
			}
			select {
			case <-watch.Done():
				return
			case <-tick.C:
			}
		}
	})
	select {
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	case <-time.After(time.Until(at.Add(pause))):
	}
	to := c.maxHeight(ctx, t, others)
	if err := syscall.Kill(p.PID, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	paused := time.Since(at)
	stopWatch()
	watched.Wait()
	cont := time.Now()
	testnet.WaitFor(ctx, t, fmt.Sprintf("%s to catch up to height %d", p.Name, to), func() error {
		if err := exitedEarly(p); err != nil {
			return err
		}
		h, err := c.blockNumber(ctx, v)
		if err != nil || h < to {
			return fmt.Errorf("%s at %d (%v)", p.Name, h, err)
		}
		return nil
	})
	caughtUp := time.Since(cont)
	t.Logf("%s paused %s over heights %d-%d, caught up %s after SIGCONT", p.Name, paused.Round(100*time.Millisecond), from, to, caughtUp.Round(100*time.Millisecond))
	// Signing again: its signature in a block's last commit.
	var signedAgain uint64
	testnet.WaitFor(ctx, t, p.Name+"'s signature in a block's last commit", func() error {
		h, err := c.blockNumber(ctx, 0)
		if err != nil {
			return err
		}
		if h <= to {
			return fmt.Errorf("at %d", h)
		}
		lc, err := opsLastCommit(ctx, fn.net.Nodes[0].CometRPC, int64(h), addr)
		if err != nil {
			return err
		}
		if lc != opsSigned {
			return fmt.Errorf("absent from block %d's last commit", h)
		}
		signedAgain = h
		return nil
	})

	// Governance's count at a height every node has, against the blocks'
	// last commits: the window's misses, all of them.
	at0 := signedAgain
	missed, window, counted := opsLiveness(ctx, t, c, 0, nodeID, at0)
	if counted == 0 || counted > at0 {
		t.Fatalf("nodeLiveness of %s at %d: counted %d of window %d", p.Name, at0, counted, window)
	}
	var observed, inPause uint64
	for h := at0 - counted + 1; h <= at0; h++ {
		lc, err := opsLastCommit(ctx, fn.net.Nodes[0].CometRPC, int64(h), addr)
		if err != nil {
			t.Fatal(err)
		}
		if lc == opsAbsent {
			observed++
			if h > from && h <= to+1 {
				inPause++
			}
		}
	}
	t.Logf("at height %d governance counts %d misses of %s in %d blocks (window %d); the blocks' last commits show %d, %d of them over the pause",
		at0, missed, p.Name, counted, window, observed, inPause)
	if missed != observed {
		t.Errorf("governance counts %d misses of %s over blocks %d-%d; their last commits lack its signature %d times", missed, p.Name, at0-counted+1, at0, observed)
	}
	if inPause == 0 {
		t.Errorf("no miss of %s over the %d blocks of its pause", p.Name, to-from)
	}

	// The dashboard's count over its own window, against the commits.
	snap, err := dashboardSnapshot(ctx, fn.net.Nodes[0].RPC)
	if err != nil {
		t.Fatal(err)
	}
	dashMissed, dashWant := -1, int64(0)
	for _, row := range snap.Network.Validators {
		if strings.EqualFold(row.Address, addr) {
			dashMissed = row.Missed
			dashWant = opsCommitMisses(ctx, t, fn.net.Nodes[0].CometRPC, addr, snap.Network.FirstCommit, snap.Network.LastCommit)
		}
	}
	if dashMissed < 0 {
		t.Errorf("no validator %s on the dashboard", addr)
	} else if int64(dashMissed) != dashWant {
		t.Errorf("dashboard: %s missed %d of commits %d-%d; the commits show %d", p.Name, dashMissed, snap.Network.FirstCommit, snap.Network.LastCommit, dashWant)
	}

	waitAdvance(ctx, t, c, c.all(), 2)
	tr.stop(t)
	seen := tr.snapshot()
	verifyReceipts(t, c, c.all(), seen)
	top := c.height(ctx, t, 0)
	for _, i := range c.all() {
		top = min(top, c.height(ctx, t, i))
	}
	compared := noFork(ctx, t, c, c.all(), 1, top)

	fig.add("pause", "%s", paused.Round(100*time.Millisecond))
	gap, gapAt := opsLongestGap(ctx, t, fn.net.Nodes[0].CometRPC, from, to, nil)
	t.Logf("longest gap between blocks %d-%d: %s (before %d): the rounds %s would have proposed wait for its proposal", from, to, gap, gapAt, p.Name)
	fig.add("blocks during pause", "%d (longest gap %s)", to-from, gap)
	fig.add("catch-up after SIGCONT", "%s", caughtUp.Round(100*time.Millisecond))
	fig.add("missed counted by governance", "%d", missed)
	fig.add("missed in blocks' last commits", "%d (%d over the pause)", observed, inPause)
	fig.add("missed on dashboard vs commits", "%d vs %d", dashMissed, dashWant)
	if staleShown > 0 {
		fig.add("dashboard shows it", "%s after %s", shownAs, staleShown.Round(100*time.Millisecond))
	} else {
		// Reports every status.Interval, stale after status.StaleAfter.
		fig.add("dashboard shows it", "not within the %s pause (stale after %s)", pause, status.StaleAfter)
	}
	fig.add("receipts", "%d, lost 0", len(seen))
	fig.add("heights compared", "%d", compared)
}

// opsValidatorAddress is a node's consensus address, as CometBFT's /status
// gives it.
func opsValidatorAddress(ctx context.Context, t *testing.T, cometRPC string) string {
	t.Helper()
	st, err := cometGet[struct {
		ValidatorInfo struct {
			Address string `json:"address"`
		} `json:"validator_info"`
	}](ctx, cometRPC, "/status")
	if err != nil {
		t.Fatal(err)
	}
	return st.ValidatorInfo.Address
}

// A validator's entry in a commit.
const (
	opsNotValidator = iota
	opsAbsent
	opsSigned // for the block or nil: governance counts both as signed
)

// opsValidators is CometBFT's validator set at height h, in order.
func opsValidators(ctx context.Context, cometRPC string, h int64) ([]opsValidator, error) {
	vals, err := cometGet[struct {
		Validators []opsValidator `json:"validators"`
	}](ctx, cometRPC, fmt.Sprintf("/validators?height=%d&per_page=100", h))
	return vals.Validators, err
}

// opsSig is a signature's entry in a commit.
type opsSig struct {
	Flag int `json:"block_id_flag"`
}

type opsValidator struct {
	Address string `json:"address"`
	Power   string `json:"voting_power"`
}

// opsLastCommit is addr's entry in block h's last commit (the commit of
// h-1 the block carries, which governance's liveness review reads).
func opsLastCommit(ctx context.Context, cometRPC string, h int64, addr string) (int, error) {
	b, err := cometGet[struct {
		Block struct {
			LastCommit struct {
				Signatures []opsSig `json:"signatures"`
			} `json:"last_commit"`
		} `json:"block"`
	}](ctx, cometRPC, fmt.Sprintf("/block?height=%d", h))
	if err != nil {
		return 0, err
	}
	vals, err := opsValidators(ctx, cometRPC, h-1)
	if err != nil {
		return 0, err
	}
	return opsEntry(vals, b.Block.LastCommit.Signatures, addr), nil
}

// opsEntry is addr's entry among a commit's signatures, given the set
// that signed it (its signatures are in the set's order).
func opsEntry(vals []opsValidator, sigs []opsSig, addr string) int {
	for i, v := range vals {
		if !strings.EqualFold(v.Address, addr) {
			continue
		}
		if i >= len(sigs) || sigs[i].Flag == 1 { // BlockIDFlagAbsent
			return opsAbsent
		}
		return opsSigned
	}
	return opsNotValidator
}

// opsCommitMisses counts the canonical commits of heights first..last
// (CometBFT's /commit) addr is absent from, as the dashboard reads them.
func opsCommitMisses(ctx context.Context, t *testing.T, cometRPC, addr string, first, last int64) int64 {
	t.Helper()
	if first <= 0 || last < first {
		t.Fatalf("the dashboard's commit window is %d-%d", first, last)
	}
	var missed int64
	for h := first; h <= last; h++ {
		c, err := cometGet[struct {
			SignedHeader struct {
				Commit struct {
					Signatures []opsSig `json:"signatures"`
				} `json:"commit"`
			} `json:"signed_header"`
		}](ctx, cometRPC, fmt.Sprintf("/commit?height=%d", h))
		if err != nil {
			t.Fatal(err)
		}
		vals, err := opsValidators(ctx, cometRPC, h)
		if err != nil {
			t.Fatal(err)
		}
		if opsEntry(vals, c.SignedHeader.Commit.Signatures, addr) == opsAbsent {
			missed++
		}
	}
	return missed
}

// opsLiveness is governance's nodeLiveness view of node id in node i's
// state at height h: its misses, the window, and the blocks counted.
func opsLiveness(ctx context.Context, t *testing.T, c *cluster, i int, id [20]byte, h uint64) (missed, window, counted uint64) {
	t.Helper()
	data, err := governance.ABI.Pack("nodeLiveness", id)
	if err != nil {
		t.Fatal(err)
	}
	var out hexutil.Bytes
	call := map[string]any{"to": governance.Address, "data": hexutil.Bytes(data)}
	if err := c.call(ctx, i, &out, "eth_call", call, hexutil.Uint64(h)); err != nil {
		t.Fatalf("nodeLiveness at %d: %v", h, err)
	}
	vals, err := governance.ABI.Methods["nodeLiveness"].Outputs.Unpack(out)
	if err != nil {
		t.Fatalf("nodeLiveness: %v", err)
	}
	return vals[0].(uint64), vals[1].(uint64), vals[2].(uint64)
}
