package app

import (
	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/governance"
)

// Evidence a block commits (a validator's two conflicting votes, or a
// conflicting header signed for a light client) reaches PrepareProposal,
// ProcessProposal and FinalizeBlock alike as the block's Misbehavior, which
// CometBFT builds from the evidence the block carries and its hash commits
// to; governance records it at the end of the block (NodeEquivocated).

// misbehaviour is a block's evidence as governance reads it. An entry of a
// malformed address or a negative height is dropped: CometBFT verified the
// evidence, so none should arrive.
func misbehaviour(evs []abci.Misbehavior) []governance.Misbehaviour {
	if len(evs) == 0 {
		return nil
	}
	out := make([]governance.Misbehaviour, 0, len(evs))
	for _, ev := range evs {
		if len(ev.Validator.Address) != 20 || ev.Height < 0 {
			continue
		}
		switch ev.Type {
		case abci.MisbehaviorType_DUPLICATE_VOTE, abci.MisbehaviorType_LIGHT_CLIENT_ATTACK:
			out = append(out, governance.Misbehaviour{Address: [20]byte(ev.Validator.Address), Height: uint64(ev.Height)})
		}
	}
	return out
}
