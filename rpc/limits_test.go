package rpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/redmx/redmx/rpc"
)

// loopAddr is given, by a state override, code that loops until it runs out
// of gas or is cancelled: JUMPDEST PUSH1 0 JUMP.
var loopAddr = common.HexToAddress("0x00000000000000000000000000000000000000ee")

func loopOverride() map[string]any {
	return map[string]any{loopAddr.Hex(): map[string]any{"code": "0x5b600056"}}
}

// callFrom makes one JSON-RPC request from the loopback address ip, which
// the server takes for another client than 127.0.0.1.
func callFrom(t *testing.T, ip, url, method string, params ...any) response {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext}}
	defer client.CloseIdleConnections()
	if params == nil {
		params = []any{}
	}
	req := mustJSON(t, map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	res, err := client.Post(url, "application/json", bytes.NewReader(req))
	if err != nil {
		t.Fatalf("POST from %s: %v", ip, err)
	}
	defer res.Body.Close()
	var out response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s: decode: %v", method, err)
	}
	return out
}

func wantError(t *testing.T, res response, code int, msg string) {
	t.Helper()
	if res.Error == nil || res.Error.Code != code || !strings.Contains(res.Error.Message, msg) {
		t.Fatalf("got %s / %+v, want error %d containing %q", res.Result, res.Error, code, msg)
	}
}

// TestDebugOffByDefault: without the switch the debug methods do not exist.
func TestDebugOffByDefault(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	for _, m := range []string{"debug_traceCall", "debug_traceTransaction", "debug_getRawBlock"} {
		wantError(t, call(t, url, m, map[string]any{"to": addr1}), -32601, "the method "+m+" does not exist/is not available")
	}
	var modules map[string]string
	result(t, url, &modules, "rpc_modules")
	if _, ok := modules["debug"]; ok {
		t.Errorf("rpc_modules = %v, lists debug", modules)
	}
	url = serve(t, b, debugConfig())
	result(t, url, &modules, "rpc_modules")
	if _, ok := modules["debug"]; !ok {
		t.Errorf("with Debug on, rpc_modules = %v", modules)
	}
}

// TestTraceSizeCap: a struct-logger trace with memory larger than the cap is
// refused with a clear error, a smaller one served.
func TestTraceSizeCap(t *testing.T) {
	cfg := debugConfig()
	cfg.TraceMaxBytes = 1 << 20
	url := serve(t, newFakeBackend(t), cfg)
	// MSTORE(0x10000, 0), then loop: each step carries 64 KiB of memory.
	memLoop := map[string]any{loopAddr.Hex(): map[string]any{"code": "0x60006201000052" + "5b600756"}}
	args := map[string]any{"from": addr0, "to": loopAddr, "gas": hexutil.Uint64(200_000)}
	res := call(t, url, "debug_traceCall", args, "latest", map[string]any{"enableMemory": true, "stateOverrides": memLoop})
	wantError(t, res, -32005, "trace larger than the node's limit of 1048576 bytes")

	// The client's own larger limit does not lift the cap.
	res = call(t, url, "debug_traceCall", args, "latest", map[string]any{"enableMemory": true, "limit": 1 << 30, "stateOverrides": memLoop})
	wantError(t, res, -32005, "trace larger than")

	small := map[string]any{"from": addr0, "to": loopAddr, "gas": hexutil.Uint64(22_000)}
	var logs structLogs
	result(t, url, &logs, "debug_traceCall", small, "latest", map[string]any{"stateOverrides": memLoop})
	if len(logs.StructLogs) == 0 {
		t.Fatal("small trace has no steps")
	}
	// A block trace's answers count together: 1 KiB fits no block of three.
	cfg.TraceMaxBytes = 1024
	url = serve(t, newFakeBackend(t), cfg)
	wantError(t, call(t, url, "debug_traceBlockByNumber", "0x1", map[string]any{}), -32005, "trace larger than the node's limit of 1024 bytes")
}

