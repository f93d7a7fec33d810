package node

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"

	"github.com/redmx/redmx/config"
)

// HomeDirs are the directories of a node home: config/ (config.toml,
// genesis.json, the keys) and data/ (the chain and the sign state).
func HomeDirs() []string { return []string{cmtcfg.DefaultConfigDir, cmtcfg.DefaultDataDir} }

// KeyType is the type of a node's p2p and consensus keys.
const KeyType = cmted25519.KeyType

// NodeID is CometBFT's p2p ID of a node key: what peers dial it by.
func NodeID(pub ed25519.PublicKey) string {
	return string(p2p.PubKeyToID(cmted25519.PubKey(pub)))
}

// ValidatorAddress is CometBFT's address of a consensus key, as genesis.json
// and CometBFT's logs show it.
func ValidatorAddress(pub ed25519.PublicKey) string {
	return cmted25519.PubKey(pub).Address().String()
}

// ReadKeys reads the p2p key and the consensus key of the node in home, from
// the files its config.toml names (CometBFT's defaults without one). The
// consensus key's sign state is not read.
func ReadKeys(home string) (nodeKey, validatorKey ed25519.PrivateKey, err error) {
	var ccfg *cmtcfg.Config
	if f, err := config.LoadFile(home); err == nil {
		ccfg = f.CometBFT
	} else if errors.Is(err, os.ErrNotExist) {
		ccfg = config.CometBFTDefaults()
		ccfg.SetRoot(home)
	} else {
		return nil, nil, err
	}
	nk, err := p2p.LoadNodeKey(ccfg.NodeKeyFile())
	if err != nil {
		return nil, nil, fmt.Errorf("node key: %w (is %s a node home? see redmx init)", err, home)
	}
	pv, err := readFilePVKey(ccfg.PrivValidatorKeyFile())
	if err != nil {
		return nil, nil, err
	}
	np, ok1 := nk.PrivKey.(cmted25519.PrivKey)
	cp, ok2 := pv.PrivKey.(cmted25519.PrivKey)
	if !ok1 || !ok2 {
		return nil, nil, fmt.Errorf("node key %s and validator key %s must be ed25519", nk.PrivKey.Type(), pv.PrivKey.Type())
	}
	return ed25519.PrivateKey(np), ed25519.PrivateKey(cp), nil
}

// LoadKeys reads the node key and the validator key with its sign state, at
// the paths cfg names, as [Node.Run] does.
func LoadKeys(cfg *cmtcfg.Config) (*p2p.NodeKey, *privval.FilePV, error) {
	nodeKey, err := loadNodeKey(cfg)
	if err != nil {
		return nil, nil, err
	}
	pv, err := LoadFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	if err != nil {
		return nil, nil, err
	}
	return nodeKey, pv, nil
}

func loadNodeKey(cfg *cmtcfg.Config) (*p2p.NodeKey, error) {
	nodeKey, err := p2p.LoadNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, fmt.Errorf("node key: %w", err)
	}
	return nodeKey, nil
}

// LoadFilePV reads the validator key and its last-sign state. CometBFT's
// privval.LoadFilePV exits the process on any error; this returns it. A
// missing state file is an error: starting from an empty state could sign
// twice at a height already signed.
func LoadFilePV(keyFile, stateFile string) (*privval.FilePV, error) {
	key, err := readFilePVKey(keyFile)
	if err != nil {
		return nil, err
	}
	stateJSON, err := os.ReadFile(stateFile)
	if err != nil {
		return nil, fmt.Errorf("validator state: %w", err)
	}
	var state privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(stateJSON, &state); err != nil {
		return nil, fmt.Errorf("validator state %s: %w", stateFile, err)
	}
	pv := privval.NewFilePV(key.PrivKey, keyFile, stateFile)
	pv.LastSignState.Height = state.Height
	pv.LastSignState.Round = state.Round
	pv.LastSignState.Step = state.Step
	pv.LastSignState.Signature = state.Signature
	pv.LastSignState.SignBytes = state.SignBytes
	return pv, nil
}

// readFilePVKey reads a validator key file (without its sign state).
func readFilePVKey(keyFile string) (*privval.FilePVKey, error) {
	keyJSON, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(keyJSON, &key); err != nil {
		return nil, fmt.Errorf("validator key %s: %w", keyFile, err)
	}
	if key.PrivKey == nil {
		return nil, fmt.Errorf("validator key %s: no priv_key", keyFile)
	}
	return &key, nil
}

// ErrKeyExists is returned by [CreateKeys] when a key file is already there.
var ErrKeyExists = errors.New("key file already exists")

// CreateKeys generates a node key and a validator key with an empty sign
// state, at the paths cfg names, refusing to overwrite any of them.
func CreateKeys(cfg *cmtcfg.Config) (*p2p.NodeKey, *privval.FilePV, error) {
	files := []string{cfg.NodeKeyFile(), cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()}
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			return nil, nil, fmt.Errorf("%w: %s", ErrKeyExists, f)
		}
		if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
			return nil, nil, err
		}
	}
	nodeKey, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, nil, fmt.Errorf("node key: %w", err)
	}
	pv := privval.GenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	if err := savePV(pv); err != nil {
		return nil, nil, err
	}
	return nodeKey, pv, nil
}

// savePV saves pv's key and state; privval panics on a write error.
func savePV(pv *privval.FilePV) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("save validator key: %v", r)
		}
	}()
	pv.Save()
	return nil
}
