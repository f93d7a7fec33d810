package app_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"io/fs"
	"math/big"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
)

// BenchmarkBlock measures executing and committing one block (FinalizeBlock and
// Commit, as a validator that did not see the proposal does) on a pebble store,
// with transactions from 20 senders.
func BenchmarkBlock(b *testing.B) {
	for _, kind := range []string{"native", "erc20"} {
		for _, n := range []int{1000, 3000} {
			b.Run(fmt.Sprintf("%s/txs=%d", kind, n), func(b *testing.B) {
				benchBlock(b, kind, n, nil)
			})
		}
	}
}

// BenchmarkBlockGoverned is BenchmarkBlock on a governed chain: admission,
// capital charged in state and the creation watch on every transaction (a
// fake governance with the real one's state accesses: one read per
// admission, a read and a write per charge).
func BenchmarkBlockGoverned(b *testing.B) {
	for _, kind := range []string{"native", "erc20"} {
		b.Run(fmt.Sprintf("%s/txs=1000", kind), func(b *testing.B) {
			gov := newFakeGov()
			gov.open = true
			gov.capital[1] = 1 << 62
			benchBlock(b, kind, 1000, gov)
		})
	}
}

func benchBlock(b *testing.B, kind string, n int, gov app.Governance) {
	h, nonces := fundedHarness(b, b.TempDir(), app.Config{Governance: gov})
	benchTransfers(b, h, kind, n, nonces)
}

// fundedHarness is a harness with cfg on a pebble store in dir, closed with
// the benchmark, whose first 20 development keys are funded (only four are
// in the genesis), and those keys' next nonces.
func fundedHarness(b *testing.B, dir string, cfg app.Config) (*harness, []uint64) {
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	h := newHarnessWith(b, db, cfg)
	keys := ethtest.DevKeys(4)
	senders := ethtest.DevKeys(20)
	nonces := make([]uint64, len(senders))
	for i, k := range senders[len(keys):] {
		mustAdd(b, h, ethtest.Transfer(keys[0], chainID, uint64(i), ethtest.Address(k), big.NewInt(1e18)))
	}
	h.block()
	nonces[0] = uint64(len(senders) - len(keys))
	return h, nonces
}

// BenchmarkBlockDevnetGovernance is BenchmarkBlock's 1,000 transfers on the
// genesis `redmx devnet` makes, with its founding governance (the real
// contract: each transaction admitted and charged capital, the creation
// rule watched) and without it (`--no-governance`: none of it runs).
func BenchmarkBlockDevnetGovernance(b *testing.B) {
	for _, kind := range []string{"native", "erc20"} {
		for _, governed := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/governance=%v", kind, governed), func(b *testing.B) {
				db, err := store.Open(b.TempDir(), store.DefaultOptions())
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				doc, err := devnet.NewGenesis(devnet.GenesisParams{Time: genesisTime, DevKeys: 20, NoGovernance: !governed}, devnetValidators(b, 4))
				if err != nil {
					b.Fatal(err)
				}
				h := newHarnessFrom(b, db, doc.AppState, app.Config{})
				benchTransfers(b, h, kind, 1000, make([]uint64, 20))
			})
		}
	}
}

// benchTransfers measures blocks of n transfers from the first 20
// development keys, funded, at nonces; for ERC-20 each first deploys a
// token of its own.
func benchTransfers(b *testing.B, h *harness, kind string, n int, nonces []uint64) {
	senders := ethtest.DevKeys(len(nonces))
	token := contracts.Token()
	var tokens []common.Address
	if kind == "erc20" {
		for i, k := range senders {
			mustAdd(b, h, ethtest.Deploy(k, chainID, nonces[i], token.DeployData("T", "T", new(big.Int).Lsh(big.NewInt(1), 200)), 2_000_000))
			tokens = append(tokens, crypto.CreateAddress(ethtest.Address(k), nonces[i]))
			nonces[i]++
		}
		h.block()
	}

	makeBlock := func() [][]byte {
		txs := make([][]byte, 0, n)
		for j := range n {
			i := j % len(senders)
			to := common.BigToAddress(big.NewInt(int64(j + 1000)))
			var tx *types.Transaction
			if kind == "native" {
				tx = ethtest.Transfer(senders[i], chainID, nonces[i], to, big.NewInt(1))
			} else {
				tx = ethtest.Call(senders[i], chainID, nonces[i], tokens[i], token.Pack("transfer", to, big.NewInt(1)), 60_000)
			}
			nonces[i]++
			raw, _ := tx.MarshalBinary()
			txs = append(txs, raw)
		}
		return txs
	}
	measureBlocks(b, h, n, makeBlock)
}

