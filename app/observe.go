package app

import (
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// Observer is told of every committed block, for the node's metrics: how
// long it took to execute and to commit. It runs in Commit, so it must be
// quick; it has no say in consensus.
type Observer interface {
	BlockCommitted(block *types.Block, receipts types.Receipts, exec, commit time.Duration)
}
