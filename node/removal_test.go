package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/dashboard"
	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/testnet"
)

// removalDetected bounds how long after the vote that removes a node
// another node's dashboard may take to stop showing it as a validator and
// to show it removed, its reports no longer kept.
const removalDetected = 15 * time.Second

// TestRemovedNodeOnDashboard: a fifth node admitted as a validator, then
// removed by the Nodes Commission — provisionally, so suspended until the
// plenary ratifies it — as node0's dashboard API shows it. Once governance
// reads it suspended it is never shown online or unhealthy; within 15 s of
// the deciding vote it is out of the validator list, its state is suspended
// with the reason, and its last report is stale or offline (the network no
// longer keeps its reports). The node says so once in its own log.
func TestRemovedNodeOnDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 5-node network")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)

	var logs syncBuffer
	extra := net.AddNodeLogging(t, "node4", "academic", &logs)
	var nodeID [20]byte
	copy(nodeID[:], common.FromHex(extra.Info.NodeID))
	id := strings.ToLower(extra.Info.NodeID)
	applicant := crypto.PubkeyToAddress(testnet.RoleKey(t, devnet.RoleNameMember, "academic").PublicKey)
	nodeKey, pub, nodeSig, keySig := extra.NodeApplication(applicant, "academic")
	addr := ed25519.PubKey(pub).Address().String()

	api := "http://" + net.Nodes[0].RPC + "/dashboard/api/snapshot"
	snap := func() dashboard.Snapshot {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, api, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("node0's dashboard API: %v", err)
		}
		defer resp.Body.Close()
		var s dashboard.Snapshot
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("node0's dashboard API: %v", err)
		}
		return s
	}
	row := func(s dashboard.Snapshot) (dashboard.NodeRow, bool) {
		for _, n := range s.Nodes {
			if n.NodeID == id {
				return n, true
			}
		}
		return dashboard.NodeRow{}, false
	}
	validator := func(s dashboard.Snapshot) (dashboard.ValidatorRow, bool) {
		for _, v := range s.Network.Validators {
			if strings.EqualFold(v.Address, addr) {
				return v, true
			}
		}
		return dashboard.ValidatorRow{}, false
	}

	// Admitted: the dashboard shows it online, admitted, a validator.
	res := h.Send(t, devnet.RoleNameMember, "academic", "applyNode", "academic", nodeKey, governance.NodeValidator, "ed25519", pub,
		governance.KindInstitution, crypto.Keccak256Hash([]byte("a university")), crypto.Keccak256Hash([]byte("letter")),
		"https://example.org/letter", crypto.Keccak256Hash([]byte("adhesion")), "https://example.org/adhesion", nodeSig, keySig)
	app := testnet.EventArg(t, res, "NodeApplied", "applicationId").(uint64)
	h.Send(t, devnet.RoleNameLeader, "academic", "endorse", app)
	for _, c := range []string{"public", "academic", "private"} {
		h.Send(t, devnet.RoleNameNodesCommission, c, "commissionVote", app, true)
	}
	testnet.WaitFor(ctx, t, "node4 online, admitted and a validator on node0's dashboard", func() error {
		s := snap()
		r, ok := row(s)
		if !ok {
			return fmt.Errorf("node4 not listed")
		}
		if r.State != status.Online || r.GovStatus != "admitted" || r.Reason != "" {
			return fmt.Errorf("node4 %s, governance %q, reason %q", r.State, r.GovStatus, r.Reason)
		}
		if v, ok := validator(s); !ok || v.Power == 0 {
			return fmt.Errorf("node4 not in the validator list with power: %+v", v)
		}
		return nil
	})

	// Removed: the last of the three votes decides; the clock starts
	// when it is sent, before its block.
	res = h.Send(t, devnet.RoleNameNodesCommission, "public", "proposeNodeAction", nodeID, governance.ActionRemove, false, crypto.Keccak256Hash([]byte("test removal")))
	action := testnet.EventArg(t, res, "ActionProposed", "actionId").(uint64)
	h.Send(t, devnet.RoleNameNodesCommission, "public", "voteAction", action, true)
	h.Send(t, devnet.RoleNameNodesCommission, "academic", "voteAction", action, true)
	at := time.Now()
	res = h.Send(t, devnet.RoleNameNodesCommission, "private", "voteAction", action, true)
	t.Logf("the removing vote is in block %d, %s after it was sent", res.Block, time.Since(at).Round(10*time.Millisecond))

	// A commission removal takes effect provisionally: the node is
	// suspended (out of the set, disconnected) until the plenary ratifies
	// the removal.
	const gone = "suspended"
	// healthy fails the test if governance reads it gone while node4 is
	// shown online or unhealthy: a false healthy state.
	healthy := func(s dashboard.Snapshot) dashboard.NodeRow {
		t.Helper()
		r, _ := row(s)
		if r.GovStatus == gone && (r.State == status.Online || r.State == status.Unhealthy) {
			t.Fatalf("node4 removed by governance but shown %s %s after the vote", r.State, time.Since(at).Round(100*time.Millisecond))
		}
		return r
	}
	var govAt, outAt time.Duration
	dctx, dcancel := context.WithTimeout(ctx, removalDetected)
	testnet.WaitFor(dctx, t, "node4 removed, out of the validator list, its reports no longer kept, on node0's dashboard", func() error {
		s := snap()
		r := healthy(s)
		if govAt == 0 && r.GovStatus == gone {
			govAt = time.Since(at)
		}
		if _, ok := validator(s); ok {
			return fmt.Errorf("node4 still in the validator list")
		}
		if outAt == 0 {
			outAt = time.Since(at)
		}
		if r.GovStatus != gone || r.State != gone || !strings.Contains(r.Reason, gone+" by governance") {
			return fmt.Errorf("node4 %s, governance %q, reason %q", r.State, r.GovStatus, r.Reason)
		}
		if r.Status != nil && r.Status.State != status.Stale && r.Status.State != status.Offline {
			return fmt.Errorf("node4's last report still %s (%d ms old)", r.Status.State, r.Status.AgeMs)
		}
		return nil
	})
	dcancel()
	t.Logf("node0's dashboard: governance removed after %s, out of the validators after %s, reports stale or offline after %s",
		govAt.Round(100*time.Millisecond), outAt.Round(100*time.Millisecond), time.Since(at).Round(100*time.Millisecond))

	// No report of node4 is kept again, and it never shows healthy, while
	// the chain goes on for a few more seconds.
	last := snap()
	r, _ := row(last)
	var lastSeq uint64
	if r.Status != nil {
		lastSeq = r.Status.Report.Seq
	}
	watch, wcancel := context.WithTimeout(ctx, 4*time.Second)
	defer wcancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for watch.Err() == nil {
		s := snap()
		r := healthy(s)
		if r.Status != nil && r.Status.Report.Seq != lastSeq {
			t.Fatalf("node0 kept a report of node4 after its removal: seq %d, was %d", r.Status.Report.Seq, lastSeq)
		}
		if _, ok := validator(s); ok {
			t.Fatal("node4 back in the validator list")
		}
		select {
		case <-watch.Done():
		case <-tick.C:
		}
	}
	if s := snap(); s.Network.Height <= last.Network.Height {
		t.Fatalf("node0's dashboard at height %d, %d four seconds before: the chain stopped", s.Network.Height, last.Network.Height)
	}

	// The removed node's own log says it once.
	const said = "no longer admitted by governance"
	testnet.WaitFor(ctx, t, "node4's log to say it is no longer admitted", func() error {
		if !strings.Contains(logs.String(), said) {
			return fmt.Errorf("not said")
		}
		return nil
	})
	if n := strings.Count(logs.String(), said); n != 1 {
		t.Fatalf("node4's log says %q %d times, want once", said, n)
	}
}
