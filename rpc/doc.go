// Package rpc serves the node's Ethereum JSON-RPC: the eth, net, web3 and
// debug namespaces, over HTTP and WebSocket on one port, on go-ethereum's own
// rpc server.
//
// The package sees the node only through [Backend], which it declares. It holds
// no chain data and executes nothing itself: reads go to the Backend's lookups,
// eth_call and eth_estimateGas go to Backend.Call and Backend.EstimateGas on a
// state the Backend hands out.
//
// # Wire compatibility
//
// Every method answers with the JSON shapes of go-ethereum v1.17's
// internal/ethapi (RPCMarshalHeader, RPCMarshalBlock, RPCTransaction,
// MarshalReceipt), so that ethers, viem, web3.py, Foundry and ethclient decode
// the answers unchanged. The served block "hash" is header.Hash(), which a
// client can recompute as keccak256(rlp(header)).
//
// Fees are zero on this chain: eth_gasPrice and eth_maxPriorityFeePerGas are
// 0x0, eth_feeHistory reports zero base fees and rewards, and every receipt's
// effectiveGasPrice is 0x0. A mined transaction still reports the price it
// was signed with, as go-ethereum does: gasPrice for legacy and access-list
// transactions, min(tip + baseFee, feeCap) for dynamic-fee ones.
//
// Block tags: latest, pending, safe and finalized all mean the head (CometBFT
// finality is immediate); earliest is block 0. "pending" for
// eth_getTransactionCount asks the pool (Backend.PendingNonce).
//
// # Errors
//
// Error codes follow go-ethereum: a revert from eth_call or eth_estimateGas is
// code 3 with message "execution reverted[: reason]" and the revert bytes as
// hex data; invalid parameters are -32602; everything else, including the
// pool's refusals passed through verbatim by eth_sendRawTransaction, is
// -32000. A query on a state the node no longer keeps names the block and
// wraps [ErrStateUnavailable].
//
// # Overrides
//
// eth_call and eth_estimateGas accept go-ethereum's state overrides (balance,
// nonce, code, state, stateDiff) and block overrides (number, time, gasLimit,
// feeRecipient, prevRandao, baseFeePerGas; applied to a copy of the header
// that the Backend executes against). Moving precompiles
// (movePrecompileToAddress) and the blobBaseFee, beaconRoot and withdrawals
// block overrides are refused.
//
// # Tracing
//
// debug_traceTransaction, debug_traceBlockByNumber, debug_traceBlockByHash,
// debug_traceBlock and debug_traceCall follow go-ethereum's eth/tracers API:
// its TraceConfig (tracer, tracerConfig, timeout, default 5 s per
// transaction, and the struct logger's options), its native tracers
// (callTracer, prestateTracer, 4byteTracer, flatCallTracer, muxTracer) and its
// struct logger when no tracer is named. JavaScript tracers are not served. A
// block trace is [{txHash, result}], one per transaction in order.
//
// Nothing is executed here: a transaction trace asks the Backend for the
// state after the block's parent (the eth methods' [ErrStateUnavailable]
// error if it is gone) and a [BlockReplay] of the block, which re-executes it
// as block execution did, and runs the transactions before the traced one
// untraced. debug_traceCall is eth_call's path (arguments, state and block
// overrides) through Backend.TraceCall. debug_getRawTransaction,
// debug_getRawHeader, debug_getRawBlock and debug_getRawReceipts return
// binary encodings.
package rpc
