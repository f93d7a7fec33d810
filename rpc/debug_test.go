package rpc_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/redmx/redmx/rpc"
)

// TestDebugGolden compares whole debug_* responses with the transcripts in
// testdata/golden, semantically. Run with -update to rewrite them.
func TestDebugGolden(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, debugConfig())
	txs := b.blocks[1].Transactions()
	callTracer := map[string]any{"tracer": "callTracer"}

	tests := []struct {
		name   string
		method string
		params []any
	}{
		{"trace_tx_call_tracer_log", "debug_traceTransaction", []any{txs[2].Hash(), map[string]any{"tracer": "callTracer", "tracerConfig": map[string]any{"withLog": true}}}},
		{"trace_tx_create", "debug_traceTransaction", []any{txs[1].Hash(), callTracer}},
		{"trace_tx_struct_logger", "debug_traceTransaction", []any{txs[2].Hash(), map[string]any{"enableMemory": true}}},
		{"trace_tx_prestate", "debug_traceTransaction", []any{txs[0].Hash(), map[string]any{"tracer": "prestateTracer"}}},
		{"trace_tx_prestate_diff", "debug_traceTransaction", []any{txs[0].Hash(), map[string]any{"tracer": "prestateTracer", "tracerConfig": map[string]any{"diffMode": true}}}},
		{"trace_block_call_tracer", "debug_traceBlockByNumber", []any{"0x1", callTracer}},
		{"trace_block_flat", "debug_traceBlockByHash", []any{b.blocks[1].Hash(), map[string]any{"tracer": "flatCallTracer"}}},
		{"trace_block_4byte_mux", "debug_traceBlockByNumber", []any{"0x1", map[string]any{"tracer": "muxTracer", "tracerConfig": map[string]any{"4byteTracer": map[string]any{}, "callTracer": map[string]any{"onlyTopCall": true}}}}},
		{"trace_call_revert", "debug_traceCall", []any{map[string]any{"from": addr0, "to": revertAddr, "input": "0x12345678"}, "latest", callTracer}},
		{"trace_call_state_override", "debug_traceCall", []any{
			map[string]any{"from": addr1, "to": storeAddr},
			"latest",
			map[string]any{"tracer": "callTracer", "stateOverrides": map[string]any{storeAddr.Hex(): map[string]any{"code": hexutil.Bytes(returnCode(0x60, 0x01, 0x54))}}},
		}},
		{"trace_call_tx_index", "debug_traceCall", []any{map[string]any{"from": addr0, "to": addr1, "value": "0x1"}, "0x1", map[string]any{"tracer": "prestateTracer", "txIndex": "0x1"}}},
		{"trace_unknown_tx", "debug_traceTransaction", []any{common.Hash{1}}},
		{"trace_genesis", "debug_traceBlockByNumber", []any{"0x0"}},
		{"trace_unknown_tracer", "debug_traceTransaction", []any{txs[0].Hash(), map[string]any{"tracer": "noSuchTracer"}}},
		{"trace_call_pending", "debug_traceCall", []any{map[string]any{"to": addr1}, "pending"}},
		{"raw_header", "debug_getRawHeader", []any{"0x1"}},
		{"raw_block", "debug_getRawBlock", []any{"0x1"}},
		{"raw_receipts", "debug_getRawReceipts", []any{b.blocks[1].Hash()}},
		{"raw_transaction", "debug_getRawTransaction", []any{txs[1].Hash()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := mustJSON(t, map[string]any{"jsonrpc": "2.0", "id": 1, "method": tt.method, "params": tt.params})
			checkGolden(t, tt.name, transcript{Request: req, Response: post(t, url, string(req))})
		})
	}
}

// structLogs is the struct logger's result.
type structLogs struct {
	Gas         uint64 `json:"gas"`
	Failed      bool   `json:"failed"`
	ReturnValue string `json:"returnValue"`
	StructLogs  []struct {
		Pc      uint64   `json:"pc"`
		Op      string   `json:"op"`
		Gas     uint64   `json:"gas"`
		GasCost uint64   `json:"gasCost"`
		Depth   int      `json:"depth"`
		Stack   []string `json:"stack"`
	} `json:"structLogs"`
}

// TestTraceStructLoggerGas checks the struct logger's gas accounting against
// the receipt: the trace's gas is the receipt's gasUsed, and the opcodes
// consume exactly what is left after intrinsic gas.
func TestTraceStructLoggerGas(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, debugConfig())
	tx := b.blocks[1].Transactions()[2]
	var res structLogs
	result(t, url, &res, "debug_traceTransaction", tx.Hash(), map[string]any{})
	receipt := b.receipts[1][2]
	if res.Gas != receipt.GasUsed || res.Failed {
		t.Fatalf("trace gas %d failed %v, receipt gasUsed %d", res.Gas, res.Failed, receipt.GasUsed)
	}
	ops := make([]string, len(res.StructLogs))
	for i, l := range res.StructLogs {
		ops[i] = l.Op
	}
	if got := strings.Join(ops, " "); got != "CALLDATASIZE PUSH1 PUSH1 CALLDATACOPY PUSH1 CALLDATASIZE PUSH1 LOG1 STOP" {
		t.Fatalf("opcodes %s", got)
	}
	first, last := res.StructLogs[0], res.StructLogs[len(res.StructLogs)-1]
	intrinsic := tx.Gas() - first.Gas
	spent := first.Gas - last.Gas + last.GasCost
	if intrinsic+spent != receipt.GasUsed {
		t.Fatalf("intrinsic %d + opcodes %d != gasUsed %d", intrinsic, spent, receipt.GasUsed)
	}
	for i := 1; i < len(res.StructLogs); i++ {
		prev, cur := res.StructLogs[i-1], res.StructLogs[i]
		if prev.Gas-prev.GasCost != cur.Gas {
			t.Fatalf("step %d (%s): gas %d - cost %d != next gas %d", i-1, prev.Op, prev.Gas, prev.GasCost, cur.Gas)
		}
	}

	// limit (bytes of output, in geth v1.17) and disableStack.
	var limited structLogs
	result(t, url, &limited, "debug_traceTransaction", tx.Hash(), map[string]any{"limit": 200, "disableStack": true})
	if n := len(limited.StructLogs); n == 0 || n >= len(res.StructLogs) || limited.StructLogs[n-1].Stack != nil {
		t.Fatalf("limit 200 with disableStack: %+v", limited.StructLogs)
	}
}

