package genesis

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"

	"github.com/redmx/redmx/governance"
)

// DefaultGasLimit is the block gas limit a new genesis gets.
const DefaultGasLimit uint64 = governance.DefaultGasLimit

// Fork names the Ethereum rule set the chain runs. Only Osaka is supported.
const ForkOsaka = "osaka"

// AppState is the app_state of genesis.json.
type AppState struct {
	ChainID    uint64             `json:"chainId"`
	Coin       Coin               `json:"coin"`
	Params     Params             `json:"params"`
	Fork       string             `json:"fork"`
	Alloc      types.GenesisAlloc `json:"alloc"`
	Validators []Validator        `json:"validators"`
	// Governance is the founding governance state; nil starts without one
	// (every account may transact and deploy, as before governance).
	Governance *governance.Founding `json:"governance,omitempty"`
}

// Coin describes the native coin as wallets show it.
type Coin struct {
	Name     string `json:"name"`
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

// Params are consensus parameters kept in the app's state. Governance changes
// them later; genesis seeds them.
type Params struct {
	GasLimit uint64 `json:"gasLimit"`
}

// Validator is a genesis validator: its consensus key and the collective it
// belongs to. Its power follows the collective rule of package governance
// ([AppState.Powers]).
type Validator struct {
	Name       string `json:"name"`
	Collective string `json:"collective"`
	PubKey     []byte `json:"pubKey"` // ed25519 public key, base64 in JSON
}

// Errors returned by [AppState.Validate].
var (
	ErrNoChainID    = errors.New("chainId must be set")
	ErrFork         = errors.New("unsupported fork")
	ErrGasLimit     = errors.New("gas limit out of range")
	ErrNoValidators = errors.New("at least one validator is required")
	ErrValidator    = errors.New("invalid validator")
	ErrCoin         = errors.New("invalid coin")
)

// Parse decodes and validates an app_state.
func Parse(raw []byte) (*AppState, error) {
	if len(raw) == 0 {
		return nil, errors.New("genesis app_state is empty")
	}
	var s AppState
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("genesis app_state: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate reports the first problem with the app_state.
func (s *AppState) Validate() error {
	if s.ChainID == 0 {
		return ErrNoChainID
	}
	if s.Fork != ForkOsaka {
		return fmt.Errorf("%w: %q (supported: %q)", ErrFork, s.Fork, ForkOsaka)
	}
	if s.Params.GasLimit < params.MinGasLimit || s.Params.GasLimit > 1<<40 {
		return fmt.Errorf("%w: %d (min %d)", ErrGasLimit, s.Params.GasLimit, params.MinGasLimit)
	}
	if s.Coin.Name == "" || s.Coin.Symbol == "" || s.Coin.Decimals > 36 {
		return fmt.Errorf("%w: name and symbol are required, decimals at most 36", ErrCoin)
	}
	if len(s.Validators) == 0 {
		return ErrNoValidators
	}
	seen := make(map[string]bool)
	for i, v := range s.Validators {
		if len(v.PubKey) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: validators[%d]: ed25519 public key must be %d bytes, got %d", ErrValidator, i, ed25519.PublicKeySize, len(v.PubKey))
		}
		if v.Collective == "" {
			return fmt.Errorf("%w: validators[%d]: collective is required", ErrValidator, i)
		}
		if seen[string(v.PubKey)] {
			return fmt.Errorf("%w: validators[%d]: duplicate public key", ErrValidator, i)
		}
		seen[string(v.PubKey)] = true
	}
	if s.Governance != nil {
		if err := s.Governance.CheckParams(s.Params.GasLimit); err != nil {
			return err
		}
		if err := checkGovernanceValidators(s.Governance, s.Validators); err != nil {
			return err
		}
	}
	for addr, acc := range s.Alloc {
		if acc.Balance == nil {
			return fmt.Errorf("genesis alloc %s: balance is required", addr)
		}
		if acc.Balance.Sign() < 0 || acc.Balance.BitLen() > 256 {
			return fmt.Errorf("genesis alloc %s: balance out of range", addr)
		}
	}
	return nil
}

// ChainConfig returns the go-ethereum chain configuration: every fork through
// Osaka active from genesis, post-merge, and nothing experimental.
func (s *AppState) ChainConfig() *params.ChainConfig {
	return ChainConfig(s.ChainID)
}

// ChainConfig returns the rules for chain ID id (see [AppState.ChainConfig]).
func ChainConfig(id uint64) *params.ChainConfig {
	zero := uint64(0)
	return &params.ChainConfig{
		ChainID:                 new(big.Int).SetUint64(id),
		HomesteadBlock:          big.NewInt(0),
		EIP150Block:             big.NewInt(0),
		EIP155Block:             big.NewInt(0),
		EIP158Block:             big.NewInt(0),
		ByzantiumBlock:          big.NewInt(0),
		ConstantinopleBlock:     big.NewInt(0),
		PetersburgBlock:         big.NewInt(0),
		IstanbulBlock:           big.NewInt(0),
		MuirGlacierBlock:        big.NewInt(0),
		BerlinBlock:             big.NewInt(0),
		LondonBlock:             big.NewInt(0),
		ArrowGlacierBlock:       big.NewInt(0),
		GrayGlacierBlock:        big.NewInt(0),
		MergeNetsplitBlock:      big.NewInt(0),
		ShanghaiTime:            &zero,
		CancunTime:              &zero,
		PragueTime:              &zero,
		OsakaTime:               &zero,
		TerminalTotalDifficulty: big.NewInt(0),
		BlobScheduleConfig: &params.BlobScheduleConfig{
			Cancun: params.DefaultCancunBlobConfig,
			Prague: params.DefaultPragueBlobConfig,
		},
	}
}

// SystemAlloc returns the accounts every redmx chain has at genesis: the
// EIP-4788 beacon roots and EIP-2935 block hash history contracts, whose system
// calls execution runs each block, and, for developer tools, Multicall3 and the
// deterministic CREATE2 deployer at their usual addresses.
func SystemAlloc() types.GenesisAlloc {
	zero := new(big.Int)
	return types.GenesisAlloc{
		params.BeaconRootsAddress:    {Code: params.BeaconRootsCode, Nonce: 1, Balance: zero},
		params.HistoryStorageAddress: {Code: params.HistoryStorageCode, Nonce: 1, Balance: zero},
		Multicall3Address:            {Code: multicall3Code, Nonce: 1, Balance: zero},
		Create2DeployerAddress:       {Code: create2DeployerCode, Nonce: 1, Balance: zero},
	}
}

// Well-known developer contract addresses.
var (
	Multicall3Address      = governance.Multicall3Address
	Create2DeployerAddress = params.DeterministicFactoryAddress
)
