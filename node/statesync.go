package node

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmthttp "github.com/cometbft/cometbft/rpc/client/http"
)

// SnapshotDir is where a node keeps the state snapshots it serves to nodes
// joining by state sync: data/snapshots.
func SnapshotDir(c *cmtcfg.Config) string { return filepath.Join(c.DBDir(), "snapshots") }

// TrustPoint is a height and its CometBFT block hash: what CometBFT's state
// sync light client starts from ([statesync] trust_height, trust_hash).
type TrustPoint struct {
	Height int64
	Hash   string // hex, as trust_hash takes it
}

// trustLag is how far below the servers' newest height the trust point is
// taken, so that every server has its commit.
const trustLag = 2

// FetchTrustPoint asks each CometBFT RPC server (http://host:port) for a
// recent height and the hash of its block, and fails unless they all give
// the same hash. The result is only as trustworthy as the servers: the
// operator compares it with a source it trusts.
func FetchTrustPoint(ctx context.Context, servers []string) (TrustPoint, error) {
	if len(servers) < 2 {
		return TrustPoint{}, errors.New("state sync needs at least two CometBFT RPC servers, so that a light client can cross-check them")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	clients := make([]*cmthttp.HTTP, len(servers))
	var height int64 = -1
	for i, s := range servers {
		c, err := cmthttp.New(s, "/websocket")
		if err != nil {
			return TrustPoint{}, fmt.Errorf("%s: %w", s, err)
		}
		st, err := c.Status(ctx)
		if err != nil {
			return TrustPoint{}, fmt.Errorf("%s: %w", s, err)
		}
		clients[i] = c
		if h := st.SyncInfo.LatestBlockHeight; height < 0 || h < height {
			height = h
		}
	}
	if height -= trustLag; height < 1 {
		return TrustPoint{}, fmt.Errorf("%s: the chain is too young to join by state sync (height %d)", servers[0], height+trustLag)
	}
	var hash string
	for i, c := range clients {
		res, err := c.Commit(ctx, &height)
		if err != nil {
			return TrustPoint{}, fmt.Errorf("%s: commit of height %d: %w", servers[i], height, err)
		}
		if res.SignedHeader.Header == nil || res.SignedHeader.Commit == nil {
			return TrustPoint{}, fmt.Errorf("%s: no signed header at height %d", servers[i], height)
		}
		h := strings.ToUpper(res.SignedHeader.Hash().String())
		switch {
		case hash == "":
			hash = h
		case h != hash:
			return TrustPoint{}, fmt.Errorf("the servers disagree on block %d: %s says %s, %s says %s", height, servers[0], hash, servers[i], h)
		}
	}
	return TrustPoint{Height: height, Hash: hash}, nil
}

// SetStateSync turns CometBFT's state sync on in c, from servers and the
// trust point.
func SetStateSync(c *cmtcfg.Config, servers []string, tp TrustPoint) {
	c.StateSync.Enable = true
	c.StateSync.RPCServers = servers
	c.StateSync.TrustHeight = tp.Height
	c.StateSync.TrustHash = tp.Hash
}
