package txpool

import (
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/holiman/uint256"
)

// Reset brings the pool up to a newly committed state. It must be called after
// every commit, before the next proposal. For each sender it drops the
// transactions whose nonce the state has passed (included, or replaced by another
// node's), then checks the rest in nonce order against the new balance, the
// current block gas limit, the gate and their age, evicting those that no
// longer pass (see [Pool.Evicted]); what follows an evicted transaction waits
// as queued, and queued transactions that the new state nonce reaches become
// executable. Executable transactions that gossip has not got mined for
// Config.Reannounce blocks are handed to [Pool.Reap] again.
func (p *Pool) Reset(state StateReader) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = state
	if h, ok := state.(interface{ Height() uint64 }); ok {
		p.height = h.Height()
	} else {
		p.height++
	}
	limit := state.GasLimit()
	// Grants and memberships change with the state: every transaction is
	// asked again and the payers' gas and the lane counted afresh.
	clear(p.payerGas)
	clear(p.lane)
	p.laneBytes = 0
	for _, e := range p.all {
		e.gated = false
	}
	for addr, acct := range p.accounts {
		acct.nonce = state.Nonce(addr)
		acct.balance.Clear()
		if b := state.Balance(addr); b != nil {
			acct.balance.Set(b)
		}
		stale := sort.Search(len(acct.txs), func(i int) bool { return acct.txs[i].nonce >= acct.nonce })
		for _, e := range acct.txs[:stale] {
			p.forget(e)
		}
		var spent, sum uint256.Int
		kept := acct.txs[:0]
		next := acct.nonce
		for _, e := range acct.txs[stale:] {
			_, overflow := sum.AddOverflow(&spent, e.value)
			reason := ""
			switch {
			case e.gas > limit:
				reason = fmt.Sprintf("gas limit %d above the block gas limit %d", e.gas, limit)
			case overflow || sum.Gt(&acct.balance):
				reason = fmt.Sprintf("insufficient funds: balance %v", &acct.balance)
			}
			if reason == "" {
				reason = p.expired(e) // by the lane the last head put it in
			}
			if reason == "" {
				if err := p.admit(e, nil); err != nil {
					reason = evictionRefusedText + ": " + err.Error()
				}
			}
			if reason != "" {
				p.forget(e)
				p.recordEviction(e, reason)
				continue
			}
			p.countPayer(e)
			spent = sum
			if e.nonce == next {
				p.setPending(e)
				next++
			} else {
				p.setQueued(e)
			}
			kept = append(kept, e)
		}
		clear(acct.txs[len(kept):])
		acct.txs = kept
		acct.spent = spent
		acct.executable = int(next - acct.nonce)
		if len(kept) == 0 {
			delete(p.accounts, addr)
		}
	}
	p.reannounce()
}

// expired says why e has waited too long, or "".
func (p *Pool) expired(e *entry) string {
	age := p.height - min(e.born, p.height)
	switch {
	case e.lane && age >= p.cfg.LaneLifetime:
		return fmt.Sprintf("expired: an account of no record's transaction waited %d blocks, limit %d", age, p.cfg.LaneLifetime)
	case age >= p.cfg.Lifetime:
		return fmt.Sprintf("expired: waited %d blocks, limit %d", age, p.cfg.Lifetime)
	}
	return ""
}

// reannounce hands to Reap again the executable transactions that were last
// reaped Config.Reannounce or more blocks ago: a peer that refused one for a
// while (full, or behind the head that admits it) gets another chance.
// Members' first, oldest first, at most Config.ReannounceBytes.
func (p *Pool) reannounce() {
	var due []*entry
	for _, acct := range p.accounts {
		for _, e := range acct.txs[:acct.executable] {
			if e.reaped && p.height-min(e.announced, p.height) >= p.cfg.Reannounce {
				due = append(due, e)
			}
		}
	}
	slices.SortFunc(due, func(a, b *entry) int {
		if a.lane != b.lane {
			if a.lane {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.seq, b.seq)
	})
	var size uint64
	for _, e := range due {
		if size += uint64(len(e.raw)); size > p.cfg.ReannounceBytes {
			return
		}
		e.reaped = false
		p.enqueueReap(e)
	}
}
