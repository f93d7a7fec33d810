//go:build faults

package faulttest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/dashboard"
	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/internal/testnet"
)

const (
	// healBound is how soon after healing a partition every node must
	// finalise again (docs/faults.md, row 5).
	healBound = 30 * time.Second
	// settleQuiet is how long every node's height must stay unchanged
	// before a partition that stops finalising counts as in force: votes
	// already delivered may still complete a height, and a node cut off
	// earlier may still catch up with its new side.
	settleQuiet = 3 * time.Second
	// readyAge is the nodes' ready_max_block_age in row 5, shorter than a
	// phase so that /readyz of a node cut off says so within it.
	readyAge = 5 * time.Second
	// dashboardWithin is how soon a node's dashboard must show a fault or
	// its end (the "tells the truth within 15 s").
	dashboardWithin = 15 * time.Second
)

// TestFaultPartitions is row 5: four validators, each in its own network
// namespace, joined by bridges. 3 | 1: the three keep finalising, the one
// alone does not. 2 | 2: neither side has the two thirds, no node
// finalises and no two nodes disagree. Healed: every node finalises again
// within 30 s, and all agree on every height.
func TestFaultPartitions(t *testing.T) {
	parallel(t)
	lab := newNetLab(t, validators)
	fig := record(t, 5, "partitions: 3 | 1, then 2 | 2, then heal")
	fn := startNet(t, netOptions{Command: lab.command, Config: func(i int, f *config.File) {
		lab.config(i, f)
		f.Redmx.Metrics.ReadyMaxBlockAge = readyAge
	}})
	c := fn.c
	phase := pick(12*time.Second, 60*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 4*phase+4*phaseTimeout)
	defer cancel()
	all := c.all()
	for j := 1; j < validators; j++ {
		if !lab.reachable(0, j) {
			t.Fatalf("node0 cannot reach node%d over the bridge before any partition", j)
		}
	}

	// 3 | 1: node3 alone on brB.
	alone := validators - 1
	three := all[:alone]
	lab.place(func(i int) string { return side(i == alone) })
	cut := time.Now()
	if lab.reachable(0, alone) {
		t.Fatalf("node0 still reaches node%d across the partition", alone)
	}
	t.Logf("3 | 1: %v | %s", c.namesOf(three), c.names[alone])
	isolated := settled(ctx, t, c, [][]int{{alone}})[alone]
	before := heights(ctx, t, c, three)
	begun := time.Now()
	stale := dashboardShows(ctx, t, fn, 0, cut, fmt.Sprintf("%s stale or offline", c.names[alone]), func(s dashboard.Snapshot) error {
		if st := nodeState(s, fn, alone); st != status.Stale && st != status.Offline {
			return fmt.Errorf("%s %s", c.names[alone], st)
		}
		return nil
	})
	time.Sleep(phase - time.Since(begun)) // the fault itself
	after := heights(ctx, t, c, three)
	held := time.Since(begun).Round(100 * time.Millisecond)
	made := after[0] - before[0]
	for _, i := range three {
		if after[i] < before[i]+minAdvance {
			t.Errorf("3 | 1: %s went from height %d to %d in %s", c.names[i], before[i], after[i], held)
		}
	}
	if h := c.height(ctx, t, alone); h != isolated {
		t.Errorf("3 | 1: %s, alone, went from height %d to %d", c.names[alone], isolated, h)
	}
	notReady(ctx, t, fn, []int{alone})
	fig.add("blocks during 3 | 1", "%d in %s (the one alone: 0)", made, held)
	t.Logf("3 | 1: the three made %d blocks in %s; %s stayed at %d", made, held, c.names[alone], isolated)

	// 2 | 2: node0, node1 on brA; node2, node3 on brB.
	lab.place(func(i int) string { return side(i >= 2) })
	if lab.reachable(0, 2) || !lab.reachable(2, 3) {
		t.Fatal("2 | 2: the bridges do not split the nodes as placed")
	}
	t.Logf("2 | 2: %v | %v", c.namesOf(all[:2]), c.namesOf(all[2:]))
	split := time.Now()
	var halted time.Duration
	for _, i := range []int{0, 2} { // each side's view
		halted = max(halted, dashboardShows(ctx, t, fn, i, split, "the chain halted", func(s dashboard.Snapshot) error {
			if !s.Network.Halted {
				return fmt.Errorf("not halted: online power %d of %d", s.Network.OnlinePower, s.Network.TotalPower)
			}
			return nil
		}))
	}
	fig.add("dashboard", "node3 stale %.1f s after 3 | 1; halted on both sides %.1f s after 2 | 2", stale.Seconds(), halted.Seconds())
	frozen := settled(ctx, t, c, [][]int{all[:2], all[2:]})
	settle := time.Since(split)
	time.Sleep(phase) // the fault itself
	now := heights(ctx, t, c, all)
	newHeights := uint64(0)
	for _, i := range all {
		newHeights += now[i] - frozen[i]
	}
	if newHeights != 0 {
		t.Errorf("2 | 2: heights went from %v to %v in %s", frozen, now, phase)
	}
	notReady(ctx, t, fn, all)
	low := slices.Min(now)
	noFork(ctx, t, c, all, 1, low)
	fig.add("new heights during 2 | 2", "%d in %s (at %v, settled %.1f s after the split)", newHeights, phase, now, settle.Seconds())
	fig.add("/readyz cut off", "not ready (no block for …) on the one alone in 3 | 1 and on all 4 in 2 | 2")
	t.Logf("2 | 2: heights %v held for %s (settled %s after the split)", now, phase, settle.Round(time.Millisecond))

	// Heal: every port back on brA.
	lab.place(func(int) string { return side(false) })
	healed := time.Now()
	top := slices.Max(now)
	hctx, hcancel := context.WithTimeout(ctx, 2*healBound) // measure past the bound, then judge
	testnet.WaitFor(hctx, t, fmt.Sprintf("every node above height %d after healing", top), func() error {
		for _, i := range all {
			h, err := c.blockNumber(hctx, i)
			if err != nil {
				return fmt.Errorf("%s: %w", c.names[i], err)
			}
			if h <= top {
				return fmt.Errorf("%s at height %d", c.names[i], h)
			}
		}
		return nil
	})
	hcancel()
	live := time.Since(healed)
	fig.add("live after heal", "%.1f s", live.Seconds())
	if live > healBound {
		t.Errorf("healed: every node finalised again only after %s (bound %s)", live.Round(time.Millisecond), healBound)
	}
	t.Logf("healed: every node above height %d after %s", top, live.Round(time.Millisecond))
	// The dashboard follows the chain: it must show it live within
	// dashboardWithin of the chain being live again.
	liveAt := healed.Add(live)
	online := live + dashboardShows(ctx, t, fn, 0, liveAt, "every node online and the chain not halted", func(s dashboard.Snapshot) error {
		if s.Network.Halted {
			return errors.New("halted")
		}
		for _, i := range all {
			if st := nodeState(s, fn, i); st != status.Online {
				return fmt.Errorf("%s %s", c.names[i], st)
			}
		}
		return nil
	})
	fig.add("dashboard", "node3 stale %.1f s after 3 | 1; halted on both sides %.1f s after 2 | 2; all online %.1f s after heal",
		stale.Seconds(), halted.Seconds(), online.Seconds())
	waitAdvance(ctx, t, c, all, minAdvance)
	testnet.WaitFor(ctx, t, "every node's /readyz ready after healing", func() error {
		for _, i := range all {
			if _, rd, err := readyz(ctx, fn.net.Nodes[i].RPC); err != nil || !rd.Ready {
				return fmt.Errorf("%s: %+v (%v)", c.names[i], rd, err)
			}
		}
		return nil
	})
	end := slices.Min(heights(ctx, t, c, all))
	n := noFork(ctx, t, c, all, 1, end)
	fig.add("heights compared", "%d on 4 nodes, no fork", n)
}

