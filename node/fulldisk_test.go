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

// fullDiskApp fails to commit the block at height with the error a write
// to a full disk returns.
type fullDiskApp struct {
	abci.Application
	height int64
}

func (f fullDiskApp) FinalizeBlock(ctx context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if req.Height == f.height {
		return nil, fmt.Errorf("write data/redmx/000042.log: %w", syscall.ENOSPC)
	}
	return f.Application.FinalizeBlock(ctx, req)
}

// TestWriteOnFullDiskStopsNode: a write that meets a full disk before the
// watchdog sees it fill stops consensus; the node stops with an error that
// is both a consensus failure and a low disk (store.ErrLowDisk), naming the
// data directory and saying what to do, not with a bare consensus failure.
func TestWriteOnFullDiskStopsNode(t *testing.T) {
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: 1, TimeoutCommit: 100 * time.Millisecond, NoGovernance: true})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	n, err := node.New(net.Home(0), logger)
	if err != nil {
		t.Fatal(err)
	}
	n.SetABCIWrapper(func(a abci.Application) abci.Application { return fullDiskApp{Application: a, height: 3} })
	done := make(chan error, 1)
	go func() { done <- n.Run(t.Context()) }()
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrLowDisk) || !errors.Is(err, node.ErrConsensusFailure) ||
			!strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), net.Home(0)) ||
			!strings.Contains(err.Error(), "free some space") {
			t.Fatalf("Run returned %v; want %v and %v naming the data directory and what to do", err, store.ErrLowDisk, node.ErrConsensusFailure)
		}
		t.Logf("node stopped: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the node still runs 60s after a write met a full disk")
	}
}
