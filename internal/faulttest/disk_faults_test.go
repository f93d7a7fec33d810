//go:build faults

package faulttest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/store"
)

const (
	// diskSizeMB is the tmpfs that holds the full-disk node's data directory.
	diskSizeMB = 256
	// diskMinFreeMB is that node's redmx.storage.min_free_mb.
	diskMinFreeMB = 32
	// appDiskSizeMB is the tmpfs that holds another node's app store alone.
	appDiskSizeMB = 64
	// diskLeftMB is what the watchdog case leaves free: below min_free_mb,
	// above what the node writes before it notices.
	diskLeftMB = 16
	// diskStopTimeout bounds the wait for the node to stop by itself: the
	// watchdog reads the free space every 10 s, then the node stops.
	diskStopTimeout = 60 * time.Second
	// diskFullCycles is how many times the long version fills the disk at once.
	diskFullCycles = 5
)

// TestFaultFullDisk (row 11): one validator's data directory is a tmpfs of
// diskSizeMB. Under traffic, the tmpfs is filled, first to below
// min_free_mb (the node's watchdog must stop it, saying the disk is nearly
// full, and it must refuse to start while the disk stays full), then at once
// to 100 % (the node's own writes meet ENOSPC before the watchdog looks: it
// must still stop without a panic and without damage; the long version
// does it diskFullCycles times, and also fills a tmpfs that holds another
// node's app store alone). Each time the others go on; the filler is
// deleted and the node, restarted, catches up, agrees on every block and
// serves every receipt.
func TestFaultFullDisk(t *testing.T) {
	parallel(t)
	if os.Geteuid() != 0 {
		diskSkipOrFail(t, "mounting a tmpfs needs root")
	}
	fig := record(t, 11, "full disk: the data directory on a tmpfs filled to 100 %")
	// v's data directory is on a tmpfs; w's app store alone (data/redmx),
	// so that only the app's writes meet the full disk and the watchdog,
	// which looks at the data directory, does not see it.
	const v, w = 3, 2
	var mnt, appMnt string
	fn := startNet(t, netOptions{
		TimeoutCommit: 300 * time.Millisecond,
		Config: func(i int, f *config.File) {
			switch i {
			case v:
				f.Redmx.Storage.MinFreeMB = diskMinFreeMB
				f.Redmx.Storage.CacheMB = 16 // write-ahead logs of 2.2 MiB
				mnt = mountDataDir(t, f.CometBFT.DBDir(), diskSizeMB)
			case w:
				f.Redmx.Storage.CacheMB = 16
				appMnt = mountDataDir(t, filepath.Join(f.CometBFT.DBDir(), "redmx"), appDiskSizeMB)
			}
		},
	})
	c, procs := fn.c, fn.procs
	others := slices.DeleteFunc(c.all(), func(i int) bool { return i == v })
	fig.add("disk", "tmpfs of %d MiB, min_free_mb = %d", diskSizeMB, diskMinFreeMB)

	tr := startTraffic(t, c)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	waitNewReceipts(ctx, t, tr, 0, 2*senders)

	filler := filepath.Join(mnt, "filler")
	t.Run("below min_free_mb", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
		defer cancel()
		free, err := store.FreeBytes(mnt)
		if err != nil {
			t.Fatal(err)
		}
		stopped := fillAndWaitStop(ctx, t, fn, v, filler, int64(free)-diskLeftMB<<20, diskStopTimeout, others)
		reason := procs.List()[v].Status()
		if !strings.Contains(reason, store.ErrLowDisk.Error()) || !strings.Contains(reason, mnt) {
			t.Fatalf("the node stopped with %q; want %q naming %s", reason, store.ErrLowDisk, mnt)
		}
		fig.add("watchdog: halt after fill", "%.1f s", stopped.Seconds())
		fig.add("watchdog: error", "%s", quoteNet(fn, reason))

		// Still full: it refuses to start, with the same clear error.
		q, err := procs.Restart(v)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-q.Exited():
		case <-time.After(diskStopTimeout):
			t.Fatalf("%s started on a full disk", q.Name)
		}
		if st := q.Status(); !strings.Contains(st, store.ErrLowDisk.Error()) {
			t.Fatalf("a start on the full disk exited with %q, want %q", st, store.ErrLowDisk)
		}
		fig.add("watchdog: start on the full disk", "refused: %s", quoteNet(fn, q.Status()))
		recoverDisk(ctx, t, fig, "watchdog", fn, v, filler, others)
	})
	if t.Failed() {
		return
	}

	// Which write meets ENOSPC first (CometBFT's WAL, its block or state
	// store, the app's store, the signing state) depends on the instant:
	// the long version fills the disk again and again.
	for k := range pick(1, diskFullCycles) {
		if !t.Run(fmt.Sprintf("ENOSPC before the watchdog %d", k+1), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			waitNewReceipts(ctx, t, tr, c.maxHeight(ctx, t, c.all()), 1)
			stopped := fillAndWaitStop(ctx, t, fn, v, filler, -1, diskStopTimeout, others)
			reason := procs.List()[v].Status()
			name := fmt.Sprintf("ENOSPC %d", k+1)
			fig.add(name+": halt after fill", "%.1f s", stopped.Seconds())
			fig.add(name+": error", "%s", quoteNet(fn, reason))
			if !strings.Contains(reason, store.ErrLowDisk.Error()) || !strings.Contains(reason, mnt) {
				t.Errorf("the node stopped with %q; want %q naming %s", reason, store.ErrLowDisk, mnt)
			}
			recoverDisk(ctx, t, fig, name, fn, v, filler, others)
		}) {
			return
		}
	}

	t.Run("ENOSPC in the app's store", func(t *testing.T) {
		if !long {
			t.Skip("the long version only: the app's store takes half a minute to meet the full disk")
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		w := w
		othersW := slices.DeleteFunc(c.all(), func(i int) bool { return i == w })
		stopped := fillAndWaitStop(ctx, t, fn, w, filepath.Join(appMnt, "filler"), -1, 4*time.Minute, othersW)
		reason := procs.List()[w].Status()
		fig.add("app store ENOSPC: halt after fill", "%.1f s", stopped.Seconds())
		fig.add("app store ENOSPC: error", "%s", quoteNet(fn, reason))
		if !strings.Contains(reason, store.ErrLowDisk.Error()) || !strings.Contains(reason, "no space left on device") {
			t.Errorf("the node stopped with %q; want %q saying the disk is full", reason, store.ErrLowDisk)
		}
		recoverDisk(ctx, t, fig, "app store ENOSPC", fn, w, filepath.Join(appMnt, "filler"), othersW)
	})
	if t.Failed() {
		return
	}

	tr.stop(t)
	all := tr.snapshot()
	verifyReceipts(t, c, c.all(), all)
	ctx, cancel = context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	top := c.maxHeight(ctx, t, c.all())
	waitAdvance(ctx, t, c, c.all(), 1)
	n := noFork(ctx, t, c, c.all(), 1, top)
	fig.add("heights compared", "%d", n)
	fig.add("receipts", "%d mined, each on every node; lost 0", len(all))
}

