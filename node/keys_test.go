package node_test

import (
	"os"
	"strings"
	"testing"

	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/node"
)

// TestReadKeys reads back the keys CreateKeys made, and refuses a validator
// key file without its priv_key (it once panicked naming the key's type).
func TestReadKeys(t *testing.T) {
	home := t.TempDir()
	ccfg := config.CometBFTDefaults()
	ccfg.SetRoot(home)
	nk, pv, err := node.CreateKeys(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	nodeKey, valKey, err := node.ReadKeys(home)
	if err != nil {
		t.Fatal(err)
	}
	if !nk.PrivKey.Equals(cmted25519.PrivKey(nodeKey)) || string(pv.Key.PrivKey.Bytes()) != string(valKey) {
		t.Fatal("ReadKeys read other keys than CreateKeys made")
	}
	if err := os.WriteFile(ccfg.PrivValidatorKeyFile(), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := node.ReadKeys(home); err == nil || !strings.Contains(err.Error(), "no priv_key") {
		t.Fatalf("ReadKeys of a key file without priv_key: %v", err)
	}
}
