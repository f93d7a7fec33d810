package packaging

import (
	_ "embed"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// unitFile is redmx.service as committed: the unit for DefaultUnit.
//
//go:embed redmx.service
var unitFile string

// Unit is what a node's systemd unit depends on.
type Unit struct {
	Binary string // absolute path of the redmx binary
	Home   string // absolute path of the node's home
	User   string // the user the node runs as
}

// DefaultUnit is the unit of redmx.service: the layout docs/operations.md
// installs.
func DefaultUnit() Unit {
	return Unit{Binary: "/usr/local/bin/redmx", Home: "/var/lib/redmx", User: "redmx"}
}

var (
	// Paths are written into the unit unquoted: no spaces, quotes,
	// backslashes or % (systemd's specifiers), nor anything else unusual.
	safePath = regexp.MustCompile(`^/[A-Za-z0-9/._+@-]*$`)
	userName = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
)

// Validate checks that u can be written into a unit as it is.
func (u Unit) Validate() error {
	for _, p := range []struct{ name, path string }{{"binary", u.Binary}, {"home", u.Home}} {
		if !safePath.MatchString(p.path) || filepath.Clean(p.path) != p.path {
			return fmt.Errorf("the service's %s must be a clean absolute path of letters, digits and / . _ + @ -, got %q", p.name, p.path)
		}
	}
	if u.Home == "/" {
		return fmt.Errorf("the service's home cannot be /")
	}
	if !userName.MatchString(u.User) || u.User == "root" {
		return fmt.Errorf("the service's user must be a system user's name (lower case letters, digits, _ and -; not root), got %q", u.User)
	}
	return nil
}

// Render returns the unit filled in for u.
func (u Unit) Render() ([]byte, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	protectHome := "yes"
	for _, dir := range []string{"/home", "/root", "/run/user"} {
		if u.Home == dir || strings.HasPrefix(u.Home, dir+"/") {
			// ProtectHome=yes would hide the home; read-only lets
			// ReadWritePaths open it.
			protectHome = "read-only"
		}
	}
	set := map[string]string{
		"User":           u.User,
		"ExecStart":      u.Binary + " start --home " + u.Home,
		"ReadWritePaths": u.Home,
		"ProtectHome":    protectHome,
	}
	lines := strings.Split(unitFile, "\n")
	found := map[string]bool{}
	for i, line := range lines {
		key, _, ok := strings.Cut(line, "=")
		if v, want := set[key]; ok && want && !strings.HasPrefix(line, "#") {
			lines[i] = key + "=" + v
			found[key] = true
		}
	}
	for key := range set {
		if !found[key] {
			return nil, fmt.Errorf("redmx.service has no %s= line", key)
		}
	}
	return []byte(strings.Join(lines, "\n")), nil
}
