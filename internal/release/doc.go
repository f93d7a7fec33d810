// Package release holds measurements behind the release build (scripts/release):
// what building without cgo would cost. It has no code of its own.
package release
