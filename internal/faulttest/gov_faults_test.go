//go:build faults

package faulttest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// opsGovMaxGap bounds the gap between blocks in row 10: a validator killed
// and restarted in a loop, and a new one admitted that must still sync
// from genesis, may slow the chain, never stop it.
const opsGovMaxGap = 15 * time.Second

// TestFaultGovernanceUnderFaults is row 10: while a validator (academic's,
// node1) is killed with SIGKILL and restarted in a loop, a fifth node, its
// own `redmx start` process, applies to be a validator of academic, is
// admitted by the votes docs/governance.md §3.1 requires (the collective's
// leader endorses, the Nodes Commission votes) and joins the set with half
// of academic's power; then the commission removes it by votes and it leaves
// the set. Every node shows the same validator set at every height, so each
// change at the same height on all; no gap between blocks exceeds
// opsGovMaxGap.
//
// The validator killed is academic's: the newcomer shares its collective's
// power, so whether it is down, or the newcomer still syncing, the others
// hold three quarters of the power and the chain goes on.
func TestFaultGovernanceUnderFaults(t *testing.T) {
	parallel(t)
	fig := record(t, 10, "governance under faults: admit a fifth node, remove a validator, one validator killed in a loop")
	fn := startNet(t, netOptions{TimeoutCommit: 300 * time.Millisecond})
	c := fn.c
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	const victim = 1 // academic's validator
	if fn.net.Nodes[victim].Collective != "academic" {
		t.Fatalf("node %d is of %s, not academic", victim, fn.net.Nodes[victim].Collective)
	}
	from := c.maxHeight(ctx, t, c.all())

	x := opsExtraNode(t, fn, "node4", "academic")
	xc := dialCluster(t, x.net)

	loop := opsKillLoop(t, fn, victim, 0, pick(2*time.Second, 5*time.Second), pick(2*time.Second, 3*time.Second))

	g := testnet.DialGov(ctx, t, fn.net.Nodes[0].RPC)
	nodes := devnet.RoleNameNodesCommission

	// Apply, endorse, admit.
	applicant := crypto.PubkeyToAddress(testnet.RoleKey(t, devnet.RoleNameMember, "academic").PublicKey)
	nodeKey, pub, nodeSig, keySig := x.application(applicant, "academic")
	res := g.Round(t, g.Do(t, devnet.RoleNameMember, "academic", "applyNode", "academic", nodeKey, governance.NodeValidator, "ed25519", pub,
		governance.KindInstitution, crypto.Keccak256Hash([]byte("a university")), crypto.Keccak256Hash([]byte("letter")),
		"https://example.org/letter", crypto.Keccak256Hash([]byte("adhesion")), "https://example.org/adhesion", nodeSig, keySig))[0]
	app := testnet.EventArg(t, res, "NodeApplied", "applicationId").(uint64)
	applied := res.Block
	g.Round(t, g.Do(t, devnet.RoleNameLeader, "academic", "endorse", app))
	var admitted uint64
	for _, coll := range []string{"public", "academic", "private"} {
		admitted = g.Round(t, g.Do(t, nodes, coll, "commissionVote", app, true))[0].Block
	}
	t.Logf("node4 admitted by the commission's votes in block %d", admitted)
	xaddr := strings.ToUpper(hex.EncodeToString(opsConsAddress(pub)))
	inSet := func(i int) (bool, error) {
		h, err := c.blockNumber(ctx, i)
		if err != nil {
			return false, err
		}
		vals, err := opsValidators(ctx, fn.net.Nodes[i].CometRPC, int64(h))
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(vals, func(v opsValidator) bool { return strings.EqualFold(v.Address, xaddr) }), nil
	}
	testnet.WaitFor(ctx, t, "node4 in the validator set", func() error {
		if in, err := inSet(0); err != nil || !in {
			return fmt.Errorf("not yet (%v)", err)
		}
		return nil
	})
	testnet.WaitFor(ctx, t, "node4 synced and signing", func() error {
		h, err := c.blockNumber(ctx, 0)
		if err != nil {
			return err
		}
		lc, err := opsLastCommit(ctx, fn.net.Nodes[0].CometRPC, int64(h), xaddr)
		if err != nil {
			return err
		}
		if lc != opsSigned {
			return fmt.Errorf("node4 not in block %d's last commit", h)
		}
		return nil
	})
	t.Logf("node4 signs blocks")

	// Removed by the commission's votes (suspended at once, as
	// docs/governance.md §3.1 says, until the plenary ratifies it).
	var nodeID [20]byte
	copy(nodeID[:], common.FromHex(x.info.NodeID))
	res = g.Round(t, g.Do(t, nodes, "public", "proposeNodeAction", nodeID, governance.ActionRemove, false, crypto.Keccak256Hash([]byte("removal under faults"))))[0]
	action := testnet.EventArg(t, res, "ActionProposed", "actionId").(uint64)
	var removed uint64
	for _, coll := range []string{"public", "academic", "private"} {
		removed = g.Round(t, g.Do(t, nodes, coll, "voteAction", action, true))[0].Block
	}
	t.Logf("node4's removal voted in block %d", removed)
	testnet.WaitFor(ctx, t, "node4 out of the validator set", func() error {
		if in, err := inSet(0); err != nil || in {
			return fmt.Errorf("still in (%v)", err)
		}
		return nil
	})
	outAt := c.height(ctx, t, 0)
	waitAdvance(ctx, t, c, []int{0}, 3)

	kills, down := loop.stop(t)
	t.Logf("%s killed %d times, down over heights %v", c.names[victim], kills, down)
	// A kill between the application and the removal's effect.
	if !slices.ContainsFunc(down, func(d [2]int64) bool { return d[1] >= int64(applied) && d[0] <= int64(outAt) }) {
		t.Fatalf("%s was not killed between the application (block %d) and the removal's effect (height %d): down over %v", c.names[victim], applied, outAt, down)
	}
	waitAdvance(ctx, t, c, c.all(), 2)
	to := c.maxHeight(ctx, t, c.all())
	opsWaitHeight(ctx, t, c, c.all(), to)

	// The set at every height, on every validator and on node4 for the
	// heights it has: the same everywhere.
	type change struct {
		height uint64
		set    string
	}
	var ref []change
	sets := func(name, cometRPC string, top uint64) []change {
		var out []change
		prev := ""
		for h := from; h <= top; h++ {
			vals, err := opsValidators(ctx, cometRPC, int64(h))
			if err != nil {
				t.Fatalf("%s /validators?height=%d: %v", name, h, err)
			}
			var parts []string
			for _, v := range vals {
				parts = append(parts, v.Address+":"+v.Power)
			}
			slices.Sort(parts)
			if s := strings.Join(parts, ","); s != prev {
				out, prev = append(out, change{h, s}), s
			}
		}
		return out
	}
	for _, i := range c.all() {
		got := sets(c.names[i], fn.net.Nodes[i].CometRPC, to)
		if ref == nil {
			ref = got
			continue
		}
		if !slices.Equal(got, ref) {
			t.Fatalf("validator sets over heights %d-%d: %s has changes %v, %s has %v", from, to, c.names[i], got, c.names[0], ref)
		}
	}
	if len(ref) != 3 {
		t.Fatalf("validator set changes over heights %d-%d: %v; want the first set, node4 in, node4 out", from, to, ref)
	}
	joined, left := ref[1].height, ref[2].height
	if !strings.Contains(ref[1].set, xaddr) || strings.Contains(ref[2].set, xaddr) {
		t.Fatalf("validator set changes: %v; want node4 (%s) in at the first, out at the second", ref, xaddr)
	}
	xtop, err := xc.blockNumber(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	xtop = min(xtop, to)
	if xgot := sets("node4", x.info.CometRPC, xtop); !slices.Equal(xgot, ref[:len(xgot)]) {
		t.Fatalf("node4's validator sets over heights %d-%d: %v, the validators' %v", from, xtop, xgot, ref)
	}
	t.Logf("on every node: node4 joined the set at height %d (admitted in block %d), left it at %d (removal voted in block %d); node4 agrees up to its height %d",
		joined, admitted, left, removed, xtop)

	gap, at := opsLongestGap(ctx, t, fn.net.Nodes[0].CometRPC, from, to, nil)
	t.Logf("longest gap between blocks %d-%d: %s (before %d)", from, to, gap, at)
	if gap > opsGovMaxGap {
		t.Errorf("a gap of %s between blocks %d and %d", gap, at-1, at)
	}
	compared := noFork(ctx, t, c, c.all(), 1, to)

	fig.add("admitted", "voted in block %d, in the set from height %d on every node", admitted, joined)
	fig.add("removed", "voted in block %d, out of the set from height %d on every node", removed, left)
	fig.add("kills of node1", "%d, down over heights %v", kills, down)
	fig.add("longest gap between blocks", "%s", gap)
	fig.add("heights compared", "%d (sets on 4 validators, %d on node4)", compared, xtop-from+1)
}

// opsConsAddress is CometBFT's address of an ed25519 consensus key.
func opsConsAddress(pub []byte) []byte {
	a := governance.ConsensusAddress(pub)
	return a[:]
}

// opsExtra is a node started after the network, not in its genesis, run
// as its own `redmx start` process.
type opsExtra struct {
	info     *devnet.NodeInfo
	net      *devnet.Network // the node alone, for its process
	procs    *devnet.Processes
	nodePriv ed25519.PrivateKey
	consPriv ed25519.PrivateKey
	consPub  []byte
}

// opsExtraNode lays out one more node of fn's network in its directory
// (its own keys, the network's genesis and configuration, free loopback
// ports, every validator as a persistent peer) and starts it. It is
// stopped when t ends.
func opsExtraNode(t *testing.T, fn *faultNet, name, collective string) *opsExtra {
	t.Helper()
	home := filepath.Join(fn.net.Dir, name)
	f, err := config.LoadFile(fn.net.Home(0))
	if err != nil {
		t.Fatal(err)
	}
	ccfg, rcfg := f.CometBFT, f.Redmx
	ccfg.SetRoot(home)
	nodeKey, pv, err := node.CreateKeys(ccfg)
	if err != nil {
		t.Fatalf("%s: keys: %v", name, err)
	}
	gen, err := os.ReadFile(filepath.Join(fn.net.Home(0), "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ccfg.GenesisFile(), gen, 0o600); err != nil {
		t.Fatal(err)
	}
	free, err := devnet.FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	info := &devnet.NodeInfo{Name: name, Collective: collective, HomeDir: name, NodeID: string(nodeKey.ID()), RPC: free[0], P2P: free[1], CometRPC: free[2]}
	info.Wire(ccfg, fn.net.Peers(-1))
	rcfg.RPC.Address = info.RPC
	if err := config.Write(config.Path(home), ccfg, rcfg); err != nil {
		t.Fatal(err)
	}
	alone := &devnet.Network{Dir: fn.net.Dir, ChainID: fn.net.ChainID, ChainName: fn.net.ChainName, Nodes: []*devnet.NodeInfo{info}}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil)).With("module", "supervisor")
	t.Cleanup(func() {
		if t.Failed() {
			logNodeLogs(t, alone)
		}
	})
	procs, err := devnet.StartProcesses(alone, fn.bin, logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { procs.Stop(20 * time.Second) })
	return &opsExtra{info: info, net: alone, procs: procs,
		nodePriv: ed25519.PrivateKey(nodeKey.PrivKey.Bytes()),
		consPriv: ed25519.PrivateKey(pv.Key.PrivKey.Bytes()),
		consPub:  pv.Key.PubKey.Bytes()}
}

