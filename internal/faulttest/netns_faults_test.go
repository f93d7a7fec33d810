//go:build faults

package faulttest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/redmx/redmx/config"
)

// A netLab puts each node of a network in a network namespace of its own,
// joined to the others only through bridges in a "hub" namespace: node i's
// interface eth0 (10.77.0.i+1/24) is one end of a veth pair whose other end,
// p<i>, is a port of bridge brA or brB in the hub. Nodes on the same bridge
// reach each other; a partition moves ports to brB, healing moves them back.
// Nothing is routed or forwarded through the root namespace: the test
// reaches each node's JSON-RPC and CometBFT RPC through forwarders that
// listen on the loopback addresses devnet gave the node and open their
// connection to the same address inside the node's namespace.
type netLab struct {
	t     *testing.T
	hub   string   // the hub namespace's name
	nodes []string // each node's namespace
	fds   []*os.File

	mu     sync.Mutex
	lns    []net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

const (
	labP2PPort = 26656
	// ipTimeout bounds each ip(8) command.
	ipTimeout = 10 * time.Second
)

// labAddr is node i's address on the bridges.
func labAddr(i int) string { return fmt.Sprintf("10.77.0.%d", i+1) }

// netnsUnavailable skips t, or fails it when REDMX_FAULTS_STRICT=1 (CI),
// when the machine cannot give the test network namespaces.
func netnsUnavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("REDMX_FAULTS_STRICT") == "1" {
		t.Fatalf("network namespaces needed (REDMX_FAULTS_STRICT=1): %s", why)
	}
	t.Skipf("network namespaces needed: %s", why)
}

// newNetLab creates the namespaces, bridges and links for n nodes, every
// port on brA; t's cleanup deletes them all, even when t fails.
func newNetLab(t *testing.T, n int) *netLab {
	t.Helper()
	if os.Geteuid() != 0 {
		netnsUnavailable(t, "the test is not root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		netnsUnavailable(t, "no ip command (iproute2)")
	}
	sweepNetns(t)
	// Unique per run: namespace names are global to the machine.
	base := fmt.Sprintf("%s%d-%04x", netnsPrefix, os.Getpid(), rand.N(1<<16))
	lab := &netLab{t: t, conns: make(map[net.Conn]struct{})}
	t.Cleanup(lab.close)
	if err := lab.ip("netns", "add", base+"-hub"); err != nil {
		netnsUnavailable(t, err.Error())
	}
	lab.hub = base + "-hub"
	lab.must("-n", lab.hub, "link", "set", "lo", "up")
	for _, br := range []string{"brA", "brB"} {
		lab.must("-n", lab.hub, "link", "add", br, "type", "bridge")
		lab.must("-n", lab.hub, "link", "set", br, "up")
	}
	for i := range n {
		ns := fmt.Sprintf("%s-n%d", base, i)
		lab.must("netns", "add", ns)
		lab.nodes = append(lab.nodes, ns)
		port := fmt.Sprintf("p%d", i)
		lab.must("-n", lab.hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
		lab.must("-n", lab.hub, "link", "set", port, "master", "brA")
		lab.must("-n", lab.hub, "link", "set", port, "up")
		lab.must("-n", ns, "link", "set", "lo", "up")
		lab.must("-n", ns, "addr", "add", labAddr(i)+"/24", "dev", "eth0")
		lab.must("-n", ns, "link", "set", "eth0", "up")
		f, err := os.Open(filepath.Join("/run/netns", ns))
		if err != nil {
			t.Fatal(err)
		}
		lab.fds = append(lab.fds, f)
	}
	t.Logf("network namespaces %s and %s-n0..%d, bridges brA and brB in the hub", lab.hub, base, n-1)
	return lab
}

// netnsPrefix begins the name of every namespace a netLab makes, followed
// by the PID of the test process that made it.
const netnsPrefix = "rmxpart"

// sweepNetns deletes the namespaces left by a test process that no longer
// runs (one killed, or ended by go test's -timeout, skips its cleanup).
func sweepNetns(t *testing.T) {
	entries, err := os.ReadDir("/run/netns")
	if err != nil {
		return // none made yet
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), netnsPrefix)
		if !ok {
			continue
		}
		pid, _, ok := strings.Cut(rest, "-")
		if _, err := strconv.Atoi(pid); !ok || err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join("/proc", pid)); err == nil {
			continue // its test still runs (or the PID is reused: leave it)
		}
		lab := &netLab{t: t}
		if err := lab.ip("netns", "del", e.Name()); err != nil {
			t.Logf("stale namespace %s: %v", e.Name(), err)
		} else {
			t.Logf("deleted namespace %s, left by process %s", e.Name(), pid)
		}
	}
}

// ip runs ip(8) with args, bounded in time.
func (lab *netLab) ip(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), ipTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (lab *netLab) must(args ...string) {
	lab.t.Helper()
	if err := lab.ip(args...); err != nil {
		lab.t.Fatal(err)
	}
}

