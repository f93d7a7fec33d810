package dashboard

import (
	"sort"
	"strings"
	"testing"

	"github.com/redmx/redmx/dashboard/status"
)

// TestAlerts: each alert is raised by its condition, and only by it.
func TestAlerts(t *testing.T) {
	s := New(Config{Upgrades: []string{"v2"}})
	g := &govSnapshot{
		Nodes: []nodeRec{
			{ID: "a", Collective: "public", Role: "validator", Status: "admitted", Liveness: map[string]any{"flagged": false, "missed": uint64(1), "window": uint64(100)}},
			{ID: "b", Collective: "public", Role: "validator", Status: "admitted"},
			{ID: "c", Collective: "cso", Role: "validator", Status: "admitted", Liveness: map[string]any{"flagged": true, "missed": uint64(60), "window": uint64(100), "since": uint64(80)}},
			{ID: "d", Collective: "academic", Role: "observer", Status: "admitted"},
			{ID: "e", Collective: "public", Role: "validator", Status: "admitted",
				Misbehaviour: map[string]any{"equivocations": uint64(2), "lastHeight": uint64(41), "recordedAt": uint64(43)}},
		},
		Upgrades: map[string]any{"names": []any{"v2", "v3"}, "heights": []any{uint64(500), uint64(20)}},
	}
	report := func(upgrades ...string) *status.NodeState {
		return &status.NodeState{Report: status.Report{Upgrades: upgrades, Resources: status.Resources{MemTotal: 1 << 30, DiskFree: 1 << 40}}}
	}
	snap := Snapshot{
		Network: Network{
			Height: 100, SinceBlockMs: 20_000, Halted: true, TotalPower: 30, OnlinePower: 20, LastCommit: 99,
			Validators: []ValidatorRow{
				{Address: "A", Moniker: "a", Missed: 0, Expected: 99, LastSigned: 99},
				{Address: "C", Moniker: "c", Missed: 3, Expected: 99, LastSigned: 96, Recent: 3},
				{Address: "E", Moniker: "e", Missed: 9, Expected: 99, LastSigned: 99, Recent: 1},
			},
		},
		Nodes: []NodeRow{
			{NodeID: "a", Moniker: "a", State: status.Online, Status: report("v2")},
			{NodeID: "b", Moniker: "b", State: status.Stale, Role: "validator", Status: &status.NodeState{AgeMs: 9000, SkewMs: 5000}},
			{NodeID: "d", Moniker: "d", State: status.Online, Status: report(), LowMemory: true},
		},
	}
	got := map[string][]string{}
	for _, a := range s.alerts(snap, g) {
		got[a.Kind] = append(got[a.Kind], a.Text)
	}
	var kinds []string
	for k := range got {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	want := []string{"clock-skew", "double-signing", "halted", "liveness-flagged", "missing", "power", "report", "resources", "single-validator", "upgrade"}
	if len(kinds) != len(want) {
		t.Fatalf("alerts %v, want kinds %v", got, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("alerts %v, want kinds %v", got, want)
		}
	}
	if len(got["liveness-flagged"]) != 1 || got["liveness-flagged"][0] != "validator c (cso) is flagged by the liveness review: 60 of the last 100 blocks missed, since block 80; the Nodes Commission decides" {
		t.Fatalf("liveness alerts %v", got["liveness-flagged"])
	}
	if len(got["double-signing"]) != 1 || got["double-signing"][0] != "validator e (public) signed twice: 2 piece(s) of evidence, the last for height 41 (committed in block 43); two processes sign with its key: stop the copy; the Nodes Commission decides" {
		t.Fatalf("double-signing alerts %v", got["double-signing"])
	}
	if len(got["missing"]) != 1 || len(got["single-validator"]) != 1 || len(got["clock-skew"]) != 1 {
		t.Fatalf("alerts %v", got)
	}
	// Node a knows v2 (the only upgrade ahead): b and d, with no or an
	// empty list, do not.
	if len(got["upgrade"]) != 2 {
		t.Fatalf("upgrade alerts %v", got["upgrade"])
	}

	// A healthy network: no alert.
	healthy := Snapshot{Network: Network{Height: 100, TotalPower: 30, OnlinePower: 30, LastCommit: 99,
		Validators: []ValidatorRow{{Address: "A", Expected: 99, LastSigned: 99}}},
		Nodes: []NodeRow{{NodeID: "a", State: status.Online, Status: report("v2")}}}
	if a := s.alerts(healthy, &govSnapshot{}); len(a) != 0 {
		t.Fatalf("healthy network: %v", a)
	}
}

// TestExcluded: a node governance removed or suspended is shown so, with
// the reason, whatever its last report says, and raises no alert of a
// node of the network; an admitted node keeps its report's state.
func TestExcluded(t *testing.T) {
	for _, gov := range []string{"removed", "suspended", "admitted", ""} {
		for _, st := range []string{status.Online, status.Unhealthy, status.Stale, status.Offline} {
			r := NodeRow{NodeID: "x", Role: "validator", GovStatus: gov, State: st,
				Status: &status.NodeState{State: st, AgeMs: 1000, SkewMs: 9000}}
			excluded(&r)
			switch gov {
			case "removed", "suspended":
				if r.State != gov || !strings.HasPrefix(r.Reason, gov+" by governance: ") {
					t.Errorf("%s node reporting %s: shown %s, reason %q", gov, st, r.State, r.Reason)
				}
				s := New(Config{})
				snap := Snapshot{Network: Network{Height: 10}, Nodes: []NodeRow{r}}
				g := &govSnapshot{Upgrades: map[string]any{"names": []any{"v2"}, "heights": []any{uint64(20)}}}
				if a := s.alerts(snap, g); len(a) != 0 {
					t.Errorf("%s node reporting %s: alerts %v", gov, st, a)
				}
			default:
				if r.State != st || r.Reason != "" {
					t.Errorf("%q node reporting %s: shown %s, reason %q", gov, st, r.State, r.Reason)
				}
			}
		}
	}
}
