package execution_test

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/tracers"
	_ "github.com/ethereum/go-ethereum/eth/tracers/native" // callTracer
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
)

// Fake governance calls, by first input byte.
const (
	opSet    = 0x01 // stores input[1:33] at slot 1, logs it, returns 42; costs fakeCallGas
	opRevert = 0x02 // stores, then reverts with "nope"
	opOOG    = 0x03 // stores, then runs out of gas
	opGet    = 0x10 // view: returns slot 1
)

const (
	fakeCallGas = 10_000
	fakeViewGas = 3_000
)

var (
	valueSlot   = common.Hash{31: 1}
	fakeTopic   = crypto.Keccak256Hash([]byte("Set(bytes32)"))
	gasLimitKey = governance.ParamSlot("gasLimit")
)

// fakeGov is a governance with the execution interface's semantics and just
// enough rules to see the wiring: accounts belong to records, project records
// may create, contracts they create may create in turn, capital per record.
// Its state (values, descent, gas charged) lives in the storage of
// governance.Address, so it reverts with the transaction.
type fakeGov struct {
	records  map[common.Address]uint64 // account → record
	projects map[uint64]bool
	capital  map[uint64]uint64 // record → gas it may use; absent: unlimited
	effects  governance.BlockEffects
	ended    int // EndBlock calls
}

func (f *fakeGov) Enabled(vm.StateDB) bool { return true }

func (f *fakeGov) Call(env governance.Env, st vm.StateDB, from common.Address, input []byte, gas uint64) ([]byte, uint64, error) {
	if len(input) == 0 {
		return revertData("no function"), gas, vm.ErrExecutionReverted
	}
	if gas < fakeCallGas {
		return nil, 0, vm.ErrOutOfGas
	}
	switch input[0] {
	case opSet, opRevert, opOOG:
		st.SetState(governance.Address, valueSlot, common.BytesToHash(input[1:]))
	case opGet:
		v := st.GetState(governance.Address, valueSlot)
		return v[:], gas - fakeCallGas, nil
	}
	switch input[0] {
	case opSet:
		st.AddLog(&types.Log{Address: governance.Address, Topics: []common.Hash{fakeTopic, common.BytesToHash(from[:])}, Data: common.CopyBytes(input[1:]), BlockNumber: env.Number})
		return common.BigToHash(big.NewInt(42)).Bytes(), gas - fakeCallGas, nil
	case opRevert:
		return revertData("nope"), gas - fakeCallGas, vm.ErrExecutionReverted
	case opOOG:
		return nil, 0, vm.ErrOutOfGas
	}
	return revertData("unknown function"), gas, vm.ErrExecutionReverted
}

func (f *fakeGov) View(env governance.Env, st vm.StateDB, input []byte) ([]byte, error) {
	if len(input) > 0 && input[0] == opGet {
		v := st.GetState(governance.Address, valueSlot)
		return v[:], nil
	}
	return revertData(governance.ErrFromContract.Error()), vm.ErrExecutionReverted
}

func (f *fakeGov) ViewGas([]byte) uint64 { return fakeViewGas }

func usedSlot(record uint64) common.Hash {
	return crypto.Keccak256Hash([]byte("used"), binary.BigEndian.AppendUint64(nil, record))
}

func createdSlot(a common.Address) common.Hash { return crypto.Keccak256Hash([]byte("created"), a[:]) }

func (f *fakeGov) Admit(env governance.Env, st vm.StateDB, from common.Address, to *common.Address, input []byte, gasLimit, pending uint64) (governance.Payer, error) {
	rec, ok := f.records[from]
	if !ok {
		return governance.Payer{}, fmt.Errorf("%w: %s", governance.ErrNotMember, from.Hex())
	}
	// As the real one: a creation is refused before capital is looked at,
	// with no payer.
	if to == nil && !f.projects[rec] {
		return governance.Payer{}, fmt.Errorf("%w: %s", governance.ErrCreateNotAllowed, from.Hex())
	}
	p := governance.Payer{Record: rec}
	if c, ok := f.capital[rec]; ok {
		used := st.GetState(governance.Address, usedSlot(rec)).Big().Uint64()
		if used+pending+gasLimit > c {
			left := c - min(c, used+pending)
			return p, fmt.Errorf("%w: %d gas left of %d this epoch, refills at the next epoch", governance.ErrNoCapital, left, c)
		}
	}
	return p, nil
}

