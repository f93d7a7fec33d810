package devnet_test

import (
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
)

func devnetValidators(n int) []devnet.Validator {
	vals := make([]devnet.Validator, n)
	for i := range vals {
		k := ed25519.GenPrivKeyFromSecret([]byte{byte(i)})
		nk := p2p.NodeKey{PrivKey: ed25519.GenPrivKeyFromSecret([]byte{byte(i), 'n'})}
		vals[i] = devnet.Validator{Name: "v", Collective: devnet.CollectiveFor(i), PubKey: k.PubKey(), NodeID: string(nk.ID())}
	}
	return vals
}

// TestFoundingGovernance checks the devnet's founding governance against the
// rules of docs/governance.md §2 and §4, for networks of 1 to 6 validators.
func TestFoundingGovernance(t *testing.T) {
	for _, n := range []int{1, 4, 6} {
		vals := devnetValidators(n)
		gt := time.Unix(1_700_000_000, 0)
		doc, err := devnet.NewGenesis(devnet.GenesisParams{Time: gt}, vals)
		if err != nil {
			t.Fatalf("%d validators: %v", n, err)
		}
		app, err := genesis.Parse(doc.AppState)
		if err != nil {
			t.Fatalf("%d validators: %v", n, err)
		}
		g := app.Governance
		if g == nil {
			t.Fatalf("%d validators: no governance", n)
		}
		checkFounding(t, g, app, vals, uint64(gt.Unix()))

		// The governance package validates and writes it (today a stub).
		st, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
		if err != nil {
			t.Fatal(err)
		}
		if err := governance.ApplyGenesis(st, g, app.Params.GasLimit); err != nil {
			t.Fatalf("%d validators: governance.ApplyGenesis: %v", n, err)
		}
	}
}

