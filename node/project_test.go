package node_test

import (
	"context"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// TestPlenaryApprovesProject runs project admission (docs/governance.md
// §3.2) on four real validators: a member applies for a project with a new account
// as its deployer; a leader endorses it and the Projects Commission sends it
// to the plenary; until the plenary approves it the account may not even
// transact; a quorate meeting approves it, a leader grants it capital, and
// only then does the account deploy a contract.
func TestPlenaryApprovesProject(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 4-node network through a plenary")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	net := testnet.Start(t, devnet.Config{
		Validators:    4,
		TimeoutCommit: 300 * time.Millisecond,
		GovParams:     map[string]uint64{"meetingNotice": 2},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	h := testnet.DialGov(ctx, t, net.Nodes[0].RPC)
	do := func(role, collective, fn string, args ...any) testnet.GovCall {
		return h.Do(t, role, collective, fn, args...)
	}
	var (
		member    = devnet.RoleNameMember
		leader    = devnet.RoleNameLeader
		secretary = devnet.RoleNameSecretary
		projects  = devnet.RoleNameProjectsCommission
		nodes     = devnet.RoleNameNodesCommission
	)

	deployer, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	account := crypto.PubkeyToAddress(deployer.PublicKey)
	deploy := func(nonce uint64) error {
		tx := ethtest.Deploy(deployer, net.ChainID, nonce, contracts.Token().DeployData("Beca", "BCA", big.NewInt(1000)), 2_000_000)
		return h.Eth().SendTransaction(ctx, tx)
	}

	res := h.Round(t, do(member, "academic", "applyProject", "academic", "Becas abiertas", crypto.Keccak256Hash([]byte("description")),
		"https://example.edu/becas", crypto.Keccak256Hash([]byte("public value")), "https://example.org/becas.git", uint8(1|2), []common.Address{account}))
	app := testnet.EventArg(t, res[0], "ProjectApplied", "applicationId").(uint64)
	// The deployer account, of no record yet, accepts by its own transaction.
	h.Round(t, testnet.KeyCall(deployer, "acceptProjectAccount", app))
	h.Round(t, do(leader, "academic", "endorse", app))
	// One at a time: the vote that makes the majority does more (and costs
	// more gas) than its estimate made beside the others would allow.
	for _, c := range []string{"public", "academic", "private"} {
		h.Round(t, do(projects, c, "commissionVote", app, true))
	}
	if err := deploy(1); err == nil || !strings.Contains(err.Error(), "not a member's or an approved project's") {
		t.Fatalf("deploy before approval: %v, want a refusal", err)
	}

	_, now := h.Head(t)
	now = max(now, uint64(time.Now().Unix()))
	start, end := now+6, now+6+10
	res = h.Round(t, do(secretary, "public", "convene", governance.MeetingOrdinary, crypto.Keccak256Hash([]byte("approve Becas abiertas")), start, end, "online", uint64(0)))
	meeting := testnet.EventArg(t, res[0], "MeetingConvened", "meetingId").(uint64)
	h.WaitBlockTime(t, "the meeting's start", start)
	h.Round(t,
		do(secretary, "public", "attend", meeting),
		do(projects, "public", "attend", meeting),
		do(projects, "academic", "attend", meeting),
		do(projects, "private", "attend", meeting),
		do(nodes, "public", "attend", meeting),
		do(nodes, "academic", "attend", meeting),
		do(nodes, "private", "attend", meeting),
	)
	res = h.Round(t, do(projects, "academic", "moveApproveProject", meeting, app))
	motion := testnet.EventArg(t, res[0], "MotionProposed", "motionId").(uint64)
	h.Round(t,
		do(secretary, "public", "vote", motion, true),
		do(projects, "public", "vote", motion, true),
		do(projects, "academic", "vote", motion, true),
		do(nodes, "public", "vote", motion, true),
		do(nodes, "private", "vote", motion, false),
	)
	if n, tm := h.Head(t); tm >= end {
		t.Fatalf("the votes ended at block %d, time %d: after the meeting (end %d); the machine is too slow for this window", n, tm, end)
	}
	h.WaitBlockTime(t, "the meeting's end", end)

	res = h.Round(t, do(member, "private", "decide", motion))
	if !testnet.EventArg(t, res[0], "MotionDecided", "passed").(bool) {
		t.Fatalf("the approval failed: %+v", res[0].Events)
	}
	project := testnet.EventArg(t, res[0], "ProjectApproved", "projectId").(uint64)
	if err := deploy(1); err == nil || !strings.Contains(err.Error(), "capital") {
		t.Fatalf("deploy without capital: %v, want a refusal naming capital", err)
	}
	h.Round(t, do(leader, "academic", "grantCapital", project, uint64(50_000_000), uint64(0), uint64(0)))
	if err := deploy(1); err != nil {
		t.Fatalf("deploy by the approved project's account: %v", err)
	}
	contract := crypto.CreateAddress(account, 1)
	waitFor(ctx, t, "the project's contract", func() bool {
		code, err := h.Eth().CodeAt(ctx, contract, nil)
		return err == nil && len(code) > 0
	})
}
