package cli_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/genesis"
	"github.com/redmx/redmx/internal/cli"
	"github.com/redmx/redmx/internal/devkeys"
	"github.com/redmx/redmx/internal/testnet"
	"github.com/redmx/redmx/node"
)

const ceremonyChainID, ceremonyChainName = "77003", "redmx-test-ceremony"

// ceremonyInstitution is a founding institution of the tests' ceremony.
type ceremonyInstitution struct {
	dir, collective, label, moniker string
	officers                        []string
}

func ceremonyInstitutions(dir string) []ceremonyInstitution {
	return []ceremonyInstitution{
		{filepath.Join(dir, "unam"), "academic", "UNAM", "unam-1", []string{"Executive Secretary"}},
		{filepath.Join(dir, "ipn"), "academic", "IPN", "ipn-1", nil},
		{filepath.Join(dir, "inegi"), "public", "INEGI", "inegi-1", nil},
		{filepath.Join(dir, "cfe"), "public", "CFE", "cfe-1", nil},
	}
}

// contribute runs 'genesis contribute' for in, with the password in pw.
func contribute(t *testing.T, in ceremonyInstitution, pw string, extra ...string) (string, error) {
	t.Helper()
	args := []string{"genesis", "contribute", "--home", in.dir, "--chain-id", ceremonyChainID, "--chain-name", ceremonyChainName,
		"--collective", in.collective, "--institution", in.label, "--moniker", in.moniker, "--password-file", pw, "--lightkdf"}
	for _, o := range in.officers {
		args = append(args, "--officer", o)
	}
	return run(t.Context(), append(args, extra...)...)
}

