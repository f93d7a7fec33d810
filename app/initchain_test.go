package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/store"
)

// TestInitChainReportsGovernancePowers: InitChain answers with the powers
// governance holds and the genesis file's validators carry, whatever the
// order of app_state.validators. Seventeen validators in one collective
// leave a remainder of 720720, which goes to the first nodes admitted.
func TestInitChainReportsGovernancePowers(t *testing.T) {
	var vals []devnet.Validator
	for i := range 20 {
		coll := "public"
		if i >= 17 {
			coll = devnet.Collectives[i-16]
		}
		key := ed25519.GenPrivKeyFromSecret([]byte{byte(i)}).PubKey()
		vals = append(vals, devnet.Validator{Name: fmt.Sprint("v", i), Collective: coll, PubKey: key,
			NodeID: fmt.Sprintf("%040x", i+1)})
	}
	doc, err := devnet.NewGenesis(devnet.GenesisParams{ChainID: chainID, Time: genesisTime}, vals)
	if err != nil {
		t.Fatal(err)
	}
	var state genesis.AppState
	if err := json.Unmarshal(doc.AppState, &state); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(state.Validators) // another order than governance's nodes
	raw, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	fileGen := map[string]int64{}
	for _, v := range doc.Validators {
		fileGen[string(v.PubKey.Bytes())] = v.Power
	}
	a := newApp(t, store.OpenMemory(), gen, app.Config{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	res, err := a.InitChain(context.Background(), &abci.RequestInitChain{Time: genesisTime, ChainId: "test", AppStateBytes: raw, InitialHeight: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Validators) != len(vals) {
		t.Fatalf("InitChain reports %d validators, want %d", len(res.Validators), len(vals))
	}
	sums := map[int64]int{}
	for _, u := range res.Validators {
		k := u.PubKey.GetEd25519()
		if fileGen[string(k)] != u.Power {
			t.Errorf("InitChain gives a key %d, the genesis file %d", u.Power, fileGen[string(k)])
		}
		sums[u.Power]++
	}
	if want := int64(governance.CollectivePower/17 + 1); sums[want] != governance.CollectivePower%17 {
		t.Errorf("%d validators of public hold %d, want %d: %v", sums[want], want, governance.CollectivePower%17, sums)
	}
	if sums[governance.CollectivePower] != 3 {
		t.Errorf("the other three collectives' validators: %v", sums)
	}
	first := ed25519.GenPrivKeyFromSecret([]byte{0}).PubKey().Bytes()
	for _, u := range res.Validators {
		if string(u.PubKey.GetEd25519()) == string(first) && u.Power != governance.CollectivePower/17+1 {
			t.Errorf("the first public node admitted has %d", u.Power)
		}
	}
}
