package txpool

import "github.com/ethereum/go-ethereum/common"

// Gate admits transactions by the chain's governance rules on the latest
// committed state: only members' and projects' accounts transact, creation
// needs a project, and gas is drawn from the capital of a payer shared by
// several accounts. The pool calls it under its lock, one call at a time.
type Gate interface {
	// Admit decides on a transaction of from with this gas limit and
	// returns its payer: a key shared by every account that draws on the
	// same budget. pending gives the gas of the payer's transactions already
	// in the pool, across all its accounts. The error text is the refusal's.
	Admit(from common.Address, to *common.Address, data []byte, gas uint64, pending func(payer uint64) uint64) (payer uint64, err error)
}

// SetGate makes the pool ask g about every transaction from now on and at
// each [Pool.Reset]; nil admits all. Set it before the Reset of a new head
// so that both see the same state.
func (p *Pool) SetGate(g Gate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gate = g
}

// PayerGas is the gas of the pooled transactions of payer, as the gate named it.
func (p *Pool) PayerGas(payer uint64) uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.payerGas[payer]
}

// admit asks the gate about e, which may replace old (nil: none), and
// records its payer.
func (p *Pool) admit(e, old *entry) error {
	if p.gate == nil {
		return nil
	}
	payer, err := p.gate.Admit(e.from, e.tx.To(), e.tx.Data(), e.gas, func(k uint64) uint64 {
		n := p.payerGas[k]
		if old != nil && old.gated && old.payer == k {
			n -= old.gas // the replaced transaction leaves the pool
		}
		return n
	})
	if err != nil {
		return err
	}
	e.payer, e.gated = payer, true
	return nil
}

// countPayer adds e's gas to its payer's, once e is in the pool.
func (p *Pool) countPayer(e *entry) {
	if e.gated {
		p.payerGas[e.payer] += e.gas
	}
}

// uncountPayer takes e's gas off its payer's, when e leaves the pool.
func (p *Pool) uncountPayer(e *entry) {
	if !e.gated {
		return
	}
	if n := p.payerGas[e.payer] - e.gas; n > 0 {
		p.payerGas[e.payer] = n
	} else {
		delete(p.payerGas, e.payer)
	}
	e.gated = false
}
