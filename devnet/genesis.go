package devnet

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"time"

	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	gethcrypto "github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/devkeys"
	"github.com/redmx/redmx/node"
)

// Defaults of a development network.
const (
	DefaultChainID    uint64 = 5218
	DefaultChainName         = "redmx-devnet"
	DefaultValidators        = 4
	DefaultDevKeys           = 30
	// DefaultMaxBlockBytes is the block size limit in the consensus params.
	DefaultMaxBlockBytes = node.GenesisMaxBlockBytes
)

// DevCoin is the native coin of development networks.
var DevCoin = genesis.Coin{Name: "Red MX", Symbol: "RMX", Decimals: 18}

// DevBalance is what each development key holds at genesis: 1,000,000 coins.
var DevBalance = new(big.Int).Mul(big.NewInt(1_000_000), new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))

// Collectives are assigned to validators in this order, then round-robin.
var Collectives = []string{"public", "academic", "private", "cso"}

// CollectiveFor is the collective of the i-th validator of a network.
func CollectiveFor(i int) string { return Collectives[i%len(Collectives)] }

// GenesisParams describe a development genesis.
type GenesisParams struct {
	ChainName string    // CometBFT chain-id; default DefaultChainName
	ChainID   uint64    // EIP-155 chain ID; default DefaultChainID
	Time      time.Time // genesis time; default now
	DevKeys   int       // funded development keys; default DefaultDevKeys
	// NoGovernance leaves out the founding governance, so every account may
	// transact and deploy (as before governance).
	NoGovernance bool
	// GovParams override governance parameters of [DevnetParams] by name
	// (e.g. a meeting notice of seconds in a test).
	GovParams map[string]uint64
}

func (p GenesisParams) withDefaults() GenesisParams {
	if p.ChainName == "" {
		p.ChainName = DefaultChainName
	}
	if p.ChainID == 0 {
		p.ChainID = DefaultChainID
	}
	if p.Time.IsZero() {
		p.Time = time.Now().UTC().Truncate(time.Second)
	}
	if p.DevKeys <= 0 {
		p.DevKeys = DefaultDevKeys
	}
	return p
}

// Validator is a genesis validator of a development network.
type Validator struct {
	Name       string
	Collective string
	PubKey     crypto.PubKey // ed25519
	// NodeID is the CometBFT p2p ID of the validator's node (40 hex digits),
	// required with governance: genesis admits the node.
	NodeID string
}

// NewGenesis builds a development genesis.json: the system accounts,
// p.DevKeys funded development keys, the [DevCoin], the default gas limit,
// and vals with the powers [governance.Powers] gives them, and unless
// p.NoGovernance the founding governance (see [Roles]): the seed's founders
// as example data, vals' nodes admitted, and the development keys the
// accounts of an approved example project. The consensus params limit a block
// to [DefaultMaxBlockBytes] and the app's gas limit.
func NewGenesis(p GenesisParams, vals []Validator) (*cmttypes.GenesisDoc, error) {
	p = p.withDefaults()
	alloc := genesis.SystemAlloc()
	var devAddrs []common.Address
	for _, k := range devkeys.Keys(p.DevKeys) {
		addr := gethcrypto.PubkeyToAddress(k.PublicKey)
		alloc[addr] = types.Account{Balance: new(big.Int).Set(DevBalance)}
		devAddrs = append(devAddrs, addr)
	}
	state := genesis.AppState{
		ChainID: p.ChainID,
		Coin:    DevCoin,
		Params:  genesis.Params{GasLimit: genesis.DefaultGasLimit},
		Fork:    genesis.ForkOsaka,
		Alloc:   alloc,
	}
	for _, v := range vals {
		if v.PubKey == nil || v.PubKey.Type() != ed25519.KeyType {
			return nil, fmt.Errorf("validator %s: an ed25519 key is required", v.Name)
		}
		state.Validators = append(state.Validators, genesis.Validator{
			Name: v.Name, Collective: v.Collective, PubKey: v.PubKey.Bytes(),
		})
	}
	if !p.NoGovernance {
		g, err := foundingGovernance(p.Time, vals, devAddrs, alloc)
		if err == nil {
			maps.Copy(g.Params, p.GovParams)
		}
		if err != nil {
			return nil, err
		}
		state.Governance = g
	}
	raw, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	if _, err := genesis.Parse(raw); err != nil {
		return nil, err
	}
	return node.NewGenesisDoc(&state, p.Time, p.ChainName)
}
