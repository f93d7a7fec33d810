package node

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestCmtLoggerHaltReports: CometBFT's reports of a block the app refused go
// to Debug once the app has halted (the node logs the reason itself), and
// stay errors otherwise.
func TestCmtLoggerHaltReports(t *testing.T) {
	for _, halted := range []bool{false, true} {
		var buf bytes.Buffer
		l := cmtLogger{
			l:      slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
			halted: func() bool { return halted },
		}.With("module", "consensus")
		l.Error("CONSENSUS FAILURE!!!", "err", "failed to apply block")
		l.Error("error in proxyAppConn.FinalizeBlock", "err", "unknown upgrade")
		l.Error("some other failure")
		want := "level=ERROR"
		if halted {
			want = "level=DEBUG"
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("halted %v: %d lines: %q", halted, len(lines), buf.String())
		}
		for _, line := range lines[:2] {
			if !strings.Contains(line, want) {
				t.Errorf("halted %v: %q, want %s", halted, line, want)
			}
		}
		if !strings.Contains(lines[2], "level=ERROR") {
			t.Errorf("halted %v: an unrelated error logged as %q", halted, lines[2])
		}
	}
}
