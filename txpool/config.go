package txpool

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// Chain is what the pool takes from the chain's rules; in a node, the
// executor that executes blocks. Blocks are the authority on what a
// transaction must be: the pool admits only what CheckTx passes, and adds
// only checks of its own (the head's gas limit, intrinsic gas, its limits).
type Chain interface {
	// CheckTx is the stateless check every transaction in a block must
	// pass; it returns the sender. Its errors are the pool's answers.
	CheckTx(tx *types.Transaction) (common.Address, error)
	// MaxTxSize is the largest encoding CheckTx passes: AddRaw refuses
	// larger bytes before decoding them.
	MaxTxSize() int
	// Config is the chain's rule set: its id and the forks whose intrinsic
	// gas the pool charges.
	Config() *params.ChainConfig
}

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

	PriceBump   uint64 `toml:"-"` // percent by which a replacement must raise fee cap and tip cap
	GlobalBytes uint64 `toml:"-"` // encoded bytes of all pooled transactions

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
}

// Defaults used by [DefaultConfig] and for zero fields in [New].
const (
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

// DefaultConfig returns the default limits.
func DefaultConfig() Config {
	return Config{
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
	d := DefaultConfig()
	orDefault(&c.AccountSlots, d.AccountSlots)
	orDefault(&c.GlobalSlots, d.GlobalSlots)
	orDefault(&c.AccountQueue, d.AccountQueue)
	orDefault(&c.GlobalQueue, d.GlobalQueue)
	orDefault(&c.PriceBump, d.PriceBump)
	orDefault(&c.GlobalBytes, d.GlobalBytes)
	orDefault(&c.LaneBlocks, d.LaneBlocks)
	orDefault(&c.LaneBytes, d.LaneBytes)
	orDefault(&c.LaneMaxData, d.LaneMaxData)
	orDefault(&c.LaneMaxGas, d.LaneMaxGas)
	orDefault(&c.LaneLifetime, d.LaneLifetime)
	orDefault(&c.Lifetime, d.Lifetime)
	orDefault(&c.Reannounce, d.Reannounce)
	orDefault(&c.ReannounceBytes, d.ReannounceBytes)
	orDefault(&c.EvictedRecords, d.EvictedRecords)
	return c
}

// orDefault sets *v to d where it is zero or negative.
func orDefault[T int | uint64](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}