func (f *fakeGov) Charge(env governance.Env, st vm.StateDB, p governance.Payer, gasUsed uint64) {
	used := st.GetState(governance.Address, usedSlot(p.Record)).Big().Uint64()
	st.SetState(governance.Address, usedSlot(p.Record), common.BigToHash(new(big.Int).SetUint64(used+gasUsed)))
}

// Create: a project's account, or a contract created by one, creates; a
// creation in a project's transaction (through any factory) is the project's.
func (f *fakeGov) Create(st vm.StateDB, sender, creator, created common.Address) bool {
	may := func(a common.Address) bool {
		if rec, ok := f.records[a]; ok && f.projects[rec] {
			return true
		}
		return st.GetState(governance.Address, createdSlot(a)) != (common.Hash{})
	}
	if !may(creator) && !may(sender) {
		return false
	}
	st.SetState(governance.Address, createdSlot(created), common.Hash{31: 1})
	return true
}

func (f *fakeGov) EndBlock(env governance.Env, st vm.StateDB) governance.BlockEffects {
	f.ended++
	if f.effects.GasLimit != 0 {
		st.SetState(governance.Address, gasLimitKey, common.BigToHash(new(big.Int).SetUint64(f.effects.GasLimit)))
	}
	return f.effects
}

// revertData is Solidity's Error(string) encoding.
func revertData(reason string) []byte {
	out := []byte{0x08, 0xc3, 0x79, 0xa0}
	out = append(out, common.LeftPadBytes([]byte{0x20}, 32)...)
	out = append(out, common.LeftPadBytes(big.NewInt(int64(len(reason))).Bytes(), 32)...)
	return append(out, common.RightPadBytes([]byte(reason), (len(reason)+31)/32*32)...)
}

// proxyCode is a contract that forwards its calldata to governance.Address
// (by STATICCALL, or CALL when call is set) and returns or reverts with what
// it got back.
func proxyCode(call bool) []byte {
	code := []byte{
		0x36, 0x60, 0x00, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 0, CALLDATASIZE)
		0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00, // ret 0/0, args 0/CALLDATASIZE
	}
	if call {
		code = append(code, 0x60, 0x00) // value 0
	}
	code = append(code, 0x61, 0x10, 0x00, 0x5a) // PUSH2 0x1000, GAS
	if call {
		code = append(code, 0xf1) // CALL
	} else {
		code = append(code, 0xfa) // STATICCALL
	}
	code = append(code, 0x3d, 0x60, 0x00, 0x60, 0x00, 0x3e) // RETURNDATACOPY(0, 0, RETURNDATASIZE)
	ok := byte(len(code) + 3 + 4)
	code = append(code, 0x60, ok, 0x57)               // JUMPI ok
	code = append(code, 0x3d, 0x60, 0x00, 0xfd)       // REVERT(0, RETURNDATASIZE)
	return append(code, 0x5b, 0x3d, 0x60, 0x00, 0xf3) // ok: RETURN(0, RETURNDATASIZE)
}

// factoryCode stores 1 at slot 0, creates an empty contract and stores its
// address at slot 1.
var factoryCode = []byte{
	0x60, 0x01, 0x60, 0x00, 0x55, // SSTORE(0, 1)
	0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0xf0, // CREATE(0, 0, 0)
	0x60, 0x01, 0x55, // SSTORE(1, address)
	0x00,
}

// initCode deploys runtime.
func initCode(runtime []byte) []byte {
	n := byte(len(runtime))
	return append([]byte{0x60, n, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, n, 0x60, 0x00, 0xf3}, runtime...)
}

