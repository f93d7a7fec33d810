// Package govclient is a client of the governance contract
// (governance/IGovernance.sol) over a node's JSON-RPC, driven by its ABI:
// it parses command-line words by ABI type ([ParseArgs]), calls view
// functions with eth_call ([Client.View]), sends state-changing ones as
// signed transactions after a gas estimate that reports the node's refusal
// ([Client.Send]), and decodes outputs and events with the names of the
// interface's enumerations ([Field], [DecodeLog]). `redmx gov` is built on it.
package govclient
