package status

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"testing"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
)

// FuzzVerify: whatever a peer sends, Verify does not panic, and a report it
// accepts carries a valid signature of domain+body by a key whose node ID is
// the report's, with its free-form fields within their bounds.
func FuzzVerify(f *testing.F) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	id := string(p2p.PubKeyToID(cmted.PubKey(priv.Public().(ed25519.PublicKey))))
	good, err := Sign(Report{NodeID: id, Moniker: "n", Seq: 1, Upgrades: []string{"v2"}}, priv)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"body":"e30=","pub_key":"","sig":""}`))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Verify(data)
		if err != nil {
			return
		}
		var s Signed
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("accepted what does not decode: %v", err)
		}
		if !ed25519.Verify(s.PubKey, append([]byte(domain), s.Body...), s.Sig) {
			t.Fatal("accepted a report whose signature does not verify")
		}
		if got := string(p2p.PubKeyToID(cmted.PubKey(s.PubKey))); got != r.NodeID {
			t.Fatalf("accepted a report of %q signed by %q", r.NodeID, got)
		}
		if len(r.Moniker) > maxText || len(r.Version) > maxText || len(r.Upgrades) > maxUpgrades {
			t.Fatalf("unbounded fields: %+v", r)
		}
	})
}
