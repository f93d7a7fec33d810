package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release version. Release builds may set it with
// -ldflags "-X github.com/redmx/redmx/internal/version.Version=v1.2.3".
var Version = "v0.1.0-dev"

// Commit is the VCS revision, set by release builds with -ldflags "-X
// github.com/redmx/redmx/internal/version.Commit=<hash>": the Go toolchain
// records none when building from a git worktree or a source tree without
// .git, and a release is reproducible only if it does not depend on that.
var Commit = ""

// Info is what the binary knows about its build.
type Info struct {
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"` // VCS commit, if the build recorded it
	Time      string `json:"time,omitempty"`     // commit time
	Modified  bool   `json:"modified,omitempty"` // built from a tree with local changes
	GoVersion string `json:"go"`
	Platform  string `json:"platform"`
}

// Get returns the build information of the running binary.
func Get() Info {
	info := Info{Version: Version, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info.Revision = Commit
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is a one-line description, e.g.
// "redmx v0.1.0-dev (3f2a9c1e0b7d, modified) go1.26 linux/amd64".
func (i Info) String() string {
	rev := "revision unknown"
	if i.Revision != "" {
		rev = i.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if i.Modified {
			rev += ", modified"
		}
	}
	return fmt.Sprintf("redmx %s (%s) %s %s", i.Version, rev, i.GoVersion, i.Platform)
}

// ClientVersion is the web3_clientVersion string: "redmx/v0.1.0-dev/linux-amd64/go1.26".
func ClientVersion() string {
	return fmt.Sprintf("redmx/%s/%s-%s/%s", Version, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
