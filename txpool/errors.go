package txpool

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core"
	gethpool "github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/txpool/legacypool"
	"github.com/ethereum/go-ethereum/core/vm"
)

// ErrInvalidEncoding is returned by AddRaw for bytes that do not decode as a
// transaction.
var ErrInvalidEncoding = errors.New("invalid transaction encoding")

// The chain's check (see [Chain]) refuses first, with its own errors: an
// unsupported or unprotected type, an oversized encoding, another chain, gas
// above Osaka's cap, amounts beyond 256 bits, a signature with no sender.
//
// The pool's own refusals are go-ethereum's error values, so that the wording
// that ethers and Foundry recognise is kept, and errors.Is holds against either
// name. Context, where there is any, follows the sentinel after "%w: ".
var (
	// ErrOversizedData is returned by AddRaw for bytes longer than the chain's
	// MaxTxSize, before decoding them; the chain's check returns it too.
	ErrOversizedData = gethpool.ErrOversizedData
	// ErrGasLimit is returned when the gas limit exceeds the current block gas limit.
	ErrGasLimit = gethpool.ErrGasLimit
	// ErrTipAboveFeeCap is returned when the tip cap exceeds the fee cap.
	ErrTipAboveFeeCap = core.ErrTipAboveFeeCap
	// ErrInvalidSender is returned by Sender when no sender can be recovered
	// from the signature; the chain's check returns it too.
	ErrInvalidSender = gethpool.ErrInvalidSender
	// ErrNonceMax is returned for a nonce of 2^64-1 (EIP-2681).
	ErrNonceMax = core.ErrNonceMax
	// ErrIntrinsicGas is returned when the gas limit is below the intrinsic gas.
	ErrIntrinsicGas = core.ErrIntrinsicGas
	// ErrFloorDataGas is returned when the gas limit is below the EIP-7623 calldata floor.
	ErrFloorDataGas = core.ErrFloorDataGas
	// ErrMaxInitCodeSizeExceeded is returned for a contract creation whose init code
	// exceeds EIP-3860's limit.
	ErrMaxInitCodeSizeExceeded = vm.ErrMaxInitCodeSizeExceeded
	// ErrGasUintOverflow is returned when the intrinsic gas overflows 64 bits.
	ErrGasUintOverflow = core.ErrGasUintOverflow
	// ErrNonceTooLow is returned when the nonce is below the sender's state nonce.
	ErrNonceTooLow = core.ErrNonceTooLow
	// ErrInsufficientFunds is returned when the sender's balance does not cover the
	// value of this transaction plus that of its other pooled transactions.
	ErrInsufficientFunds = core.ErrInsufficientFunds
	// ErrAlreadyKnown is returned for a transaction whose hash is already pooled.
	ErrAlreadyKnown = gethpool.ErrAlreadyKnown
	// ErrReplaceUnderpriced is returned when a transaction with a pooled sender and
	// nonce does not raise both fee cap and tip cap by Config.PriceBump percent.
	ErrReplaceUnderpriced = gethpool.ErrReplaceUnderpriced
	// ErrAccountLimitExceeded is returned when a sender has too many pooled
	// transactions, too many queued ones, or a nonce too far ahead.
	ErrAccountLimitExceeded = gethpool.ErrAccountLimitExceeded
	// ErrTxPoolOverflow is returned when the pool is full. With no fees there is no
	// price to evict by, so a full pool refuses.
	ErrTxPoolOverflow = legacypool.ErrTxPoolOverflow
)

// Refusals of the lane of accounts of no record.
var (
	// ErrLaneFull is returned when the lane holds as many transactions or
	// bytes as it may. It wraps ErrTxPoolOverflow.
	ErrLaneFull = fmt.Errorf("%w: the lane of accounts of no record is full", ErrTxPoolOverflow)
	// ErrLaneData is returned for a transaction of an account of no record
	// with more calldata than an application needs.
	ErrLaneData = errors.New("calldata too large for an account of no record")
	// ErrLaneGas is returned for a transaction of an account of no record
	// with a gas limit above what an application needs.
	ErrLaneGas = errors.New("gas limit too high for an account of no record")
)

// Temporary reports whether a refusal by the pool may turn into an
// acceptance later without a change to the transaction: the pool or an
// account's share of it is full, the balance is short, or the gate refused
// on a state that may change (a record not yet created, capital to refill).
// Other refusals are final.
func Temporary(err error) bool {
	var g *GateError
	return errors.Is(err, ErrTxPoolOverflow) || errors.Is(err, ErrAccountLimitExceeded) ||
		errors.Is(err, ErrInsufficientFunds) || errors.As(err, &g)
}
