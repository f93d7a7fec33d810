//go:build unix

package devnet

import (
	"net"
	"testing"
)

// TestFreePortsReserved: a port FreePorts gave stays reserved — another
// draw (by this process or any other on the machine) skips it, even while
// nothing listens on it, as between a node's kill and its restart.
func TestFreePortsReserved(t *testing.T) {
	first, err := FreePorts(30)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range first {
		port := a[len("127.0.0.1:"):]
		p, err := net.LookupPort("tcp", port)
		if err != nil {
			t.Fatal(err)
		}
		if reserve(p) {
			t.Fatalf("port %d reserved twice", p)
		}
	}
	second, err := FreePorts(30)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range first {
		seen[a] = true
	}
	for _, a := range second {
		if seen[a] {
			t.Fatalf("%s drawn twice", a)
		}
	}
}
