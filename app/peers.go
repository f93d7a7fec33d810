package app

import (
	"errors"
	"fmt"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
)

// peerFilter answers CometBFT's peer filter queries: any address, and a node
// ID that governance admits in the latest committed state (the genesis state
// before block 1), or that this node's operator configured, or any ID when
// the chain has no governance.
func (a *App) peerFilter(path string) *abci.ResponseQuery {
	ok := &abci.ResponseQuery{Code: CodeOK}
	if strings.HasPrefix(path, "/p2p/filter/addr/") {
		return ok
	}
	id, found := strings.CutPrefix(path, "/p2p/filter/id/")
	if !found {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: fmt.Sprintf("unknown query path %q", path)}
	}
	id = strings.ToLower(id)
	if a.peers[id] {
		return ok
	}
	allowed, err := a.AllowedPeer(id)
	if err != nil {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: err.Error()}
	}
	if !allowed {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: fmt.Sprintf("node %s is not admitted by governance", id)}
	}
	return ok
}

// AllowedPeer reports whether governance lets the node with this p2p ID
// connect, in the latest committed state; every node when the chain has no
// governance. Safe for concurrent use.
func (a *App) AllowedPeer(id string) (bool, error) {
	a.filterMu.Lock()
	root := a.filterRoot
	a.filterMu.Unlock()
	if root == (common.Hash{}) {
		return false, errors.New("no genesis yet")
	}
	st, err := a.db.StateAt(root)
	if err != nil {
		return false, err
	}
	if !a.exec.Governed(st) {
		return true, nil
	}
	return a.gov.AllowedPeer(st, strings.ToLower(id)), nil
}

// ConfiguredPeer reports whether the operator configured this peer ID.
func (a *App) ConfiguredPeer(id string) bool { return a.peers[strings.ToLower(id)] }
