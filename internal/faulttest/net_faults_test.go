//go:build faults

package faulttest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

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
)

// TestFaultPartitions is row 5: four validators, each in its own network
// namespace, joined by bridges. 3 | 1: the three keep finalising, the one
// alone does not. 2 | 2: neither side has the two thirds, no node
// finalises and no two nodes disagree. Healed: every node finalises again
// within 30 s, and all agree on every height.
func TestFaultPartitions(t *testing.T) {
	lab := newNetLab(t, validators)
	fig := record(t, 5, "partitions: 3 | 1, then 2 | 2, then heal")
	fn := startNet(t, netOptions{Config: lab.config, Command: lab.command})
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
	if lab.reachable(0, alone) {
		t.Fatalf("node0 still reaches node%d across the partition", alone)
	}
	t.Logf("3 | 1: %v | %s", c.namesOf(three), c.names[alone])
	isolated := settled(ctx, t, c, [][]int{{alone}})[alone]
	before := heights(ctx, t, c, three)
	time.Sleep(phase) // the fault itself
	after := heights(ctx, t, c, three)
	made := after[0] - before[0]
	for _, i := range three {
		if after[i] < before[i]+minAdvance {
			t.Errorf("3 | 1: %s went from height %d to %d in %s", c.names[i], before[i], after[i], phase)
		}
	}
	if h := c.height(ctx, t, alone); h != isolated {
		t.Errorf("3 | 1: %s, alone, went from height %d to %d", c.names[alone], isolated, h)
	}
	fig.add("blocks during 3 | 1", "%d in %s (the one alone: 0)", made, phase)
	t.Logf("3 | 1: the three made %d blocks in %s; %s stayed at %d", made, phase, c.names[alone], isolated)

	// 2 | 2: node0, node1 on brA; node2, node3 on brB.
	lab.place(func(i int) string { return side(i >= 2) })
	if lab.reachable(0, 2) || !lab.reachable(2, 3) {
		t.Fatal("2 | 2: the bridges do not split the nodes as placed")
	}
	t.Logf("2 | 2: %v | %v", c.namesOf(all[:2]), c.namesOf(all[2:]))
	split := time.Now()
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
	low := slices.Min(now)
	noFork(ctx, t, c, all, 1, low)
	fig.add("new heights during 2 | 2", "%d in %s (at %v, settled %.1f s after the split)", newHeights, phase, now, settle.Seconds())
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
	waitAdvance(ctx, t, c, all, minAdvance)
	end := slices.Min(heights(ctx, t, c, all))
	n := noFork(ctx, t, c, all, 1, end)
	fig.add("heights compared", "%d on 4 nodes, no fork", n)
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
