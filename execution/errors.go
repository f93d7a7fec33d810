package execution

import "errors"

var (
	// ErrTxTooLarge is returned for a transaction whose encoding exceeds MaxTxSize.
	ErrTxTooLarge = errors.New("oversized data")
	// ErrUnprotected is returned for a legacy transaction without EIP-155 replay protection.
	ErrUnprotected = errors.New("only replay-protected (EIP-155) transactions allowed over RPC")
	// ErrBlockGasExhausted is returned for a transaction that does not fit in
	// the gas left in the block.
	ErrBlockGasExhausted = errors.New("exceeds block gas limit")
	// ErrInvalidTx marks a block holding a transaction that may not be in a block.
	ErrInvalidTx = errors.New("invalid transaction in block")
)
