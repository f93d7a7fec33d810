// Package devkeys derives the development keys every devnet funds. They are
// derived from a fixed phrase, so every devnet on every machine funds the same
// accounts (as anvil and Hardhat do). They are public: never use them on a
// real network.
package devkeys
