package rpc_test

import (
	"testing"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/rpc"
)

func TestUnlockedAccounts(t *testing.T) {
	b := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.DevAccounts = 1 // key0
	url := serve(t, b, cfg)

	var accts []common.Address
	result(t, url, &accts, "eth_accounts")
	if len(accts) != 1 || accts[0] != addr0 {
		t.Fatalf("eth_accounts = %v", accts)
	}
	// A node without unlocked accounts answers an empty list.
	result(t, serve(t, b, rpc.DefaultConfig()), &accts, "eth_accounts")
	if accts == nil || len(accts) != 0 {
		t.Fatalf("eth_accounts without keys = %v", accts)
	}

	t.Run("sendTransaction fills defaults", func(t *testing.T) {
		var hash common.Hash
		result(t, url, &hash, "eth_sendTransaction", map[string]any{"from": addr0, "to": addr1, "value": "0x5"})
		b.mu.Lock()
		tx := b.sent[len(b.sent)-1]
		b.mu.Unlock()
		from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
		if err != nil || from != addr0 || tx.Hash() != hash {
			t.Fatalf("sent %v from %v (%v)", tx.Hash(), from, err)
		}
		if tx.Type() != types.DynamicFeeTxType || tx.Nonce() != 3 || tx.Gas() != 21000 || tx.GasFeeCap().Sign() != 0 || tx.ChainId().Uint64() != testChainID || tx.Value().Uint64() != 5 {
			t.Errorf("tx type %d nonce %d gas %d feeCap %v chain %v value %v", tx.Type(), tx.Nonce(), tx.Gas(), tx.GasFeeCap(), tx.ChainId(), tx.Value())
		}
	})
	t.Run("sendTransaction with a gas price is legacy", func(t *testing.T) {
		result(t, url, new(common.Hash), "eth_sendTransaction", map[string]any{"from": addr0, "to": addr1, "gasPrice": "0x0", "gas": "0x7530", "nonce": "0x9"})
		b.mu.Lock()
		tx := b.sent[len(b.sent)-1]
		b.mu.Unlock()
		if tx.Type() != types.LegacyTxType || tx.Nonce() != 9 || tx.Gas() != 30000 || !tx.Protected() {
			t.Errorf("tx type %d nonce %d gas %d protected %v", tx.Type(), tx.Nonce(), tx.Gas(), tx.Protected())
		}
	})

	var signed struct {
		Raw hexutil.Bytes      `json:"raw"`
		Tx  *types.Transaction `json:"tx"`
	}
	result(t, url, &signed, "eth_signTransaction", map[string]any{"from": addr0, "to": addr1, "gas": "0x5208", "gasPrice": "0x0", "nonce": "0x1"})
	var decoded types.Transaction
	if err := decoded.UnmarshalBinary(signed.Raw); err != nil || decoded.Hash() != signed.Tx.Hash() || decoded.Nonce() != 1 {
		t.Errorf("eth_signTransaction raw does not match tx: %v", err)
	}

	var sig hexutil.Bytes
	msg := []byte("hola")
	result(t, url, &sig, "eth_sign", addr0, hexutil.Bytes(msg))
	if len(sig) != 65 || sig[64] < 27 {
		t.Fatalf("signature %x", sig)
	}
	sig[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash(msg), sig)
	if err != nil || crypto.PubkeyToAddress(*pub) != addr0 {
		t.Errorf("eth_sign does not recover to the account: %v", err)
	}

	for _, tt := range []struct {
		method string
		params []any
		msg    string
	}{
		{"eth_sendTransaction", []any{map[string]any{"from": addr1, "to": addr0}}, "unknown account"},
		{"eth_sign", []any{addr1, "0x00"}, "unknown account"},
		{"eth_sendTransaction", []any{map[string]any{"from": addr0}}, "contract creation without any data provided"},
		{"eth_sendTransaction", []any{map[string]any{"from": addr0, "to": addr1, "chainId": "0x1"}}, "chainId does not match node's (have=1, want=4242)"},
		{"eth_signTransaction", []any{map[string]any{"from": addr0, "to": addr1, "gasPrice": "0x0", "nonce": "0x1"}}, "gas not specified"},
		{"eth_signTransaction", []any{map[string]any{"from": addr0, "to": addr1, "gas": "0x5208", "gasPrice": "0x0"}}, "nonce not specified"},
	} {
		res := call(t, url, tt.method, tt.params...)
		if res.Error == nil || res.Error.Message != tt.msg {
			t.Errorf("%s: error %+v, want %q", tt.method, res.Error, tt.msg)
		}
	}
}

func TestFillAndPending(t *testing.T) {
	b := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.DevAccounts = 1 // key0
	url := serve(t, b, cfg)
	var filled struct {
		Raw hexutil.Bytes      `json:"raw"`
		Tx  *types.Transaction `json:"tx"`
	}
	// Filling needs no key: any sender works.
	result(t, url, &filled, "eth_fillTransaction", map[string]any{"from": addr1, "to": addr0})
	if filled.Tx.Type() != types.DynamicFeeTxType || filled.Tx.Gas() != 21000 || filled.Tx.Nonce() != 3 {
		t.Errorf("filled tx type %d gas %d nonce %d", filled.Tx.Type(), filled.Tx.Gas(), filled.Tx.Nonce())
	}
	var pending []struct{ Hash common.Hash }
	result(t, url, &pending, "eth_pendingTransactions")
	if len(pending) != 0 {
		t.Fatalf("pending before sending: %v", pending)
	}
	var hash common.Hash
	result(t, url, &hash, "eth_sendTransaction", map[string]any{"from": addr0, "to": addr1})
	result(t, url, &pending, "eth_pendingTransactions")
	if len(pending) != 1 || pending[0].Hash != hash {
		t.Errorf("eth_pendingTransactions = %v, want [%v]", pending, hash)
	}
}
