package node

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/core"

	"github.com/redmx/redmx/app"
)

// Backoff of this node's connections while governance does not admit it.
const (
	admissionDialMin = 5 * time.Second
	admissionDialMax = time.Minute
)

// admission follows whether governance admits this node, by its own latest
// state. While it does not, the network's nodes close every connection of
// this one right after the handshake, and CometBFT would dial them again at
// once, hundreds of times a second, logging each hang-up. So admission says
// so once, and lets through its own peer filter at most one connection per
// peer per backoff (5 s doubling to 1 min), which keeps the node dialling
// (a vote may admit it; its state learns that only from a peer) without the
// flood. It changes nothing while the node is admitted.
type admission struct {
	self       string                        // this node's p2p ID, lower case
	allowed    func(id string) (bool, error) // app.AllowedPeer
	configured func(id string) bool          // app.ConfiguredPeer: the peers it dials
	height     func() uint64                 // of the latest block
	logger     *slog.Logger
	now        func() time.Time

	refused atomic.Bool // governance does not admit this node, as of its state

	mu    sync.Mutex
	known bool                   // refused has been read once
	next  map[string]dialBackoff // by peer ID, while refused
}

type dialBackoff struct {
	at   time.Time // the next connection allowed
	wait time.Duration
}

func newAdmission(self string, allowed func(id string) (bool, error), configured func(id string) bool, height func() uint64, logger *slog.Logger) *admission {
	return &admission{self: strings.ToLower(self), allowed: allowed, configured: configured, height: height, logger: logger, now: time.Now, next: make(map[string]dialBackoff)}
}

// notAdmitted reports whether governance did not admit this node at the
// last check.
func (ad *admission) notAdmitted() bool { return ad.refused.Load() }

// check reads this node's admission in the latest state and logs a change:
// once when it is not admitted (at start, or removed since), once when it
// is again.
func (ad *admission) check() {
	ok, err := ad.allowed(ad.self)
	if err != nil {
		return // no state yet: nothing to say
	}
	ad.mu.Lock()
	defer ad.mu.Unlock()
	was, known := ad.refused.Load(), ad.known
	ad.known = true
	ad.refused.Store(!ok)
	height := ad.height()
	switch {
	case !ok && !known:
		ad.logger.Warn("this node is not admitted by governance (as of its latest block): the network's nodes refuse its connections until a vote admits it; it dials them every 5s to 1m meanwhile",
			"node_id", ad.self, "height", height)
	case !ok && !was:
		ad.logger.Warn("this node is no longer admitted by governance: a vote removed or suspended it; the network's nodes disconnect it and refuse its connections",
			"node_id", ad.self, "height", height)
	case ok && was:
		ad.logger.Info("this node is admitted by governance", "node_id", ad.self, "height", height)
		clear(ad.next)
	}
}

// allowDial reports whether a connection with peer may go ahead now: always
// while this node is admitted, else once per backoff for the peers it dials
// (the configured ones, so the backoffs kept are as many as they are); any
// other peer is left to the app's filter.
func (ad *admission) allowDial(peer string) bool {
	if !ad.refused.Load() || !ad.configured(peer) {
		return true
	}
	ad.mu.Lock()
	defer ad.mu.Unlock()
	now := ad.now()
	b := ad.next[peer]
	if now.Before(b.at) {
		return false
	}
	b.wait = min(max(2*b.wait, admissionDialMin), admissionDialMax)
	b.at = now.Add(b.wait)
	ad.next[peer] = b
	return true
}

// admissionRecheck is how often the admission is read again without a new
// block: a node not admitted gets none.
const admissionRecheck = 30 * time.Second

// watch checks the admission at start, after every block a announces and
// every admissionRecheck, until ctx ends.
func (ad *admission) watch(ctx context.Context, a *app.App) {
	ch := make(chan core.ChainEvent, 16)
	sub := a.SubscribeChainEvent(ch)
	defer sub.Unsubscribe()
	tick := time.NewTicker(admissionRecheck)
	defer tick.Stop()
	ad.check()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.Err():
			return
		case <-tick.C:
		case <-ch:
		}
		drain(ch)
		ad.check()
	}
}

// filteringApp is the app as CometBFT sees it, with the peer filter held
// back by [admission.allowDial].
type filteringApp struct {
	abci.Application
	ad *admission
}

func (f filteringApp) Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	if id, ok := strings.CutPrefix(req.Path, "/p2p/filter/id/"); ok && !f.ad.allowDial(strings.ToLower(id)) {
		return &abci.ResponseQuery{Code: app.CodeInvalid, Log: "this node is not admitted by governance: next connection to this peer later"}, nil
	}
	return f.Application.Query(ctx, req)
}
