package app_test

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
)

// strangerKey is the i-th key of an account of no record.
func strangerKey(i int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("stranger"), big.NewInt(int64(i)).Bytes()))
	if err != nil {
		panic(err)
	}
	return k
}

// application is a project application by key, the call accounts of no
// record may send.
func application(t testing.TB, key *ecdsa.PrivateKey, nonce uint64) *types.Transaction {
	t.Helper()
	data, err := governance.ABI.Pack("applyProject", "public", fmt.Sprintf("project %x", ethtest.Address(key).Bytes()[:4]),
		[32]byte{1}, "https://example.org/p", [32]byte{2}, "https://example.org/repo", uint8(1), []common.Address{ethtest.Address(key)})
	if err != nil {
		t.Fatal(err)
	}
	return ethtest.Call(key, chainID, nonce, governance.Address, data, 2_000_000)
}

// govCall is a governance call by key.
func govCall(t testing.TB, key *ecdsa.PrivateKey, nonce uint64, fn string, args ...any) *types.Transaction {
	t.Helper()
	data, err := governance.ABI.Pack(fn, args...)
	if err != nil {
		t.Fatal(err)
	}
	return ethtest.Call(key, chainID, nonce, governance.Address, data, 3_000_000)
}

func role(t testing.TB, name, collective string) devnet.RoleKey {
	t.Helper()
	for _, r := range devnet.Roles() {
		if r.Role == name && r.Collective == collective {
			return r
		}
	}
	t.Fatalf("no %s of %s", name, collective)
	return devnet.RoleKey{}
}

func codes(fin *abci.ResponseFinalizeBlock) []uint32 {
	out := make([]uint32, len(fin.TxResults))
	for i, r := range fin.TxResults {
		out[i] = r.Code
	}
	return out
}

// A candidate the proposer leaves out must not stop it: its own verification
// reuses the build's result, which must describe the block and not the
// candidates (a stranger's applications beyond the block's quota stopped
// every proposer with an index out of range).
func TestProposerLeavesOutApplicationsBeyondQuota(t *testing.T) {
	c := newCluster(t, 2, map[string]uint64{"applyQuota": 3})
	for i := range 5 {
		if err := c.add(0, application(t, strangerKey(i), 0)); err != nil {
			t.Fatal(err)
		}
	}
	member := ethtest.DevKey(0)
	if err := c.add(0, ethtest.Transfer(member, chainID, 0, common.HexToAddress("0xbeef"), big.NewInt(1))); err != nil {
		t.Fatal(err)
	}
	fin := c.propose(0)
	if len(fin.TxResults) != 4 {
		t.Fatalf("block 1 holds %d txs, want 3 applications and the transfer", len(fin.TxResults))
	}
	// Kept: what exceeded the quota waits for the next block.
	if p, q := c.apps[0].pool.Stats(); p+q != 2 {
		t.Fatalf("pool holds %d+%d after block 1, want the 2 applications beyond the quota", p, q)
	}
	if fin := c.propose(0); len(fin.TxResults) != 2 {
		t.Fatalf("block 2 holds %d txs, want the 2 applications left", len(fin.TxResults))
	}
}

// PrepareProposal keeps in the pool what may fit a later block (block gas
// exhausted, and a sender's transactions behind it in nonce order) and the
// verifier agrees with the proposer's block.
func TestPrepareProposalKeepsWhatFitsLater(t *testing.T) {
	c := newCluster(t, 2, nil)
	key := ethtest.DevKey(1)
	const n = 15 // 16M gas each: a 200M block holds 12
	for i := range uint64(n) {
		tx := ethtest.Sign(key, chainID, &types.LegacyTx{Nonce: i, Gas: 16_000_000, To: &common.Address{0xbe}, Value: big.NewInt(1), GasPrice: new(big.Int)})
		if err := c.add(0, tx); err != nil {
			t.Fatal(err)
		}
	}
	first := len(c.propose(0).TxResults)
	if first == 0 || first == n {
		t.Fatalf("block 1 holds %d of %d, want some left for block 2", first, n)
	}
	if second := len(c.propose(0).TxResults); first+second != n {
		t.Fatalf("blocks 1 and 2 hold %d+%d, want all %d", first, second, n)
	}
}

