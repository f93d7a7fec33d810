package failpoint

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Env is the environment variable that arms a point.
const Env = "REDMX_FAILPOINT"

// The points of the commit path; the package doc says where each is.
const (
	FinalizeBlock    = "finalize-block"
	CommitBegin      = "commit-begin"
	StateCommitted   = "state-committed"
	IndexWritten     = "index-written"
	HeadSynced       = "head-synced"
	StateFlattened   = "state-flattened"
	CommitEnd        = "commit-end"
	GenesisState     = "genesis-state"
	GenesisFlattened = "genesis-flattened"
	GenesisIndexed   = "genesis-indexed"
)

// Points lists every point, in the order a node passes them.
var Points = []string{
	GenesisState, GenesisFlattened, GenesisIndexed,
	FinalizeBlock, CommitBegin, StateCommitted, IndexWritten, HeadSynced, StateFlattened, CommitEnd,
}

// armed is the point REDMX_FAILPOINT names and the lowest height it fires at.
var armed, minHeight = parse(os.Getenv(Env))

func parse(v string) (string, uint64) {
	name, at, found := strings.Cut(strings.TrimSpace(v), "@")
	if !found {
		return name, 0
	}
	h, err := strconv.ParseUint(at, 10, 64)
	if err != nil {
		// A test's typo must not pass as a run that never crashed.
		fmt.Fprintf(os.Stderr, "%s=%q: height %q is not a number\n", Env, v, at)
		os.Exit(2)
	}
	return name, h
}

// Armed reports whether reaching point at height would kill the process, for
// a caller that must first bring about the instant the point stands for.
func Armed(point string, height uint64) bool {
	return armed != "" && armed == point && height >= minHeight
}

// Hit kills the process if point is armed and height reached; else it
// returns at once.
func Hit(point string, height uint64) {
	if !Armed(point, height) {
		return
	}
	fmt.Fprintf(os.Stderr, "failpoint %s reached at height %d\n", point, height)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal is on its way; nothing after Hit may run
}
