package txpool

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// validate makes every check that needs neither the pool nor the state, and
// recovers the sender: first the chain's own (see [Chain]), then the pool's,
// in geth's order. It takes no lock: signature recovery is the expensive
// part of admission.
func (p *Pool) validate(tx *types.Transaction) (common.Address, *uint256.Int, error) {
	from, err := p.chain.CheckTx(tx)
	if err != nil {
		return common.Address{}, nil, err
	}
	if limit := p.blockGasLimit(); tx.Gas() > limit {
		return common.Address{}, nil, fmt.Errorf("%w: tx gas %d, block gas limit %d", ErrGasLimit, tx.Gas(), limit)
	}
	// Blocks never charge fees, so they take any tip; geth's pool does not.
	if tx.GasFeeCapIntCmp(tx.GasTipCap()) < 0 {
		return common.Address{}, nil, ErrTipAboveFeeCap
	}
	// EIP-2681: no state nonce can execute it.
	if tx.Nonce()+1 < tx.Nonce() {
		return common.Address{}, nil, ErrNonceMax
	}
	value, overflow := uint256.FromBig(tx.Value())
	if overflow { // the chain's check refuses it; kept so a lax one cannot overflow the pool's sums
		return common.Address{}, nil, ErrInsufficientFunds
	}
	// Blocks check these when they execute the transaction, at the block's
	// fork rules; the pool checks them at admission, at the head's.
	intrinsic, err := core.IntrinsicGas(tx.Data(), tx.AccessList(), nil, from, tx.To(), value, p.rules)
	if err != nil {
		return common.Address{}, nil, err
	}
	if tx.Gas() < intrinsic {
		return common.Address{}, nil, fmt.Errorf("%w: gas %v, minimum needed %v", ErrIntrinsicGas, tx.Gas(), intrinsic)
	}
	floor, err := core.FloorDataGas(p.rules, from, tx.To(), value, tx.Data(), tx.AccessList())
	if err != nil {
		return common.Address{}, nil, err
	}
	if tx.Gas() < floor {
		return common.Address{}, nil, fmt.Errorf("%w: gas %v, minimum needed %v", ErrFloorDataGas, tx.Gas(), floor)
	}
	if tx.To() == nil {
		if err := vm.CheckMaxInitCodeSize(&p.rules, uint64(len(tx.Data()))); err != nil {
			return common.Address{}, nil, err
		}
	}
	return from, value, nil
}

// blockGasLimit is the gas limit of the block after the pool's state.
func (p *Pool) blockGasLimit() uint64 {
	p.mu.RLock()
	st := p.state
	p.mu.RUnlock()
	return st.GasLimit()
}

// replaces reports whether tx may replace old: geth's legacypool rule, under which
// both the fee cap and the tip cap must rise, each by at least bump percent.
func replaces(old, tx *types.Transaction, bump uint64) bool {
	if old.GasFeeCapCmp(tx) >= 0 || old.GasTipCapCmp(tx) >= 0 {
		return false
	}
	a := new(big.Int).SetUint64(100 + bump)
	minFee := new(big.Int).Mul(a, old.GasFeeCap())
	minFee.Quo(minFee, big100)
	minTip := a.Mul(a, old.GasTipCap())
	minTip.Quo(minTip, big100)
	return tx.GasFeeCapIntCmp(minFee) >= 0 && tx.GasTipCapIntCmp(minTip) >= 0
}

var big100 = big.NewInt(100)
