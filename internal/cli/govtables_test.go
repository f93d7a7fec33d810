package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
)

// TestGovLivenessAndNodesTables: `redmx gov nodes` prints every node with
// its role and status, and `redmx gov liveness` every validator's misses in
// the window, flagging one stopped long enough.
func TestGovLivenessAndNodesTables(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network")
	}
	// A running validator on a loaded machine misses a signature now and
	// then (its precommit arrives after the commit); a tenth of the window
	// tells that from one stopped.
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 200 * time.Millisecond,
		GovParams: map[string]uint64{"livenessWindow": 100, "livenessMaxMissedPermille": 100}})
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	net.WaitHeight(ctx, t, 2)
	rpcURL := "http://" + net.Nodes[0].RPC

	out, err := run(ctx, "gov", "nodes", "--rpc", rpcURL)
	if err != nil {
		t.Fatalf("gov nodes: %v %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "ROLE") {
		t.Fatalf("gov nodes: want a header and 4 nodes:\n%s", out)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, "validator") || !strings.Contains(l, "admitted") || !strings.Contains(l, "720720") {
			t.Errorf("gov nodes row %q: want an admitted validator with power 720720", l)
		}
	}

	net.Stop(t, 3)
	stopped := strings.ToLower(net.Nodes[3].NodeID)
	type row struct {
		Node           string
		Missed, Window uint64
		Flagged        bool
		Since          uint64
	}
	testnet.WaitFor(ctx, t, "gov liveness flagging the stopped validator", func() error {
		out, err := run(ctx, "gov", "liveness", "--rpc", rpcURL, "--json")
		if err != nil {
			return err
		}
		var rows []row
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			return err
		}
		for _, r := range rows {
			if strings.TrimPrefix(r.Node, "0x") == stopped && r.Flagged && r.Window == 100 && r.Missed > 10 {
				return nil
			}
			if strings.TrimPrefix(r.Node, "0x") != stopped && r.Flagged {
				t.Fatalf("a running validator flagged: %+v", r)
			}
		}
		return errNotYet(out)
	})
	out, err = run(ctx, "gov", "liveness", "--rpc", rpcURL)
	if err != nil || !strings.Contains(out, "MISSED/WINDOW") || strings.Count(out, "yes, since block") != 1 {
		t.Fatalf("gov liveness: %v\n%s", err, out)
	}
}

type errNotYet string

func (e errNotYet) Error() string { return "not yet: " + string(e) }
