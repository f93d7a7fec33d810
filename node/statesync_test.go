package node_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/cli"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// observer is a node, not in genesis, started in this process from a home
// the test lays out: the validators are its persistent peers.
type observer struct {
	home   string
	logger *slog.Logger
	node   *node.Node
	cancel context.CancelFunc
	done   chan error
}

// newObserverHome lays out a home for a node that joins net. With
// stateSync, `redmx init --state-sync-from` makes it, from two validators'
// CometBFT RPC.
func newObserverHome(t *testing.T, net *testnet.Network, name string, stateSync bool) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), name)
	gen := filepath.Join(net.Home(0), "config", "genesis.json")
	free, err := devnet.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"init", "--home", home, "--genesis", gen, "--moniker", name, "--rpc.addr", free[0]}
	if stateSync {
		args = append(args, "--state-sync-from", "http://"+net.Nodes[0].CometRPC+",http://"+net.Nodes[1].CometRPC)
	}
	var out bytes.Buffer
	root := cli.NewRoot()
	root.SetArgs(args)
	root.SetOut(&out)
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("redmx %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	if stateSync && !strings.Contains(out.String(), "compare the trust hash") {
		t.Fatalf("init --state-sync-from does not tell the operator to check the hash:\n%s", out.String())
	}
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	if f.CometBFT.StateSync.Enable != stateSync {
		t.Fatalf("statesync.enable = %v after init", f.CometBFT.StateSync.Enable)
	}
	nodeKey, _, err := node.LoadKeys(f.CometBFT)
	if err != nil {
		t.Fatal(err)
	}
	// Loopback ports and the validators as peers, as a devnet node has.
	info := &devnet.NodeInfo{Name: name, HomeDir: name, NodeID: string(nodeKey.ID()), RPC: free[0], P2P: free[1], CometRPC: free[2]}
	info.Wire(f.CometBFT, net.Peers(-1))
	v, err := config.LoadFile(net.Home(0))
	if err != nil {
		t.Fatal(err)
	}
	f.CometBFT.Consensus.TimeoutCommit = v.CometBFT.Consensus.TimeoutCommit
	f.CometBFT.StateSync.DiscoveryTime = 5 * time.Second // CometBFT's least
	if err := config.Write(config.Path(home), f.CometBFT, f.Redmx); err != nil {
		t.Fatal(err)
	}
	return home
}

