package node

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	cmtdb "github.com/cometbft/cometbft-db"
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

// TestClosedSafeDB: a read after Close is "not found", not an error that
// CometBFT's block store would panic on; Close is idempotent.
func TestClosedSafeDB(t *testing.T) {
	db := &closedSafeDB{DB: cmtdb.NewMemDB()}
	if err := db.Set([]byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, err := db.Get([]byte("k")); err != nil || string(v) != "v" {
		t.Fatalf("Get before Close: %q, %v", v, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if v, err := db.Get([]byte("k")); err != nil || v != nil {
		t.Fatalf("Get after Close: %q, %v", v, err)
	}
	if ok, err := db.Has([]byte("k")); err != nil || ok {
		t.Fatalf("Has after Close: %v, %v", ok, err)
	}
}
