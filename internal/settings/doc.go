// Package settings holds what every section of config.toml shares: the error
// that names a bad key. Each configured package (rpc, store, txpool) defines
// its own section struct and validates it; package config composes them and
// prefixes the key with the section's place in the file.
package settings
