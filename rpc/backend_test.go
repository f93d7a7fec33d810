package rpc_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/rpc"
)

const testChainID = 4242

var (
	ether = big.NewInt(params.Ether)
	gwei  = big.NewInt(params.GWei)

	key0, key1 = ethtest.DevKey(0), ethtest.DevKey(1)
	addr0      = ethtest.Address(key0)
	addr1      = ethtest.Address(key1)

	// revertAddr holds, from genesis, code that always reverts with Error("nope").
	revertAddr = common.HexToAddress("0x00000000000000000000000000000000000000aa")
	// storeAddr holds, from genesis, one storage slot.
	storeAddr  = common.HexToAddress("0x00000000000000000000000000000000000000bb")
	storeSlot  = common.HexToHash("0x01")
	storeValue = common.HexToHash("0x2a")
	validator  = common.HexToAddress("0x00000000000000000000000000000000000000cc")
)

// fakeBackend is rpc.Backend over a two-block chain built in memory with
// go-ethereum's own state, EVM, signer and block types. Block 1 holds a legacy
// transfer, a dynamic-fee contract creation (a logger) and a call to it.
type fakeBackend struct {
	config *params.ChainConfig
	db     state.Database

	blocks   []*types.Block
	receipts []types.Receipts

	mu           sync.Mutex
	pool         map[common.Hash]*types.Transaction
	pendingNonce uint64
	sendErr      error
	sent         []*types.Transaction
	syncing      bool
	unavailable  map[uint64]bool // heights whose state is "pruned"
	// headOnlyTogether: State refuses the head's state, as for a head a
	// flatten took off the live layers between its resolution and the
	// open; only HeadState, which takes both in one step, opens it.
	headOnlyTogether bool
	evicted          map[common.Hash]fakeEviction

	chainFeed event.FeedOf[core.ChainEvent]
	logsFeed  event.FeedOf[[]*types.Log]
	txsFeed   event.FeedOf[core.NewTxsEvent]
	scope     event.SubscriptionScope
}

func newFakeBackend(t testing.TB) *fakeBackend {
	t.Helper()
	config := *params.MergedTestChainConfig
	config.ChainID = big.NewInt(testChainID)
	f := &fakeBackend{
		config:       &config,
		db:           state.NewDatabaseForTesting(),
		pool:         make(map[common.Hash]*types.Transaction),
		pendingNonce: 3,
		unavailable:  make(map[uint64]bool),
	}

	// Genesis.
	st, err := state.New(types.EmptyRootHash, f.db)
	if err != nil {
		t.Fatal(err)
	}
	st.SetBalance(addr0, uint256.MustFromBig(new(big.Int).Mul(ether, big.NewInt(100))), tracing.BalanceChangeUnspecified)
	st.SetCode(revertAddr, revertCode("nope"), tracing.CodeChangeUnspecified)
	st.SetState(storeAddr, storeSlot, storeValue)
	st.SetNonce(storeAddr, 1, tracing.NonceChangeUnspecified)
	h0 := f.newHeader(nil)
	if h0.Root, err = st.Commit(f.rules(h0), 0); err != nil {
		t.Fatal(err)
	}
	f.add(types.NewBlock(h0, &types.Body{Withdrawals: []*types.Withdrawal{}}, nil, trie.NewStackTrie(nil)), nil)

	// Block 1.
	signer := types.LatestSignerForChainID(f.config.ChainID)
	logger := crypto.CreateAddress(addr0, 1)
	txs := []*types.Transaction{
		types.MustSignNewTx(key0, signer, &types.LegacyTx{Nonce: 0, To: &addr1, Value: ether, Gas: 21000, GasPrice: new(big.Int)}),
		types.MustSignNewTx(key0, signer, &types.DynamicFeeTx{ChainID: f.config.ChainID, Nonce: 1, Gas: 200_000, GasTipCap: gwei, GasFeeCap: new(big.Int).Mul(gwei, big.NewInt(2)), Data: initCode(loggerCode)}),
		types.MustSignNewTx(key0, signer, &types.DynamicFeeTx{ChainID: f.config.ChainID, Nonce: 2, To: &logger, Gas: 100_000, GasTipCap: new(big.Int), GasFeeCap: new(big.Int), Data: []byte("hello")}),
	}
	h1 := f.newHeader(f.blocks[0].Header())
	if st, err = state.New(h0.Root, f.db); err != nil {
		t.Fatal(err)
	}
	gp := core.NewGasPool(h1.GasLimit)
	var receipts types.Receipts
	for i, tx := range txs {
		st.SetTxContext(tx.Hash(), i, uint32(i+1))
		evm := vm.NewEVM(f.blockContext(h1), st, f.config, vm.Config{})
		r, _, err := core.ApplyTransaction(context.Background(), evm, gp, st, h1, tx)
		if err != nil {
			t.Fatalf("apply tx %d: %v", i, err)
		}
		receipts = append(receipts, r)
	}
	h1.GasUsed = receipts[len(receipts)-1].CumulativeGasUsed
	if h1.Root, err = st.Commit(f.rules(h1), 1); err != nil {
		t.Fatal(err)
	}
	b1 := types.NewBlock(h1, &types.Body{Transactions: txs, Withdrawals: []*types.Withdrawal{}}, receipts, trie.NewStackTrie(nil))
	if err := receipts.DeriveFields(f.config, b1.Hash(), 1, b1.Time(), b1.BaseFee(), nil, txs); err != nil {
		t.Fatal(err)
	}
	f.add(b1, receipts)
	return f
}