// Accounts of the governed test chain.
var (
	govKeys    = ethtest.DevKeys(4)
	project    = govKeys[0] // record 1, an approved project
	member     = govKeys[1] // record 2, a member, with a second account:
	member2    = govKeys[2]
	stranger   = govKeys[3]                    // no record
	deployer   = common.HexToAddress("0xde00") // a genesis factory of no project (like the CREATE2 deployer)
	callProxy  = common.HexToAddress("0xca11") // forwards by CALL
	viewTarget = common.HexToAddress("0x5555")
)

// govChain is a chain with the fake governance, one committed block at a time.
type govChain struct {
	t    *testing.T
	gov  *fakeGov
	exec *execution.Executor
	db   state.Database
	head *types.Header
}

func newGovChain(t *testing.T) *govChain {
	t.Helper()
	alloc := genesis.SystemAlloc()
	for _, k := range govKeys {
		alloc[ethtest.Address(k)] = types.Account{Balance: big.NewInt(1e18)}
	}
	alloc[deployer] = types.Account{Code: factoryCode, Nonce: 1}
	alloc[callProxy] = types.Account{Code: proxyCode(true), Nonce: 1}
	gov := &fakeGov{
		records:  map[common.Address]uint64{ethtest.Address(project): 1, ethtest.Address(member): 2, ethtest.Address(member2): 2},
		projects: map[uint64]bool{1: true},
		capital:  map[uint64]uint64{},
	}
	exec := execution.New(genesis.ChainConfig(chainID), noHashes{}, gov)
	db, g := commitGenesis(t, exec, alloc)
	return &govChain{t: t, gov: gov, exec: exec, db: db, head: g}
}

