package txpool

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/execution"
)

// StateReader is what the pool needs of the latest committed state. Its methods
// may be called from several goroutines at once.
type StateReader interface {
	Nonce(addr common.Address) uint64
	Balance(addr common.Address) *uint256.Int
}

// Config holds the pool's limits. A zero field takes its default in [New].
type Config struct {
	ChainID      *big.Int // EIP-155 chain id; required
	MaxTxSize    int      // bytes of the encoded transaction
	AccountSlots uint64   // hard cap on one sender's pooled transactions, pending and queued
	GlobalSlots  uint64   // executable transactions in the pool before new executable ones are refused
	AccountQueue uint64   // one sender's queued transactions, and how far past its pending nonce a nonce may be
	GlobalQueue  uint64   // queued transactions in the pool before new queued ones are refused
	PriceBump    uint64   // percent by which a replacement must raise fee cap and tip cap
}

// Defaults used by [DefaultConfig] and for zero fields in [New].
const (
	DefaultMaxTxSize    = execution.MaxTxSize
	DefaultAccountSlots = 1024
	DefaultGlobalSlots  = 10240
	DefaultAccountQueue = 256
	DefaultGlobalQueue  = 1024
	DefaultPriceBump    = 10
)

// DefaultConfig returns the default limits for a chain.
func DefaultConfig(chainID *big.Int) Config {
	return Config{
		ChainID:      chainID,
		MaxTxSize:    DefaultMaxTxSize,
		AccountSlots: DefaultAccountSlots,
		GlobalSlots:  DefaultGlobalSlots,
		AccountQueue: DefaultAccountQueue,
		GlobalQueue:  DefaultGlobalQueue,
		PriceBump:    DefaultPriceBump,
	}
}

// withDefaults returns c with every zero limit replaced by its default.
func (c Config) withDefaults() Config {
	d := DefaultConfig(c.ChainID)
	if c.MaxTxSize <= 0 {
		c.MaxTxSize = d.MaxTxSize
	}
	if c.AccountSlots == 0 {
		c.AccountSlots = d.AccountSlots
	}
	if c.GlobalSlots == 0 {
		c.GlobalSlots = d.GlobalSlots
	}
	if c.AccountQueue == 0 {
		c.AccountQueue = d.AccountQueue
	}
	if c.GlobalQueue == 0 {
		c.GlobalQueue = d.GlobalQueue
	}
	if c.PriceBump == 0 {
		c.PriceBump = d.PriceBump
	}
	return c
}
