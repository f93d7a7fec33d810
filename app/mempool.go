package app

import (
	"context"
	"errors"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
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
	h := a.chain.Head()
	if h == nil {
		return emptyState{gasLimit}
	}
	r, err := a.db.State().Reader(h.Root)
	if err != nil {
		a.logger.Error("open head state for the pool", "height", h.Number, "err", err)
		return emptyState{gasLimit}
	}
	return stateReader{r, h.Number.Uint64(), gasLimit}
}

// stateReader adapts a state reader to the pool.
type stateReader struct {
	r        state.Reader
	height   uint64
	gasLimit uint64 // the next block's
}

// Height is the block number of the state, for the pool's ages.
func (s stateReader) Height() uint64 { return s.height }

func (s stateReader) Nonce(addr common.Address) uint64 {
	acc, err := s.r.Account(addr)
	if err != nil || acc == nil {
		return 0
	}
	return acc.Nonce
}

func (s stateReader) Balance(addr common.Address) *uint256.Int {
	acc, err := s.r.Account(addr)
	if err != nil || acc == nil {
		return new(uint256.Int)
	}
	return acc.Balance
}

func (s stateReader) GasLimit() uint64 { return s.gasLimit }

// emptyState is the pool's state before genesis.
type emptyState struct{ gasLimit uint64 }

func (emptyState) Nonce(common.Address) uint64         { return 0 }
func (emptyState) Balance(common.Address) *uint256.Int { return new(uint256.Int) }
func (s emptyState) GasLimit() uint64                  { return s.gasLimit }
