package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/rpc"
	"github.com/redmx/redmx/store"
)

const traceChainID = 5218

// traceChain is a real app, driven through ABCI without CometBFT, and the
// JSON-RPC server over this package's backend.
type traceChain struct {
	t *testing.T
	*parts
	url    string
	height int64
	time   time.Time
}

func newTraceChain(t *testing.T) *traceChain {
	t.Helper()
	cfg := rpc.DefaultConfig()
	cfg.Debug = true
	return newTraceChainConfig(t, cfg)
}

// newTraceChainConfig is newTraceChain with the RPC server configured by cfg.
func newTraceChainConfig(t *testing.T, cfg rpc.Config) *traceChain {
	t.Helper()
	alloc := genesis.SystemAlloc()
	for _, k := range ethtest.DevKeys(4) {
		alloc[ethtest.Address(k)] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))}
	}
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	raw, err := json.Marshal(&genesis.AppState{
		ChainID:    traceChainID,
		Coin:       genesis.Coin{Name: "Red MX", Symbol: "RMX", Decimals: 18},
		Params:     genesis.Params{GasLimit: genesis.DefaultGasLimit},
		Fork:       genesis.ForkOsaka,
		Alloc:      alloc,
		Validators: []genesis.Validator{{Name: "v0", Collective: "public", PubKey: pub}},
	})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	p, err := build(store.OpenMemory(), gen, appSettings{logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	a := p.app
	start := time.Unix(1_800_000_000, 0)
	if _, err := a.InitChain(t.Context(), &abci.RequestInitChain{Time: start, ChainId: "test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
		t.Fatal(err)
	}
	srv, err := rpc.NewServer(&backend{parts: p}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(rpc.Handler(srv, cfg))
	t.Cleanup(func() {
		ts.Close()
		srv.Stop()
	})
	return &traceChain{t: t, parts: p, url: ts.URL, time: start}
}

// block commits the next height holding txs, all of which must be included.
func (c *traceChain) block(txs ...*types.Transaction) *types.Block {
	c.t.Helper()
	for _, tx := range txs {
		if err := c.pool.Add(tx); err != nil {
			c.t.Fatalf("pool: %v", err)
		}
	}
	ctx := context.Background()
	c.height++
	c.time = c.time.Add(time.Second)
	proposer := make([]byte, 20)
	prep, err := c.app.PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: c.height, Time: c.time, MaxTxBytes: 8 << 20, ProposerAddress: proposer})
	if err != nil {
		c.t.Fatal(err)
	}
	if len(prep.Txs) != len(txs) {
		c.t.Fatalf("height %d: proposal holds %d txs, want %d", c.height, len(prep.Txs), len(txs))
	}
	req := &abci.RequestFinalizeBlock{Height: c.height, Time: c.time, Txs: prep.Txs, Hash: crypto.Keccak256(big.NewInt(c.height).Bytes()), ProposerAddress: proposer}
	if _, err := c.app.FinalizeBlock(ctx, req); err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.app.Commit(ctx, &abci.RequestCommit{}); err != nil {
		c.t.Fatal(err)
	}
	return c.chain.BlockByNumber(uint64(c.height))
}

func (c *traceChain) receipt(tx *types.Transaction) *types.Receipt {
	c.t.Helper()
	_, hash, number, index := c.chain.Transaction(tx.Hash())
	return c.chain.Receipts(hash, number)[index]
}

// call makes a JSON-RPC request that must succeed and decodes its result into v.
func (c *traceChain) call(v any, method string, params ...any) {
	c.t.Helper()
	if err := c.try(v, method, params...); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

type rpcErr struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcErr) Error() string { return e.Message }

func (c *traceChain) try(v any, method string, params ...any) error {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		c.t.Fatal(err)
	}
	res, err := http.Post(c.url, "application/json", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcErr         `json:"error"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		c.t.Fatalf("%s: %s: %v", method, out, err)
	}
	if resp.Error != nil {
		return resp.Error
	}
	if err := json.Unmarshal(resp.Result, v); err != nil {
		c.t.Fatalf("%s: decode %s: %v", method, resp.Result, err)
	}
	return nil
}

// callFrame is the callTracer's result.
type callFrame struct {
	Type         string         `json:"type"`
	From         common.Address `json:"from"`
	To           common.Address `json:"to"`
	Gas          hexutil.Uint64 `json:"gas"`
	GasUsed      hexutil.Uint64 `json:"gasUsed"`
	Input        hexutil.Bytes  `json:"input"`
	Output       hexutil.Bytes  `json:"output"`
	Error        string         `json:"error"`
	RevertReason string         `json:"revertReason"`
	Calls        []callFrame    `json:"calls"`
	Logs         []struct {
		Address common.Address `json:"address"`
		Topics  []common.Hash  `json:"topics"`
		Data    hexutil.Bytes  `json:"data"`
	} `json:"logs"`
}

type structResult struct {
	Gas        uint64 `json:"gas"`
	Failed     bool   `json:"failed"`
	StructLogs []struct {
		Op      string `json:"op"`
		Gas     uint64 `json:"gas"`
		GasCost uint64 `json:"gasCost"`
		Depth   int    `json:"depth"`
	} `json:"structLogs"`
}

// prestateAccount is one account of the prestateTracer's result.
type prestateAccount struct {
	Balance *hexutil.Big                `json:"balance"`
	Nonce   uint64                      `json:"nonce"`
	Code    hexutil.Bytes               `json:"code"`
	Storage map[common.Hash]common.Hash `json:"storage"`
}

// tokenChain is a chain with the test Token deployed in block 1 and, in
// block 2, a successful ERC-20 transfer, a transfer of more than the
// sender's balance, a transferFrom without allowance and a native transfer.
type tokenChain struct {
	*traceChain
	token                            common.Address
	deploy, ok, tooMuch, noAllowance *types.Transaction
	native                           *types.Transaction
	block1, block2                   *types.Block
	holder, receiver, poor, outsider common.Address
}

func newTokenChain(t *testing.T) *tokenChain {
	keys := ethtest.DevKeys(4)
	c := &tokenChain{traceChain: newTraceChain(t)}
	c.holder, c.receiver, c.poor, c.outsider = ethtest.Address(keys[0]), ethtest.Address(keys[1]), ethtest.Address(keys[2]), ethtest.Address(keys[3])
	token := contracts.Token()
	c.deploy = ethtest.Deploy(keys[0], traceChainID, 0, token.DeployData("Peso", "PSO", big.NewInt(1_000_000)), 2_000_000)
	c.token = crypto.CreateAddress(c.holder, 0)
	c.block1 = c.block(c.deploy)

	c.ok = ethtest.Call(keys[0], traceChainID, 1, c.token, token.Pack("transfer", c.receiver, big.NewInt(100)), 100_000)
	c.tooMuch = ethtest.Call(keys[2], traceChainID, 0, c.token, token.Pack("transfer", c.receiver, big.NewInt(5)), 100_000)
	c.noAllowance = ethtest.Call(keys[1], traceChainID, 0, c.token, token.Pack("transferFrom", c.holder, c.receiver, big.NewInt(1)), 100_000)
	c.native = ethtest.Transfer(keys[3], traceChainID, 0, c.poor, big.NewInt(7))
	c.block2 = c.block(c.ok, c.tooMuch, c.noAllowance, c.native)
	for i, tx := range []*types.Transaction{c.ok, c.tooMuch, c.noAllowance, c.native} {
		want := []uint64{1, 0, 0, 1}[i]
		if s := c.receipt(tx).Status; s != want {
			t.Fatalf("block 2 tx %d: status %d, want %d", i, s, want)
		}
	}
	return c
}

// TestTraceFailedTransfer: the callTracer on an ERC-20 transfer of more than
// the balance gives "execution reverted" and the custom error as output; on a
// require(…) failure it decodes the revert reason.
func TestTraceFailedTransfer(t *testing.T) {
	c := newTokenChain(t)
	var frame callFrame
	c.call(&frame, "debug_traceTransaction", c.tooMuch.Hash(), map[string]any{"tracer": "callTracer"})
	if frame.Error != "execution reverted" || frame.Type != "CALL" || frame.From != c.poor || frame.To != c.token {
		t.Fatalf("call frame %+v", frame)
	}
	// InsufficientBalance(poor, 0, 5)
	selector := crypto.Keccak256([]byte("InsufficientBalance(address,uint256,uint256)"))[:4]
	if !bytes.HasPrefix(frame.Output, selector) || len(frame.Output) != 4+3*32 || frame.Output[len(frame.Output)-1] != 5 {
		t.Fatalf("output %x, want InsufficientBalance(…, 0, 5)", frame.Output)
	}
	if uint64(frame.GasUsed) != c.receipt(c.tooMuch).GasUsed {
		t.Fatalf("gasUsed %d, receipt %d", frame.GasUsed, c.receipt(c.tooMuch).GasUsed)
	}

	frame = callFrame{}
	c.call(&frame, "debug_traceTransaction", c.noAllowance.Hash(), map[string]any{"tracer": "callTracer"})
	if frame.Error != "execution reverted" || frame.RevertReason != "allowance exceeded" {
		t.Fatalf("transferFrom without allowance: error %q, revertReason %q", frame.Error, frame.RevertReason)
	}
}

// TestTraceTransferLog: callTracer withLog shows the Transfer event.
func TestTraceTransferLog(t *testing.T) {
	c := newTokenChain(t)
	var frame callFrame
	c.call(&frame, "debug_traceTransaction", c.ok.Hash(), map[string]any{"tracer": "callTracer", "tracerConfig": map[string]any{"withLog": true}})
	if frame.Error != "" || len(frame.Logs) != 1 {
		t.Fatalf("call frame %+v", frame)
	}
	l := frame.Logs[0]
	transfer := crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))
	if l.Address != c.token || len(l.Topics) != 3 || l.Topics[0] != transfer ||
		l.Topics[1] != common.BytesToHash(c.holder[:]) || l.Topics[2] != common.BytesToHash(c.receiver[:]) ||
		new(big.Int).SetBytes(l.Data).Int64() != 100 {
		t.Fatalf("log %+v", l)
	}
}

// balanceSlot is the Token's storage slot of balanceOf[addr] (mapping at slot 3).
func balanceSlot(addr common.Address) common.Hash {
	return crypto.Keccak256Hash(common.LeftPadBytes(addr[:], 32), common.LeftPadBytes([]byte{3}, 32))
}

// TestTracePrestate: prestateTracer shows the accounts a transfer touches,
// and in diffMode how the token balances changed.
func TestTracePrestate(t *testing.T) {
	c := newTokenChain(t)
	var pre map[common.Address]prestateAccount
	c.call(&pre, "debug_traceTransaction", c.ok.Hash(), map[string]any{"tracer": "prestateTracer"})
	for _, addr := range []common.Address{c.holder, c.token} {
		if _, ok := pre[addr]; !ok {
			t.Fatalf("prestate lacks %s: %v", addr, pre)
		}
	}
	tok := pre[c.token]
	if len(tok.Code) == 0 || tok.Storage[balanceSlot(c.holder)] != common.BigToHash(big.NewInt(1_000_000)) {
		t.Fatalf("token prestate %+v", tok)
	}
	if pre[c.holder].Nonce != 1 {
		t.Fatalf("holder nonce before the transfer %d, want 1", pre[c.holder].Nonce)
	}

	var diff struct {
		Pre  map[common.Address]prestateAccount `json:"pre"`
		Post map[common.Address]prestateAccount `json:"post"`
	}
	c.call(&diff, "debug_traceTransaction", c.ok.Hash(), map[string]any{"tracer": "prestateTracer", "tracerConfig": map[string]any{"diffMode": true}})
	post := diff.Post[c.token].Storage
	if post[balanceSlot(c.holder)] != common.BigToHash(big.NewInt(1_000_000-100)) || post[balanceSlot(c.receiver)] != common.BigToHash(big.NewInt(100)) {
		t.Fatalf("token post-state storage %v", post)
	}
	if diff.Post[c.holder].Nonce != 2 {
		t.Fatalf("holder post nonce %d, want 2", diff.Post[c.holder].Nonce)
	}
}

// TestTraceAgreesWithBlocks: for every transaction of the chain, the call
// tracer's and the struct logger's gas equal the receipt's gasUsed, and a
// block trace has one result per transaction, in order.
func TestTraceAgreesWithBlocks(t *testing.T) {
	c := newTokenChain(t)
	for _, block := range []*types.Block{c.block1, c.block2} {
		var results []struct {
			TxHash common.Hash `json:"txHash"`
			Result callFrame   `json:"result"`
		}
		c.call(&results, "debug_traceBlockByNumber", hexutil.Uint64(block.NumberU64()), map[string]any{"tracer": "callTracer"})
		var byHash []json.RawMessage
		c.call(&byHash, "debug_traceBlockByHash", block.Hash(), map[string]any{"tracer": "callTracer"})
		txs := block.Transactions()
		if len(results) != len(txs) || len(byHash) != len(txs) {
			t.Fatalf("block %d: %d and %d results for %d txs", block.NumberU64(), len(results), len(byHash), len(txs))
		}
		for i, tx := range txs {
			r := c.receipt(tx)
			if results[i].TxHash != tx.Hash() {
				t.Errorf("block %d result %d is for %s, want %s", block.NumberU64(), i, results[i].TxHash, tx.Hash())
			}
			if uint64(results[i].Result.GasUsed) != r.GasUsed {
				t.Errorf("tx %s: block trace gasUsed %d, receipt %d", tx.Hash(), results[i].Result.GasUsed, r.GasUsed)
			}
			if failed := results[i].Result.Error != ""; failed != (r.Status == types.ReceiptStatusFailed) {
				t.Errorf("tx %s: trace error %q, receipt status %d", tx.Hash(), results[i].Result.Error, r.Status)
			}
			var logs structResult
			c.call(&logs, "debug_traceTransaction", tx.Hash(), nil)
			if logs.Gas != r.GasUsed || logs.Failed != (r.Status == types.ReceiptStatusFailed) {
				t.Errorf("tx %s: struct logger gas %d failed %v, receipt gasUsed %d status %d", tx.Hash(), logs.Gas, logs.Failed, r.GasUsed, r.Status)
			}
			for j := 1; j < len(logs.StructLogs); j++ {
				prev, cur := logs.StructLogs[j-1], logs.StructLogs[j]
				if prev.Depth == 1 && cur.Depth == 1 && prev.Gas-prev.GasCost != cur.Gas {
					t.Fatalf("tx %s step %d (%s): gas %d - cost %d != next %d", tx.Hash(), j-1, prev.Op, prev.Gas, prev.GasCost, cur.Gas)
				}
			}
		}
	}
}

// TestReplayReproducesBlocks: replaying each block through the executor
// gives the stored receipts and, at the end, the block's state root.
func TestReplayReproducesBlocks(t *testing.T) {
	c := newTokenChain(t)
	exec := c.exec
	for _, block := range []*types.Block{c.block1, c.block2} {
		parent := c.chain.HeaderByHash(block.ParentHash())
		st, err := c.app.StateAt(parent)
		if err != nil {
			t.Fatal(err)
		}
		replay := exec.Replay(st, block)
		stored := c.chain.Receipts(block.Hash(), block.NumberU64())
		for i := range block.Transactions() {
			r, err := replay.Next(t.Context(), nil)
			if err != nil {
				t.Fatalf("block %d tx %d: %v", block.NumberU64(), i, err)
			}
			if r.Status != stored[i].Status || r.GasUsed != stored[i].GasUsed || r.CumulativeGasUsed != stored[i].CumulativeGasUsed || r.Bloom != stored[i].Bloom || len(r.Logs) != len(stored[i].Logs) {
				t.Fatalf("block %d tx %d: replayed receipt %+v, stored %+v", block.NumberU64(), i, r, stored[i])
			}
		}
		if _, err := replay.Next(t.Context(), nil); err == nil {
			t.Fatal("Next after the last transaction succeeded")
		}
		if root := st.IntermediateRoot(exec.Config().Rules(block.Number(), true, block.Time())); root != block.Root() {
			t.Fatalf("block %d: replayed root %s, block root %s", block.NumberU64(), root, block.Root())
		}
	}
}

// TestTraceCall: debug_traceCall with a state override giving a poor account
// tokens, at a transaction index, and refused on "pending".
func TestTraceCall(t *testing.T) {
	c := newTokenChain(t)
	token := contracts.Token()
	args := map[string]any{"from": c.poor, "to": c.token, "input": hexutil.Bytes(token.Pack("transfer", c.receiver, big.NewInt(5)))}

	var frame callFrame
	c.call(&frame, "debug_traceCall", args, "latest", map[string]any{"tracer": "callTracer"})
	if frame.Error != "execution reverted" {
		t.Fatalf("transfer without tokens: %+v", frame)
	}
	override := map[string]any{c.token.Hex(): map[string]any{"stateDiff": map[string]any{balanceSlot(c.poor).Hex(): common.BigToHash(big.NewInt(50))}}}
	frame = callFrame{}
	c.call(&frame, "debug_traceCall", args, "latest", map[string]any{"tracer": "callTracer", "tracerConfig": map[string]any{"withLog": true}, "stateOverrides": override})
	if frame.Error != "" || len(frame.Logs) != 1 || new(big.Int).SetBytes(frame.Output).Int64() != 1 {
		t.Fatalf("transfer with overridden balance: %+v", frame)
	}
	// Gas used by the traced call is what eth_estimateGas-style execution reports.
	if frame.GasUsed == 0 || frame.GasUsed > frame.Gas {
		t.Fatalf("gasUsed %d of %d", frame.GasUsed, frame.Gas)
	}

	// Before tx 1 of block 2 the receiver holds 100 tokens; before tx 0, none.
	balanceOf := map[string]any{"to": c.token, "input": hexutil.Bytes(token.Pack("balanceOf", c.receiver))}
	for idx, want := range map[string]int64{"0x0": 0, "0x1": 100} {
		frame = callFrame{}
		c.call(&frame, "debug_traceCall", balanceOf, hexutil.Uint64(c.block2.NumberU64()), map[string]any{"tracer": "callTracer", "txIndex": idx})
		if got := new(big.Int).SetBytes(frame.Output).Int64(); got != want {
			t.Errorf("balanceOf(receiver) before tx %s: %d, want %d", idx, got, want)
		}
	}

	var structLogs structResult
	c.call(&structLogs, "debug_traceCall", balanceOf, "latest", map[string]any{})
	if structLogs.Failed || len(structLogs.StructLogs) == 0 {
		t.Fatalf("struct logger on balanceOf: %+v", structLogs)
	}
	var none any
	if err := c.try(&none, "debug_traceCall", balanceOf, "pending"); err == nil || !strings.Contains(err.Error(), "pending") {
		t.Fatalf("traceCall on pending: %v", err)
	}
}