// notReady checks that each of nodes, cut off from two thirds of the
// power for longer than readyAge, says so on /readyz.
func notReady(ctx context.Context, t *testing.T, fn *faultNet, nodes []int) {
	t.Helper()
	for _, i := range nodes {
		_, rd, err := readyz(ctx, fn.net.Nodes[i].RPC)
		if err != nil {
			t.Errorf("%s /readyz: %v", fn.c.names[i], err)
		} else if rd.Ready || !strings.HasPrefix(rd.Reason, "no block for") {
			t.Errorf("%s /readyz, cut off: %+v, want not ready with \"no block for ...\"", fn.c.names[i], rd)
		}
	}
}

// dashboardShows waits until node i's dashboard API shows what cond
// accepts and returns how long after since that was; the dashboard must
// tell the truth within dashboardWithin.
func dashboardShows(ctx context.Context, t *testing.T, fn *faultNet, i int, since time.Time, what string, cond func(dashboard.Snapshot) error) time.Duration {
	t.Helper()
	dctx, cancel := context.WithDeadline(ctx, since.Add(dashboardWithin))
	defer cancel()
	url := "http://" + fn.net.Nodes[i].RPC + "/dashboard/api/snapshot"
	testnet.WaitFor(dctx, t, fmt.Sprintf("%s on %s's dashboard within %s", what, fn.c.names[i], dashboardWithin), func() error {
		var s dashboard.Snapshot
		if err := getJSON(dctx, url, &s); err != nil {
			return err
		}
		return cond(s)
	})
	return time.Since(since)
}

