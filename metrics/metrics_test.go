package metrics_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/metrics"
	"github.com/redmx/redmx/txpool"
)

var methods = []string{"eth_blockNumber", "eth_sendRawTransaction", "eth_call"}

// serve wraps a handler that echoes the body it got, as the RPC server
// would read it.
func serve(t *testing.T, m *metrics.Metrics, limit int) *httptest.Server {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		w.Write(b)
	})
	ts := httptest.NewServer(m.RPC(echo, limit))
	t.Cleanup(ts.Close)
	return ts
}

func post(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestRPCCounts: single calls and batches are counted by method, unknown
// methods and bodies that do not parse as "other", the body reaches the
// server unchanged, and the duration is labelled by method or "batch".
func TestRPCCounts(t *testing.T) {
	m := metrics.New(methods)
	ts := serve(t, m, 1<<20)
	single := `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`
	if got := post(t, ts.URL, single); got != single {
		t.Fatalf("the server got %q, want the body unchanged", got)
	}
	post(t, ts.URL, `[{"method":"eth_call"},{"method":"eth_call"},{"method":"eth_made_up_1"},{"method":"eth_made_up_2"}]`)
	post(t, ts.URL, `{"method":"made_up"}`)
	post(t, ts.URL, `not json`)
	// A GET (as a WebSocket upgrade) is not counted.
	if resp, err := http.Get(ts.URL); err == nil {
		resp.Body.Close()
	}

	want := `
# HELP redmx_rpc_requests_total JSON-RPC calls over HTTP, by method (each call of a batch counts).
# TYPE redmx_rpc_requests_total counter
redmx_rpc_requests_total{method="eth_blockNumber"} 1
redmx_rpc_requests_total{method="eth_call"} 2
redmx_rpc_requests_total{method="other"} 4
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), "redmx_rpc_requests_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.Registry(), "redmx_rpc_request_duration_seconds"); n != 3 {
		t.Errorf("%d duration series, want 3 (eth_blockNumber, batch, other)", n)
	}
}

// TestRPCBodyLimit: a body past the limit reaches the server cut at
// limit+1 bytes, for the server to refuse, and is not held in full.
func TestRPCBodyLimit(t *testing.T) {
	m := metrics.New(methods)
	ts := serve(t, m, 100)
	body := `{"method":"eth_call","params":["` + strings.Repeat("a", 1000) + `"]}`
	if got := post(t, ts.URL, body); len(got) != 101 {
		t.Fatalf("the server got %d bytes, want 101", len(got))
	}
}

// FuzzRPCLabels: whatever the body, the server gets it unchanged (within
// the limit) and the method labels stay among the known methods and
// "other": a client cannot grow the label set.
func FuzzRPCLabels(f *testing.F) {
	f.Add([]byte(`{"method":"eth_call"}`))
	f.Add([]byte(`[{"method":"x"},{"method":"eth_blockNumber"}]`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		m := metrics.New(methods)
		var got []byte
		h := m.RPC(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, _ = io.ReadAll(r.Body)
		}), 1<<16)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		if len(body) <= 1<<16 && !bytes.Equal(got, body) {
			t.Fatalf("the server got %q, want %q", got, body)
		}
		fams, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		known := map[string]bool{metrics.Other: true, metrics.Batch: true}
		for _, name := range methods {
			known[name] = true
		}
		for _, f := range fams {
			if !strings.HasPrefix(f.GetName(), "redmx_rpc_") {
				continue
			}
			for _, s := range f.GetMetric() {
				for _, l := range s.GetLabel() {
					if l.GetName() == "method" && !known[l.GetValue()] {
						t.Fatalf("label method=%q", l.GetValue())
					}
				}
			}
		}
	})
}

// TestRefusalReason: the pool's refusals, wrapped as the pool wraps them,
// get their short names; governance's through the gate too.
func TestRefusalReason(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w: address 0x1, tx: 1 state: 2", txpool.ErrNonceTooLow), "nonce_too_low"},
		{fmt.Errorf("%w: 10 transactions of 10", txpool.ErrLaneFull), "lane_full"},
		{txpool.ErrTxPoolOverflow, "pool_full"},
		{txpool.ErrAlreadyKnown, "already_known"},
		{&txpool.GateError{Err: fmt.Errorf("%w: record 3 has 0 gas left", governance.ErrNoCapital)}, "no_capital"},
		{&txpool.GateError{Err: errors.New("something new")}, "gate"},
		{errors.New("unheard of"), metrics.Other},
	} {
		if got := metrics.RefusalReason(c.err); got != c.want {
			t.Errorf("RefusalReason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

// TestBlockCommitted: a block's numbers reach the series; a governance
// call is counted by function and status, its gas as governance's.
func TestBlockCommitted(t *testing.T) {
	m := metrics.New(nil)
	input, err := governance.ABI.Pack("endorse", uint64(1))
	if err != nil {
		t.Fatal(err)
	}
	to := common.HexToAddress("0xbb")
	txs := []*types.Transaction{
		types.NewTx(&types.LegacyTx{To: &governance.Address, Data: input, Gas: 100_000}),
		types.NewTx(&types.LegacyTx{To: &governance.Address, Data: []byte{1, 2, 3, 4}, Gas: 100_000}),
		types.NewTx(&types.LegacyTx{To: &to, Gas: 21_000}),
	}
	receipts := types.Receipts{
		{Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: 50_000},
		{Status: types.ReceiptStatusFailed, CumulativeGasUsed: 80_000},
		{Status: types.ReceiptStatusSuccessful, CumulativeGasUsed: 101_000},
	}
	header := &types.Header{Number: common.Big2, GasUsed: 101_000}
	block := types.NewBlockWithHeader(header).WithBody(types.Body{Transactions: txs})
	m.BlockCommitted(block, receipts, 30*time.Millisecond, 5*time.Millisecond)
	m.BlockCommitted(block, receipts, 30*time.Millisecond, 5*time.Millisecond)

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"redmx_governance_calls_total", []string{"function", "endorse", "status", "ok"}, 2},
		{"redmx_governance_calls_total", []string{"function", "other", "status", "failed"}, 2},
		{"redmx_governance_calls_total", []string{"function", "endorse", "status", "failed"}, 0},
		{"redmx_gas_charged_total", []string{"kind", "governance"}, 2 * 80_000},
		{"redmx_gas_charged_total", []string{"kind", "capital"}, 2 * 21_000},
		{"redmx_block_height", nil, 2},
		{"redmx_block_transactions", nil, 3},
		{"redmx_block_gas_used", nil, 101_000},
		{"redmx_transactions_total", nil, 6},
		{"redmx_block_execution_seconds", nil, 2}, // observations
		{"redmx_block_commit_seconds", nil, 2},
	} {
		if got := sample(t, m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// sample is the value of the series name with exactly these label pairs (a
// histogram's count of observations); it fails t if there is none.
func sample(t *testing.T, m *metrics.Metrics, name string, labels ...string) float64 {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, s := range f.GetMetric() {
			if len(s.GetLabel())*2 != len(labels) {
				continue
			}
			for _, l := range s.GetLabel() {
				if !slices.Contains(labels, l.GetName()) || labels[slices.Index(labels, l.GetName())+1] != l.GetValue() {
					continue next
				}
			}
			switch {
			case s.Counter != nil:
				return s.Counter.GetValue()
			case s.Gauge != nil:
				return s.Gauge.GetValue()
			case s.Histogram != nil:
				return float64(s.Histogram.GetSampleCount())
			}
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

// TestConfig: the default is valid and off; a bad address or a readiness
// bound under a second is refused by its key.
func TestConfig(t *testing.T) {
	c := metrics.DefaultConfig()
	if err := c.ValidateBasic(); err != nil || c.Enabled {
		t.Fatalf("default: %v, enabled %v; want valid and off", err, c.Enabled)
	}
	for _, c := range []struct {
		change func(*metrics.Config)
		key    string
	}{
		{func(c *metrics.Config) { c.Enabled, c.Address = true, "6060" }, "address"},
		{func(c *metrics.Config) { c.Enabled, c.Address = true, "metrics.example:6060" }, "address"},
		{func(c *metrics.Config) { c.Address = "127.0.0.1:70000" }, "address"},
		{func(c *metrics.Config) { c.ReadyMaxBlockAge = 500 * time.Millisecond }, "ready_max_block_age"},
	} {
		cfg := metrics.DefaultConfig()
		c.change(&cfg)
		if err := cfg.ValidateBasic(); err == nil || !strings.HasPrefix(err.Error(), c.key+":") {
			t.Errorf("%+v: %v, want an error on %s", cfg, err, c.key)
		}
	}
}

// TestPoolSizes: the pool's usage is reported by lane and state, the
// members' lane being what the no-record lane leaves.
func TestPoolSizes(t *testing.T) {
	m := metrics.New(nil)
	m.WatchPool(func() txpool.Usage {
		return txpool.Usage{Pending: 5, Queued: 3, Lane: 2, LanePending: 1, Bytes: 1000, LaneBytes: 200}
	})
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"redmx_txpool_transactions", []string{"lane", "member", "state", "pending"}, 4},
		{"redmx_txpool_transactions", []string{"lane", "member", "state", "queued"}, 2},
		{"redmx_txpool_transactions", []string{"lane", "no_record", "state", "pending"}, 1},
		{"redmx_txpool_transactions", []string{"lane", "no_record", "state", "queued"}, 1},
		{"redmx_txpool_bytes", []string{"lane", "member"}, 800},
		{"redmx_txpool_bytes", []string{"lane", "no_record"}, 200},
	} {
		if got := sample(t, m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// TestStateLayers: the gauge reads the store's figure at each scrape.
func TestStateLayers(t *testing.T) {
	m := metrics.New(nil)
	var n uint64 = 5 << 20
	m.WatchStateLayers(func() uint64 { return n })
	if got := sample(t, m, "redmx_state_layers_bytes"); got != 5<<20 {
		t.Errorf("redmx_state_layers_bytes = %v, want %v", got, 5<<20)
	}
	n = 0
	if got := sample(t, m, "redmx_state_layers_bytes"); got != 0 {
		t.Errorf("after a flush, redmx_state_layers_bytes = %v, want 0", got)
	}
}

// BenchmarkRPC is the wrapper's cost on a call with a 1 KB transaction
// (body read, method parsed, counted, timed), against the bare handler.
func BenchmarkRPC(b *testing.B) {
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x` + strings.Repeat("ab", 1024) + `"]}`)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) })
	for _, c := range []struct {
		name string
		m    *metrics.Metrics
	}{{"bare", nil}, {"counted", metrics.New(methods)}} {
		b.Run(c.name, func(b *testing.B) {
			h := c.m.RPC(next, 5<<20)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
			}
		})
	}
}
