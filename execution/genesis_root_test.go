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

// devnetGenesisRoot is the state root of genesis/testdata's devnet app_state,
// as written before governance took over its vocabulary and founding types:
// the state layout must not move, or an existing devnet forks from itself.
const devnetGenesisRoot = "0x4a9ec3abd1f33a7d302f83148dcd6c3d9d3587198788745f4f1a14edf693b040"

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