// diskSkipOrFail skips t for reason, or fails it when REDMX_FAULTS_STRICT=1
// (as CI sets it), where a skipped fault would pass unseen.
func diskSkipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("REDMX_FAULTS_STRICT") == "1" {
		t.Fatalf("%s; REDMX_FAULTS_STRICT=1 forbids skipping", reason)
	}
	t.Skip(reason)
}

// mountDataDir puts dir (a node's data directory, as generated) on a new
// tmpfs of sizeMB, with its files, and returns the mount point (dir itself).
// The tmpfs is unmounted when the test ends, after the nodes stop.
func mountDataDir(t *testing.T, dir string, sizeMB int) string {
	t.Helper()
	saved := dir + ".generated"
	if err := os.Rename(dir, saved); errors.Is(err, os.ErrNotExist) {
		if err := os.Mkdir(saved, 0o700); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%dm,mode=0700", sizeMB), "tmpfs", dir).CombinedOutput(); err != nil {
		// Root in a container may still lack the right to mount.
		diskSkipOrFail(t, fmt.Sprintf("mount a tmpfs at %s: %v: %s", dir, err, bytes.TrimSpace(out)))
	}
	// Registered inside startNet, before the nodes' stop: it runs after it.
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	if out, err := exec.Command("cp", "-a", saved+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the data directory onto the tmpfs: %v: %s", err, out)
	}
	if err := os.RemoveAll(saved); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fillAndWaitStop writes filler on node v's disk, size bytes (-1: until the
// filesystem is full), and waits until v exits by itself; the others keep
// finalising meanwhile. It returns the time from the fill to the exit, and
// fails t if v's log since the fill shows a panic.
func fillAndWaitStop(ctx context.Context, t *testing.T, fn *faultNet, v int, filler string, size int64, within time.Duration, others []int) time.Duration {
	t.Helper()
	p := fn.procs.List()[v]
	logStart := logSize(p.LogPath)
	start := time.Now()
	written, err := fillFile(filler, size)
	if err != nil {
		t.Fatalf("fill %s: %v", filler, err)
	}
	free, _ := store.FreeBytes(filepath.Dir(filler))
	t.Logf("wrote %d MiB to %s in %s; %d KiB free", written>>20, filler, time.Since(start).Round(time.Millisecond), free>>10)
	select {
	case <-p.Exited():
	case <-time.After(within):
		t.Fatalf("%s (pid %d) still runs %s after its disk filled", p.Name, p.PID, within)
	}
	stopped := time.Since(start)
	t.Logf("%s exited %s after the fill: %s", p.Name, stopped.Round(time.Millisecond), p.Status())
	if st := p.Status(); strings.Contains(st, "signal") {
		t.Errorf("%s died by a signal (%s), not a clean stop", p.Name, st)
	}
	// CometBFT stops its consensus on a failed write by a panic it recovers
	// and logs as a CONSENSUS FAILURE; a panic that reaches the runtime
	// ("panic: " at the start of a line, exit status 2) is a crash.
	if lines := logLinesSince(p.LogPath, logStart, "^panic: ", "^fatal error: ", "corrupt"); len(lines) > 0 {
		t.Errorf("%s's log after the fill:\n%s", p.Name, strings.Join(lines, "\n"))
	}
	waitAdvance(ctx, t, fn.c, others, minAdvance)
	return stopped
}

// recoverDisk deletes the filler, restarts node v and waits until it has
// caught up with the others, recording the catch-up time.
func recoverDisk(ctx context.Context, t *testing.T, fig *figures, name string, fn *faultNet, v int, filler string, others []int) {
	t.Helper()
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	logStart := logSize(fn.procs.List()[v].LogPath)
	q, start := restartPastPortClash(ctx, t, fn.procs, v)
	target := fn.c.maxHeight(ctx, t, others)
	testnet.WaitFor(ctx, t, fmt.Sprintf("%s to catch up to height %d", q.Name, target), func() error {
		if err := exitedEarly(q); err != nil {
			return devnet.Permanent(err)
		}
		h, err := fn.c.blockNumber(ctx, v)
		if err != nil {
			return err
		}
		if h < target {
			return fmt.Errorf("at height %d", h)
		}
		return nil
	})
	waitAdvance(ctx, t, fn.c, []int{v}, 1)
	fig.add(name+": catch-up after freeing", "%.1f s to height %d", time.Since(start).Seconds(), target)
	if lines := logLinesSince(q.LogPath, logStart, "^panic: ", "^fatal error: ", "CONSENSUS FAILURE", "corrupt"); len(lines) > 0 {
		t.Errorf("%s's log after the restart:\n%s", q.Name, strings.Join(lines, "\n"))
	}
	agree(ctx, t, fn.c, target)
}

// restartPastPortClash starts node v again after its process exited. If
// the new process exits at once because one of its ports was taken
// meanwhile by another program on the machine (the ports were free when the
// network was generated), it is started again, for a while; any other exit
// is the caller's to judge. It returns the process and when it started.
func restartPastPortClash(ctx context.Context, t *testing.T, procs *devnet.Processes, v int) (*devnet.Process, time.Time) {
	t.Helper()
	var q *devnet.Process
	var started time.Time
	testnet.WaitFor(ctx, t, fmt.Sprintf("node %d to start again", v), func() error {
		if q != nil {
			select {
			case <-q.Exited():
				if !strings.Contains(q.Status(), "address already in use") {
					return nil
				}
			case <-time.After(2 * time.Second):
				return nil // it holds its ports
			}
		}
		var err error
		started = time.Now()
		if q, err = procs.Restart(v); err != nil {
			return devnet.Permanent(err)
		}
		return errors.New("just started")
	})
	return q, started
}

// quoteNet writes the network's directory in s as "<net>", for figures
// that quote a node's error.
func quoteNet(fn *faultNet, s string) string { return strings.ReplaceAll(s, fn.net.Dir, "<net>") }

// fillFile writes size zero bytes to path, or until the filesystem is full when
// size < 0, and syncs them; it returns what it wrote.
func fillFile(path string, size int64) (int64, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	var n int64
	for size < 0 || n < size {
		b := chunk
		if size >= 0 {
			b = b[:min(int64(len(b)), size-n)]
		}
		w, err := f.Write(b)
		n += int64(w)
		if errors.Is(err, syscall.ENOSPC) && size < 0 {
			break
		}
		if err != nil {
			return n, err
		}
	}
	return n, f.Sync()
}

func logSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// logLinesSince returns the lines of the log after offset from that contain any
// of words, or begin with one written "^word" (at most 20).
func logLinesSince(path string, from int64, words ...string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return []string{err.Error()}
	}
	data, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for line := range strings.Lines(string(data)) {
		for _, w := range words {
			if prefix, ok := strings.CutPrefix(w, "^"); ok && strings.HasPrefix(line, prefix) || !ok && strings.Contains(line, w) {
				out = append(out, strings.TrimSpace(line))
				break
			}
		}
		if len(out) == 20 {
			break
		}
	}
	return out
}
