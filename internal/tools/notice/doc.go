// Package main is the notice command: it writes NOTICE, every third-party Go module linked into the
// release binaries of redmx (scripts/release), with its version and licence,
// read from the licence files in the module cache. With -texts DIR it also
// copies each module's licence and notice files into DIR, which the release
// archives ship beside the binary.
//
//	go run ./internal/tools/notice -o NOTICE
//
// TestNotice fails when NOTICE no longer matches go.mod; `go test
// ./internal/tools/notice -update` rewrites it.
package main
