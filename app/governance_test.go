package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
)

// fakeGov is a governance for the app's wiring: records with capital, an
// allowlist of peers, effects and upgrades set by the test. Gas used is
// charged in the storage of governance.Address.
type fakeGov struct {
	off      bool // not enabled: the chain has no governance
	open     bool // accounts of no record transact as record 1
	records  map[common.Address]uint64
	capital  map[uint64]uint64
	peers    map[string]bool
	nodes    map[string]fakeNode                // role and status by node ID; peers: admitted validators
	commits  [][]governance.CommitVote          // LastCommit of every EndBlock, in order
	evidence [][]governance.Misbehaviour        // Misbehaviour of every EndBlock, in order
	effects  map[uint64]governance.BlockEffects // by block number
	upgrades []governance.Upgrade
}

type fakeNode struct {
	role   governance.NodeRole
	status governance.NodeStatus
}

func newFakeGov() *fakeGov {
	keys := ethtest.DevKeys(4)
	return &fakeGov{
		records: map[common.Address]uint64{ethtest.Address(keys[0]): 1, ethtest.Address(keys[1]): 1, ethtest.Address(keys[2]): 2},
		capital: map[uint64]uint64{},
		peers:   map[string]bool{},
		nodes:   map[string]fakeNode{},
		effects: map[uint64]governance.BlockEffects{},
	}
}

func (f *fakeGov) Enabled(vm.StateDB) bool { return !f.off }

func (f *fakeGov) Call(governance.Env, vm.StateDB, common.Address, []byte, uint64) ([]byte, uint64, error) {
	return nil, 0, vm.ErrExecutionReverted
}
func (f *fakeGov) View(governance.Env, vm.StateDB, []byte) ([]byte, error) {
	return nil, vm.ErrExecutionReverted
}
func (f *fakeGov) ViewGas([]byte) uint64 { return 1000 }

func usedSlot(record uint64) common.Hash {
	return crypto.Keccak256Hash([]byte("used"), binary.BigEndian.AppendUint64(nil, record))
}

func (f *fakeGov) Admit(env governance.Env, st vm.StateDB, from common.Address, to *common.Address, _ []byte, gas, pending uint64) (governance.Payer, error) {
	rec, ok := f.records[from]
	if !ok && f.open {
		rec, ok = 1, true
	}
	if !ok {
		return governance.Payer{}, fmt.Errorf("%w: %s", governance.ErrNotMember, from.Hex())
	}
	if c, ok := f.capital[rec]; ok {
		used := st.GetState(governance.Address, usedSlot(rec)).Big().Uint64()
		if used+pending+gas > c {
			return governance.Payer{Record: rec}, fmt.Errorf("%w: %d gas left of %d per epoch", governance.ErrNoCapital, c-min(c, used+pending), c)
		}
	}
	return governance.Payer{Record: rec}, nil
}

func (f *fakeGov) Charge(_ governance.Env, st vm.StateDB, p governance.Payer, gasUsed uint64) {
	used := st.GetState(governance.Address, usedSlot(p.Record)).Big().Uint64()
	st.SetState(governance.Address, usedSlot(p.Record), common.BigToHash(new(big.Int).SetUint64(used+gasUsed)))
}

func (f *fakeGov) Create(vm.StateDB, common.Address, common.Address, common.Address) bool {
	return true
}

func (f *fakeGov) EndBlock(env governance.Env, st vm.StateDB) governance.BlockEffects {
	f.commits = append(f.commits, env.LastCommit)
	f.evidence = append(f.evidence, env.Misbehaviour)
	fx := f.effects[env.Number]
	if fx.GasLimit != 0 {
		st.SetState(governance.Address, governance.ParamSlot("gasLimit"), common.BigToHash(new(big.Int).SetUint64(fx.GasLimit)))
	}
	return fx
}

func (f *fakeGov) Peer(_ vm.StateDB, id string) (governance.NodeRole, governance.NodeStatus) {
	if n, ok := f.nodes[id]; ok {
		return n.role, n.status
	}
	if f.peers[id] {
		return governance.NodeValidator, governance.NodeAdmitted
	}
	return 0, 0
}

func (f *fakeGov) Upgrades(vm.StateDB) []governance.Upgrade { return f.upgrades }