// nodeState is node i's state in a dashboard snapshot.
func nodeState(s dashboard.Snapshot, fn *faultNet, i int) string {
	for _, n := range s.Nodes {
		if n.NodeID == fn.net.Nodes[i].NodeID {
			return n.State
		}
	}
	return "absent"
}

// side names the bridge of a node on side B of a partition or not.
func side(b bool) string {
	if b {
		return "brB"
	}
	return "brA"
}

// heights is each node's height, indexed by node (nodes not asked are 0).
func heights(ctx context.Context, t *testing.T, c *cluster, nodes []int) []uint64 {
	t.Helper()
	hs := make([]uint64, len(c.clients))
	for _, i := range nodes {
		hs[i] = c.height(ctx, t, i)
	}
	return hs
}

// settled waits until the nodes of each side of a partition are at one
// height (a node cut off earlier has caught up with its side) and no
// node's height has changed for settleQuiet, and returns the heights.
func settled(ctx context.Context, t *testing.T, c *cluster, sides [][]int) []uint64 {
	t.Helper()
	nodes := slices.Concat(sides...)
	last := heights(ctx, t, c, nodes)
	since := time.Now()
	testnet.WaitFor(ctx, t, fmt.Sprintf("each side of %v at one height for %s", sides, settleQuiet), func() error {
		now := heights(ctx, t, c, nodes)
		if !slices.Equal(now, last) {
			last, since = now, time.Now()
		}
		for _, s := range sides {
			for _, i := range s[1:] {
				if now[i] != now[s[0]] {
					return fmt.Errorf("%s at %d, %s at %d", c.names[s[0]], now[s[0]], c.names[i], now[i])
				}
			}
		}
		if d := time.Since(since); d < settleQuiet {
			return fmt.Errorf("at %v for %s", last, d.Round(time.Millisecond))
		}
		return nil
	})
	return last
}

const (
	// gapBound is the longest a slow or lossy network may go without a
	// block and still count as finalising throughout.
	gapBound = 10 * time.Second
	// receiptP99Bound is the receipt latency's 99th percentile the chain
	// must keep at 100 ms links (docs/faults.md, row 6).
	receiptP99Bound = 5 * time.Second
)

