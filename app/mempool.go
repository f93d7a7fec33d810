package app

import (
	"context"
	"errors"
	"log/slog"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/txpool"
)

// CheckTx serves CometBFT's broadcast_tx RPC: the transaction is validated and,
// if valid, added to the pool, as eth_sendRawTransaction does.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	if _, err := a.pool.AddRaw(req.Tx); err != nil {
		return &abci.ResponseCheckTx{Code: refusalCode(err), Log: err.Error()}, nil
	}
	return &abci.ResponseCheckTx{Code: CodeOK}, nil
}

// InsertTx adds a transaction gossiped by a peer to the pool.
func (a *App) InsertTx(_ context.Context, req *abci.RequestInsertTx) (*abci.ResponseInsertTx, error) {
	if _, err := a.pool.AddRaw(req.Tx); err != nil {
		if errors.Is(err, txpool.ErrAlreadyKnown) {
			return &abci.ResponseInsertTx{Code: CodeOK}, nil
		}
		a.logger.Debug("peer transaction refused", "err", err)
		return &abci.ResponseInsertTx{Code: refusalCode(err)}, nil
	}
	return &abci.ResponseInsertTx{Code: CodeOK}, nil
}

// refusalCode is CodeRetry for a refusal the pool may lift later, so that
// CometBFT takes the transaction again when a peer offers it again, and
// CodeInvalid for a final one.
func refusalCode(err error) uint32 {
	if txpool.Temporary(err) {
		return CodeRetry
	}
	return CodeInvalid
}

// ReapTxs hands transactions to gossip: each once, and again while it stays
// unmined (see txpool.Config.Reannounce).
func (a *App) ReapTxs(_ context.Context, req *abci.RequestReapTxs) (*abci.ResponseReapTxs, error) {
	return &abci.ResponseReapTxs{Txs: a.pool.Reap(req.MaxBytes)}, nil
}

// resetPool brings the pool up to the head: its gate first, which Reset asks
// again about every pooled transaction.
func (a *App) resetPool() {
	a.pool.SetGate(a.headGate())
	a.pool.Reset(a.headReader())
}

// headReader is a concurrent-safe reader of the head's state for the pool.
func (a *App) headReader() txpool.StateReader {
	// A governance change of the gas limit counts from the block after the change.
	gasLimit := a.gasLimit.Load()
	r, h, err := a.headStateReader()
	switch {
	case err != nil:
		a.logger.Error("open head state for the pool", "height", h.Number, "err", err)
		return emptyState{gasLimit}
	case h == nil:
		return emptyState{gasLimit}
	}
	return stateReader{r: r, height: h.Number.Uint64(), gasLimit: gasLimit, live: a.headStateReader, logger: a.logger}
}

// headStateReader opens a reader of the newest head's state, after any
// commit in progress, and returns the head; no head before genesis.
func (a *App) headStateReader() (state.Reader, *types.Header, error) {
	a.headMu.RLock()
	defer a.headMu.RUnlock()
	h := a.chain.Head()
	if h == nil {
		return nil, nil, nil
	}
	r, err := a.db.State().Reader(h.Root)
	return r, h, err
}

// stateReader adapts a state reader to the pool.
type stateReader struct {
	r        state.Reader
	height   uint64
	gasLimit uint64                                      // the next block's
	live     func() (state.Reader, *types.Header, error) // the newest head's
	logger   *slog.Logger
}

// Height is the block number of the state, for the pool's ages.
func (s stateReader) Height() uint64 { return s.height }

// account reads addr's account, nil if it has none. The pool asks r until
// its next Reset, but a commit may flatten r's state off the live layers
// first, after which r can no longer be read: the account is then read at
// the new head, which the Reset about to come brings the pool to anyway.
func (s stateReader) account(addr common.Address) *types.StateAccount {
	acc, err := s.r.Account(addr)
	if err != nil && s.live != nil {
		if r, h, lerr := s.live(); lerr != nil {
			err = errors.Join(err, lerr)
		} else if h != nil {
			acc, err = r.Account(addr)
		}
	}
	if err != nil {
		// Not an answer about the account: until the next Reset the pool
		// counts it as empty, and says why in the log.
		s.logger.Error("read an account for the pool", "height", s.height, "account", addr, "err", err)
		return nil
	}
	return acc
}

func (s stateReader) Nonce(addr common.Address) uint64 {
	if acc := s.account(addr); acc != nil {
		return acc.Nonce
	}
	return 0
}

func (s stateReader) Balance(addr common.Address) *uint256.Int {
	if acc := s.account(addr); acc != nil {
		return acc.Balance
	}
	return new(uint256.Int)
}

func (s stateReader) GasLimit() uint64 { return s.gasLimit }

// emptyState is the pool's state before genesis.
type emptyState struct{ gasLimit uint64 }

func (emptyState) Nonce(common.Address) uint64         { return 0 }
func (emptyState) Balance(common.Address) *uint256.Int { return new(uint256.Int) }
func (s emptyState) GasLimit() uint64                  { return s.gasLimit }
