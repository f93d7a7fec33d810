// Package dashboard is the network's web dashboard that every node serves
// under /dashboard on its RPC port: one page (embedded HTML, CSS and
// JavaScript, no build step) and a read-only JSON API under /dashboard/api/
// — snapshot (network, nodes, alerts), governance, search — made from
// snapshots that [Server.Run] refreshes as blocks come, never per request.
// The chain's windows (block times, transactions, proposers, each commit's
// missing signatures, evidence) are fed block by block from CometBFT's
// stores; nodes' states come from their signed status reports (package
// status); governance is read in process through its views.
package dashboard
