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
}

// Config is the [redmx.pool] section of config.toml: the pool's limits. A
// zero field takes its default in [New], so 0 in the file keeps the
// default. Each key's comment tag is its documentation in the file `redmx
// init` writes. Fields without a key are the pool's fixed policy (see the
// package doc), which only tests change: the lane's sizes are what the
// network promises an account of no record and are tuned to the gate's
// quota and to govclient's gas headroom, so one node should not differ.
type Config struct {
	GlobalSlots  uint64 `toml:"global_slots" comment:"Executable transactions in the pool before new executable ones are refused (0: the default)."`
	AccountSlots uint64 `toml:"account_slots" comment:"Hard cap on one sender's pooled transactions, executable and waiting (0: the default)."`
	GlobalQueue  uint64 `toml:"global_queue" comment:"Transactions waiting for an earlier nonce in the pool before new waiting ones are refused (0: the default)."`
	AccountQueue uint64 `toml:"account_queue" comment:"One sender's transactions waiting for an earlier nonce, and how far past its next nonce a nonce may be (0: the default)."`

	ChainID     *big.Int `toml:"-"` // EIP-155 chain id; required
	MaxTxSize   int      `toml:"-"` // bytes of the encoded transaction
	PriceBump   uint64   `toml:"-"` // percent by which a replacement must raise fee cap and tip cap
	GlobalBytes uint64   `toml:"-"` // encoded bytes of all pooled transactions

	// The lane of accounts of no record (see the package doc). Its count cap
	// is LaneBlocks times the gate's per-block quota.
	LaneBlocks   uint64 `toml:"-"` // blocks' worth of the quota the lane holds
	LaneBytes    uint64 `toml:"-"` // encoded bytes of the lane's transactions
	LaneMaxData  int    `toml:"-"` // calldata bytes of one lane transaction
	LaneMaxGas   uint64 `toml:"-"` // gas limit of one lane transaction
	LaneLifetime uint64 `toml:"-"` // blocks a lane transaction waits before eviction

	Lifetime        uint64 `toml:"-"` // blocks any transaction waits before eviction
	Reannounce      uint64 `toml:"-"` // blocks after which an unmined executable transaction is offered to gossip again
	ReannounceBytes uint64 `toml:"-"` // encoded bytes offered again per block, at most
	EvictedRecords  int    `toml:"-"` // evictions remembered for lookups

	Logger *slog.Logger `toml:"-"` // evictions are logged here; nil: not logged
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
