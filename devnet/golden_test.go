package devnet_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"os"
	"testing"
	"time"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/redmx/redmx/devnet"
)

// TestDevnetGenesisUnchanged: the devnet's genesis for fixed keys and time is
// the one genesis/testdata keeps, so devnets made before and after a change
// of this package start from the same app_state.
func TestDevnetGenesisUnchanged(t *testing.T) {
	var vals []devnet.Validator
	for i := range 4 {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = byte(i + 1)
		id := make([]byte, 20)
		id[0] = byte(i + 1)
		vals = append(vals, devnet.Validator{
			Name:       "v" + string(rune('0'+i)),
			Collective: devnet.CollectiveFor(i),
			PubKey:     cmted.PrivKey(ed25519.NewKeyFromSeed(seed)).PubKey(),
			NodeID:     hex.EncodeToString(id),
		})
	}
	doc, err := devnet.NewGenesis(devnet.GenesisParams{Time: time.Unix(1_780_000_000, 0).UTC(), DevKeys: 2}, vals)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../genesis/testdata/devnet_app_state.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc.AppState, bytes.TrimSpace(want)) {
		t.Fatalf("devnet app_state changed:\n got %s\nwant %s", doc.AppState, want)
	}
}
