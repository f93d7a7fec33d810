// Package execution executes Ethereum blocks and messages with go-ethereum's EVM
// under redmx's rules: Osaka, zero fees (every message runs at gas price zero,
// whatever it declared), one block per height with a full post-merge header, and
// blob and set-code transactions refused.
//
// Every message — block transactions, eth_call, gas estimation, traces — runs
// through [Executor.ApplyMessage], the one execution entry point. A committed
// block is re-executed for tracing by [Executor.Replay], which shares block
// execution's code (system calls, then each transaction's message, context,
// gas pool and finalisation), so a trace agrees with the block. The package knows
// nothing of CometBFT: it turns (parent header, state, transactions) into a
// block, receipts and a post-state, and never reads the clock or node-local
// settings.
//
// [Executor.CheckTx] is the one stateless definition of what a transaction
// must be to enter a block; the pool admits by it too.
package execution
