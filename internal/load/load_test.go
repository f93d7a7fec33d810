package load_test

import (
	"context"
	"testing"
	"time"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/load"
	"github.com/redmx/redmx/internal/testnet"
)

// TestRunMinesWhatItSubmits runs a small load of each kind against a real
// one-validator network: every transaction the budget allows is accepted,
// mined and counted.
func TestRunMinesWhatItSubmits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a network")
	}
	net := testnet.Start(t, devnet.Config{Validators: 1, TimeoutCommit: 200 * time.Millisecond})
	for _, kind := range []string{"native", "erc20"} {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			r, err := load.Run(ctx, load.Config{
				URLs: []string{"http://" + net.Nodes[0].RPC}, Kind: kind,
				Senders: 2, Batch: 5, MaxTxs: 20, Duration: 5 * time.Second,
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.Submitted != 20 || r.Refused != 0 || r.Mined != 20 || r.FirstError != "" {
				t.Fatalf("%s: want 20 submitted and mined, none refused", r)
			}
			if r.Blocks < 1 || r.MaxBlockTxs < 1 || r.MaxBlockTxs > 20 || r.P50 <= 0 || r.P95 < r.P50 || r.TPS <= 0 {
				t.Fatalf("%s: inconsistent report", r)
			}
		})
	}
}
