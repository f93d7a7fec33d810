package app_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"math/big"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/store"
)

// cluster is several apps over their own stores running one chain with the
// devnet's real founding governance, driven as CometBFT drives them: one app
// proposes, every app verifies the proposal (the proposer through its own
// cache, the others by executing it), finalizes and commits it. Every step
// checks that the apps agree.
type cluster struct {
	t      testing.TB
	apps   []*built
	height int64
	time   time.Time
}

// devnetGenesis is the app state of a 4-validator devnet with the founding
// governance, as `redmx devnet` makes it.
func devnetGenesis(t testing.TB, params map[string]uint64) []byte {
	t.Helper()
	doc, err := devnet.NewGenesis(devnet.GenesisParams{Time: genesisTime, DevKeys: 8, GovParams: params}, devnetValidators(t, 4))
	if err != nil {
		t.Fatal(err)
	}
	return doc.AppState
}

// devnetValidators are n validators as `redmx devnet` lays them out, with
// fixed keys.
func devnetValidators(t testing.TB, n int) []devnet.Validator {
	t.Helper()
	var vals []devnet.Validator
	for i := range n {
		seed := make([]byte, 32)
		seed[0] = byte(i + 1)
		pub := cmted25519.PubKey(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
		vals = append(vals, devnet.Validator{
			Name:       fmt.Sprintf("v%d", i),
			Collective: devnet.CollectiveFor(i),
			PubKey:     pub,
			NodeID:     fmt.Sprintf("%040x", i+1),
		})
	}
	return vals
}

func newCluster(t testing.TB, n int, params map[string]uint64) *cluster {
	t.Helper()
	dbs := make([]*store.DB, n)
	for i := range dbs {
		dbs[i] = store.OpenMemory()
	}
	return newClusterWith(t, params, dbs...)
}

// newClusterWith is a cluster of one app on each of dbs.
func newClusterWith(t testing.TB, params map[string]uint64, dbs ...*store.DB) *cluster {
	t.Helper()
	raw := devnetGenesis(t, params)
	c := &cluster{t: t, time: genesisTime}
	for _, db := range dbs {
		gen, err := genesis.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		a := newApp(t, db, gen, app.Config{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))})
		if _, err := a.InitChain(context.Background(), &abci.RequestInitChain{Time: genesisTime, ChainId: "test", AppStateBytes: raw, InitialHeight: 1}); err != nil {
			t.Fatal(err)
		}
		c.apps = append(c.apps, a)
	}
	return c
}

// next advances to the next height and returns its request fields.
func (c *cluster) next() (int64, time.Time, []byte) {
	c.height++
	c.time = c.time.Add(time.Second)
	return c.height, c.time, crypto.Keccak256([]byte("block"), big.NewInt(c.height).Bytes())
}

// proposer is the address CometBFT would give for app p.
func proposer(p int) []byte { return bytes.Repeat([]byte{byte(p + 1)}, 20) }

// propose has app p build the next block from its pool; every app processes
// it and must accept it, then every app finalizes and commits it. It returns
// the proposer's finalize response.
func (c *cluster) propose(p int) *abci.ResponseFinalizeBlock {
	c.t.Helper()
	ctx := context.Background()
	height, tm, hash := c.next()
	prep, err := c.apps[p].PrepareProposal(ctx, &abci.RequestPrepareProposal{Height: height, Time: tm, MaxTxBytes: 8 << 20, ProposerAddress: proposer(p)})
	if err != nil {
		c.t.Fatalf("height %d: prepare: %v", height, err)
	}
	for i, a := range c.apps {
		res, err := a.ProcessProposal(ctx, &abci.RequestProcessProposal{Height: height, Time: tm, Txs: prep.Txs, Hash: hash, ProposerAddress: proposer(p)})
		if err != nil {
			c.t.Fatalf("height %d: app %d: process: %v", height, i, err)
		}
		if res.Status != abci.ResponseProcessProposal_ACCEPT {
			c.t.Fatalf("height %d: app %d rejects the proposal of app %d", height, i, p)
		}
	}
	return c.finalize(height, tm, hash, p, prep.Txs)[p]
}

