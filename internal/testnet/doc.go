// Package testnet runs development networks (package devnet) in this
// process, for tests: [Start] lays one out with free loopback ports and runs
// every node with node.Run in goroutines, [Network.AddNode] adds a node that
// genesis does not know, and the waits ([WaitFor], [Network.WaitHeight])
// poll a condition under a deadline and say what they waited for. It takes
// the small [TB] interface, not *testing.T, and the redmx binary does not
// link it.
package testnet
