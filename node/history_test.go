package node

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"math/big"
	"net/http/httptest"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
)

// TestPastStateOverRPC serves eth_getBalance at past blocks through the
// node's JSON-RPC handler with a window of 16 blocks: a block inside it is
// served, an older one gets the error that names the block, the window and
// the setting.
func TestPastStateOverRPC(t *testing.T) {
	const chainID = 5218
	key := ethtest.DevKey(0)
	alloc := genesis.SystemAlloc()
	alloc[ethtest.Address(key)] = types.Account{Balance: big.NewInt(1e18)}
	gen := &genesis.AppState{
		ChainID: chainID, Coin: genesis.Coin{Name: "Red MX", Symbol: "RMX", Decimals: 18},
		Params: genesis.Params{GasLimit: genesis.DefaultGasLimit}, Fork: genesis.ForkOsaka, Alloc: alloc,
		Validators: []genesis.Validator{{Name: "v0", Collective: "public", PubKey: ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)}},
	}
	raw, err := json.Marshal(gen)
	if err != nil {
		t.Fatal(err)
	}
	if gen, err = genesis.Parse(raw); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Storage.StateHistory = 16
	db := store.OpenMemoryWith(cfg.Storage)
	defer db.Close()
	p, err := build(db, gen, appSettings{})
	if err != nil {
		t.Fatal(err)
	}
	a := p.app
	ctx := context.Background()
	start := time.Unix(1_800_000_000, 0)
	if _, err := a.InitChain(ctx, &abci.RequestInitChain{Time: start, ChainId: "test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
		t.Fatal(err)
	}
	to := common.HexToAddress("0xbeef")
	for h := int64(1); h <= 40; h++ {
		tx, _ := ethtest.Transfer(key, chainID, uint64(h-1), to, big.NewInt(1)).MarshalBinary()
		req := &abci.RequestFinalizeBlock{Height: h, Time: start.Add(time.Duration(h) * time.Second), Txs: [][]byte{tx}, Hash: []byte{byte(h)}, ProposerAddress: make([]byte, 20)}
		if _, err := a.FinalizeBlock(ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			t.Fatal(err)
		}
	}

	handler, cleanup, err := newRPCHandler(&backend{parts: p}, cfg.RPC, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	client, err := ethclient.Dial(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	for _, n := range []int64{25, 33, 40} {
		bal, err := client.BalanceAt(ctx, to, big.NewInt(n))
		if err != nil || bal.Int64() != n {
			t.Fatalf("balance at block %d: %v, %v; want %d", n, bal, err, n)
		}
	}
	_, err = client.BalanceAt(ctx, to, big.NewInt(12))
	want := "historical state not available for block 12: this node keeps the state of the last 16 blocks (redmx.storage.state_history); query an archive node"
	if err == nil || err.Error() != want {
		t.Fatalf("balance at block 12: err %v\nwant %s", err, want)
	}
}
