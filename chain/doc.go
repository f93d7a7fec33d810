// Package chain is the Ethereum-shaped chain index over go-ethereum's rawdb:
// blocks, receipts and transaction lookups, stored and read back the way geth
// stores and reads them, so every height is one Ethereum block.
//
// Writes go into the batch of the height (see store.DB.CommitHeight) and are
// idempotent: replaying a height rewrites the same keys with the same values.
// Reads are safe for concurrent use with writes.
package chain
