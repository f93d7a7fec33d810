package app

import (
	"github.com/redmx/redmx/store"
)

// blockHashWindow is how far back the BLOCKHASH opcode reads: a block
// executed again after a crash needs the hashes of the 256 before it.
const blockHashWindow = 256

// pruneStep bounds what one Commit deletes, so that a node that starts
// pruning with a long history (or after block_history was lowered) catches
// up over many blocks rather than stalling one: more blocks per commit than
// the one each commit adds.
var pruneStep = store.Prune{Blocks: 16, Txs: 20_000, Scan: 4096}

// retainTarget is the lowest height to keep after committing head: the
// newest blocks (blockHistory, at least the state history, the BLOCKHASH
// window and the evidence window), and every block a restart after a crash
// replays — those above the state last flushed to disk, and the 256 before
// them. 0 keeps everything.
func (a *App) retainTarget(head uint64) uint64 {
	if a.blockHistory == 0 {
		return 0
	}
	keep := max(a.blockHistory, a.db.StateHistory(), blockHashWindow+1, a.evidenceBlocks+1)
	durable := a.db.DurableHeight()
	if head < keep || durable <= blockHashWindow {
		return 0
	}
	return min(head-keep+1, durable-blockHashWindow)
}

// prune deletes a bounded step of the blocks below the retain target from
// the chain index and returns the retain height for CometBFT: the new tail,
// so that CometBFT's block store and state store are pruned in the same
// steps. A failure is logged, not returned: the block is committed, and the
// next commit tries again.
func (a *App) prune(head uint64) int64 {
	target := a.retainTarget(head)
	if target <= 1 {
		return 0
	}
	tail, err := a.db.PruneBlocks(target, pruneStep)
	if err != nil {
		a.logger.Error("pruning old blocks failed; retrying at the next block", "below", target, "err", err)
		return 0
	}
	if tail <= 1 {
		return 0
	}
	if a.pruned == 0 || tail/pruneLogEvery != a.pruned/pruneLogEvery {
		a.logger.Info("pruned old blocks", "kept_from", tail, "head", head, "target", target)
	}
	a.pruned = tail
	return int64(tail)
}

// pruneLogEvery: the tail is logged when pruning starts and then every this
// many blocks.
const pruneLogEvery = 100_000