// start runs the node of home until stop; it fails t if the node does not
// serve RPC within a minute.
func startObserver(t *testing.T, home string) *observer {
	t.Helper()
	o := &observer{home: home, done: make(chan error, 1),
		logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", filepath.Base(home))}
	nd, err := node.New(home, o.logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	o.node, o.cancel = nd, cancel
	go func() { o.done <- nd.Run(ctx) }()
	t.Cleanup(func() { o.stop(t) })
	select {
	case <-nd.Ready():
	case err := <-o.done:
		o.done <- err
		t.Fatalf("%s stopped while starting: %v", home, err)
	case <-time.After(time.Minute):
		t.Fatalf("%s did not start within a minute", home)
	}
	return o
}

func (o *observer) stop(t *testing.T) {
	if o.cancel == nil {
		return
	}
	o.cancel()
	o.cancel = nil
	select {
	case err := <-o.done:
		if err != nil {
			t.Errorf("%s: %v", o.home, err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30 s", o.home)
	}
}

func (o *observer) client(t *testing.T) *ethclient.Client {
	t.Helper()
	c, err := ethclient.Dial("http://" + o.node.RPCAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestStateSync runs four validators that write a snapshot every 20
// heights, and a fifth node that joins by state sync: it restores the newest
// snapshot, verified by CometBFT's light client against two validators,
// never executes the blocks below it, follows the chain and answers like
// the validators. It restarts from its own store. A node that replays from
// genesis to the same height is timed beside it.
func TestStateSync(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-validator network and two more nodes")
	}
	t.Parallel() // mostly waits on block times, beside the other long network tests
	const interval = 20
	net := testnet.StartWith(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond, NoGovernance: true}, func(_ int, f *config.File) {
		f.Redmx.Snapshot.Interval = interval
	})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	clients := dialAll(ctx, t, net)
	key := ethtest.DevKey(0)
	funded := common.HexToAddress("0x00000000000000000000000000000000005ca1ab")
	nonce := uint64(0)
	pay := func(c *ethclient.Client) {
		t.Helper()
		sendAndWait(ctx, t, c, ethtest.Transfer(key, net.ChainID, nonce, funded, big.NewInt(1e15)))
		nonce++
	}
	pay(clients[0])
	height := func(c *ethclient.Client) uint64 {
		t.Helper()
		n, err := c.BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Past two snapshots, and the two blocks above the second that the
	// light client verifies it with.
	waitFor(ctx, t, "height 2*interval+3", func() bool { return height(clients[0]) >= 2*interval+3 })
	pay(clients[1])

	start := time.Now()
	synced := startObserver(t, newObserverHome(t, net, "synced", true))
	sc := synced.client(t)
	var joined uint64
	waitFor(ctx, t, "the state-synced node at a snapshot height or above", func() bool {
		n, err := sc.BlockNumber(ctx)
		if err == nil && n >= 2*interval {
			joined = n
			return true
		}
		return false
	})
	took := time.Since(start)
	t.Logf("state sync: joined at height %d in %s (chain at %d)", joined, took.Round(time.Millisecond), height(clients[0]))

	t.Run("never executed the blocks below the snapshot", func(t *testing.T) {
		for _, n := range []int64{0, 1, interval} {
			if _, err := sc.BlockByNumber(ctx, big.NewInt(n)); !errors.Is(err, ethereum.NotFound) {
				t.Fatalf("block %d on the synced node: %v, want not found", n, err)
			}
		}
		if _, err := sc.BalanceAt(ctx, funded, big.NewInt(1)); err == nil {
			t.Fatal("state of block 1 served by the synced node")
		}
	})

	t.Run("follows new blocks and answers like the validators", func(t *testing.T) {
		pay(clients[2])
		head := height(clients[2])
		waitFor(ctx, t, "the synced node at the validators' head", func() bool { return height(sc) >= head })
		want, err := clients[3].BalanceAt(ctx, funded, new(big.Int).SetUint64(head))
		if err != nil {
			t.Fatal(err)
		}
		got, err := sc.BalanceAt(ctx, funded, new(big.Int).SetUint64(head))
		if err != nil || got.Cmp(want) != 0 || want.Sign() == 0 {
			t.Fatalf("balance at %d on the synced node: %v, %v; validators say %v", head, got, err, want)
		}
		if base := synced.node.CometBFT().BlockStore().Base(); base <= interval {
			t.Fatalf("CometBFT's block store starts at %d, below the snapshot", base)
		}
		b1, err := sc.BlockByNumber(ctx, new(big.Int).SetUint64(head))
		if err != nil {
			t.Fatal(err)
		}
		b2, err := clients[0].BlockByNumber(ctx, new(big.Int).SetUint64(head))
		if err != nil || b1.Hash() != b2.Hash() {
			t.Fatalf("block %d: synced %s, validator %v %v", head, b1.Hash(), b2, err)
		}
	})

	t.Run("restarts from its own store", func(t *testing.T) {
		synced.stop(t)
		again := startObserver(t, synced.home)
		c := again.client(t)
		pay(clients[0])
		head := height(clients[0])
		waitFor(ctx, t, "the restarted node at the validators' head", func() bool { return height(c) >= head })
		if _, err := c.BlockByNumber(ctx, big.NewInt(1)); !errors.Is(err, ethereum.NotFound) {
			t.Fatalf("block 1 after restart: %v", err)
		}
	})

	t.Run("time to join vs a full replay", func(t *testing.T) {
		target := height(clients[0])
		start := time.Now()
		replay := startObserver(t, newObserverHome(t, net, "replay", false))
		rc := replay.client(t)
		waitFor(ctx, t, "the replaying node at the validators' height", func() bool { return height(rc) >= target })
		t.Logf("state sync joined in %s; a full replay to height %d took %s", took.Round(time.Millisecond), target, time.Since(start).Round(time.Millisecond))
	})
}

// TestStateSyncJoinTime measures how long a node takes to join a network at
// height $REDMX_STATESYNC_HEIGHT by state sync and by replaying every block
// from genesis, one after the other. It runs only when the variable is set:
// it takes minutes.
func TestStateSyncJoinTime(t *testing.T) {
	target, err := strconv.ParseUint(os.Getenv("REDMX_STATESYNC_HEIGHT"), 10, 64)
	if err != nil || target < 100 {
		t.Skip("set REDMX_STATESYNC_HEIGHT (at least 100) to measure joining at that height")
	}
	interval := target / 2
	net := testnet.StartWith(t, devnet.Config{Validators: 4, TimeoutCommit: 50 * time.Millisecond, NoGovernance: true}, func(_ int, f *config.File) {
		f.Redmx.Snapshot.Interval = interval
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	clients := dialAll(ctx, t, net)
	height := func(c *ethclient.Client) uint64 {
		t.Helper()
		n, err := c.BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Some state: 400 funded accounts.
	for k := range 4 {
		key := ethtest.DevKey(k)
		for i := range uint64(100) {
			tx := ethtest.Transfer(key, net.ChainID, i, common.BigToAddress(new(big.Int).SetUint64(0x100000+uint64(k)*1000+i)), big.NewInt(1))
			if err := clients[k].SendTransaction(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
	}
	start := time.Now()
	waitFor(ctx, t, "the target height", func() bool { return height(clients[0]) >= target+3 })
	t.Logf("chain at %d after %s", height(clients[0]), time.Since(start).Round(time.Second))

	join := func(name string, stateSync bool) (time.Duration, uint64) {
		at := height(clients[0])
		start := time.Now()
		o := startObserver(t, newObserverHome(t, net, name, stateSync))
		c := o.client(t)
		waitFor(ctx, t, name+" at the validators' height", func() bool { return height(c) >= at })
		took := time.Since(start)
		o.stop(t)
		return took, at
	}
	syncTook, syncAt := join("synced", true)
	replayTook, replayAt := join("replay", false)
	t.Logf("joined by state sync at height %d in %s; by replaying from genesis to height %d in %s",
		syncAt, syncTook.Round(time.Millisecond), replayAt, replayTook.Round(time.Millisecond))
}
