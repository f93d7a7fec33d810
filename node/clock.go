package node

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	cmtpubsub "github.com/cometbft/cometbft/libs/pubsub"
	cmtnode "github.com/cometbft/cometbft/node"
	cmttypes "github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"

	"github.com/redmx/redmx/metrics"
)

// Clock offset (docs/operations.md, "Clock"): a block's time is the median
// of the validators' precommit times for its parent, so when a node commits
// block H its clock reads about H's time plus one block interval, plus its
// own offset from the others. Each block committed in consensus gives one
// sample, (commit time − H's time) − (H's time − (H−1)'s time); the
// estimate is the median of the last clockSamples. It is node-local and
// read-only: nothing of consensus reads it. The node's clock here is the
// one CometBFT signs votes with (cmttime.Now), the wall clock in a release.

const (
	// clockSamples is how many blocks the estimate is the median of.
	clockSamples = 15
	// clockMinSamples is how many it needs before it is reported.
	clockMinSamples = 5
	// clockWarn is the offset beyond which the node logs a warning: past
	// it the node's votes carry times the others' do not, and beyond
	// CometBFT's block_time_tolerance it refuses blocks as from the future.
	clockWarn = 5 * time.Second
	// clockWarnEvery repeats the warning while the offset stays beyond.
	clockWarnEvery = time.Minute
)

// clockOffset estimates this node's clock offset from the chain's.
type clockOffset struct {
	logger  *slog.Logger
	metrics *metrics.Metrics
	now     func() time.Time

	mu       sync.Mutex
	samples  []time.Duration // the last clockSamples, oldest first
	prevH    int64
	prevT    time.Time
	offset   time.Duration
	known    bool
	warnedAt time.Time // last warning; zero: within bounds
}

func newClockOffset(logger *slog.Logger, m *metrics.Metrics) *clockOffset {
	return &clockOffset{logger: logger, metrics: m, now: cmttime.Now}
}

// observe takes block h of header time t, committed now. A block that does
// not follow the last one observed (the first, or after a gap) only starts
// the next sample.
func (c *clockOffset) observe(h int64, t time.Time) {
	at := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	prevH, prevT := c.prevH, c.prevT
	c.prevH, c.prevT = h, t
	if h != prevH+1 || prevH == 0 {
		return
	}
	c.samples = append(c.samples, at.Sub(t)-t.Sub(prevT))
	if len(c.samples) > clockSamples {
		c.samples = c.samples[1:]
	}
	if len(c.samples) < clockMinSamples {
		return
	}
	sorted := slices.Clone(c.samples)
	slices.Sort(sorted)
	c.offset, c.known = sorted[len(sorted)/2], true
	c.metrics.SetClockOffset(c.offset)
	c.warn(at)
}

// warn logs an offset beyond clockWarn when it crosses it and every
// clockWarnEvery while it stays, and its return within bounds.
func (c *clockOffset) warn(at time.Time) {
	beyond := c.offset > clockWarn || c.offset < -clockWarn
	switch {
	case beyond && (c.warnedAt.IsZero() || at.Sub(c.warnedAt) >= clockWarnEvery):
		c.warnedAt = at
		c.logger.Warn("this node's clock is off the chain's: check its time synchronisation (NTP)",
			"offset", c.offset.Round(time.Millisecond), "bound", clockWarn)
	case !beyond && !c.warnedAt.IsZero():
		c.warnedAt = time.Time{}
		c.logger.Info("this node's clock is back within bounds of the chain's", "offset", c.offset.Round(time.Millisecond))
	}
}

// get is the estimate, once there are enough samples.
func (c *clockOffset) get() (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset, c.known
}

// watch observes every block CometBFT commits while in consensus (not
// while it syncs blocks: those commit faster than they were made) until
// ctx ends.
func (c *clockOffset) watch(ctx context.Context, cmt *cmtnode.Node) {
	const subscriber = "redmx-clock-offset"
	for ctx.Err() == nil {
		sub, err := cmt.EventBus().Subscribe(ctx, subscriber, cmttypes.EventQueryNewBlockHeader, 64)
		if err != nil {
			c.logger.Warn("clock offset: cannot follow new blocks", "err", err)
			return
		}
		c.follow(ctx, cmt, sub.Out(), sub.Canceled())
		_ = cmt.EventBus().Unsubscribe(context.Background(), subscriber, cmttypes.EventQueryNewBlockHeader)
	}
}

func (c *clockOffset) follow(ctx context.Context, cmt *cmtnode.Node, out <-chan cmtpubsub.Message, canceled <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-canceled: // fell behind: subscribe again
			return
		case msg := <-out:
			ev, ok := msg.Data().(cmttypes.EventDataNewBlockHeader)
			if !ok || cmt.ConsensusReactor().WaitSync() {
				continue
			}
			c.observe(ev.Header.Height, ev.Header.Time)
		}
	}
}
