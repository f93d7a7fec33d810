package txpool

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/internal/eventq"
)

// eventQueueLimit is how many accepted transactions may wait for slow
// subscribers before the oldest notices are dropped.
const eventQueueLimit = 16384

// Pool holds validated transactions per sender until they are included.
type Pool struct {
	cfg    Config
	chain  Chain
	signer types.Signer // one instance, so that the sender cached in a tx hits
	rules  params.Rules // the chain's fork rules, as execution applies them
	logger *slog.Logger

	mu       sync.RWMutex
	state    StateReader
	gate     Gate              // nil: no governance
	payerGas map[uint64]uint64 // gas of pooled transactions by payer
	all      map[common.Hash]*entry
	accounts map[common.Address]*account
	pending  int // executable transactions
	queued   int
	bytes    uint64 // encoded bytes of every pooled transaction
	seq      uint64
	height   uint64 // the head's, as of the last Reset

	lane      map[*entry]struct{} // pooled transactions of accounts of no record
	laneBytes uint64              // and their encoded bytes

	evicted  evictions
	observer Observer // nil: none

	// reapQ holds executable transactions not yet reaped, in the order they became
	// executable; entries that were reaped, removed or demoted since are skipped.
	reapQ    []*entry
	reapHead int

	// Accepted transactions are announced from a queue, so that Add never
	// waits for a subscriber.
	txFeed event.FeedOf[core.NewTxsEvent]
	scope  event.SubscriptionScope
	events *eventq.Queue[*types.Transaction]
}

// New returns an empty pool for chain. Until its first [Pool.Reset] it
// checks against an empty state (no nonces, no balances) and no block gas
// limit below Osaka's cap. Zero limits in cfg take their defaults.
// Evictions are logged to logger (nil: not logged).
func New(cfg Config, chain Chain, logger *slog.Logger) *Pool {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	config := chain.Config()
	p := &Pool{
		cfg:      cfg,
		chain:    chain,
		signer:   types.LatestSigner(config),
		rules:    config.Rules(common.Big0, true, 0),
		logger:   logger,
		state:    noState{},
		all:      make(map[common.Hash]*entry),
		accounts: make(map[common.Address]*account),
		payerGas: make(map[uint64]uint64),
		lane:     make(map[*entry]struct{}),
		evicted:  newEvictions(cfg.EvictedRecords),
	}
	p.events = eventq.New(eventQueueLimit, func(txs []*types.Transaction) {
		p.txFeed.Send(core.NewTxsEvent{Txs: txs})
	})
	return p
}

// SubscribeNewTxs delivers every transaction the pool accepts, executable or
// queued, once, in order of acceptance, possibly several in one event. Events
// are sent from a goroutine of the pool's, never from Add; if more than 16384
// wait for a subscriber that does not read, the oldest are dropped.
func (p *Pool) SubscribeNewTxs(ch chan<- core.NewTxsEvent) event.Subscription {
	return p.scope.Track(p.txFeed.Subscribe(ch))
}

// Close ends every subscription to new transactions. The pool itself stays
// usable.
func (p *Pool) Close() { p.scope.Close() }

// Add validates tx against the chain's rules, the latest state and the pool, and
// inserts it, as executable or queued. The error is one of the values in
// errors.go, possibly wrapped with context.
func (p *Pool) Add(tx *types.Transaction) error {
	return p.observeAdd(p.add(tx, nil))
}

// AddRaw decodes the canonical encoding of a transaction and adds it. The
// transaction is returned whenever it could be decoded, also with an error.
func (p *Pool) AddRaw(raw []byte) (*types.Transaction, error) {
	tx, err := p.addRaw(raw)
	return tx, p.observeAdd(err)
}

func (p *Pool) addRaw(raw []byte) (*types.Transaction, error) {
	// Refuse what is too big before paying for decoding it.
	if limit := p.chain.MaxTxSize(); len(raw) > limit {
		return nil, fmt.Errorf("%w: transaction size %v, limit %v", ErrOversizedData, len(raw), limit)
	}
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidEncoding, err)
	}
	return tx, p.add(tx, bytes.Clone(raw))
}

func (p *Pool) add(tx *types.Transaction, raw []byte) error {
	hash := tx.Hash()
	if p.Has(hash) {
		return ErrAlreadyKnown
	}
	from, value, err := p.validate(tx)
	if err != nil {
		return err
	}
	if raw == nil {
		if raw, err = tx.MarshalBinary(); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidEncoding, err)
		}
	}
	e := &entry{tx: tx, hash: hash, from: from, nonce: tx.Nonce(), gas: tx.Gas(), value: value, raw: raw}

	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.insert(e); err != nil {
		return err
	}
	if p.observer != nil {
		p.observer.Admitted(e.lane)
	}
	p.events.Send(tx) // under the lock, so announcements keep the order of acceptance
	return nil
}