// TestCallTraceSizeCap: a call-tracer trace whose frames' inputs pass the
// cap ends there, refused, rather than running to its timeout with every
// frame held.
func TestCallTraceSizeCap(t *testing.T) {
	cfg := debugConfig()
	cfg.GasCap = 0                        // the loop runs until stopped
	cfg.TraceTimeoutMax = 3 * time.Second // without the cap's stop: "execution timeout"
	cfg.TraceMaxBytes = 16 << 10
	url := serve(t, newFakeBackend(t), cfg)
	// Loop: CALL 0x1234 with 64 bytes of input.
	callLoop := map[string]any{loopAddr.Hex(): map[string]any{"code": "0x5b600060006040600060006112345af150600056"}}
	res := call(t, url, "debug_traceCall", map[string]any{"to": loopAddr}, "latest",
		map[string]any{"tracer": "callTracer", "stateOverrides": callLoop})
	wantError(t, res, -32005, "trace larger than the node's limit of 16384 bytes")
	// Only the top call is recorded: the cap is not reached, the timeout is.
	cfg.TraceTimeoutMax = 200 * time.Millisecond
	url = serve(t, newFakeBackend(t), cfg)
	res = call(t, url, "debug_traceCall", map[string]any{"to": loopAddr}, "latest",
		map[string]any{"tracer": "callTracer", "tracerConfig": map[string]any{"onlyTopCall": true}, "stateOverrides": callLoop})
	wantError(t, res, -32000, "execution timeout")
}

// TestTraceTimeoutCapped: a trace's own timeout is lowered to the node's cap.
func TestTraceTimeoutCapped(t *testing.T) {
	cfg := debugConfig()
	cfg.GasCap = 0 // the loop runs until cancelled
	cfg.TraceTimeoutMax = 100 * time.Millisecond
	url := serve(t, newFakeBackend(t), cfg)
	start := time.Now()
	res := call(t, url, "debug_traceCall", map[string]any{"to": loopAddr}, "latest",
		map[string]any{"tracer": "callTracer", "timeout": "20s", "stateOverrides": loopOverride()})
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("trace asking 20s ran %v with a cap of 100ms", d)
	}
	wantError(t, res, -32000, "execution timeout")
}

// TestTraceConcurrency: past the node's trace limit a trace waits, then is
// refused; when the running one ends, traces are served again.
func TestTraceConcurrency(t *testing.T) {
	cfg := debugConfig()
	cfg.GasCap = 0
	cfg.MaxConcurrentTraces = 1
	cfg.ExpensiveQueueWait = 20 * time.Millisecond
	url := serve(t, newFakeBackend(t), cfg)
	done := make(chan response, 1)
	go func() {
		done <- call(t, url, "debug_traceCall", map[string]any{"to": loopAddr}, "latest",
			map[string]any{"tracer": "callTracer", "timeout": "2s", "stateOverrides": loopOverride()})
	}()
	short := []any{map[string]any{"from": addr0, "to": addr1}, "latest", map[string]any{"tracer": "callTracer"}}
	waitFor(t, "a second trace to be refused", func() error {
		res := call(t, url, "debug_traceCall", short...)
		if res.Error == nil {
			return errors.New("second trace served")
		}
		wantError(t, res, -32005, "too many concurrent traces (limit 1); retry later")
		return nil
	})
	<-done
	if res := call(t, url, "debug_traceCall", short...); res.Error != nil {
		t.Fatalf("trace after the long one ended: %+v", res.Error)
	}
}

// slowBackend's Call and EstimateGas block until their context ends or
// release is closed (or, so that no test hangs, 10 s pass), counting those
// running.
type slowBackend struct {
	*fakeBackend
	release chan struct{}
	running atomic.Int32
}

func (s *slowBackend) wait(ctx context.Context) error {
	s.running.Add(1)
	defer s.running.Add(-1)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.release:
		return nil
	case <-time.After(10 * time.Second):
		return nil
	}
}

func (s *slowBackend) Call(ctx context.Context, msg *core.Message, h *types.Header, st *state.StateDB) (*core.ExecutionResult, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.fakeBackend.Call(ctx, msg, h, st)
}

