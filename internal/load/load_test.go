package load_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/devkeys"
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
	for _, tc := range []struct {
		kind        string
		newAccounts bool
		inFlight    int
	}{{"native", false, 0}, {"erc20", false, 0}, {"native", true, 3}} {
		kind := tc.kind
		name := kind
		if tc.newAccounts {
			name += "/new-accounts/in-flight"
		}
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			ec, err := ethclient.DialContext(ctx, "http://"+net.Nodes[0].RPC)
			if err != nil {
				t.Fatal(err)
			}
			defer ec.Close()
			sender := crypto.PubkeyToAddress(devkeys.Keys(1)[0].PublicKey)
			nonce, err := ec.PendingNonceAt(ctx, sender)
			if err != nil {
				t.Fatal(err)
			}
			r, err := load.Run(ctx, load.Config{
				URLs: []string{"http://" + net.Nodes[0].RPC}, Kind: kind, NewAccounts: tc.newAccounts, InFlight: tc.inFlight,
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
			if tc.inFlight > 0 && r.MaxBlockTxs > 2*tc.inFlight {
				t.Fatalf("%s: a block holds more than 2 senders × %d in flight", r, tc.inFlight)
			}
			if tc.newAccounts {
				// Each transfer went to an address of its own: the first
				// sender's first one holds exactly what it was sent.
				bal, err := ec.BalanceAt(ctx, load.NewAccount(sender, nonce), nil)
				if err != nil {
					t.Fatal(err)
				}
				if bal.Cmp(big.NewInt(1)) != 0 {
					t.Fatalf("new account of %s's nonce %d holds %s, want 1", sender, nonce, bal)
				}
			}
		})
	}
	// --fund against a node whose development accounts already hold
	// enough funds none and runs as without it.
	r, err := load.Run(t.Context(), load.Config{URLs: []string{"http://" + net.Nodes[0].RPC}, Kind: "native", Fund: true, Senders: 2, Batch: 1, MaxTxs: 2, Duration: 5 * time.Second})
	if err != nil || r.Mined != 2 {
		t.Fatalf("--fund on a devnet: %v, %v; want 2 mined", r, err)
	}
}

// TestRunSendsRefusedNoncesAgain: a node whose pool is full refuses some of
// a batch; the load sends the refused nonces again instead of leaving a gap
// that would hold the sender's later transactions in the pool for good, and
// every transaction of the budget is mined once.
func TestRunSendsRefusedNoncesAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a network")
	}
	net := testnet.StartWith(t, devnet.Config{Validators: 1, TimeoutCommit: 200 * time.Millisecond}, func(_ int, f *config.File) {
		f.Redmx.Pool.GlobalSlots = 6
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	r, err := load.Run(ctx, load.Config{
		URLs: []string{"http://" + net.Nodes[0].RPC}, Kind: "native", NewAccounts: true,
		Senders: 2, Batch: 5, MaxTxs: 40, Duration: 20 * time.Second,
	})
	if err != nil {
		t.Fatalf("%v (%s)", err, r)
	}
	if r.Refused == 0 {
		t.Fatalf("%s: the full pool refused nothing; the test does not test", r)
	}
	if r.Submitted != 40 || r.Mined != 40 {
		t.Fatalf("%s: want the 40 of the budget submitted and mined", r)
	}
}