// insert makes the checks that need the state and the pool, then inserts e.
func (p *Pool) insert(e *entry) error {
	if _, ok := p.all[e.hash]; ok {
		return ErrAlreadyKnown
	}
	acct, known := p.accounts[e.from]
	if !known {
		acct = newAccount(p.state, e.from)
	}
	if e.nonce < acct.nonce {
		return fmt.Errorf("%w: address %v, tx: %d state: %d", ErrNonceTooLow, e.from.Hex(), e.nonce, acct.nonce)
	}
	if e.value.Gt(&acct.balance) {
		over := new(uint256.Int).Sub(e.value, &acct.balance)
		return fmt.Errorf("%w: balance %v, tx cost %v, overshot %v", ErrInsufficientFunds, &acct.balance, e.value, over)
	}
	idx, exists := acct.find(e.nonce)
	var old *entry
	spent := new(uint256.Int).Set(&acct.spent)
	if exists {
		old = acct.txs[idx]
		spent.Sub(spent, old.value)
	}
	need, overflow := new(uint256.Int).AddOverflow(spent, e.value)
	if overflow || need.Gt(&acct.balance) {
		over := new(big.Int).Sub(new(big.Int).Add(spent.ToBig(), e.value.ToBig()), acct.balance.ToBig())
		return fmt.Errorf("%w: balance %v, queued cost %v, tx cost %v, overshot %v", ErrInsufficientFunds, &acct.balance, spent, e.value, over)
	}
	if old != nil {
		if !replaces(old.tx, e.tx, p.cfg.PriceBump) {
			return ErrReplaceUnderpriced
		}
		if err := p.admit(e, old); err != nil {
			return err
		}
		if err := p.makeRoom(acct, e, old); err != nil {
			return err
		}
		p.replace(acct, idx, e, need)
		return nil
	}
	if err := p.admit(e, nil); err != nil {
		return err
	}
	if err := p.checkLimits(acct, e); err != nil {
		return err
	}
	if err := p.makeRoom(acct, e, nil); err != nil {
		return err
	}
	p.seq++
	e.seq = p.seq
	e.born = p.height
	acct.txs = slices.Insert(acct.txs, idx, e)
	acct.spent = *need
	p.all[e.hash] = e
	p.bytes += uint64(len(e.raw))
	p.countPayer(e)
	p.queued++
	if !known {
		p.accounts[e.from] = acct
	}
	p.promote(acct)
	return nil
}

// replace puts e in the place of acct.txs[idx], which has the same nonce; spent
// is the account's new total of values.
func (p *Pool) replace(acct *account, idx int, e *entry, spent *uint256.Int) {
	old := acct.txs[idx]
	p.forget(old)
	p.seq++
	e.seq = p.seq
	e.born = old.born
	acct.txs[idx] = e
	acct.spent = *spent
	p.all[e.hash] = e
	p.bytes += uint64(len(e.raw))
	p.countPayer(e)
	p.queued++
	if old.pending {
		p.setPending(e) // a new hash: Reap hands it out even if old was reaped
	}
}

// checkLimits reports whether a transaction with a new nonce fits the sender's
// and the pool's limits; those of the lane for an account of no record.
func (p *Pool) checkLimits(acct *account, e *entry) error {
	if e.lane {
		return p.checkLane(acct, e)
	}
	if n := uint64(len(acct.txs)); n >= p.cfg.AccountSlots {
		return fmt.Errorf("%w: pooled %d txs", ErrAccountLimitExceeded, n)
	}
	next := acct.pendingNonce()
	if e.nonce == next {
		if uint64(p.pending-len(p.lane)) >= p.cfg.GlobalSlots {
			return fmt.Errorf("%w: %d executable transactions", ErrTxPoolOverflow, p.pending)
		}
		return nil // the lane makes room if need be
	}
	// e.nonce > next: a nonce below next is taken by an executable transaction.
	if ahead := e.nonce - next; ahead > p.cfg.AccountQueue {
		return fmt.Errorf("%w: nonce %d is %d past the pending nonce %d, limit %d", ErrAccountLimitExceeded, e.nonce, ahead, next, p.cfg.AccountQueue)
	}
	if q := uint64(len(acct.txs) - acct.executable); q >= p.cfg.AccountQueue {
		return fmt.Errorf("%w: %d queued txs", ErrAccountLimitExceeded, q)
	}
	if uint64(p.queued) >= p.cfg.GlobalQueue {
		return fmt.Errorf("%w: %d queued transactions", ErrTxPoolOverflow, p.queued)
	}
	return nil
}

