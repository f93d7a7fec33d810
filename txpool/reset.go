package txpool

import (
	"sort"

	"github.com/holiman/uint256"
)

// Reset brings the pool up to a newly committed state. It must be called after
// every commit, before the next proposal. For each sender it drops the
// transactions whose nonce the state has passed (included, or replaced by another
// node's), then checks the rest in nonce order against the new balance and the
// current block gas limit and the gate, dropping those that no longer pass; what follows a
// dropped transaction waits as queued, and queued transactions that the new state
// nonce reaches become executable.
func (p *Pool) Reset(state StateReader) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = state
	limit := p.blockGasLimit()
	// Grants and memberships change with the state: every transaction is
	// asked again and the payers' gas counted afresh.
	clear(p.payerGas)
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
			if e.gas > limit || overflow || sum.Gt(&acct.balance) || p.admit(e, nil) != nil {
				p.forget(e)
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
}
