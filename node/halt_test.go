package node_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/node"
)

// failingApp refuses to finalize the block at height.
type failingApp struct {
	abci.Application
	height int64
}

func (f failingApp) FinalizeBlock(ctx context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	if req.Height == f.height {
		return nil, fmt.Errorf("injected failure at height %d", req.Height)
	}
	return f.Application.FinalizeBlock(ctx, req)
}

// TestConsensusFailureStopsNode: a node whose CometBFT consensus fails (here
// FinalizeBlock errs at height 3, so consensus panics with "CONSENSUS
// FAILURE") stops, and Run returns an error naming the failure, instead of
// serving RPC and peers with no block ever again.
func TestConsensusFailureStopsNode(t *testing.T) {
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: 1, TimeoutCommit: 100 * time.Millisecond, NoGovernance: true})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	n, err := node.New(net.Home(0), logger)
	if err != nil {
		t.Fatal(err)
	}
	n.SetABCIWrapper(func(a abci.Application) abci.Application { return failingApp{Application: a, height: 3} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()

	start := time.Now()
	select {
	case err := <-done:
		if !errors.Is(err, node.ErrConsensusFailure) || !strings.Contains(err.Error(), "injected failure at height 3") {
			t.Fatalf("Run returned %v, want %v naming the injected failure", err, node.ErrConsensusFailure)
		}
		t.Logf("node stopped %s after start: %v", time.Since(start).Round(time.Millisecond), err)
	case <-time.After(60 * time.Second):
		t.Fatal("the node still runs 60s after start, though its consensus failed at height 3")
	}
	if h := n.CometBFT().BlockStore().Height(); h > 3 {
		t.Errorf("block store at height %d, past the failed height 3", h)
	}
}
