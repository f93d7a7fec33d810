package execution_test

import (
	"math/big"
	"os"
	"testing"

	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/execution"
	"github.com/redmx/redmx/genesis"
)

// devnetGenesisRoot is the state root of genesis/testdata's devnet app_state.
// The genesis state must not move without a new store.Format, or a
// node replaying an existing chain from its genesis forks from it (5:
// governance part 3's parameters).
const devnetGenesisRoot = "0xe7ce56ff12d63d28351b0cabcc1b61a25536a87bdaa480ca8e9e4815d5e8e439"

func TestDevnetGenesisRoot(t *testing.T) {
	raw, err := os.ReadFile("../genesis/testdata/devnet_app_state.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := genesis.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := execution.ApplyGenesis(st, a.Alloc, execution.Params{GasLimit: a.Params.GasLimit}, a.Governance, 1_780_000_000); err != nil {
		t.Fatal(err)
	}
	root := st.IntermediateRoot(a.ChainConfig().Rules(big.NewInt(0), true, 0))
	if root.Hex() != devnetGenesisRoot {
		t.Fatalf("genesis state root %s, want %s", root.Hex(), devnetGenesisRoot)
	}
}