func (f *fakeBackend) newHeader(parent *types.Header) *types.Header {
	zero := uint64(0)
	h := &types.Header{
		Number:           new(big.Int),
		GasLimit:         30_000_000,
		Time:             1_700_000_000,
		Difficulty:       new(big.Int),
		BaseFee:          new(big.Int),
		Extra:            []byte("redmx"),
		WithdrawalsHash:  &types.EmptyWithdrawalsHash,
		BlobGasUsed:      &zero,
		ExcessBlobGas:    &zero,
		ParentBeaconRoot: &common.Hash{},
		RequestsHash:     &types.EmptyRequestsHash,
	}
	if parent != nil {
		h.ParentHash = parent.Hash()
		h.Number = new(big.Int).Add(parent.Number, common.Big1)
		h.Time = parent.Time + 1
		h.Coinbase = validator
	}
	return h
}

func (f *fakeBackend) rules(h *types.Header) params.Rules {
	return f.config.Rules(h.Number, true, h.Time)
}

func (f *fakeBackend) add(b *types.Block, r types.Receipts) {
	f.blocks = append(f.blocks, b)
	f.receipts = append(f.receipts, r)
}

func (f *fakeBackend) blockContext(h *types.Header) vm.BlockContext {
	random := h.MixDigest
	return vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash: func(n uint64) common.Hash {
			if n < uint64(len(f.blocks)) {
				return f.blocks[n].Hash()
			}
			return common.Hash{}
		},
		Coinbase:    h.Coinbase,
		GasLimit:    h.GasLimit,
		BlockNumber: new(big.Int).Set(h.Number),
		Time:        h.Time,
		Difficulty:  new(big.Int),
		BaseFee:     new(big.Int),
		BlobBaseFee: new(big.Int),
		Random:      &random,
	}
}

func (f *fakeBackend) ChainID() uint64       { return testChainID }
func (f *fakeBackend) ClientVersion() string { return "redmx/v0.0.0-test" }
func (f *fakeBackend) PeerCount() int        { return 3 }

func (f *fakeBackend) Syncing() (bool, uint64, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.syncing, 1, 9
}

func (f *fakeBackend) Head() *types.Header { return f.blocks[len(f.blocks)-1].Header() }

func (f *fakeBackend) HeaderByNumber(n uint64) *types.Header {
	if b := f.BlockByNumber(n); b != nil {
		return b.Header()
	}
	return nil
}

func (f *fakeBackend) HeaderByHash(hash common.Hash) *types.Header {
	if b := f.BlockByHash(hash); b != nil {
		return b.Header()
	}
	return nil
}

func (f *fakeBackend) BlockByNumber(n uint64) *types.Block {
	if n < uint64(len(f.blocks)) {
		return f.blocks[n]
	}
	return nil
}

func (f *fakeBackend) BlockByHash(hash common.Hash) *types.Block {
	for _, b := range f.blocks {
		if b.Hash() == hash {
			return b
		}
	}
	return nil
}

func (f *fakeBackend) Receipts(hash common.Hash, n uint64) types.Receipts {
	if b := f.BlockByNumber(n); b != nil && b.Hash() == hash {
		return f.receipts[n]
	}
	return nil
}

func (f *fakeBackend) Transaction(hash common.Hash) (*types.Transaction, common.Hash, uint64, uint64) {
	for _, b := range f.blocks {
		for i, tx := range b.Transactions() {
			if tx.Hash() == hash {
				return tx, b.Hash(), b.NumberU64(), uint64(i)
			}
		}
	}
	return nil, common.Hash{}, 0, 0
}

func (f *fakeBackend) State(h *types.Header) (*state.StateDB, error) {
	f.mu.Lock()
	gone := f.unavailable[h.Number.Uint64()] || f.headOnlyTogether && h.Hash() == f.Head().Hash()
	f.mu.Unlock()
	if gone {
		return nil, fmt.Errorf("%w: pruned below block 1", rpc.ErrStateUnavailable)
	}
	return state.New(h.Root, f.db)
}

