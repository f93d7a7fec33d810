package redmx_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/redmx/redmx/"

// allowed lists, for every package of the module, the module packages it may
// import, by exact path relative to the module. A new package, or a new
// import between packages, is added here, where a reviewer sees it.
var allowed = map[string][]string{
	"": nil, // the root holds only these tests
	// governance is a pure, deterministic state machine over a StateDB that
	// owns its vocabulary: it imports no other package of redmx.
	"governance": nil,
	"genesis":    {"governance"},            // data in governance's vocabulary; everyone reads it
	"chain":      nil,                       // the chain index only stores and reads blocks
	"execution":  {"genesis", "governance"}, // runs without consensus, deterministic
	// config composes each package's own section of config.toml.
	"config": {"internal/settings", "metrics", "rpc", "store", "txpool"},
	// The pool sees state only through its StateReader and the chain's rules
	// only through its Chain, and never executes.
	"txpool": {"internal/eventq"},
	"store":  {"internal/failpoint", "internal/settings", "internal/sysmem"},
	// rpc sees the node only through its Backend interface.
	"rpc": {"genesis", "internal/devkeys", "internal/settings"},
	// The ABCI app is driven by CometBFT and given its components by node.
	"app":  {"chain", "execution", "genesis", "governance", "internal/eventq", "internal/failpoint", "internal/version", "store", "txpool"},
	"node": {"app", "chain", "config", "dashboard", "dashboard/status", "execution", "genesis", "governance", "internal/sysmem", "internal/version", "metrics", "rpc", "store", "txpool"},
	// The web dashboard reads the node through rpc's Backend and CometBFT's
	// stores; status reports are signed and gossiped by their own reactor.
	"dashboard":        {"dashboard/status", "governance", "internal/govclient", "rpc"},
	"dashboard/status": nil,
	// metrics names governance's functions and the pool's refusals.
	"metrics": {"governance", "internal/settings", "txpool"},
	// The development network: its layout, genesis and node processes.
	"devnet":             {"config", "genesis", "governance", "internal/devkeys", "internal/sysmem", "node"},
	"internal/cli":       {"config", "devnet", "genesis", "governance", "internal/devkeys", "internal/govclient", "internal/load", "internal/version", "node", "packaging", "store"},
	"cmd/redmx":          {"internal/cli"},
	"internal/devkeys":   nil,
	"internal/eventq":    nil,
	"internal/failpoint": nil,
	"internal/settings":  nil,
	"internal/sysmem":    nil,
	"internal/version":   nil,
	"internal/govclient": {"governance"},
	"internal/contracts": nil,
	// The release: the systemd unit (written by init), NOTICE's generator,
	// and the measurement behind building with cgo.
	"packaging":             nil,
	"internal/tools/notice": nil,
	"internal/release":      nil,
	"internal/load":         {"internal/contracts", "internal/devkeys"},
	// Test helpers.
	"internal/ethtest":   {"internal/devkeys"},
	"internal/faulttest": nil,
	// The fault table's generator reads the suite's report lines only.
	"internal/faulttest/faultreport": nil,
	// Real networks for tests; governance driven through the CLI's client,
	// and heights read from a stopped node's store.
	"internal/testnet": {"config", "devnet", "governance", "internal/govclient", "node", "store"},
}

// testHelpers are packages for tests only: the binary must not link them.
var testHelpers = []string{"internal/ethtest", "internal/faulttest", "internal/faulttest/faultreport", "internal/testnet"}

// cometBFT lists the packages that may import CometBFT: node wires it and
// config reads its settings; app speaks only its ABCI messages (the
// consensus parameters in them are CometBFT's proto types); devnet and the
// test helpers set up real nodes' files. nil allows every CometBFT package.
var cometBFT = map[string][]string{
	"node":             nil,
	"config":           nil,
	"devnet":           nil,
	"internal/testnet": nil,
	"dashboard":        {"github.com/cometbft/cometbft/crypto/ed25519", "github.com/cometbft/cometbft/types"},
	"dashboard/status": {"github.com/cometbft/cometbft/crypto/ed25519", "github.com/cometbft/cometbft/p2p", "github.com/cometbft/cometbft/p2p/conn"},
	"app":              {"github.com/cometbft/cometbft/abci/types", "github.com/cometbft/cometbft/proto/tendermint/types"},
}

// deterministic packages run in consensus: no clock, no I/O, no randomness,
// no logging of their own.
var deterministic = []string{"execution", "governance"}

var nondeterministic = []string{"net", "net/http", "os", "os/exec", "time", "math/rand", "math/rand/v2", "crypto/rand", "log", "log/slog"}

// imports maps every package of the module (path relative to the module) to
// its direct imports, tests excluded.
func imports(t *testing.T, pattern string, deps bool) map[string][]string {
	t.Helper()
	args := []string{"list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}"}
	if deps {
		args = append(args, "-deps")
	}
	out, err := exec.Command("go", append(args, pattern)...).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	m := make(map[string][]string)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[strings.TrimPrefix(f[0]+"/", module)] = f[1:]
	}
	return m
}

func rel(path string) (string, bool) {
	if path+"/" == module {
		return "", true
	}
	return strings.CutPrefix(path, module)
}

// TestDependencies enforces the import rules above.
func TestDependencies(t *testing.T) {
	pkgs := imports(t, "./...", false)
	for pkg, imps := range pkgs {
		pkg = strings.TrimSuffix(pkg, "/")
		allow, listed := allowed[pkg]
		if !listed {
			t.Errorf("package %s is not in deps_test.go's allow-lists: add it with the module packages it may import", pkg)
			continue
		}
		comet, cometOK := cometBFT[pkg]
		for _, imp := range imps {
			if r, ok := rel(imp); ok {
				if !slices.Contains(allow, r) {
					t.Errorf("%s imports %s, which its allow-list in deps_test.go does not name", pkg, r)
				}
				continue
			}
			if strings.HasPrefix(imp, "github.com/cometbft/") {
				if !cometOK || comet != nil && !slices.Contains(comet, imp) {
					t.Errorf("%s imports %s: only node and config import CometBFT, app only its ABCI types", pkg, imp)
				}
			}
			if slices.Contains(deterministic, pkg) && slices.Contains(nondeterministic, imp) {
				t.Errorf("%s imports %s: it runs in consensus and must be deterministic, with no I/O of its own", pkg, imp)
			}
		}
	}
	for pkg := range allowed {
		if _, ok := pkgs[pkg+"/"]; !ok && pkg != "" {
			t.Errorf("deps_test.go lists %s, which is not a package of the module", pkg)
		}
	}
}

// TestBinaryHasNoTestHelpers: nothing the redmx binary links is a test
// helper.
func TestBinaryHasNoTestHelpers(t *testing.T) {
	for pkg := range imports(t, "./cmd/redmx", true) {
		pkg = strings.TrimSuffix(pkg, "/")
		if slices.Contains(testHelpers, pkg) {
			t.Errorf("the redmx binary links the test helper %s", pkg)
		}
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
