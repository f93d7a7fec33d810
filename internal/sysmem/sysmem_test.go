package sysmem

import (
	"os"
	"path/filepath"
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
	missing := filepath.Join(t.TempDir(), "missing")
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
		got, ok := cgroupLimit(missing, write(t, tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
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
