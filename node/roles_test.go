package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	cmthttp "github.com/cometbft/cometbft/rpc/client/http"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
	"github.com/redmx/redmx/internal/testnet"
)

// view reads a governance view through node rpc's eth_call.
func view(ctx context.Context, t *testing.T, gc *govclient.Client, name string, args ...any) []govclient.Field {
	t.Helper()
	m, err := govclient.Method(name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := gc.View(ctx, m, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// TestObserverNode: an observer is admitted by the same pipeline as a
// validator (apply, endorse, Nodes Commission), then peers with the
// validators, syncs the chain and serves eth_blockNumber, and never enters
// CometBFT's validator set (docs/governance.md §3.1).
func TestObserverNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 5-node network")
	}
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	gc := h.Client()
	cmt := cometClient(t, net.Nodes[0].CometRPC)
	send := func(role, collective, fn string, args ...any) *govclient.Result {
		t.Helper()
		return h.Send(t, role, collective, fn, args...)
	}

	obs := net.AddNode(t, "observer", "academic")
	var nodeID [20]byte
	copy(nodeID[:], common.FromHex(obs.Info.NodeID))
	applicant := crypto.PubkeyToAddress(testnet.RoleKey(t, devnet.RoleNameMember, "academic").PublicKey)
	nodeKey, nodeSig := obs.ObserverApplication(applicant, "academic")
	res := send(devnet.RoleNameMember, "academic", "applyNode", "academic", nodeKey, governance.NodeObserver, "", []byte{},
		governance.KindInstitution, crypto.Keccak256Hash([]byte("a university")), crypto.Keccak256Hash([]byte("letter")),
		"https://example.org/letter", crypto.Keccak256Hash([]byte("adhesion")), "https://example.org/adhesion", nodeSig, []byte{})
	app := testnet.EventArg(t, res, "NodeApplied", "applicationId").(uint64)
	send(devnet.RoleNameLeader, "academic", "endorse", app)
	for _, c := range []string{"public", "academic", "private"} {
		send(devnet.RoleNameNodesCommission, c, "commissionVote", app, true)
	}
	node := view(ctx, t, gc, "node", nodeID)
	if role, status, power := node[2].Value, node[3].Value, node[6].Value; role != uint8(governance.NodeObserver) || status != uint8(governance.NodeAdmitted) || power != uint64(0) {
		t.Fatalf("governance holds the observer as role %v status %v power %v", role, status, power)
	}

	ec, err := ethclient.DialContext(ctx, "http://"+obs.Info.RPC)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	target := currentHeight(ctx, t, cmt) + 3
	waitFor(ctx, t, fmt.Sprintf("the observer serving block %d", target), func() bool {
		n, err := ec.BlockNumber(ctx)
		return err == nil && n >= uint64(target)
	})
	for i, n := range net.Nodes {
		c, err := cmthttp.New("tcp://"+n.CometRPC, "/websocket")
		if err != nil {
			t.Fatal(err)
		}
		if r, err := c.ABCIQuery(ctx, "/p2p/filter/id/"+obs.Info.NodeID, nil); err != nil || !r.Response.IsOK() {
			t.Errorf("node%d's peer filter on the admitted observer: %v %+v", i, err, r)
		}
		waitFor(ctx, t, fmt.Sprintf("node%d connected to the observer", i), func() bool {
			r, err := c.NetInfo(ctx)
			return err == nil && hasPeer(r.Peers, obs.Info.NodeID)
		})
	}
	// Some blocks later it still holds no power anywhere.
	net.WaitHeight(ctx, t, target+3)
	page, perPage := 1, 100
	vals, err := cmt.Validators(ctx, nil, &page, &perPage)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals.Validators) != 4 {
		t.Fatalf("CometBFT's validator set has %d validators, want the 4 genesis ones", len(vals.Validators))
	}
	for _, v := range vals.Validators {
		if v.PubKey.Equals(obs.PubKey) {
			t.Fatal("the observer is in CometBFT's validator set")
		}
	}
}

// getJSON decodes the answer of a GET of url into v.
func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

func hasPeer(peers []ctypes.Peer, id string) bool {
	for _, p := range peers {
		if string(p.NodeInfo.ID()) == id {
			return true
		}
	}
	return false
}

