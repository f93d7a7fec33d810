package ethtest

import (
	"crypto/ecdsa"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// DevKey returns the i-th development key. Keys are derived from a fixed phrase,
// so every devnet, on every machine and every run, funds the same accounts (as
// anvil and Hardhat do). They are public: never use them on a real network.
func DevKey(i int) *ecdsa.PrivateKey {
	for n := 0; ; n++ {
		seed := crypto.Keccak256([]byte(fmt.Sprintf("redmx devnet key %d/%d", i, n)))
		if k, err := crypto.ToECDSA(seed); err == nil {
			return k
		}
	}
}

// DevKeys returns the first n development keys.
func DevKeys(n int) []*ecdsa.PrivateKey {
	keys := make([]*ecdsa.PrivateKey, n)
	for i := range keys {
		keys[i] = DevKey(i)
	}
	return keys
}

// Address is the account of key k.
func Address(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }
