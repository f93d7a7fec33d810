package execution

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/governance"
)

// ParamsAddress holds the chain's consensus parameters in its storage, so they
// are part of the one state root and governance can change them later. It has
// nonce 1 and the stub code 0xFE (INVALID), or EIP-161 would delete it when touched.
// It is the governance contract's address: governance keeps the parameters.
var ParamsAddress = governance.Address

// StubCode is the code of system accounts that keep state but run no EVM code.
var StubCode = []byte{0xFE}

var gasLimitSlot = crypto.Keccak256Hash([]byte("redmx.params.gasLimit"))

// Params are the consensus parameters kept in state.
type Params struct {
	GasLimit uint64 // block gas limit; also CometBFT's block max_gas
}

// ReadParamsFrom reads the parameters from a state.
func ReadParamsFrom(st *state.StateDB) Params {
	v := st.GetState(ParamsAddress, gasLimitSlot)
	return Params{GasLimit: new(big.Int).SetBytes(v[:]).Uint64()}
}

// WriteParams stores p, creating the parameters account if needed.
func WriteParams(st *state.StateDB, p Params) {
	if st.GetNonce(ParamsAddress) == 0 {
		st.SetNonce(ParamsAddress, 1, tracing.NonceChangeGenesis)
		st.SetCode(ParamsAddress, StubCode, tracing.CodeChangeGenesis)
	}
	st.SetState(ParamsAddress, gasLimitSlot, common.BigToHash(new(uint256.Int).SetUint64(p.GasLimit).ToBig()))
}