func checkFounding(t *testing.T, g *governance.Founding, app *genesis.AppState, vals []devnet.Validator, t0 uint64) {
	t.Helper()
	if len(g.Collectives) != 4 {
		t.Errorf("collectives %v, want the four founding ones", g.Collectives)
	}
	if g.Params["meetingNotice"] != 30 || g.Params["epochLength"] != 3600 {
		t.Errorf("params %v: want a devnet calendar", g.Params)
	}
	owner := make(map[common.Address]int)
	for i, r := range g.Records {
		if len(r.Accounts) == 0 {
			t.Errorf("record %d (%s) has no account", i+1, r.Label)
		}
		if len(r.Label) < len(devnet.ExampleData) || r.Label[len(r.Label)-len(devnet.ExampleData):] != devnet.ExampleData {
			t.Errorf("record %d label %q is not marked as example data", i+1, r.Label)
		}
		if r.GasPerEpoch == 0 {
			t.Errorf("record %d (%s) has no capital", i+1, r.Label)
		}
		for _, a := range r.Accounts {
			if j, dup := owner[a]; dup {
				t.Errorf("account %s belongs to records %d and %d", a, j, i+1)
			}
			owner[a] = i + 1
			if acc, ok := app.Alloc[a]; !ok || acc.Balance.Sign() <= 0 {
				t.Errorf("account %s of record %d is not funded", a, i+1)
			}
		}
	}
	// The development keys are the example project's accounts.
	proj := g.Records[devnet.ExampleProjectRecord()-1]
	if proj.Kind != governance.KindProject || proj.GasPerEpoch < 1e12 {
		t.Errorf("example project %+v", proj)
	}
	for _, k := range ethtest.DevKeys(devnet.DefaultDevKeys) {
		if owner[ethtest.Address(k)] != int(devnet.ExampleProjectRecord()) {
			t.Errorf("development key %s is not the example project's", ethtest.Address(k))
		}
	}

	leaders := make(map[string][]common.Hash)
	councilSeats := make(map[uint64]int)
	var secretaries, advisory int
	perCollective := make(map[[2]any]int)
	for _, s := range g.Seats {
		if s.Record == 0 || s.Record > uint64(len(g.Records)) {
			t.Fatalf("seat %+v: no such record", s)
		}
		r := g.Records[s.Record-1]
		if s.TermEnd <= t0 {
			t.Errorf("seat %+v: term ends before genesis", s)
		}
		if r.Kind == governance.KindProject {
			t.Errorf("seat %+v held by a project", s)
		}
		councilSeats[s.Record]++
		switch s.Role {
		case governance.RoleLeader:
			for _, inst := range leaders[s.Collective] {
				if inst == r.Institution {
					t.Errorf("two leaders of %s from one institution", s.Collective)
				}
			}
			leaders[s.Collective] = append(leaders[s.Collective], r.Institution)
		case governance.RoleSecretary:
			secretaries++
		case governance.RoleProjectsCommission, governance.RoleNodesCommission:
			perCollective[[2]any{s.Role, s.Collective}]++
		case governance.RoleAdvisory:
			advisory++
		}
		if s.Collective != "" && r.Collective != s.Collective {
			t.Errorf("seat %+v held by a record of %s", s, r.Collective)
		}
	}
	for rec, n := range councilSeats {
		if n > 1 {
			t.Errorf("record %d holds %d seats", rec, n)
		}
	}
	for _, c := range devnet.Collectives {
		if n := len(leaders[c]); n < 2 || n > 3 {
			t.Errorf("%s has %d leaders", c, n)
		}
		for _, role := range []governance.Role{governance.RoleProjectsCommission, governance.RoleNodesCommission} {
			if perCollective[[2]any{role, c}] != 1 {
				t.Errorf("%s: %d seats of role %d", c, perCollective[[2]any{role, c}], role)
			}
		}
	}
	if secretaries != 1 || advisory == 0 || advisory > 15 {
		t.Errorf("%d secretaries, %d advisory members", secretaries, advisory)
	}

	// Every validator is an admitted node with its key, operated by a
	// member of its collective.
	if len(g.Nodes) != len(vals) {
		t.Fatalf("%d nodes for %d validators", len(g.Nodes), len(vals))
	}
	for i, nd := range g.Nodes {
		v := vals[i]
		if nd.Role != governance.NodeValidator || nd.KeyType != "ed25519" || string(nd.PubKey) != string(v.PubKey.Bytes()) {
			t.Errorf("node %d: %+v", i, nd)
		}
		if nd.NodeID != common.HexToAddress(v.NodeID) || nd.Collective != v.Collective {
			t.Errorf("node %d: id %s collective %s, want %s %s", i, nd.NodeID, nd.Collective, v.NodeID, v.Collective)
		}
		op := g.Records[nd.Operator-1]
		if op.Collective != nd.Collective || op.Kind == governance.KindProject {
			t.Errorf("node %d operated by %s of %s", i, op.Label, op.Collective)
		}
	}
}

// TestRoles checks the role keys: unique, one per record, with every role.
func TestRoles(t *testing.T) {
	roles := devnet.Roles()
	seen := make(map[common.Address]bool)
	count := make(map[string]int)
	for i, r := range roles {
		if seen[r.Address()] {
			t.Errorf("role key %s repeats", r.Address())
		}
		seen[r.Address()] = true
		if r.Record != uint64(i+1) {
			t.Errorf("role %d: record %d", i, r.Record)
		}
		count[r.Role]++
	}
	want := map[string]int{
		devnet.RoleNameLeader: 8, devnet.RoleNameSecretary: 1, devnet.RoleNameProjectsCommission: 4,
		devnet.RoleNameNodesCommission: 4, devnet.RoleNameAdvisory: 3, devnet.RoleNameMember: 5,
	}
	for role, n := range want {
		if count[role] != n {
			t.Errorf("%d role keys %s, want %d", count[role], role, n)
		}
	}
	for _, k := range ethtest.DevKeys(devnet.DefaultDevKeys) {
		if seen[ethtest.Address(k)] {
			t.Errorf("role key %s is a development key", ethtest.Address(k))
		}
	}
}

// TestNoGovernance: the option leaves governance out.
func TestNoGovernance(t *testing.T) {
	doc, err := devnet.NewGenesis(devnet.GenesisParams{NoGovernance: true}, devnetValidators(2))
	if err != nil {
		t.Fatal(err)
	}
	app, err := genesis.Parse(doc.AppState)
	if err != nil {
		t.Fatal(err)
	}
	if app.Governance != nil {
		t.Fatal("governance present")
	}
}
