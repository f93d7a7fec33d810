package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/governance"
)

// TestLivenessVotesReachGovernance: each of PrepareProposal, ProcessProposal
// and FinalizeBlock gives governance the votes of the block's last commit
// (absent: missed; nil or commit: signed), a kept proposal result is reused
// only for the same votes, and the flags governance raised reach
// FinalizeBlock's response as block events.
func TestLivenessVotesReachGovernance(t *testing.T) {
	gov := newFakeGov()
	a1, a2, a3 := [20]byte{1}, [20]byte{2}, [20]byte{3}
	gov.effects[1] = governance.BlockEffects{Liveness: []governance.LivenessChange{
		{Node: [20]byte{0xAB}, Flagged: true, Missed: 11, Window: 100},
		{Node: [20]byte{0xCD}, Missed: 10, Window: 100},
	}}
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	votes := []abci.VoteInfo{
		{Validator: abci.Validator{Address: a1[:], Power: 1}, BlockIdFlag: cmtproto.BlockIDFlagCommit},
		{Validator: abci.Validator{Address: a2[:], Power: 1}, BlockIdFlag: cmtproto.BlockIDFlagAbsent},
		{Validator: abci.Validator{Address: a3[:], Power: 1}, BlockIdFlag: cmtproto.BlockIDFlagNil},
		{Validator: abci.Validator{Address: []byte{9}, Power: 1}, BlockIdFlag: cmtproto.BlockIDFlagAbsent}, // malformed: ignored
	}
	want := []governance.CommitVote{{Address: a1, Signed: true}, {Address: a2}, {Address: a3, Signed: true}}
	ctx := context.Background()
	when := time.Unix(1_000_000, 0)
	proposer := make([]byte, 20)
	ext := make([]abci.ExtendedVoteInfo, len(votes))
	for i, v := range votes {
		ext[i] = abci.ExtendedVoteInfo{Validator: v.Validator, BlockIdFlag: v.BlockIdFlag}
	}
	prep, err := h.app.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: 1, Time: when, MaxTxBytes: 1 << 20, ProposerAddress: proposer,
		LocalLastCommit: abci.ExtendedCommitInfo{Votes: ext}})
	if err != nil {
		t.Fatal(err)
	}
	// Another last commit than the proposer's own: executed again with it.
	other := slices.Clone(votes[:1])
	if _, err := h.app.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: 1, Time: when, Txs: prep.Txs, Hash: []byte("h1"),
		ProposerAddress: proposer, ProposedLastCommit: abci.CommitInfo{Votes: other}}); err != nil {
		t.Fatal(err)
	}
	// The decided block (another hash: not the kept result) with the votes.
	fin, err := h.app.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: 1, Time: when, Txs: prep.Txs, Hash: []byte("h2"),
		ProposerAddress: proposer, DecidedLastCommit: abci.CommitInfo{Votes: votes}})
	if err != nil {
		t.Fatal(err)
	}
	if len(gov.commits) != 3 || !slices.Equal(gov.commits[0], want) || !slices.Equal(gov.commits[1], want[:1]) || !slices.Equal(gov.commits[2], want) {
		t.Fatalf("governance saw %v, want %v, %v, %v", gov.commits, want, want[:1], want)
	}
	var names []string
	for _, ev := range fin.Events {
		if ev.Type == "NodeFlagged" || ev.Type == "NodeRecovered" {
			names = append(names, ev.Type+" "+ev.Attributes[0].Value+" "+ev.Attributes[1].Value+"/"+ev.Attributes[2].Value)
		}
	}
	if !slices.Equal(names, []string{
		"NodeFlagged 0xab00000000000000000000000000000000000000 11/100",
		"NodeRecovered 0xcd00000000000000000000000000000000000000 10/100",
	}) {
		t.Fatalf("block events %v", names)
	}
}

// TestGovernanceBlockEvents: governance's end-of-block events (an action's
// lapse) reach FinalizeBlock's response as block events named as in the
// ABI, with the events' arguments as attributes.
func TestGovernanceBlockEvents(t *testing.T) {
	gov := newFakeGov()
	id, err := abi.MakeTopics([]any{uint64(7)})
	if err != nil {
		t.Fatal(err)
	}
	gov.effects[1] = governance.BlockEffects{Events: []governance.BlockEvent{
		{Name: "ActionLapsed", Topics: []common.Hash{governance.ABI.Events["ActionLapsed"].ID, id[0][0]}},
	}}
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	fin, err := h.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1, Time: time.Unix(1_000_000, 0),
		Hash: []byte("h1"), ProposerAddress: make([]byte, 20)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range fin.Events {
		if ev.Type == "ActionLapsed" {
			for _, a := range ev.Attributes {
				got = append(got, a.Key+"="+a.Value)
			}
		}
	}
	if !slices.Equal(got, []string{"actionId=7"}) {
		t.Fatalf("ActionLapsed attributes %v", got)
	}
}
