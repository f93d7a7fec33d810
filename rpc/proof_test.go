package rpc_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb/memorydb"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/redmx/redmx/rpc"
)

type proofJSON struct {
	Address      common.Address `json:"address"`
	AccountProof []string       `json:"accountProof"`
	Balance      *hexutil.Big   `json:"balance"`
	CodeHash     common.Hash    `json:"codeHash"`
	Nonce        hexutil.Uint64 `json:"nonce"`
	StorageHash  common.Hash    `json:"storageHash"`
	StorageProof []struct {
		Key   string       `json:"key"`
		Value *hexutil.Big `json:"value"`
		Proof []string     `json:"proof"`
	} `json:"storageProof"`
}

// verify checks a proof against root as a light client would.
func verify(t *testing.T, root common.Hash, key []byte, proof []string) []byte {
	t.Helper()
	db := memorydb.New()
	for _, n := range proof {
		b := hexutil.MustDecode(n)
		if err := db.Put(crypto.Keccak256(b), b); err != nil {
			t.Fatal(err)
		}
	}
	v, err := trie.VerifyProof(root, crypto.Keccak256(key), db)
	if err != nil {
		t.Fatalf("proof does not verify: %v", err)
	}
	return v
}

func TestGetProof(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	head := b.blocks[1].Header()

	var got proofJSON
	result(t, url, &got, "eth_getProof", storeAddr, []string{"0x1", storeSlot.Hex(), "0x02"}, "latest")
	if got.Address != storeAddr || got.Nonce != 1 {
		t.Errorf("address %v nonce %d", got.Address, got.Nonce)
	}
	enc := verify(t, head.Root, storeAddr.Bytes(), got.AccountProof)
	var acct types.StateAccount
	if err := rlp.DecodeBytes(enc, &acct); err != nil {
		t.Fatal(err)
	}
	if acct.Root != got.StorageHash || acct.Nonce != 1 || !bytes.Equal(acct.CodeHash, got.CodeHash.Bytes()) {
		t.Errorf("proved account %+v does not match answer %+v", acct, got)
	}
	if len(got.StorageProof) != 3 {
		t.Fatalf("%d storage proofs, want 3", len(got.StorageProof))
	}
	// Keys are echoed as given: a short key as a quantity, a 32-byte one as is.
	for i, want := range []string{"0x1", storeSlot.Hex(), "0x2"} {
		if got.StorageProof[i].Key != want {
			t.Errorf("key %d = %s, want %s", i, got.StorageProof[i].Key, want)
		}
	}
	sp := got.StorageProof[0]
	if sp.Value.ToInt().Cmp(storeValue.Big()) != 0 {
		t.Errorf("slot value %v, want %v", sp.Value, storeValue.Big())
	}
	val := verify(t, got.StorageHash, storeSlot.Bytes(), sp.Proof)
	var content []byte
	if err := rlp.DecodeBytes(val, &content); err != nil || new(big.Int).SetBytes(content).Cmp(storeValue.Big()) != 0 {
		t.Errorf("proved slot value %x (%v), want %v", content, err, storeValue)
	}
	// An absent slot proves absence: the proof ends without the key.
	if got.StorageProof[2].Value.ToInt().Sign() != 0 {
		t.Errorf("absent slot value %v", got.StorageProof[2].Value)
	}

	// An account that does not exist: empty storage, proof of absence.
	var none proofJSON
	result(t, url, &none, "eth_getProof", common.Address{0x99}, []string{"0x0"}, "0x0")
	if none.StorageHash != (common.Hash{}) || none.Balance.ToInt().Sign() != 0 || len(none.StorageProof[0].Proof) != 0 {
		t.Errorf("absent account: %+v", none)
	}
	if len(none.AccountProof) == 0 {
		t.Error("no account proof for an absent account")
	}
}

func TestGetProofErrors(t *testing.T) {
	b := newFakeBackend(t)
	b.unavailable[0] = true
	url := serve(t, b, rpc.DefaultConfig())
	keys := make([]string, 1025)
	for i := range keys {
		keys[i] = "0x1"
	}
	tests := []struct {
		params []any
		code   int
		msg    string
	}{
		{[]any{storeAddr, keys, "latest"}, -32602, "too many storage keys requested (max 1024, got 1025)"},
		{[]any{storeAddr, []string{"0xzz"}, "latest"}, -32602, `invalid hex in storage key: "0xzz"`},
		{[]any{storeAddr, []string{}, "0x5"}, -32000, "header not found"},
	}
	for _, tt := range tests {
		res := call(t, url, "eth_getProof", tt.params...)
		if res.Error == nil || res.Error.Code != tt.code || res.Error.Message != tt.msg {
			t.Errorf("eth_getProof(%v): error %+v, want %d %q", tt.params[1:], res.Error, tt.code, tt.msg)
		}
	}
	if res := call(t, url, "eth_getProof", storeAddr, []string{}, "0x0"); res.Error == nil {
		t.Error("eth_getProof at a height without state: no error")
	}
}
