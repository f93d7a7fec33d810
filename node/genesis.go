package node

import (
	"context"
	"encoding/json"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/store"
)

// GenesisDoc is a genesis.json: CometBFT's document, whose app_state is
// package genesis's [genesis.AppState].
type GenesisDoc = cmttypes.GenesisDoc

// GenesisMaxBlockBytes is the block size limit a new genesis.json's
// consensus params set.
const GenesisMaxBlockBytes int64 = 8 << 20

// NewGenesisDoc makes the genesis.json of a new chain named chainName (CometBFT's
// chain-id) from its app_state: the validators of state with the powers
// [governance.Powers] gives them, and consensus params that limit a block to
// [GenesisMaxBlockBytes] and state's gas limit. The document is validated.
func NewGenesisDoc(state *genesis.AppState, genesisTime time.Time, chainName string) (*cmttypes.GenesisDoc, error) {
	raw, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	params := cmttypes.DefaultConsensusParams()
	params.Block.MaxBytes = GenesisMaxBlockBytes
	params.Block.MaxGas = int64(state.Params.GasLimit)
	doc := &cmttypes.GenesisDoc{
		GenesisTime:     genesisTime,
		ChainID:         chainName,
		InitialHeight:   1,
		ConsensusParams: params,
		AppState:        raw,
	}
	for i, pw := range state.Powers() {
		pub := cmted25519.PubKey(state.Validators[i].PubKey)
		doc.Validators = append(doc.Validators, cmttypes.GenesisValidator{
			Address: pub.Address(), PubKey: pub, Power: pw, Name: state.Validators[i].Name,
		})
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return nil, err
	}
	return doc, nil
}

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
