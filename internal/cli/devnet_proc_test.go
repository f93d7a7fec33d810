//go:build linux

package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redmx/redmx/internal/testnet"
)

// TestDevnetNodesDieWithSupervisor: `redmx devnet` killed with SIGKILL takes
// its nodes with it (they run in their own process groups, so nothing else
// would stop them): every node process exits, every port is free again, and
// a second `redmx devnet` on the same directory starts.
func TestDevnetNodesDieWithSupervisor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds redmx and runs a devnet of processes")
	}
	bin := testnet.BuildRedmx(t)
	dir := filepath.Join(t.TempDir(), "net")
	rpcPort, p2pPort := freeRange(t, 2), freeRange(t, 4)
	ports := []int{rpcPort, rpcPort + 1, p2pPort, p2pPort + 1, p2pPort + 2, p2pPort + 3}
	args := []string{"devnet", "--dir", dir, "--validators", "2", "--json",
		"--rpc-port", fmt.Sprint(rpcPort), "--p2p-port", fmt.Sprint(p2pPort)}

	first := startDevnet(t, bin, args)
	pids := first.nodePIDs
	t.Logf("devnet pid %d, nodes %v", first.cmd.Process.Pid, pids)
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()

	killed := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for _, pid := range pids {
		for processAlive(pid) {
			if ctx.Err() != nil {
				t.Fatalf("node pid %d still runs 30s after its devnet was killed", pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("every node exited %s after the kill", time.Since(killed).Round(time.Millisecond))
	for _, p := range ports {
		for {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err == nil {
				l.Close()
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("port %d still held after the nodes exited: %v", p, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	second := startDevnet(t, bin, args)
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Fatalf("second devnet: %v; stderr:\n%s", err, readFile(second.stderr))
	}
	for _, pid := range second.nodePIDs {
		if processAlive(pid) {
			t.Errorf("node pid %d runs after its devnet stopped", pid)
		}
	}
}

type devnetRun struct {
	cmd      *exec.Cmd
	stderr   string
	nodePIDs []int
}

// startDevnet runs `bin args...` (a devnet with --json) and waits until it
// prints the ready network. Cleanup kills what is left, by PID.
func startDevnet(t *testing.T, bin string, args []string) *devnetRun {
	t.Helper()
	stderr := filepath.Join(t.TempDir(), "devnet.err")
	errFile, err := os.Create(stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stderr = errFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := &devnetRun{cmd: cmd, stderr: stderr}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		for _, pid := range run.nodePIDs {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	type summary struct {
		Nodes []struct {
			PID int `json:"pid"`
		} `json:"nodes"`
	}
	ready := make(chan error, 1)
	var s summary
	go func() { ready <- json.NewDecoder(stdout).Decode(&s) }()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("devnet printed no network: %v; stderr:\n%s", err, readFile(stderr))
		}
	case <-time.After(120 * time.Second):
		t.Fatalf("devnet not ready within 120s; stderr:\n%s", readFile(stderr))
	}
	for _, n := range s.Nodes {
		run.nodePIDs = append(run.nodePIDs, n.PID)
	}
	return run
}

// processAlive reports whether pid is a process that has not exited (a
// zombie waiting for its new parent to reap it has exited).
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	_, rest, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// freeRange returns the first of n consecutive free loopback ports.
func freeRange(t *testing.T, n int) int {
	t.Helper()
	for range 200 {
		base := 20000 + rand.IntN(30000)
		ok := true
		for p := base; p < base+n && ok; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
