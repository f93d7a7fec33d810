package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

// retentionNet is a one-validator network whose node keeps few blocks: a
// short evidence window in genesis, block_history and state_history small,
// and the state flushed every 10 heights, so that pruning starts within a
// few hundred blocks (the BLOCKHASH window of 256 still holds).
func retentionNet(t *testing.T, edit func(*config.Config)) *devnet.Network {
	t.Helper()
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: 1, TimeoutCommit: 10 * time.Millisecond, NoGovernance: true, LogLevel: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	err = net.SetPorts(net.Ports, func(_ *cmtcfg.Config, r *config.Config) {
		r.Storage.StateHistory = 20
		r.Storage.BlockHistory = 40
		r.Storage.PersistEvery = 10
		if edit != nil {
			edit(r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.LoadFile(net.Home(0))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := cmttypes.GenesisDocFromFile(f.CometBFT.GenesisFile())
	if err != nil {
		t.Fatal(err)
	}
	doc.ConsensusParams.Evidence.MaxAgeNumBlocks = 30
	doc.ConsensusParams.Evidence.MaxAgeDuration = time.Second
	if err := doc.SaveAs(f.CometBFT.GenesisFile()); err != nil {
		t.Fatal(err)
	}
	return net
}

// runNode runs the node in home until the returned stop is called; stop
// returns what Run returned.
func runNode(t *testing.T, home string, opts ...node.Option) (*node.Node, func() error) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	n, err := node.New(home, logger, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	select {
	case <-n.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("node stopped while starting: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("node did not start within 60s")
	}
	stopped := false
	var runErr error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(60 * time.Second):
				runErr = errors.New("node did not stop within 60s")
			}
		}
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	return n, stop
}

// blockJSON is eth_getBlockByNumber's answer, raw: "null" for no block.
func blockJSON(ctx context.Context, c *ethclient.Client, n uint64) (string, error) {
	var raw json.RawMessage
	err := c.Client().CallContext(ctx, &raw, "eth_getBlockByNumber", fmt.Sprintf("0x%x", n), false)
	return string(raw), err
}

// TestBlocksPrunedBelowRetention: a node that keeps few blocks deletes the
// older ones a few per block from both stores — CometBFT's block store (its
// base rises) and the Ethereum chain index (eth_getBlockByNumber answers
// null, a pruned transaction's receipt is null) — keeps genesis, the newest
// 257 blocks and the state window, and after a restart serves and goes on.
func TestBlocksPrunedBelowRetention(t *testing.T) {
	net := retentionNet(t, nil)
	n, stop := runNode(t, net.Home(0))
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	c, err := ethclient.DialContext(ctx, "http://"+n.RPCAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	key := ethtest.DevKey(0)
	r := sendAndWait(ctx, t, c, ethtest.Transfer(key, net.ChainID, 0, common.Address{1}, big.NewInt(1)))
	early := r.BlockNumber.Uint64()

	// Pruning starts once a flush of the state is durable 256 blocks up.
	testnet.WaitFor(ctx, t, fmt.Sprintf("block %d pruned", early), func() error {
		if raw, err := blockJSON(ctx, c, early); err != nil || raw != "null" {
			return fmt.Errorf("block %d: %.40s %v", early, raw, err)
		}
		return nil
	})
	head, err := c.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("block %d pruned at head %d", early, head)
	if rc, err := c.TransactionReceipt(ctx, r.TxHash); err == nil || rc != nil {
		t.Errorf("receipt of a pruned transaction: %v, %v; want not found", rc, err)
	}
	if tx, _, err := c.TransactionByHash(ctx, r.TxHash); err == nil || tx != nil {
		t.Errorf("pruned transaction served: %v, %v", tx, err)
	}
	if raw, err := blockJSON(ctx, c, 0); err != nil || raw == "null" {
		t.Errorf("genesis block: %.40s, %v; want it kept", raw, err)
	}
	for _, h := range []uint64{head - 256, head} {
		if raw, err := blockJSON(ctx, c, h); err != nil || raw == "null" {
			t.Errorf("block %d (head %d): %.40s, %v; want it kept", h, head, raw, err)
		}
	}
	// CometBFT prunes once Commit has returned the retain height.
	bs := n.CometBFT().BlockStore()
	testnet.WaitFor(ctx, t, "CometBFT's block 1 pruned", func() error {
		if base := bs.Base(); base <= 1 || bs.LoadBlock(1) != nil {
			return fmt.Errorf("block store base %d, block 1 loaded: %v", base, bs.LoadBlock(1) != nil)
		}
		return nil
	})
	if base, h := bs.Base(), bs.Height(); base > h-256 {
		t.Errorf("CometBFT block store base %d above its height %d - 256", base, h)
	}

	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	n, _ = runNode(t, net.Home(0))
	c2, err := ethclient.DialContext(ctx, "http://"+n.RPCAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	testnet.WaitFor(ctx, t, fmt.Sprintf("a block past %d after the restart", head+5), func() error {
		h, err := c2.BlockNumber(ctx)
		if err == nil && h <= head+5 {
			err = fmt.Errorf("head %d", h)
		}
		return err
	})
	if raw, err := blockJSON(ctx, c2, early); err != nil || raw != "null" {
		t.Errorf("block %d after the restart: %.40s, %v; want null", early, raw, err)
	}
	if bal, err := c2.BalanceAt(ctx, common.Address{1}, nil); err != nil || bal.Cmp(big.NewInt(1)) != 0 {
		t.Errorf("balance after the restart: %v, %v", bal, err)
	}
}
