package app

import (
	"math/big"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/params"

	"github.com/redmx/redmx/internal/eventq"
)

// eventQueueLimit is how many committed blocks may wait for slow subscribers
// before the oldest are dropped: at a block a second, minutes of stall.
const eventQueueLimit = 256

// committedBlock is a block whose height is durable and the head.
type committedBlock struct {
	block    *types.Block
	receipts types.Receipts // as executed: derived fields not yet set
}

// feeds announces committed blocks and their logs, as go-ethereum's
// blockchain does, from a queue: Commit hands a block over and returns, and
// the queue's goroutine derives the receipts' fields and sends.
type feeds struct {
	config *params.ChainConfig
	chain  event.FeedOf[core.ChainEvent]
	logs   event.FeedOf[[]*types.Log]
	scope  event.SubscriptionScope
	queue  *eventq.Queue[committedBlock]
}

func newFeeds(config *params.ChainConfig) *feeds {
	f := &feeds{config: config}
	f.queue = eventq.New(eventQueueLimit, func(blocks []committedBlock) {
		for _, b := range blocks {
			f.deliver(b)
		}
	})
	return f
}

func (f *feeds) deliver(c committedBlock) {
	b := c.block
	// The receipts were written to the index in Commit and nothing else
	// reads them now, so their fields are derived in place.
	if err := c.receipts.DeriveFields(f.config, b.Hash(), b.NumberU64(), b.Time(), b.BaseFee(), nil, b.Transactions()); err != nil {
		return // cannot happen: one receipt per transaction by construction
	}
	var logs []*types.Log
	for _, r := range c.receipts {
		r.EffectiveGasPrice = new(big.Int) // nothing is charged, as the RPC reports
		logs = append(logs, r.Logs...)
	}
	f.chain.Send(core.ChainEvent{Header: b.Header(), Receipts: c.receipts, Transactions: b.Transactions()})
	if len(logs) > 0 {
		f.logs.Send(logs)
	}
}

// SubscribeChainEvent delivers every committed block, in order, after its
// height is durable and the head, with its receipts' fields derived. Events
// are sent from a goroutine of the app's, never from Commit; if more than 256
// blocks wait for a subscriber that does not read, the oldest are dropped.
func (a *App) SubscribeChainEvent(ch chan<- core.ChainEvent) event.Subscription {
	return a.feeds.scope.Track(a.feeds.chain.Subscribe(ch))
}

// SubscribeLogsEvent delivers the logs of every committed block that has any,
// with all derived fields (block hash and number, transaction hash and index,
// log index), right after the block's chain event.
func (a *App) SubscribeLogsEvent(ch chan<- []*types.Log) event.Subscription {
	return a.feeds.scope.Track(a.feeds.logs.Subscribe(ch))
}
