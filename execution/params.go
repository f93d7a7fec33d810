package execution

import (
	"github.com/ethereum/go-ethereum/core/state"

	"github.com/redmx/redmx/governance"
)

// Params are the consensus parameters kept in state. Governance keeps them
// (its parameters), genesis seeds them through [governance.ApplyGenesis],
// and the plenary changes them.
type Params struct {
	GasLimit uint64 // block gas limit; also CometBFT's block max_gas
}

// ReadParamsFrom reads the parameters from a state.
func ReadParamsFrom(st *state.StateDB) Params {
	return Params{GasLimit: governance.GasLimit(st)}
}
