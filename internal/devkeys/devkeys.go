package devkeys

import (
	"crypto/ecdsa"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"
)

// Key returns the i-th development key.
func Key(i int) *ecdsa.PrivateKey {
	for n := 0; ; n++ {
		seed := crypto.Keccak256([]byte(fmt.Sprintf("redmx devnet key %d/%d", i, n)))
		if k, err := crypto.ToECDSA(seed); err == nil {
			return k
		}
	}
}

// Keys returns the first n development keys.
func Keys(n int) []*ecdsa.PrivateKey {
	keys := make([]*ecdsa.PrivateKey, n)
	for i := range keys {
		keys[i] = Key(i)
	}
	return keys
}

// RoleKey returns the development key of the n-th holder of role in
// collective (e.g. "leader", "academic", 1): the accounts of the devnet's
// founding governance, derived like [Key] so every devnet has the same ones.
func RoleKey(role, collective string, n int) *ecdsa.PrivateKey {
	for i := 0; ; i++ {
		seed := crypto.Keccak256([]byte(fmt.Sprintf("redmx devnet role %s %s/%d/%d", role, collective, n, i)))
		if k, err := crypto.ToECDSA(seed); err == nil {
			return k
		}
	}
}
