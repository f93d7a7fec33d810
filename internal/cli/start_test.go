package cli_test

import (
	"io"
	"path/filepath"
	"testing"
)

// TestStartWatchStdin: `redmx start --watch-stdin` stops cleanly when its
// standard input closes, as it does when the supervisor holding the other
// end dies.
func TestStartWatchStdin(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	if out, err := run(t.Context(), "init", "--dev", "--home", home); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	r, w := io.Pipe()
	done, _ := startNode(t, home, r, "--watch-stdin")
	w.Close()
	if err := waitDone(t, done); err != nil {
		t.Fatalf("start: %v", err)
	}
}
