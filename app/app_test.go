package app_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"log/slog"
	"math/big"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
	"github.com/redmx/redmx/txpool"
)

const chainID = 5218

var genesisTime = time.Unix(1_800_000_000, 0)

func testGenesis(t testing.TB) (*genesis.AppState, []byte) {
	t.Helper()
	alloc := genesis.SystemAlloc()
	for _, k := range ethtest.DevKeys(4) {
		alloc[ethtest.Address(k)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))}
	}
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	gen := &genesis.AppState{
		ChainID:    chainID,
		Coin:       genesis.Coin{Name: "Red MX", Symbol: "RMX", Decimals: 18},
		Params:     genesis.Params{GasLimit: genesis.DefaultGasLimit},
		Fork:       genesis.ForkOsaka,
		Alloc:      alloc,
		Validators: []genesis.Validator{{Name: "v0", Collective: "public", PubKey: pub}},
	}
	raw, err := json.Marshal(gen)
	if err != nil {
		t.Fatal(err)
	}
	gen, err = genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return gen, raw
}

// built is an app and the components it was built from, which tests read
// as package node does.
type built struct {
	*app.App
	chain *chain.Chain
	exec  *execution.Executor
	pool  *txpool.Pool
}

// newApp builds an app over db for gen as package node does: cfg's
// components are made here (its Governance is kept if set), with the
// default pool changed by pool.
func newApp(t testing.TB, db *store.DB, gen *genesis.AppState, cfg app.Config, pool ...func(*txpool.Config)) *built {
	t.Helper()
	if cfg.Governance == nil {
		cfg.Governance = governance.New()
	}
	cc := gen.ChainConfig()
	b := &built{chain: chain.New(db.KV(), cc, chain.DefaultCacheBytes)}
	b.exec = execution.New(cc, b.chain, cfg.Governance)
	pcfg := txpool.DefaultConfig()
	for _, p := range pool {
		p(&pcfg)
	}
	b.pool = txpool.New(pcfg, b.exec, cfg.Logger)
	cfg.DB, cfg.Genesis, cfg.Chain, cfg.Executor, cfg.Pool = db, gen, b.chain, b.exec, b.pool
	a, err := app.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.App = a
	return b
}

// harness drives an App through ABCI as CometBFT would.
type harness struct {
	t      testing.TB
	app    *built
	height int64
	time   time.Time
	blocks []*abci.RequestFinalizeBlock // every decided block, for replay
}

func newHarness(t testing.TB, db *store.DB) *harness {
	t.Helper()
	return newHarnessWith(t, db, app.Config{})
}

// newHarnessWith is newHarness with cfg's settings and pool's (see newApp).
func newHarnessWith(t testing.TB, db *store.DB, cfg app.Config, pool ...func(*txpool.Config)) *harness {
	t.Helper()
	_, raw := testGenesis(t)
	return newHarnessFrom(t, db, raw, cfg, pool...)
}

// newHarnessFrom is newHarnessWith on the app state raw.
func newHarnessFrom(t testing.TB, db *store.DB, raw []byte, cfg app.Config, pool ...func(*txpool.Config)) *harness {
	t.Helper()
	gen, err := genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := newApp(t, db, gen, cfg, pool...)
	h := &harness{t: t, app: a, time: genesisTime}
	info, err := a.Info(context.Background(), &abci.RequestInfo{})
	if err != nil {
		t.Fatal(err)
	}
	h.height = info.LastBlockHeight
	if h.height == 0 {
		if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{Time: genesisTime, ChainId: "test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// block proposes, processes, finalizes and commits the next height and
// returns the finalize response.
func (h *harness) block() *abci.ResponseFinalizeBlock {
	h.t.Helper()
	ctx := context.Background()
	h.height++
	h.time = h.time.Add(time.Second)
	proposer := make([]byte, 20)
	prep, err := h.app.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: h.height, Time: h.time, MaxTxBytes: 8 << 20, ProposerAddress: proposer})
	if err != nil {
		h.t.Fatal(err)
	}
	hash := crypto.Keccak256(big.NewInt(h.height).Bytes())
	proc, err := h.app.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: h.height, Time: h.time, Txs: prep.Txs, Hash: hash, ProposerAddress: proposer})
	if err != nil {
		h.t.Fatal(err)
	}
	if proc.Status != abci.ResponseProcessProposal_ACCEPT {
		h.t.Fatalf("height %d: own proposal rejected", h.height)
	}
	req := &abci.RequestFinalizeBlock{Height: h.height, Time: h.time, Txs: prep.Txs, Hash: hash, ProposerAddress: proposer}
	h.blocks = append(h.blocks, req)
	fin, err := h.app.FinalizeBlock(ctx, req)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.app.Commit(ctx, &abci.RequestCommit{}); err != nil {
		h.t.Fatal(err)
	}
	return fin
}

func TestTransfersAreMined(t *testing.T) {
	h := newHarness(t, store.OpenMemory())
	keys := ethtest.DevKeys(2)
	to := common.HexToAddress("0x1234")
	for n := range uint64(5) {
		if err := h.app.pool.Add(ethtest.Transfer(keys[0], chainID, n, to, big.NewInt(1))); err != nil {
			t.Fatal(err)
		}
	}
	fin := h.block()
	if len(fin.TxResults) != 5 {
		t.Fatalf("block holds %d txs, want 5", len(fin.TxResults))
	}
	head := h.app.chain.Head()
	if common.BytesToHash(fin.AppHash) != head.Hash() {
		t.Fatalf("app hash %x is not the block hash %s", fin.AppHash, head.Hash())
	}
	st, err := h.app.StateAt(head)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.GetBalance(to).Uint64(); got != 5 {
		t.Fatalf("balance %d, want 5", got)
	}
	rs := h.app.chain.Receipts(head.Hash(), head.Number.Uint64())
	if len(rs) != 5 || rs[4].Status != types.ReceiptStatusSuccessful || rs[4].CumulativeGasUsed != 5*21000 {
		t.Fatalf("receipts: %+v", rs)
	}
	if h.app.pool.Nonce(ethtest.Address(keys[0])) != 5 {
		t.Fatalf("pending nonce %d, want 5", h.app.pool.Nonce(ethtest.Address(keys[0])))
	}
	if p, q := h.app.pool.Stats(); p+q != 0 {
		t.Fatalf("pool still holds %d+%d txs after commit", p, q)
	}
}

func TestRestartResumesFromDurableHead(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db)
	key := ethtest.DevKey(0)
	for n := range uint64(3) {
		if err := h.app.pool.Add(ethtest.Transfer(key, chainID, n, common.HexToAddress("0xbeef"), big.NewInt(1))); err != nil {
			t.Fatal(err)
		}
		h.block()
	}
	want := h.app.chain.Head().Hash()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	h2 := newHarness(t, db2)
	if h2.height != 3 || h2.app.chain.Head().Hash() != want {
		t.Fatalf("restarted at height %d hash %s, want 3 %s", h2.height, h2.app.chain.Head().Hash(), want)
	}
	h2.block()
	if n := h2.app.pool.Nonce(ethtest.Address(key)); n != 3 {
		t.Fatalf("nonce after restart %d, want 3", n)
	}
}

func memStore() *store.DB { return store.OpenMemory() }

func mustAdd(t testing.TB, h *harness, tx *types.Transaction) {
	t.Helper()
	if err := h.app.pool.Add(tx); err != nil {
		t.Fatalf("add %s: %v", tx.Hash(), err)
	}
}
