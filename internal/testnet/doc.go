// Package testnet lays out and runs networks of redmx validators on loopback,
// for tests and for `redmx devnet`.
//
// [Generate] writes one home per validator (keys, config.toml, the shared
// genesis.json) and a network.json describing the whole network; [Load]
// reads it back, so a devnet resumes the same chain with the same keys. Two
// runners share that layout:
//   - [Start] runs every node in this process (node.Run in goroutines), for
//     tests; it takes the small [TB] interface, not *testing.T, so the
//     command line links no testing code.
//   - [StartProcesses] runs every node as its own OS process
//     (`redmx start --home …`) and supervises them, as `redmx devnet` does.
//
// Nothing here sleeps for a fixed time: waits poll a condition under a
// deadline ([WaitFor], [Poll]) and say what they waited for.
package testnet
