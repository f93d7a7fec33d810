package testnet

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/node"
)

// Extra is a node added to a running in-process network: not in genesis, so
// governance must admit it before the others let it connect or it validates.
type Extra struct {
	Info   *devnet.NodeInfo
	Home   string
	PubKey crypto.PubKey // consensus key
	Node   *node.Node
	stop   context.CancelFunc
	done   chan error
	once   sync.Once

	nodePriv, consPriv crypto.PrivKey
}

// AddNode lays out and starts, in this process, one more node of the network
// with its own keys, the network's genesis, free loopback ports, and every
// existing node as a persistent peer. It is stopped by t.Cleanup.
func (n *Network) AddNode(t TB, name, collective string) *Extra {
	t.Helper()
	return n.AddNodeLogging(t, name, collective, nil)
}

// AddNodeLogging is [Network.AddNode] with the node's log also written to
// log (nil: the test's log only), for a test that reads what the node says.
func (n *Network) AddNodeLogging(t TB, name, collective string, log io.Writer) *Extra {
	t.Helper()
	home := filepath.Join(n.Dir, name)
	ccfg := config.CometBFTDefaults()
	ccfg.SetRoot(home)
	nodeKey, pv, err := node.CreateKeys(ccfg)
	if err != nil {
		t.Fatalf("%s: keys: %v", name, err)
	}
	genesis, err := os.ReadFile(filepath.Join(n.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatalf("%s: genesis: %v", name, err)
	}
	if err := os.WriteFile(ccfg.GenesisFile(), genesis, 0o600); err != nil {
		t.Fatalf("%s: genesis: %v", name, err)
	}
	free, err := devnet.FreePorts(3)
	if err != nil {
		t.Fatalf("%s: ports: %v", name, err)
	}
	info := &devnet.NodeInfo{Name: name, Collective: collective, HomeDir: name, NodeID: string(nodeKey.ID()), RPC: free[0], P2P: free[1], CometRPC: free[2]}
	var existing cmtcfg.Config
	if f, err := config.LoadFile(n.Home(0)); err == nil {
		existing = *f.CometBFT
	} else {
		t.Fatalf("%s: %v", name, err)
	}
	info.Wire(ccfg, n.Peers(-1))
	ccfg.Consensus.TimeoutCommit = existing.Consensus.TimeoutCommit
	rcfg := config.Default()
	rcfg.RPC.Address = info.RPC
	if err := config.Write(config.Path(home), ccfg, rcfg); err != nil {
		t.Fatalf("%s: config: %v", name, err)
	}

	logOut := &tbWriter{t: t}
	t.Cleanup(logOut.close) // registered first, so it runs after the node stops
	var out io.Writer = logOut
	if log != nil {
		out = io.MultiWriter(logOut, log)
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo})).With("node", name)
	nd, err := node.New(home, logger)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	x := &Extra{Info: info, Home: home, PubKey: pv.Key.PubKey, Node: nd, stop: cancel, done: make(chan error, 1),
		nodePriv: nodeKey.PrivKey, consPriv: pv.Key.PrivKey}
	go func() { x.done <- nd.Run(ctx) }()
	t.Cleanup(func() { x.Stop(t) })
	wait, cancelWait := context.WithTimeout(context.Background(), startTimeout)
	defer cancelWait()
	select {
	case <-nd.Ready():
		info.RPC = nd.RPCAddr().String()
	case err := <-x.done:
		x.done <- err
		t.Fatalf("%s stopped while starting: %v", name, err)
	case <-wait.Done():
		t.Fatalf("%s did not start within %s", name, startTimeout)
	}
	return x
}

// Stop stops the extra node and reports an error it ended with. Later calls
// do nothing.
func (x *Extra) Stop(t TB) {
	x.once.Do(func() {
		x.stop()
		select {
		case err := <-x.done:
			if err != nil {
				t.Fatalf("%s: %v", x.Info.Name, err)
			}
		case <-time.After(stopTimeout):
			t.Fatalf("%s did not stop within %s", x.Info.Name, stopTimeout)
		}
	})
}

// String names the node for messages.
func (x *Extra) String() string { return fmt.Sprintf("%s (%s)", x.Info.Name, x.Info.NodeID) }
