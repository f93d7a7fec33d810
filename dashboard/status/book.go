package status

import (
	"sort"
	"sync"
	"time"
)

// Thresholds of a node's state, by the receiver's clock since its last
// report (reports come every [Interval]).
const (
	// StaleAfter: a node not heard from for longer is stale, never online.
	StaleAfter = 7 * time.Second
	// OfflineAfter: a node not heard from for longer is offline.
	OfflineAfter = 30 * time.Second
	// minGap: reports of one node closer than this are dropped, so that a
	// peer cannot make this node verify and forward a flood.
	minGap = 500 * time.Millisecond
	// DefaultMaxNodes bounds the nodes a book keeps.
	DefaultMaxNodes = 512
)

// States of a node.
const (
	Online    = "online"    // reported within StaleAfter, consensus alive
	Unhealthy = "unhealthy" // reported within StaleAfter, consensus not alive or catching up
	Stale     = "stale"
	Offline   = "offline"
)

// Book keeps the latest verified report of each node.
type Book struct {
	mu      sync.Mutex
	max     int
	allowed func(nodeID string) bool
	entries map[string]*entry
}

type entry struct {
	report   Report
	received time.Time
	first    time.Time
	samples  uint64
	up       uint64
}

// NewBook keeps at most maxNodes nodes (0: DefaultMaxNodes), and only those
// allowed accepts (nil: all).
func NewBook(maxNodes int, allowed func(nodeID string) bool) *Book {
	if maxNodes <= 0 {
		maxNodes = DefaultMaxNodes
	}
	return &Book{max: maxNodes, allowed: allowed, entries: make(map[string]*entry)}
}

// Put keeps r, received at now, if it is newer than the node's last report
// (by sequence) and not too soon after it. It reports whether r was kept
// (and so should be forwarded).
func (b *Book) Put(r Report, now time.Time) bool {
	if b.allowed != nil && !b.allowed(r.NodeID) {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[r.NodeID]
	if ok {
		if r.Seq <= e.report.Seq || now.Sub(e.received) < minGap {
			return false
		}
		e.report, e.received = r, now
		return true
	}
	if len(b.entries) >= b.max && !b.evict() {
		return false
	}
	b.entries[r.NodeID] = &entry{report: r, received: now, first: now}
	return true
}

// evict drops the node heard from longest ago, if it is offline.
func (b *Book) evict() bool {
	var oldest string
	var at time.Time
	for id, e := range b.entries {
		if oldest == "" || e.received.Before(at) {
			oldest, at = id, e.received
		}
	}
	if oldest == "" || time.Since(at) < OfflineAfter {
		return false
	}
	delete(b.entries, oldest)
	return true
}

// Sample counts, for each node's uptime, whether it is online at now.
func (b *Book) Sample(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.entries {
		e.samples++
		if e.state(now) == Online {
			e.up++
		}
	}
}

func (e *entry) state(now time.Time) string {
	age := now.Sub(e.received)
	switch {
	case age > OfflineAfter:
		return Offline
	case age > StaleAfter:
		return Stale
	case !e.report.ConsensusAlive || e.report.CatchingUp:
		return Unhealthy
	default:
		return Online
	}
}

// NodeState is a node as the book sees it at a time.
type NodeState struct {
	Report   Report  `json:"report"`
	State    string  `json:"state"`
	AgeMs    int64   `json:"age_ms"`  // since the report was received
	SkewMs   int64   `json:"skew_ms"` // report time minus receive time
	UptimePc float64 `json:"uptime_pc"`
	SinceMs  int64   `json:"observed_since_ms"`
}

// State returns the state of one node, or false if it never reported.
func (b *Book) State(nodeID string, now time.Time) (NodeState, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[nodeID]
	if !ok {
		return NodeState{}, false
	}
	return e.view(now), true
}

// States returns every node's state, by node ID.
func (b *Book) States(now time.Time) []NodeState {
	b.mu.Lock()
	out := make([]NodeState, 0, len(b.entries))
	for _, e := range b.entries {
		out = append(out, e.view(now))
	}
	b.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Report.NodeID < out[j].Report.NodeID })
	return out
}

func (e *entry) view(now time.Time) NodeState {
	s := NodeState{
		Report:  e.report,
		State:   e.state(now),
		AgeMs:   now.Sub(e.received).Milliseconds(),
		SkewMs:  e.report.Time - e.received.UnixMilli(),
		SinceMs: e.first.UnixMilli(),
	}
	if e.samples > 0 {
		s.UptimePc = float64(e.up*1000/e.samples) / 10
	}
	return s
}
