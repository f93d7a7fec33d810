package cli_test

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/devkeys"
)

// TestInitNeedsAChain: init without --genesis or --dev creates nothing and
// says what to do, instead of a chain governed by the public development
// keys; the flags that describe a new chain need --dev.
func TestInitNeedsAChain(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	_, err := run(t.Context(), "init", "--home", home)
	if err == nil {
		t.Fatal("init without --genesis or --dev succeeded")
	}
	for _, want := range []string{"--genesis", "--dev", "redmx genesis new"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Errorf("init that failed left %s: %v", home, err)
	}
	for _, args := range [][]string{
		{"--dev", "--genesis", "g.json"},
		{"--dev", "--keys-only"},
		{"--chain-id", "7"},
		{"--genesis", "g.json", "--chain-name", "x"},
	} {
		if _, err := run(t.Context(), append([]string{"init", "--home", home}, args...)...); err == nil {
			t.Errorf("init %v succeeded", args)
		}
	}
}

// founderKey is a new account of a founder.
func founderKey(t *testing.T) common.Address {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.PubkeyToAddress(k.PublicKey)
}

// keysOnly runs init --keys-only in home and returns the founders-file
// entry it prints.
func keysOnly(t *testing.T, home, name string) genesis.FoundingValidator {
	t.Helper()
	out, err := run(t.Context(), "init", "--keys-only", "--home", home, "--moniker", name)
	if err != nil {
		t.Fatalf("init --keys-only: %v\n%s", err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "{") {
			var v genesis.FoundingValidator
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("entry %q: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("init --keys-only printed no entry:\n%s", out)
	return genesis.FoundingValidator{}
}

// testFounders is a small network: two collectives, each with two leading
// institutions; one validator, of the public collective's first
// institution; a secretary. Every account is a fresh key.
func testFounders(t *testing.T, val genesis.FoundingValidator) *genesis.Founders {
	t.Helper()
	end := uint64(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
	inst := func(label string, vals ...genesis.FoundingValidator) genesis.Institution {
		return genesis.Institution{
			Label: label, Institution: crypto.Keccak256Hash([]byte("salt"), []byte(label)),
			Accounts: []common.Address{founderKey(t)}, Leader: true, TermEnd: end, GasPerEpoch: 1_000_000,
			Validators: vals,
		}
	}
	pub := inst("Public one", val)
	return &genesis.Founders{
		Network: genesis.Network{
			ChainID:     77001,
			ChainName:   "redmx-test-founders",
			GenesisTime: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			Coin:        genesis.Coin{Name: "Test", Symbol: "TST", Decimals: 18},
			Alloc:       types.GenesisAlloc{pub.Accounts[0]: {Balance: big.NewInt(1e18)}},
		},
		Collectives: []genesis.FoundingCollective{
			{Name: "public", Institutions: []genesis.Institution{pub, inst("Public two")}},
			{Name: "academic", Institutions: []genesis.Institution{inst("Academic one"), inst("Academic two")}},
		},
		Officers: []genesis.Officer{{
			Role: "secretary", Collective: "public", Label: "Secretary",
			Institution: crypto.Keccak256Hash([]byte("salt"), []byte("Secretary")),
			Accounts:    []common.Address{founderKey(t)}, TermEnd: end,
		}},
	}
}

func writeFounders(t *testing.T, f *genesis.Founders) string {
	t.Helper()
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "founders.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// printed is the value of "label: value" in a command's output.
func printed(t *testing.T, out, label string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, label+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("output has no %q:\n%s", label, out)
	return ""
}

// TestFoundersGenesis: a real network's genesis from its founders' own keys.
// The validator's operator makes its keys first (init --keys-only); the
// founders file makes the same genesis.json byte for byte every time, whose
// hashes verify prints; the operator's home completed with it keeps its keys,
// is a genesis validator, and makes blocks.
func TestFoundersGenesis(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "val")
	val := keysOnly(t, home, "val-public")
	founders := writeFounders(t, testFounders(t, val))

	g1, g2 := filepath.Join(dir, "g1.json"), filepath.Join(dir, "g2.json")
	out1, err := run(t.Context(), "genesis", "new", "--founders", founders, "--out", g1)
	if err != nil {
		t.Fatalf("genesis new: %v\n%s", err, out1)
	}
	if out, err := run(t.Context(), "genesis", "new", "--founders", founders, "--out", g1); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("genesis new over an existing file: %v\n%s", err, out)
	}
	if out, err := run(t.Context(), "genesis", "new", "--founders", founders, "--out", g2); err != nil {
		t.Fatalf("genesis new: %v\n%s", err, out)
	}
	b1, _ := os.ReadFile(g1)
	b2, _ := os.ReadFile(g2)
	if !bytes.Equal(b1, b2) {
		t.Fatal("the same founders file made two different genesis files")
	}
	verify, err := run(t.Context(), "genesis", "verify", g1)
	if err != nil {
		t.Fatalf("genesis verify: %v\n%s", err, verify)
	}
	for _, label := range []string{"SHA-256", "genesis block hash"} {
		if a, b := printed(t, out1, label), printed(t, verify, label); a != b || a == "" {
			t.Errorf("%s: new printed %q, verify %q", label, a, b)
		}
	}
	for _, want := range []string{"redmx-test-founders", "77001", "val-public", "2 collectives (public, academic), 5 records, 5 seats, 1 nodes"} {
		if !strings.Contains(verify, want) {
			t.Errorf("verify output lacks %q:\n%s", want, verify)
		}
	}
	if strings.Contains(verify, "WARNING") {
		t.Errorf("verify warns about the founders' own keys:\n%s", verify)
	}

	out, err := run(t.Context(), "init", "--home", home, "--genesis", g1)
	if err != nil {
		t.Fatalf("init --genesis on the keys-only home: %v\n%s", err, out)
	}
	if !strings.Contains(out, "genesis validator") || !strings.Contains(out, "kept") {
		t.Fatalf("init did not keep the validator's keys:\n%s", out)
	}
	done, cancel := startNode(t, home, nil)
	cancel()
	if err := waitDone(t, done); err != nil {
		t.Fatalf("start: %v", err)
	}
}

// TestFoundersGenesisRefusals: genesis new refuses the development networks'
// chain ID, public development keys, a collective with validators but not
// formed, and unknown fields; verify warns about a --dev genesis.
func TestFoundersGenesisRefusals(t *testing.T) {
	val := keysOnly(t, filepath.Join(t.TempDir(), "val"), "val")
	for name, c := range map[string]struct {
		edit func(*genesis.Founders)
		want string
	}{
		"devnet chain ID": {func(f *genesis.Founders) { f.ChainID = 5218 }, "development networks' chain ID"},
		"development key": {func(f *genesis.Founders) {
			f.Officers[0].Accounts = []common.Address{crypto.PubkeyToAddress(devkeys.Key(3).PublicKey)}
		}, "public development keys"},
		"one leader": {func(f *genesis.Founders) { f.Collectives[0].Institutions[1].Leader = false }, "not formed"},
		"bad role":   {func(f *genesis.Founders) { f.Officers[0].Role = "king" }, "role \"king\""},
	} {
		f := testFounders(t, val)
		c.edit(f)
		out, err := run(t.Context(), "genesis", "new", "--founders", writeFounders(t, f), "--out", filepath.Join(t.TempDir(), "g.json"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q\n%s", name, err, c.want, out)
		}
	}
	typo := filepath.Join(t.TempDir(), "typo.json")
	os.WriteFile(typo, []byte(`{"chainId": 9, "colectives": []}`), 0o600)
	if _, err := run(t.Context(), "genesis", "new", "--founders", typo); err == nil || !strings.Contains(err.Error(), "colectives") {
		t.Errorf("unknown field: got %v", err)
	}

	home := filepath.Join(t.TempDir(), "dev")
	if out, err := run(t.Context(), "init", "--dev", "--home", home); err != nil {
		t.Fatalf("init --dev: %v\n%s", err, out)
	}
	out, err := run(t.Context(), "genesis", "verify", filepath.Join(home, "config", "genesis.json"))
	if err != nil || !strings.Contains(out, "WARNING") {
		t.Errorf("verify of a --dev genesis: %v, no warning:\n%s", err, out)
	}
}
