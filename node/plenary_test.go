package node_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// TestPlenaryUpgradeStopsEveryNode runs the plenary of docs/governance.md
// §3.5 on four real validators, by transactions of the devnet's role keys: the
// secretary convenes two ordinary meetings; seven Executive Council members
// attend the first, where a member moves an upgrade that a majority of
// those present approves; after the meeting anyone decides it, and the
// upgrade is scheduled. Three attend the second, without quorum: its motion
// cannot pass. At the upgrade's height every node stops with an error
// naming it, none having committed that height; a restart with the same
// binary stops again at once with the same error, and a binary that knows
// the upgrade goes on past it.
func TestPlenaryUpgradeStopsEveryNode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-node network through a plenary")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	began := time.Now()
	net := testnet.Start(t, devnet.Config{
		Validators:    4,
		TimeoutCommit: 300 * time.Millisecond,
		GovParams:     map[string]uint64{"meetingNotice": 2},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	gc := h.Client()
	do := func(role, collective, fn string, args ...any) testnet.GovCall {
		return h.Do(t, role, collective, fn, args...)
	}
	round := h.Round
	head := func() (number, time uint64) { return h.Head(t) }
	waitBlockTime := func(what string, at uint64) { h.WaitBlockTime(t, what, at) }

	var (
		secretary = devnet.RoleNameSecretary
		projects  = devnet.RoleNameProjectsCommission
		nodes     = devnet.RoleNameNodesCommission
	)
	// Each meeting's window holds three rounds of transactions, each a
	// block or two, with room for a loaded machine. Each is set from the
	// head when it is convened: on a loaded machine a round can outlast the
	// notice. Block times follow the wall clock; the head may be a second
	// behind.
	convene := func(agenda string) (id, start, end uint64) {
		_, now := head()
		now = max(now, uint64(time.Now().Unix()))
		start, end = now+7, now+7+20
		res := round(t, do(secretary, "public", "convene", governance.MeetingOrdinary, crypto.Keccak256Hash([]byte(agenda)), start, end, "online", uint64(0)))
		return testnet.EventArg(t, res[0], "MeetingConvened", "meetingId").(uint64), start, end
	}
	quorate, start, end := convene("upgrade v-next")
	inquorate, start2, end2 := convene("upgrade v-never")
	// Both are open from the later start to the earlier end; both are over
	// at the later end.
	start, last := max(start, start2), max(end, end2)
	end = min(end, end2)
	waitBlockTime("the meetings' start", start)

	// Seven attend the first meeting (the secretary and six others), three
	// the second.
	round(t,
		do(secretary, "public", "attend", quorate),
		do(projects, "public", "attend", quorate),
		do(projects, "academic", "attend", quorate),
		do(projects, "private", "attend", quorate),
		do(projects, "cso", "attend", quorate),
		do(nodes, "public", "attend", quorate),
		do(nodes, "academic", "attend", quorate),
		do(nodes, "private", "attend", inquorate),
		do(nodes, "cso", "attend", inquorate),
	)
	// The upgrade height leaves room for the rest of the window and the
	// decision: blocks come at most every TimeoutCommit (300 ms), block
	// times are whole seconds.
	number, now := head()
	height := number + (last-now+1)*4 + 8 + governance.MinUpgradeLead
	moved := round(t,
		do(secretary, "public", "attend", inquorate),
		do(projects, "public", "moveUpgrade", quorate, "v-next", height),
		do(nodes, "private", "moveUpgrade", inquorate, "v-never", height),
	)
	motion := testnet.EventArg(t, moved[1], "MotionProposed", "motionId").(uint64)
	lost := testnet.EventArg(t, moved[2], "MotionProposed", "motionId").(uint64)
	round(t,
		do(projects, "public", "vote", motion, true),
		do(projects, "academic", "vote", motion, true),
		do(projects, "private", "vote", motion, true),
		do(projects, "cso", "vote", motion, true),
		do(nodes, "public", "vote", motion, false),
		do(nodes, "private", "vote", lost, true),
		do(nodes, "cso", "vote", lost, true),
	)
	if n, tm := head(); tm >= end {
		t.Fatalf("the votes ended at block %d, time %d: after the meeting (end %d); the machine is too slow for this window", n, tm, end)
	}
	waitBlockTime("the meetings' end", last)

	t.Run("a quorate majority schedules the upgrade", func(t *testing.T) {
		res := round(t, do(devnet.RoleNameMember, "private", "decide", motion))[0]
		if passed := testnet.EventArg(t, res, "MotionDecided", "passed").(bool); !passed {
			t.Fatalf("motion %d failed: %+v", motion, res.Events)
		}
		for arg, want := range map[string]uint32{"yes": 4, "no": 1, "present": 7} {
			if got := testnet.EventArg(t, res, "MotionDecided", arg).(uint32); got != want {
				t.Errorf("MotionDecided %s = %d, want %d", arg, got, want)
			}
		}
		if name := testnet.EventArg(t, res, "UpgradeScheduled", "name").(string); name != "v-next" {
			t.Errorf("UpgradeScheduled name %q", name)
		}
		if h := testnet.EventArg(t, res, "UpgradeScheduled", "height").(uint64); h != height {
			t.Errorf("UpgradeScheduled height %d, want %d", h, height)
		}
		if res.Block >= height {
			t.Fatalf("decided at block %d, not before the upgrade height %d", res.Block, height)
		}
	})

	t.Run("a meeting without quorum passes nothing", func(t *testing.T) {
		m, err := govclient.Method("decide")
		if err != nil {
			t.Fatal(err)
		}
		_, err = gc.Send(ctx, govclient.KeySigner{Key: testnet.RoleKey(t, devnet.RoleNameMember, "private")}, m, []any{lost}, govclient.SendOptions{})
		if !errors.Is(err, govclient.ErrWouldFail) || !strings.Contains(err.Error(), "quorum not reached: 3 present, 7 needed") {
			t.Fatalf("decide of the motion of a meeting without quorum: %v", err)
		}
		v, err := govclient.Method("upgrades")
		if err != nil {
			t.Fatal(err)
		}
		out, err := gc.ViewAll(ctx, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		names, heights := out[0].Value.([]string), out[1].Value.([]uint64)
		if !slices.Equal(names, []string{"v-next"}) || !slices.Equal(heights, []uint64{height}) {
			t.Fatalf("scheduled upgrades %v at %v, want only v-next at %d", names, heights, height)
		}
	})
	if t.Failed() {
		return
	}

	want := fmt.Sprintf(`upgrade "v-next" is scheduled at height %d and this redmx`, height)
	stopped := make([]string, len(net.Nodes))
	t.Run("every node stops at the upgrade height", func(t *testing.T) {
		for i, n := range net.Nodes {
			err := net.WaitExit(ctx, t, i)
			if !errors.Is(err, app.ErrUnknownUpgrade) || !strings.Contains(err.Error(), want) {
				t.Fatalf("%s stopped with %v, want %s", n.Name, err, want)
			}
			stopped[i] = err.Error()
		}
		for i, n := range net.Nodes {
			appHeight, cometHeight := testnet.CommittedHeights(t, net.Home(i))
			if appHeight != height-1 || cometHeight != int64(height)-1 {
				t.Errorf("%s committed height %d (app) and %d (CometBFT's state), want %d", n.Name, appHeight, cometHeight, height-1)
			}
		}
	})
	if t.Failed() {
		return
	}

	t.Run("a restart of the same binary stops again", func(t *testing.T) {
		net.Restart(t, 0)
		err := net.WaitExit(ctx, t, 0)
		if !errors.Is(err, app.ErrUnknownUpgrade) || err.Error() != stopped[0] {
			t.Fatalf("restarted node0 stopped with %v, want %s", err, stopped[0])
		}
		if appHeight, cometHeight := testnet.CommittedHeights(t, net.Home(0)); appHeight != height-1 || cometHeight != int64(height)-1 {
			t.Fatalf("after the restart node0 committed height %d (app) and %d (CometBFT's state), want %d", appHeight, cometHeight, height-1)
		}
	})

	t.Run("a binary that knows the upgrade goes on", func(t *testing.T) {
		for i := range net.Nodes {
			net.Restart(t, i, node.WithKnownUpgrades("v-next"))
		}
		net.WaitHeight(ctx, t, int64(height)+2)
		for _, n := range net.Nodes {
			c, err := ethclient.DialContext(ctx, "http://"+n.RPC)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(ctx, t, n.Name+"'s head past the upgrade", func() bool {
				b, err := c.BlockNumber(ctx)
				return err == nil && b > height
			})
			c.Close()
		}
	})
	t.Logf("plenary, stop, restarts: %s", time.Since(began).Round(time.Second))
}
