package node_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmthttp "github.com/cometbft/cometbft/rpc/client/http"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
	"github.com/redmx/redmx/internal/testnet"
)

// TestGovernanceAdmitsAValidator runs the node admission of docs/governance.md
// §3.1 on four real validators: a fifth node cannot connect until admitted;
// it applies, a leader endorses it, the Nodes Commission admits it; it joins
// the validator set with its collective's power split between its two
// validators while the other collectives keep theirs, and signs blocks; then
// the commission removes it, it leaves the set and is disconnected.
func TestGovernanceAdmitsAValidator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 5-node network")
	}
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()

	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	cmt := cometClient(t, net.Nodes[0].CometRPC)
	send := func(role, collective, fn string, args ...any) *govclient.Result {
		t.Helper()
		return h.Send(t, role, collective, fn, args...)
	}

	extra := net.AddNode(t, "node4", "academic")
	var nodeID [20]byte
	copy(nodeID[:], common.FromHex(extra.Info.NodeID))
	applicant := crypto.PubkeyToAddress(testnet.RoleKey(t, devnet.RoleNameMember, "academic").PublicKey)
	nodeKey, pub, nodeSig, keySig := extra.NodeApplication(applicant, "academic")
	// The validators' own view: a node they refuse may still count them
	// for a moment, between its dial and their filter's answer.
	clients := dialAll(ctx, t, net)
	validatorPeers := func() uint64 {
		var sum uint64
		for _, c := range clients {
			n, err := c.PeerCount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sum += n
		}
		return sum
	}
	others := uint64(len(net.Nodes) * (len(net.Nodes) - 1)) // each validator sees the others

	t.Run("an unadmitted node cannot connect", func(t *testing.T) {
		waitFor(ctx, t, "the validators connected to each other", func() bool { return validatorPeers() == others })
		// Sample the validators' peers while five blocks go by.
		start := currentHeight(ctx, t, cmt)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for currentHeight(ctx, t, cmt) < start+5 {
			if n := validatorPeers(); n != others {
				t.Fatalf("the validators have %d peers among them, want %d: the unadmitted node got in", n, others)
			}
			select {
			case <-tick.C:
			case <-ctx.Done():
				t.Fatal("timed out watching five blocks")
			}
		}
	})

	t.Run("apply, endorse, admit", func(t *testing.T) {
		res := send(devnet.RoleNameMember, "academic", "applyNode", "academic", nodeKey, governance.NodeValidator, "ed25519", pub,
			governance.KindInstitution, crypto.Keccak256Hash([]byte("a university")), crypto.Keccak256Hash([]byte("letter")),
			"https://example.org/letter", crypto.Keccak256Hash([]byte("adhesion")), "https://example.org/adhesion", nodeSig, keySig)
		if got := testnet.EventArg(t, res, "NodeApplied", "nodeId").([20]byte); got != nodeID {
			t.Fatalf("applied for node %x, want the node's own ID %x", got, nodeID)
		}
		app := testnet.EventArg(t, res, "NodeApplied", "applicationId").(uint64)
		send(devnet.RoleNameLeader, "academic", "endorse", app)
		for _, c := range []string{"public", "academic", "private"} {
			send(devnet.RoleNameNodesCommission, c, "commissionVote", app, true)
		}
	})

	academic := validatorKey(t, net, "academic")
	t.Run("joins the validator set with its collective's power split", func(t *testing.T) {
		waitFor(ctx, t, "the new validator in CometBFT's set", func() bool {
			return power(ctx, t, cmt, pub) == governance.CollectivePower/2
		})
		if p := power(ctx, t, cmt, academic); p != governance.CollectivePower/2 {
			t.Errorf("the other academic validator has power %d, want %d", p, governance.CollectivePower/2)
		}
		for _, c := range []string{"public", "private", "cso"} {
			if p := power(ctx, t, cmt, validatorKey(t, net, c)); p != governance.CollectivePower {
				t.Errorf("%s's validator has power %d, want %d", c, p, governance.CollectivePower)
			}
		}
		waitFor(ctx, t, "a block signed by the new validator", func() bool { return signedLatest(ctx, t, cmt, pub) })
		for i, n := range net.Nodes {
			c, err := cmthttp.New("tcp://"+n.CometRPC, "/websocket")
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.ABCIQuery(ctx, "/p2p/filter/id/"+extra.Info.NodeID, nil)
			if err != nil || !res.Response.IsOK() {
				t.Errorf("node%d's peer filter on the admitted node: %v %+v", i, err, res)
			}
		}
		waitFor(ctx, t, "the admitted node connected to every validator", func() bool {
			return validatorPeers() == others+uint64(len(net.Nodes))
		})
	})

	// A commission removal suspends at once (provisional until the plenary
	// ratifies it): the node leaves the set and is disconnected.
	t.Run("removed: leaves the set and is disconnected", func(t *testing.T) {
		res := send(devnet.RoleNameNodesCommission, "public", "proposeNodeAction", nodeID, governance.ActionRemove, false, crypto.Keccak256Hash([]byte("test removal")))
		id := testnet.EventArg(t, res, "ActionProposed", "actionId").(uint64)
		for _, c := range []string{"public", "academic", "private"} {
			send(devnet.RoleNameNodesCommission, c, "voteAction", id, true)
		}
		waitFor(ctx, t, "the removed validator out of CometBFT's set", func() bool { return power(ctx, t, cmt, pub) == 0 })
		waitFor(ctx, t, "the academic validator back at full power", func() bool {
			return power(ctx, t, cmt, academic) == governance.CollectivePower
		})
		waitFor(ctx, t, "the removed node disconnected from every validator", func() bool { return validatorPeers() == others })
	})
}

func validatorKey(t *testing.T, net *testnet.Network, collective string) []byte {
	t.Helper()
	for i, n := range net.Nodes {
		if n.Collective == collective {
			return net.ConsensusKey(t, i)
		}
	}
	t.Fatalf("no validator of %s", collective)
	return nil
}

func currentHeight(ctx context.Context, t *testing.T, c *cmthttp.HTTP) int64 {
	t.Helper()
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.SyncInfo.LatestBlockHeight
}

// power is the voting power CometBFT's latest validator set gives pub, 0 if absent.
func power(ctx context.Context, t *testing.T, c *cmthttp.HTTP, pub []byte) int64 {
	t.Helper()
	page, perPage := 1, 100
	res, err := c.Validators(ctx, nil, &page, &perPage)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Validators {
		if bytes.Equal(v.PubKey.Bytes(), pub) {
			return v.VotingPower
		}
	}
	return 0
}

// signedLatest reports whether the latest commit holds pub's signature.
func signedLatest(ctx context.Context, t *testing.T, c *cmthttp.HTTP, pub []byte) bool {
	t.Helper()
	res, err := c.Commit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := ed25519.PubKey(pub).Address()
	for _, s := range res.Commit.Signatures {
		if s.BlockIDFlag == cmttypes.BlockIDFlagCommit && bytes.Equal(s.ValidatorAddress, addr) {
			return true
		}
	}
	return false
}

func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}
