package testnet

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
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

// Network is a development network ([devnet.Network]) whose nodes [Start]
// runs in this process.
type Network struct {
	*devnet.Network
	inproc []*inprocNode
}

type inprocNode struct {
	node   *node.Node
	logger *slog.Logger
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
	err    error         // what Run returned, set before done is closed
	seen   bool          // the test read the exit with WaitExit
}

// Start generates a network in t.TempDir() with free loopback ports and runs
// every node in this process. The nodes are stopped by t.Cleanup; a node
// that fails while the test runs is reported there, unless the test read
// its exit with [Network.WaitExit].
func Start(t TB, cfg devnet.Config) *Network {
	t.Helper()
	return StartWith(t, cfg, nil)
}

// StartWith is [Start] with edit applied to each node's config.toml (node
// i's) before the nodes start; nil edits nothing.
func StartWith(t TB, cfg devnet.Config, edit func(i int, f *config.File)) *Network {
	t.Helper()
	cfg.Ports = devnet.Ports{}
	layout, err := devnet.Generate(t.TempDir(), cfg)
	if err != nil {
		t.Fatalf("generate network: %v", err)
	}
	for i := range layout.Nodes {
		if edit == nil {
			break
		}
		home := layout.Home(i)
		f, err := config.LoadFile(home)
		if err != nil {
			t.Fatalf("%s: %v", layout.Nodes[i].Name, err)
		}
		edit(i, f)
		if err := config.Write(config.Path(home), f.CometBFT, f.Redmx); err != nil {
			t.Fatalf("%s: %v", layout.Nodes[i].Name, err)
		}
	}
	net := &Network{Network: layout}
	logOut := &tbWriter{t: t}
	t.Cleanup(logOut.close) // registered first, so it runs after the nodes stop
	net.inproc = make([]*inprocNode, len(net.Nodes))
	t.Cleanup(func() { net.stopInProcess(t) })
	for i, info := range net.Nodes {
		logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: logLevel(cfg.LogLevel)})).With("node", info.Name)
		net.runInProcess(t, i, logger)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for i := range net.inproc {
		if err := net.waitReady(ctx, i); err != nil {
			t.Fatalf("%v", err)
		}
	}
	return net
}

// runInProcess makes node i from its home and runs it until its context
// is cancelled.
func (n *Network) runInProcess(t TB, i int, logger *slog.Logger, opts ...node.Option) {
	t.Helper()
	nd, err := node.New(n.Home(i), logger, opts...)
	if err != nil {
		t.Fatalf("%s: %v", n.Nodes[i].Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &inprocNode{node: nd, logger: logger, cancel: cancel, done: make(chan struct{})}
	n.inproc[i] = in
	go func() {
		in.err = nd.Run(ctx)
		close(in.done)
	}()
}

// waitReady waits until node i serves RPC, or fails if it stops first.
func (n *Network) waitReady(ctx context.Context, i int) error {
	in := n.inproc[i]
	select {
	case <-in.node.Ready():
		n.Nodes[i].RPC = in.node.RPCAddr().String()
		return nil
	case <-in.done:
		return fmt.Errorf("%s stopped while starting: %w", n.Nodes[i].Name, in.err)
	case <-ctx.Done():
		return fmt.Errorf("%s did not start within %s", n.Nodes[i].Name, startTimeout)
	}
}

// Node returns the i-th in-process node, or nil if the network does not run
// in this process.
func (n *Network) Node(i int) *node.Node {
	if i >= len(n.inproc) || n.inproc[i] == nil {
		return nil
	}
	return n.inproc[i].node
}

// WaitExit waits until in-process node i stops by itself and returns what
// its Run returned; it fails t when ctx ends first. The cleanup then does
// not report that exit: the test has seen it.
func (n *Network) WaitExit(ctx context.Context, t TB, i int) error {
	t.Helper()
	in := n.inproc[i]
	select {
	case <-in.done:
		in.seen = true
		return in.err
	case <-ctx.Done():
		t.Fatalf("waiting for %s to stop: %v", n.Nodes[i].Name, context.Cause(ctx))
		return nil
	}
}

// Restart runs in-process node i again, from its home, after it stopped
// (read with [Network.WaitExit]), made with opts. It waits until the node
// serves RPC or stops while starting; [Network.WaitExit] reads the latter.
func (n *Network) Restart(t TB, i int, opts ...node.Option) {
	t.Helper()
	old := n.inproc[i]
	select {
	case <-old.done:
	default:
		t.Fatalf("restart of %s, which still runs", n.Nodes[i].Name)
	}
	n.runInProcess(t, i, old.logger, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	in := n.inproc[i]
	select {
	case <-in.node.Ready():
		n.Nodes[i].RPC = in.node.RPCAddr().String()
	case <-in.done:
	case <-ctx.Done():
		t.Fatalf("%s did not start within %s", n.Nodes[i].Name, startTimeout)
	}
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
		case <-in.done:
			if in.err != nil && !in.seen {
				t.Fatalf("%s: %v", n.Nodes[i].Name, in.err)
			}
		case <-deadline:
			t.Fatalf("%s did not stop within %s", n.Nodes[i].Name, stopTimeout)
		}
	}
}