// TestTraceBlockOnePerTx checks that a block trace has one result per
// transaction, in order, and that each call trace's gasUsed is the receipt's.
func TestTraceBlockOnePerTx(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, debugConfig())
	var res []struct {
		TxHash common.Hash `json:"txHash"`
		Result struct {
			GasUsed hexutil.Uint64 `json:"gasUsed"`
		} `json:"result"`
	}
	result(t, url, &res, "debug_traceBlockByNumber", "0x1", map[string]any{"tracer": "callTracer"})
	txs := b.blocks[1].Transactions()
	if len(res) != len(txs) {
		t.Fatalf("%d results for %d transactions", len(res), len(txs))
	}
	for i, r := range res {
		if r.TxHash != txs[i].Hash() {
			t.Errorf("result %d is for %s, want %s", i, r.TxHash, txs[i].Hash())
		}
		if uint64(r.Result.GasUsed) != b.receipts[1][i].GasUsed {
			t.Errorf("tx %d: trace gasUsed %d, receipt %d", i, r.Result.GasUsed, b.receipts[1][i].GasUsed)
		}
	}
}

func TestTraceErrors(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, debugConfig())
	tx := b.blocks[1].Transactions()[0]

	// The parent's state is gone: the eth methods' error.
	b.mu.Lock()
	b.unavailable[0] = true
	b.mu.Unlock()
	res := call(t, url, "debug_traceTransaction", tx.Hash())
	if res.Error == nil || !strings.Contains(res.Error.Message, rpc.ErrStateUnavailable.Error()+" for block 0") {
		t.Fatalf("trace without the parent's state: %+v", res.Error)
	}
	b.mu.Lock()
	b.unavailable[0] = false
	b.mu.Unlock()

	// A timeout that has passed before the trace starts.
	res = call(t, url, "debug_traceTransaction", tx.Hash(), map[string]any{"tracer": "callTracer", "timeout": "1ns"})
	if res.Error == nil || res.Error.Message != "execution timeout" {
		t.Fatalf("trace with 1ns timeout: %+v", res.Error)
	}
	// debug_traceBlock replays a block given as RLP; one without a beacon root is refused.
	enc, err := rlp.EncodeToBytes(b.blocks[1])
	if err != nil {
		t.Fatal(err)
	}
	var traces []json.RawMessage
	result(t, url, &traces, "debug_traceBlock", hexutil.Bytes(enc), map[string]any{"tracer": "callTracer"})
	if len(traces) != 3 {
		t.Fatalf("debug_traceBlock: %d results", len(traces))
	}
	h := b.blocks[1].Header()
	h.ParentBeaconRoot, h.RequestsHash = nil, nil
	if enc, err = rlp.EncodeToBytes(b.blocks[1].WithSeal(h)); err != nil {
		t.Fatal(err)
	}
	res = call(t, url, "debug_traceBlock", hexutil.Bytes(enc))
	if res.Error == nil || !strings.Contains(res.Error.Message, "parentBeaconBlockRoot") {
		t.Fatalf("debug_traceBlock without beacon root: %+v", res.Error)
	}

	res = call(t, url, "debug_traceTransaction", tx.Hash(), map[string]any{"timeout": "soon"})
	if res.Error == nil || !strings.Contains(res.Error.Message, "invalid duration") {
		t.Fatalf("trace with a bad timeout: %+v", res.Error)
	}
}

// TestRawGetters decodes what the debug_getRaw* methods return.
func TestRawGetters(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, debugConfig())
	var raw hexutil.Bytes
	result(t, url, &raw, "debug_getRawBlock", "latest")
	var block types.Block
	if err := rlp.DecodeBytes(raw, &block); err != nil || block.Hash() != b.blocks[1].Hash() {
		t.Fatalf("raw block: %v, hash %s", err, block.Hash())
	}
	result(t, url, &raw, "debug_getRawHeader", b.blocks[1].Hash())
	var h types.Header
	if err := rlp.DecodeBytes(raw, &h); err != nil || h.Hash() != b.blocks[1].Hash() {
		t.Fatalf("raw header: %v, hash %s", err, h.Hash())
	}
	var receipts []hexutil.Bytes
	result(t, url, &receipts, "debug_getRawReceipts", "0x1")
	for i, enc := range receipts {
		var r types.Receipt
		if err := r.UnmarshalBinary(enc); err != nil || r.CumulativeGasUsed != b.receipts[1][i].CumulativeGasUsed {
			t.Fatalf("raw receipt %d: %v", i, err)
		}
	}
	// Above the head: empty, as go-ethereum answers.
	result(t, url, &raw, "debug_getRawBlock", "0x9")
	if len(raw) != 0 {
		t.Fatalf("raw block above the head: %x, want 0x", raw)
	}
}

// debugConfig is the default configuration with the debug namespace on.
func debugConfig() rpc.Config {
	cfg := rpc.DefaultConfig()
	cfg.Debug = true
	return cfg
}
