package txpool

import "strings"

// Observer is told of the pool's admissions, refusals and evictions, for
// the node's metrics. It is called under the pool's lock or right after an
// Add returns, so it must be quick and must not call the pool.
type Observer interface {
	// Admitted: a transaction entered the pool; noRecord says it went to
	// the lane of accounts of no record.
	Admitted(noRecord bool)
	// Refused: Add or AddRaw refused a transaction with err.
	Refused(err error)
	// Evicted: a transaction left the pool unmined, for one of the
	// Eviction* kinds.
	Evicted(kind string)
}

// Kinds of eviction, as an [Observer] is told them.
const (
	EvictionLaneFull    = "lane_full"          // a member's transaction took its room
	EvictionInvalid     = "invalid"            // invalid in a proposal
	EvictionGasLimit    = "gas_limit"          // above a lowered block gas limit
	EvictionFunds       = "insufficient_funds" // the balance no longer covers it
	EvictionExpired     = "expired"            // waited past its lifetime
	EvictionRefused     = "refused"            // the gate refused it on a new head
	EvictionRemoved     = "removed"            // removed by the node
	evictionFullPrefix  = "evicted: the pool is full"
	evictionRefusedText = "refused on the new head"
)

// EvictionKinds are every kind an [Observer] may be told.
var EvictionKinds = []string{EvictionLaneFull, EvictionInvalid, EvictionGasLimit, EvictionFunds, EvictionExpired, EvictionRefused, EvictionRemoved}

// SetObserver makes the pool tell o of what it admits, refuses and evicts
// from now on; nil tells no one. Set it before the pool is used.
func (p *Pool) SetObserver(o Observer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.observer = o
}

// observeAdd tells the observer of Add's outcome.
func (p *Pool) observeAdd(err error) error {
	if err != nil {
		p.mu.RLock()
		o := p.observer
		p.mu.RUnlock()
		if o != nil {
			o.Refused(err)
		}
	}
	return err
}

// evictionKind is the kind of an eviction's reason, as the pool and the app
// word them.
func evictionKind(reason string) string {
	switch {
	case strings.HasPrefix(reason, evictionFullPrefix):
		return EvictionLaneFull
	case strings.HasPrefix(reason, "invalid"):
		return EvictionInvalid
	case strings.HasPrefix(reason, "gas limit"):
		return EvictionGasLimit
	case strings.HasPrefix(reason, "insufficient funds"):
		return EvictionFunds
	case strings.HasPrefix(reason, "expired"):
		return EvictionExpired
	case strings.HasPrefix(reason, evictionRefusedText):
		return EvictionRefused
	}
	return EvictionRemoved
}
