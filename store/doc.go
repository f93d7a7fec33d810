// Package store opens the node's one pebble database and the state database over
// it, and owns the order in which a height becomes durable.
//
// The trie scheme is go-ethereum's pathdb, for three properties:
//   - pruning: trie nodes are stored by path, so the disk holds one state plus
//     a state history (reverse diffs, in a freezer under ancient/) of the last
//     [Options.StateHistory] blocks; older history is cut from the tail, and
//     [Options.Archive] keeps all;
//   - past state: with the history indexed, any height in the window is read
//     through [DB.HistoricStateAt]; trie node history, kept with
//     [Options.ProofHistory] or on an archive, makes proofs (eth_getProof)
//     work there too;
//   - speed: reads of the newest state go to a flat account and storage
//     snapshot, not down the trie.
//
// Only the state freezer is opened, never geth's chain freezer, which would
// move old blocks out of the chain index.
//
// Durability. The state of the [LiveStates] newest heights lives in memory as diff
// layers; older layers are merged into a write buffer that is written when
// full ([Options.WriteBufferMB]) and, at the latest, every
// [Options.PersistEvery] heights or once the layers exceed
// [Options.StateLayersMB], when all layers are flattened to disk. A flatten
// merges the layers into the write buffer, which is as large as the layers'
// bound, and writes it once, in the background (go-ethereum's own Commit
// wrote it once per layer, each write waiting for the one before and the
// histories it covered: seconds at every flatten; third_party/README.md). Per
// height, the chain index and the head marker go in one batch followed by one
// sync ([DB.CommitHeight]), and only then may a flatten move the state on
// disk to that height: the state on disk is never newer than the marker. So a
// kill -9 loses the newest states but never the index: on restart the app
// walks back from the head marker to the newest height whose state is live
// ([DB.HasState]), moves the marker there ([DB.Rewind]) and reports that
// height in Info; CometBFT replays the rest from its block store, and the
// index is rewritten with the same blocks. (A flatten does not keep older
// heights live, so a state on disk above the marker would leave nothing to
// walk back to; [DB.RollBack] repairs a store left so by older versions.) A
// clean [DB.Close] journals the layers, so a normal restart replays nothing.
//
// Package failpoint can kill the process at each step of this order, for the
// crash tests.
//
// A state read from a layer that is merged or flattened meanwhile fails (the
// StateDB's Error reports it) rather than return a wrong value.
package store