func (s *slowBackend) EstimateGas(ctx context.Context, msg *core.Message, h *types.Header, st *state.StateDB, gasCap uint64) (uint64, *core.ExecutionResult, error) {
	if err := s.wait(ctx); err != nil {
		return 0, nil, err
	}
	return s.fakeBackend.EstimateGas(ctx, msg, h, st, gasCap)
}

// TestEstimateGasTimeout: the estimate's whole search is bounded by the EVM
// timeout.
func TestEstimateGasTimeout(t *testing.T) {
	b := &slowBackend{fakeBackend: newFakeBackend(t), release: make(chan struct{})}
	cfg := rpc.DefaultConfig()
	cfg.EVMTimeout = 50 * time.Millisecond
	url := serve(t, b, cfg)
	start := time.Now()
	res := call(t, url, "eth_estimateGas", map[string]any{"from": addr0, "to": addr1})
	wantError(t, res, -32000, "execution aborted (timeout = 50ms)")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("estimate took %v with a 50ms timeout", d)
	}
}

// TestCreateAccessListTimeout: eth_createAccessList's runs are bounded by
// the EVM timeout.
func TestCreateAccessListTimeout(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.GasCap = 0
	cfg.EVMTimeout = 50 * time.Millisecond
	url := serve(t, newFakeBackend(t), cfg)
	res := call(t, url, "eth_createAccessList", map[string]any{"from": addr0, "to": loopAddr}, "latest", loopOverride())
	wantError(t, res, -32000, "execution aborted (timeout = 50ms)")
}

// TestExpensiveRequestCaps: one client cannot take more than its share of
// the node's expensive requests, and the node takes no more than its cap.
func TestExpensiveRequestCaps(t *testing.T) {
	b := &slowBackend{fakeBackend: newFakeBackend(t), release: make(chan struct{})}
	cfg := rpc.DefaultConfig()
	cfg.EVMTimeout = 0
	cfg.MaxExpensiveRequests = 2
	cfg.MaxExpensiveRequestsPerClient = 1
	cfg.ExpensiveQueueWait = 20 * time.Millisecond
	url := serve(t, b, cfg)
	callArgs := map[string]any{"from": addr0, "to": addr1}

	var wg sync.WaitGroup
	results := make(chan response, 2)
	hold := func(ip string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- callFrom(t, ip, url, "eth_call", callArgs, "latest")
		}()
	}
	hold("127.0.0.1")
	waitFor(t, "the first call to run", func() error {
		if b.running.Load() != 1 {
			return errors.New("not running")
		}
		return nil
	})
	// The same client is over its share; another client is not.
	wantError(t, callFrom(t, "127.0.0.1", url, "eth_estimateGas", callArgs), -32005, "too many concurrent expensive requests (limit 1 per client); retry later")
	hold("127.0.0.2")
	waitFor(t, "the second client's call to run", func() error {
		if b.running.Load() != 2 {
			return errors.New("not running")
		}
		return nil
	})
	// The node is full: a third client waits, then is refused.
	wantError(t, callFrom(t, "127.0.0.3", url, "eth_getLogs", map[string]any{}), -32005, "too many concurrent expensive requests (limit 2); retry later")
	// Cheap requests are not held up.
	if res := callFrom(t, "127.0.0.3", url, "eth_blockNumber"); res.Error != nil {
		t.Fatalf("eth_blockNumber: %+v", res.Error)
	}
	close(b.release)
	wg.Wait()
	close(results)
	for res := range results {
		if res.Error != nil {
			t.Errorf("held call: %+v", res.Error)
		}
	}
	if res := callFrom(t, "127.0.0.3", url, "eth_call", callArgs, "latest"); res.Error != nil {
		t.Fatalf("call after the others ended: %+v", res.Error)
	}
}

