package app_test

import (
	"crypto/ecdsa"
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/store"
	"github.com/redmx/redmx/txpool"
)

// TestPoolGateAgreesWithGovernance: the pool's gate remembers each sender's
// standing for a head and decides later transactions by their gas alone; a
// seeded mix of transfers, creations and governance calls from members, the
// project's accounts (one payer for two accounts) and a stranger, at gas
// limits that exhaust capital and the governance allowance over a few
// blocks, gets exactly the verdict and refusal text of asking the contract
// afresh about each, with the gas its payer has pooled.
func TestPoolGateAgreesWithGovernance(t *testing.T) {
	c := newCluster(t, 1, nil)
	a := c.apps[0]
	gov := governance.New()
	type sender struct {
		key   *ecdsa.PrivateKey
		nonce uint64
	}
	senders := []*sender{
		{key: role(t, devnet.RoleNameLeader, "public").Key},
		{key: role(t, devnet.RoleNameSecretary, "public").Key},
		{key: ethtest.DevKeys(2)[0]},
		{key: ethtest.DevKeys(2)[1]},
		{key: strangerKey(3)},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	initCode := common.FromHex("0x600a600c600039600a6000f3602a60005260206000f3")
	var admitted, refused, other int
	for i := range 400 {
		s := senders[rng.IntN(len(senders))]
		var tx *types.Transaction
		switch gas := []uint64{100_000, 2_000_000, 8_000_000, 16_000_000}[rng.IntN(4)]; rng.IntN(4) {
		case 0:
			tx = ethtest.Deploy(s.key, chainID, s.nonce, initCode, gas)
		case 1:
			tx = govCall(t, s.key, s.nonce, "appointProxy", ethtest.Address(strangerKey(9)))
		case 2:
			tx = application(t, s.key, s.nonce)
		default:
			tx = ethtest.Call(s.key, chainID, s.nonce, common.BigToAddress(big.NewInt(int64(i+1000))), nil, gas)
		}
		want := askGovernance(t, a, gov, tx)
		err := c.add(0, tx)
		var gateErr *txpool.GateError
		switch {
		case err == nil:
			if want != nil {
				t.Fatalf("candidate %d admitted; governance refuses it: %v", i, want)
			}
			s.nonce++
			admitted++
		case errors.As(err, &gateErr):
			if want == nil || want.Error() != err.Error() {
				t.Fatalf("candidate %d refused by the gate: %v; governance says %v", i, err, want)
			}
			refused++
		default:
			other++ // refused before the gate (a stranger's second pooled application)
		}
		if i%25 == 24 {
			c.propose(0)
		}
	}
	t.Logf("%d admitted, %d refused by the gate, %d otherwise", admitted, refused, other)
	if admitted < 50 || refused < 50 || other > 100 {
		t.Fatalf("%d admitted, %d refused by the gate, %d otherwise: the mix does not test the gate", admitted, refused, other)
	}
}

// askGovernance is governance's verdict on tx on app a's head state, with
// the gas of its payer's pooled transactions ahead of it.
func askGovernance(t *testing.T, a *built, gov *governance.Contract, tx *types.Transaction) error {
	t.Helper()
	head := a.chain.Head()
	st, err := a.StateAt(head)
	if err != nil {
		t.Fatal(err)
	}
	from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
	if err != nil {
		t.Fatal(err)
	}
	env := governance.Env{Number: head.Number.Uint64() + 1, Time: head.Time}
	p, err := gov.Admit(env, st, from, tx.To(), tx.Data(), tx.Gas(), 0)
	if err != nil {
		return err
	}
	if pend := a.pool.PayerGas(app.PayerKey(p)); pend > 0 {
		_, err = gov.Admit(env, st, from, tx.To(), tx.Data(), tx.Gas(), pend)
	}
	return err
}

// TestPoolGateBoundsStandings: a flood of strangers' fresh accounts within
// one head fills the gate's standings only up to their bound; past it every
// stranger is still refused and a member still admitted, by asking the
// state again.
func TestPoolGateBoundsStandings(t *testing.T) {
	c := newCluster(t, 1, nil)
	g := c.apps[0].HeadGate()
	_, most := app.GateStandings(g)
	to := common.HexToAddress("0x1234")
	none := func(uint64) uint64 { return 0 }
	for i := range most + 100 {
		from := common.BigToAddress(big.NewInt(int64(i + 1<<20)))
		if _, err := g.Admit(from, &to, nil, 21_000, none); !errors.Is(err, governance.ErrNotMember) {
			t.Fatalf("stranger %d: %v", i, err)
		}
	}
	if kept, _ := app.GateStandings(g); kept != most {
		t.Fatalf("the gate keeps %d standings, want its bound %d", kept, most)
	}
	member := ethtest.Address(role(t, devnet.RoleNameLeader, "public").Key)
	if a, err := g.Admit(member, &to, nil, 21_000, none); err != nil || a.NoRecord {
		t.Fatalf("a member past the bound: %+v, %v", a, err)
	}
	if _, err := g.Admit(member, &to, nil, 21_000, func(uint64) uint64 { return devnet.RoleGasPerEpoch }); !errors.Is(err, governance.ErrNoCapital) {
		t.Fatalf("a member past the bound, its capital pooled: %v", err)
	}
}

// TestPoolGateAcrossFlatten: the gate the pool was given at the last commit
// still answers after the next commit flattened its state off the live
// layers, before the pool is reset: a read of governance's storage there
// failed and counted as empty, so a member was refused as a stranger.
func TestPoolGateAcrossFlatten(t *testing.T) {
	opts := store.DefaultOptions()
	opts.PersistEvery = 1 // every height flattens the state layers to disk
	c := newClusterWith(t, nil, store.OpenMemoryWith(opts))
	leader := role(t, devnet.RoleNameLeader, "public")
	to := common.HexToAddress("0xbeef")
	transfer := func(nonce uint64) {
		t.Helper()
		if err := c.add(0, ethtest.Transfer(leader.Key, chainID, nonce, to, big.NewInt(1))); err != nil {
			t.Fatal(err)
		}
		if fin := c.propose(0); len(fin.TxResults) != 1 || fin.TxResults[0].Code != 0 {
			t.Fatalf("transfer %d not mined: %+v", nonce, fin.TxResults)
		}
	}
	transfer(0)
	g := c.apps[0].HeadGate()
	transfer(1)
	none := func(uint64) uint64 { return 0 }
	member := ethtest.Address(role(t, devnet.RoleNameLeader, "academic").Key) // not asked before
	if a, err := g.Admit(member, &to, nil, 21_000, none); err != nil || a.NoRecord {
		t.Fatalf("a member, asked after a flatten: %+v, %v", a, err)
	}
	stranger := common.HexToAddress("0x5157")
	if _, err := g.Admit(stranger, &to, nil, 21_000, none); !errors.Is(err, governance.ErrNotMember) {
		t.Fatalf("a stranger, asked after a flatten: %v", err)
	}
}
