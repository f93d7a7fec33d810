package rpc

import (
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// maxProofKeys is go-ethereum's cap on the storage keys of one eth_getProof.
const maxProofKeys = 1024

// accountResult is eth_getProof's answer (EIP-1186), as go-ethereum shapes it.
type accountResult struct {
	Address      common.Address  `json:"address"`
	AccountProof []string        `json:"accountProof"`
	Balance      *hexutil.Big    `json:"balance"`
	CodeHash     common.Hash     `json:"codeHash"`
	Nonce        hexutil.Uint64  `json:"nonce"`
	StorageHash  common.Hash     `json:"storageHash"`
	StorageProof []storageResult `json:"storageProof"`
}

type storageResult struct {
	Key   string       `json:"key"`
	Value *hexutil.Big `json:"value"`
	Proof []string     `json:"proof"`
}

// proofList collects trie proof nodes as hex strings.
type proofList []string

func (l *proofList) Put(_ []byte, value []byte) error {
	*l = append(*l, hexutil.Encode(value))
	return nil
}

func (l *proofList) Delete([]byte) error { panic("not supported") }

// GetProof is eth_getProof: the Merkle proofs of an account and some of its
// storage slots in the state after the selected block.
func (api *ethAPI) GetProof(ctx context.Context, addr common.Address, storageKeys []string, sel *gethrpc.BlockNumberOrHash) (*accountResult, error) {
	if len(storageKeys) > maxProofKeys {
		return nil, invalidParams("too many storage keys requested (max %d, got %d)", maxProofKeys, len(storageKeys))
	}
	keys := make([]common.Hash, len(storageKeys))
	lengths := make([]int, len(storageKeys))
	for i, k := range storageKeys {
		var err error
		if keys[i], lengths[i], err = decodeStorageKey(k); err != nil {
			return nil, invalidParams("%v: %q", err, k)
		}
	}
	st, h, err := api.state(sel)
	if err != nil {
		return nil, err
	}
	storageRoot := st.GetStorageRoot(addr)
	proofs := make([]storageResult, len(keys))
	var storageTrie state.Trie
	if len(keys) > 0 && storageRoot != types.EmptyRootHash && storageRoot != (common.Hash{}) {
		if storageTrie, err = st.Database().OpenStorageTrie(h.Root, addr, storageRoot, nil); err != nil {
			return nil, proofError(h.Number.Uint64(), err)
		}
	}
	for i, key := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// A 32-byte key is echoed as given; a shorter one as a quantity.
		out := hexutil.Encode(key[:])
		if lengths[i] != common.HashLength {
			out = hexutil.EncodeBig(key.Big())
		}
		if storageTrie == nil {
			proofs[i] = storageResult{Key: out, Value: new(hexutil.Big), Proof: []string{}}
			continue
		}
		var proof proofList
		if err := storageTrie.Prove(crypto.Keccak256(key.Bytes()), &proof); err != nil {
			return nil, err
		}
		proofs[i] = storageResult{Key: out, Value: (*hexutil.Big)(st.GetState(addr, key).Big()), Proof: proof}
	}
	tr, err := st.Database().OpenTrie(h.Root)
	if err != nil {
		return nil, proofError(h.Number.Uint64(), err)
	}
	var accountProof proofList
	if err := tr.Prove(crypto.Keccak256(addr.Bytes()), &accountProof); err != nil {
		return nil, err
	}
	return &accountResult{
		Address:      addr,
		AccountProof: accountProof,
		Balance:      (*hexutil.Big)(st.GetBalance(addr).ToBig()),
		CodeHash:     st.GetCodeHash(addr),
		Nonce:        hexutil.Uint64(st.GetNonce(addr)),
		StorageHash:  storageRoot,
		StorageProof: proofs,
	}, st.Error()
}

// proofError is the error for a state whose tries cannot be opened: one
// older than the newest layers, on a node that keeps no trie-node history.
func proofError(number uint64, err error) error {
	if errors.Is(err, ErrStateUnavailable) {
		return stateError(number, err)
	}
	return fmt.Errorf("%w for block %d: no proof of this state (%v); a node keeps the tries of past states only with storage.proof_history on", ErrStateUnavailable, number, err)
}
