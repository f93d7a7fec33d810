package version

import (
	"strings"
	"testing"
)

// TestCommit: a revision set at link time (scripts/release) is reported
// when the toolchain recorded none, as in a test binary.
func TestCommit(t *testing.T) {
	defer func(c string) { Commit = c }(Commit)
	Commit = "0123456789abcdef0123456789abcdef01234567"
	info := Get()
	if info.Revision != Commit {
		t.Fatalf("Revision = %q, want %q", info.Revision, Commit)
	}
	if s := info.String(); !strings.Contains(s, "(0123456789ab)") {
		t.Errorf("String() = %q, want the commit's first 12 digits", s)
	}
}
