// Package main is the redmx command: it runs a node of a redmx network (start),
// creates node homes (init), runs local development networks (devnet), and
// is the network's command-line client. It holds only main: a signal
// context, the root command of internal/cli, and the exit code.
package main
