package devnet

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExitReason: a node's exit is reported with the error it printed in
// this run, never one of an earlier run of the same log.
func TestExitReason(t *testing.T) {
	log := filepath.Join(t.TempDir(), NodeLog)
	earlier := "level=INFO msg=started\nredmx: an earlier run's error\n"
	if err := os.WriteFile(log, []byte(earlier), 0o600); err != nil {
		t.Fatal(err)
	}
	from := int64(len(earlier))
	if got := exitReason(log, from); got != "" {
		t.Errorf("no output since the start: got %q, want none", got)
	}
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("level=ERROR msg=\"node stopped\"\nredmx: consensus failure: this node stopped making blocks: boom\n")
	f.Close()
	if got, want := exitReason(log, from), "consensus failure: this node stopped making blocks: boom"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := exitReason(filepath.Join(t.TempDir(), "missing"), 0); got != "" {
		t.Errorf("missing log: got %q", got)
	}
}