// TestLivenessFlagsStoppedValidator: with a window of 100 blocks and 5 %
// allowed, a validator stopped for some blocks is flagged (nodeLiveness,
// flaggedNodes and a NodeFlagged block event), keeps its power, and once
// restarted recovers when its misses leave the window (NodeRecovered).
func TestLivenessFlagsStoppedValidator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network and runs some 150 blocks")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 200 * time.Millisecond,
		GovParams: map[string]uint64{"livenessWindow": 100, "livenessMaxMissedPermille": 50}})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	gc := h.Client()
	cmt := cometClient(t, net.Nodes[0].CometRPC)
	if err := cmt.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmt.Stop() //nolint:errcheck // the test is over
	events, err := cmt.Subscribe(ctx, "liveness-test", cmttypes.EventQueryNewBlockEvents.String(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	const stopped = 3
	var nodeID [20]byte
	copy(nodeID[:], common.FromHex(net.Nodes[stopped].NodeID))
	pub := net.ConsensusKey(t, stopped)

	// Block events seen, by name, with the height and the misses.
	type seen struct{ height, missed int64 }
	got := map[string][]seen{}
	drain := func() {
		for {
			select {
			case ev := <-events:
				d, ok := ev.Data.(cmttypes.EventDataNewBlockEvents)
				if !ok {
					continue
				}
				for _, e := range d.Events {
					if e.Type != "NodeFlagged" && e.Type != "NodeRecovered" {
						continue
					}
					attrs := map[string]string{}
					for _, a := range e.Attributes {
						attrs[a.Key] = a.Value
					}
					if common.HexToAddress(attrs["nodeId"]) != common.Address(nodeID) || attrs["window"] != "100" {
						t.Errorf("%s of %s window %s, want of %x window 100", e.Type, attrs["nodeId"], attrs["window"], nodeID)
					}
					m, _ := strconv.ParseInt(attrs["missed"], 10, 64)
					got[e.Type] = append(got[e.Type], seen{d.Height, m})
				}
			default:
				return
			}
		}
	}
	liveness := func() (missed uint64, flagged bool) {
		out := view(ctx, t, gc, "nodeLiveness", nodeID)
		return out[0].Value.(uint64), out[3].Value.(bool)
	}
	flaggedList := func() [][20]byte {
		return view(ctx, t, gc, "flaggedNodes", [32]byte{}, uint32(0))[0].Value.([][20]byte)
	}

	net.WaitHeight(ctx, t, 3)
	net.Stop(t, stopped)
	stoppedAt := currentHeight(ctx, t, cmt)
	waitFor(ctx, t, "the stopped validator flagged", func() bool {
		drain()
		_, f := liveness()
		return f
	})
	if l := flaggedList(); len(l) != 1 || l[0] != nodeID {
		t.Fatalf("flaggedNodes %x, want only %x", l, nodeID)
	}
	if p := power(ctx, t, cmt, pub); p != governance.CollectivePower {
		t.Fatalf("a flagged validator has power %d: flagging must change nothing else", p)
	}
	waitFor(ctx, t, "the NodeFlagged block event", func() bool { drain(); return len(got["NodeFlagged"]) > 0 })
	if f := got["NodeFlagged"][0]; f.missed != 6 {
		t.Errorf("NodeFlagged at %d misses, want 6 (more than 5 %% of 100)", f.missed)
	}
	t.Logf("stopped at height %d, flagged at %d", stoppedAt, got["NodeFlagged"][0].height)
	waitFor(ctx, t, "the dashboard showing the flag and its alert", func() bool {
		var g struct {
			Nodes []struct {
				ID       string `json:"node_id"`
				Liveness struct {
					Flagged bool `json:"flagged"`
				} `json:"liveness"`
			} `json:"nodes"`
		}
		var snap struct {
			Alerts []struct{ Kind, Text string } `json:"alerts"`
		}
		if getJSON(ctx, "http://"+net.Nodes[0].RPC+"/dashboard/api/governance", &g) != nil ||
			getJSON(ctx, "http://"+net.Nodes[0].RPC+"/dashboard/api/snapshot", &snap) != nil {
			return false
		}
		shown := false
		for _, n := range g.Nodes {
			shown = shown || (n.ID == fmt.Sprintf("%x", nodeID) && n.Liveness.Flagged)
		}
		alerted := false
		for _, a := range snap.Alerts {
			alerted = alerted || a.Kind == "liveness-flagged"
		}
		return shown && alerted
	})

	net.Restart(t, stopped)
	waitFor(ctx, t, "a block signed by the restarted validator", func() bool { return signedLatest(ctx, t, cmt, pub) })
	waitFor(ctx, t, "the validator recovered", func() bool {
		drain()
		_, f := liveness()
		return !f && len(got["NodeRecovered"]) > 0
	})
	if len(flaggedList()) != 0 {
		t.Fatal("flaggedNodes still lists the recovered validator")
	}
	drain()
	if len(got["NodeFlagged"]) != 1 || len(got["NodeRecovered"]) != 1 || got["NodeRecovered"][0].missed != 5 {
		t.Fatalf("events %+v, want one NodeFlagged and one NodeRecovered at 5 misses", got)
	}
	t.Logf("recovered at %d", got["NodeRecovered"][0].height)
}
