package app

import (
	"errors"
	"fmt"
	"slices"

	"github.com/redmx/redmx/internal/version"
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
