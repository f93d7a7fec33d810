package testnet

import (
	"context"
	"os/exec"
	"path/filepath"
	"time"
)

// BuildRedmx builds the redmx binary into a temporary directory of t, for
// tests that run nodes as processes.
func BuildRedmx(t TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "redmx")
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