// TestFilterCaps: installed filters are capped per client and node-wide;
// uninstalling one makes room.
func TestFilterCaps(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.MaxFilters = 3
	cfg.MaxFiltersPerClient = 2
	url := serve(t, newFakeBackend(t), cfg)
	install := func(ip, method string, params ...any) (string, response) {
		res := callFrom(t, ip, url, method, params...)
		var id string
		if res.Error == nil {
			if err := json.Unmarshal(res.Result, &id); err != nil {
				t.Fatal(err)
			}
		}
		return id, res
	}
	first, res := install("127.0.0.1", "eth_newFilter", map[string]any{})
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	if _, res := install("127.0.0.1", "eth_newBlockFilter"); res.Error != nil {
		t.Fatal(res.Error)
	}
	_, res = install("127.0.0.1", "eth_newPendingTransactionFilter")
	wantError(t, res, -32005, "too many installed filters for this client: limit 2")
	if _, res := install("127.0.0.2", "eth_newBlockFilter"); res.Error != nil {
		t.Fatal(res.Error)
	}
	_, res = install("127.0.0.3", "eth_newFilter", map[string]any{})
	wantError(t, res, -32005, "too many installed filters: limit 3")

	var ok bool
	result(t, url, &ok, "eth_uninstallFilter", first)
	if !ok {
		t.Fatal("uninstall: false")
	}
	if _, res := install("127.0.0.3", "eth_newFilter", map[string]any{}); res.Error != nil {
		t.Fatalf("after an uninstall: %+v", res.Error)
	}
}

// countingBackend counts the blocks whose receipts are read.
type countingBackend struct {
	*fakeBackend
	reads atomic.Int32
}

func (c *countingBackend) Receipts(hash common.Hash, n uint64) types.Receipts {
	c.reads.Add(1)
	return c.fakeBackend.Receipts(hash, n)
}

// addLogBlocks appends n blocks, each with one receipt holding one log of
// the logger's.
func (f *fakeBackend) addLogBlocks(n int) {
	for range n {
		h := f.newHeader(f.blocks[len(f.blocks)-1].Header())
		r := &types.Receipt{Status: types.ReceiptStatusSuccessful, Logs: []*types.Log{{Address: loggerAddr, Topics: []common.Hash{loggerTopic}, Data: []byte("x")}}}
		r.Bloom = types.CreateBloom(r)
		h.Bloom = r.Bloom
		b := types.NewBlock(h, &types.Body{Withdrawals: []*types.Withdrawal{}}, nil, trie.NewStackTrie(nil))
		l := r.Logs[0]
		l.BlockNumber, l.BlockHash, l.TxHash, l.BlockTimestamp = b.NumberU64(), b.Hash(), common.Hash{0xfe}, b.Time()
		f.add(b, types.Receipts{r})
	}
}

// TestGetLogsStopsAtCap: a query with more matches than the cap stops
// reading blocks at the first log past it.
func TestGetLogsStopsAtCap(t *testing.T) {
	f := newFakeBackend(t)
	f.addLogBlocks(50)
	b := &countingBackend{fakeBackend: f}
	cfg := rpc.DefaultConfig()
	cfg.LogsMaxResults = 5
	url := serve(t, b, cfg)
	res := call(t, url, "eth_getLogs", map[string]any{"fromBlock": "0x0", "address": loggerAddr})
	wantError(t, res, -32005, "query returned more than 5 results")
	// Block 1's log and blocks 2–6: six blocks read, not 51.
	if n := b.reads.Load(); n > 6 {
		t.Errorf("read the receipts of %d blocks for a cap of 5", n)
	}

	cfg.LogsMaxResults = 100
	url = serve(t, b, cfg)
	var logs []types.Log
	result(t, url, &logs, "eth_getLogs", map[string]any{"fromBlock": "0x2", "toBlock": "0x4", "topics": []any{loggerTopic}})
	if len(logs) != 3 || logs[0].BlockNumber != 2 || logs[2].BlockNumber != 4 || logs[1].TxHash != (common.Hash{0xfe}) {
		t.Fatalf("logs of blocks 2–4 = %+v", logs)
	}
	// eth_getFilterLogs searches the same way.
	var id string
	result(t, url, &id, "eth_newFilter", map[string]any{"fromBlock": "0x0", "address": loggerAddr})
	result(t, url, &logs, "eth_getFilterLogs", id)
	if len(logs) != 51 {
		t.Fatalf("filter logs: %d, want 51", len(logs))
	}
}

