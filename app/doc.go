// Package app is the ABCI application: it translates CometBFT's calls into
// execution of Ethereum blocks and keeps the pool, the chain index and the
// durable head in step.
//
// Call order and what happens where, per height H:
//   - PrepareProposal (proposer): takes each sender's pool transactions in nonce
//     order, executes them as block H and proposes only those that executed;
//     invalid ones are left out.
//   - ProcessProposal (every validator): executes the proposal and rejects it
//     if any transaction is invalid; the result is kept by block hash.
//   - FinalizeBlock: reuses that result, or executes the block (block sync and
//     replay never call ProcessProposal), skipping invalid transactions with a
//     result code ≠ 0. The app hash is the Ethereum block hash.
//   - Commit: hands the state to the trie database (the newest states stay in
//     memory, see package store), then writes the chain index with the head
//     marker in one batch and syncs; only then is H the head. The pool then
//     evicts what was included and re-checks the rest, before the next
//     proposal. The block and its logs are then announced to subscribers
//     (SubscribeChainEvent, SubscribeLogsEvent) from a queue of the app's,
//     never from Commit.
//
// After a crash, New moves the head back to the newest height whose state is
// on disk, so Info reports it and CometBFT replays the blocks above it.
//
// Concurrency: CometBFT serialises the consensus, query and CheckTx calls, but
// the app-side mempool's InsertTx and ReapTxs, and RPC reads, run on their own
// goroutines. The pool does its own locking; the head is published atomically
// after it is durable; states handed to readers are private copies.
package app
