package rpc_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/redmx/redmx/rpc"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// transcript is one request and the whole response, as served.
type transcript struct {
	Request  json.RawMessage `json:"request"`
	Response json.RawMessage `json:"response"`
}

// TestGolden compares whole responses with the transcripts in
// testdata/golden, semantically. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	txs := b.blocks[1].Transactions()

	tests := []struct {
		name   string
		method string
		params []any
	}{
		{"block_full", "eth_getBlockByNumber", []any{"0x1", true}},
		{"block_genesis", "eth_getBlockByNumber", []any{"earliest", false}},
		{"block_receipts", "eth_getBlockReceipts", []any{"0x1"}},
		{"tx_legacy", "eth_getTransactionByHash", []any{txs[0].Hash()}},
		{"tx_dynamic_fee", "eth_getTransactionByHash", []any{txs[1].Hash()}},
		{"receipt_with_log", "eth_getTransactionReceipt", []any{txs[2].Hash()}},
		{"call_revert", "eth_call", []any{map[string]any{"to": revertAddr}, "latest"}},
		{"estimate_revert", "eth_estimateGas", []any{map[string]any{"to": revertAddr}}},
		{"fee_history", "eth_feeHistory", []any{"0x2", "latest", []float64{10, 90}}},
		{"fee_history_no_percentiles", "eth_feeHistory", []any{"0x1", "latest", []float64{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := mustJSON(t, map[string]any{"jsonrpc": "2.0", "id": 1, "method": tt.method, "params": tt.params})
			got := transcript{Request: req, Response: post(t, url, string(req))}
			checkGolden(t, tt.name, got)
		})
	}
}

// checkGolden compares got with testdata/golden/name.json, or writes it there
// with -update.
func checkGolden(t *testing.T, name string, got transcript) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		out, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var want transcript
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, got.Request, want.Request) {
		t.Fatalf("request changed:\n got %s\nwant %s", got.Request, want.Request)
	}
	if !jsonEqual(t, got.Response, want.Response) {
		t.Errorf("response:\n got %s\nwant %s", got.Response, want.Response)
	}
}
