package faulttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/failpoint"
	"github.com/redmx/redmx/internal/testnet"
)

const (
	// fpPersistEvery makes the periodic flush of the state run every few
	// heights, so that the crash points at heights fpFlushHeight hit it.
	fpPersistEvery = 4
	fpFlushHeight  = 2 * fpPersistEvery
	// fpBlockTime is the test network's timeout_commit.
	fpBlockTime = 100 * time.Millisecond
	// fpTimeout bounds each phase of one point's run.
	fpTimeout = 60 * time.Second
)

// TestCrashAtEveryFailPoint kills a single-validator node at each step of the
// commit path (package failpoint) and restarts it: it must pass CometBFT's
// handshake, keep finalising blocks and mining transfers, hold the receipts
// of every block up to the crash, and agree with CometBFT on every app hash.
// The state-flattened point crashes after the periodic flush of the state to
// disk, which once ran before the head marker was durable and left a node
// that could not restart.
func TestCrashAtEveryFailPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the redmx binary and runs a node process per fail point")
	}
	bin := testnet.BuildRedmx(t)
	at := map[string]uint64{
		failpoint.FinalizeBlock:  fpFlushHeight - 2,
		failpoint.CommitBegin:    fpFlushHeight - 2,
		failpoint.StateCommitted: fpFlushHeight - 1,
		failpoint.IndexWritten:   fpFlushHeight,
		failpoint.HeadSynced:     fpFlushHeight,
		failpoint.StateFlattened: fpFlushHeight,
		failpoint.CommitEnd:      fpFlushHeight,
	}
	for _, point := range failpoint.Points {
		t.Run(point, func(t *testing.T) { crashAt(t, bin, point, at[point]) })
	}
}

// crashAt runs a fresh single-validator network with point armed from
// height, waits for the node to die there, and restarts it unarmed.
func crashAt(t *testing.T, bin, point string, height uint64) {
	net, err := devnet.Generate(filepath.Join(t.TempDir(), "net"), devnet.Config{Validators: 1, TimeoutCommit: fpBlockTime})
	if err != nil {
		t.Fatalf("generate network: %v", err)
	}
	if err := net.SetPorts(net.Ports, func(_ *cmtcfg.Config, r *config.Config) { r.Storage.PersistEvery = fpPersistEvery }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logNodeLogs(t, net)
		}
	})
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("module", "supervisor")

	t.Setenv(failpoint.Env, fmt.Sprintf("%s@%d", point, height))
	procs, err := devnet.StartProcesses(net, bin, logger, nil)
	if err != nil {
		t.Fatalf("start node: %v", err)
	}
	t.Cleanup(func() { procs.Stop(20 * time.Second) })
	t.Setenv(failpoint.Env, "") // the restart runs unarmed
	c := dialCluster(t, net)

	// Transfers flow until the node dies, so the blocks up to the crash
	// hold transactions.
	sctx, stopSending := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	nonce := sendUntilDone(sctx, &wg, c)

	p := procs.List()[0]
	select {
	case <-p.Exited():
	case <-time.After(fpTimeout):
		t.Fatalf("%s did not reach fail point %s within %s", p.Name, point, fpTimeout)
	}
	stopSending()
	wg.Wait()
	crashed := failpointHeight(t, p.LogPath, point)
	if st := p.Status(); !strings.Contains(st, "killed") {
		t.Fatalf("%s exited with %q, want killed at the fail point", p.Name, st)
	}
	t.Logf("%s killed at %s, height %d, after %d transfers were accepted", p.Name, point, crashed, *nonce)

	q, err := procs.Restart(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), fpTimeout)
	defer cancel()
	target := crashed + minAdvance
	testnet.WaitFor(ctx, t, fmt.Sprintf("the restarted node at height %d", target), func() error {
		if err := exitedEarly(q); err != nil {
			return devnet.Permanent(err)
		}
		h, err := c.blockNumber(ctx, 0)
		if err != nil {
			return err
		}
		if h < target {
			return fmt.Errorf("at height %d", h)
		}
		return nil
	})

	// A transfer sent after the restart is mined: the pool and execution
	// work on the recovered head.
	key := ethtest.DevKey(0)
	var pending hexutil.Uint64
	if err := c.call(ctx, 0, &pending, "eth_getTransactionCount", ethtest.Address(key), "pending"); err != nil {
		t.Fatal(err)
	}
	tx := ethtest.Transfer(key, c.chainID, uint64(pending), ethtest.Address(ethtest.DevKey(1)), big.NewInt(1))
	if err := c.sendTx(ctx, 0, tx); err != nil {
		t.Fatalf("send a transfer after the restart: %v", err)
	}
	var mined *receipt
	testnet.WaitFor(ctx, t, "a receipt for the transfer sent after the restart", func() (err error) {
		if err := exitedEarly(q); err != nil {
			return devnet.Permanent(err)
		}
		if mined, err = c.receipt(ctx, 0, tx.Hash()); err == nil && mined == nil {
			err = fmt.Errorf("none yet")
		}
		return err
	})

	checkChain(ctx, t, c, net.Nodes[0].CometRPC, mined.Block)
	logRecovery(t, q.LogPath)
}

