package redmx_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/redmx/redmx/"

// rule says what a package must not import, and why.
type rule struct {
	pkg    string
	direct []string // banned direct imports (prefixes), e.g. stdlib packages
	deps   []string // banned anywhere in the dependency graph (prefixes)
	why    string
}

var rules = []rule{
	{
		pkg:    "execution",
		deps:   []string{"github.com/cometbft/", module + "app", module + "rpc", module + "node", module + "txpool", module + "internal/failpoint"},
		direct: []string{"net", "os", "time", "math/rand", "log/slog"},
		why:    "execution runs without consensus and must be deterministic: no clock, no I/O of its own",
	},
	{
		pkg:    "governance",
		deps:   []string{"github.com/cometbft/", module + "app", module + "execution", module + "rpc", module + "node", module + "txpool", module + "internal/failpoint"},
		direct: []string{"net", "os", "time", "math/rand", "log/slog"},
		why:    "governance is a pure, deterministic state machine over a StateDB",
	},
	{
		pkg:  "txpool",
		deps: []string{"github.com/cometbft/", module + "app", module + "rpc", module + "node"},
		why:  "the pool sees state only through its StateReader",
	},
	{
		pkg:  "chain",
		deps: []string{"github.com/cometbft/", module + "app", module + "execution"},
		why:  "the chain index only stores and reads blocks",
	},
	{
		pkg:  "genesis",
		deps: []string{module + "app", module + "execution", module + "node"},
		why:  "genesis is data; everyone reads it",
	},
	{
		pkg:  "app",
		deps: []string{module + "rpc", module + "node", module + "internal/cli"},
		why:  "the ABCI app is driven by CometBFT, not by the RPC layer",
	},
	{
		pkg:  "rpc",
		deps: []string{module + "app", module + "execution", module + "node", module + "txpool", "github.com/cometbft/"},
		why:  "rpc sees the node only through its Backend interface",
	},
	{
		pkg:  "node",
		deps: []string{module + "internal/cli"},
		why:  "node wires; the CLI drives it",
	},
}

func goList(t *testing.T, format, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", format, pkg).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	return strings.Fields(strings.Trim(strings.TrimSpace(string(out)), "[]"))
}

// TestDependencies enforces the import rules of docs/architecture.md
// ("Packages and their rules").
func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("go list over the module is slow")
	}
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			for _, imp := range goList(t, "{{.Imports}}", module+r.pkg) {
				for _, ban := range r.direct {
					if imp == ban || strings.HasPrefix(imp, ban+"/") {
						t.Errorf("%s imports %s: %s", r.pkg, imp, r.why)
					}
				}
			}
			for _, dep := range goList(t, "{{.Deps}}", module+r.pkg) {
				for _, ban := range r.deps {
					if strings.HasPrefix(dep, ban) {
						t.Errorf("%s depends on %s: %s", r.pkg, dep, r.why)
					}
				}
			}
		})
	}
}

// TestPackageDocs checks that every package has exactly one package comment,
// in doc.go.
func TestPackageDocs(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{.Dir}} {{.Doc}}", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if f[0]+"/" == module {
			continue // the root holds only these tests
		}
		if len(f) < 3 {
			t.Errorf("package %s has no package comment (write one in doc.go)", f[0])
			continue
		}
		n, err := exec.Command("grep", "-l", "^// Package ", "-r", "--include=*.go", "--exclude=*_test.go", f[1]+"/").Output()
		if err != nil {
			t.Errorf("%s: %v", f[0], err)
			continue
		}
		var files []string
		for _, p := range strings.Fields(string(n)) {
			if strings.Count(strings.TrimPrefix(p, f[1]+"/"), "/") == 0 {
				files = append(files, p)
			}
		}
		if len(files) != 1 || !strings.HasSuffix(files[0], "/doc.go") {
			t.Errorf("package %s: package comment in %v, want exactly doc.go", f[0], files)
		}
	}
}
