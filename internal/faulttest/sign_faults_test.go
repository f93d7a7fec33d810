//go:build faults

package faulttest_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cometbft/cometbft/p2p"
	cmthttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/dashboard"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/testnet"
)

const (
	// signEvidenceWithin is the most blocks from a double vote to the block
	// that commits its evidence (the table's row 8).
	signEvidenceWithin = 10
	// signEquivocateWithin bounds the blocks from the copy joining consensus
	// to its first double vote the others see. The copy votes as the
	// original does whenever both see the same proposal (same block, only
	// the vote time differs, which is no equivocation); they part when
	// validator k proposes, every fourth height, and each builds its own
	// block.
	signEquivocateWithin = 40
)

// TestFaultDoubleSign (row 8): a second process runs with validator k's
// consensus key and a priv_validator_state.json reset to height 0, so it
// signs again what the original signed. Its own node key is admitted as an
// observer first: the validators' peer filter lets in only nodes governance
// admitted, and a copy with the original's node key would be refused as a
// duplicate of the original's connection. CometBFT must commit evidence of
// k's double vote within 10 blocks of it, nothing forks (the copy's chain
// included), and governance's nodeMisbehaviour shows the node with its
// collective.
func TestFaultDoubleSign(t *testing.T) {
	parallel(t)
	fig := record(t, 8, "double signing: a second process with one validator's key")
	fn := startNet(t, netOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), pick(3*time.Minute, 10*time.Minute))
	defer cancel()
	const k = 1
	info := fn.net.Nodes[k]
	nodeID := [20]byte(common.FromHex(info.NodeID))

	g := testnet.DialGov(ctx, t, fn.net.Nodes[0].RPC)
	rec := g.View(t, "node", nodeID)
	consAddr := governance.ConsensusAddress(rec["pubKey"].([]byte))

	home, copyID := signCopyValidator(t, fn, k)
	admitObserver(t, g, info.Collective, homeNodeKey(t, home))
	t.Logf("%s's copy: node %s, admitted as an observer of %s", info.Name, copyID, info.Collective)

	cp := signStartCopy(t, fn.bin, home)
	cc := signDialRPC(t, cp.rpc)
	joined := signWaitCopyJoins(ctx, t, fn.c, cc, cp)
	t.Logf("the copy caught up at height %d and signs from there", joined)

	cmt, err := cmthttp.New("tcp://"+fn.net.Nodes[0].CometRPC, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	var evHeight, infraction int64
	testnet.WaitFor(ctx, t, fmt.Sprintf("evidence of %s's double signing", info.Name), func() error {
		if err := cp.exited(); err != nil {
			return devnet.Permanent(err)
		}
		top := int64(fn.c.height(ctx, t, 0))
		from := max(int64(joined), evHeight+1)
		for h := from; h <= top; h++ {
			b, err := cmt.Block(ctx, &h)
			if err != nil {
				return err
			}
			for _, ev := range b.Block.Evidence.Evidence {
				if dv, ok := ev.(*cmttypes.DuplicateVoteEvidence); ok && [20]byte(dv.VoteA.ValidatorAddress) == consAddr {
					evHeight, infraction = h, dv.Height()
					return nil
				}
			}
			evHeight = h // looked at
		}
		if top > int64(joined)+signEquivocateWithin+signEvidenceWithin {
			return devnet.Permanent(fmt.Errorf("no evidence in blocks %d..%d", joined, top))
		}
		return fmt.Errorf("none in blocks %d..%d", joined, top)
	})
	seenAt := time.Now()
	blocks := evHeight - infraction
	t.Logf("evidence of %s's double vote at height %d committed in block %d (the copy joined at %d)", info.Name, infraction, evHeight, joined)
	fig.add("evidence committed", "%d block(s) after the double vote (vote at %d, evidence in %d)", blocks, infraction, evHeight)
	fig.add("first double vote", "%d blocks after the copy joined consensus", infraction-int64(joined))
	if blocks > signEvidenceWithin {
		t.Errorf("evidence came %d blocks after the double vote, more than %d", blocks, signEvidenceWithin)
	}

	// Governance recorded it, on every node, with the node's collective.
	var mis map[string]any
	testnet.WaitFor(ctx, t, "governance's record of the double signing", func() error {
		mis = g.View(t, "nodeMisbehaviour", nodeID)
		if n, _ := mis["equivocations"].(uint64); n == 0 {
			return fmt.Errorf("nodeMisbehaviour: %v", mis)
		}
		return nil
	})
	if mis["collective"] != info.Collective || mis["recordedAt"] != uint64(evHeight) || mis["lastHeight"].(uint64) < uint64(infraction) {
		t.Errorf("nodeMisbehaviour(%s) = %v; want collective %s, recorded at %d, last height at least %d", info.Name, mis, info.Collective, evHeight, infraction)
	}
	list := g.View(t, "equivocatingNodes", [32]byte{}, uint32(0))["nodeIds"].([][20]byte)
	if len(list) != 1 || list[0] != nodeID {
		t.Errorf("equivocatingNodes = %x, want only %s", list, info.NodeID)
	}
	fig.add("governance view", "nodeMisbehaviour: %s of %s, %d equivocation(s), last at height %d",
		info.Name, mis["collective"], mis["equivocations"], mis["lastHeight"])

	// node0's dashboard shows the evidence and a double-signing alert
	// within 15 s.
	dctx, dcancel := context.WithTimeout(ctx, signDashboardWithin)
	defer dcancel()
	testnet.WaitFor(dctx, t, "node0's dashboard to show the double signing", func() error {
		snap, err := dashboardSnapshot(dctx, fn.net.Nodes[0].RPC)
		if err != nil {
			return err
		}
		found := false
		for _, ev := range snap.Network.Evidence {
			found = found || ev.Block == evHeight && slices.Contains(ev.Validator, strings.ToUpper(hex.EncodeToString(consAddr[:])))
		}
		if !found {
			return fmt.Errorf("no evidence of block %d among %v", evHeight, snap.Network.Evidence)
		}
		if !signHasAlert(&snap, "double-signing", strings.ToLower(info.NodeID)) {
			return fmt.Errorf("no double-signing alert: %v", snap.Alerts)
		}
		return nil
	})
	fig.add("dashboard", "evidence and double-signing alert on node0's dashboard %.1f s after the evidence block was seen", time.Since(seenAt).Seconds())

	// The long version keeps the copy running: every double vote the
	// blocks commit evidence of is counted by governance.
	if long {
		time.Sleep(3 * time.Minute)
		pieces := 0
		top := int64(fn.c.height(ctx, t, 0))
		for h := int64(1); h <= top; h++ {
			b, err := cmt.Block(ctx, &h)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range b.Block.Evidence.Evidence {
				if dv, ok := ev.(*cmttypes.DuplicateVoteEvidence); ok && [20]byte(dv.VoteA.ValidatorAddress) == consAddr {
					pieces++
				}
			}
		}
		got := g.View(t, "nodeMisbehaviour", nodeID)["equivocations"].(uint64)
		if got < uint64(pieces) {
			t.Errorf("governance counts %d equivocations, blocks 1..%d hold %d pieces of evidence", got, top, pieces)
		}
		fig.add("evidence over 3 minutes", "%d pieces in %d blocks, %d counted by governance", pieces, top, got)
	}

	// The chain goes on, and no node, the copy included, saw another chain.
	waitAdvance(ctx, t, fn.c, fn.c.all(), minAdvance)
	last := fn.c.height(ctx, t, 0)
	for _, i := range fn.c.all() {
		last = min(last, fn.c.height(ctx, t, i))
	}
	n := noFork(ctx, t, fn.c, fn.c.all(), 1, last)
	copyTop, err := cc.blockNumber(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	copyTop = min(copyTop, last)
	hashes, err := cc.blockHashes(ctx, 0, 1, copyTop)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := fn.c.blockHashes(ctx, 0, 1, copyTop)
	if err != nil {
		t.Fatal(err)
	}
	for j := range hashes {
		if hashes[j] != ref[j] {
			t.Fatalf("fork: the copy has %s at height %d, node0 %s", hashes[j], j+1, ref[j])
		}
	}
	cp.stop(t)
	fig.add("no fork", "%d heights compared on 4 validators, %d on the copy", n, copyTop)
}

// signCopyValidator copies validator k's configuration and keys to a new home
// with a fresh node key and a priv_validator_state.json of height 0, and
// returns the home and the copy's node ID.
func signCopyValidator(t *testing.T, fn *faultNet, k int) (string, string) {
	t.Helper()
	src := fn.net.Home(k)
	home := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(filepath.Join(home, "config"), os.DirFS(filepath.Join(src, "config"))); err != nil {
		t.Fatal(err)
	}
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := f.CometBFT.NodeKeyFile()
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	nk, err := p2p.LoadOrGenNodeKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(f.CometBFT.PrivValidatorStateFile()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.CometBFT.PrivValidatorStateFile(), []byte(`{"height":"0","round":0,"step":0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	free, err := devnet.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	ci := &devnet.NodeInfo{Name: fn.net.Nodes[k].Name + "-copy", RPC: free[0], P2P: free[1], CometRPC: free[2]}
	ci.Wire(f.CometBFT, fn.net.Peers(-1))
	f.Redmx.RPC.Address = ci.RPC
	if err := config.Write(config.Path(home), f.CometBFT, f.Redmx); err != nil {
		t.Fatal(err)
	}
	return home, string(nk.ID())
}

// signCopy is the copy's `redmx start` process.
type signCopy struct {
	cmd   *exec.Cmd
	rpc   string
	log   string
	done  chan struct{}
	stdin *os.File
}

// signStartCopy starts `redmx start` on home as its own process, stopped by
// its PID when t ends.
func signStartCopy(t *testing.T, bin, home string) *signCopy {
	t.Helper()
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(home, devnet.NodeLog)
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	stdin, stdinW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	cmd := exec.Command(bin, "start", "--home", home, "--watch-stdin")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &signCopy{cmd: cmd, rpc: f.Redmx.RPC.Address, log: logPath, done: make(chan struct{}), stdin: stdinW}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Logf("started the copy as pid %d (log %s)", cmd.Process.Pid, logPath)
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			signLogTail(t, "the copy", logPath)
		}
	})
	return p
}

// exited is an error once the copy's process has exited.
func (p *signCopy) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("the copy (pid %d) exited: %s; see %s", p.cmd.Process.Pid, p.cmd.ProcessState, p.log)
	default:
		return nil
	}
}

// stop stops the copy by its PID: SIGTERM, then SIGKILL after 20 s.
func (p *signCopy) stop(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Logf("the copy (pid %d) did not stop in 20 s; killing it", p.cmd.Process.Pid)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.stdin.Close()
}

// signDialRPC is a one-node cluster on a JSON-RPC address.
func signDialRPC(t *testing.T, addr string) *cluster {
	t.Helper()
	rc, err := gethrpc.DialOptions(t.Context(), "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	return &cluster{names: []string{addr}, clients: []*gethrpc.Client{rc}}
}

// signWaitCopyJoins waits until the copy has caught up with the network and
// returns the height it caught up at: from there it is in consensus.
func signWaitCopyJoins(ctx context.Context, t *testing.T, c *cluster, cc *cluster, p *signCopy) uint64 {
	t.Helper()
	var at uint64
	testnet.WaitFor(ctx, t, "the copy to catch up", func() error {
		if err := p.exited(); err != nil {
			return devnet.Permanent(err)
		}
		top, err := c.blockNumber(ctx, 0)
		if err != nil {
			return err
		}
		h, err := cc.blockNumber(ctx, 0)
		if err != nil {
			return err
		}
		if h+1 < top {
			return fmt.Errorf("the copy at %d, the network at %d", h, top)
		}
		at = top
		return nil
	})
	return at
}

// signLogTail logs the last lines of a log file, for a failed test.
func signLogTail(t *testing.T, what, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Logf("%s: %v", what, err)
		return
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	t.Logf("%s, last lines of %s:\n%s", what, path, strings.Join(lines[max(0, len(lines)-40):], "\n"))
}

// signClockOffsetEnv is the variable the faultclock build of CometBFT's clock
// reads (third_party/patches/cometbft/0002-*).
const signClockOffsetEnv = "CMT_FAULT_CLOCK_OFFSET"

// signSkewTolerance is how far a node's reported clock offset may be from the
// offset given it (block intervals vary on a busy machine).
const signSkewTolerance = 2 * time.Second

// TestFaultClockSkew (row 7): validator k runs a build whose consensus
// clock (CometBFT's types/time.Now, which signs its votes and proposals and
// times its rounds) is offset by +10 s, −10 s, +60 s and −60 s in turn,
// restarted for each. Throughout, the chain finalises, header times (ms)
// are strictly increasing at every height, and k reports its offset in
// /readyz within 2 s while the others report about 0.
//
// No tool moves one process's wall clock here: Go reads it through the vDSO
// without libc (libfaketime does not reach it), time namespaces offset only
// the monotonic and boot clocks, and setting the machine's clock moves
// every node. The consensus engine's clock is the nearest level: it is the
// clock whose readings other nodes see (vote times, and so block times).
func TestFaultClockSkew(t *testing.T) {
	parallel(t)
	fig := record(t, 7, "clock skew: ±10 s and ±60 s on one validator")
	fcBin := signBuildFaultClock(t)
	const k = 2
	var (
		mu     sync.Mutex
		offset time.Duration
	)
	fn := startNet(t, netOptions{Command: func(i int, cmd *exec.Cmd) {
		if i != k {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		cmd.Path, cmd.Args[0] = fcBin, fcBin
		cmd.Env = append(os.Environ(), signClockOffsetEnv+"="+offset.String())
	}})
	hold := pick(5*time.Second, 3*time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), pick(4*time.Minute, 20*time.Minute))
	defer cancel()
	name := fn.net.Nodes[k].Name
	var reported []string
	var worstOthers, dashboardLag, estimateLag time.Duration
	for _, off := range []time.Duration{10 * time.Second, -10 * time.Second, 60 * time.Second, -60 * time.Second} {
		p := fn.procs.List()[k]
		if err := syscall.Kill(p.PID, syscall.SIGTERM); err != nil {
			t.Fatalf("stop %s (pid %d): %v", name, p.PID, err)
		}
		select {
		case <-p.Exited():
		case <-time.After(phaseTimeout):
			t.Fatalf("%s (pid %d) still runs %s after SIGTERM", name, p.PID, phaseTimeout)
		}
		mu.Lock()
		offset = off
		mu.Unlock()
		q, err := fn.procs.Restart(k)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s restarted as pid %d with its consensus clock %+v", name, q.PID, off)
		// From the moment it serves again, it reports (every 2 s), and
		// node0's dashboard flags its clock within 15 s, and only its.
		testnet.WaitFor(ctx, t, name+" to serve again", func() error {
			if err := exitedEarly(q); err != nil {
				return devnet.Permanent(err)
			}
			_, _, err := clockOffset(ctx, fn.net.Nodes[k].RPC)
			return err
		})
		upAt := time.Now()
		dctx, dcancel := context.WithTimeout(ctx, signDashboardWithin)
		var skewMs int64
		testnet.WaitFor(dctx, t, fmt.Sprintf("node0's dashboard to show %s's clock %s off", name, off), func() error {
			snap, err := dashboardSnapshot(dctx, fn.net.Nodes[0].RPC)
			if err != nil {
				return err
			}
			for _, n := range snap.Nodes {
				if n.NodeID == fn.net.Nodes[k].NodeID && n.Status != nil {
					skewMs = n.Status.SkewMs
				}
			}
			if (time.Duration(skewMs)*time.Millisecond - off).Abs() > signSkewTolerance {
				return fmt.Errorf("%s's skew %d ms", name, skewMs)
			}
			if !signHasAlert(&snap, "clock-skew", "node "+name+"'s clock") {
				return fmt.Errorf("no clock-skew alert for %s: %v", name, snap.Alerts)
			}
			for i, info := range fn.net.Nodes {
				if i != k && signHasAlert(&snap, "clock-skew", "node "+info.Name+"'s clock") {
					return devnet.Permanent(fmt.Errorf("a clock-skew alert for %s: %v", info.Name, snap.Alerts))
				}
			}
			return nil
		})
		dcancel()
		dashboardLag = max(dashboardLag, time.Since(upAt))
		var got time.Duration
		testnet.WaitFor(ctx, t, fmt.Sprintf("%s to report an offset of %s", name, off), func() error {
			if err := exitedEarly(q); err != nil {
				return devnet.Permanent(err)
			}
			d, ok, err := clockOffset(ctx, fn.net.Nodes[k].RPC)
			if err != nil || !ok {
				return fmt.Errorf("no offset yet (%v)", err)
			}
			if got = d; (d - off).Abs() > signSkewTolerance {
				return fmt.Errorf("reports %s", d)
			}
			return nil
		})
		estimateLag = max(estimateLag, time.Since(upAt))

		// The fault lasts hold; the chain finalises throughout.
		start := fn.c.maxHeight(ctx, t, fn.c.all())
		time.Sleep(hold)
		waitAdvance(ctx, t, fn.c, fn.c.all(), minAdvance)
		if h := fn.c.maxHeight(ctx, t, fn.c.all()); h < start+minAdvance {
			t.Fatalf("the chain advanced from %d to %d only over %s with %s at %s", start, h, hold, name, off)
		}
		d, ok, err := clockOffset(ctx, fn.net.Nodes[k].RPC)
		if err != nil || !ok || (d-off).Abs() > signSkewTolerance {
			t.Errorf("%s at %s reports %s (known %v, %v) after %s", name, off, d, ok, err, hold)
		}
		worst := time.Duration(0)
		for i, info := range fn.net.Nodes {
			if i == k {
				continue
			}
			o, ok, err := clockOffset(ctx, info.RPC)
			if err != nil || !ok || o.Abs() > signSkewTolerance {
				t.Errorf("%s reports an offset of %s (known %v, %v), want about 0", info.Name, o, ok, err)
			}
			worst = max(worst, o.Abs())
		}
		t.Logf("%s at %+v reports %s (then %s); the others at most %s", name, off, got, d, worst)
		reported = append(reported, fmt.Sprintf("%+.0f s → %+.2f s", off.Seconds(), d.Seconds()))
		worstOthers = max(worstOthers, worst)
	}
	fig.add("skew reported", "%s (by the skewed validator in /readyz, at most %.0f s after it serves again)", strings.Join(reported, ", "), estimateLag.Seconds())
	fig.add("others' offset", "|offset| ≤ %d ms", worstOthers.Milliseconds())
	fig.add("dashboard", "node0's clock-skew alert for the skewed node at most %.1f s after it serves again", dashboardLag.Seconds())

	// Block times over the whole run, from CometBFT's headers (ms).
	last := fn.c.height(ctx, t, 0)
	for _, i := range fn.c.all() {
		last = min(last, fn.c.height(ctx, t, i))
	}
	cmt, err := cmthttp.New("tcp://"+fn.net.Nodes[0].CometRPC, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	var prev time.Time
	minStep, maxStep := time.Duration(1<<62), time.Duration(0)
	for lo := int64(1); lo <= int64(last); lo += 20 {
		hi := min(int64(last), lo+19)
		res, err := cmt.BlockchainInfo(ctx, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.BlockMetas) != int(hi-lo+1) {
			t.Fatalf("blockchain %d..%d: %d headers", lo, hi, len(res.BlockMetas))
		}
		for j := len(res.BlockMetas) - 1; j >= 0; j-- { // newest first
			h := res.BlockMetas[j].Header
			if !prev.IsZero() {
				step := h.Time.Sub(prev)
				if step <= 0 {
					t.Errorf("block time at height %d is %s, not after %s", h.Height, h.Time.Format(time.RFC3339Nano), prev.Format(time.RFC3339Nano))
				}
				minStep, maxStep = min(minStep, step), max(maxStep, step)
			}
			prev = h.Time
		}
	}
	n := noFork(ctx, t, fn.c, fn.c.all(), 1, last)
	fig.add("block times", "strictly increasing at %d heights; step min %d ms, max %d ms", last, minStep.Milliseconds(), maxStep.Milliseconds())
	fig.add("no halt", "longest block interval %.1f s", maxStep.Seconds())
	fig.add("no fork", "%d heights compared", n)
}

// signDashboardWithin bounds how long a fault may go unseen on a dashboard
// (the 15 s).
const signDashboardWithin = 15 * time.Second

// signHasAlert reports whether snap has an alert of kind whose text holds about.
func signHasAlert(snap *dashboard.Snapshot, kind, about string) bool {
	for _, a := range snap.Alerts {
		if a.Kind == kind && strings.Contains(strings.ToLower(a.Text), strings.ToLower(about)) {
			return true
		}
	}
	return false
}

// signBuildFaultClock builds redmx with the tag faultclock, whose CometBFT clock
// an environment variable offsets.
func signBuildFaultClock(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "redmx-faultclock")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, "go", "build", "-tags", "faultclock", "-o", bin, "github.com/redmx/redmx/cmd/redmx").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -tags faultclock: %v\n%s", err, out)
	}
	t.Logf("built redmx with the fault clock in %s", time.Since(start).Round(time.Millisecond))
	return bin
}