// measureBlocks times FinalizeBlock and Commit of blocks that makeBlock
// makes, outside the timer, and reports the rate.
func measureBlocks(b *testing.B, h *harness, n int, makeBlock func() [][]byte) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		req := h.nextBlock(makeBlock())
		b.StartTimer()
		fin := h.finalize(req)
		b.StopTimer()
		for _, r := range fin.TxResults {
			if r.Code != 0 {
				b.Fatalf("tx invalid: %s", r.Log)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tx/s")
}

// nextBlock is the decided block after h's head carrying txs, a second
// later, as a validator that did not see its proposal gets it.
func (h *harness) nextBlock(txs [][]byte) *abci.RequestFinalizeBlock {
	h.time = h.time.Add(time.Second)
	return &abci.RequestFinalizeBlock{Height: h.height + 1, Time: h.time, Txs: txs, Hash: []byte{1}, ProposerAddress: make([]byte, 20)}
}

// signTransfers signs a transfer of 1 wei to each of dest, the j-th from
// senders[j mod len(senders)] at its next nonce, on every core, and
// advances nonces.
func signTransfers(senders []*ecdsa.PrivateKey, nonces []uint64, dest []common.Address) [][]byte {
	n := len(dest)
	txs := make([][]byte, n)
	var wg sync.WaitGroup
	for i, k := range senders {
		first := nonces[i]
		wg.Go(func() {
			for j := i; j < n; j += len(senders) {
				tx := ethtest.Transfer(k, chainID, first+uint64(j/len(senders)), dest[j], big.NewInt(1))
				txs[j], _ = tx.MarshalBinary()
			}
		})
		nonces[i] += uint64((n - i + len(senders) - 1) / len(senders))
	}
	wg.Wait()
	return txs
}

// BenchmarkBlockAtScale is BenchmarkBlock's 1,000 native transfers on a
// state of 10,000, 100,000 and 1,000,000 funded accounts, each transfer to
// one of them picked across the whole range, so that every one reads and
// writes an account deep in the trie. It reports the store's size on disk
// per account created by a transfer. Run it alone: the million accounts
// are made by transfers, which takes minutes.
func BenchmarkBlockAtScale(b *testing.B) {
	for _, accounts := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("accounts=%d", accounts), func(b *testing.B) {
			dir := b.TempDir()
			h, nonces := fundedHarness(b, dir, app.Config{})
			senders := ethtest.DevKeys(20)
			account := func(i int) common.Address {
				return common.BytesToAddress(crypto.Keccak256(big.NewInt(int64(i)).Bytes()))
			}
			// transfers signs n transfers, the j-th to account(to(j)) (to
			// is called in order).
			transfers := func(n int, to func(j int) int) [][]byte {
				dest := make([]common.Address, n)
				for j := range dest {
					dest[j] = account(to(j))
				}
				return signTransfers(senders, nonces, dest)
			}
			const perBlock = 5_000
			for made := 0; made < accounts; made += perBlock {
				h.finalize(h.nextBlock(transfers(min(perBlock, accounts-made), func(j int) int { return made + j })))
			}
			size := dirSize(b, dir)
			// 7919 is prime and no divisor of the counts: consecutive
			// transfers land far apart.
			next := 0
			spread := func() [][]byte {
				return transfers(1000, func(j int) int { next++; return (next * 7919) % accounts })
			}
			// Every size is measured in the same steady state: past the
			// newest states held in memory, so that each block also merges
			// the oldest into the write buffer, writes its state history,
			// has it indexed and the store compacts. Measured straight after
			// the 10,000 were made, a chain of two blocks does none of that.
			for range warmBlocks {
				h.finalize(h.nextBlock(spread()))
			}
			measureBlocks(b, h, 1000, spread)
			b.ReportMetric(float64(size)/float64(accounts), "disk-B/account")
		})
	}
}

