package devnet

import (
	"fmt"
	"net"
)

// FreePorts returns n distinct free loopback addresses, found by listening
// on 127.0.0.1:0 and closing. Another process may take one before it is
// used; tests accept that small risk.
func FreePorts(n int) ([]string, error) {
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	addrs := make([]string, n)
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		addrs[i] = l.Addr().String()
	}
	return addrs, nil
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
