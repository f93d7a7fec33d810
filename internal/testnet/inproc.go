package testnet

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redmx/redmx/node"
)

// TB is the part of testing.TB the in-process runner needs. *testing.T
// satisfies it; the package does not import testing.
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// startTimeout bounds the start of every node of an in-process network, and
// stopTimeout their stop.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 30 * time.Second
)

type inprocNode struct {
	node   *node.Node
	cancel context.CancelFunc
	done   chan error
}

// Start generates a network in t.TempDir() with free loopback ports and runs
// every node in this process. The nodes are stopped by t.Cleanup; a node
// that fails while the test runs is reported there.
func Start(t TB, cfg Config) *Network {
	t.Helper()
	cfg.Ports = Ports{}
	net, err := Generate(t.TempDir(), cfg)
	if err != nil {
		t.Fatalf("generate network: %v", err)
	}
	logOut := &tbWriter{t: t}
	t.Cleanup(logOut.close) // registered first, so it runs after the nodes stop
	net.inproc = make([]*inprocNode, len(net.Nodes))
	t.Cleanup(func() { net.stopInProcess(t) })
	for i, info := range net.Nodes {
		logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: logLevel(cfg.LogLevel)})).With("node", info.Name)
		n, err := node.New(net.Home(i), logger)
		if err != nil {
			t.Fatalf("%s: %v", info.Name, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		in := &inprocNode{node: n, cancel: cancel, done: make(chan error, 1)}
		net.inproc[i] = in
		go func() { in.done <- n.Run(ctx) }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for i, in := range net.inproc {
		select {
		case <-in.node.Ready():
			net.Nodes[i].RPC = in.node.RPCAddr().String()
		case err := <-in.done:
			in.done <- err // for stopInProcess
			t.Fatalf("%s stopped while starting: %v", net.Nodes[i].Name, err)
		case <-ctx.Done():
			t.Fatalf("%s did not start within %s", net.Nodes[i].Name, startTimeout)
		}
	}
	return net
}

// Node returns the i-th in-process node, or nil if the network does not run
// in this process.
func (n *Network) Node(i int) *node.Node {
	if i >= len(n.inproc) || n.inproc[i] == nil {
		return nil
	}
	return n.inproc[i].node
}

func (n *Network) stopInProcess(t TB) {
	for _, in := range n.inproc {
		if in != nil {
			in.cancel()
		}
	}
	deadline := time.After(stopTimeout)
	for i, in := range n.inproc {
		if in == nil {
			continue
		}
		select {
		case err := <-in.done:
			if err != nil {
				t.Fatalf("%s: %v", n.Nodes[i].Name, err)
			}
		case <-deadline:
			t.Fatalf("%s did not stop within %s", n.Nodes[i].Name, stopTimeout)
		}
	}
}

// logLevel is the level of an in-process node's logger: cfg.LogLevel, or info.
func logLevel(name string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// tbWriter sends log lines to t.Logf until the test's cleanup closes it;
// CometBFT goroutines that log after that are dropped, not a panic.
type tbWriter struct {
	t      TB
	mu     sync.Mutex
	closed atomic.Bool
}

func (w *tbWriter) Write(p []byte) (int, error) {
	if w.closed.Load() {
		return len(p), nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed.Load() {
		w.t.Logf("%s", bytes.TrimRight(p, "\n"))
	}
	return len(p), nil
}

func (w *tbWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed.Store(true)
}
