package devnet

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
)

// FreePorts returns n distinct free loopback addresses, found by listening
// and closing. They are drawn below the kernel's range for outgoing
// connections, so that no connection made meanwhile (a node dialling a
// peer) takes one before it is used, and each is reserved for this process
// until it exits, so that no other process drawing ports here takes one
// while its node is down (a test restarting a node; tests of several
// packages run at once).
func FreePorts(n int) ([]string, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	lo, hi := 15000, ephemeralLow()-1
	addrs := make([]string, 0, n)
	for tries := 0; len(addrs) < n && tries < 100*n; tries++ {
		addr := "127.0.0.1:0"
		if hi > lo {
			addr = fmt.Sprintf("127.0.0.1:%d", lo+rand.IntN(hi-lo))
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		if !reserve(l.Addr().(*net.TCPAddr).Port) {
			l.Close()
			continue
		}
		lns = append(lns, l)
		addrs = append(addrs, l.Addr().String())
	}
	if len(addrs) < n {
		return nil, fmt.Errorf("found %d free loopback ports of %d", len(addrs), n)
	}
	return addrs, nil
}

// ephemeralLow is the first port of the kernel's range for outgoing
// connections (Linux's default when it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	var lo, hi int
	if _, err := fmt.Sscan(string(b), &lo, &hi); err != nil || lo <= 15000 {
		return 32768
	}
	return lo
}

// PortInUseError reports a port of the layout that another process holds.
type PortInUseError struct {
	Node string // node name
	What string // "rpc", "p2p" or "cometbft-rpc"
	Addr string
	Err  error
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("%s %s port %s is in use: %v", e.Node, e.What, e.Addr, e.Err)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// CheckPorts reports the first port of the network that cannot be bound.
func (n *Network) CheckPorts() error {
	for _, info := range n.Nodes {
		for _, p := range []struct{ what, addr string }{{"rpc", info.RPC}, {"p2p", info.P2P}, {"cometbft-rpc", info.CometRPC}} {
			l, err := net.Listen("tcp", p.addr)
			if err != nil {
				return &PortInUseError{Node: info.Name, What: p.what, Addr: p.addr, Err: err}
			}
			l.Close()
		}
	}
	return nil
}
