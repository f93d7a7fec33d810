package node_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/node"
	"github.com/redmx/redmx/store"
)

// failingApp refuses to finalize the block at height, with err.
type failingApp struct {
	abci.Application
	height int64
	err    error
}

func (f failingApp) FinalizeBlock(ctx context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if req.Height == f.height {
		return nil, f.err
	}
	return f.Application.FinalizeBlock(ctx, req)
}

// runFailing runs a single-validator node whose FinalizeBlock fails at
// height 3 with err, and returns the error Run stops with, or fails t if
// the node still runs a minute later.
func runFailing(t *testing.T, err error) (*node.Node, string, error) {
	t.Helper()
	net, genErr := devnet.Generate(t.TempDir(), devnet.Config{Validators: 1, TimeoutCommit: 100 * time.Millisecond, NoGovernance: true})
	if genErr != nil {
		t.Fatal(genErr)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	n, newErr := node.New(net.Home(0), logger)
	if newErr != nil {
		t.Fatal(newErr)
	}
	n.SetABCIWrapper(func(a abci.Application) abci.Application { return failingApp{Application: a, height: 3, err: err} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	start := time.Now()
	select {
	case runErr := <-done:
		t.Logf("node stopped %s after start: %v", time.Since(start).Round(time.Millisecond), runErr)
		return n, net.Home(0), runErr
	case <-time.After(60 * time.Second):
		t.Fatal("the node still runs 60s after start, though its consensus failed at height 3")
		return nil, "", nil
	}
}

// TestConsensusFailureStopsNode: a node whose CometBFT consensus fails (here
// FinalizeBlock errs at height 3, so consensus panics with "CONSENSUS
// FAILURE") stops, and Run returns an error naming the failure, instead of
// serving RPC and peers with no block ever again.
func TestConsensusFailureStopsNode(t *testing.T) {
	n, _, err := runFailing(t, errors.New("injected failure at height 3"))
	if !errors.Is(err, node.ErrConsensusFailure) || !strings.Contains(err.Error(), "injected failure at height 3") {
		t.Fatalf("Run returned %v, want %v naming the injected failure", err, node.ErrConsensusFailure)
	}
	if h := n.CometBFT().BlockStore().Height(); h > 3 {
		t.Errorf("block store at height %d, past the failed height 3", h)
	}
}

// TestWriteOnFullDiskStopsNode: a write that meets a full disk before the
// watchdog sees it fill stops consensus; the node stops with an error that
// is both a consensus failure and a low disk (store.ErrLowDisk), naming the
// data directory and saying what to do, not with a bare consensus failure.
func TestWriteOnFullDiskStopsNode(t *testing.T) {
	_, home, err := runFailing(t, fmt.Errorf("write data/redmx/000042.log: %w", syscall.ENOSPC))
	if !errors.Is(err, store.ErrLowDisk) || !errors.Is(err, node.ErrConsensusFailure) ||
		!strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), home) ||
		!strings.Contains(err.Error(), "free some space") {
		t.Fatalf("Run returned %v; want %v and %v naming the data directory and what to do", err, store.ErrLowDisk, node.ErrConsensusFailure)
	}
}