// TestGetLogsSkipsEmptyBlocks: a query without criteria does not read the
// receipts of blocks without logs.
func TestGetLogsSkipsEmptyBlocks(t *testing.T) {
	f := newFakeBackend(t)
	from := f.Head().Number.Uint64() + 1
	for range 20 {
		f.add(types.NewBlock(f.newHeader(f.blocks[len(f.blocks)-1].Header()), &types.Body{Withdrawals: []*types.Withdrawal{}}, nil, trie.NewStackTrie(nil)), nil)
	}
	b := &countingBackend{fakeBackend: f}
	url := serve(t, b, rpc.DefaultConfig())
	var logs []types.Log
	result(t, url, &logs, "eth_getLogs", map[string]any{"fromBlock": hexutil.Uint64(from)})
	if len(logs) != 0 || b.reads.Load() != 0 {
		t.Fatalf("%d logs, receipts of %d blocks read; want none", len(logs), b.reads.Load())
	}
}

// TestLocalOnlyDefaults: by default browsers are served only from pages of
// this machine, and only Host names of it pass.
func TestLocalOnlyDefaults(t *testing.T) {
	url := serve(t, newFakeBackend(t), rpc.DefaultConfig())
	checkGuards(t, url, []guardCase{
		{name: "no origin (not a browser)", wantStatus: 200},
		{name: "localhost page", origin: "http://localhost:5173", wantStatus: 200, wantCORS: "http://localhost:5173"},
		{name: "127.0.0.1 page", origin: "http://127.0.0.1:3000", wantStatus: 200, wantCORS: "http://127.0.0.1:3000"},
		{name: "foreign page", origin: "http://evil.example", wantStatus: 200},
		{name: "host localhost", host: "localhost:8545", wantStatus: 200},
		{name: "rebound host", host: "rebind.example:8545", wantStatus: http.StatusForbidden},
	})

	ws := wsURL(url)
	for origin, want := range map[string]bool{"": true, "http://localhost:5173": true, "http://127.0.0.1:8080": true, "http://evil.example": false} {
		var opts []gethrpc.ClientOption
		if origin != "" {
			opts = append(opts, gethrpc.WithHeader("Origin", origin))
		}
		c, err := gethrpc.DialOptions(t.Context(), ws, opts...)
		if c != nil {
			c.Close()
		}
		if got := err == nil; got != want {
			t.Errorf("WebSocket from origin %q: accepted %v, want %v (%v)", origin, got, want, err)
		}
	}
}

// serveHTTPServer serves b as a node does, with NewHTTPServer's timeouts.
func serveHTTPServer(t *testing.T, b rpc.Backend, cfg rpc.Config) *httptest.Server {
	t.Helper()
	srv, err := rpc.NewServer(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = rpc.NewHTTPServer(rpc.Handler(srv, cfg), cfg)
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		srv.Stop()
	})
	return ts
}