// logRecovery logs what the restarted app said of its recovery: the height
// whose state it found on disk, below the head marker, for CometBFT to replay
// from.
func logRecovery(t *testing.T, logPath string) {
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if strings.Contains(line, "newest heights was lost") || strings.Contains(line, "rolled back") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

// sendUntilDone sends transfers from one development key to node 0 until ctx
// ends, a new one every block time or so; *sent counts the accepted ones.
func sendUntilDone(ctx context.Context, wg *sync.WaitGroup, c *cluster) *uint64 {
	key, to := ethtest.DevKey(0), ethtest.Address(ethtest.DevKey(1))
	sent := new(uint64)
	wg.Go(func() {
		tick := time.NewTicker(fpBlockTime / 2)
		defer tick.Stop()
		for nonce := uint64(0); nonce < maxTransfers; {
			// Errors are expected while the node starts and once it is
			// dead; the same nonce is sent again.
			if c.sendTx(ctx, 0, ethtest.Transfer(key, c.chainID, nonce, to, big.NewInt(1))) == nil {
				nonce++
				*sent = nonce
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return sent
}

// failpointHeight reads from the node's log the height at which point killed
// it, failing t if it did not.
func failpointHeight(t *testing.T, logPath, point string) uint64 {
	t.Helper()
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`failpoint ` + regexp.QuoteMeta(point) + ` reached at height (\d+)`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("the node exited without reaching fail point %s (see %s)", point, logPath)
	}
	h, err := strconv.ParseUint(string(m[1]), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// checkChain checks every block from genesis to top: each of its
// transactions has a receipt in it, and its hash is the app hash CometBFT
// recorded in the next block's header.
func checkChain(ctx context.Context, t *testing.T, c *cluster, cometRPC string, top uint64) {
	t.Helper()
	txs := 0
	for h := uint64(0); h <= top; h++ {
		var b *struct {
			Hash         common.Hash   `json:"hash"`
			Transactions []common.Hash `json:"transactions"`
		}
		if err := c.call(ctx, 0, &b, "eth_getBlockByNumber", hexutil.Uint64(h), false); err != nil || b == nil {
			t.Fatalf("block %d: %v (missing: %t)", h, err, b == nil)
		}
		rs, err := c.receipts(ctx, 0, b.Transactions)
		if err != nil {
			t.Fatalf("block %d receipts: %v", h, err)
		}
		for i, r := range rs {
			if r == nil || r.Block != h || r.BlockHash != b.Hash {
				t.Fatalf("block %d: receipt of %s is %+v, want one in block %s", h, b.Transactions[i], r, b.Hash)
			}
		}
		txs += len(rs)
		appHash, err := cometAppHash(ctx, cometRPC, int64(h)+1)
		if err != nil {
			t.Fatal(err)
		}
		if appHash != b.Hash {
			t.Fatalf("block %d hash %s, but CometBFT's app hash after it is %s", h, b.Hash, appHash)
		}
	}
	t.Logf("blocks 0 to %d (%d transactions) have their receipts and agree with CometBFT's app hashes", top, txs)
}

var cometClient = &http.Client{Timeout: callTimeout}

// cometAppHash is the app_hash in the header of CometBFT's block at height,
// the app's hash after the block before it; it waits for the block.
func cometAppHash(ctx context.Context, addr string, height int64) (common.Hash, error) {
	var hash common.Hash
	err := devnet.Poll(ctx, fmt.Sprintf("CometBFT block %d", height), func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/block?height=%d", addr, height), nil)
		if err != nil {
			return devnet.Permanent(err)
		}
		resp, err := cometClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct {
			Result *struct {
				Block struct {
					Header struct {
						AppHash string `json:"app_hash"`
					} `json:"header"`
				} `json:"block"`
			} `json:"result"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return err
		}
		if out.Result == nil {
			return fmt.Errorf("no block yet: %s", bytes.TrimSpace(out.Error))
		}
		b, err := hexutil.Decode("0x" + out.Result.Block.Header.AppHash)
		if err != nil || len(b) != common.HashLength {
			return devnet.Permanent(fmt.Errorf("block %d app_hash %q", height, out.Result.Block.Header.AppHash))
		}
		hash = common.BytesToHash(b)
		return nil
	})
	return hash, err
}
