package ethtest

import (
	"crypto/ecdsa"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/internal/devkeys"
)

// DevKey returns the i-th development key (see package devkeys).
func DevKey(i int) *ecdsa.PrivateKey { return devkeys.Key(i) }

// DevKeys returns the first n development keys.
func DevKeys(n int) []*ecdsa.PrivateKey { return devkeys.Keys(n) }

// Address is the account of key k.
func Address(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }
