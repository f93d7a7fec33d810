//go:build faults

package faulttest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cometbft/cometbft/p2p"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/dashboard"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// What the fault tests read from a node besides its JSON-RPC: /readyz, the
// dashboard's API and CometBFT's RPC.

// httpGetJSON GETs url and decodes its JSON body into v whatever the
// status, which it returns.
func httpGetJSON(ctx context.Context, url string, v any) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(v); err != nil {
		return resp.StatusCode, fmt.Errorf("%s: %s: %w", url, resp.Status, err)
	}
	return resp.StatusCode, nil
}

// getJSON GETs url, which must answer 200, and decodes its body into v.
func getJSON(ctx context.Context, url string, v any) error {
	status, err := httpGetJSON(ctx, url, v)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: status %d", url, status)
	}
	return err
}

// readyz is a node's /readyz (rpc is its JSON-RPC host:port): the HTTP
// status and the answer, which must agree on whether it is ready.
func readyz(ctx context.Context, rpc string) (int, node.Readiness, error) {
	var rd node.Readiness
	status, err := httpGetJSON(ctx, "http://"+rpc+"/readyz", &rd)
	if err == nil && rd.Ready != (status == http.StatusOK) {
		err = fmt.Errorf("/readyz: status %d with ready %t", status, rd.Ready)
	}
	return status, rd, err
}

// clockOffset is the clock offset a node reports in /readyz, if it has one yet.
func clockOffset(ctx context.Context, rpc string) (time.Duration, bool, error) {
	_, rd, err := readyz(ctx, rpc)
	if err != nil || rd.ClockOffsetMs == nil {
		return 0, false, err
	}
	return time.Duration(*rd.ClockOffsetMs) * time.Millisecond, true, nil
}

// dashboardSnapshot is the dashboard API's snapshot of the node at rpc.
func dashboardSnapshot(ctx context.Context, rpc string) (dashboard.Snapshot, error) {
	var s dashboard.Snapshot
	err := getJSON(ctx, "http://"+rpc+"/dashboard/api/snapshot", &s)
	return s, err
}

// cometGet GETs path from a node's CometBFT RPC (host:port) and decodes its
// result into a T.
func cometGet[T any](ctx context.Context, cometRPC, path string) (T, error) {
	var out struct {
		Result T `json:"result"`
		Error  *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	if _, err := httpGetJSON(ctx, "http://"+cometRPC+path, &out); err != nil {
		return out.Result, err
	}
	if out.Error != nil {
		return out.Result, fmt.Errorf("%s: %s %s", path, out.Error.Message, out.Error.Data)
	}
	return out.Result, nil
}

// cometHeader is what the suite reads of a CometBFT block header.
type cometHeader struct {
	Height  int64
	Time    time.Time // to the nanosecond, unlike an Ethereum block's
	AppHash string
}

// cometHeaders are CometBFT's headers lo..hi, in height order, from the
// /blockchain endpoint of cometRPC, which answers at most 20 per call.
func cometHeaders(ctx context.Context, cometRPC string, lo, hi int64) ([]cometHeader, error) {
	type metas struct {
		BlockMetas []struct {
			Header struct {
				Height  string    `json:"height"`
				Time    time.Time `json:"time"`
				AppHash string    `json:"app_hash"`
			} `json:"header"`
		} `json:"block_metas"`
	}
	var out []cometHeader
	for bottom := lo; bottom <= hi; bottom += 20 {
		top := min(hi, bottom+19)
		res, err := cometGet[metas](ctx, cometRPC, fmt.Sprintf("/blockchain?minHeight=%d&maxHeight=%d", bottom, top))
		if err != nil {
			return nil, err
		}
		if len(res.BlockMetas) != int(top-bottom+1) {
			return nil, fmt.Errorf("blockchain %d..%d: %d headers", bottom, top, len(res.BlockMetas))
		}
		for _, m := range res.BlockMetas {
			h, err := strconv.ParseInt(m.Header.Height, 10, 64)
			if err != nil || h < bottom || h > top {
				return nil, fmt.Errorf("blockchain %d..%d: a header of height %q", bottom, top, m.Header.Height)
			}
			out = append(out, cometHeader{Height: h, Time: m.Header.Time, AppHash: m.Header.AppHash})
		}
	}
	slices.SortFunc(out, func(a, b cometHeader) int { return int(a.Height - b.Height) })
	return out, nil
}

// percentile is the p-th percentile of ds by rank (0 for none), to the
// millisecond.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := (len(s)*p + 99) / 100
	return s[max(k, 1)-1].Round(time.Millisecond)
}

// homeNodeKey is the p2p key of the node whose home is home.
func homeNodeKey(t *testing.T, home string) ed25519.PrivateKey {
	t.Helper()
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	nk, err := p2p.LoadNodeKey(f.CometBFT.NodeKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.PrivateKey(nk.PrivKey.Bytes())
}

// admitObserver admits the node of p2p key priv as an observer of
// collective: a member (or else its leader) applies, the leader endorses,
// three of the four Nodes Commission seats approve (docs/governance.md
// §3.1). It returns how many governance transactions that took.
func admitObserver(t *testing.T, g *testnet.Gov, collective string, priv ed25519.PrivateKey) int {
	t.Helper()
	applicant := devnet.RoleNameLeader
	for _, r := range devnet.Roles() {
		if r.Role == devnet.RoleNameMember && r.Collective == collective {
			applicant = devnet.RoleNameMember
		}
	}
	from := crypto.PubkeyToAddress(testnet.RoleKey(t, applicant, collective).PublicKey)
	nodeKey := [32]byte(priv.Public().(ed25519.PublicKey))
	msg := governance.NodeApplicationMessage(from, collective, nodeKey, governance.NodeObserver, "", nil)
	h := crypto.Keccak256Hash
	res := g.Send(t, applicant, collective, "applyNode", collective, nodeKey, governance.NodeObserver, "", []byte{},
		governance.KindInstitution, h([]byte("an institution")), h([]byte("letter")), "https://example.org/letter",
		h([]byte("adhesion")), "https://example.org/adhesion", governance.SignNodeApplication(priv, msg), []byte{})
	app := testnet.EventArg(t, res, "NodeApplied", "applicationId").(uint64)
	g.Send(t, devnet.RoleNameLeader, collective, "endorse", app)
	for _, c := range devnet.Collectives[:3] {
		g.Send(t, devnet.RoleNameNodesCommission, c, "commissionVote", app, true)
	}
	return 5
}
