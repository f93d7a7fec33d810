package txpool

import (
	"log/slog"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/execution"
)

// StateReader is what the pool needs of the latest committed state. Its methods
// may be called from several goroutines at once. A reader that also has a
// Height() uint64 method gives the state's block number, which the pool uses
// for the ages of its transactions and in its eviction records; without it
// the pool counts its Resets.
type StateReader interface {
	Nonce(addr common.Address) uint64
	Balance(addr common.Address) *uint256.Int
	// GasLimit is the gas limit of the block after this state: the pool
	// refuses and evicts transactions above it.
	GasLimit() uint64
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
	GlobalBytes  uint64   // encoded bytes of all pooled transactions

	// The lane of accounts of no record (see the package doc). Its count cap
	// is LaneBlocks times the gate's per-block quota.
	LaneBlocks   uint64 // blocks' worth of the quota the lane holds
	LaneBytes    uint64 // encoded bytes of the lane's transactions
	LaneMaxData  int    // calldata bytes of one lane transaction
	LaneMaxGas   uint64 // gas limit of one lane transaction
	LaneLifetime uint64 // blocks a lane transaction waits before eviction

	Lifetime        uint64 // blocks any transaction waits before eviction
	Reannounce      uint64 // blocks after which an unmined executable transaction is offered to gossip again
	ReannounceBytes uint64 // encoded bytes offered again per block, at most
	EvictedRecords  int    // evictions remembered for lookups

	Logger *slog.Logger // evictions are logged here; nil: not logged
}

// Defaults used by [DefaultConfig] and for zero fields in [New].
const (
	DefaultMaxTxSize    = execution.MaxTxSize
	DefaultAccountSlots = 1024
	DefaultGlobalSlots  = 10240
	DefaultAccountQueue = 256
	DefaultGlobalQueue  = 1024
	DefaultPriceBump    = 10
	DefaultGlobalBytes  = 256 << 20

	DefaultLaneBlocks   = 4
	DefaultLaneBytes    = 256 << 10
	DefaultLaneMaxData  = 4 << 10
	DefaultLaneMaxGas   = 5_000_000 // an application's estimate plus govclient's headroom, with room to spare
	DefaultLaneLifetime = 20

	DefaultLifetime        = 3600
	DefaultReannounce      = 5
	DefaultReannounceBytes = 1 << 20
	DefaultEvictedRecords  = 4096
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
		GlobalBytes:  DefaultGlobalBytes,

		LaneBlocks:   DefaultLaneBlocks,
		LaneBytes:    DefaultLaneBytes,
		LaneMaxData:  DefaultLaneMaxData,
		LaneMaxGas:   DefaultLaneMaxGas,
		LaneLifetime: DefaultLaneLifetime,

		Lifetime:        DefaultLifetime,
		Reannounce:      DefaultReannounce,
		ReannounceBytes: DefaultReannounceBytes,
		EvictedRecords:  DefaultEvictedRecords,
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
	if c.GlobalBytes == 0 {
		c.GlobalBytes = d.GlobalBytes
	}
	if c.LaneBlocks == 0 {
		c.LaneBlocks = d.LaneBlocks
	}
	if c.LaneBytes == 0 {
		c.LaneBytes = d.LaneBytes
	}
	if c.LaneMaxData <= 0 {
		c.LaneMaxData = d.LaneMaxData
	}
	if c.LaneMaxGas == 0 {
		c.LaneMaxGas = d.LaneMaxGas
	}
	if c.LaneLifetime == 0 {
		c.LaneLifetime = d.LaneLifetime
	}
	if c.Lifetime == 0 {
		c.Lifetime = d.Lifetime
	}
	if c.Reannounce == 0 {
		c.Reannounce = d.Reannounce
	}
	if c.ReannounceBytes == 0 {
		c.ReannounceBytes = d.ReannounceBytes
	}
	if c.EvictedRecords <= 0 {
		c.EvictedRecords = d.EvictedRecords
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
