// Package status is how nodes report on themselves: every node signs, with
// its CometBFT node key (ed25519), a small periodic [Report] (height, peers,
// version, known upgrades, host resources, consensus alive) and a p2p
// [Reactor] gossips the signed reports to its peers on their own channel. A
// [Book] keeps the latest report of each node, verified, bounded in count,
// and judges each node online, stale or offline by the receiver's clock.
package status
