// Package devnet is the development network that `redmx devnet` runs: N
// validators on loopback with the public development keys funded and a
// founding governance of example data.
//
// [Generate] writes one home per validator (keys, config.toml with the
// development accounts unlocked and debug on, the shared genesis.json of
// [NewGenesis]) and a network.json describing the whole network; [Load]
// reads it back, so a devnet resumes the same chain with the same keys.
// [StartProcesses] runs every node as its own OS process
// (`redmx start --home …`) and supervises them; the nodes die with their
// supervisor.
//
// Nothing here sleeps for a fixed time: waits poll a condition under a
// deadline ([Poll]) and say what they waited for.
package devnet
