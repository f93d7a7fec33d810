//go:build faults

package faulttest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
)

// The fault suite (README.md in this directory): tests built with the tag
// "faults", each starting real `redmx start` processes and injecting one
// fault of docs/faults.md's table. REDMX_FAULTS=long runs the long version
// (the soak for 30 minutes, every fault at its full length); otherwise the
// short one, which CI runs. REDMX_FAULTS_REPORT names a file that receives
// one JSON line per fault with its figures, from which scripts/faults
// writes the table.

// long reports whether the suite runs its long version.
var long = os.Getenv("REDMX_FAULTS") == "long"

// pick is short in the short version of the suite, long in the long one.
func pick[T any](short, long_ T) T {
	if long {
		return long_
	}
	return short
}

// parallel lets the short version run its faults side by side (as many at
// once as go test's -parallel, GOMAXPROCS by default): each mostly waits on
// block times and timeouts, and sets what its processes need on their own
// commands, never in this process's environment. The soak, whose latency
// bound is a check, stays sequential and so runs alone before the others.
// The long version runs one fault at a time.
func parallel(t *testing.T) {
	if !long {
		t.Parallel()
	}
}

// figure is one measured value of a fault's run, as the table shows it.
type figure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// result is one fault's line in the report file.
type result struct {
	Row     int      `json:"row"`
	Fault   string   `json:"fault"`
	Mode    string   `json:"mode"` // short or long
	Passed  bool     `json:"passed"`
	Figures []figure `json:"figures"`
}

// figures collects a fault's figures; the test's outcome and the figures
// are written to the report when the test ends.
type figures struct {
	mu  sync.Mutex
	res result
}

var reportMu sync.Mutex

// record starts the report of table row row (docs/faults.md) for test t.
func record(t *testing.T, row int, fault string) *figures {
	f := &figures{res: result{Row: row, Fault: fault, Mode: pick("short", "long")}}
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.res.Passed = !t.Failed()
		line, err := json.Marshal(f.res)
		if err != nil {
			t.Errorf("report: %v", err)
			return
		}
		t.Logf("fault report: %s", line)
		path := os.Getenv("REDMX_FAULTS_REPORT")
		if path == "" {
			return
		}
		reportMu.Lock()
		defer reportMu.Unlock()
		out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			t.Errorf("report: %v", err)
			return
		}
		defer out.Close()
		if _, err := out.Write(append(line, '\n')); err != nil {
			t.Errorf("report: %v", err)
		}
	})
	return f
}

// add records a figure (a later one of the same name replaces it).
func (f *figures) add(name, format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := fmt.Sprintf(format, args...)
	for i := range f.res.Figures {
		if f.res.Figures[i].Name == name {
			f.res.Figures[i].Value = v
			return
		}
	}
	f.res.Figures = append(f.res.Figures, figure{name, v})
}

// netOptions describe a fault test's network.
type netOptions struct {
	Validators    int           // default 4
	TimeoutCommit time.Duration // default 500 ms
	GovParams     map[string]uint64
	// Config, if set, edits node i's configuration before the first start.
	Config func(i int, f *config.File)
	// Command, if set, edits node i's command before every start and
	// restart (another binary, environment, a network namespace).
	Command func(i int, cmd *exec.Cmd)
}

// faultNet is a running network of `redmx start` processes.
type faultNet struct {
	bin   string
	net   *devnet.Network
	procs *devnet.Processes
	c     *cluster
}

// startNet builds the redmx binary (once per test binary), generates a
// network, starts every node as its own process and waits until each
// answers and commits blocks. Everything is stopped, by PID, when t ends;
// a failed test logs the nodes' error lines and log tails.
func startNet(t *testing.T, o netOptions) *faultNet {
	t.Helper()
	if o.Validators == 0 {
		o.Validators = 4
	}
	if o.TimeoutCommit == 0 {
		o.TimeoutCommit = 500 * time.Millisecond
	}
	bin := testnet.BuildRedmx(t)
	net, err := devnet.Generate(filepath.Join(t.TempDir(), "net"), devnet.Config{
		Validators: o.Validators, TimeoutCommit: o.TimeoutCommit, GovParams: o.GovParams,
	})
	if err != nil {
		t.Fatalf("generate network: %v", err)
	}
	if o.Config != nil {
		for i := range net.Nodes {
			f, err := config.LoadFile(net.Home(i))
			if err != nil {
				t.Fatal(err)
			}
			o.Config(i, f)
			if err := config.Write(config.Path(net.Home(i)), f.CometBFT, f.Redmx); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			logNodeLogs(t, net)
		}
	})
	logger := slog.New(slog.NewTextHandler(t.Output(), nil)).With("module", "supervisor")
	procs, err := devnet.StartProcessesWith(net, bin, logger, nil, o.Command)
	if err != nil {
		t.Fatalf("start nodes: %v", err)
	}
	t.Cleanup(func() { procs.Stop(20 * time.Second) }) // before the log dump above
	fn := &faultNet{bin: bin, net: net, procs: procs, c: dialCluster(t, net)}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := procs.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return fn
}

// noFork checks that nodes report the same block hash at every height from
// `from` to `to` (each node must have reached to), and returns how many
// heights it compared.
func noFork(ctx context.Context, t *testing.T, c *cluster, nodes []int, from, to uint64) int {
	t.Helper()
	const batch = 200
	var ref []common.Hash
	for k, i := range nodes {
		var got []common.Hash
		for lo := from; lo <= to; lo += batch {
			hi := min(to, lo+batch-1)
			hashes, err := c.blockHashes(ctx, i, lo, hi)
			if err != nil {
				t.Fatalf("%s: blocks %d..%d: %v", c.names[i], lo, hi, err)
			}
			got = append(got, hashes...)
		}
		if k == 0 {
			ref = got
			continue
		}
		for j := range got {
			if got[j] != ref[j] {
				t.Fatalf("fork: at height %d %s has %s, %s has %s", from+uint64(j), c.names[nodes[0]], ref[j], c.names[i], got[j])
			}
		}
	}
	return int(to - from + 1)
}

// blockHashes is node i's block hash at each height of lo..hi, in one batch.
func (c *cluster) blockHashes(ctx context.Context, i int, lo, hi uint64) ([]common.Hash, error) {
	type head struct {
		Hash common.Hash `json:"hash"`
	}
	out := make([]*head, hi-lo+1)
	elems := make([]gethrpc.BatchElem, len(out))
	for j := range elems {
		elems[j] = gethrpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(lo + uint64(j)), false}, Result: &out[j]}
	}
	ctx, cancel := context.WithTimeout(ctx, 4*callTimeout)
	defer cancel()
	if err := c.clients[i].BatchCallContext(ctx, elems); err != nil {
		return nil, err
	}
	hashes := make([]common.Hash, len(out))
	for j, e := range elems {
		if e.Error != nil {
			return nil, e.Error
		}
		if out[j] == nil {
			return nil, fmt.Errorf("no block %d", lo+uint64(j))
		}
		hashes[j] = out[j].Hash
	}
	return hashes, nil
}
