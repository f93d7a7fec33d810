// Package txpool is the node's Ethereum-style transaction pool: it owns the
// transactions that wait to be proposed, per sender, as executable (pending,
// contiguous from the state nonce) or queued (future nonces), with geth's
// validation, error values and replacement rule.
//
// Fees are zero on this chain, so nothing is ordered or evicted by price:
// [Pool.Pending] interleaves senders by arrival, and a full pool refuses new
// transactions. It reads state only through the small [StateReader] it is given
// and imports nothing of CometBFT or of the app.
//
// Concurrency: every method is safe for concurrent use. [Pool.Add] recovers the
// signature outside the pool's lock. [Pool.Reset] must be called synchronously
// after each commit, before the next proposal, with the new committed state; it
// holds the lock for its whole run, so no caller sees a half-updated pool.
// Accepted transactions are announced ([Pool.SubscribeNewTxs]) from a queue,
// so Add never waits for a subscriber.
package txpool
