// Package genesis defines the app_state of a redmx genesis.json: the Ethereum side of
// the chain (numeric chain ID, allocations, native coin, block gas limit, forks) and
// the genesis validators with their collectives.
//
// Genesis is consensus: every node must read the same bytes and derive the same state.
// This package only parses, validates and builds values; it never touches disk state.
package genesis
