// Package txpool is the node's Ethereum-style transaction pool: it owns the
// transactions that wait to be proposed, per sender, as executable (pending,
// contiguous from the state nonce) or queued (future nonces), with geth's
// error values and replacement rule.
//
// What a transaction must be to enter a block is the chain's to say: the pool
// admits only what its [Chain]'s CheckTx passes (execution's, in a node), then
// checks what is its own: the head's block gas limit, intrinsic gas at the
// head's rules, its limits and the gate.
//
// Fees are zero on this chain, so nothing is ordered or evicted by price:
// [Pool.Pending] interleaves senders by arrival, and a full pool refuses new
// transactions. It reads state only through the small [StateReader] it is given
// and imports nothing of CometBFT, the app or execution.
//
// # Accounts of no record
//
// Governance lets an account of no record only apply, a few per block (its
// applyQuota); such an account pays nothing, so its traffic gets a small lane
// of its own, told apart by the [Gate]: one pooled transaction per account,
// at its next nonce; at most Config.LaneBlocks blocks' worth of the quota and
// Config.LaneBytes encoded bytes in all; at most Config.LaneMaxData bytes of
// calldata and Config.LaneMaxGas gas each; evicted after
// Config.LaneLifetime blocks. A member's transaction that finds the pool
// full (in slots or Config.GlobalBytes) evicts the lane's oldest; the lane
// never evicts a member's. [Pool.Pending] takes members' transactions first
// and then at most the quota of the lane's, so the lane never delays a
// member.
//
// # Nothing waits for ever
//
// A refusal that a later state or a later moment may lift is [Temporary]:
// the app answers it with CometBFT's retryable code, so a peer's next offer
// of the transaction reaches the pool again. [Pool.Reset] offers executable
// transactions still unmined Config.Reannounce blocks after gossip took them
// to [Pool.Reap] again (at most Config.ReannounceBytes per block), and
// evicts any transaction older than Config.Lifetime blocks. Every eviction
// (age, the lane making room, a transaction that no longer passes on a new
// head, one a proposer found invalid) is logged and remembered, the most
// recent Config.EvictedRecords of them, for [Pool.Evicted]: the JSON-RPC
// method txpool_evicted answers with the reason and the head's number, while
// eth_getTransactionByHash keeps go-ethereum's null for a transaction the
// node does not hold, which every client reads as "unknown".
//
// Concurrency: every method is safe for concurrent use. [Pool.Add] recovers the
// signature outside the pool's lock. [Pool.Reset] must be called synchronously
// after each commit, before the next proposal, with the new committed state; it
// holds the lock for its whole run, so no caller sees a half-updated pool.
// Accepted transactions are announced ([Pool.SubscribeNewTxs]) from a queue,
// so Add never waits for a subscriber.
package txpool
