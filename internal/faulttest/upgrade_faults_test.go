//go:build faults

package faulttest_test

import (
	"context"
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

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/testnet"
)

// opsUpgrade is the upgrade the suite schedules; the "new" binary is built
// knowing it (node.rehearsalUpgrades), the "old" one is not.
const opsUpgrade = "v-next"

// opsUpgradeBlockTime is row 9's TimeoutCommit: short, because governance
// schedules an upgrade at least governance.MinUpgradeLead blocks ahead.
const opsUpgradeBlockTime = 200 * time.Millisecond

// opsMaxStall is row 9's bound on the gap between blocks, and between
// blocks with a transfer, while nodes restart.
const opsMaxStall = 10 * time.Second

// TestFaultRollingUpgrade is row 9, on one network of four validators:
// first each validator in turn is stopped cleanly (SIGTERM) and started
// again while transfers flow; then governance schedules an upgrade at a
// height by a plenary's votes, three validators are replaced one by one
// with a binary that knows it before that height, and the fourth, still
// the old binary, stops at the height before it with its message. The new
// ones pass the height; the old one, replaced, catches up. No gap between
// blocks exceeds opsMaxStall.
func TestFaultRollingUpgrade(t *testing.T) {
	parallel(t)
	newBin := make(chan string, 1)
	buildErr := make(chan error, 1)
	dir := t.TempDir()
	go func() { // while the network starts
		bin := filepath.Join(dir, "redmx-"+opsUpgrade)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", bin,
			"-ldflags", "-X github.com/redmx/redmx/node.rehearsalUpgrades="+opsUpgrade,
			"github.com/redmx/redmx/cmd/redmx").CombinedOutput()
		if err != nil {
			buildErr <- fmt.Errorf("go build (knowing %s): %v\n%s", opsUpgrade, err, out)
			return
		}
		newBin <- bin
	}()

	// One report line for the row (the table keeps one per row), its
	// figures named by part.
	fig := record(t, 9, "rolling restart under load; upgrade at a governance-set height, nodes replaced one by one")
	var mu sync.Mutex
	binary := map[int]string{} // nodes replaced by the new binary
	fn := startNet(t, netOptions{
		TimeoutCommit: opsUpgradeBlockTime,
		GovParams:     map[string]uint64{"meetingNotice": 2},
		Command: func(i int, cmd *exec.Cmd) {
			mu.Lock()
			defer mu.Unlock()
			if b, ok := binary[i]; ok {
				cmd.Path, cmd.Args[0] = b, b
			}
		},
	})

	if !t.Run("rolling restart", func(t *testing.T) { opsRollingRestart(t, fn, fig) }) {
		return
	}
	t.Run("upgrade", func(t *testing.T) {
		var bin string
		select {
		case bin = <-newBin:
		case err := <-buildErr:
			t.Fatal(err)
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		}
		opsUpgradeRun(t, fn, fig, func(i int) {
			mu.Lock()
			defer mu.Unlock()
			binary[i] = bin
		})
	})
}

// opsRollingRestart stops each validator in turn with SIGTERM and starts it
// again, waiting until it has caught up before the next, while transfers
// flow; no receipt is lost and no gap exceeds opsMaxStall.
func opsRollingRestart(t *testing.T, fn *faultNet, fig *figures) {
	c := fn.c
	ctx, cancel := context.WithTimeout(t.Context(), pick(4*time.Minute, 8*time.Minute))
	defer cancel()
	tr := startTraffic(t, c)
	from := c.maxHeight(ctx, t, c.all())
	waitNewReceipts(ctx, t, tr, from, senders)
	began := time.Now()
	rounds := pick(1, 3)
	for range rounds {
		for i := range fn.net.Nodes {
			opsCleanRestart(ctx, t, fn, i)
			waitNewReceipts(ctx, t, tr, c.maxHeight(ctx, t, c.all()), 1)
		}
	}
	took := time.Since(began)
	tr.stop(t)
	seen := tr.snapshot()
	to := c.maxHeight(ctx, t, c.all())
	opsWaitHeight(ctx, t, c, c.all(), to) // node0 may be a block behind
	blockGap, at := opsLongestGap(ctx, t, fn.net.Nodes[0].CometRPC, from, to, nil)
	var rcptBlocks []uint64
	for _, r := range seen {
		if r.Block > from {
			rcptBlocks = append(rcptBlocks, r.Block)
		}
	}
	rcptGap, rat := opsLongestGap(ctx, t, fn.net.Nodes[0].CometRPC, from, to, rcptBlocks)
	t.Logf("%d restarts in %s over heights %d-%d; longest gap between blocks %s (before %d), between blocks with a transfer %s (before %d)",
		rounds*len(fn.net.Nodes), took.Round(100*time.Millisecond), from, to, blockGap, at, rcptGap, rat)
	if blockGap > opsMaxStall {
		t.Errorf("a gap of %s between blocks %d and %d", blockGap, at-1, at)
	}
	if rcptGap > opsMaxStall {
		t.Errorf("a gap of %s before the transfers of block %d", rcptGap, rat)
	}
	verifyReceipts(t, c, c.all(), seen)
	compared := noFork(ctx, t, c, c.all(), 1, to)

	fig.add("rolling restart: restarts", "%d (SIGTERM, start, caught up) in %s", rounds*len(fn.net.Nodes), took.Round(100*time.Millisecond))
	fig.add("rolling restart: longest gap between blocks", "%s", blockGap)
	fig.add("rolling restart: longest gap between receipts", "%s", rcptGap)
	fig.add("rolling restart: receipts", "%d, lost 0", len(seen))
	fig.add("rolling restart: heights compared", "%d", compared)
}

