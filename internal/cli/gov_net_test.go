package cli_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/devkeys"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// TestGovViewsOnDevnet reads the founding governance of an in-process
// network through `redmx gov`. It skips while the node does not serve the
// governance views yet (governance's stubs), and checks them once it does.
func TestGovViewsOnDevnet(t *testing.T) {
	net := testnet.Start(t, devnet.Config{Validators: 2, TimeoutCommit: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	net.WaitHeight(ctx, t, 2)
	rpcURL := "http://" + net.Nodes[0].RPC

	out, errOut, err := runErr(ctx, "", "gov", "collectives", "--rpc", rpcURL, "--json")
	if err != nil {
		if strings.Contains(err.Error(), "not implemented") || strings.Contains(err.Error(), "invalid opcode") {
			t.Skipf("the node does not serve governance views yet: %v", err)
		}
		t.Fatalf("collectives: %v", err)
	}
	// The banner names the chain by its genesis block, as the node serves it.
	var genesis struct{ Hash string }
	rc, err := gethrpc.DialContext(ctx, rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if err := rc.CallContext(ctx, &genesis, "eth_getBlockByNumber", "0x0", false); err != nil || len(genesis.Hash) != 66 {
		t.Fatalf("genesis block: %v %q", err, genesis.Hash)
	}
	if want := fmt.Sprintf("redmx gov: chain %d, genesis %s…%s, at %s\n", devnet.DefaultChainID, genesis.Hash[:10], genesis.Hash[58:], rpcURL); errOut != want {
		t.Errorf("banner %q, want %q", errOut, want)
	}
	var cols struct{ Names []string }
	if err := json.Unmarshal([]byte(out), &cols); err != nil || len(cols.Names) != 4 {
		t.Fatalf("collectives: %v %s", err, out)
	}
	out, err = run(ctx, "gov", "seats", "leader", "academic", "--rpc", rpcURL, "--json")
	var seats struct{ Holders []uint64 }
	if err != nil || json.Unmarshal([]byte(out), &seats) != nil || len(seats.Holders) != 2 {
		t.Fatalf("academic leaders: %v %s", err, out)
	}
	// Two leaders of three seats in each collective: a leader vacancy each,
	// listed first for public, with no call open yet; then the Advisory Council.
	out, err = run(ctx, "gov", "vacancies", "--rpc", rpcURL, "--json")
	var vac struct {
		RolesName   []string
		Collectives []string
		Missing     []uint32
		CallIDs     []uint64
	}
	if err != nil || json.Unmarshal([]byte(out), &vac) != nil || len(vac.RolesName) != 5 || vac.RolesName[0] != "leader" ||
		vac.Collectives[0] != "public" || vac.Missing[0] != 1 || vac.CallIDs[0] != 0 {
		t.Fatalf("vacancies: %v %s", err, out)
	}
	out, err = run(ctx, "gov", "vacancies", "--rpc", rpcURL)
	if err != nil || !strings.Contains(out, "leader") || !strings.Contains(out, "academic") {
		t.Fatalf("vacancies table: %v %s", err, out)
	}
	t.Logf("gov vacancies:\n%s", out)
	out, err = run(ctx, "gov", "validators", "--rpc", rpcURL, "--json")
	var vals struct{ NodeIDs []string }
	if err != nil || json.Unmarshal([]byte(out), &vals) != nil || len(vals.NodeIDs) != 2 {
		t.Fatalf("validators: %v %s", err, out)
	}
	dev := ethtest.Address(ethtest.DevKey(0)).Hex()
	out, err = run(ctx, "gov", "can-deploy", dev, "--rpc", rpcURL)
	if err != nil || strings.TrimSpace(out) != "result: true" {
		t.Fatalf("can-deploy %s: %v %s", dev, err, out)
	}
	out, err = run(ctx, "gov", "record-of", dev, "--rpc", rpcURL, "--json")
	var rec struct{ RecordID uint64 }
	if err != nil || json.Unmarshal([]byte(out), &rec) != nil || rec.RecordID != devnet.ExampleProjectRecord() {
		t.Fatalf("record-of %s: %v %s", dev, err, out)
	}

	// A leader's extraordinary meeting request, sent and read back whole,
	// on the chain the command was told.
	leaderFile := filepath.Join(t.TempDir(), "leader")
	if err := os.WriteFile(leaderFile, []byte(hex.EncodeToString(crypto.FromECDSA(devkeys.RoleKey("leader", "academic", 0)))), 0o600); err != nil {
		t.Fatal(err)
	}
	obj := "0x" + strings.Repeat("ab", 32)
	chain := fmt.Sprint(devnet.DefaultChainID)
	if out, err = run(ctx, "gov", "request-extraordinary", obj, "--rpc", rpcURL, "--private-key-file", leaderFile, "--chain-id", chain); err != nil ||
		!strings.Contains(out, "ExtraordinaryRequested(requestId=1") {
		t.Fatalf("request-extraordinary: %v\n%s", err, out)
	}
	out, err = run(ctx, "gov", "show", "extraordinary-request", "1", "--rpc", rpcURL, "--json")
	var shown struct{ ExtraordinaryRequest map[string]any }
	if err != nil || json.Unmarshal([]byte(out), &shown) != nil || shown.ExtraordinaryRequest["objectivesHash"] != obj ||
		shown.ExtraordinaryRequest["requester"] == float64(0) || shown.ExtraordinaryRequest["meetingId"] != float64(0) {
		t.Fatalf("show extraordinary-request: %v\n%s", err, out)
	}
	if _, err = run(ctx, "gov", "request-extraordinary", obj, "--rpc", rpcURL, "--private-key-file", leaderFile, "--chain-id", "1"); err == nil ||
		!strings.Contains(err.Error(), "wrong chain") {
		t.Fatalf("request-extraordinary on another chain: %v", err)
	}
	if out, err = run(ctx, "gov", "extraordinary-requests", "--rpc", rpcURL, "--json"); err != nil || !strings.Contains(out, `"requestIds": [`) {
		t.Fatalf("extraordinary-requests: %v\n%s", err, out)
	}
	var reqs struct{ RequestIDs []uint64 }
	if json.Unmarshal([]byte(out), &reqs) != nil || len(reqs.RequestIDs) != 1 {
		t.Fatalf("extraordinary-requests after one refused on another chain: %s", out)
	}
}
