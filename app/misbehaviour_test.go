package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/governance"
)

// TestMisbehaviourReachesGovernance: each of PrepareProposal,
// ProcessProposal and FinalizeBlock gives governance the block's evidence
// (a malformed entry dropped), and a kept proposal result is reused only
// for the same evidence.
func TestMisbehaviourReachesGovernance(t *testing.T) {
	gov := newFakeGov()
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	a1, a2 := [20]byte{1}, [20]byte{2}
	evs := []abci.Misbehavior{
		{Type: abci.MisbehaviorType_DUPLICATE_VOTE, Validator: abci.Validator{Address: a1[:], Power: 1}, Height: 7},
		{Type: abci.MisbehaviorType_LIGHT_CLIENT_ATTACK, Validator: abci.Validator{Address: a2[:], Power: 1}, Height: 5},
		{Type: abci.MisbehaviorType_DUPLICATE_VOTE, Validator: abci.Validator{Address: []byte{9}, Power: 1}, Height: 7}, // malformed
	}
	want := []governance.Misbehaviour{{Address: a1, Height: 7}, {Address: a2, Height: 5}}
	ctx := context.Background()
	when := time.Unix(1_000_000, 0)
	proposer := make([]byte, 20)
	prep, err := h.app.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: 1, Time: when, MaxTxBytes: 1 << 20, ProposerAddress: proposer, Misbehavior: evs})
	if err != nil {
		t.Fatal(err)
	}
	// The same proposal without the evidence: executed again.
	if _, err := h.app.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1, Time: when, Txs: prep.Txs, Hash: []byte("h1"), ProposerAddress: proposer}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.app.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Time: when, Txs: prep.Txs, Hash: []byte("h2"), ProposerAddress: proposer, Misbehavior: evs}); err != nil {
		t.Fatal(err)
	}
	if len(gov.evidence) != 3 || !slices.Equal(gov.evidence[0], want) || len(gov.evidence[1]) != 0 || !slices.Equal(gov.evidence[2], want) {
		t.Fatalf("governance saw %v, want %v, none, %v", gov.evidence, want, want)
	}
}