// warmBlocks is how many blocks a benchmark of state at scale runs before it
// measures: more than the newest states the trie database holds in
// memory, so that the oldest is merged into the disk layer at every block.
const warmBlocks = 300

// dirSize is the bytes of the files under dir.
func dirSize(b *testing.B, dir string) int64 {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			size += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return size
}

// BenchmarkBlockHistory is BenchmarkBlock's 1,000 native transfers on a
// chain of 10,000, 100,000 and 1,000,000 blocks, each of a few transfers
// among the same 10,000 accounts: the state stays the same size while its
// history, the chain index and the pruning of both grow to a node's
// defaults (state history 150,000 blocks, block history 1,000,000). One
// chain grows through the three sizes; the million takes about half an
// hour, so run it alone.
func BenchmarkBlockHistory(b *testing.B) {
	h, nonces := fundedHarness(b, b.TempDir(), app.Config{BlockHistory: store.DefaultBlockHistory})
	senders := ethtest.DevKeys(20)
	const accounts = 10_000
	account := func(i int) common.Address {
		return common.BytesToAddress(crypto.Keccak256(big.NewInt(int64(i % accounts)).Bytes()))
	}
	// sign signs the next n transfers, in turn to each of the accounts.
	next := 0
	sign := func(n int) [][]byte {
		dest := make([]common.Address, n)
		for j := range dest {
			dest[j] = account(next)
			next++
		}
		return signTransfers(senders, nonces, dest)
	}
	ctx := context.Background()
	const perBlock, chunk = 4, 50_000
	for _, blocks := range []int{10_000, 100_000, 1_000_000} {
		start := time.Now()
		for h.height < int64(blocks) {
			txs := sign(min(chunk, (blocks-int(h.height))*perBlock))
			for ; len(txs) > 0; txs = txs[perBlock:] {
				h.finalize(h.nextBlock(txs[:perBlock]))
			}
		}
		b.Logf("grown to %d blocks in %s", h.height, time.Since(start).Round(time.Second))
		// Labelled, so that a CPU profile of the run (-cpuprofile) shows
		// each size's blocks apart: go tool pprof -tagfocus blocks=1000000.
		pprof.Do(ctx, pprof.Labels("blocks", strconv.Itoa(blocks)), func(context.Context) {
			b.Run(fmt.Sprintf("blocks=%d", blocks), func(b *testing.B) {
				measureBlocks(b, h, 1000, func() [][]byte { return sign(1000) })
			})
		})
	}
}

// BenchmarkPoolRecheck measures the pool's re-check after a block: an empty
// block executed and committed with 10,000 transfers of 20 senders pooled,
// each asked again on the new head, on the devnet's genesis with its
// founding governance (each asked of the contract) and without it.
func BenchmarkPoolRecheck(b *testing.B) {
	for _, governed := range []bool{true, false} {
		b.Run(fmt.Sprintf("governance=%v", governed), func(b *testing.B) {
			doc, err := devnet.NewGenesis(devnet.GenesisParams{Time: genesisTime, DevKeys: 20, NoGovernance: !governed}, devnetValidators(b, 4))
			if err != nil {
				b.Fatal(err)
			}
			h := newHarnessFrom(b, store.OpenMemory(), doc.AppState, app.Config{})
			senders := ethtest.DevKeys(20)
			for j := range 10_000 {
				mustAdd(b, h, ethtest.Transfer(senders[j%20], chainID, uint64(j/20), common.BigToAddress(big.NewInt(int64(j+1000))), big.NewInt(1)))
			}
			b.ResetTimer()
			for b.Loop() {
				h.finalize(h.nextBlock(nil))
			}
			if pending, _ := h.app.pool.Stats(); pending != 10_000 {
				b.Fatalf("%d pending after the blocks, want 10000", pending)
			}
		})
	}
}
