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
// The genesis state must not move without a new store.Format (3: the
// liveness parameters), or a node replaying an existing chain from its
// genesis forks from it.
const devnetGenesisRoot = "0x9d0057a9f1a1054cf73980cf6c5a9a32fb5ba0cf1f7bbb3d3b1853ac77b44351"

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
