// Package config reads and writes a node's config.toml: CometBFT's own sections,
// decoded with the same rules as CometBFT's command line (viper's mapstructure
// decoding), and the [redmx] table, decoded strictly into [Config].
//
// Config is node-local: it may differ between nodes and the state transition
// never reads it. Anything consensus depends on (gas limit, validators, chain
// ID) lives in genesis.json instead.
//
// Each table of [redmx] is the struct of the package it configures, used by
// that package as it is: [redmx.rpc] is rpc.Config, [redmx.storage]
// store.Options, [redmx.pool] txpool.Config; [redmx.log] is [LogConfig]. Each
// carries its keys (toml tags), their documentation (comment tags, which
// [Render] writes), its defaults and its ValidateBasic. A new setting is one
// field there; `go test ./config -run TestOperationsReference -update` then
// regenerates the tables of docs/operations.md from the same fields.
//
// The package reads no environment and keeps no globals: callers pass the path
// and get values back. [Load] reads only [redmx]; [LoadFile] reads the whole
// file; [Write] writes both parts, with comments, as `redmx init` does.
package config
