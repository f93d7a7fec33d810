package genesis_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/redmx/redmx/genesis"
)

// TestDevnetAppStateGolden: a devnet's app_state, as written before the
// founding governance's types moved, parses and encodes back byte for byte,
// so every existing genesis.json keeps its meaning.
func TestDevnetAppStateGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/devnet_app_state.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if s.Governance == nil || len(s.Governance.Records) == 0 || len(s.Governance.Nodes) != 4 {
		t.Fatalf("founding governance not parsed: %+v", s.Governance)
	}
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, bytes.TrimSpace(raw)) {
		t.Fatalf("round trip differs:\n got %s\nwant %s", out, raw)
	}
}
