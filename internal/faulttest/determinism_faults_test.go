//go:build faults

package faulttest_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// determinismEnv is each node's environment in the determinism row: the
// four validators, then the fresh node that replays the chain.
var determinismEnv = [][]string{
	{"GOMAXPROCS=1", "TZ=UTC", "LANG=C", "LC_ALL=C"},
	{"GOMAXPROCS=2", "TZ=America/Mexico_City", "LANG=es_MX.UTF-8", "LC_ALL=es_MX.UTF-8"},
	{"GOMAXPROCS=4", "TZ=Asia/Kolkata", "LANG=hi_IN.UTF-8", "LC_ALL=hi_IN.UTF-8"},
	{"GOMAXPROCS=8", "TZ=Pacific/Chatham", "LANG=de_DE.UTF-8", "LC_ALL=de_DE.UTF-8"},
	{"GOMAXPROCS=3", "TZ=America/St_Johns", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"},
}

// TestFaultDeterminism (row 12): four validators, each with another
// GOMAXPROCS, time zone and locale, run a mixed load (transfers, token
// deployments and token transfers) with the governance transactions that
// admit a fresh node as an observer; then that node, in an environment of
// its own, block-syncs the whole chain from height 1, executing every block.
// All five must hold the same CometBFT app hash and the same Ethereum block
// hash at every height.
func TestFaultDeterminism(t *testing.T) {
	parallel(t)
	fig := record(t, 12, "determinism: replay on a fresh node; GOMAXPROCS, TZ, locale")
	const fresh = 4 // index of the fresh node in determinismEnv

	// The fresh node's keys come first: governance admits it as an
	// observer during the load, so that the validators serve it blocks.
	freshHome := filepath.Join(t.TempDir(), "fresh")
	ccfg := config.CometBFTDefaults()
	ccfg.SetRoot(freshHome)
	nodeKey, _, err := node.CreateKeys(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	freshID := string(nodeKey.ID())
	withEnv := func(i int, cmd *exec.Cmd) {
		cmd.Env = append(os.Environ(), determinismEnv[i]...)
	}
	fn := startNet(t, netOptions{TimeoutCommit: 300 * time.Millisecond, Command: withEnv})
	c := fn.c
	for i, p := range fn.procs.List() {
		checkEnv(t, p, determinismEnv[i])
		fig.add("env "+c.names[i], "%s", strings.Join(determinismEnv[i], " "))
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	load := startMixedLoad(t, c, mixedSenders, 100*time.Millisecond)
	target := c.maxHeight(ctx, t, c.all()) + uint64(pick(40, 600))
	govTxs := admitObserver(t, testnet.DialGov(ctx, t, fn.net.Nodes[0].RPC), "academic", ed25519.PrivateKey(nodeKey.PrivKey.Bytes()))
	t.Logf("node %s admitted as an observer by %d governance transactions", freshID, govTxs)
	fig.add("governance", "the fresh node admitted as an observer by %d governance transactions under the load", govTxs)
	testnet.WaitFor(ctx, t, fmt.Sprintf("height %d under load", target), func() error {
		if err := load.failed(); err != nil {
			return devnet.Permanent(err)
		}
		if h := c.maxHeight(ctx, t, c.all()); h < target {
			return fmt.Errorf("at height %d", h)
		}
		return nil
	})
	load.stop(t)
	sent, mined, reverted, _ := load.totals()
	fig.add("transactions", "%d sent, %d mined, %d reverted", sent, mined, reverted)
	if sent != mined || reverted != 0 {
		t.Errorf("%d sent, %d mined, %d reverted; want every one mined with status 1", sent, mined, reverted)
	}
	top := c.maxHeight(ctx, t, c.all())

	// The fresh node: the network's genesis, the validators as persistent
	// peers, block sync from height 1.
	genesis, err := os.ReadFile(filepath.Join(fn.net.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ccfg.GenesisFile(), genesis, 0o600); err != nil {
		t.Fatal(err)
	}
	ports, err := devnet.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	info := &devnet.NodeInfo{Name: "fresh", HomeDir: "fresh", NodeID: freshID, RPC: ports[0], P2P: ports[1], CometRPC: ports[2]}
	info.Wire(ccfg, fn.net.Peers(-1))
	ccfg.Consensus.TimeoutCommit = 300 * time.Millisecond
	rcfg := config.Default()
	rcfg.RPC.Address = info.RPC
	if err := config.Write(config.Path(freshHome), ccfg, rcfg); err != nil {
		t.Fatal(err)
	}
	freshNet := &devnet.Network{Dir: filepath.Dir(freshHome), ChainID: fn.net.ChainID, Nodes: []*devnet.NodeInfo{info}}
	t.Cleanup(func() {
		if t.Failed() {
			logNodeLogs(t, freshNet)
		}
	})
	logger := slog.New(slog.NewTextHandler(t.Output(), nil)).With("module", "supervisor")
	start := time.Now()
	procs, err := devnet.StartProcessesWith(freshNet, fn.bin, logger, nil, func(_ int, cmd *exec.Cmd) { withEnv(fresh, cmd) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { procs.Stop(20 * time.Second) })
	all := &cluster{names: append(slices.Clone(c.names), info.Name), chainID: c.chainID}
	rc, err := gethrpc.DialOptions(ctx, "http://"+info.RPC, gethrpc.WithHTTPClient(&http.Client{Timeout: callTimeout}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	all.clients = append(append([]*gethrpc.Client(nil), c.clients...), rc)
	fig.add("env fresh", "%s", strings.Join(determinismEnv[fresh], " "))

	replayCtx, cancelReplay := context.WithTimeout(ctx, pick(3*time.Minute, 20*time.Minute))
	defer cancelReplay()
	p := procs.List()[0]
	checkEnv(t, p, determinismEnv[fresh])
	testnet.WaitFor(replayCtx, t, fmt.Sprintf("the fresh node to replay to height %d", top), func() error {
		if err := exitedEarly(p); err != nil {
			return devnet.Permanent(err)
		}
		h, err := all.blockNumber(replayCtx, fresh)
		if err != nil {
			return err
		}
		if h < top {
			return fmt.Errorf("at height %d", h)
		}
		return nil
	})
	replay := time.Since(start)
	fig.add("replay", "%d blocks in %.1f s (%.0f blocks/s)", top, replay.Seconds(), float64(top)/replay.Seconds())
	// It executed the chain from its first block, not from a snapshot.
	if lines := logLinesSince(p.LogPath, 0, `msg="block committed" module=app height=1 `); len(lines) == 0 {
		t.Errorf("the fresh node's log has no commit of block 1: it did not replay the whole chain")
	}

	// CometBFT's header at h+1 holds the app hash after block h; compare
	// heights 2..top, so every block 1..top-1 is covered, on all five.
	addrs := []string{}
	for _, n := range fn.net.Nodes {
		addrs = append(addrs, n.CometRPC)
	}
	addrs = append(addrs, info.CometRPC)
	var ref []cometHeader
	mismatches := 0
	for k, addr := range addrs {
		hs, err := cometHeaders(ctx, addr, 1, int64(top))
		if err != nil {
			t.Fatalf("%s: %v", all.names[k], err)
		}
		if k == 0 {
			ref = hs
			continue
		}
		for j := range hs {
			if hs[j].AppHash != ref[j].AppHash {
				if mismatches++; mismatches <= 10 {
					t.Errorf("height %d: %s has app hash %s, %s has %s", hs[j].Height, all.names[k], hs[j].AppHash, all.names[0], ref[j].AppHash)
				}
			}
		}
	}
	fig.add("app hashes compared", "heights 1..%d on %d nodes, %d mismatches", top, len(addrs), mismatches)
	n := noFork(ctx, t, all, all.all(), 1, top)
	fig.add("heights compared", "%d (Ethereum block hashes on %d nodes)", n, len(addrs))
}

// checkEnv checks that process p runs with every variable of env.
func checkEnv(t *testing.T, p *devnet.Process, env []string) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", p.PID))
	if err != nil {
		t.Fatalf("%s (pid %d): %v", p.Name, p.PID, err)
	}
	have := strings.Split(string(data), "\x00")
	for _, kv := range env {
		if !slices.Contains(have, kv) {
			t.Fatalf("%s (pid %d) runs without %s", p.Name, p.PID, kv)
		}
	}
}
