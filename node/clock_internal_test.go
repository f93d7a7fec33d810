package node

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redmx/redmx/metrics"
)

// TestClockOffset: with blocks a second apart, a node whose clock is ahead
// by 10 s (a few samples noisy) reports +10 s once it has five samples, in
// the gauge too, and warns once; a node on time reports ≈ 0 and says its
// clock is back; a block that does not follow the last starts afresh.
func TestClockOffset(t *testing.T) {
	var logs bytes.Buffer
	m := metrics.New(nil)
	c := newClockOffset(slog.New(slog.NewTextHandler(&logs, nil)), m)
	base := time.Unix(1_700_000_000, 0)
	header := func(h int64) time.Time { return base.Add(time.Duration(h) * time.Second) }
	var skew time.Duration
	commit := func(h int64, jitter time.Duration) {
		// Block h is committed about when the next one's votes are cast.
		c.now = func() time.Time { return header(h + 1).Add(skew + jitter) }
		c.observe(h, header(h))
	}
	skew = 10 * time.Second
	for h := int64(1); h <= 5; h++ {
		commit(h, 0)
		if _, ok := c.get(); ok {
			t.Fatalf("known after %d blocks (%d samples)", h, h-1)
		}
	}
	jitters := []time.Duration{40 * time.Millisecond, -900 * time.Millisecond, 3 * time.Second, 0, 10 * time.Millisecond}
	for i, j := range jitters {
		commit(int64(6+i), j)
	}
	d, ok := c.get()
	if !ok || d < 9900*time.Millisecond || d > 10100*time.Millisecond {
		t.Fatalf("offset %s (known %v), want 10s", d, ok)
	}
	if g := gauge(t, m, "redmx_clock_offset_seconds"); g < 9.9 || g > 10.1 {
		t.Fatalf("gauge %v, want 10", g)
	}
	if n := strings.Count(logs.String(), "clock is off"); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, logs.String())
	}

	// The clock set right: the median comes back within 15 blocks.
	skew = 0
	for h := int64(11); h <= 25; h++ {
		commit(h, 0)
	}
	if d, _ := c.get(); d != 0 {
		t.Fatalf("offset %s after the clock was set right", d)
	}
	if !strings.Contains(logs.String(), "back within bounds") {
		t.Fatalf("no recovery logged:\n%s", logs.String())
	}

	// A gap (blocks synced, or missed events) is no sample.
	skew = time.Hour
	commit(100, 0)
	if d, _ := c.get(); d != 0 {
		t.Fatalf("a block after a gap counted: %s", d)
	}
}

func gauge(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no series %s", name)
	return 0
}
