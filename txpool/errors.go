package txpool

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core"
	gethpool "github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/txpool/legacypool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/redmx/redmx/execution"
)

// Refusals that go-ethereum has no variable for.
var (
	// ErrInvalidEncoding is returned by AddRaw for bytes that do not decode as a
	// transaction.
	ErrInvalidEncoding = errors.New("invalid transaction encoding")
	// ErrUnprotectedTx is returned for a legacy transaction without EIP-155 replay
	// protection. The text is geth's eth_sendRawTransaction refusal.
	ErrUnprotectedTx = execution.ErrUnprotected
)

// The other refusals are go-ethereum's own error values, so that the wording that
// ethers and Foundry recognise is kept, and errors.Is holds against either name.
// Context, where there is any, follows the sentinel after "%w: ".
var (
	// ErrTxTypeNotSupported is returned for blob (type 3) and set-code (type 4)
	// transactions.
	ErrTxTypeNotSupported = core.ErrTxTypeNotSupported
	// ErrOversizedData is returned when the encoded transaction exceeds Config.MaxTxSize.
	ErrOversizedData = gethpool.ErrOversizedData
	// ErrInvalidChainID is returned when the transaction is signed for another chain.
	ErrInvalidChainID = types.ErrInvalidChainId
	// ErrGasLimitTooHigh is returned when the gas limit exceeds Osaka's per-transaction cap.
	ErrGasLimitTooHigh = core.ErrGasLimitTooHigh
	// ErrGasLimit is returned when the gas limit exceeds the current block gas limit.
	ErrGasLimit = gethpool.ErrGasLimit
	// ErrNegativeValue is returned for a transaction built in code with a negative value.
	ErrNegativeValue = gethpool.ErrNegativeValue
	// ErrFeeCapVeryHigh is returned when the fee cap does not fit in 256 bits.
	ErrFeeCapVeryHigh = core.ErrFeeCapVeryHigh
	// ErrTipVeryHigh is returned when the tip cap does not fit in 256 bits.
	ErrTipVeryHigh = core.ErrTipVeryHigh
	// ErrTipAboveFeeCap is returned when the tip cap exceeds the fee cap.
	ErrTipAboveFeeCap = core.ErrTipAboveFeeCap
	// ErrInvalidSender is returned when no sender can be recovered from the signature.
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