// opsCleanRestart stops node i with SIGTERM, checks it exited cleanly,
// starts it again and waits until it has caught up with the others.
func opsCleanRestart(ctx context.Context, t *testing.T, fn *faultNet, i int) {
	t.Helper()
	c := fn.c
	p := fn.procs.List()[i]
	if err := syscall.Kill(p.PID, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM %s (pid %d): %v", p.Name, p.PID, err)
	}
	select {
	case <-p.Exited():
	case <-ctx.Done():
		t.Fatalf("%s (pid %d) did not stop after SIGTERM", p.Name, p.PID)
	}
	if st := p.Status(); st != "exit status 0" {
		t.Fatalf("%s (pid %d) stopped by SIGTERM with %q", p.Name, p.PID, st)
	}
	q, err := fn.procs.Restart(i)
	if err != nil {
		t.Fatal(err)
	}
	others := slices.DeleteFunc(c.all(), func(j int) bool { return j == i })
	target := c.maxHeight(ctx, t, others)
	// Back: past the others' height when it started, and ready.
	testnet.WaitFor(ctx, t, fmt.Sprintf("%s back past height %d and ready", q.Name, target), func() error {
		if err := exitedEarly(q); err != nil {
			return devnet.Permanent(err)
		}
		h, err := c.blockNumber(ctx, i)
		if err != nil || h <= target {
			return fmt.Errorf("%s at %d (%v)", q.Name, h, err)
		}
		if code, r, err := readyz(ctx, fn.net.Nodes[i].RPC); err != nil || !r.Ready {
			return fmt.Errorf("%s /readyz %d %+v %v", q.Name, code, r, err)
		}
		return nil
	})
	t.Logf("%s restarted (pid %d), past height %d and ready", q.Name, q.PID, target)
}

