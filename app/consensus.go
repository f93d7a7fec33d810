package app

import (
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/redmx/redmx/governance"
)

// consensusEffects turns governance's effects of a block into CometBFT's
// validator and consensus-parameter updates.
func (a *App) consensusEffects(fx governance.BlockEffects, resp *abci.ResponseFinalizeBlock) error {
	for _, v := range fx.Validators {
		if v.KeyType != "ed25519" || len(v.PubKey) != 32 {
			// Governance refuses such keys; sending one would halt every node.
			return fmt.Errorf("governance produced a validator update with a %q key of %d bytes", v.KeyType, len(v.PubKey))
		}
		resp.ValidatorUpdates = append(resp.ValidatorUpdates, abci.Ed25519ValidatorUpdate(v.PubKey, v.Power))
	}
	if fx.GasLimit != 0 {
		resp.ConsensusParamUpdates = a.consensusParams(fx.GasLimit)
	}
	return nil
}

// defaultBlockMaxBytes is CometBFT's block max_bytes when neither the node's
// config nor the genesis request gives one.
const defaultBlockMaxBytes = 8 << 20

// consensusParams are CometBFT's block parameters for a gas limit: the
// block's max_bytes is kept as it is, since CometBFT takes an update whole.
func (a *App) consensusParams(gasLimit uint64) *cmtproto.ConsensusParams {
	maxBytes := a.maxBytes.Load()
	if maxBytes == 0 {
		maxBytes = defaultBlockMaxBytes
	}
	return &cmtproto.ConsensusParams{
		Block: &cmtproto.BlockParams{MaxBytes: maxBytes, MaxGas: int64(gasLimit)},
	}
}

// blockMaxBytes is the genesis request's block max_bytes.
func blockMaxBytes(req *abci.RequestInitChain) int64 {
	if req.ConsensusParams != nil && req.ConsensusParams.Block != nil {
		return req.ConsensusParams.Block.MaxBytes
	}
	return defaultBlockMaxBytes
}
