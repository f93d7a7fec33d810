package app

import (
	"errors"
	"fmt"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/governance"
)

// Topology (docs/governance.md §3.1): which admitted roles a node accepts
// as peers, by its own role. A validator accepts validators and admitted
// observers; an observer accepts validators and observers, so readers'
// nodes sync from each other and not only from the validators; a node that
// governance does not (yet) admit, such as one catching up before its
// admission, accepts the admitted nodes it reaches. A node that is not
// admitted, or is suspended or removed, is refused by every role. A boot
// node is an admitted observer in CometBFT's seed mode: its filter is the
// same.
var topology = map[governance.NodeRole][]governance.NodeRole{
	governance.NodeValidator: {governance.NodeValidator, governance.NodeObserver},
	governance.NodeObserver:  {governance.NodeValidator, governance.NodeObserver},
	0:                        {governance.NodeValidator, governance.NodeObserver},
}

// accepts reports whether a node of role local accepts a peer of role peer.
func accepts(local, peer governance.NodeRole) bool {
	for _, r := range topology[local] {
		if r == peer {
			return true
		}
	}
	return false
}

// peerFilter answers CometBFT's peer filter queries: any address, and a node
// ID that this node's operator configured, or that governance admits in the
// latest committed state (the genesis state before block 1) in a role this
// node's role accepts, or any ID when the chain has no governance.
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
	allowed, why, err := a.peerVerdict(id)
	if err != nil {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: err.Error()}
	}
	if !allowed {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: why}
	}
	return ok
}

// AllowedPeer reports whether governance lets the node with this p2p ID
// connect to this node, in the latest committed state; every node when the
// chain has no governance. Safe for concurrent use.
func (a *App) AllowedPeer(id string) (bool, error) {
	ok, _, err := a.peerVerdict(id)
	return ok, err
}

// peerVerdict is AllowedPeer with the reason of a refusal.
func (a *App) peerVerdict(id string) (bool, string, error) {
	a.filterMu.Lock()
	root := a.filterRoot
	a.filterMu.Unlock()
	if root == (common.Hash{}) {
		return false, "", errors.New("no genesis yet")
	}
	st, err := a.db.StateAt(root)
	if err != nil {
		return false, "", err
	}
	if !a.exec.Governed(st) {
		return true, "", nil
	}
	id = strings.ToLower(id)
	role, status := a.gov.Peer(st, id)
	switch status {
	case governance.NodeAdmitted:
	case governance.NodeSuspended, governance.NodeRemoved:
		return false, fmt.Sprintf("node %s is %s by governance", id, status), nil
	default:
		return false, fmt.Sprintf("node %s is not admitted by governance", id), nil
	}
	var local governance.NodeRole
	if a.self != "" {
		if r, s := a.gov.Peer(st, a.self); s == governance.NodeAdmitted {
			local = r
		}
	}
	if !accepts(local, role) {
		return false, fmt.Sprintf("node %s is an admitted %s, which a %s does not accept as a peer", id, role, roleName(local)), nil
	}
	return true, "", nil
}

func roleName(r governance.NodeRole) string {
	if r == 0 {
		return "node not admitted"
	}
	return r.String()
}

// ConfiguredPeer reports whether the operator configured this peer ID.
func (a *App) ConfiguredPeer(id string) bool { return a.peers[strings.ToLower(id)] }