// opsUpgradeRun schedules opsUpgrade by a plenary's votes sent to node 3,
// replaces nodes 0-2 with the new binary (replace(i) makes node i's next
// start use it) before the upgrade's height, and watches node 3, still the
// old binary, stop there.
func opsUpgradeRun(t *testing.T, fn *faultNet, fig *figures, replace func(i int)) {
	c := fn.c
	ctx, cancel := context.WithTimeout(t.Context(), 6*time.Minute)
	defer cancel()
	const old = 3
	from := c.maxHeight(ctx, t, c.all())
	g := testnet.DialGov(ctx, t, fn.net.Nodes[old].RPC)

	// A meeting a few seconds ahead, long enough for three rounds of
	// transactions on a loaded machine.
	head := func() (uint64, uint64) { return opsHead(ctx, t, c, old) }
	_, now := head()
	now = max(now, uint64(time.Now().Unix()))
	window := pick[uint64](10, 25)
	start, end := now+5, now+5+window
	var (
		secretary = devnet.RoleNameSecretary
		projects  = devnet.RoleNameProjectsCommission
		nodes     = devnet.RoleNameNodesCommission
	)
	res := g.Round(t, g.Do(t, secretary, "public", "convene", uint8(governance.MeetingOrdinary), crypto.Keccak256Hash([]byte("upgrade "+opsUpgrade)), start, end, "online", uint64(0)))
	meeting := testnet.EventArg(t, res[0], "MeetingConvened", "meetingId").(uint64)
	opsWaitBlockTime(ctx, t, c, old, "the meeting's start", start)
	g.Round(t,
		g.Do(t, secretary, "public", "attend", meeting),
		g.Do(t, projects, "public", "attend", meeting),
		g.Do(t, projects, "academic", "attend", meeting),
		g.Do(t, projects, "private", "attend", meeting),
		g.Do(t, projects, "cso", "attend", meeting),
		g.Do(t, nodes, "public", "attend", meeting),
		g.Do(t, nodes, "academic", "attend", meeting),
	)
	// The height leaves the lead governance requires after the decision,
	// which comes after the meeting's end: blocks come at most every
	// TimeoutCommit, block times are whole seconds.
	number, now := head()
	height := number + (end-now+1)*uint64(time.Second/opsUpgradeBlockTime) + 8 + governance.MinUpgradeLead
	moved := g.Round(t, g.Do(t, projects, "public", "moveUpgrade", meeting, opsUpgrade, height))
	motion := testnet.EventArg(t, moved[0], "MotionProposed", "motionId").(uint64)
	g.Round(t,
		g.Do(t, projects, "public", "vote", motion, true),
		g.Do(t, projects, "academic", "vote", motion, true),
		g.Do(t, projects, "private", "vote", motion, true),
		g.Do(t, projects, "cso", "vote", motion, true),
		g.Do(t, nodes, "public", "vote", motion, true),
	)
	n, tm := head()
	if tm >= end {
		t.Fatalf("the votes ended at block %d, time %d: after the meeting (end %d); the machine is too slow for this window", n, tm, end)
	}
	t.Logf("meeting %d: attendance, motion and votes done at block %d, %d s before its end", meeting, n, end-tm)
	opsWaitBlockTime(ctx, t, c, old, "the meeting's end", end)
	decided := g.Round(t, g.Do(t, devnet.RoleNameMember, "private", "decide", motion))[0]
	if passed := testnet.EventArg(t, decided, "MotionDecided", "passed").(bool); !passed {
		t.Fatalf("motion %d failed: %+v", motion, decided.Events)
	}
	if h := testnet.EventArg(t, decided, "UpgradeScheduled", "height").(uint64); h != height {
		t.Fatalf("UpgradeScheduled at %d, moved at %d", h, height)
	}
	t.Logf("upgrade %s scheduled at height %d by motion %d, decided in block %d", opsUpgrade, height, motion, decided.Block)

	// Nodes 0-2 replaced one by one, each caught up before the next.
	for i := range old {
		replace(i)
		opsCleanRestart(ctx, t, fn, i)
		if h := c.height(ctx, t, i); h >= height-1 {
			t.Fatalf("%s replaced at height %d, not before the upgrade's %d: the machine is too slow", c.names[i], h, height)
		}
	}
	replacedBy := c.maxHeight(ctx, t, c.all())
	if log, err := os.ReadFile(fn.procs.List()[0].LogPath); err != nil || !strings.Contains(string(log), "rehearsing upgrades") {
		t.Errorf("%s, replaced by the rehearsal build, did not warn that it is one (%v)", c.names[0], err)
	}

	// The old binary stops at the upgrade; the new ones pass it.
	p := fn.procs.List()[old]
	select {
	case <-p.Exited():
	case <-ctx.Done():
		t.Fatalf("%s (the old binary) still runs: %v", p.Name, ctx.Err())
	}
	stopLine := p.Status()
	want := fmt.Sprintf(`upgrade %q is scheduled at height %d and this redmx`, opsUpgrade, height)
	if !strings.Contains(stopLine, want) || !strings.Contains(stopLine, "does not know it") {
		t.Fatalf("%s stopped with %q, want %s… does not know it", p.Name, stopLine, want)
	}
	appHeight, cometHeight := testnet.CommittedHeights(t, fn.net.Home(old))
	if appHeight != height-1 || cometHeight != int64(height)-1 {
		t.Fatalf("%s committed height %d (app) and %d (CometBFT's state), want %d", p.Name, appHeight, cometHeight, height-1)
	}
	t.Logf("%s stopped at height %d: %s", p.Name, appHeight, stopLine)
	newNodes := []int{0, 1, 2}
	opsWaitHeight(ctx, t, c, newNodes, height+2)

	// The old node replaced too: it goes on from where it stopped.
	replace(old)
	q, err := fn.procs.Restart(old)
	if err != nil {
		t.Fatal(err)
	}
	target := c.maxHeight(ctx, t, newNodes)
	opsWaitHeight(ctx, t, c, []int{old}, target)
	t.Logf("%s, replaced (pid %d), caught up to %d", q.Name, q.PID, target)
	to := c.maxHeight(ctx, t, c.all())
	opsWaitHeight(ctx, t, c, c.all(), to)
	compared := noFork(ctx, t, c, c.all(), 1, to)
	gap, at := opsLongestGap(ctx, t, fn.net.Nodes[0].CometRPC, from, to, nil)
	t.Logf("longest gap between blocks %d-%d: %s (before %d)", from, to, gap, at)
	if gap > opsMaxStall {
		t.Errorf("a gap of %s between blocks %d and %d", gap, at-1, at)
	}

	fig.add("upgrade: height", "%d (voted in block %d)", height, decided.Block)
	fig.add("upgrade: nodes replaced before the height", "3 (by height %d)", replacedBy)
	fig.add("upgrade: old binary stopped at", "%d", appHeight)
	fig.add("upgrade: old binary's message", "%s", stopLine)
	fig.add("upgrade: new binaries passed", "%d", height+2)
	fig.add("upgrade: longest gap between blocks", "%s", gap)
	fig.add("upgrade: heights compared", "%d", compared)
}

