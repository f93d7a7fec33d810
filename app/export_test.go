package app

// This file opens the app's internals to its external tests (package app_test).

import (
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/txpool"
)

// SetSnapshotChunkSize sets the size state chunks are cut at, for tests that
// need many chunks from a small state, and returns the undo.
func SetSnapshotChunkSize(n int) (undo func()) {
	old := snapshotChunkSize
	snapshotChunkSize = n
	return func() { snapshotChunkSize = old }
}

// HeadGate is the pool's gate on the head state, as Commit sets it.
func (a *App) HeadGate() txpool.Gate { return a.headGate() }

// GateStandings is how many standings gate g keeps, and the most it keeps.
func GateStandings(g txpool.Gate) (kept, most int) {
	return len(g.(*poolGate).standings), maxStandings
}

// PayerKey is the pool's key for payer p, as the gate names it.
func PayerKey(p governance.Payer) uint64 { return payerKey(p) }

// HeadReader is the pool's reader of the head state, as Commit hands it to
// the pool's Reset.
func (a *App) HeadReader() txpool.StateReader { return a.headReader() }
