package rpc_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/rpc"
)

func TestTxpool(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	signer := types.LatestSignerForChainID(big.NewInt(testChainID))
	ready := types.MustSignNewTx(key1, signer, &types.LegacyTx{Nonce: 3, To: &addr0, Value: big.NewInt(5), Gas: 21000, GasPrice: big.NewInt(7)})
	future := types.MustSignNewTx(key1, signer, &types.DynamicFeeTx{ChainID: big.NewInt(testChainID), Nonce: 9, Gas: 50000, GasTipCap: new(big.Int), GasFeeCap: new(big.Int)})
	for _, tx := range []*types.Transaction{ready, future} {
		if err := b.SendTransaction(tx); err != nil {
			t.Fatal(err)
		}
	}

	var status map[string]string
	result(t, url, &status, "txpool_status")
	if status["pending"] != "0x2" || status["queued"] != "0x0" {
		t.Errorf("txpool_status = %v", status)
	}

	var content map[string]map[string]map[string]struct {
		Hash        string  `json:"hash"`
		Nonce       string  `json:"nonce"`
		BlockHash   *string `json:"blockHash"`
		BlockNumber *string `json:"blockNumber"`
	}
	result(t, url, &content, "txpool_content")
	sender := addr1.Hex()
	if got := content["pending"][sender]["3"]; got.Hash != ready.Hash().Hex() || got.Nonce != "0x3" || got.BlockHash != nil || got.BlockNumber != nil {
		t.Errorf("pending[%s][3] = %+v", sender, got)
	}
	if got := content["queued"][sender]["9"]; got.Hash != future.Hash().Hex() {
		t.Errorf("queued[%s][9] = %+v", sender, got)
	}

	var from map[string]map[string]struct{ Hash string }
	result(t, url, &from, "txpool_contentFrom", addr1)
	if from["pending"]["3"].Hash != ready.Hash().Hex() || from["queued"]["9"].Hash != future.Hash().Hex() {
		t.Errorf("txpool_contentFrom = %+v", from)
	}
	result(t, url, &from, "txpool_contentFrom", addr0)
	if len(from["pending"]) != 0 || len(from["queued"]) != 0 {
		t.Errorf("txpool_contentFrom(other) = %+v", from)
	}

	var insp map[string]map[string]map[string]string
	result(t, url, &insp, "txpool_inspect")
	if got, want := insp["pending"][sender]["3"], addr0.Hex()+": 5 wei + 21000 gas × 7 wei"; got != want {
		t.Errorf("inspect pending = %q, want %q", got, want)
	}
	if got, want := insp["queued"][sender]["9"], "contract creation: 0 wei + 50000 gas × 0 wei"; got != want {
		t.Errorf("inspect queued = %q, want %q", got, want)
	}
}

func TestMoreEthMethods(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	b1 := b.blocks[1]
	raw, _ := b1.Transactions()[1].MarshalBinary()
	tests := []struct {
		method string
		params []any
		want   string
	}{
		{"eth_getUncleByBlockNumberAndIndex", []any{"latest", "0x0"}, `null`},
		{"eth_getUncleByBlockHashAndIndex", []any{b1.Hash(), "0x0"}, `null`},
		{"eth_getRawTransactionByBlockNumberAndIndex", []any{"0x1", "0x1"}, `"` + hexutil.Encode(raw) + `"`},
		{"eth_getRawTransactionByBlockHashAndIndex", []any{b1.Hash(), "0x1"}, `"` + hexutil.Encode(raw) + `"`},
		{"eth_getRawTransactionByBlockNumberAndIndex", []any{"0x1", "0x9"}, `"0x"`},
		{"eth_baseFee", nil, `"0x0"`},
		{"eth_getStorageValues", []any{map[string]any{storeAddr.Hex(): []string{storeSlot.Hex(), common.Hash{}.Hex()}}, "latest"},
			`{"` + strings.ToLower(storeAddr.Hex()) + `":["` + storeValue.Hex() + `","` + common.Hash{}.Hex() + `"]}`},
	}
	for _, tt := range tests {
		res := call(t, url, tt.method, tt.params...)
		if res.Error != nil {
			t.Errorf("%s: error %+v", tt.method, res.Error)
			continue
		}
		if !jsonEqual(t, res.Result, []byte(tt.want)) {
			t.Errorf("%s = %s, want %s", tt.method, res.Result, tt.want)
		}
	}
	if res := call(t, url, "eth_getStorageValues", map[string]any{}, "latest"); res.Error == nil || res.Error.Code != -32602 || res.Error.Message != "empty request" {
		t.Errorf("empty eth_getStorageValues: %+v", res.Error)
	}
}

// TestTxpoolEvicted: txpool_evicted tells why the pool let a transaction go,
// and null for one it did not evict.
func TestTxpoolEvicted(t *testing.T) {
	b := newFakeBackend(t)
	gone, other := common.HexToHash("0x01"), common.HexToHash("0x02")
	b.evicted = map[common.Hash]fakeEviction{gone: {reason: "expired: waited 20 blocks, limit 20", height: 42}}
	url := serve(t, b, rpc.DefaultConfig())

	var got *struct {
		Hash        common.Hash    `json:"hash"`
		Reason      string         `json:"reason"`
		BlockNumber hexutil.Uint64 `json:"blockNumber"`
	}
	result(t, url, &got, "txpool_evicted", gone)
	if got == nil || got.Hash != gone || !strings.HasPrefix(got.Reason, "expired") || got.BlockNumber != 42 {
		t.Fatalf("txpool_evicted = %+v", got)
	}
	got = nil
	result(t, url, &got, "txpool_evicted", other)
	if got != nil {
		t.Fatalf("txpool_evicted(unknown) = %+v, want null", got)
	}
}