// PrepareProposal drops from the pool what can never be mined (here a
// member's capital expired between the pool's admission and the block), and
// the proposer goes on.
func TestPrepareProposalDropsWhatCanNeverBeMined(t *testing.T) {
	c := newCluster(t, 2, nil)
	leader, member := role(t, devnet.RoleNameLeader, "academic"), role(t, devnet.RoleNameMember, "academic")
	expiry := uint64(c.time.Unix()) + 4
	if err := c.add(0, govCall(t, leader.Key, 0, "grantCapital", member.Record, uint64(10_000_000), expiry, uint64(0))); err != nil {
		t.Fatal(err)
	}
	if fin := c.propose(0); len(fin.TxResults) != 1 || fin.TxResults[0].Code != 0 {
		t.Fatalf("grant: %+v", fin.TxResults)
	}
	transfer := ethtest.Transfer(member.Key, chainID, 0, common.HexToAddress("0xbeef"), big.NewInt(1))
	if err := c.add(0, transfer); err != nil {
		t.Fatalf("pool refuses the member's transfer before its capital expires: %v", err)
	}
	other := ethtest.Transfer(ethtest.DevKey(2), chainID, 0, common.HexToAddress("0xbeef"), big.NewInt(1))
	if err := c.add(0, other); err != nil {
		t.Fatal(err)
	}
	c.time = c.time.Add(10 * time.Second) // the next block is past the expiry
	fin := c.propose(0)
	if len(fin.TxResults) != 1 {
		t.Fatalf("block holds %d txs, want only the development account's transfer", len(fin.TxResults))
	}
	if c.apps[0].pool.Get(transfer.Hash()) != nil {
		t.Fatal("the transfer whose capital expired is still pooled")
	}
	c.propose(0)
}

// Every field a faulty proposer can put in a block is checked: such a
// transaction makes the proposal invalid and, in a decided block, is skipped
// alike by every node, never a panic.
func TestHostileFieldsInProposal(t *testing.T) {
	c := newCluster(t, 3, nil)
	key := ethtest.DevKey(3)
	to := common.HexToAddress("0xbeef")
	huge := new(big.Int).Lsh(big.NewInt(1), 256)
	cases := map[string]types.TxData{
		"value 2^256":           &types.LegacyTx{Gas: 21000, To: &to, Value: huge, GasPrice: new(big.Int)},
		"value 2^256, 1559":     &types.DynamicFeeTx{ChainID: big.NewInt(chainID), Gas: 21000, To: &to, Value: huge, GasFeeCap: new(big.Int), GasTipCap: new(big.Int)},
		"fee cap 2^256":         &types.DynamicFeeTx{ChainID: big.NewInt(chainID), Gas: 21000, To: &to, Value: big.NewInt(1), GasFeeCap: huge, GasTipCap: new(big.Int)},
		"gas price 2^256":       &types.LegacyTx{Gas: 21000, To: &to, Value: big.NewInt(1), GasPrice: huge},
		"gas above Osaka's cap": &types.LegacyTx{Gas: 1<<24 + 1, To: &to, Value: big.NewInt(1), GasPrice: new(big.Int)},
		"other chain":           &types.DynamicFeeTx{ChainID: big.NewInt(chainID + 1), Gas: 21000, To: &to, Value: big.NewInt(1), GasFeeCap: new(big.Int), GasTipCap: new(big.Int)},
		"nonce max":             &types.LegacyTx{Nonce: ^uint64(0), Gas: 21000, To: &to, Value: big.NewInt(1), GasPrice: new(big.Int)},
		"gas below intrinsic":   &types.LegacyTx{Gas: 20000, To: &to, Value: big.NewInt(1), GasPrice: new(big.Int)},
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			var tx *types.Transaction
			if d, ok := data.(*types.DynamicFeeTx); ok && d.ChainID.Uint64() != chainID {
				tx = types.MustSignNewTx(key, types.LatestSignerForChainID(d.ChainID), d)
			} else {
				tx = ethtest.Sign(key, chainID, data)
			}
			txs := raw(t, tx)
			if st := c.process(1, txs); st != abci.ResponseProcessProposal_REJECT {
				t.Fatalf("proposal accepted")
			}
			fins := c.decide(1, txs)
			if got := codes(fins[0]); got[0] != app.CodeInvalid {
				t.Fatalf("decided block: codes %v, want the transaction skipped", got)
			}
		})
	}
	// The chain goes on.
	if err := c.add(0, ethtest.Transfer(key, chainID, 0, to, big.NewInt(1))); err != nil {
		t.Fatal(err)
	}
	if fin := c.propose(0); len(fin.TxResults) != 1 || fin.TxResults[0].Code != 0 {
		t.Fatalf("next block: %+v", fin.TxResults)
	}
}