// state opens the head's state.
func (c *govChain) state() *state.StateDB {
	c.t.Helper()
	st, err := state.New(c.head.Root, c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

// next is the environment of the block after the head.
func (c *govChain) next() execution.BlockEnv {
	return execution.BlockEnv{Parent: c.head, Time: c.head.Time + 1, GasLimit: genesis.DefaultGasLimit}
}

// block executes txs as the next block and commits it.
func (c *govChain) block(mode execution.Mode, txs ...*types.Transaction) *execution.Result {
	c.t.Helper()
	res, err := c.exec.Execute(c.state(), c.next(), txs, mode)
	if err != nil {
		c.t.Fatal(err)
	}
	b := res.Block
	if _, err := res.State.Commit(c.exec.Config().Rules(b.Number(), true, b.Time()), b.NumberU64()); err != nil {
		c.t.Fatal(err)
	}
	c.head = b.Header()
	return res
}

// call runs msg as eth_call does on the head's state.
func (c *govChain) call(from common.Address, to common.Address, data []byte) (*core.ExecutionResult, error) {
	msg := (&core.Message{From: from, To: &to, Data: data, GasLimit: 1_000_000, Value: new(uint256.Int)}).SkipNonceCheck().SkipEOACheck()
	return c.exec.Call(c.t.Context(), msg, execution.NewHeader(c.next()), c.state())
}

func govCall(key *ecdsa.PrivateKey, nonce uint64, data []byte, gas uint64) *types.Transaction {
	return ethtest.Call(key, chainID, nonce, governance.Address, data, gas)
}

func setInput(v byte) []byte { return append([]byte{opSet}, common.Hash{31: v}.Bytes()...) }

// wantGas is what a governance call of data that spends spent costs.
func wantGas(t *testing.T, c *govChain, data []byte, value *uint256.Int, spent uint64) uint64 {
	t.Helper()
	rules := c.exec.Config().Rules(new(big.Int).Add(c.head.Number, common.Big1), true, c.head.Time+1)
	to := governance.Address
	intrinsic, err := core.IntrinsicGas(data, nil, nil, common.Address{}, &to, value, rules)
	if err != nil {
		t.Fatal(err)
	}
	floor, err := core.FloorDataGas(rules, common.Address{}, &to, value, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return max(intrinsic+spent, floor)
}

func reason(t *testing.T, data []byte) string {
	t.Helper()
	r, err := abi.UnpackRevert(data)
	if err != nil {
		t.Fatalf("revert data %x: %v", data, err)
	}
	return r
}

// TestGovernanceCall: a transaction to the governance address runs
// Governance.Call as its top frame with core's nonce, intrinsic gas, receipt
// and logs; a revert or running out of gas fails it with its gas charged and
// its state undone, and value sent to governance fails the call.
func TestGovernanceCall(t *testing.T) {
	c := newGovChain(t)
	from := ethtest.Address(member)
	revertIn := append([]byte{opRevert}, common.Hash{31: 9}.Bytes()...)
	oogIn := append([]byte{opOOG}, common.Hash{31: 8}.Bytes()...)
	withValue := ethtest.Sign(member, chainID, &types.DynamicFeeTx{ChainID: big.NewInt(chainID), Nonce: 3, To: &governance.Address, Gas: 100_000, Value: big.NewInt(5), Data: setInput(6)})
	res := c.block(execution.Verify,
		govCall(member, 0, setInput(7), 100_000),
		govCall(member, 1, revertIn, 100_000),
		govCall(member, 2, oogIn, 50_000),
		withValue,
	)
	rs := res.Receipts
	if len(rs) != 4 {
		t.Fatalf("%d receipts, want 4", len(rs))
	}
	set := rs[0]
	if set.Status != types.ReceiptStatusSuccessful || set.GasUsed != wantGas(t, c, setInput(7), new(uint256.Int), fakeCallGas) {
		t.Fatalf("set: status %d gas %d, want 1 and %d", set.Status, set.GasUsed, wantGas(t, c, setInput(7), new(uint256.Int), fakeCallGas))
	}
	if len(set.Logs) != 1 || set.Logs[0].Address != governance.Address || set.Logs[0].Topics[0] != fakeTopic || set.Logs[0].TxHash != set.TxHash || set.Logs[0].Index != 0 {
		t.Fatalf("set logs: %+v", set.Logs)
	}
	if !types.BloomLookup(set.Bloom, fakeTopic) {
		t.Fatal("the log's topic is not in the receipt's bloom")
	}
	rev := rs[1]
	if rev.Status != types.ReceiptStatusFailed || rev.GasUsed != wantGas(t, c, revertIn, new(uint256.Int), fakeCallGas) || len(rev.Logs) != 0 {
		t.Fatalf("revert: status %d gas %d logs %d", rev.Status, rev.GasUsed, len(rev.Logs))
	}
	if oog := rs[2]; oog.Status != types.ReceiptStatusFailed || oog.GasUsed != 50_000 {
		t.Fatalf("out of gas: status %d gas %d, want 0 and the whole limit", oog.Status, oog.GasUsed)
	}
	if val := rs[3]; val.Status != types.ReceiptStatusFailed || val.GasUsed >= 100_000 {
		t.Fatalf("with value: status %d gas %d, want a revert", val.Status, val.GasUsed)
	}

	st := c.state()
	if v := st.GetState(governance.Address, valueSlot); v != (common.Hash{31: 7}) {
		t.Fatalf("governance value %x: only the successful call's write may stay", v)
	}
	if n := st.GetNonce(from); n != 4 {
		t.Fatalf("sender nonce %d, want 4", n)
	}
	if b := st.GetBalance(governance.Address); !b.IsZero() {
		t.Fatalf("governance holds %s wei", b)
	}
	if b := st.GetBalance(from); b.Cmp(uint256.NewInt(1e18)) != 0 {
		t.Fatalf("sender balance %s: the value sent to governance was not returned", b)
	}
	var total uint64
	for _, r := range rs {
		total += r.GasUsed
	}
	if used := st.GetState(governance.Address, usedSlot(2)).Big().Uint64(); used != total {
		t.Fatalf("record charged %d gas, receipts used %d", used, total)
	}

	// eth_call runs the same Call, and applies no admission: a stranger may.
	r, err := c.call(ethtest.Address(stranger), governance.Address, []byte{opGet})
	if err != nil || r.Failed() || !bytes.Equal(r.ReturnData, common.Hash{31: 7}.Bytes()) {
		t.Fatalf("eth_call get: %v %v %x", err, r.Err, r.ReturnData)
	}
	r, err = c.call(ethtest.Address(stranger), governance.Address, revertIn)
	if err != nil || !errors.Is(r.Err, vm.ErrExecutionReverted) || reason(t, r.Revert()) != "nope" {
		t.Fatalf("eth_call revert: %v %v %x", err, r.Err, r.ReturnData)
	}
}

// TestGovernanceViewFromContract: inside the EVM the governance address
// serves views to contracts at ViewGas, and a state-changing call from a
// contract reverts with governance's reason.
func TestGovernanceViewFromContract(t *testing.T) {
	c := newGovChain(t)
	proxy := crypto.CreateAddress(ethtest.Address(project), 0)
	res := c.block(execution.Verify,
		ethtest.Deploy(project, chainID, 0, initCode(proxyCode(false)), 200_000),
		govCall(member, 0, setInput(3), 100_000),
	)
	for i, r := range res.Receipts {
		if r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("tx %d failed", i)
		}
	}
	r, err := c.call(ethtest.Address(member), proxy, []byte{opGet})
	if err != nil || r.Failed() || !bytes.Equal(r.ReturnData, common.Hash{31: 3}.Bytes()) {
		t.Fatalf("view through a contract: %v %v %x", err, r.Err, r.ReturnData)
	}
	if r.UsedGas < fakeViewGas {
		t.Fatalf("view through a contract used %d gas, less than ViewGas", r.UsedGas)
	}

	// A state-changing function, by STATICCALL or CALL, in a call and in a block.
	for _, to := range []common.Address{proxy, callProxy} {
		r, err = c.call(ethtest.Address(member), to, setInput(5))
		if err != nil || !errors.Is(r.Err, vm.ErrExecutionReverted) || reason(t, r.Revert()) != governance.ErrFromContract.Error() {
			t.Fatalf("state-changing call through %s: %v %v %x", to, err, r.Err, r.ReturnData)
		}
	}
	res = c.block(execution.Verify, ethtest.Call(member, chainID, 1, callProxy, setInput(5), 200_000))
	if res.Receipts[0].Status != types.ReceiptStatusFailed {
		t.Fatal("a contract's state-changing governance call succeeded")
	}
	if v := c.state().GetState(governance.Address, valueSlot); v != (common.Hash{31: 3}) {
		t.Fatalf("governance value %x after a contract's call", v)
	}
}

// callFrame is the part of callTracer's result the tests read.
type callFrame struct {
	Type         string         `json:"type"`
	From         common.Address `json:"from"`
	To           common.Address `json:"to"`
	Input        string         `json:"input"`
	Output       string         `json:"output"`
	GasUsed      string         `json:"gasUsed"`
	Error        string         `json:"error"`
	RevertReason string         `json:"revertReason"`
	Logs         []struct {
		Address common.Address `json:"address"`
		Topics  []common.Hash  `json:"topics"`
	} `json:"logs"`
}

// TestGovernanceCallTracer: callTracer on a replayed governance transaction
// shows its call, output and logs; on a reverted one, the revert reason.
func TestGovernanceCallTracer(t *testing.T) {
	c := newGovChain(t)
	parent := c.head
	revertIn := append([]byte{opRevert}, common.Hash{}.Bytes()...)
	res := c.block(execution.Verify, govCall(member, 0, setInput(7), 100_000), govCall(member, 1, revertIn, 100_000))
	st, err := state.New(parent.Root, c.db)
	if err != nil {
		t.Fatal(err)
	}
	replay := c.exec.Replay(st, res.Block)
	var frames []callFrame
	for i, tx := range res.Block.Transactions() {
		tracer, err := tracers.DefaultDirectory.New("callTracer", &tracers.Context{BlockHash: res.Block.Hash(), TxIndex: i, TxHash: tx.Hash()}, json.RawMessage(`{"withLog":true}`), c.exec.Config())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := replay.Next(t.Context(), tracer.Hooks); err != nil {
			t.Fatal(err)
		}
		raw, err := tracer.GetResult()
		if err != nil {
			t.Fatal(err)
		}
		var f callFrame
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, f)
	}
	set := frames[0]
	if set.Type != "CALL" || set.From != ethtest.Address(member) || set.To != governance.Address || set.Error != "" ||
		set.GasUsed != fmt.Sprintf("0x%x", res.Receipts[0].GasUsed) || !strings.HasSuffix(set.Output, "2a") {
		t.Fatalf("set frame: %+v", set)
	}
	if len(set.Logs) != 1 || set.Logs[0].Address != governance.Address || set.Logs[0].Topics[0] != fakeTopic {
		t.Fatalf("set frame logs: %+v", set.Logs)
	}
	if rev := frames[1]; rev.Error != vm.ErrExecutionReverted.Error() || rev.RevertReason != "nope" || len(rev.Logs) != 0 {
		t.Fatalf("revert frame: %+v", rev)
	}
}

// TestGovernanceAdmission: a transaction governance does not admit is
// invalid (left out of a built block, a proposal holding it rejected); a
// top-level creation by an account of no project is included and fails;
// capital is drawn by record, across its accounts, within the block.
func TestGovernanceAdmission(t *testing.T) {
	c := newGovChain(t)
	c.gov.capital[2] = 50_000
	to := common.HexToAddress("0x1234")
	strangerTx := ethtest.Transfer(stranger, chainID, 0, to, big.NewInt(1))
	memberDeploy := ethtest.Deploy(member, chainID, 0, initCode(factoryCode), 100_000)
	memberDeploy2 := ethtest.Transfer(member2, chainID, 0, to, big.NewInt(1)) // gas 21000: 100000 > 50000 already
	if _, err := c.exec.Execute(c.state(), c.next(), []*types.Transaction{strangerTx}, execution.Verify); !errors.Is(err, execution.ErrInvalidTx) || !strings.Contains(err.Error(), governance.ErrNotMember.Error()) {
		t.Fatalf("proposal with a stranger's transaction: %v", err)
	}
	c.gov.capital[2] = 150_000
	res := c.block(execution.Build, strangerTx, memberDeploy, memberDeploy2, ethtest.Deploy(project, chainID, 0, initCode(factoryCode), 100_000))
	if !errors.Is(res.Txs[0].Err, governance.ErrNotMember) || res.Txs[0].Index != -1 {
		t.Fatalf("stranger's transfer: %+v", res.Txs[0])
	}
	if len(res.Receipts) != 3 {
		t.Fatalf("%d transactions included, want 3", len(res.Receipts))
	}
	failed := res.Receipts[0]
	if failed.Status != types.ReceiptStatusFailed || failed.GasUsed == 0 || failed.GasUsed > 100_000 {
		t.Fatalf("member's creation: status %d gas %d, want a failure with gas charged", failed.Status, failed.GasUsed)
	}
	st := c.state()
	if created := crypto.CreateAddress(ethtest.Address(member), 0); st.GetCodeSize(created) != 0 || st.GetNonce(created) != 0 {
		t.Fatal("a member's top-level creation left a contract")
	}
	if n := st.GetNonce(ethtest.Address(member)); n != 1 {
		t.Fatalf("member nonce %d after a failed creation, want 1", n)
	}
	if res.Receipts[2].Status != types.ReceiptStatusSuccessful || st.GetCodeSize(crypto.CreateAddress(ethtest.Address(project), 0)) == 0 {
		t.Fatal("the project's creation failed")
	}
	used := st.GetState(governance.Address, usedSlot(2)).Big().Uint64()
	if used != failed.GasUsed+res.Receipts[1].GasUsed {
		t.Fatalf("record 2 charged %d, its accounts used %d", used, failed.GasUsed+res.Receipts[1].GasUsed)
	}

	// The record's capital is now short for a 100k-gas transaction of
	// either account.
	left := 150_000 - used
	big1 := ethtest.Call(member2, chainID, 1, to, nil, left+1)
	bigDeploy := ethtest.Deploy(member, chainID, 1, initCode(factoryCode), left+1)
	res = c.block(execution.Build, big1, bigDeploy)
	for i, r := range res.Txs {
		if !errors.Is(r.Err, governance.ErrNoCapital) {
			t.Fatalf("tx %d over capital: %v", i, r.Err)
		}
	}
}

// TestGovernanceNestedCreation: a creation inside a transaction needs an
// approved project's account as sender or a creating contract that descends
// from one; otherwise the transaction fails and its state is undone.
func TestGovernanceNestedCreation(t *testing.T) {
	c := newGovChain(t)
	parent := c.head
	factory := crypto.CreateAddress(ethtest.Address(project), 1)
	res := c.block(execution.Verify,
		ethtest.Call(member, chainID, 0, deployer, nil, 200_000),  // plain member through a factory of no project: fails
		ethtest.Call(project, chainID, 0, deployer, nil, 200_000), // a project through the same factory: creates
		ethtest.Deploy(project, chainID, 1, initCode(factoryCode), 200_000),
		ethtest.Call(member, chainID, 1, factory, nil, 200_000), // member through the project's factory: creates
	)
	st := c.state()
	failed := res.Receipts[0]
	if failed.Status != types.ReceiptStatusFailed || failed.GasUsed <= 21_000 || len(failed.Logs) != 0 {
		t.Fatalf("member through the deployer: status %d gas %d", failed.Status, failed.GasUsed)
	}
	if n := st.GetNonce(ethtest.Address(member)); n != 2 {
		t.Fatalf("member nonce %d, want 2", n)
	}
	// The deployer's first creation (nonce 1) is the project's, in tx 1.
	viaDeployer := crypto.CreateAddress(deployer, 1)
	if res.Receipts[1].Status != types.ReceiptStatusSuccessful || st.GetNonce(viaDeployer) != 1 || st.GetNonce(deployer) != 2 {
		t.Fatalf("project through the deployer: status %d, created nonce %d, deployer nonce %d", res.Receipts[1].Status, st.GetNonce(viaDeployer), st.GetNonce(deployer))
	}
	if st.GetState(governance.Address, createdSlot(viaDeployer)) == (common.Hash{}) {
		t.Fatal("the project's contract made through the deployer was not recorded as created")
	}
	if res.Receipts[3].Status != types.ReceiptStatusSuccessful || st.GetState(factory, common.Hash{}) != (common.Hash{31: 1}) {
		t.Fatalf("member through the project's factory: status %d, slot0 %x, created flag %x", res.Receipts[3].Status, st.GetState(factory, common.Hash{}), st.GetState(governance.Address, createdSlot(factory)))
	}
	if got := common.BytesToAddress(st.GetState(factory, common.Hash{31: 1}).Bytes()); got != crypto.CreateAddress(factory, 1) || st.GetNonce(got) != 1 {
		t.Fatalf("the project's factory created %s", got)
	}

	// A traced replay (debug_traceBlock) sees what the block did.
	pst, err := state.New(parent.Root, c.db)
	if err != nil {
		t.Fatal(err)
	}
	replay := c.exec.Replay(pst, res.Block)
	for i := range res.Block.Transactions() {
		r, err := replay.Next(t.Context(), new(recorder).hooks())
		if err != nil {
			t.Fatal(err)
		}
		if want := res.Receipts[i]; r.Status != want.Status || r.GasUsed != want.GasUsed {
			t.Fatalf("replayed tx %d: status %d gas %d, block had %d and %d", i, r.Status, r.GasUsed, want.Status, want.GasUsed)
		}
	}
	if root := pst.IntermediateRoot(c.exec.Config().Rules(res.Block.Number(), true, res.Block.Time())); root != res.Block.Root() {
		t.Fatalf("replayed root %s, block root %s", root, res.Block.Root())
	}
}

// TestGovernanceEstimate: eth_estimateGas reports what admission refuses,
// eth_call applies none of it, and an estimate of a governance call is
// enough for it to succeed.
func TestGovernanceEstimate(t *testing.T) {
	c := newGovChain(t)
	header := execution.NewHeader(c.next())
	estimate := func(from common.Address, to *common.Address, data []byte) (uint64, error) {
		msg := (&core.Message{From: from, To: to, Data: data, Value: new(uint256.Int)}).SkipNonceCheck().SkipEOACheck()
		gas, res, err := c.exec.EstimateGas(t.Context(), msg, header, c.state(), 0)
		if err == nil && res != nil {
			err = res.Err
		}
		return gas, err
	}
	to := common.HexToAddress("0x1234")
	if _, err := estimate(ethtest.Address(stranger), &to, nil); !errors.Is(err, governance.ErrNotMember) {
		t.Fatalf("stranger's estimate: %v", err)
	}
	if r, err := c.call(ethtest.Address(stranger), to, nil); err != nil || r.Failed() {
		t.Fatalf("stranger's eth_call: %v", err)
	}
	if _, err := estimate(ethtest.Address(member), nil, initCode(factoryCode)); !errors.Is(err, governance.ErrCreateNotAllowed) {
		t.Fatalf("member's creation estimate: %v", err)
	}
	if _, err := estimate(ethtest.Address(member), &deployer, nil); !errors.Is(err, governance.ErrCreateNotAllowed) {
		t.Fatalf("member's estimate through the deployer: %v", err)
	}
	if _, err := estimate(ethtest.Address(project), &deployer, nil); err != nil {
		t.Fatalf("project's estimate through the deployer: %v", err)
	}
	c.gov.capital[2] = 30_000
	if _, err := estimate(ethtest.Address(member), &deployer, nil); !errors.Is(err, governance.ErrCreateNotAllowed) {
		t.Fatalf("member's estimate through the deployer: %v", err)
	}
	if _, err := estimate(ethtest.Address(member), &governance.Address, setInput(1)); !errors.Is(err, governance.ErrNoCapital) {
		t.Fatalf("estimate over capital: %v", err)
	}
	c.gov.capital[2] = 1_000_000
	gas, err := estimate(ethtest.Address(member), &governance.Address, setInput(1))
	if err != nil {
		t.Fatal(err)
	}
	res := c.block(execution.Verify, govCall(member, 0, setInput(1), gas))
	if r := res.Receipts[0]; r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("governance call with its estimate %d failed (used %d)", gas, r.GasUsed)
	}
}

