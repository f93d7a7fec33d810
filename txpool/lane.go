package txpool

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// laneSlots is how many transactions of accounts of no record the pool
// holds: LaneBlocks blocks' worth of the gate's quota.
func (p *Pool) laneSlots() uint64 {
	if p.gate == nil {
		return 0
	}
	return p.gate.Quota() * p.cfg.LaneBlocks
}

// checkLane reports whether e, from an account of no record, fits the lane:
// an application's calldata and gas, one pooled transaction per account, at
// its next nonce, within the lane's count and bytes. The lane never takes a
// member's room: a full pool refuses it.
func (p *Pool) checkLane(acct *account, e *entry) error {
	if err := p.checkLaneTx(e); err != nil {
		return err
	}
	if len(acct.txs) > 0 {
		return fmt.Errorf("%w: an account of no record pools one transaction at a time", ErrAccountLimitExceeded)
	}
	if e.nonce != acct.nonce {
		return fmt.Errorf("%w: an account of no record pools only its next nonce %d, not %d", ErrAccountLimitExceeded, acct.nonce, e.nonce)
	}
	size := uint64(len(e.raw))
	if slots := p.laneSlots(); uint64(len(p.lane)) >= slots {
		return fmt.Errorf("%w: %d transactions of %d", ErrLaneFull, len(p.lane), slots)
	}
	if p.laneBytes+size > p.cfg.LaneBytes {
		return fmt.Errorf("%w: %d bytes of %d", ErrLaneFull, p.laneBytes, p.cfg.LaneBytes)
	}
	if uint64(p.pending) >= p.cfg.GlobalSlots || p.bytes+size > p.cfg.GlobalBytes {
		return fmt.Errorf("%w: members' transactions fill the pool", ErrTxPoolOverflow)
	}
	return nil
}

// checkLaneTx checks what an application may carry.
func (p *Pool) checkLaneTx(e *entry) error {
	if n := len(e.tx.Data()); n > p.cfg.LaneMaxData {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrLaneData, n, p.cfg.LaneMaxData)
	}
	if e.gas > p.cfg.LaneMaxGas {
		return fmt.Errorf("%w: %d, limit %d", ErrLaneGas, e.gas, p.cfg.LaneMaxGas)
	}
	return nil
}

// makeRoom checks the room e takes, replacing old (nil: none): a lane
// replacement within the lane's bytes; a member's transaction gets room by
// evicting the lane's oldest transactions, never another member's.
func (p *Pool) makeRoom(acct *account, e, old *entry) error {
	size := uint64(len(e.raw))
	var freed uint64
	if old != nil {
		freed = uint64(len(old.raw))
	}
	if e.lane {
		if old == nil {
			return nil // checkLane counted it
		}
		if err := p.checkLaneTx(e); err != nil {
			return err
		}
		laneFreed := freed
		if !old.lane {
			laneFreed = 0
		}
		if p.laneBytes-laneFreed+size > p.cfg.LaneBytes || p.bytes-freed+size > p.cfg.GlobalBytes {
			return fmt.Errorf("%w: %d bytes of %d", ErrLaneFull, p.laneBytes, p.cfg.LaneBytes)
		}
		return nil
	}
	slot := old == nil && e.nonce == acct.pendingNonce()
	for (slot && uint64(p.pending) >= p.cfg.GlobalSlots) || p.bytes-freed+size > p.cfg.GlobalBytes {
		victim := p.oldestLane(e.from)
		if victim == nil {
			return fmt.Errorf("%w: %d bytes of %d", ErrTxPoolOverflow, p.bytes, p.cfg.GlobalBytes)
		}
		p.evict(victim, evictionFullPrefix+" and members' transactions go first")
	}
	return nil
}

// oldestLane is the lane's transaction that entered the pool first, not
// from the given sender, or nil. It looks at the lane alone (at most
// laneSlots transactions), not the whole pool: a member's transaction
// arriving at a full pool must not cost a scan of every account.
func (p *Pool) oldestLane(not common.Address) *entry {
	var oldest *entry
	for e := range p.lane {
		if e.from != not && (oldest == nil || e.seq < oldest.seq) {
			oldest = e
		}
	}
	return oldest
}

// evict removes e and records why.
func (p *Pool) evict(e *entry, reason string) {
	p.remove(e)
	p.recordEviction(e, reason)
}

// recordEviction remembers and logs why e left the pool unmined; the caller
// took it out.
func (p *Pool) recordEviction(e *entry, reason string) {
	p.evicted.add(Eviction{Hash: e.hash, Reason: reason, Height: p.height})
	p.logger.Info("transaction evicted from the pool", "tx", e.hash, "from", e.from, "nonce", e.nonce, "height", p.height, "reason", reason)
	if p.observer != nil {
		p.observer.Evicted(evictionKind(reason))
	}
}

// Eviction says why a transaction left the pool without being mined.
type Eviction struct {
	Hash   common.Hash
	Reason string
	Height uint64 // the head when it left
}

// Evicted returns the record of a transaction that left this pool unmined,
// among the most recent Config.EvictedRecords such, and whether there is one.
// A transaction evicted and later pooled again is not reported while pooled.
func (p *Pool) Evicted(hash common.Hash) (Eviction, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if _, ok := p.all[hash]; ok {
		return Eviction{}, false
	}
	ev, ok := p.evicted.byHash[hash]
	return ev, ok
}

// evictions is a bounded record of recent evictions, the oldest forgotten
// first.
type evictions struct {
	byHash map[common.Hash]Eviction
	ring   []common.Hash
	next   int
}

func newEvictions(n int) evictions {
	return evictions{byHash: make(map[common.Hash]Eviction, n), ring: make([]common.Hash, 0, n)}
}

func (r *evictions) add(ev Eviction) {
	if _, ok := r.byHash[ev.Hash]; ok {
		r.byHash[ev.Hash] = ev // keep its place; the latest reason wins
		return
	}
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, ev.Hash)
	} else {
		delete(r.byHash, r.ring[r.next])
		r.ring[r.next] = ev.Hash
		r.next = (r.next + 1) % len(r.ring)
	}
	r.byHash[ev.Hash] = ev
}

// Usage is what the pool holds.
type Usage struct {
	Pending, Queued int    // executable and future-nonce transactions
	Bytes           uint64 // encoded bytes of all of them
	Lane            int    // transactions of accounts of no record
	LanePending     int    // of which executable
	LaneBytes       uint64 // and their encoded bytes
}

// Usage returns the pool's counts and bytes.
func (p *Pool) Usage() Usage {
	p.mu.RLock()
	defer p.mu.RUnlock()
	u := Usage{Pending: p.pending, Queued: p.queued, Bytes: p.bytes, Lane: len(p.lane), LaneBytes: p.laneBytes}
	for e := range p.lane { // at most the lane's slots
		if e.pending {
			u.LanePending++
		}
	}
	return u
}
