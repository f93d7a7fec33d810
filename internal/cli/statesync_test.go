package cli_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// init --state-sync-from refuses what cannot work before it touches the
// home: no genesis, one server, a server that is not a URL, servers that
// do not answer as CometBFT does. (A network test joins through it for
// real: node's TestStateSync.)
func TestInitStateSyncRefusals(t *testing.T) {
	// Servers that answer every call with a JSON-RPC error.
	fake := func() *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"jsonrpc":"2.0","id":-1,"error":{"code":-32601,"message":"Method not found"}}`))
		}))
	}
	a, b := fake(), fake()
	defer a.Close()
	defer b.Close()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--state-sync-from", a.URL + "," + b.URL}, "--genesis FILE"},
		{[]string{"--genesis", "genesis.json", "--state-sync-from", a.URL}, "at least two"},
		{[]string{"--genesis", "genesis.json", "--state-sync-from", a.URL + ",b.example.org:26657"}, "http://host:port"},
		{[]string{"--genesis", "genesis.json", "--state-sync-from", a.URL + "," + b.URL}, a.URL},
	}
	for _, tc := range cases {
		home := filepath.Join(t.TempDir(), "home")
		out, err := run(context.Background(), append([]string{"init", "--home", home}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("init %s: %v (%s), want an error naming %q", strings.Join(tc.args, " "), err, out, tc.want)
		}
		if _, serr := os.Stat(home); !os.IsNotExist(serr) {
			t.Errorf("init %s left %s behind", strings.Join(tc.args, " "), home)
		}
	}
}
