package node_test

import (
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/node"
	"github.com/redmx/redmx/store"
)

// TestLowDiskRefusesStartAndStops: a node whose data directory's filesystem
// has less than min_free_mb free refuses to start, saying how much is free;
// a running node whose free space falls below it stops cleanly (Run returns
// the reason, every store closed), and starts again once there is room.
func TestLowDiskRefusesStartAndStops(t *testing.T) {
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: 1, TimeoutCommit: 50 * time.Millisecond, NoGovernance: true, LogLevel: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.SetPorts(net.Ports, func(_ *cmtcfg.Config, r *config.Config) { r.Storage.MinFreeMB = 100 }); err != nil {
		t.Fatal(err)
	}
	var free atomic.Uint64
	fake := func(string) (uint64, error) { return free.Load(), nil }
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))

	free.Store(99 << 20)
	n, err := node.New(net.Home(0), logger, node.WithFreeSpace(fake, 20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	err = n.Run(t.Context())
	if !errors.Is(err, store.ErrLowDisk) || !strings.Contains(err.Error(), "99 MiB free") || !strings.Contains(err.Error(), "min_free_mb = 100") {
		t.Fatalf("start with 99 MiB free: %v; want %v saying 99 MiB free and the setting", err, store.ErrLowDisk)
	}

	free.Store(1 << 30)
	n, err = node.New(net.Home(0), logger, node.WithFreeSpace(fake, 20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- n.Run(t.Context()) }()
	select {
	case <-n.Ready():
	case err := <-done:
		t.Fatalf("node with 1 GiB free did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("node did not start within 60s")
	}
	waitHeight(t, n, 3)
	free.Store(50 << 20)
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrLowDisk) || !strings.Contains(err.Error(), "50 MiB free") {
			t.Fatalf("Run returned %v, want %v saying 50 MiB free", err, store.ErrLowDisk)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("node still runs 60s after its disk filled")
	}
	stoppedAt := n.CometBFT().BlockStore().Height()

	// The stop was clean: the node starts from where it was and goes on.
	free.Store(1 << 30)
	n, stop := runNode(t, net.Home(0), node.WithFreeSpace(fake, 20*time.Millisecond))
	waitHeight(t, n, stoppedAt+2)
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
}

func waitHeight(t *testing.T, n *node.Node, h int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for n.CometBFT().BlockStore().Height() < h {
		if time.Now().After(deadline) {
			t.Fatalf("height %d not reached within 60s (at %d)", h, n.CometBFT().BlockStore().Height())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestFullTmpfsStopsNode runs a node on a real 64 MiB filesystem (tmpfs,
// mounted as root; skipped otherwise) with min_free_mb = 24, then fills the
// filesystem to 16 MiB free: the node reads the real free space and stops
// cleanly, with room still left, and starts again once space is freed.
func TestFullTmpfsStopsNode(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	net, err := devnet.Generate(filepath.Join(mnt, "net"), devnet.Config{Validators: 1, TimeoutCommit: 50 * time.Millisecond, NoGovernance: true, LogLevel: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	err = net.SetPorts(net.Ports, func(_ *cmtcfg.Config, r *config.Config) {
		r.Storage.MinFreeMB = 24
		r.Storage.CacheMB = 16 // 2 MiB memtables: write-ahead logs of 2.2 MiB
	})
	if err != nil {
		t.Fatal(err)
	}
	n, stop := runNode(t, net.Home(0), node.WithFreeSpace(store.FreeBytes, 20*time.Millisecond))
	waitHeight(t, n, 3)
	free, err := store.FreeBytes(mnt)
	if err != nil {
		t.Fatal(err)
	}
	ballast := filepath.Join(mnt, "ballast")
	if err := os.WriteFile(ballast, make([]byte, free-16<<20), 0o600); err != nil {
		t.Fatalf("fill the tmpfs: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for n.CometBFT().IsRunning() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	err = stop()
	if !errors.Is(err, store.ErrLowDisk) {
		t.Fatalf("Run returned %v, want %v", err, store.ErrLowDisk)
	}
	t.Logf("stopped: %v", err)
	if left, err := store.FreeBytes(mnt); err != nil || left == 0 {
		t.Errorf("free space after the stop: %d, %v; want some left", left, err)
	}
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	n, stop = runNode(t, net.Home(0), node.WithFreeSpace(store.FreeBytes, 20*time.Millisecond))
	waitHeight(t, n, n.CometBFT().BlockStore().Height()+2)
	if err := stop(); err != nil {
		t.Fatalf("stop after freeing space: %v", err)
	}
}