// opsWaitHeight waits until each of nodes has reached height h.
func opsWaitHeight(ctx context.Context, t *testing.T, c *cluster, nodes []int, h uint64) {
	t.Helper()
	testnet.WaitFor(ctx, t, fmt.Sprintf("%v at height %d", c.namesOf(nodes), h), func() error {
		for _, i := range nodes {
			n, err := c.blockNumber(ctx, i)
			if err != nil || n < h {
				return fmt.Errorf("%s at %d (%v)", c.names[i], n, err)
			}
		}
		return nil
	})
}

// opsLongestGap is the longest time between consecutive blocks of
// from..to by their header times (CometBFT's, to the nanosecond), and the
// height that ended it; with only set, between consecutive blocks among
// only (and from).
func opsLongestGap(ctx context.Context, t *testing.T, cometRPC string, from, to uint64, only []uint64) (time.Duration, uint64) {
	t.Helper()
	times := make(map[uint64]time.Time, to-from+1)
	for hi := to; hi >= from; {
		lo := from // /blockchain gives at most 20
		if hi >= from+19 {
			lo = hi - 19
		}
		res, err := cometGet[struct {
			Metas []struct {
				Header struct {
					Height string    `json:"height"`
					Time   time.Time `json:"time"`
				} `json:"header"`
			} `json:"block_metas"`
		}](ctx, cometRPC, fmt.Sprintf("/blockchain?minHeight=%d&maxHeight=%d", lo, hi))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Metas {
			var h uint64
			if _, err := fmt.Sscan(m.Header.Height, &h); err != nil {
				t.Fatal(err)
			}
			times[h] = m.Header.Time
		}
		if lo == from {
			break
		}
		hi = lo - 1
	}
	heights := []uint64{from}
	if only == nil {
		for h := from + 1; h <= to; h++ {
			heights = append(heights, h)
		}
	} else {
		heights = append(heights, only...)
		slices.Sort(heights)
		heights = slices.Compact(heights)
	}
	var gap time.Duration
	var at uint64
	for k := 1; k < len(heights); k++ {
		a, b := times[heights[k-1]], times[heights[k]]
		if a.IsZero() || b.IsZero() {
			t.Fatalf("no block time of %d or %d", heights[k-1], heights[k])
		}
		if d := b.Sub(a); d > gap {
			gap, at = d, heights[k]
		}
	}
	return gap.Round(10 * time.Millisecond), at
}

// opsHead is node i's latest block number and time.
func opsHead(ctx context.Context, t *testing.T, c *cluster, i int) (number, time uint64) {
	t.Helper()
	var hd *struct {
		Number hexutil.Uint64 `json:"number"`
		Time   hexutil.Uint64 `json:"timestamp"`
	}
	if err := c.call(ctx, i, &hd, "eth_getBlockByNumber", "latest", false); err != nil || hd == nil {
		t.Fatalf("%s head: %v", c.names[i], err)
	}
	return uint64(hd.Number), uint64(hd.Time)
}

// opsWaitBlockTime waits until node i's head has a time of at least at.
func opsWaitBlockTime(ctx context.Context, t *testing.T, c *cluster, i int, what string, at uint64) {
	t.Helper()
	testnet.WaitFor(ctx, t, what, func() error {
		if _, tm := opsHead(ctx, t, c, i); tm < at {
			return fmt.Errorf("block time %d, waiting for %d", tm, at)
		}
		return nil
	})
}
