package testnet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// shared holds the redmx binary of a test binary whose TestMain is [Main]:
// linking it takes seconds, and a package of process tests would link the
// same one for every test.
var shared struct {
	mu  sync.Mutex
	dir string // set by Main for the whole run
	bin string // built into dir on first use
}

// Main runs a package's tests from its TestMain, so that [BuildRedmx]
// links redmx once for the package rather than once per test, and removes
// the binary when the tests end.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "redmx-testbin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testnet.Main:", err)
		os.Exit(1)
	}
	shared.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// BuildRedmx builds the redmx binary, for tests that run nodes as
// processes: once for the package if its TestMain is [Main] (tests must
// not modify it), else into a temporary directory of t.
func BuildRedmx(t TB) string {
	t.Helper()
	if shared.dir == "" {
		return buildRedmx(t, filepath.Join(t.TempDir(), "redmx"))
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.bin == "" {
		shared.bin = buildRedmx(t, filepath.Join(shared.dir, "redmx"))
	}
	return shared.bin
}

func buildRedmx(t TB, bin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/redmx/redmx/cmd/redmx").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built redmx in %s", time.Since(start).Round(time.Millisecond))
	return bin
}
