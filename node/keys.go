package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
)

// LoadFilePV reads the validator key and its last-sign state. CometBFT's
// privval.LoadFilePV exits the process on any error; this returns it. A
// missing state file is an error: starting from an empty state could sign
// twice at a height already signed.
func LoadFilePV(keyFile, stateFile string) (*privval.FilePV, error) {
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
