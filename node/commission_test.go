package node_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
	"github.com/redmx/redmx/internal/testnet"
)

// TestCommissionActionRatified runs the check on the Nodes Commission
// (docs/governance.md §3.1 step 5) on four real validators, one per
// collective: three commission seats can neither act on a leader nor
// suspend a collective's only validator by themselves; suspended for cause,
// it waits for the plenary with its power intact; the plenary ratifies it
// in a quorate meeting and CometBFT's set drops it; the commission's
// reinstatement gives its power back at once.
func TestCommissionActionRatified(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-node network through a plenary")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	net := testnet.Start(t, devnet.Config{
		Validators:    4,
		TimeoutCommit: 300 * time.Millisecond,
		GovParams:     map[string]uint64{"meetingNotice": 2},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	cmt := cometClient(t, net.Nodes[0].CometRPC)
	do := func(role, collective, fn string, args ...any) testnet.GovCall {
		return h.Do(t, role, collective, fn, args...)
	}
	nodes := devnet.RoleNameNodesCommission
	refused := func(collective, fn string, args ...any) error {
		t.Helper()
		m, err := govclient.Method(fn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = h.Client().Send(ctx, govclient.KeySigner{Key: testnet.RoleKey(t, nodes, collective)}, m, args, govclient.SendOptions{})
		if !errors.Is(err, govclient.ErrWouldFail) {
			t.Fatalf("%s: %v, want a refusal", fn, err)
		}
		return err
	}

	var cso [20]byte
	for _, n := range net.Nodes {
		if n.Collective == "cso" {
			copy(cso[:], common.FromHex(n.NodeID))
		}
	}
	csoKey := validatorKey(t, net, "cso")
	reason := crypto.Keccak256Hash([]byte("evidence of misconduct"))

	// A leader is out of the commission's reach.
	seats, err := govclient.Method("seats")
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Client().View(ctx, seats, []any{governance.RoleLeader, "public"})
	if err != nil {
		t.Fatal(err)
	}
	leader := out[0].Value.([]uint64)[0]
	if err := refused("public", "proposeMemberAction", leader, governance.ActionRemove, false, reason); !strings.Contains(err.Error(), "holds a seat") {
		t.Fatalf("removing a leader: %v", err)
	}
	// Without cause the floor refuses; for cause it goes to the plenary.
	if err := refused("public", "proposeNodeAction", cso, governance.ActionSuspend, false, reason); !strings.Contains(err.Error(), "would be left without nodes") {
		t.Fatalf("suspending cso's only validator without cause: %v", err)
	}
	res := h.Send(t, nodes, "public", "proposeNodeAction", cso, governance.ActionSuspend, true, reason)
	action := testnet.EventArg(t, res, "ActionProposed", "actionId").(uint64)
	h.Round(t, do(nodes, "public", "voteAction", action, true), do(nodes, "academic", "voteAction", action, true))
	res = h.Send(t, nodes, "private", "voteAction", action, true)
	testnet.EventArg(t, res, "ActionSentToPlenary", "deadline")
	at := currentHeight(ctx, t, cmt)
	waitFor(ctx, t, "three blocks after the commission's decision", func() bool { return currentHeight(ctx, t, cmt) >= at+3 })
	if p := power(ctx, t, cmt, csoKey); p != governance.CollectivePower {
		t.Fatalf("cso's validator has power %d after the commission alone decided", p)
	}

	// The plenary ratifies it.
	_, now := h.Head(t)
	now = max(now, uint64(time.Now().Unix()))
	start, end := now+7, now+7+20
	res = h.Send(t, devnet.RoleNameSecretary, "public", "convene", governance.MeetingOrdinary, crypto.Keccak256Hash([]byte("ratify")), start, end, "online", uint64(0))
	meeting := testnet.EventArg(t, res, "MeetingConvened", "meetingId").(uint64)
	h.WaitBlockTime(t, "the meeting's start", start)
	var attend []testnet.GovCall
	attend = append(attend, do(devnet.RoleNameSecretary, "public", "attend", meeting))
	for _, c := range []string{"public", "academic", "private", "cso"} {
		attend = append(attend, do(nodes, c, "attend", meeting), do(devnet.RoleNameProjectsCommission, c, "attend", meeting))
	}
	h.Round(t, attend...)
	res = h.Send(t, devnet.RoleNameProjectsCommission, "public", "moveRatifyAction", meeting, action)
	motion := testnet.EventArg(t, res, "MotionProposed", "motionId").(uint64)
	var votes []testnet.GovCall
	for _, c := range []string{"public", "academic", "private", "cso"} {
		votes = append(votes, do(devnet.RoleNameProjectsCommission, c, "vote", motion, true), do(nodes, c, "vote", motion, true))
	}
	h.Round(t, votes...)
	if _, tm := h.Head(t); tm >= end {
		t.Fatalf("the votes ended at time %d, after the meeting (end %d): the machine is too slow for this window", tm, end)
	}
	h.WaitBlockTime(t, "the meeting's end", end)
	res = h.Send(t, devnet.RoleNameMember, "private", "decide", motion)
	if passed := testnet.EventArg(t, res, "MotionDecided", "passed").(bool); !passed {
		t.Fatalf("ratification failed: %+v", res.Events)
	}
	if got := testnet.EventArg(t, res, "ActionRatified", "actionId").(uint64); got != action {
		t.Fatalf("ratified action %d, want %d", got, action)
	}
	waitFor(ctx, t, "cso's validator out of CometBFT's set", func() bool { return power(ctx, t, cmt, csoKey) == 0 })
	act, err := govclient.Method("action")
	if err != nil {
		t.Fatal(err)
	}
	out, err = h.Client().View(ctx, act, []any{action})
	if err != nil {
		t.Fatal(err)
	}
	if st := governance.ActionStatus(out[5].Value.(uint8)); st != governance.ActionFinal || !out[3].Value.(bool) || out[4].Value.([32]byte) != [32]byte(reason) {
		t.Fatalf("action %d: %+v", action, out)
	}

	// The commission's reinstatement is immediate and final.
	res = h.Send(t, nodes, "public", "proposeNodeAction", cso, governance.ActionReinstate, false, [32]byte{})
	back := testnet.EventArg(t, res, "ActionProposed", "actionId").(uint64)
	h.Round(t, do(nodes, "public", "voteAction", back, true), do(nodes, "academic", "voteAction", back, true), do(nodes, "private", "voteAction", back, true))
	waitFor(ctx, t, "cso's validator back at full power", func() bool { return power(ctx, t, cmt, csoKey) == governance.CollectivePower })
}
