package app

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/version"
	"github.com/redmx/redmx/txpool"
)

// ErrUnknownUpgrade stops the chain at the height of a scheduled upgrade this
// binary does not implement.
var ErrUnknownUpgrade = errors.New("unknown upgrade")

// checkUpgrades refuses to finalize height when governance scheduled there an
// upgrade this binary does not know: CometBFT then stops at it, and the
// operator installs a release that has it.
func (a *App) checkUpgrades(height int64) error {
	h := a.chain.Head()
	if h == nil {
		return nil
	}
	st, err := a.db.StateAt(h.Root)
	if err != nil {
		return err
	}
	for _, u := range a.gov.Upgrades(st) {
		if u.Height == uint64(height) && !slices.Contains(a.known, u.Name) {
			return fmt.Errorf("%w: upgrade %q is scheduled at height %d and this redmx (version %s) does not know it: install a release that includes it",
				ErrUnknownUpgrade, u.Name, u.Height, version.Version)
		}
	}
	return nil
}

// UpgradeNeeded returns the error FinalizeBlock would stop with at the
// height after the head (an upgrade this binary does not know), or nil. A
// node checks it before it starts consensus, so that a restart stops where
// the last run stopped without replaying anything.
func (a *App) UpgradeNeeded() error {
	h := a.chain.Head()
	if h == nil {
		return nil
	}
	err := a.checkUpgrades(h.Number.Int64() + 1)
	if errors.Is(err, ErrUnknownUpgrade) {
		a.halt.set(err)
	}
	return err
}

// Halted is closed once the app has refused, for good, to finalize a block:
// the chain reached an upgrade this binary does not know. [App.HaltErr]
// says why. The node stops on it; CometBFT by itself would only stop its
// consensus and keep the process running.
func (a *App) Halted() <-chan struct{} { return a.halt.done }

// HaltErr is the reason of [App.Halted], wrapping [ErrUnknownUpgrade], or
// nil while the app has not halted.
func (a *App) HaltErr() error {
	select {
	case <-a.halt.done:
		return a.halt.err
	default:
		return nil
	}
}

// halt records the first refusal that stops the app.
type halt struct {
	once sync.Once
	done chan struct{}
	err  error // written before done is closed
}

func (h *halt) set(err error) {
	h.once.Do(func() {
		h.err = err
		close(h.done)
	})
}

// consensusEffects turns governance's effects of a block into CometBFT's
// validator and consensus-parameter updates.
func (a *App) consensusEffects(fx governance.BlockEffects, resp *abci.ResponseFinalizeBlock) error {
	for _, v := range fx.Validators {
		if v.KeyType != "ed25519" || len(v.PubKey) != 32 {
			// Governance refuses such keys; sending one would halt every node.
			return fmt.Errorf("governance produced a validator update with a %q key of %d bytes", v.KeyType, len(v.PubKey))
		}
		resp.ValidatorUpdates = append(resp.ValidatorUpdates, abci.Ed25519ValidatorUpdate(v.PubKey, v.Power))
	}
	if fx.GasLimit != 0 {
		maxBytes := a.maxBytes.Load()
		if maxBytes == 0 {
			maxBytes = 8 << 20
		}
		resp.ConsensusParamUpdates = &cmtproto.ConsensusParams{
			Block: &cmtproto.BlockParams{MaxBytes: maxBytes, MaxGas: int64(fx.GasLimit)},
		}
	}
	return nil
}

// peerFilter answers CometBFT's peer filter queries: any address, and a node
// ID that governance admits in the latest committed state (the genesis state
// before block 1), or that this node's operator configured, or any ID when
// the chain has no governance.
func (a *App) peerFilter(path string) *abci.ResponseQuery {
	ok := &abci.ResponseQuery{Code: CodeOK}
	if strings.HasPrefix(path, "/p2p/filter/addr/") {
		return ok
	}
	id, found := strings.CutPrefix(path, "/p2p/filter/id/")
	if !found {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: fmt.Sprintf("unknown query path %q", path)}
	}
	id = strings.ToLower(id)
	if a.peers[id] {
		return ok
	}
	allowed, err := a.AllowedPeer(id)
	if err != nil {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: err.Error()}
	}
	if !allowed {
		return &abci.ResponseQuery{Code: CodeInvalid, Log: fmt.Sprintf("node %s is not admitted by governance", id)}
	}
	return ok
}

// AllowedPeer reports whether governance lets the node with this p2p ID
// connect, in the latest committed state; every node when the chain has no
// governance. Safe for concurrent use.
func (a *App) AllowedPeer(id string) (bool, error) {
	a.filterMu.Lock()
	root := a.filterRoot
	a.filterMu.Unlock()
	if root == (common.Hash{}) {
		return false, errors.New("no genesis yet")
	}
	st, err := a.db.StateAt(root)
	if err != nil {
		return false, err
	}
	if !a.exec.Governed(st) {
		return true, nil
	}
	return a.gov.AllowedPeer(st, strings.ToLower(id)), nil
}

// ConfiguredPeer reports whether the operator configured this peer ID.
func (a *App) ConfiguredPeer(id string) bool { return a.peers[strings.ToLower(id)] }

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
	return &poolGate{gov: a.gov, st: st, env: env, quota: quota, payers: make(map[payerOf]uint64)}
}

// poolGate asks governance about a transaction on one head state. The pool
// calls it under its lock, one call at a time, as the state requires.
type poolGate struct {
	gov   Governance
	st    *state.StateDB
	env   governance.Env
	quota uint64 // applyQuota

	// payers remembers who pays for a sender's calls on this gate's state,
	// where it cannot change: one governance question per transaction
	// instead of two. The pool calls the gate under its lock.
	payers map[payerOf]uint64
}

// payerOf is what decides a transaction's payer: its sender, and whether it
// calls governance (paid from the record's governance allowance).
type payerOf struct {
	from common.Address
	gov  bool
}

// Admit asks governance with the gas the payer's record already has in the
// pool. The first time a sender is seen it asks once more to learn the payer.
func (g *poolGate) Admit(from common.Address, to *common.Address, data []byte, gas uint64, pending func(payer uint64) uint64) (txpool.Admission, error) {
	who := payerOf{from, to != nil && *to == governance.Address}
	if key, ok := g.payers[who]; ok {
		if _, err := g.gov.Admit(g.env, g.st, from, to, data, gas, pending(key)); err != nil {
			return txpool.Admission{}, err
		}
		return admission(key), nil
	}
	p, err := g.gov.Admit(g.env, g.st, from, to, data, gas, 0)
	if err != nil {
		return txpool.Admission{}, err
	}
	key := payerKey(p)
	if pend := pending(key); pend > 0 {
		if _, err := g.gov.Admit(g.env, g.st, from, to, data, gas, pend); err != nil {
			return txpool.Admission{}, err
		}
	}
	if to != nil { // a creation's payer is learnt from a call's
		g.payers[who] = key
	}
	return admission(key), nil
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
