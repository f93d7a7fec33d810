// Package node assembles one redmx node and runs it: the store, the ABCI app,
// CometBFT in process, and the Ethereum JSON-RPC server on one HTTP port.
//
// It is the only package that wires everything together, and with package
// config the only one that imports CometBFT (app speaks only its ABCI
// messages); it holds no chain logic. It builds every component over the
// store (the chain index, the executor, the pool, governance) and hands them
// to the app, which exposes none of them; the RPC backend serves from the
// same components. The CLI reads and makes keys and genesis documents through
// it. The home directory has CometBFT's layout:
//
//	<home>/config/config.toml         CometBFT's sections and [redmx] (package config)
//	<home>/config/genesis.json        CometBFT genesis; app_state is genesis.AppState
//	<home>/config/node_key.json       p2p identity
//	<home>/config/priv_validator_key.json
//	<home>/data/priv_validator_state.json
//	<home>/data/redmx/                the node's pebble store
//	<home>/data/*.db                  CometBFT's block store, state, evidence
//
// [Node.Run] starts the parts in dependency order (store, app, CometBFT, RPC)
// and, when its context ends or a part fails, stops them in reverse.
package node
