package execution

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/redmx/redmx/governance"
)

// createWatch sees every contract creation of a transaction through the
// state's nonce hooks (the creator's nonce rises, then the new contract's is
// set to 1, inside the creation's snapshot), without a tracer on the EVM,
// which would cost the interpreter its fast loop, and puts it to
// governance's creation rule ([governance.Contract.Create]). A creation the
// rule refuses marks the transaction as violating.
type createWatch struct {
	gov      Governance
	st       vm.StateDB // the unhooked state
	active   bool
	sender   common.Address
	creator  common.Address
	pending  bool
	violated bool
	offender common.Address // the first creator that may not create
}

// hooks returns user's hooks (nil: none) with the watch composed in.
func (w *createWatch) hooks(user *tracing.Hooks) *tracing.Hooks {
	h := &tracing.Hooks{}
	if user != nil {
		c := *user
		h = &c
	}
	prevV2, prevV1 := h.OnNonceChangeV2, h.OnNonceChange
	h.OnNonceChangeV2 = func(addr common.Address, prev, new uint64, reason tracing.NonceChangeReason) {
		w.onNonce(addr, prev, new, reason)
		if prevV2 != nil {
			prevV2(addr, prev, new, reason)
		} else if prevV1 != nil {
			prevV1(addr, prev, new)
		}
	}
	return h
}

func (w *createWatch) onNonce(addr common.Address, _, _ uint64, reason tracing.NonceChangeReason) {
	if !w.active {
		return
	}
	switch reason {
	case tracing.NonceChangeContractCreator:
		w.creator, w.pending = addr, true
	case tracing.NonceChangeNewContract:
		if !w.pending {
			return
		}
		w.pending = false
		if !w.gov.Create(w.st, w.sender, w.creator, addr) {
			if !w.violated {
				w.offender = w.creator
			}
			w.violated = true
		}
	}
}

// start begins watching a transaction of sender.
func (w *createWatch) start(sender common.Address) {
	w.active, w.pending, w.violated = true, false, false
	w.sender = sender
}

// stop ends watching and reports whether the transaction created what it may not.
func (w *createWatch) stop() bool {
	w.active = false
	return w.violated
}

// err is the failure of a transaction that created what it may not.
func (w *createWatch) err() error {
	if !w.violated || w.offender == w.sender {
		return fmt.Errorf("%w: sender %s", governance.ErrCreateNotAllowed, w.sender.Hex())
	}
	return fmt.Errorf("%w: sender %s, creating contract %s", governance.ErrCreateNotAllowed, w.sender.Hex(), w.offender.Hex())
}

// forbiddenCreation runs msg once on a copy of st as a block would, and
// returns the creation rule's error if it creates a contract it may not.
func (e *Executor) forbiddenCreation(ctx context.Context, msg *core.Message, header *types.Header, st *state.StateDB) error {
	cp := st.Copy()
	w := &createWatch{gov: e.gov, st: cp}
	evm := e.newEVM(e.BlockContext(header), state.NewHookedState(cp, w.hooks(nil)), vm.Config{NoBaseFee: true})
	defer evm.Release()
	defer context.AfterFunc(ctx, evm.Cancel)()
	w.start(msg.From)
	m := *msg
	_, err := e.ApplyMessage(evm, &m, core.NewGasPool(m.GasLimit))
	if w.stop() && err == nil {
		return w.err()
	}
	return nil
}
