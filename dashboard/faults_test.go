package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/redmx/redmx/dashboard"
	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
)

// TestFaultsAsOperator runs four validators as `redmx start` processes and
// reads node 0's dashboard API while an operator's faults happen: a node
// paused with SIGSTOP, two paused (the chain halts), one killed with SIGKILL.
// Each is detected within 15 s, never shown healthy meanwhile, and the
// missed signatures equal the chain's commits; resumed or restarted nodes
// come back online.
func TestFaultsAsOperator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the redmx binary and runs four node processes")
	}
	bin := testnet.BuildRedmx(t)
	net, err := devnet.Generate(filepath.Join(t.TempDir(), "net"), devnet.Config{Validators: 4, TimeoutCommit: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	procs, err := devnet.StartProcesses(net, bin, slog.New(slog.NewTextHandler(t.Output(), nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	paused := map[int]bool{}
	t.Cleanup(func() {
		for i := range paused {
			_ = syscall.Kill(procs.List()[i].PID, syscall.SIGCONT)
		}
		procs.Stop(20 * time.Second)
	})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	if err := procs.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	api := "http://" + net.Nodes[0].RPC + "/dashboard/api/snapshot"
	snap := func() dashboard.Snapshot {
		t.Helper()
		var s dashboard.Snapshot
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("dashboard API: %v", err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("dashboard API: %v", err)
		}
		return s
	}
	state := func(s dashboard.Snapshot, i int) string {
		for _, n := range s.Nodes {
			if n.NodeID == net.Nodes[i].NodeID {
				return n.State
			}
		}
		return "absent"
	}
	allOnline := func() error {
		s := snap()
		for i := range net.Nodes {
			if st := state(s, i); st != status.Online {
				return fmt.Errorf("%s %s", net.Nodes[i].Name, st)
			}
		}
		if s.Network.Halted {
			return fmt.Errorf("halted")
		}
		return nil
	}
	testnet.WaitFor(ctx, t, "every node online on node0's dashboard", allOnline)
	logCost(ctx, t, "http://"+net.Nodes[0].RPC)

	// pause SIGSTOPs nodes and waits until the dashboard shows each stale
	// or offline, failing if that takes 15 s; until then a node may still
	// show online only within StaleAfter plus a report interval.
	pause := func(sig syscall.Signal, nodes ...int) time.Time {
		t.Helper()
		at := time.Now()
		for _, i := range nodes {
			if err := syscall.Kill(procs.List()[i].PID, sig); err != nil {
				t.Fatal(err)
			}
			paused[i] = sig == syscall.SIGSTOP
		}
		dctx, dcancel := context.WithTimeout(ctx, detectWithin)
		defer dcancel()
		testnet.WaitFor(dctx, t, fmt.Sprintf("nodes %v stale or offline on the dashboard", nodes), func() error {
			s := snap()
			for _, i := range nodes {
				st := state(s, i)
				if st == status.Online && time.Since(at) > status.StaleAfter+status.Interval+time.Second {
					t.Fatalf("%s still shown online %s after it stopped", net.Nodes[i].Name, time.Since(at))
				}
				if st != status.Stale && st != status.Offline {
					return fmt.Errorf("%s %s", net.Nodes[i].Name, st)
				}
			}
			return nil
		})
		t.Logf("nodes %v shown stale or offline %s after %v", nodes, time.Since(at).Round(100*time.Millisecond), sig)
		return at
	}
	resume := func(nodes ...int) {
		t.Helper()
		for _, i := range nodes {
			if err := syscall.Kill(procs.List()[i].PID, syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
			delete(paused, i)
		}
		at := time.Now()
		testnet.WaitFor(ctx, t, "every node online again", allOnline)
		t.Logf("online again %s after SIGCONT", time.Since(at).Round(100*time.Millisecond))
	}

	// One validator paused: stale, its misses counted as the chain shows.
	pause(syscall.SIGSTOP, 3)
	addr := func() string {
		for _, n := range snap().Nodes {
			if n.NodeID == net.Nodes[3].NodeID {
				return n.Validator
			}
		}
		return ""
	}()
	testnet.WaitFor(ctx, t, "node3's missed signatures counted", func() error {
		for _, v := range snap().Network.Validators {
			if v.Address == addr && v.Missed > 0 {
				return nil
			}
		}
		return fmt.Errorf("no miss counted for %s", addr)
	})
	s := snap()
	for _, v := range s.Network.Validators {
		if v.Address == addr {
			want := chainMissed(ctx, t, net.Nodes[0].CometRPC, addr, s.Network.FirstCommit, s.Network.LastCommit)
			if int64(v.Missed) != want {
				t.Fatalf("dashboard: %d missed over commits %d-%d; the chain's commits: %d", v.Missed, s.Network.FirstCommit, s.Network.LastCommit, want)
			}
			t.Logf("node3 missed %d of commits %d-%d, as the chain shows", v.Missed, s.Network.FirstCommit, s.Network.LastCommit)
		}
	}
	resume(3)

	// Two of four paused: the chain halts, and says so.
	at := pause(syscall.SIGSTOP, 2, 3)
	hctx, hcancel := context.WithTimeout(ctx, detectWithin)
	testnet.WaitFor(hctx, t, "the chain shown halted with the online power alert", func() error {
		s := snap()
		power := false
		for _, a := range s.Alerts {
			power = power || a.Kind == "power"
		}
		if !power || !s.Network.Halted {
			return fmt.Errorf("halted %v, power alert %v, online power %d of %d", s.Network.Halted, power, s.Network.OnlinePower, s.Network.TotalPower)
		}
		return nil
	})
	hcancel()
	t.Logf("halt shown %s after two of four validators paused", time.Since(at).Round(100*time.Millisecond))
	resume(2, 3)

	// A validator killed, then restarted.
	pause(syscall.SIGKILL, 3)
	select {
	case <-procs.List()[3].Exited():
	case <-ctx.Done():
		t.Fatal("node3 did not exit after SIGKILL")
	}
	if _, err := procs.Restart(3); err != nil {
		t.Fatal(err)
	}
	at = time.Now()
	testnet.WaitFor(ctx, t, "every node online after node3's restart", allOnline)
	t.Logf("restarted node3 online %s after its start", time.Since(at).Round(100*time.Millisecond))
}

// logCost logs the size of the dashboard's answers, how long they take,
// and what governance's snapshot cost the node to read.
func logCost(ctx context.Context, t *testing.T, base string) {
	t.Helper()
	for _, path := range []string{"/dashboard/api/snapshot", "/dashboard/api/governance"} {
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		dec := json.NewDecoder(resp.Body)
		err = dec.Decode(&body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes in %s", path, dec.InputOffset(), time.Since(start).Round(time.Microsecond))
		if calls, ok := body["calls"]; ok {
			t.Logf("governance read with %v view calls in %v ms", calls, body["read_ms"])
		}
	}
}