// ceremonyBase writes the base the four institutions agreed on.
func ceremonyBase(t *testing.T, dir string) string {
	t.Helper()
	end := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	base := fmt.Sprintf(`{
  "chainId": %s, "chainName": %q, "genesisTime": "2026-12-01T00:00:00Z",
  "coin": {"name": "Test", "symbol": "TST", "decimals": 18},
  "collectives": [
    {"name": "academic", "gasBudget": 1000000000, "institutions": [
      {"label": "UNAM", "leader": true, "termEnd": %[3]d, "gasPerEpoch": 100000000},
      {"label": "IPN", "leader": true, "termEnd": %[3]d, "gasPerEpoch": 100000000}]},
    {"name": "public", "institutions": [
      {"label": "INEGI", "leader": true, "termEnd": %[3]d, "gasPerEpoch": 100000000},
      {"label": "CFE", "leader": true, "termEnd": %[3]d, "gasPerEpoch": 100000000}]}
  ],
  "officers": [{"role": "secretary", "officer": "Executive Secretary", "termEnd": %[3]d}]
}`, ceremonyChainID, ceremonyChainName, end)
	path := filepath.Join(dir, "base.json")
	if err := os.WriteFile(path, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writePassword(t *testing.T, dir string) string {
	t.Helper()
	pw := filepath.Join(dir, "password")
	if err := os.WriteFile(pw, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return pw
}

// privateKeys are the private keys in an institution's home (node key,
// consensus key, keystore accounts), hex and base64, as a file could leak
// them.
func privateKeys(t *testing.T, in ceremonyInstitution, password string) []string {
	t.Helper()
	nodeKey, consKey, err := node.ReadKeys(in.dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	add := func(b []byte) {
		s, _ := json.Marshal(b)
		out = append(out, hex.EncodeToString(b), strings.Trim(string(s), `"`))
	}
	add(nodeKey)
	add(nodeKey.Seed())
	add(consKey)
	add(consKey.Seed())
	files, err := os.ReadDir(filepath.Join(in.dir, "keystore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(in.dir, "keystore", f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		k, err := keystore.DecryptKey(data, password)
		if err != nil {
			t.Fatal(err)
		}
		add(crypto.FromECDSA(k.PrivateKey))
	}
	if len(out) < 2*5 { // two ed25519 keys with their seeds, an account
		t.Fatalf("%s: found %d private keys", in.label, len(out)/2)
	}
	return out
}

// TestGenesisCeremony runs the founders' ceremony of docs/ceremony.md: four
// institutions each make their keys in their own directory and a
// contribution that holds none of them; the coordinator assembles the
// genesis; each founder verifies its contribution is in it and sees the
// same hashes; each completes its home with the genesis, keeping its keys;
// the four nodes start on loopback, make blocks, and governance shows the
// founders as leaders, the secretary and the validators.
func TestGenesisCeremony(t *testing.T) {
	dir := t.TempDir()
	pw := writePassword(t, dir)
	password := "correct horse battery staple"
	ins := ceremonyInstitutions(dir)
	var files []string
	for _, in := range ins {
		out, err := contribute(t, in, pw)
		if err != nil {
			t.Fatalf("contribute %s: %v\n%s", in.label, err, out)
		}
		file := filepath.Join(in.dir, "contribution.json")
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lower := strings.ToLower(string(data))
		for _, k := range privateKeys(t, in, password) {
			if strings.Contains(lower, strings.ToLower(k)) {
				t.Fatalf("%s's contribution holds a private key", in.label)
			}
		}
		files = append(files, file)
	}
	// Run again, it reuses the keys and signs the same file.
	before, _ := os.ReadFile(files[0])
	if out, err := contribute(t, ins[0], pw); err != nil {
		t.Fatalf("contribute again: %v\n%s", err, out)
	}
	if after, _ := os.ReadFile(files[0]); !bytes.Equal(before, after) {
		t.Fatalf("contributing again changed the contribution:\n%s\n%s", before, after)
	}

	gen := filepath.Join(dir, "genesis.json")
	assembled, err := run(t.Context(), append([]string{"genesis", "assemble", "--base", ceremonyBase(t, dir),
		"--out", gen, "--founders-out", filepath.Join(dir, "founders.json")}, files...)...)
	if err != nil {
		t.Fatalf("assemble: %v\n%s", err, assembled)
	}
	sha, block := printed(t, assembled, "SHA-256"), printed(t, assembled, "genesis block hash")
	for i, in := range ins {
		out, err := run(t.Context(), "genesis", "verify", "--genesis", gen, "--contribution", files[i])
		if err != nil {
			t.Fatalf("verify %s: %v\n%s", in.label, err, out)
		}
		if printed(t, out, "SHA-256") != sha || printed(t, out, "genesis block hash") != block ||
			!strings.Contains(out, "in the genesis as contributed") {
			t.Fatalf("verify %s:\n%s", in.label, out)
		}
	}
	// The founders file makes the same genesis, byte for byte.
	again := filepath.Join(dir, "again.json")
	if out, err := run(t.Context(), "genesis", "new", "--founders", filepath.Join(dir, "founders.json"), "--out", again); err != nil {
		t.Fatalf("genesis new: %v\n%s", err, out)
	}
	if a, b := readFile(gen), readFile(again); a != b {
		t.Fatal("the founders file makes another genesis")
	}

	// Each institution completes its home; the network starts.
	p2p := make([]string, len(ins))
	ids := make([]string, len(ins))
	for i := range ins {
		p2p[i] = freeAddr(t)
		var c genesis.Contribution
		if err := json.Unmarshal([]byte(readFile(files[i])), &c); err != nil {
			t.Fatal(err)
		}
		ids[i] = c.Validators[0].NodeID
	}
	nodes := make([]ceremonyNode, len(ins))
	for i, in := range ins {
		var peers []string
		for j := range ins {
			if j != i {
				peers = append(peers, ids[j]+"@"+p2p[j])
			}
		}
		nodes[i] = ceremonyNode{home: in.dir, p2p: p2p[i], comet: freeAddr(t), rpc: freeAddr(t)}
		out, err := run(t.Context(), "init", "--home", in.dir, "--genesis", gen, "--moniker", in.moniker,
			"--rpc.addr", nodes[i].rpc, "--peers", strings.Join(peers, ","))
		if err != nil {
			t.Fatalf("init %s: %v\n%s", in.label, err, out)
		}
		if !strings.Contains(out, "genesis validator") || !strings.Contains(out, "kept") {
			t.Fatalf("init %s did not keep its keys:\n%s", in.label, out)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	startCeremonyNodes(ctx, t, nodes)

	rpc := "http://" + nodes[3].rpc
	view := func(v any, args ...string) {
		t.Helper()
		out, err := run(ctx, append(append([]string{"gov"}, args...), "--rpc", rpc, "--json")...)
		if err != nil || json.Unmarshal([]byte(out), v) != nil {
			t.Fatalf("gov %v: %v\n%s", args, err, out)
		}
	}
	var seats struct{ Holders []uint64 }
	for coll, want := range map[string][]uint64{"academic": {1, 2}, "public": {3, 4}} {
		view(&seats, "seats", "leader", coll)
		if slices.Sort(seats.Holders); !slices.Equal(seats.Holders, want) {
			t.Errorf("leaders of %s: %v, want %v", coll, seats.Holders, want)
		}
	}
	view(&seats, "seats", "secretary", "")
	if !slices.Equal(seats.Holders, []uint64{5}) {
		t.Errorf("secretary: %v, want record 5", seats.Holders)
	}
	var c genesis.Contribution
	if err := json.Unmarshal([]byte(readFile(files[0])), &c); err != nil {
		t.Fatal(err)
	}
	var rec struct{ RecordID uint64 }
	if view(&rec, "record-of", c.Officers[0].Accounts[0].Address.Hex()); rec.RecordID != 5 {
		t.Errorf("the secretary's account is of record %d, want 5", rec.RecordID)
	}
	var vals struct{ NodeIDs []string }
	view(&vals, "validators")
	var got []string
	for _, id := range vals.NodeIDs {
		got = append(got, strings.TrimPrefix(strings.ToLower(id), "0x"))
	}
	slices.Sort(got)
	want := slices.Clone(ids)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("governance validators %v, want the contributed %v", got, want)
	}
	cancel()
	for i := range nodes {
		if err := waitDone(t, nodes[i].done); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("node %d: %v", i, err)
		}
	}
}

type ceremonyNode struct {
	home, p2p, comet, rpc string
	done                  <-chan error
}

// startCeremonyNodes starts nodes (moved to their loopback ports, with
// short blocks, several on one address) and waits until each has made
// block 3.
func startCeremonyNodes(ctx context.Context, t *testing.T, nodes []ceremonyNode) {
	t.Helper()
	for i := range nodes {
		n := &nodes[i]
		f, err := config.LoadFile(n.home)
		if err != nil {
			t.Fatal(err)
		}
		f.CometBFT.RPC.ListenAddress = "tcp://" + n.comet
		f.CometBFT.P2P.ListenAddress = "tcp://" + n.p2p
		f.CometBFT.P2P.AllowDuplicateIP = true
		f.CometBFT.P2P.AddrBookStrict = false
		f.CometBFT.P2P.PexReactor = false
		f.CometBFT.Consensus.TimeoutCommit = 200 * time.Millisecond
		if err := config.Write(config.Path(n.home), f.CometBFT, f.Redmx); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		n.done = done
		go func() {
			root := cli.NewRoot()
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs([]string{"start", "--home", n.home})
			done <- root.ExecuteContext(ctx)
		}()
	}
	for i := range nodes {
		n := &nodes[i]
		testnet.WaitFor(ctx, t, fmt.Sprintf("node %d at height 3", i), func() error {
			select {
			case err := <-n.done:
				return devnet.Permanent(errors.Join(errors.New("start returned"), err))
			default:
			}
			h, err := devnet.CometHeight(ctx, n.comet)
			if err != nil {
				return err
			}
			if h < 3 {
				return fmt.Errorf("height %d", h)
			}
			return devnet.RPCAnswers(ctx, n.rpc)
		})
	}
}

// TestGenesisCeremonyRefusals: the ceremony's commands refuse what would
// make a network others could govern, with messages that say what to fix.
func TestGenesisCeremonyRefusals(t *testing.T) {
	dir := t.TempDir()
	pw := writePassword(t, dir)
	ins := ceremonyInstitutions(dir)
	var files []string
	for _, in := range ins {
		if out, err := contribute(t, in, pw); err != nil {
			t.Fatalf("contribute %s: %v\n%s", in.label, err, out)
		}
		files = append(files, filepath.Join(in.dir, "contribution.json"))
	}
	base := ceremonyBase(t, dir)

	// A copy of CFE's contribution governed by a public development key,
	// re-signed with every key (as a careless founder could make it).
	var c genesis.Contribution
	if err := json.Unmarshal([]byte(readFile(files[3])), &c); err != nil {
		t.Fatal(err)
	}
	dev := devkeys.Key(3)
	c.Accounts = []genesis.SignedAccount{{Address: crypto.PubkeyToAddress(dev.PublicKey)}}
	nodeKey, consKey, err := node.ReadKeys(ins[3].dir)
	if err != nil {
		t.Fatal(err)
	}
	msg := c.Message()
	c.Accounts[0].Signature, _ = crypto.Sign(genesis.AccountSigningHash(msg), dev)
	c.Validators[0].NodeSignature = genesis.SignContribution(nodeKey, msg)
	c.Validators[0].KeySignature = genesis.SignContribution(consKey, msg)
	devFile := writeJSONFile(t, dir, "dev.json", c)

	// CFE's contribution with UNAM's consensus key put in, unsigned by it.
	var swapped genesis.Contribution
	json.Unmarshal([]byte(readFile(files[3])), &swapped)
	var unam genesis.Contribution
	json.Unmarshal([]byte(readFile(files[0])), &unam)
	swapped.Validators[0].PubKey = unam.Validators[0].PubKey
	swappedFile := writeJSONFile(t, dir, "swapped.json", swapped)

	// A founder contributing for the wrong chain.
	other := ins[3]
	other.dir = filepath.Join(dir, "other")
	if out, err := contribute(t, other, pw, "--chain-id", "77004"); err != nil {
		t.Fatalf("contribute: %v\n%s", err, out)
	}

	replace := func(i int, f string) []string { s := slices.Clone(files); s[i] = f; return s }
	for _, tc := range []struct {
		name  string
		files []string
		want  string
	}{
		{"public development key", replace(3, devFile), "public development keys"},
		{"key swapped in", replace(3, swappedFile), "swapped.json: invalid contribution: CFE: accounts: account"},
		{"missing contribution", files[:3], "no contribution is labelled CFE: ask its founder"},
		{"duplicate", append(slices.Clone(files), files[1]), "two contributions are labelled IPN"},
		{"wrong chain", replace(3, filepath.Join(other.dir, "contribution.json")), "CFE: made for chain 77004"},
		{"not a contribution", replace(3, base), "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t.Context(), append([]string{"genesis", "assemble", "--base", base,
				"--out", filepath.Join(t.TempDir(), "g.json"), "--founders-out", filepath.Join(t.TempDir(), "f.json")}, tc.files...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q\n%s", err, tc.want, out)
			}
		})
	}

	typo := filepath.Join(dir, "typo.json")
	os.WriteFile(typo, []byte(`{"chainId": 77003, "colectives": []}`), 0o600)
	if _, err := run(t.Context(), append([]string{"genesis", "assemble", "--base", typo}, files...)...); err == nil || !strings.Contains(err.Error(), "colectives") {
		t.Errorf("a base with a typo: %v", err)
	}
	if out, err := contribute(t, ins[0], pw, "--chain-id", "5218"); err == nil || !strings.Contains(err.Error(), "development networks' chain ID") {
		t.Errorf("contribute with the devnet's chain ID: %v\n%s", err, out)
	}

	// A founder whose contribution is not in the genesis is told.
	gen := filepath.Join(dir, "genesis.json")
	if out, err := run(t.Context(), append([]string{"genesis", "assemble", "--base", base, "--out", gen,
		"--founders-out", filepath.Join(dir, "founders.json")}, files...)...); err != nil {
		t.Fatalf("assemble: %v\n%s", err, out)
	}
	fifth := ins[1]
	fifth.dir = filepath.Join(dir, "fifth")
	if out, err := contribute(t, fifth, pw); err != nil {
		t.Fatalf("contribute: %v\n%s", err, out)
	}
	out, err := run(t.Context(), "genesis", "verify", gen, "--contribution", filepath.Join(fifth.dir, "contribution.json"))
	if err == nil || !strings.Contains(err.Error(), "is not in this genesis as contributed") {
		t.Errorf("verify of a contribution left out: %v\n%s", err, out)
	}
}

func writeJSONFile(t *testing.T, dir, name string, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestGenesisContributeOptions: an institution without a validator, with a
// commitment of its own and two accounts; run again it keeps its accounts,
// and refuses to drop one silently; a wrong password signs nothing and makes
// no account.
func TestGenesisContributeOptions(t *testing.T) {
	dir := t.TempDir()
	pw := writePassword(t, dir)
	in := ceremonyInstitution{dir: filepath.Join(dir, "sep"), collective: "public", label: "SEP", moniker: "sep-1"}
	commitment := "0x" + strings.Repeat("5e", 32)
	out, err := contribute(t, in, pw, "--no-validator", "--commitment", commitment, "--accounts", "2")
	if err != nil {
		t.Fatalf("contribute: %v\n%s", err, out)
	}
	var c genesis.Contribution
	if err := json.Unmarshal([]byte(readFile(filepath.Join(in.dir, "contribution.json"))), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Validators) != 0 || len(c.Accounts) != 2 || c.Institution.Hex() != commitment || c.Verify() != nil {
		t.Fatalf("contribution %+v", c)
	}
	if existing := existingHomeFiles(in.dir); len(existing) != 0 {
		t.Errorf("--no-validator made node files %v", existing)
	}
	if _, err := os.Stat(filepath.Join(in.dir, "institution-salt.json")); !os.IsNotExist(err) {
		t.Errorf("--commitment wrote a salt file: %v", err)
	}
	if out, err := contribute(t, in, pw, "--no-validator", "--commitment", commitment); err != nil {
		t.Fatalf("contribute again: %v\n%s", err, out)
	}
	var again genesis.Contribution
	json.Unmarshal([]byte(readFile(filepath.Join(in.dir, "contribution.json"))), &again)
	if again.Message() != c.Message() {
		t.Errorf("contributing again changed the accounts: %v, then %v", c.Accounts, again.Accounts)
	}
	if _, err := contribute(t, in, pw, "--no-validator", "--commitment", commitment, "--accounts", "1"); err == nil || !strings.Contains(err.Error(), "more than --accounts 1") {
		t.Errorf("dropping an account: %v", err)
	}
	wrong := filepath.Join(dir, "wrong")
	os.WriteFile(wrong, []byte("not the password\n"), 0o600)
	if _, err := contribute(t, in, wrong, "--no-validator", "--commitment", commitment, "--officer", "Advisor"); err == nil || !strings.Contains(err.Error(), "could not decrypt") {
		t.Errorf("a wrong password: %v", err)
	}
	if keys, _ := os.ReadDir(filepath.Join(in.dir, "keystore")); len(keys) != 2 {
		t.Errorf("the keystore holds %d keys after a wrong password, want the 2 accounts", len(keys))
	}
	for _, bad := range [][]string{{"--commitment", "0x12"}, {"--accounts", "0"}} {
		if _, err := contribute(t, in, pw, bad...); err == nil {
			t.Errorf("contribute %v succeeded", bad)
		}
	}
}

// existingHomeFiles lists what home's config/ and data/ hold.
func existingHomeFiles(home string) []string {
	var out []string
	for _, d := range node.HomeDirs() {
		entries, _ := os.ReadDir(filepath.Join(home, d))
		for _, e := range entries {
			out = append(out, filepath.Join(d, e.Name()))
		}
	}
	return out
}
