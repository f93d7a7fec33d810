package execution

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	gethpool "github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// MaxTxSize is the largest encoded transaction a block may hold (128 KiB).
const MaxTxSize = 128 * 1024

// CheckTx is the one stateless definition of what a transaction must be to
// enter a block: a supported, replay-protected type, at most MaxTxSize
// bytes, for this chain, within Osaka's gas cap, amounts that are EVM words,
// and a signature that recovers its sender, which it returns. Blocks apply it
// to every transaction and the pool to every one it admits, so its errors
// are go-ethereum's values, worded as eth_sendRawTransaction answers them.
func (e *Executor) CheckTx(tx *types.Transaction) (common.Address, error) {
	switch tx.Type() {
	case types.LegacyTxType:
		if !tx.Protected() {
			return common.Address{}, ErrUnprotected
		}
	case types.AccessListTxType, types.DynamicFeeTxType:
	default:
		return common.Address{}, fmt.Errorf("%w: tx type %d", core.ErrTxTypeNotSupported, tx.Type())
	}
	if size := tx.Size(); size > MaxTxSize {
		return common.Address{}, fmt.Errorf("%w: transaction size %d, limit %d", ErrTxTooLarge, size, MaxTxSize)
	}
	// The signer would refuse another chain's transaction too; checked here,
	// before the gas cap, so that the answer is geth's.
	if have, want := tx.ChainId(), e.config.ChainID; have.Cmp(want) != 0 {
		return common.Address{}, fmt.Errorf("%w: have %d want %d", types.ErrInvalidChainId, have, want)
	}
	if tx.Gas() > params.MaxTxGas {
		return common.Address{}, fmt.Errorf("%w (cap: %d, tx: %d)", core.ErrGasLimitTooHigh, params.MaxTxGas, tx.Gas())
	}
	// Amounts must be EVM words: a proposal from a faulty validator may
	// carry larger ones, and must find them invalid here rather than
	// overflow later.
	if tx.Value().Sign() < 0 {
		return common.Address{}, gethpool.ErrNegativeValue
	}
	if tx.Value().BitLen() > 256 {
		return common.Address{}, ErrValueTooLarge
	}
	if tx.GasFeeCap().BitLen() > 256 {
		return common.Address{}, core.ErrFeeCapVeryHigh
	}
	if tx.GasTipCap().BitLen() > 256 {
		return common.Address{}, core.ErrTipVeryHigh
	}
	from, err := types.Sender(e.signer, tx)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", gethpool.ErrInvalidSender, err)
	}
	return from, nil
}

// MaxTxSize is [MaxTxSize], for those that take the chain's rules from an
// executor.
func (e *Executor) MaxTxSize() int { return MaxTxSize }
