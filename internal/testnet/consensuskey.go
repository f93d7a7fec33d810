package testnet

import (
	"crypto/ed25519"

	"github.com/redmx/redmx/node"
)

// ConsensusKey is node i's consensus public key (ed25519, 32 bytes).
func (n *Network) ConsensusKey(t TB, i int) []byte {
	t.Helper()
	_, key, err := node.ReadKeys(n.Home(i))
	if err != nil {
		t.Fatalf("node %d: %v", i, err)
	}
	return key.Public().(ed25519.PublicKey)
}
