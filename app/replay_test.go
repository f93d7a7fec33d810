package app_test

import (
	"context"
	"math/big"
	"math/rand/v2"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
)

// finalize feeds a decided block to h as block sync and replay do: FinalizeBlock
// and Commit, without ProcessProposal.
func (h *harness) finalize(req *abci.RequestFinalizeBlock) *abci.ResponseFinalizeBlock {
	h.t.Helper()
	fin, err := h.app.FinalizeBlock(context.Background(), req)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.app.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		h.t.Fatal(err)
	}
	h.height = req.Height
	return fin
}

// TestReplayAgrees builds a chain with transfers, contract deployments and
// calls, then replays its blocks through two fresh apps, one of them restarted
// from disk halfway; all three agree on the app hash at every height.
func TestReplayAgrees(t *testing.T) {
	h := newHarness(t, memStore())
	keys := ethtest.DevKeys(4)
	token := contracts.Token()
	rng := rand.New(rand.NewPCG(1, 2))
	nonces := make([]uint64, len(keys))
	var tokens []common.Address
	for range 12 {
		for i, k := range keys {
			var tx = ethtest.Transfer(k, chainID, nonces[i], common.BigToAddress(big.NewInt(rng.Int64N(1000))), big.NewInt(rng.Int64N(1e9)))
			switch {
			case rng.IntN(5) == 0:
				tx = ethtest.Deploy(k, chainID, nonces[i], token.DeployData("T", "T", big.NewInt(1e18)), 2_000_000)
				tokens = append(tokens, crypto.CreateAddress(ethtest.Address(k), nonces[i]))
			case len(tokens) > 0 && rng.IntN(2) == 0:
				to := tokens[rng.IntN(len(tokens))]
				tx = ethtest.Call(k, chainID, nonces[i], to, token.Pack("transfer", common.HexToAddress("0x99"), big.NewInt(5)), 100_000)
			}
			mustAdd(t, h, tx)
			nonces[i]++
		}
		h.block()
	}

	fresh := newHarness(t, memStore())
	dir := t.TempDir()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	restarted := newHarness(t, db)
	for i, req := range h.blocks {
		want := h.app.chain.HeaderByNumber(uint64(req.Height)).Hash()
		if got := common.BytesToHash(fresh.finalize(req).AppHash); got != want {
			t.Fatalf("height %d: fresh app hash %s, want %s", req.Height, got, want)
		}
		if got := common.BytesToHash(restarted.finalize(req).AppHash); got != want {
			t.Fatalf("height %d: restarted app hash %s, want %s", req.Height, got, want)
		}
		if i == len(h.blocks)/2 {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if db, err = store.Open(dir, store.DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			restarted = newHarness(t, db)
			if restarted.height != req.Height {
				t.Fatalf("restarted at %d, want %d", restarted.height, req.Height)
			}
		}
	}
	db.Close()
}

// TestInvalidTransactions checks the split between invalid transactions (never
// in a block: rejected proposals, skipped in FinalizeBlock) and failed ones.
func TestInvalidTransactions(t *testing.T) {
	h := newHarness(t, memStore())
	key := ethtest.DevKey(0)
	good, _ := ethtest.Transfer(key, chainID, 0, common.HexToAddress("0x1"), big.NewInt(1)).MarshalBinary()
	stale, _ := ethtest.Transfer(key, chainID, 0, common.HexToAddress("0x2"), big.NewInt(1)).MarshalBinary() // same nonce
	wrongChain, _ := ethtest.Transfer(key, chainID+1, 1, common.HexToAddress("0x2"), big.NewInt(1)).MarshalBinary()
	garbage := []byte{0x02, 0xde, 0xad}
	ctx := context.Background()
	t.Run("proposal with an invalid transaction is rejected", func(t *testing.T) {
		for _, txs := range [][][]byte{{good, stale}, {wrongChain}, {garbage}, {good, good}} {
			res, err := h.app.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: h.height + 1, Time: h.time, Txs: txs, Hash: []byte("x"), ProposerAddress: make([]byte, 20)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != abci.ResponseProcessProposal_REJECT {
				t.Errorf("proposal accepted")
			}
		}
	})
	t.Run("finalize skips invalid transactions deterministically", func(t *testing.T) {
		req := &abci.RequestFinalizeBlock{Height: h.height + 1, Time: h.time, Txs: [][]byte{good, stale, wrongChain, garbage}, Hash: []byte("y"), ProposerAddress: make([]byte, 20)}
		fin := h.finalize(req)
		codes := []uint32{fin.TxResults[0].Code, fin.TxResults[1].Code, fin.TxResults[2].Code, fin.TxResults[3].Code}
		if codes[0] != 0 || codes[1] == 0 || codes[2] == 0 || codes[3] == 0 {
			t.Fatalf("codes %v, want [0 ≠0 ≠0 ≠0]", codes)
		}
		head := h.app.chain.Head()
		if n := len(h.app.chain.BlockByHash(head.Hash()).Transactions()); n != 1 {
			t.Fatalf("block holds %d txs, want 1", n)
		}
	})
}

// FuzzProcessProposal feeds garbage blocks: they are rejected or accepted,
// never a panic or an error that would stop the node.
func FuzzProcessProposal(f *testing.F) {
	good, _ := ethtest.Transfer(ethtest.DevKey(0), chainID, 0, common.HexToAddress("0x1"), big.NewInt(1)).MarshalBinary()
	f.Add(good, []byte{})
	f.Add([]byte{0x01}, []byte{0x02, 0xc0})
	f.Add(good[:len(good)-1], good)
	h := newHarness(f, memStore())
	f.Fuzz(func(t *testing.T, a, b []byte) {
		_, err := h.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: 1, Time: genesisTime, Txs: [][]byte{a, b}, Hash: []byte("f"), ProposerAddress: make([]byte, 20)})
		if err != nil {
			t.Fatal(err)
		}
	})
}
