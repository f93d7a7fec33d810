// Package load drives a running network with signed transactions from many
// senders over JSON-RPC and reports sustained throughput, submit-to-receipt
// latency and the memory of the nodes' processes. It only ever targets the RPC
// URLs it is given, and every run is bounded in time and count.
package load