func (f *fakeBackend) HeadState() (*state.StateDB, *types.Header, error) {
	h := f.Head()
	if h == nil {
		return nil, nil, nil
	}
	if f.headOnlyTogether {
		st, err := state.New(h.Root, f.db)
		return st, h, err
	}
	st, err := f.State(h)
	return st, h, err
}

func (f *fakeBackend) SendTransaction(tx *types.Transaction) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		return f.sendErr
	}
	f.sent = append(f.sent, tx)
	f.pool[tx.Hash()] = tx
	return nil
}

func (f *fakeBackend) setSendErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sendErr = err
}

func (f *fakeBackend) PoolTransaction(hash common.Hash) *types.Transaction {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pool[hash]
}

type fakeEviction struct {
	reason string
	height uint64
}

// PoolEvicted knows the evictions the test set.
func (f *fakeBackend) PoolEvicted(hash common.Hash) (string, uint64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev, ok := f.evicted[hash]
	return ev.reason, ev.height, ok
}

// PoolStats counts every pooled transaction as executable.
func (f *fakeBackend) PoolStats() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pool), 0
}

// PoolContent puts a transaction with a nonce above pendingNonce in queued.
func (f *fakeBackend) PoolContent() (map[common.Address][]*types.Transaction, map[common.Address][]*types.Transaction) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pending := make(map[common.Address][]*types.Transaction)
	queued := make(map[common.Address][]*types.Transaction)
	signer := types.LatestSignerForChainID(f.config.ChainID)
	for _, tx := range f.pool {
		from, _ := types.Sender(signer, tx)
		if tx.Nonce() > f.pendingNonce {
			queued[from] = append(queued[from], tx)
		} else {
			pending[from] = append(pending[from], tx)
		}
	}
	return pending, queued
}

func (f *fakeBackend) PendingNonce(common.Address) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pendingNonce
}

// Call runs msg on st with zero prices, stopping the EVM when ctx ends.
func (f *fakeBackend) Call(ctx context.Context, msg *core.Message, h *types.Header, st *state.StateDB) (*core.ExecutionResult, error) {
	evm := vm.NewEVM(f.blockContext(h), st, f.config, vm.Config{NoBaseFee: true})
	stop := context.AfterFunc(ctx, evm.Cancel)
	defer stop()
	return core.ApplyMessage(evm, msg, core.NewGasPool(math.MaxUint64))
}

