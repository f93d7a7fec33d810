// Package contracts holds the Solidity contracts that the load generator and
// tests deploy, compiled and committed next to their sources so nothing needs
// a compiler (see README.md). The node never deploys them.
package contracts
