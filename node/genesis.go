package node

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/store"
)

// GenesisBlock builds the genesis state of doc in memory, as a node's
// InitChain does (governance's rules included), and returns the genesis
// block hash: the app hash every node computes at height 0.
func GenesisBlock(doc *cmttypes.GenesisDoc) (common.Hash, error) {
	gen, err := genesis.Parse(doc.AppState)
	if err != nil {
		return common.Hash{}, err
	}
	db := store.OpenMemory()
	defer db.Close()
	p, err := build(db, gen, appSettings{blockMaxBytes: doc.ConsensusParams.Block.MaxBytes})
	if err != nil {
		return common.Hash{}, err
	}
	defer p.app.Close()
	resp, err := p.app.InitChain(context.Background(), &abci.RequestInitChain{
		Time: doc.GenesisTime, ChainId: doc.ChainID, InitialHeight: doc.InitialHeight, AppStateBytes: doc.AppState,
	})
	if err != nil {
		return common.Hash{}, err
	}
	return common.BytesToHash(resp.AppHash), nil
}
