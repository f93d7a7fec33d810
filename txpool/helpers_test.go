package txpool_test

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/txpool"
)

var (
	chainID = big.NewInt(7777)
	signer  = types.LatestSignerForChainID(chainID)
	// testChain is the chain's rules as a node gives them to its pool.
	testChain = execution.New(genesis.ChainConfig(chainID.Uint64()), nil, nil)
	recipient = common.HexToAddress("0x00000000000000000000000000000000000000aa")
)

const blockGasLimit = 30_000_000

// testState is a map-backed StateReader. Accounts it has not been told about
// hold defaultBalance.
type testState struct {
	mu             sync.RWMutex
	nonces         map[common.Address]uint64
	balances       map[common.Address]*uint256.Int
	defaultBalance *uint256.Int
	gasLimit       atomic.Uint64 // the next block's; tests move it
}

func newTestState() *testState {
	s := &testState{
		nonces:         make(map[common.Address]uint64),
		balances:       make(map[common.Address]*uint256.Int),
		defaultBalance: uint256.NewInt(1e18),
	}
	s.gasLimit.Store(blockGasLimit)
	return s
}

func (s *testState) GasLimit() uint64 { return s.gasLimit.Load() }

func (s *testState) Nonce(addr common.Address) uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.nonces[addr]
}

func (s *testState) Balance(addr common.Address) *uint256.Int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if b, ok := s.balances[addr]; ok {
		return b.Clone()
	}
	return s.defaultBalance.Clone()
}

func (s *testState) setNonce(addr common.Address, n uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonces[addr] = n
}

func (s *testState) setBalance(addr common.Address, b uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balances[addr] = uint256.NewInt(b)
}

// key is a fixed test account.
type key struct {
	priv *ecdsa.PrivateKey
	addr common.Address
}

var (
	keysMu sync.Mutex
	keys   []key
)

// account returns the i-th fixed test key; the same i gives the same key.
func account(i int) key {
	keysMu.Lock()
	defer keysMu.Unlock()
	for len(keys) <= i {
		seed := crypto.Keccak256([]byte(fmt.Sprintf("redmx txpool test key %d", len(keys))))
		priv, err := crypto.ToECDSA(seed)
		if err != nil {
			panic(err)
		}
		keys = append(keys, key{priv, crypto.PubkeyToAddress(priv.PublicKey)})
	}
	return keys[i]
}

func sign(tb testing.TB, k key, data types.TxData) *types.Transaction {
	tb.Helper()
	tx, err := types.SignNewTx(k.priv, signer, data)
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return tx
}

// transfer is a zero-price legacy value transfer of 1 wei.
func transfer(tb testing.TB, k key, nonce uint64) *types.Transaction {
	tb.Helper()
	return sign(tb, k, &types.LegacyTx{Nonce: nonce, GasPrice: new(big.Int), Gas: 21000, To: &recipient, Value: big.NewInt(1)})
}

func legacyPriced(tb testing.TB, k key, nonce uint64, price int64) *types.Transaction {
	tb.Helper()
	return sign(tb, k, &types.LegacyTx{Nonce: nonce, GasPrice: big.NewInt(price), Gas: 21000, To: &recipient})
}

func dynamicPriced(tb testing.TB, k key, nonce uint64, feeCap, tip uint64) *types.Transaction {
	tb.Helper()
	return sign(tb, k, &types.DynamicFeeTx{
		ChainID: chainID, Nonce: nonce, GasFeeCap: new(big.Int).SetUint64(feeCap),
		GasTipCap: new(big.Int).SetUint64(tip), Gas: 21000, To: &recipient,
	})
}

func valued(tb testing.TB, k key, nonce, value uint64) *types.Transaction {
	tb.Helper()
	return sign(tb, k, &types.LegacyTx{Nonce: nonce, GasPrice: new(big.Int), Gas: 21000, To: &recipient, Value: new(big.Int).SetUint64(value)})
}

func withGas(tb testing.TB, k key, nonce, gas uint64) *types.Transaction {
	tb.Helper()
	return sign(tb, k, &types.LegacyTx{Nonce: nonce, GasPrice: new(big.Int), Gas: gas, To: &recipient})
}

// fixture is a pool over a testState, whose block gas limit the test can move.
type fixture struct {
	tb    testing.TB
	state *testState
	pool  *txpool.Pool
}

func newFixture(tb testing.TB, configure ...func(*txpool.Config)) *fixture {
	f := &fixture{tb: tb, state: newTestState()}
	cfg := txpool.DefaultConfig()
	for _, c := range configure {
		c(&cfg)
	}
	f.pool = txpool.New(cfg, testChain, nil)
	f.pool.Reset(f.state)
	return f
}

// mustAdd adds each transaction and fails the test on the first error.
func (f *fixture) mustAdd(txs ...*types.Transaction) {
	f.tb.Helper()
	for _, tx := range txs {
		if err := f.pool.Add(tx); err != nil {
			f.tb.Fatalf("Add(nonce %d): %v", tx.Nonce(), err)
		}
	}
}

// commit plays the role of a block commit: the senders' state nonces move to the
// given values, and the pool is reset.
func (f *fixture) commit(nonces map[common.Address]uint64) {
	for addr, n := range nonces {
		f.state.setNonce(addr, n)
	}
	f.pool.Reset(f.state)
}

func (f *fixture) wantStats(pending, queued int) {
	f.tb.Helper()
	if p, q := f.pool.Stats(); p != pending || q != queued {
		f.tb.Fatalf("Stats: got %d pending %d queued, want %d and %d", p, q, pending, queued)
	}
}

// nonces lists the nonces of txs sent by addr, in order.
func nonces(tb testing.TB, txs []*types.Transaction, addr common.Address) []uint64 {
	tb.Helper()
	var out []uint64
	for _, tx := range txs {
		from, err := types.Sender(signer, tx)
		if err != nil {
			tb.Fatalf("Sender: %v", err)
		}
		if from == addr {
			out = append(out, tx.Nonce())
		}
	}
	return out
}

func hashes(txs []*types.Transaction) []common.Hash {
	out := make([]common.Hash, len(txs))
	for i, tx := range txs {
		out[i] = tx.Hash()
	}
	return out
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for n := from; n < to; n++ {
		out = append(out, n)
	}
	return out
}