// process has every app verify txs as the next block proposed by app p and
// returns their verdicts, which must agree. The height is not advanced.
func (c *cluster) process(p int, txs [][]byte) abci.ResponseProcessProposal_ProposalStatus {
	c.t.Helper()
	height, tm := c.height+1, c.time.Add(time.Second)
	hash := crypto.Keccak256([]byte("probe"), big.NewInt(height).Bytes())
	var first abci.ResponseProcessProposal_ProposalStatus
	for i, a := range c.apps {
		res, err := a.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: height, Time: tm, Txs: txs, Hash: hash, ProposerAddress: proposer(p)})
		if err != nil {
			c.t.Fatalf("height %d: app %d: process: %v", height, i, err)
		}
		if i == 0 {
			first = res.Status
		} else if res.Status != first {
			c.t.Fatalf("height %d: app %d says %v, app 0 says %v", height, i, res.Status, first)
		}
	}
	return first
}

// decide has every app finalize and commit txs as the next block, proposed
// by app p, as a block decided by the others reaches a node (in block sync
// and replay too, without ProcessProposal).
func (c *cluster) decide(p int, txs [][]byte) []*abci.ResponseFinalizeBlock {
	c.t.Helper()
	height, tm, hash := c.next()
	return c.finalize(height, tm, hash, p, txs)
}

func (c *cluster) finalize(height int64, tm time.Time, hash []byte, p int, txs [][]byte) []*abci.ResponseFinalizeBlock {
	c.t.Helper()
	ctx := context.Background()
	out := make([]*abci.ResponseFinalizeBlock, len(c.apps))
	for i, a := range c.apps {
		fin, err := a.FinalizeBlock(ctx, &abci.RequestFinalizeBlock{Height: height, Time: tm, Txs: txs, Hash: hash, ProposerAddress: proposer(p)})
		if err != nil {
			c.t.Fatalf("height %d: app %d: finalize: %v", height, i, err)
		}
		if len(fin.TxResults) != len(txs) {
			c.t.Fatalf("height %d: app %d: %d results for %d txs", height, i, len(fin.TxResults), len(txs))
		}
		out[i] = fin
		if i == 0 {
			continue
		}
		if !bytes.Equal(fin.AppHash, out[0].AppHash) {
			c.t.Fatalf("height %d: app %d app hash %x, app 0 %x", height, i, fin.AppHash, out[0].AppHash)
		}
		for j, r := range fin.TxResults {
			if r.Code != out[0].TxResults[j].Code || r.GasUsed != out[0].TxResults[j].GasUsed {
				c.t.Fatalf("height %d: app %d tx %d: code %d gas %d, app 0 code %d gas %d", height, i, j, r.Code, r.GasUsed, out[0].TxResults[j].Code, out[0].TxResults[j].GasUsed)
			}
		}
		if len(fin.ValidatorUpdates) != len(out[0].ValidatorUpdates) {
			c.t.Fatalf("height %d: app %d: %d validator updates, app 0 %d", height, i, len(fin.ValidatorUpdates), len(out[0].ValidatorUpdates))
		}
	}
	for i, a := range c.apps {
		if _, err := a.Commit(ctx, &abci.RequestCommit{}); err != nil {
			c.t.Fatalf("height %d: app %d: commit: %v", height, i, err)
		}
	}
	return out
}

// add puts tx into app i's pool.
func (c *cluster) add(i int, tx *types.Transaction) error { return c.apps[i].pool.Add(tx) }

// raw encodes txs as a block carries them.
func raw(t testing.TB, txs ...*types.Transaction) [][]byte {
	t.Helper()
	out := make([][]byte, len(txs))
	for i, tx := range txs {
		b, err := tx.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}