// TestGovernanceConsensusEffects: EndBlock's validator updates reach
// FinalizeBlock's response, a gas-limit change reaches its consensus
// parameter updates (max_bytes kept), the next block's header and the pool.
func TestGovernanceConsensusEffects(t *testing.T) {
	gov := newFakeGov()
	key := bytes.Repeat([]byte{9}, 32)
	gov.effects[2] = governance.BlockEffects{
		Validators: []governance.ValidatorUpdate{{KeyType: "ed25519", PubKey: key, Power: 25}, {KeyType: "ed25519", PubKey: bytes.Repeat([]byte{8}, 32), Power: 0}},
		GasLimit:   1_000_000,
	}
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov, BlockMaxBytes: 4 << 20})
	keys := ethtest.DevKeys(2)
	if fin := h.block(); len(fin.ValidatorUpdates) != 0 || fin.ConsensusParamUpdates != nil {
		t.Fatalf("block 1 without effects: %+v", fin)
	}
	// Before the change the pool takes a 2M-gas transaction.
	mustAdd(t, h, ethtest.Call(keys[0], chainID, 0, common.HexToAddress("0x1234"), nil, 2_000_000))
	fin := h.block()
	if len(fin.ValidatorUpdates) != 2 {
		t.Fatalf("validator updates %+v", fin.ValidatorUpdates)
	}
	want := abci.Ed25519ValidatorUpdate(key, 25)
	if !fin.ValidatorUpdates[0].PubKey.Equal(want.PubKey) || fin.ValidatorUpdates[0].Power != 25 || fin.ValidatorUpdates[1].Power != 0 {
		t.Fatalf("validator update %+v, want %+v", fin.ValidatorUpdates[0], want)
	}
	cp := fin.ConsensusParamUpdates
	if cp == nil || cp.Block == nil || cp.Block.MaxGas != 1_000_000 || cp.Block.MaxBytes != 4<<20 {
		t.Fatalf("consensus param updates %+v", cp)
	}
	if err := h.app.pool.Add(ethtest.Call(keys[1], chainID, 0, common.HexToAddress("0x1234"), nil, 2_000_000)); err == nil || !strings.Contains(err.Error(), "gas limit") {
		t.Fatalf("a 2M-gas transaction after the limit became 1M: %v", err)
	}
	mustAdd(t, h, ethtest.Transfer(keys[1], chainID, 0, common.HexToAddress("0x1234"), big.NewInt(1)))
	h.block()
	if gl := h.app.chain.Head().GasLimit; gl != 1_000_000 {
		t.Fatalf("block 3 gas limit %d, want the new 1000000", gl)
	}
}

// TestGovernanceRejectsInvalidKey: a validator update CometBFT would halt on
// stops FinalizeBlock instead.
func TestGovernanceRejectsInvalidKey(t *testing.T) {
	gov := newFakeGov()
	gov.effects[1] = governance.BlockEffects{Validators: []governance.ValidatorUpdate{{KeyType: "secp256k1", PubKey: make([]byte, 33), Power: 1}}}
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	_, err := h.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1, Time: genesisTime.Add(1), Hash: []byte{1}, ProposerAddress: make([]byte, 20)})
	if err == nil || !strings.Contains(err.Error(), "secp256k1") {
		t.Fatalf("FinalizeBlock with a secp256k1 update: %v", err)
	}
}

// TestGovernancePeerFilter: CometBFT's peer filter queries are answered from
// the InitChain state before block 1 and the committed state after:
// admitted nodes and the operator's configured peers pass, others do not;
// without governance every node passes.
func TestGovernancePeerFilter(t *testing.T) {
	const (
		admitted   = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		configured = "cccccccccccccccccccccccccccccccccccccccc"
		unknown    = "dddddddddddddddddddddddddddddddddddddddd"
	)
	gov := newFakeGov()
	gov.peers[admitted] = true
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov, Peers: []string{strings.ToUpper(configured)}})
	query := func(path string) uint32 {
		t.Helper()
		res, err := h.app.Query(context.Background(), &abci.RequestQuery{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		return res.Code
	}
	for _, height := range []string{"genesis", "block 1"} {
		if height == "block 1" {
			h.block()
		}
		for id, ok := range map[string]bool{admitted: true, configured: true, unknown: false} {
			if got := query("/p2p/filter/id/"+id) == 0; got != ok {
				t.Fatalf("%s: peer %s allowed %v, want %v", height, id, got, ok)
			}
		}
		if code := query("/p2p/filter/addr/127.0.0.1:26656"); code != 0 {
			t.Fatalf("%s: address filter code %d", height, code)
		}
	}
	if ok, err := h.app.AllowedPeer(unknown); err != nil || ok {
		t.Fatalf("AllowedPeer(unknown) = %v, %v", ok, err)
	}
	gov.off = true
	if code := query("/p2p/filter/id/" + unknown); code != 0 {
		t.Fatalf("without governance an unknown peer gets code %d", code)
	}
}

// TestGovernanceUnknownUpgradeStops: at the height of a scheduled upgrade
// this binary does not know, FinalizeBlock fails with a message naming it and
// the app reports the halt, so the node stops there; an app reopened on the
// same store refuses that height again before consensus starts, the same
// way; one that knows the upgrade goes on.
func TestGovernanceUnknownUpgradeStops(t *testing.T) {
	gov := newFakeGov()
	gov.upgrades = []governance.Upgrade{{Name: "gov-test-upgrade", Height: 3}}
	db := memStore()
	h := newHarnessWith(t, db, app.Config{Governance: gov})
	h.block()
	if err := h.app.UpgradeNeeded(); err != nil || h.app.HaltErr() != nil {
		t.Fatalf("at height 1: UpgradeNeeded %v, HaltErr %v", err, h.app.HaltErr())
	}
	h.block()
	finalize3 := func(a *built) error {
		_, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 3, Time: h.time.Add(1), Hash: []byte{3}, ProposerAddress: make([]byte, 20)})
		return err
	}
	err := finalize3(h.app)
	if !errors.Is(err, app.ErrUnknownUpgrade) || !strings.Contains(err.Error(), `upgrade "gov-test-upgrade" is scheduled at height 3`) || !strings.Contains(err.Error(), "install a release that includes it") {
		t.Fatalf("FinalizeBlock at the upgrade's height: %v", err)
	}
	select {
	case <-h.app.Halted():
	default:
		t.Fatal("Halted is open after the refusal")
	}
	if herr := h.app.HaltErr(); herr == nil || herr.Error() != err.Error() {
		t.Fatalf("HaltErr %v, want %v", herr, err)
	}
	if n := h.app.chain.Head().Number.Uint64(); n != 2 {
		t.Fatalf("head %d after the stop, want 2", n)
	}

	// The same binary, restarted: it stops before consensus, and at the
	// same height if CometBFT replays the block.
	again := newHarnessWith(t, db, app.Config{Governance: gov})
	if rerr := again.app.UpgradeNeeded(); !errors.Is(rerr, app.ErrUnknownUpgrade) || rerr.Error() != err.Error() {
		t.Fatalf("UpgradeNeeded after a restart: %v, want %v", rerr, err)
	}
	if rerr := finalize3(again.app); rerr == nil || rerr.Error() != err.Error() {
		t.Fatalf("FinalizeBlock 3 after a restart: %v, want %v", rerr, err)
	}
	if n := again.app.chain.Head().Number.Uint64(); n != 2 {
		t.Fatalf("head %d after the second stop, want 2", n)
	}

	upgraded := newHarnessWith(t, db, app.Config{Governance: gov, KnownUpgrades: []string{"gov-test-upgrade"}})
	if uerr := upgraded.app.UpgradeNeeded(); uerr != nil {
		t.Fatalf("UpgradeNeeded of a binary that knows the upgrade: %v", uerr)
	}
	upgraded.block()
	upgraded.block()
	if n := upgraded.app.chain.Head().Number.Uint64(); n != 4 {
		t.Fatalf("head %d, want 4", n)
	}
}

