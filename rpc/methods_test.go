package rpc_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/redmx/redmx/rpc"
)

// TestMethods: every method Methods lists is served (a call without
// arguments is answered, never with -32601 "method not found"), the debug
// namespace only when it is on, and the common methods are there.
func TestMethods(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.Debug = true
	methods := rpc.Methods(cfg)
	for _, want := range []string{"eth_blockNumber", "eth_sendRawTransaction", "eth_getLogs", "eth_call", "net_version", "web3_clientVersion", "txpool_status", "debug_traceTransaction", "rpc_modules"} {
		if !slices.Contains(methods, want) {
			t.Errorf("Methods lacks %s", want)
		}
	}
	if slices.Contains(rpc.Methods(rpc.DefaultConfig()), "debug_traceTransaction") {
		t.Error("Methods lists the debug namespace while it is off")
	}
	ts := serveHTTPServer(t, newFakeBackend(t), cfg)
	skip := map[string]bool{"eth_subscribe": true, "eth_unsubscribe": true} // WebSocket only
	for _, m := range methods {
		if skip[m] {
			continue
		}
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": m, "params": []any{}})
		resp, err := http.Post(ts.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Error *struct{ Code int } `json:"error"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if out.Error != nil && out.Error.Code == -32601 {
			t.Errorf("%s is listed but not served", m)
		}
	}
	t.Logf("%d methods", len(methods))
}
