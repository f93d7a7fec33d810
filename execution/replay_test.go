package execution_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
)

const chainID = 5218

// noHashes answers BLOCKHASH for a chain of one block after genesis.
type noHashes struct{}

func (noHashes) CanonicalHash(uint64) common.Hash { return common.Hash{} }

// recorder is a tracer that records the transaction hooks it sees.
type recorder struct {
	starts   []common.Hash
	receipts []*types.Receipt
	enters   int
	balances int
}

func (r *recorder) hooks() *tracing.Hooks {
	return &tracing.Hooks{
		OnTxStart: func(_ *tracing.VMContext, tx *types.Transaction, _ common.Address) {
			r.starts = append(r.starts, tx.Hash())
		},
		OnTxEnd: func(receipt *types.Receipt, err error) {
			if err == nil {
				r.receipts = append(r.receipts, receipt)
			}
		},
		OnEnter: func(int, byte, common.Address, common.Address, []byte, uint64, *big.Int) { r.enters++ },
		OnBalanceChange: func(common.Address, *big.Int, *big.Int, tracing.BalanceChangeReason) {
			r.balances++
		},
	}
}

// commitGenesis applies alloc as exec's genesis and commits it to a new
// database; the header returned has its root.
func commitGenesis(t *testing.T, exec *execution.Executor, alloc types.GenesisAlloc) (state.Database, *types.Header) {
	t.Helper()
	db := state.NewDatabaseForTesting()
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		t.Fatal(err)
	}
	g, err := execution.ApplyGenesis(st, alloc, execution.Params{GasLimit: genesis.DefaultGasLimit}, nil, 1_800_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if g.Root, err = st.Commit(exec.Config().Rules(g.Number, true, g.Time), 0); err != nil {
		t.Fatal(err)
	}
	return db, g
}

// chain executes one block on a genesis state and returns the executor, the
// genesis state's database and root, and the block with its receipts.
func chain(t *testing.T) (*execution.Executor, state.Database, *types.Header, *execution.Result) {
	t.Helper()
	keys := ethtest.DevKeys(2)
	alloc := genesis.SystemAlloc()
	alloc[ethtest.Address(keys[0])] = types.Account{Balance: big.NewInt(1e18)}
	exec := execution.New(genesis.ChainConfig(chainID), noHashes{}, nil)
	db, g := commitGenesis(t, exec, alloc)
	st, err := state.New(g.Root, db)
	if err != nil {
		t.Fatal(err)
	}
	token := contracts.Token()
	tokenAddr := crypto.CreateAddress(ethtest.Address(keys[0]), 0)
	txs := []*types.Transaction{
		ethtest.Deploy(keys[0], chainID, 0, token.DeployData("Peso", "PSO", big.NewInt(1000)), 2_000_000),
		ethtest.Call(keys[0], chainID, 1, tokenAddr, token.Pack("transfer", ethtest.Address(keys[1]), big.NewInt(10)), 100_000),
		ethtest.Call(keys[0], chainID, 2, tokenAddr, token.Pack("transfer", ethtest.Address(keys[1]), big.NewInt(5000)), 100_000), // reverts
		ethtest.Transfer(keys[0], chainID, 3, ethtest.Address(keys[1]), big.NewInt(1)),
	}
	res, err := exec.Execute(st, execution.BlockEnv{Parent: g, Time: g.Time + 1, GasLimit: genesis.DefaultGasLimit}, txs, execution.Verify)
	if err != nil {
		t.Fatal(err)
	}
	if res.Receipts[2].Status != types.ReceiptStatusFailed {
		t.Fatal("the over-balance transfer did not fail")
	}
	return exec, db, g, res
}

