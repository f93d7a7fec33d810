// Package faulttest holds the fault-tolerance tests of redmx: a network of
// validators, each its own `redmx start` process on loopback, is killed with
// SIGKILL (one node, then every node at once) while transfers flow through
// JSON-RPC, and must resume, catch up and agree, with every receipt seen
// before a kill still there after it (architecture.md, decisions 12 and 13).
// A single validator is also killed at each step of the commit path, by
// package failpoint, and must restart through CometBFT's handshake.
//
// The package has no code of its own; its tests build the redmx binary once
// and drive it through internal/testnet. They are skipped under -short.
package faulttest