// EstimateGas is a plain binary search over Call, as go-ethereum's estimator
// does without its shortcuts.
func (f *fakeBackend) EstimateGas(ctx context.Context, msg *core.Message, h *types.Header, st *state.StateDB, gasCap uint64) (uint64, *core.ExecutionResult, error) {
	run := func(gas uint64) (*core.ExecutionResult, error) {
		m := *msg
		m.GasLimit = gas
		return f.Call(ctx, &m, h, st.Copy())
	}
	hi := h.GasLimit
	if msg.GasLimit >= params.TxGas {
		hi = msg.GasLimit
	}
	if gasCap != 0 && hi > gasCap {
		hi = gasCap
	}
	res, err := run(hi)
	if err != nil {
		return 0, nil, err
	}
	if res.Failed() {
		if errors.Is(res.Err, vm.ErrExecutionReverted) {
			return 0, res, res.Err
		}
		return 0, nil, fmt.Errorf("gas required exceeds allowance (%d)", hi)
	}
	lo := res.UsedGas - 1
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		res, err := run(mid)
		if err == nil && !res.Failed() {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil, nil
}

func (f *fakeBackend) ChainConfig() *params.ChainConfig { return f.config }

// ReplayBlock re-executes block as newFakeBackend built it, with go-ethereum's
// ApplyTransactionWithEVM at the prices the transactions declare.
func (f *fakeBackend) ReplayBlock(block *types.Block, st *state.StateDB) rpc.BlockReplay {
	return &fakeReplay{f: f, block: block, st: st, gp: core.NewGasPool(block.GasLimit())}
}

type fakeReplay struct {
	f     *fakeBackend
	block *types.Block
	st    *state.StateDB
	gp    *core.GasPool
	next  int
}

func (r *fakeReplay) Next(ctx context.Context, hooks *tracing.Hooks) (*types.Receipt, error) {
	txs := r.block.Transactions()
	if r.next >= len(txs) {
		return nil, errors.New("no transaction left")
	}
	i, tx, h := r.next, txs[r.next], r.block.Header()
	r.next++
	msg, err := core.TransactionToMessage(tx, types.LatestSignerForChainID(r.f.config.ChainID), h.BaseFee)
	if err != nil {
		return nil, err
	}
	r.st.SetTxContext(tx.Hash(), i, uint32(i+1))
	evm := vm.NewEVM(r.f.blockContext(h), state.NewHookedState(r.st, hooks), r.f.config, vm.Config{Tracer: hooks})
	defer context.AfterFunc(ctx, evm.Cancel)()
	receipt, _, err := core.ApplyTransactionWithEVM(ctx, msg, r.gp, r.st, h.Number, r.block.Hash(), h.Time, tx, evm)
	return receipt, err
}

// TraceCall runs msg as Call does, observed by hooks.
func (f *fakeBackend) TraceCall(ctx context.Context, msg *core.Message, tx *types.Transaction, h *types.Header, st *state.StateDB, hooks *tracing.Hooks) (*core.ExecutionResult, error) {
	evm := vm.NewEVM(f.blockContext(h), state.NewHookedState(st, hooks), f.config, vm.Config{Tracer: hooks, NoBaseFee: true})
	defer context.AfterFunc(ctx, evm.Cancel)()
	if hooks != nil && hooks.OnTxStart != nil {
		hooks.OnTxStart(evm.GetVMContext(), tx, msg.From)
	}
	res, err := core.ApplyMessage(evm, msg, core.NewGasPool(math.MaxUint64))
	if hooks != nil && hooks.OnTxEnd != nil {
		var receipt *types.Receipt
		if err == nil {
			receipt = &types.Receipt{GasUsed: res.UsedGas}
		}
		hooks.OnTxEnd(receipt, err)
	}
	return res, err
}

// addPending puts a signed dynamic-fee transaction in the fake pool.
func (f *fakeBackend) addPending(t testing.TB, key *ecdsa.PrivateKey, nonce uint64) *types.Transaction {
	t.Helper()
	signer := types.LatestSignerForChainID(f.config.ChainID)
	tx := types.MustSignNewTx(key, signer, &types.DynamicFeeTx{ChainID: f.config.ChainID, Nonce: nonce, To: &addr0, Gas: 21000, GasTipCap: gwei, GasFeeCap: new(big.Int).Mul(gwei, big.NewInt(3)), Value: big.NewInt(7)})
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pool[tx.Hash()] = tx
	return tx
}

// loggerCode emits its calldata as a LOG1 with topic 0x01.
var loggerCode = []byte{
	0x36, 0x60, 0x00, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
	0x60, 0x01, 0x36, 0x60, 0x00, 0xa1, // LOG1(0, CALLDATASIZE, 0x01)
	0x00, // STOP
}

// returnCode returns the 32-byte word the given ops leave on the stack.
func returnCode(ops ...byte) []byte {
	code := append([]byte{}, ops...)
	return append(code, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3) // MSTORE(0, x) RETURN(0, 32)
}

// revertCode always reverts with Error(reason).
func revertCode(reason string) []byte {
	payload := append(crypto.Keccak256([]byte("Error(string)"))[:4], common.LeftPadBytes([]byte{0x20}, 32)...)
	payload = append(payload, common.LeftPadBytes(big.NewInt(int64(len(reason))).Bytes(), 32)...)
	payload = append(payload, common.RightPadBytes([]byte(reason), (len(reason)+31)/32*32)...)
	padded := common.RightPadBytes(payload, (len(payload)+31)/32*32)
	var code []byte
	for i := 0; i < len(padded); i += 32 {
		code = append(code, 0x7f) // PUSH32
		code = append(code, padded[i:i+32]...)
		code = append(code, 0x60, byte(i), 0x52) // MSTORE(i, word)
	}
	return append(code, 0x60, byte(len(payload)), 0x60, 0x00, 0xfd) // REVERT(0, len)
}

// initCode deploys runtime.
func initCode(runtime []byte) []byte {
	code := []byte{0x60, byte(len(runtime)), 0x80, 0x60, 11, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3}
	return append(code, runtime...)
}

func (f *fakeBackend) SubscribeChainEvent(ch chan<- core.ChainEvent) event.Subscription {
	return f.scope.Track(f.chainFeed.Subscribe(ch))
}

func (f *fakeBackend) SubscribeLogsEvent(ch chan<- []*types.Log) event.Subscription {
	return f.scope.Track(f.logsFeed.Subscribe(ch))
}

func (f *fakeBackend) SubscribeNewTxsEvent(ch chan<- core.NewTxsEvent) event.Subscription {
	return f.scope.Track(f.txsFeed.Subscribe(ch))
}

// announce sends the events of a commit of block n, as the app does.
func (f *fakeBackend) announce(n uint64) {
	b, receipts := f.blocks[n], f.receipts[n]
	f.chainFeed.Send(core.ChainEvent{Header: b.Header(), Receipts: receipts, Transactions: b.Transactions()})
	var logs []*types.Log
	for _, r := range receipts {
		logs = append(logs, r.Logs...)
	}
	if len(logs) > 0 {
		f.logsFeed.Send(logs)
	}
}

var _ rpc.Backend = (*fakeBackend)(nil)