// TestGovernanceEndBlock: EndBlock runs once per block after the
// transactions; its effects reach the result and its writes the state root.
func TestGovernanceEndBlock(t *testing.T) {
	c := newGovChain(t)
	c.gov.effects = governance.BlockEffects{
		Validators: []governance.ValidatorUpdate{{KeyType: "ed25519", PubKey: bytes.Repeat([]byte{7}, 32), Power: 10}},
		GasLimit:   150_000_000,
	}
	res := c.block(execution.Finalize, govCall(member, 0, setInput(1), 100_000))
	if c.gov.ended != 1 {
		t.Fatalf("EndBlock ran %d times", c.gov.ended)
	}
	if len(res.Effects.Validators) != 1 || res.Effects.Validators[0].Power != 10 || res.Effects.GasLimit != 150_000_000 {
		t.Fatalf("effects %+v", res.Effects)
	}
	if gl := execution.ReadParamsFrom(c.state()).GasLimit; gl != 150_000_000 {
		t.Fatalf("gas limit parameter %d after the block", gl)
	}
}

// TestNoGovernanceViewAddress: without governance the address is a plain
// system account, whatever is sent to it.
func TestNoGovernanceUnchanged(t *testing.T) {
	_, _, _, res := chain(t)
	if len(res.Effects.Validators) != 0 || res.Effects.GasLimit != 0 {
		t.Fatalf("effects without governance: %+v", res.Effects)
	}
}
