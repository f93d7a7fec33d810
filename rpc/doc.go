// Package rpc serves the node's Ethereum JSON-RPC: the eth, net, web3, txpool
// and debug namespaces, over HTTP and WebSocket on one port, on go-ethereum's
// own rpc server, with go-ethereum's filter API (eth/filters) for logs,
// filters and subscriptions and its tracers (eth/tracers) for debug traces.
//
// The package sees the node only through [Backend], which it declares. It holds
// no chain data and executes nothing itself: reads go to the Backend's lookups,
// eth_call and eth_estimateGas go to Backend.Call and Backend.EstimateGas on a
// state the Backend hands out.
//
// # Methods
//
//	eth      chainId blockNumber syncing getBalance getTransactionCount getCode
//	         getStorageAt getStorageValues getProof call estimateGas
//	         createAccessList sendRawTransaction getTransactionByHash
//	         getRawTransactionByHash getTransactionReceipt getBlockByNumber
//	         getBlockByHash getHeaderByNumber getHeaderByHash getBlockReceipts
//	         getBlockTransactionCountByNumber/ByHash
//	         getTransactionByBlockNumberAndIndex/ByBlockHashAndIndex (and raw forms)
//	         the uncle methods (0 / null) gasPrice maxPriorityFeePerGas baseFee
//	         blobBaseFee feeHistory getLogs newFilter newBlockFilter
//	         newPendingTransactionFilter getFilterChanges getFilterLogs
//	         uninstallFilter subscribe (newHeads, logs, newPendingTransactions,
//	         transactionReceipts) unsubscribe; on devnets ([redmx.rpc]
//	         dev_accounts): accounts sendTransaction signTransaction
//	         fillTransaction sign pendingTransactions
//	net      version listening peerCount
//	web3     clientVersion sha3
//	txpool   status content contentFrom inspect evicted (why this node's pool
//	         let a transaction go unmined: {hash, reason, blockNumber} or null)
//	debug    traceTransaction traceBlockByNumber traceBlockByHash traceBlock
//	         traceCall (callTracer, prestateTracer, 4byteTracer, flatCallTracer,
//	         muxTracer, or the struct logger) getRawTransaction getRawHeader
//	         getRawBlock getRawReceipts; only with [redmx.rpc] debug = true
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
// # Logs, filters and subscriptions
//
// eth_getLogs, eth_newFilter, eth_newBlockFilter,
// eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs,
// eth_uninstallFilter and eth_subscribe (newHeads, logs,
// newPendingTransactions with go-ethereum's fullTx flag, transactionReceipts)
// are go-ethereum's FilterAPI over an adapter of [Backend]. Events come from
// Backend.SubscribeChainEvent, SubscribeLogsEvent and SubscribeNewTxsEvent;
// the node sends them from queues of its own, so a slow subscriber never
// holds up consensus or the pool (it loses the oldest events instead). No log
// is ever removed: a committed block is final.
//
// No log index. go-ethereum's filtermaps index would need an indexer
// goroutine writing beside the chain index and its own recovery after a
// crash. Without it, go-ethereum's Filter searches unindexed: for each block
// of the range it tests the header's bloom and reads the receipts only where
// the bloom may match. At about a block a second that costs one header read
// per block, so a query over the default cap of 10,000 blocks (under three
// hours of chain) reads 10,000 headers: about 0.25–0.35 s for a selective
// query and 1 s for a match-all one on a 2-core machine with pebble. The cap,
// not an index, bounds the work. The adapter's matcher backend reports
// nothing indexed, which is what selects that search.
//
// Caps (see [Config]): LogsMaxRange bounds toBlock − fromBlock of
// eth_getLogs and eth_getFilterLogs with go-ethereum's error ("exceed maximum
// block range N", -32602), checked after latest, safe and finalized are
// resolved to the head (go-ethereum's own check counts "latest" as 2^64−1
// and would refuse every open-ended range). LogsMaxResults refuses an answer
// of more logs with -32005 "query returned more than N results", the text
// providers use; a range query is searched here, block by block as
// go-ethereum's unindexed search does, and stops at the first log past the cap
// (go-ethereum collects every match first). Addresses and topics per position
// are capped at 1,000, go-ethereum's LogQueryLimit. FilterTimeout is the
// life of an unpolled filter. MaxSubscriptionsPerConnection caps the live
// subscriptions of one WebSocket connection (-32005 "too many subscriptions
// on this connection: limit N"); go-ethereum has no such limit. WSReadLimit
// is go-ethereum's WebSocket message limit. MaxFilters and MaxFiltersPerClient
// cap installed filters node-wide and per client IP (-32005 "too many
// installed filters…"); a filter unpolled for FilterTimeout is uninstalled at
// the next install, so that it stops counting.
//
// # Expensive requests and timeouts
//
// eth_call, eth_estimateGas, eth_createAccessList, eth_getLogs,
// eth_getFilterLogs and the traces take a slot among MaxExpensiveRequests
// node-wide and MaxExpensiveRequestsPerClient per client IP; a request
// past either waits up to ExpensiveQueueWait and is then refused with
// -32005 "too many concurrent expensive requests (limit N); retry later".
// EVMTimeout bounds eth_call, the whole search of eth_estimateGas and
// eth_createAccessList ("execution aborted (timeout = …)"): the end of the
// context cancels the EVM, between any two opcodes and so between two calls
// of the governance precompile. [NewHTTPServer] applies the HTTP timeouts;
// go-ethereum's server answers an HTTP request still running near the write
// timeout with -32002 "request timed out".
//
// # Browsers
//
// The defaults admit browsers only from pages of this machine
// ([LocalOrigins], [LocalWSOrigins]) and the Host "localhost" or an IP address (against DNS
// rebinding). Clients that send no Origin header are not browsers and pass.
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
// The debug namespace is registered only with Config.Debug; without it its
// methods answer go-ethereum's -32601 "the method debug_x does not
// exist/is not available".
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
// overrides) through Backend.TraceCall.
//
// Traces are bounded: a trace's timeout is lowered to TraceTimeoutMax; an
// answer (a block trace's answers together) larger than TraceMaxBytes is
// refused with -32005 "trace larger than the node's limit of N bytes: …",
// and the struct logger stops recording there (its Limit), so memory stays
// near the cap; at most MaxConcurrentTraces run at once. debug_getRawTransaction,
// debug_getRawHeader, debug_getRawBlock and debug_getRawReceipts return
// binary encodings.
package rpc