// TestReplayAgreesWithExecute replays a block, traced and not, and checks
// that it reproduces the receipts and the state root, and that the hooks see
// each transaction between OnTxStart and OnTxEnd with its receipt.
func TestReplayAgreesWithExecute(t *testing.T) {
	exec, db, g, res := chain(t)
	for _, traced := range []bool{false, true} {
		st, err := state.New(g.Root, db)
		if err != nil {
			t.Fatal(err)
		}
		rec := new(recorder)
		replay := exec.Replay(st, res.Block)
		for i, tx := range res.Block.Transactions() {
			var hooks *tracing.Hooks
			if traced {
				hooks = rec.hooks()
			}
			r, err := replay.Next(t.Context(), hooks)
			if err != nil {
				t.Fatalf("tx %d: %v", i, err)
			}
			want := res.Receipts[i]
			if r.Status != want.Status || r.GasUsed != want.GasUsed || r.CumulativeGasUsed != want.CumulativeGasUsed || r.Bloom != want.Bloom {
				t.Fatalf("traced %v tx %d: receipt %+v, want %+v", traced, i, r, want)
			}
			if r.BlockHash != res.Block.Hash() || r.TxHash != tx.Hash() {
				t.Fatalf("receipt of tx %d names block %s tx %s", i, r.BlockHash, r.TxHash)
			}
		}
		if _, err := replay.Next(t.Context(), nil); !errors.Is(err, execution.ErrReplayDone) {
			t.Fatalf("Next past the end: %v", err)
		}
		if root := st.IntermediateRoot(exec.Config().Rules(res.Block.Number(), true, res.Block.Time())); root != res.Block.Root() {
			t.Fatalf("traced %v: replayed root %s, block root %s", traced, root, res.Block.Root())
		}
		if !traced {
			continue
		}
		n := len(res.Block.Transactions())
		if len(rec.starts) != n || len(rec.receipts) != n || rec.enters < n || rec.balances == 0 {
			t.Fatalf("hooks saw %d starts, %d receipts, %d enters, %d balance changes for %d txs", len(rec.starts), len(rec.receipts), rec.enters, rec.balances, n)
		}
		for i, tx := range res.Block.Transactions() {
			if rec.starts[i] != tx.Hash() || rec.receipts[i].GasUsed != res.Receipts[i].GasUsed {
				t.Fatalf("tx %d: hooks saw %s with gasUsed %d", i, rec.starts[i], rec.receipts[i].GasUsed)
			}
		}
	}
}

// TestReplayCancelled: a replay stops before a transaction once ctx ends.
func TestReplayCancelled(t *testing.T) {
	exec, db, g, res := chain(t)
	st, err := state.New(g.Root, db)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := exec.Replay(st, res.Block).Next(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with an ended context: %v", err)
	}
}

// TestTraceCallHooks: TraceCall runs at gas price zero through the hooks,
// with a receipt whose gasUsed is the result's.
func TestTraceCallHooks(t *testing.T) {
	exec, db, g, _ := chain(t)
	st, err := state.New(g.Root, db)
	if err != nil {
		t.Fatal(err)
	}
	from := ethtest.Address(ethtest.DevKey(0))
	to := common.HexToAddress("0xbeef")
	msg := &core.Message{From: from, To: &to, Value: uint256.NewInt(1), GasLimit: 50_000, GasPrice: uint256.NewInt(1e9), GasFeeCap: uint256.NewInt(1e9), GasTipCap: uint256.NewInt(1e9)}
	tx := types.NewTx(&types.DynamicFeeTx{To: &to, Gas: msg.GasLimit, Value: big.NewInt(1)})
	rec := new(recorder)
	before := st.GetBalance(from).Clone()
	result, err := exec.TraceCall(t.Context(), msg.SkipNonceCheck(), tx, g, st, rec.hooks())
	if err != nil || result.Failed() {
		t.Fatalf("TraceCall: %v %v", err, result)
	}
	if len(rec.starts) != 1 || len(rec.receipts) != 1 || rec.receipts[0].GasUsed != result.UsedGas {
		t.Fatalf("hooks saw %d starts, %d receipts", len(rec.starts), len(rec.receipts))
	}
	if spent := new(uint256.Int).Sub(before, st.GetBalance(from)); spent.Uint64() != 1 {
		t.Fatalf("sender paid %s, want the value only (1)", spent)
	}
}
