package app

import (
	"time"

	"github.com/ethereum/go-ethereum/core/types"
)

// Observer is told of every committed block, for the node's metrics: how
// long it took to execute and to commit. It runs in Commit, so it must be
// quick; it has no say in consensus. The receipts are shared with the
// event feed, which derives their other fields meanwhile: it may read only
// their consensus fields (Status, CumulativeGasUsed, Bloom, Logs).
type Observer interface {
	BlockCommitted(block *types.Block, receipts types.Receipts, exec, commit time.Duration)
}