// TestFaultSlowLinks is row 6: four validators whose every p2p connection
// crosses a userspace proxy (proxy_faults_test.go) while transfers flow.
// (a) every link 100 ms ± 20 ms with 1 % loss; (b) one validator's links at
// 300 ms; (c) every link with 5 % loss. The chain finalises throughout (no
// gap between blocks longer than gapBound) and at 100 ms the receipts'
// p99, from submission to receipt, is within 5 s. Every receipt is then on
// every node and all agree on every height.
func TestFaultSlowLinks(t *testing.T) {
	parallel(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("REDMX_FAULTS_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("REDMX_FAULTS_SEED: %v", err)
		}
	}
	t.Logf("links' random seed %d (REDMX_FAULTS_SEED=%d repeats it)", seed, seed)
	fig := record(t, 6, "slow and lossy links: 100 ms ± 20 ms, 1 % loss; one validator at 300 ms; 5 % loss")
	l := newLinks(t, validators, seed)
	base := linkShape{Latency: 100 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.01}
	l.shape(func(int, int) linkShape { return base })
	fn := startNet(t, netOptions{Config: l.config})
	c := fn.c
	dur := pick(15*time.Second, 5*time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 3*dur+4*phaseTimeout)
	defer cancel()

	slow := validators - 1
	phases := []struct {
		name  string
		shape func(i, j int) linkShape
	}{
		{"100 ms ± 20 ms, 1 % loss", func(int, int) linkShape { return base }},
		{"node3's links at 300 ms", func(i, j int) linkShape {
			if i == slow || j == slow {
				return linkShape{Latency: 300 * time.Millisecond, Jitter: base.Jitter, Loss: base.Loss}
			}
			return base
		}},
		{"100 ms ± 20 ms, 5 % loss", func(int, int) linkShape { return linkShape{Latency: base.Latency, Jitter: base.Jitter, Loss: 0.05} }},
	}
	tr := startTraffic(t, c)
	waitNewReceipts(ctx, t, tr, 0, senders) // warmed up: every sender has a receipt
	type window struct{ from, to time.Time }
	windows := make([]window, len(phases))
	for k, ph := range phases {
		l.shape(ph.shape)
		windows[k].from = time.Now()
		t.Logf("phase %s: links %s", ph.name, ph.shape(0, slow))
		time.Sleep(dur) // the fault itself
		windows[k].to = time.Now()
		if err := tr.failed(); err != nil {
			t.Fatal(err)
		}
	}
	l.shape(func(int, int) linkShape { return linkShape{} })
	tr.stop(t)

	top := c.maxHeight(ctx, t, c.all())
	opsWaitHeight(ctx, t, c, c.all(), top) // node0 may be a block behind
	headers, err := cometHeaders(ctx, fn.net.Nodes[0].CometRPC, 1, int64(top))
	if err != nil {
		t.Fatal(err)
	}
	samples := tr.latencies()
	for k, ph := range phases {
		w := windows[k]
		var lat []time.Duration
		for _, s := range samples {
			if !s.sent.Before(w.from) && s.sent.Before(w.to) {
				lat = append(lat, s.latency)
			}
		}
		var at []time.Time
		for _, h := range headers {
			if bt := h.Time; !bt.Before(w.from) && !bt.After(w.to) {
				at = append(at, bt)
			}
		}
		var intervals []time.Duration
		for m := 1; m < len(at); m++ {
			intervals = append(intervals, at[m].Sub(at[m-1]))
		}
		gap := dur // no block at all
		if len(at) > 0 {
			gap = max(at[0].Sub(w.from), w.to.Sub(at[len(at)-1]))
			for _, d := range intervals {
				gap = max(gap, d)
			}
		}
		rp50, rp99 := percentile(lat, 50), percentile(lat, 99)
		bp50, bp99 := percentile(intervals, 50), percentile(intervals, 99)
		t.Logf("phase %s: %d blocks, interval p50 %s p99 %s, longest gap %s; %d receipts, latency p50 %s p99 %s",
			ph.name, len(at), bp50, bp99, gap, len(lat), rp50, rp99)
		fig.add(ph.name, "receipt p50 %.2f s, p99 %.2f s (%d transfers); block interval p50 %.2f s, p99 %.2f s (%d blocks in %s); longest gap %.2f s",
			rp50.Seconds(), rp99.Seconds(), len(lat), bp50.Seconds(), bp99.Seconds(), len(at), dur, gap.Seconds())
		if gap > gapBound {
			t.Errorf("phase %s: %s without a block (bound %s)", ph.name, gap.Round(time.Millisecond), gapBound)
		}
		if len(lat) < minNewReceipts {
			t.Errorf("phase %s: only %d transfers mined", ph.name, len(lat))
		}
		if k == 0 && rp99 > receiptP99Bound {
			t.Errorf("phase %s: receipt p99 %s (bound %s)", ph.name, rp99.Round(time.Millisecond), receiptP99Bound)
		}
	}
	seen := tr.snapshot()
	verifyReceipts(t, c, c.all(), seen)
	fig.add("lost", "0 of %d transfers", len(seen))
	end := slices.Min(heights(ctx, t, c, c.all()))
	fig.add("heights compared", "%d on 4 nodes, no fork", noFork(ctx, t, c, c.all(), 1, end))
	conns := l.check(t)
	fig.add("links", "%d proxied connections; a lost segment arrives one retransmission timeout (200 ms + RTT) late; seed %d", conns, seed)
}
