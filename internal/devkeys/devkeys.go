package devkeys

import (
	"crypto/ecdsa"
	"fmt"

	"github.com/ethereum/go-ethereum/crypto"
)

// Key returns the i-th development key.
func Key(i int) *ecdsa.PrivateKey {
	return derive(fmt.Sprintf("redmx devnet key %d", i))
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
	return derive(fmt.Sprintf("redmx devnet role %s %s/%d", role, collective, n))
}

// derive is the first valid key among keccak256(phrase/0), keccak256(phrase/1), …
func derive(phrase string) *ecdsa.PrivateKey {
	for n := 0; ; n++ {
		if k, err := crypto.ToECDSA(crypto.Keccak256([]byte(fmt.Sprintf("%s/%d", phrase, n)))); err == nil {
			return k
		}
	}
}
