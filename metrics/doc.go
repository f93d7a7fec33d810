// Package metrics is a node's Prometheus registry: redmx's own series (block
// execution and commit, the pool, the JSON-RPC server, governance calls,
// gas charged), CometBFT's (see [Metrics.CometBFT]) and the Go runtime's,
// served on one listener ([Config]) with /healthz and /readyz.
//
// Every series has a bounded set of label values: pool reasons and RPC
// methods outside the known ones are counted as "other".
package metrics