// close stops the forwarders and deletes every namespace (their links and
// bridges go with them). It runs after the nodes have been stopped.
func (lab *netLab) close() {
	lab.mu.Lock()
	lab.closed = true
	for _, ln := range lab.lns {
		ln.Close()
	}
	for c := range lab.conns {
		c.Close()
	}
	lab.mu.Unlock()
	lab.wg.Wait()
	for _, f := range lab.fds {
		f.Close()
	}
	for _, ns := range append(lab.nodes, lab.hub) {
		if ns == "" {
			continue // never made
		}
		if err := lab.ip("netns", "del", ns); err != nil {
			lab.t.Errorf("cleanup: %v", err)
		}
	}
}

// place puts each node's port on the bridge side[i] names ("brA" or "brB").
func (lab *netLab) place(side func(i int) string) {
	lab.t.Helper()
	for i := range lab.nodes {
		lab.must("-n", lab.hub, "link", "set", fmt.Sprintf("p%d", i), "master", side(i))
	}
}

// command runs node i in its namespace: ip netns exec exec's the node, so
// the PID devnet supervises stays the node's.
func (lab *netLab) command(i int, cmd *exec.Cmd) {
	ip, err := exec.LookPath("ip")
	if err != nil {
		panic(err) // checked in newNetLab
	}
	cmd.Args = append([]string{"ip", "netns", "exec", lab.nodes[i], cmd.Path}, cmd.Args[1:]...)
	cmd.Path = ip
}

// config has node i listen for peers on its bridge address and dial the
// others at theirs, and forwards its RPC addresses from the root
// namespace's loopback into its namespace.
func (lab *netLab) config(i int, f *config.File) {
	lab.t.Helper()
	lab.forward(i, f.Redmx.RPC.Address)
	lab.forward(i, strings.TrimPrefix(f.CometBFT.RPC.ListenAddress, "tcp://"))
	f.CometBFT.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", labAddr(i), labP2PPort)
	// devnet lists the other nodes as peers in node order.
	peers := strings.Split(f.CometBFT.P2P.PersistentPeers, ",")
	if len(peers) != len(lab.nodes)-1 {
		lab.t.Fatalf("node %d has %d peers, want %d", i, len(peers), len(lab.nodes)-1)
	}
	for k, p := range peers {
		j := k
		if k >= i {
			j++
		}
		id, _, ok := strings.Cut(p, "@")
		if !ok {
			lab.t.Fatalf("node %d: peer %q", i, p)
		}
		peers[k] = fmt.Sprintf("%s@%s:%d", id, labAddr(j), labP2PPort)
	}
	f.CometBFT.P2P.PersistentPeers = strings.Join(peers, ",")
}

// forward listens on addr in the root namespace and connects each client
// to addr in node i's namespace.
func (lab *netLab) forward(i int, addr string) {
	lab.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		lab.t.Fatalf("forwarder for node %d: %v", i, err)
	}
	lab.mu.Lock()
	lab.lns = append(lab.lns, ln)
	lab.mu.Unlock()
	lab.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			lab.wg.Go(func() { lab.relay(c, i, addr) })
		}
	})
}

func (lab *netLab) relay(c net.Conn, i int, addr string) {
	defer c.Close()
	up, err := lab.dial(i, addr, 3*time.Second)
	if err != nil {
		return // the client sees the connection closed, as if the node were down
	}
	defer up.Close()
	if !lab.track(c, up) {
		return
	}
	defer lab.untrack(c, up)
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done // either side closed: close both, which ends the other copy
	c.Close()
	up.Close()
	<-done
}

// track records open connections for close; false once the lab is closing.
func (lab *netLab) track(cs ...net.Conn) bool {
	lab.mu.Lock()
	defer lab.mu.Unlock()
	if lab.closed {
		return false
	}
	for _, c := range cs {
		lab.conns[c] = struct{}{}
	}
	return true
}

func (lab *netLab) untrack(cs ...net.Conn) {
	lab.mu.Lock()
	defer lab.mu.Unlock()
	for _, c := range cs {
		delete(lab.conns, c)
	}
}

// dial connects to addr from inside node i's namespace. The socket is made
// on an OS thread moved into that namespace; a socket keeps its namespace
// for life, so the thread is moved back at once. A thread that cannot go
// back stays locked to its goroutine and ends with it.
func (lab *netLab) dial(i int, addr string, timeout time.Duration) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	out := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		self, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			out <- result{nil, err}
			return
		}
		defer self.Close()
		if err := unix.Setns(int(lab.fds[i].Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			out <- result{nil, fmt.Errorf("enter %s: %w", lab.nodes[i], err)}
			return
		}
		c, err := net.DialTimeout("tcp", addr, timeout)
		if err2 := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err2 != nil {
			if c != nil {
				c.Close()
			}
			out <- result{nil, errors.Join(err, fmt.Errorf("leave %s: %w", lab.nodes[i], err2))}
			return
		}
		runtime.UnlockOSThread()
		out <- result{c, err}
	}()
	r := <-out
	return r.c, r.err
}

// reachable reports whether node i can open a TCP connection to node j's
// p2p port over the bridges.
func (lab *netLab) reachable(i, j int) bool {
	c, err := lab.dial(i, fmt.Sprintf("%s:%d", labAddr(j), labP2PPort), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
