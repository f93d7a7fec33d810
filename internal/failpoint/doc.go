// Package failpoint kills the process at a named step of the commit path, so
// that crash tests can stop a node at every instant that matters and check
// that it restarts.
//
// A point is armed by the environment variable REDMX_FAILPOINT, read once
// when the process starts: "name" arms the point at its first hit,
// "name@H" at its first hit at height H or above. The process then writes
// one line to standard error ("failpoint NAME reached at height N") and sends
// itself SIGKILL: no deferred call runs and nothing is flushed or closed, as
// in a crash. With the variable unset, [Hit] costs one string comparison.
//
// The points, in the order a height passes them:
//
//	finalize-block    FinalizeBlock has executed the block and is about to return
//	commit-begin      Commit is called; nothing of the height is written
//	state-committed   the height's state is handed to the trie database (memory)
//	index-written     the chain index and head marker batch is written, not synced
//	head-synced       the batch is synced: the height is durable
//	state-flattened   the periodic flush of every state layer to disk is done
//	                  (only at heights the flush runs; the point waits for the
//	                  background write to land before the kill)
//	commit-end        Commit is about to return
//
// and, once, while InitChain writes the genesis (height 0):
//
//	genesis-state     the genesis state is handed to the trie database
//	genesis-flattened the genesis state is flushed to disk
//	genesis-indexed   block 0 is written and synced
//
// The deterministic packages (execution, governance) never use it.
package failpoint
