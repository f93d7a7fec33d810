package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/redmx/redmx/devnet"
)

// TestDevnetSummaryGovernance: the devnet prints the founding governance's
// role keys and example project, in text and JSON, and keeps the fields it
// printed before.
func TestDevnetSummaryGovernance(t *testing.T) {
	net := &devnet.Network{
		Dir: "/tmp/x", ChainID: 5218, ChainName: "redmx-devnet", Coin: devnet.DevCoin, DevKeys: 3,
		Governance: true,
		Nodes:      []*devnet.NodeInfo{{Name: "node0", Collective: "public", RPC: "127.0.0.1:8545"}},
	}
	s := newDevnetSummary(net, []*devnet.Process{{Name: "node0", PID: 7, LogPath: "/tmp/x/node0/node.log"}}, false)
	if len(s.Roles) != len(devnet.Roles()) || s.Project == nil || len(s.Project.Accounts) != 3 {
		t.Fatalf("roles %d, project %+v", len(s.Roles), s.Project)
	}
	var text bytes.Buffer
	s.print(&text)
	for _, want := range []string{"Governance (example data)", "nodes-commission", "UNAM (example data)", s.Roles[0].PrivateKey, "Approved project"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, text.String())
		}
	}
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	for _, k := range []string{"dir", "chainId", "chainIdHex", "cometbftChainId", "coin", "nodes", "accounts", "roles", "project"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	role := m["roles"].([]any)[0].(map[string]any)
	for _, k := range []string{"role", "collective", "label", "record", "address", "privateKey"} {
		if _, ok := role[k]; !ok {
			t.Errorf("role lacks %q", k)
		}
	}

	net.Governance = false
	if s := newDevnetSummary(net, []*devnet.Process{{}}, true); s.Roles != nil || s.Project != nil {
		t.Error("a network without governance lists roles")
	}
}
