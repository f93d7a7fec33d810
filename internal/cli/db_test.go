package cli_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redmx/redmx/store"
)

// TestDBStats: `redmx db stats` refuses a running node's home (its store is
// locked) and, once the node has stopped, reports the blocks it holds and
// sizes by kind, every kind of a live node's data present.
func TestDBStats(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	if out, err := run(t.Context(), "init", "--dev", "--home", home, "--moniker", "solo", "--rpc.addr", "127.0.0.1:0"); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	if _, err := run(t.Context(), "db", "stats", "--home", home); err == nil || !strings.Contains(err.Error(), "no redmx store") {
		t.Fatalf("stats before the first start: %v; want no store", err)
	}
	done, cancel := startNode(t, home, nil)
	_, err := run(t.Context(), "db", "stats", "--home", home)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "stop it first") {
		t.Errorf("stats of a running node: %v; want %v saying to stop it", err, store.ErrLocked)
	}
	cancel()
	if err := waitDone(t, done); err != nil {
		t.Fatalf("start: %v", err)
	}

	out, err := run(t.Context(), "db", "stats", "--home", home, "--json")
	if err != nil {
		t.Fatalf("stats: %v\n%s", err, out)
	}
	var s store.Stats
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, out)
	}
	if s.Head < 2 || s.Tail != 1 {
		t.Errorf("head %d, tail %d; want head at least 2, tail 1 (nothing pruned)", s.Head, s.Tail)
	}
	sizes := map[string]uint64{}
	for _, k := range append(s.Keys, s.Files...) {
		sizes[k.Name] = k.Bytes
	}
	for _, name := range []string{"block headers", "block bodies", "state trie", "flat state", "contract code",
		"redmx write-ahead logs (chaindata/*.log)", "CometBFT block store (blockstore.db)", "CometBFT state (state.db)"} {
		if sizes[name] == 0 {
			t.Errorf("%s: 0 bytes; want some (sizes %v)", name, sizes)
		}
	}
	if sizes["other"] > sizes["state trie"] {
		t.Errorf("unclassified keys (%d bytes) outweigh the state trie (%d)", sizes["other"], sizes["state trie"])
	}

	out, err = run(t.Context(), "db", "stats", "--home", home)
	if err != nil || !strings.Contains(out, "block headers") || !strings.Contains(out, "CometBFT consensus WAL") {
		t.Errorf("stats table: %v\n%s", err, out)
	}
	t.Logf("\n%s", out)
}