// application is what applyNode needs to apply for the node as a validator
// of collective, sent by applicant: its p2p key, its consensus key, and
// both keys' signatures of the application (proof of possession).
func (x *opsExtra) application(applicant common.Address, collective string) (nodeKey [32]byte, pubKey, nodeSig, keySig []byte) {
	nodeKey = [32]byte(x.nodePriv.Public().(ed25519.PublicKey))
	msg := governance.NodeApplicationMessage(applicant, collective, nodeKey, governance.NodeValidator, governance.KeyTypeEd25519, x.consPub)
	return nodeKey, x.consPub, governance.SignNodeApplication(x.nodePriv, msg), governance.SignNodeApplication(x.consPriv, msg)
}

// opsLoop kills a validator with SIGKILL and restarts it, again and again,
// until stopped.
type opsLoop struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	kills  int
	down   [][2]int64 // heights (of another node) at each kill and return
	err    error
	told   bool // err reported
}

// opsKillLoop starts killing node v, at once: down for `down`, then up
// until it has finalised a block and for `up` more, then killed again. The
// heights it records are node other's. The loop stops, with v running,
// when t ends if not before.
func opsKillLoop(t *testing.T, fn *faultNet, v, other int, down, up time.Duration) *opsLoop {
	ctx, cancel := context.WithCancel(t.Context())
	l := &opsLoop{cancel: cancel, done: make(chan struct{})}
	t.Cleanup(func() { l.stop(t) }) // before startNet's, which stops the processes
	sleep := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	height := func() int64 { // also while the loop stops
		hctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		h, _ := devnet.CometHeight(hctx, fn.net.Nodes[other].CometRPC)
		return h
	}
	go func() {
		defer close(l.done)
		const maxKills = 1000 // far more than the test's minutes allow
		for k := range maxKills {
			if k > 0 && !sleep(up) {
				return
			}
			p := fn.procs.List()[v]
			if err := syscall.Kill(p.PID, syscall.SIGKILL); err != nil {
				l.fail(fmt.Errorf("kill %s (pid %d): %w", p.Name, p.PID, err))
				return
			}
			select {
			case <-p.Exited():
			case <-time.After(phaseTimeout):
				l.fail(fmt.Errorf("%s (pid %d) still runs %s after SIGKILL", p.Name, p.PID, phaseTimeout))
				return
			}
			killedAt := height()
			l.mu.Lock()
			l.kills++
			l.mu.Unlock()
			sleep(down) // and restart even when stopping: v is left running
			q, err := fn.procs.Restart(v)
			if err != nil {
				l.fail(fmt.Errorf("restart %s: %w", p.Name, err))
				return
			}
			// Up until its CometBFT has a block past the one it had.
			wctx, wcancel := context.WithTimeout(context.Background(), phaseTimeout)
			first := int64(-1)
			err = devnet.Poll(wctx, q.Name+" back", func() error {
				if err := exitedEarly(q); err != nil {
					return devnet.Permanent(err)
				}
				h, err := devnet.CometHeight(wctx, fn.net.Nodes[v].CometRPC)
				if err != nil {
					return err
				}
				if first < 0 {
					first = h
				}
				if h <= first {
					return fmt.Errorf("%s at %d", q.Name, h)
				}
				return nil
			})
			wcancel()
			if err != nil {
				l.fail(err)
				return
			}
			l.mu.Lock()
			l.down = append(l.down, [2]int64{killedAt, height()})
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *opsLoop) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
	}
}

// stop ends the loop, with its node running, and returns how many times
// it killed it and the heights it was down over; a failure of the loop
// fails t.
func (l *opsLoop) stop(t *testing.T) (int, [][2]int64) {
	t.Helper()
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil && !l.told {
		l.told = true
		t.Error(l.err)
	}
	return l.kills, l.down
}
