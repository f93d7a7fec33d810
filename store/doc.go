// Package store opens the node's one pebble database and the state database over
// it, and owns the order in which a height becomes durable.
//
// The trie scheme is hashdb, chosen for three properties the node needs:
//   - every height's state is on disk when Commit returns (hashdb writes what it
//     commits; pathdb keeps up to 128 diff layers in memory and would have to be
//     flushed, replacing its disk layer, at every height);
//   - RPC readers keep reading a root while the next height commits: hashdb nodes
//     are content-addressed and never go stale, whereas a flushed pathdb disk
//     layer fails its readers with "layer stale";
//   - a kill -9 at any instant leaves only complete roots reachable, so there is
//     nothing to roll back on restart.
//
// Its cost is that state is never pruned on disk: every node keeps every height
// (archive by nature), and retention is a policy on what RPC serves.
//
// Write order per height (see [DB.CommitHeight]): trie nodes and code, then one
// batch with the chain index and the head marker, then one sync. A crash before
// the sync loses at most the newest height, which CometBFT replays.
package store
