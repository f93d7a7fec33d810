package execution

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core"
	gethpool "github.com/ethereum/go-ethereum/core/txpool"
)

var (
	// ErrTxTooLarge is returned for a transaction whose encoding exceeds MaxTxSize.
	ErrTxTooLarge = gethpool.ErrOversizedData
	// ErrUnprotected is returned for a legacy transaction without EIP-155 replay protection.
	ErrUnprotected = errors.New("only replay-protected (EIP-155) transactions allowed over RPC")
	// ErrBlockGasExhausted is returned for a transaction that does not fit in
	// the gas left in the block.
	ErrBlockGasExhausted = errors.New("exceeds block gas limit")
	// ErrValueTooLarge is returned for a transaction whose value is not an
	// EVM word: no balance covers it, and geth answers it as insufficient
	// funds.
	ErrValueTooLarge = fmt.Errorf("%w: value does not fit in 256 bits", core.ErrInsufficientFunds)
	// ErrInvalidTx marks a block holding a transaction that may not be in a block.
	ErrInvalidTx = errors.New("invalid transaction in block")
)
