// Package cli holds redmx's cobra commands: init, start, devnet, version.
// Commands parse flags, load config, build the one slog logger and call a
// package (node, devnet); they hold no logic of their own. Every
// command is built by a function; there is no init() and no global state.
package cli
