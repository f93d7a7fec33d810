package testnet

import (
	"bytes"
	"log/slog"
	"sync"
	"sync/atomic"
)

// logLevel is the level of an in-process node's logger: cfg.LogLevel, or info.
func logLevel(name string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// tbWriter sends log lines to t.Logf until the test's cleanup closes it;
// CometBFT goroutines that log after that are dropped, not a panic.
type tbWriter struct {
	t      TB
	mu     sync.Mutex
	closed atomic.Bool
}

func (w *tbWriter) Write(p []byte) (int, error) {
	if w.closed.Load() {
		return len(p), nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed.Load() {
		w.t.Logf("%s", bytes.TrimRight(p, "\n"))
	}
	return len(p), nil
}

func (w *tbWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed.Store(true)
}