// promote makes executable the queued transactions of acct that follow its
// executable ones without a gap.
func (p *Pool) promote(acct *account) {
	for acct.executable < len(acct.txs) && acct.txs[acct.executable].nonce == acct.pendingNonce() {
		p.setPending(acct.txs[acct.executable])
		acct.executable++
	}
}

func (p *Pool) setPending(e *entry) {
	if e.pending {
		return
	}
	e.pending = true
	p.pending++
	p.queued--
	p.enqueueReap(e)
}

func (p *Pool) setQueued(e *entry) {
	if !e.pending {
		return
	}
	e.pending = false
	p.pending--
	p.queued++
}

// forget takes e out of the pool's index and counts; the caller fixes its account.
func (p *Pool) forget(e *entry) {
	delete(p.all, e.hash)
	p.bytes -= uint64(len(e.raw))
	p.uncountPayer(e)
	e.removed = true
	if e.pending {
		p.pending--
	} else {
		p.queued--
	}
}

// Remove drops the transaction with the given hash, if pooled. The sender's
// executable transactions after it become queued. It is recorded as evicted
// with a generic reason; [Pool.Drop] gives one.
func (p *Pool) Remove(hash common.Hash) {
	p.Drop(hash, "removed from the pool")
}

// Drop removes the transaction with the given hash, if pooled, as Remove
// does, and records the reason for [Pool.Evicted].
func (p *Pool) Drop(hash common.Hash, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.all[hash]; ok {
		p.evict(e, reason)
	}
}

// remove takes e out of the pool; the sender's executable transactions after
// it become queued.
func (p *Pool) remove(e *entry) {
	acct := p.accounts[e.from]
	idx, _ := acct.find(e.nonce)
	p.forget(e)
	acct.spent.Sub(&acct.spent, e.value)
	acct.txs = slices.Delete(acct.txs, idx, idx+1)
	if idx < acct.executable {
		for _, later := range acct.txs[idx : acct.executable-1] {
			p.setQueued(later)
		}
		acct.executable = idx
	}
	if len(acct.txs) == 0 {
		delete(p.accounts, e.from)
	}
}

// Nonce returns the sender's pending nonce: its state nonce plus its executable
// transactions.
func (p *Pool) Nonce(addr common.Address) uint64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if acct, ok := p.accounts[addr]; ok {
		return acct.pendingNonce()
	}
	return p.state.Nonce(addr)
}

// Get returns the pooled transaction with the given hash, or nil.
func (p *Pool) Get(hash common.Hash) *types.Transaction {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if e, ok := p.all[hash]; ok {
		return e.tx
	}
	return nil
}

// Has reports whether a transaction with the given hash is pooled.
func (p *Pool) Has(hash common.Hash) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, ok := p.all[hash]
	return ok
}

// Sender returns the sender of tx: from the pool when it holds tx, else from
// the signature, with the pool's signer so that the result is cached in tx.
func (p *Pool) Sender(tx *types.Transaction) (common.Address, error) {
	p.mu.RLock()
	e, ok := p.all[tx.Hash()]
	p.mu.RUnlock()
	if ok {
		return e.from, nil
	}
	from, err := types.Sender(p.signer, tx)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrInvalidSender, err)
	}
	return from, nil
}

// Stats returns the number of executable and of queued transactions.
func (p *Pool) Stats() (pending, queued int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.pending, p.queued
}

// Content returns every pooled transaction by sender, each list in nonce order.
func (p *Pool) Content() (pending, queued map[common.Address][]*types.Transaction) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	pending = make(map[common.Address][]*types.Transaction)
	queued = make(map[common.Address][]*types.Transaction)
	for addr, acct := range p.accounts {
		if acct.executable > 0 {
			pending[addr] = txsOf(acct.txs[:acct.executable])
		}
		if acct.executable < len(acct.txs) {
			queued[addr] = txsOf(acct.txs[acct.executable:])
		}
	}
	return pending, queued
}

func txsOf(es []*entry) []*types.Transaction {
	txs := make([]*types.Transaction, len(es))
	for i, e := range es {
		txs[i] = e.tx
	}
	return txs
}

// noState is the state of a pool not reset yet.
type noState struct{}

func (noState) Nonce(common.Address) uint64         { return 0 }
func (noState) Balance(common.Address) *uint256.Int { return new(uint256.Int) }
func (noState) GasLimit() uint64                    { return params.MaxTxGas }