// TestGovernanceAdmission: the pool refuses what governance does not admit,
// counting a record's pooled gas across its accounts; a block holding such a
// transaction is rejected as a proposal and skips it when finalized.
func TestGovernanceAdmission(t *testing.T) {
	gov := newFakeGov()
	gov.capital[1] = 80_000
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	keys := ethtest.DevKeys(4)
	to := common.HexToAddress("0x1234")
	stranger := ethtest.Transfer(keys[3], chainID, 0, to, big.NewInt(1))
	if err := h.app.pool.Add(stranger); !errors.Is(err, governance.ErrNotMember) {
		t.Fatalf("stranger's transfer: %v", err)
	}
	mustAdd(t, h, ethtest.Transfer(keys[0], chainID, 0, to, big.NewInt(1)))
	mustAdd(t, h, ethtest.Transfer(keys[0], chainID, 1, to, big.NewInt(1)))
	mustAdd(t, h, ethtest.Transfer(keys[1], chainID, 0, to, big.NewInt(1)))
	err := h.app.pool.Add(ethtest.Transfer(keys[1], chainID, 1, to, big.NewInt(1)))
	if !errors.Is(err, governance.ErrNoCapital) || !strings.Contains(err.Error(), "17000 gas left") {
		t.Fatalf("a fourth transfer of record 1 with 80000 gas: %v", err)
	}
	if fin := h.block(); len(fin.TxResults) != 3 {
		t.Fatalf("%d transactions in the block, want 3", len(fin.TxResults))
	}
	// Charged in state now, with nothing pooled: 63000 of 80000 used.
	if err := h.app.pool.Add(ethtest.Transfer(keys[1], chainID, 1, to, big.NewInt(1))); !errors.Is(err, governance.ErrNoCapital) || !strings.Contains(err.Error(), "17000 gas left") {
		t.Fatalf("over capital after the block: %v", err)
	}

	raw, _ := stranger.MarshalBinary()
	h.height++
	proc, err := h.app.ProcessProposal(context.Background(), &abci.RequestProcessProposal{Height: h.height, Time: h.time.Add(1), Txs: [][]byte{raw}, Hash: []byte{9}, ProposerAddress: make([]byte, 20)})
	if err != nil || proc.Status != abci.ResponseProcessProposal_REJECT {
		t.Fatalf("proposal with a stranger's transfer: %v %v", proc, err)
	}
	fin, err := h.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: h.height, Time: h.time.Add(1), Txs: [][]byte{raw}, Hash: []byte{10}, ProposerAddress: make([]byte, 20)})
	if err != nil || len(fin.TxResults) != 1 || fin.TxResults[0].Code == 0 || !strings.Contains(fin.TxResults[0].Log, governance.ErrNotMember.Error()) {
		t.Fatalf("finalized stranger's transfer: %+v %v", fin, err)
	}
}
