package app

import (
	"encoding/hex"
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/redmx/redmx/governance"
)

// Governance's liveness review reads each block's last commit: which
// validators signed the parent block. PrepareProposal, ProcessProposal and
// FinalizeBlock are each given it, all built by CometBFT from the one
// LastCommit the block carries (and its hash commits to), so every node
// executes the block with the same votes.

// commitVotes is a last commit's votes as governance reads them. A
// validator missed the block when its vote is absent; a nil vote is a live
// validator that did not see the proposal in time.
func commitVotes(votes []abci.VoteInfo) []governance.CommitVote {
	out := make([]governance.CommitVote, 0, len(votes))
	for _, v := range votes {
		if cv, ok := commitVote(v.Validator.Address, v.BlockIdFlag); ok {
			out = append(out, cv)
		}
	}
	return out
}

// extendedVotes is commitVotes of the proposer's own view of the last
// commit (PrepareProposal's), which becomes the block's LastCommit.
func extendedVotes(votes []abci.ExtendedVoteInfo) []governance.CommitVote {
	out := make([]governance.CommitVote, 0, len(votes))
	for _, v := range votes {
		if cv, ok := commitVote(v.Validator.Address, v.BlockIdFlag); ok {
			out = append(out, cv)
		}
	}
	return out
}

func commitVote(addr []byte, flag cmtproto.BlockIDFlag) (governance.CommitVote, bool) {
	if len(addr) != 20 {
		return governance.CommitVote{}, false
	}
	signed := flag == cmtproto.BlockIDFlagCommit || flag == cmtproto.BlockIDFlagNil
	return governance.CommitVote{Address: [20]byte(addr), Signed: signed}, true
}

func sameVotes(a, b []governance.CommitVote) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// livenessEvents are the block's NodeFlagged and NodeRecovered as CometBFT
// block events (an end-of-block change has no transaction to log it), and
// logs each for the operator.
func (a *App) livenessEvents(height int64, changes []governance.LivenessChange) []abci.Event {
	out := make([]abci.Event, 0, len(changes))
	for _, ch := range changes {
		name, _, _ := ch.Log()
		node := "0x" + hex.EncodeToString(ch.Node[:])
		out = append(out, abci.Event{Type: name, Attributes: []abci.EventAttribute{
			{Key: "nodeId", Value: node, Index: true},
			{Key: "missed", Value: strconv.FormatUint(ch.Missed, 10)},
			{Key: "window", Value: strconv.FormatUint(ch.Window, 10)},
		}})
		a.logger.Warn("liveness review: "+name, "height", height, "node", node, "missed", ch.Missed, "window", ch.Window)
	}
	return out
}

// governanceEvents are governance's end-of-block events (an action's lapse
// and what it restored) as CometBFT block events named as in the ABI, with
// the events' arguments as attributes; each is logged for the operator.
func (a *App) governanceEvents(height int64, evs []governance.BlockEvent) []abci.Event {
	out := make([]abci.Event, 0, len(evs))
	for _, ev := range evs {
		attrs := ev.Attributes()
		e := abci.Event{Type: ev.Name}
		kv := []any{"height", height}
		for i, at := range attrs {
			e.Attributes = append(e.Attributes, abci.EventAttribute{Key: at[0], Value: at[1], Index: i == 0})
			kv = append(kv, at[0], at[1])
		}
		out = append(out, e)
		if ev.Name == "NodeEquivocated" { // evidence of a double signing: the operator must act
			a.logger.Warn("governance: "+ev.Name, kv...)
			continue
		}
		a.logger.Info("governance: "+ev.Name, kv...)
	}
	return out
}