// TestHTTPServerTimeouts: a client that sends its request too slowly is cut
// off, and a request that runs past the write timeout is answered with
// go-ethereum's timeout error.
func TestHTTPServerTimeouts(t *testing.T) {
	b := &slowBackend{fakeBackend: newFakeBackend(t), release: make(chan struct{})}
	cfg := rpc.DefaultConfig()
	cfg.EVMTimeout = 0
	cfg.HTTPReadTimeout, cfg.HTTPReadHeaderTimeout, cfg.HTTPWriteTimeout, cfg.HTTPIdleTimeout = 300*time.Millisecond, 300*time.Millisecond, 1500*time.Millisecond, time.Second
	ts := serveHTTPServer(t, b, cfg)
	t.Cleanup(func() { close(b.release) }) // first: the server's cleanup waits for the call

	// A request whose body never comes.
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.Copy(io.Discard, conn) // until the server closes the connection
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("slow request held the connection %v with a 300ms read timeout", d)
	}

	// go-ethereum answers 100 ms before the write timeout; on a loaded
	// machine the answer may miss it and the connection is closed instead.
	start = time.Now()
	req := mustJSON(t, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": []any{map[string]any{"from": addr0, "to": addr1}, "latest"}})
	hres, err := http.Post(ts.URL, "application/json", bytes.NewReader(req))
	if err == nil {
		var res response
		err = json.NewDecoder(hres.Body).Decode(&res)
		hres.Body.Close()
		if err == nil {
			wantError(t, res, -32002, "request timed out")
		}
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("eth_call: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("call held %v with a 1.5s write timeout", d)
	}
}

// TestWebSocketOutlivesHTTPTimeouts: the HTTP server's timeouts do not cut a
// WebSocket connection, which keeps receiving after they pass.
func TestWebSocketOutlivesHTTPTimeouts(t *testing.T) {
	f := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.HTTPReadTimeout, cfg.HTTPReadHeaderTimeout, cfg.HTTPWriteTimeout, cfg.HTTPIdleTimeout = 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
	ts := serveHTTPServer(t, f, cfg)
	c, err := gethrpc.DialOptions(t.Context(), wsURL(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	heads := make(chan *types.Header, 4)
	sub, err := c.EthSubscribe(t.Context(), heads, "newHeads")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	time.Sleep(time.Second) // let every HTTP timeout pass
	var n hexutil.Uint64
	if err := c.CallContext(t.Context(), &n, "eth_blockNumber"); err != nil {
		t.Fatalf("call after the HTTP timeouts: %v", err)
	}
	f.announce(1)
	select {
	case h := <-heads:
		if h.Number.Uint64() != 1 {
			t.Fatalf("head %d, want 1", h.Number)
		}
	case err := <-sub.Err():
		t.Fatalf("subscription ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no head after the HTTP timeouts passed")
	}
}

// prunedBackend has pruned every block below tail, as a node with a
// block_history window does.
type prunedBackend struct {
	*fakeBackend
	tail uint64
}

func (p *prunedBackend) HeaderByNumber(n uint64) *types.Header {
	if n > 0 && n < p.tail {
		return nil
	}
	return p.fakeBackend.HeaderByNumber(n)
}

// TestGetLogsOverPrunedBlocks: a range reaching below the node's kept blocks
// answers go-ethereum's pruned-history error (4444), and a range above them
// is served.
func TestGetLogsOverPrunedBlocks(t *testing.T) {
	f := newFakeBackend(t)
	for range 6 {
		f.add(types.NewBlock(f.newHeader(f.blocks[len(f.blocks)-1].Header()), &types.Body{Withdrawals: []*types.Withdrawal{}}, nil, trie.NewStackTrie(nil)), nil)
	}
	tail := f.Head().Number.Uint64() - 2
	url := serve(t, &prunedBackend{fakeBackend: f, tail: tail}, rpc.DefaultConfig())
	res := call(t, url, "eth_getLogs", map[string]any{"fromBlock": "earliest", "toBlock": "latest"})
	wantError(t, res, 4444, "pruned history unavailable")
	var logs []types.Log
	result(t, url, &logs, "eth_getLogs", map[string]any{"fromBlock": hexutil.Uint64(tail)})
	if len(logs) != 0 {
		t.Fatalf("%d logs from empty blocks", len(logs))
	}
}

// headlessBackend has no head yet, as a node restoring a snapshot.
type headlessBackend struct{ *fakeBackend }

func (headlessBackend) Head() *types.Header { return nil }

// TestNoHeadYet: while a node joining by state sync has no head, queries
// that need one answer an error that says so; none crashes its handler.
func TestNoHeadYet(t *testing.T) {
	url := serve(t, headlessBackend{newFakeBackend(t)}, rpc.DefaultConfig())
	res := call(t, url, "eth_getLogs", map[string]any{"fromBlock": "earliest", "toBlock": "latest"})
	wantError(t, res, -32000, "no block yet")
	for _, method := range []string{"eth_blockNumber", "eth_feeHistory", "eth_getBlockByNumber", "eth_newBlockFilter"} {
		var params []any
		switch method {
		case "eth_feeHistory":
			params = []any{"0x1", "latest", []any{}}
		case "eth_getBlockByNumber":
			params = []any{"latest", false}
		}
		res := call(t, url, method, params...)
		if res.Error != nil && strings.Contains(res.Error.Message, "crashed") {
			t.Errorf("%s: %s", method, res.Error.Message)
		}
	}
}
