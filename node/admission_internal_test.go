package node

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
)

// TestAdmissionSaysOnceAndBacksOff: a node governance does not admit says
// so once, whatever the number of checks; one removed later says it was
// removed, once; one admitted again says so. While not admitted, its peer
// filter lets one connection per peer through per backoff (5 s doubling to
// 1 min), and every connection once admitted.
func TestAdmissionSaysOnceAndBacksOff(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	var admitted atomic.Bool
	ad := newAdmission("ABCD", func(id string) (bool, error) {
		if id != "abcd" {
			t.Errorf("asked about %q, want this node's lower-case ID", id)
		}
		return admitted.Load(), nil
	}, func(id string) bool { return strings.HasPrefix(id, "peer") }, func() uint64 { return 7 }, logger)
	now := time.Unix(1000, 0)
	ad.now = func() time.Time { return now }

	for range 5 {
		ad.check()
	}
	if got := strings.Count(logs.String(), "not admitted by governance"); got != 1 {
		t.Fatalf("%d lines saying so after 5 checks, want 1:\n%s", got, logs.String())
	}
	if !ad.notAdmitted() {
		t.Fatal("notAdmitted() false for a node governance does not admit")
	}

	// The backoff per peer: allowed at 0, then 5, 10, 20, 40, 60, 60 s later.
	app := filteringApp{Application: abci.NewBaseApplication(), ad: ad}
	query := func(peer string) bool {
		res, err := app.Query(context.Background(), &abci.RequestQuery{Path: "/p2p/filter/id/" + peer})
		return err == nil && res.Code == 0
	}
	var allowedAt []time.Duration
	start := now
	for range 240 { // four minutes, a second at a time
		if query("peer1") {
			allowedAt = append(allowedAt, now.Sub(start))
		}
		now = now.Add(time.Second)
	}
	want := []time.Duration{0, 5 * time.Second, 15 * time.Second, 35 * time.Second, 75 * time.Second, 135 * time.Second, 195 * time.Second}
	if len(allowedAt) != len(want) {
		t.Fatalf("connections allowed at %v, want %v", allowedAt, want)
	}
	for i := range want {
		if allowedAt[i] != want[i] {
			t.Fatalf("connections allowed at %v, want %v", allowedAt, want)
		}
	}
	if !query("peer2") {
		t.Error("another peer's first connection refused: the backoff is per peer")
	}
	// A peer this node does not dial (an inbound stranger) is left to the
	// app's filter: no backoff is kept for it, however many there are.
	for i := range 100 {
		if !query(fmt.Sprintf("stranger%d", i)) || !query(fmt.Sprintf("stranger%d", i)) {
			t.Fatal("an unconfigured peer held back by the backoff")
		}
	}
	if len(ad.next) != 2 {
		t.Errorf("%d backoffs kept, want 2 (the configured peers tried)", len(ad.next))
	}

	admitted.Store(true)
	ad.check()
	ad.check()
	if got := strings.Count(logs.String(), "is admitted by governance"); got != 1 {
		t.Fatalf("%d lines saying it is admitted, want 1:\n%s", got, logs.String())
	}
	for range 3 {
		if !query("peer1") {
			t.Fatal("a connection refused while the node is admitted")
		}
	}

	admitted.Store(false)
	ad.check()
	ad.check()
	if got := strings.Count(logs.String(), "no longer admitted by governance"); got != 1 {
		t.Fatalf("%d lines saying it was removed, want 1:\n%s", got, logs.String())
	}
	if !query("peer1") || query("peer1") {
		t.Error("after the removal: want one connection through, then the backoff")
	}
}

// TestCmtLoggerQuietWhileNotAdmitted: CometBFT's reports of peers hanging
// up go to Debug while the node is not admitted, and stay at Info otherwise.
func TestCmtLoggerQuietWhileNotAdmitted(t *testing.T) {
	var logs bytes.Buffer
	var refused atomic.Bool
	l := cmtLogger{l: slog.New(slog.NewTextHandler(&logs, nil)), quiet: refused.Load}.With("module", "p2p")
	l.Error("Stopping peer for error", "err", "EOF")
	refused.Store(true)
	for range 100 {
		l.Error("Stopping peer for error", "err", "EOF")
	}
	if got := strings.Count(logs.String(), "Stopping peer for error"); got != 1 {
		t.Fatalf("%d lines, want the one logged while admitted:\n%s", got, logs.String())
	}
}
