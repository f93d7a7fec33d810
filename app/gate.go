package app

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/txpool"
)

// headGate is the pool's admission by governance on the head state, or nil
// when the chain has no governance.
func (a *App) headGate() txpool.Gate {
	h := a.chain.Head()
	if h == nil {
		return nil
	}
	st, err := a.db.StateAt(h.Root)
	if err != nil {
		a.logger.Error("open head state for the pool's gate", "height", h.Number, "err", err)
		return nil
	}
	if !a.exec.Governed(st) {
		return nil
	}
	// The next block's number; its time is not known yet, the head's is
	// the nearest deterministic one.
	env := governance.Env{Number: h.Number.Uint64() + 1, Time: h.Time}
	quota, err := applyQuota(a.gov, env, st)
	if err != nil {
		a.logger.Error("read applyQuota for the pool's gate", "height", h.Number, "err", err)
	}
	g := &poolGate{gov: a.gov, st: st, env: env, quota: quota, live: a.HeadState}
	if al, ok := a.gov.(allowances); ok {
		g.al, g.standings = al, make(map[payerOf]standing)
	}
	return g
}

// poolGate asks governance about a transaction on one head state. The pool
// calls it under its lock, one call at a time, as the state requires.
type poolGate struct {
	gov   Governance
	st    *state.StateDB
	env   governance.Env
	quota uint64 // applyQuota

	// standings remembers governance's answer but for the gas for each kind
	// of a sender's transactions on this gate's state, where it cannot
	// change: a sender's stream of transactions and the pool's re-check
	// after a block read the sender's standing once, not once per
	// transaction. Only when governance reads standings apart (al).
	al        allowances
	standings map[payerOf]standing

	// live opens the newest head's state (App.HeadState), for when a
	// commit has flattened st off the live layers before the pool's Reset
	// brings a new gate.
	live func() (*state.StateDB, *types.Header, error)
}

// maxStandings bounds the standings a gate keeps: refusals are kept too, and
// strangers' fresh accounts must not grow it without limit within a head.
// Past it the gate still answers, reading the state each time.
const maxStandings = 1 << 14

// standing decides transactions of one kind of one sender by their gas and
// the gas pending ahead of them for the same payer.
type standing interface {
	Admit(gasLimit, pending uint64) (governance.Payer, error)
}

// allowances is governance that reads a sender's standing apart from the
// gas (the contract does, as [governance.Allowance]).
type allowances interface {
	Allowance(env governance.Env, st vm.StateDB, from common.Address, to *common.Address, input []byte) governance.Allowance
}

// askEach is a transaction's standing with governance without allowances:
// governance is asked about it with each gas, nothing is remembered.
type askEach struct {
	g    *poolGate
	from common.Address
	to   *common.Address
	data []byte
}

func (a askEach) Admit(gas, pending uint64) (governance.Payer, error) {
	return a.g.gov.Admit(a.g.env, a.g.st, a.from, a.to, a.data, gas, pending)
}

// payerOf is what decides governance's answer but for the gas: its sender,
// whether it creates (a project's account only), whether it calls
// governance (paid from the record's governance allowance), and which
// governance function (an account of no record pays nothing for its
// applications, but a seat holder's proxy attends and votes from the
// holder's allowance).
type payerOf struct {
	from   common.Address
	create bool
	gov    bool
	sel    [4]byte
}

// Admit asks the sender's standing with the gas the payer already has in
// the pool; the first answer, with nothing pending, names the payer.
func (g *poolGate) Admit(from common.Address, to *common.Address, data []byte, gas uint64, pending func(payer uint64) uint64) (txpool.Admission, error) {
	a, err := g.admit(from, to, data, gas, pending)
	if g.st.Error() == nil || g.live == nil {
		return a, err
	}
	// The state could not be read, and governance answered from empty
	// storage: a commit flattened it off the live layers. Ask again at the
	// new head, which the pool's Reset about to come brings it to anyway.
	st, h, lerr := g.live()
	if lerr == nil && h == nil {
		lerr = errors.New("no head")
	}
	if lerr != nil {
		return txpool.Admission{}, fmt.Errorf("read the head state: %w", errors.Join(g.st.Error(), lerr))
	}
	g.st = st
	clear(g.standings)
	return g.admit(from, to, data, gas, pending)
}

func (g *poolGate) admit(from common.Address, to *common.Address, data []byte, gas uint64, pending func(payer uint64) uint64) (txpool.Admission, error) {
	st := g.standing(from, to, data)
	p, err := st.Admit(gas, 0)
	if err != nil {
		return txpool.Admission{}, err
	}
	key := payerKey(p)
	if pend := pending(key); pend > 0 {
		if _, err := st.Admit(gas, pend); err != nil {
			return txpool.Admission{}, err
		}
	}
	return admission(key), nil
}

// standing is the standing of a transaction from from to to with data: the
// one kept for its kind on this head, or read and kept.
func (g *poolGate) standing(from common.Address, to *common.Address, data []byte) standing {
	if g.al == nil {
		return askEach{g: g, from: from, to: to, data: data}
	}
	who := payerOf{from: from, create: to == nil, gov: to != nil && *to == governance.Address}
	if who.gov {
		copy(who.sel[:], data)
	}
	if st, ok := g.standings[who]; ok {
		return st
	}
	var st standing = g.al.Allowance(g.env, g.st, from, to, data)
	if len(g.standings) < maxStandings {
		g.standings[who] = st
	}
	return st
}

// Quota is governance's applyQuota on the gate's state.
func (g *poolGate) Quota() uint64 { return g.quota }

// admission is the pool's view of a payer key: record 0 is an account of no
// record.
func admission(key uint64) txpool.Admission {
	return txpool.Admission{Payer: key, NoRecord: key>>1 == 0}
}

// applyQuota reads governance's per-block quota of applications from
// accounts of no record.
func applyQuota(gov Governance, env governance.Env, st *state.StateDB) (uint64, error) {
	in, err := governance.ABI.Pack("parameter", "applyQuota")
	if err != nil {
		return 0, err
	}
	out, err := gov.View(env, st, in)
	if err != nil {
		return 0, err
	}
	v, err := governance.ABI.Unpack("parameter", out)
	if err != nil || len(v) != 1 {
		return 0, fmt.Errorf("decode applyQuota: %v", err)
	}
	q, ok := v[0].(*big.Int)
	if !ok || !q.IsUint64() {
		return 0, fmt.Errorf("applyQuota is %v", v[0])
	}
	return q.Uint64(), nil
}

// payerKey is one key per budget: a record's capital, or its governance
// allowance.
func payerKey(p governance.Payer) uint64 {
	k := p.Record << 1
	if p.Governance {
		k |= 1
	}
	return k
}
