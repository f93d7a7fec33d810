//go:build faults

package faulttest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/failpoint"
	"github.com/redmx/redmx/internal/testnet"
)

const (
	// commitPersistEvery makes the periodic flush of the state run every
	// few heights, so that the state-flattened point is reached soon.
	commitPersistEvery = 4
	// commitArmAhead is how many heights past the network's head a point
	// is armed at: the restarted node first catches up to the head.
	commitArmAhead = 4
)

// TestFaultCrashAtCommitSteps (row 2): four validators under traffic; for
// each step of the commit path (package failpoint; the short version a
// representative subset, the long one every point past genesis), one
// validator is restarted with the point armed a few heights ahead, dies
// there by SIGKILL, and is restarted unarmed: it must catch up and follow
// the chain, agree on every block hash, and serve the receipts of every
// block, the last it had committed before dying included.
func TestFaultCrashAtCommitSteps(t *testing.T) {
	parallel(t)
	fig := record(t, 2, "crash at each commit step, multi-node")
	points := pick(
		// after FinalizeBlock, after the state write, after the index
		[]string{failpoint.FinalizeBlock, failpoint.StateCommitted, failpoint.HeadSynced},
		[]string{failpoint.FinalizeBlock, failpoint.CommitBegin, failpoint.StateCommitted, failpoint.IndexWritten,
			failpoint.HeadSynced, failpoint.StateFlattened, failpoint.CommitEnd},
	)
	var mu sync.Mutex
	armed := make(map[int]string) // node → REDMX_FAILPOINT value for its next start
	fn := startNet(t, netOptions{
		TimeoutCommit: 300 * time.Millisecond,
		Config: func(_ int, f *config.File) {
			f.Redmx.Storage.PersistEvery = commitPersistEvery
		},
		Command: func(i int, cmd *exec.Cmd) {
			mu.Lock()
			defer mu.Unlock()
			cmd.Env = append(os.Environ(), failpoint.Env+"="+armed[i])
		},
	})
	c, procs := fn.c, fn.procs
	tr := startTraffic(t, c)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	waitNewReceipts(ctx, t, tr, 0, 2*senders)

	var outcomes []string
	for k, point := range points {
		v := 1 + k%(len(c.names)-1) // node0 stays up throughout
		ok := t.Run(point, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			others := slices.DeleteFunc(c.all(), func(i int) bool { return i == v })

			// Stop v cleanly and start it again with the point armed.
			p := procs.List()[v]
			if err := syscall.Kill(p.PID, syscall.SIGTERM); err != nil {
				t.Fatalf("stop %s (pid %d): %v", p.Name, p.PID, err)
			}
			select {
			case <-p.Exited():
			case <-time.After(phaseTimeout):
				t.Fatalf("%s (pid %d) still runs %s after SIGTERM", p.Name, p.PID, phaseTimeout)
			}
			at := c.maxHeight(ctx, t, others) + commitArmAhead
			mu.Lock()
			armed[v] = fmt.Sprintf("%s@%d", point, at)
			mu.Unlock()
			q, _ := restartPastPortClash(ctx, t, procs, v)
			mu.Lock()
			armed[v] = "" // every later start runs unarmed
			mu.Unlock()
			select {
			case <-q.Exited():
			case <-ctx.Done():
				t.Fatalf("%s did not reach %s at height %d or above", q.Name, point, at)
			}
			if st := q.Status(); !strings.Contains(st, "killed") {
				t.Fatalf("%s exited with %q, want killed at %s", q.Name, st, point)
			}
			crashed := failpointHeight(t, q.LogPath, point)
			t.Logf("%s killed at %s, height %d", q.Name, point, crashed)
			waitAdvance(ctx, t, c, others, minAdvance) // the others go on

			r, start := restartPastPortClash(ctx, t, procs, v)
			target := c.maxHeight(ctx, t, others)
			testnet.WaitFor(ctx, t, fmt.Sprintf("%s to catch up to height %d", r.Name, target), func() error {
				if err := exitedEarly(r); err != nil {
					return devnet.Permanent(err)
				}
				h, err := c.blockNumber(ctx, v)
				if err != nil {
					return err
				}
				if h < target {
					return fmt.Errorf("at height %d", h)
				}
				return nil
			})
			catchUp := time.Since(start)
			waitAdvance(ctx, t, c, []int{v}, 1)
			agree(ctx, t, c, crashed)
			// The blocks around the crash, the last one v had committed
			// before it died among them, hold every receipt on v.
			txs := checkBlockReceipts(ctx, t, c, v, crashed-1, crashed+1)
			outcomes = append(outcomes, fmt.Sprintf("%s: %s killed at height %d, restarted, caught up in %.1f s (receipts of %d transactions in blocks %d..%d present)",
				point, c.names[v], crashed, catchUp.Seconds(), txs, crashed-1, crashed+1))
			fig.add(point, "%s killed at height %d; restarted and caught up in %.1f s; receipts present", c.names[v], crashed, catchUp.Seconds())
		})
		if !ok {
			return
		}
	}
	t.Logf("outcomes:\n%s", strings.Join(outcomes, "\n"))

	tr.stop(t)
	seen := tr.snapshot()
	verifyReceipts(t, c, c.all(), seen)
	top := c.maxHeight(ctx, t, c.all())
	waitAdvance(ctx, t, c, c.all(), 1)
	txs := 0
	for _, i := range c.all() {
		txs = checkBlockReceipts(ctx, t, c, i, 1, top)
	}
	fig.add("receipts", "%d transfers mined, each on every node; every transaction of blocks 1..%d has its receipt on every node; lost 0", len(seen), top)
	fig.add("heights compared", "%d", noFork(ctx, t, c, c.all(), 1, top))
	t.Logf("%d transactions in blocks 1..%d", txs, top)
}

// checkBlockReceipts checks that node i serves, for each block lo..hi, a
// receipt of each of its transactions in that block; it returns how many
// transactions the blocks hold.
func checkBlockReceipts(ctx context.Context, t *testing.T, c *cluster, i int, lo, hi uint64) int {
	t.Helper()
	txs := 0
	for h := lo; h <= hi; h++ {
		var b *struct {
			Hash         common.Hash   `json:"hash"`
			Transactions []common.Hash `json:"transactions"`
		}
		if err := c.call(ctx, i, &b, "eth_getBlockByNumber", hexutil.Uint64(h), false); err != nil || b == nil {
			t.Fatalf("%s block %d: %v (missing: %t)", c.names[i], h, err, b == nil)
		}
		rs, err := c.receipts(ctx, i, b.Transactions)
		if err != nil {
			t.Fatalf("%s block %d receipts: %v", c.names[i], h, err)
		}
		for j, r := range rs {
			if r == nil || r.Block != h || r.BlockHash != b.Hash {
				t.Fatalf("%s block %d: receipt of %s is %+v, want one in block %s", c.names[i], h, b.Transactions[j], r, b.Hash)
			}
		}
		txs += len(rs)
	}
	return txs
}
