package txpool

import "github.com/ethereum/go-ethereum/common"

// Gate admits transactions by the chain's governance rules on the latest
// committed state: only members' and projects' accounts transact, creation
// needs a project, gas is drawn from the capital of a payer shared by
// several accounts, and accounts of no record may only apply, a few per
// block. The pool calls it under its lock, one call at a time.
type Gate interface {
	// Admit decides on a transaction of from with this gas limit and
	// says who pays and whether the sender has no record. pending gives
	// the gas of the payer's transactions already in the pool, across all
	// its accounts. The error text is the refusal's.
	Admit(from common.Address, to *common.Address, data []byte, gas uint64, pending func(payer uint64) uint64) (Admission, error)
	// Quota is how many transactions from accounts of no record one block
	// may carry. Unlike Admit it may be called by several readers at once.
	Quota() uint64
}

// Admission is a gate's answer for an admitted transaction.
type Admission struct {
	// Payer is a key shared by every account that draws on the same budget.
	Payer uint64
	// NoRecord says the sender has no record: the transaction goes to the
	// lane of such accounts.
	NoRecord bool
}

// GateError is a refusal by the gate. It is temporary: the next state may
// admit the transaction (a record created, capital refilled).
type GateError struct{ Err error }

func (e *GateError) Error() string { return e.Err.Error() }
func (e *GateError) Unwrap() error { return e.Err }

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
// records its payer and lane.
func (p *Pool) admit(e, old *entry) error {
	if p.gate == nil {
		e.lane = false
		return nil
	}
	a, err := p.gate.Admit(e.from, e.tx.To(), e.tx.Data(), e.gas, func(k uint64) uint64 {
		n := p.payerGas[k]
		if old != nil && old.gated && old.payer == k {
			n -= old.gas // the replaced transaction leaves the pool
		}
		return n
	})
	if err != nil {
		return &GateError{err}
	}
	e.payer, e.gated, e.lane = a.Payer, true, a.NoRecord
	return nil
}

// countPayer adds e's gas to its payer's, and e to the lane's counts, once
// e is in the pool.
func (p *Pool) countPayer(e *entry) {
	if !e.gated {
		return
	}
	p.payerGas[e.payer] += e.gas
	if e.lane {
		p.lane[e] = struct{}{}
		p.laneBytes += uint64(len(e.raw))
	}
}

// uncountPayer takes e's gas off its payer's, and e off the lane's counts,
// when e leaves the pool.
func (p *Pool) uncountPayer(e *entry) {
	if !e.gated {
		return
	}
	if n := p.payerGas[e.payer] - e.gas; n > 0 {
		p.payerGas[e.payer] = n
	} else {
		delete(p.payerGas, e.payer)
	}
	if e.lane {
		delete(p.lane, e)
		p.laneBytes -= uint64(len(e.raw))
	}
	e.gated = false
}
