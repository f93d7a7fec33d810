package execution

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/governance"
)

// ApplyGenesis writes the genesis allocations into st (an empty state), then
// the parameters and the founding governance state gov (nil: none) through
// governance, and returns the genesis header, without its state root: the
// caller commits st and sets Root. Allocations are applied in address order.
func ApplyGenesis(st *state.StateDB, alloc types.GenesisAlloc, p Params, gov *governance.Founding, time uint64) (*types.Header, error) {
	addrs := make([]common.Address, 0, len(alloc))
	for a := range alloc {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, common.Address.Cmp)
	for _, addr := range addrs {
		acc := alloc[addr]
		if acc.Balance != nil {
			st.SetBalance(addr, uint256.MustFromBig(acc.Balance), tracing.BalanceIncreaseGenesisBalance)
		}
		st.SetNonce(addr, acc.Nonce, tracing.NonceChangeGenesis)
		if len(acc.Code) > 0 {
			st.SetCode(addr, acc.Code, tracing.CodeChangeGenesis)
		}
		keys := make([]common.Hash, 0, len(acc.Storage))
		for k := range acc.Storage {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, common.Hash.Cmp)
		for _, k := range keys {
			st.SetState(addr, k, acc.Storage[k])
		}
	}
	if err := governance.ApplyGenesis(st, gov, p.GasLimit); err != nil {
		return nil, fmt.Errorf("genesis governance: %w", err)
	}
	h := osakaHeader(new(big.Int), p.GasLimit, time)
	h.TxHash = types.EmptyTxsHash
	h.ReceiptHash = types.EmptyReceiptsHash
	return h, nil
}
