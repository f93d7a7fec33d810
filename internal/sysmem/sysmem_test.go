package sysmem

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMemTotal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"MemTotal:        2035700 kB\nMemFree: 1 kB\n", 2035700 << 10, true},
		{"MemFree: 1 kB\nMemTotal: 4 kB\n", 4 << 10, true},
		{"MemTotal: 12 MB\n", 0, false},
		{"MemTotal: x kB\n", 0, false},
		{"MemTotal: 0 kB\n", 0, false},
		{"", 0, false},
	} {
		got, ok := memTotal(write(t, tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := memTotal(filepath.Join(t.TempDir(), "missing")); ok {
		t.Error("a missing file read as a total")
	}
}

func TestCgroupLimit(t *testing.T) {
	if _, ok := cgroupLimit(filepath.Join(t.TempDir(), "missing")); ok {
		t.Error("a missing file read as a limit")
	}
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"2147483648\n", 2 << 30, true},
		{"max\n", 0, false},
		{"9223372036854771712\n", 0, false}, // v1's "no limit"
		{"junk", 0, false},
	} {
		got, ok := cgroupLimit(write(t, tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCgroupFiles: the limit files of the process's cgroup and every one
// above it, for the unified hierarchy (v2) and v1's memory controller.
func TestCgroupFiles(t *testing.T) {
	self := write(t, "0::/system.slice/redmx.service\n")
	got := cgroupFiles(self, "/sys/fs/cgroup")
	want := []string{
		"/sys/fs/cgroup/system.slice/redmx.service/memory.max",
		"/sys/fs/cgroup/system.slice/memory.max",
		"/sys/fs/cgroup/memory.max",
	}
	if !slices.Equal(got, want) {
		t.Errorf("v2: %q\nwant %q", got, want)
	}
	self = write(t, "12:cpu,cpuacct:/x\n4:memory:/docker/abc\n0::/\n")
	got = cgroupFiles(self, "/r")
	want = []string{
		"/r/memory/docker/abc/memory.limit_in_bytes",
		"/r/memory/docker/memory.limit_in_bytes",
		"/r/memory/memory.limit_in_bytes",
		"/r/memory.max",
	}
	if !slices.Equal(got, want) {
		t.Errorf("v1: %q\nwant %q", got, want)
	}
	// The limit of a slice above the service bounds it.
	root := t.TempDir()
	svc := filepath.Join(root, "system.slice", "redmx.service")
	if err := os.MkdirAll(svc, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(svc, "memory.max"), []byte("max\n"), 0o600)
	os.WriteFile(filepath.Join(root, "system.slice", "memory.max"), []byte("2147483648\n"), 0o600)
	var limit uint64
	for _, f := range cgroupFiles(write(t, "0::/system.slice/redmx.service\n"), root) {
		if n, ok := cgroupLimit(f); ok {
			limit = n
		}
	}
	if limit != 2<<30 {
		t.Errorf("limit %d; want the slice's 2 GiB", limit)
	}
}

// TestTotalOnThisHost: on Linux the total is known and no more than the
// host's MemTotal.
func TestTotalOnThisHost(t *testing.T) {
	host, ok := memTotal("/proc/meminfo")
	if !ok {
		t.Skip("no /proc/meminfo")
	}
	got, ok := Total()
	if !ok || got == 0 || got > host {
		t.Fatalf("Total() = %d, %v; want at most the host's %d", got, ok, host)
	}
	t.Logf("this process may use %d MiB (host %d MiB)", got>>20, host>>20)
}
