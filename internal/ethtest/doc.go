// Package ethtest holds the development keys every devnet funds and helpers that
// build signed transactions for tests and load tools. It is not used by the node.
package ethtest
