package cli_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/redmx/redmx/internal/devkeys"
)

// TestKeys: create, import (from a file and stdin) and list round-trip
// through an encrypted keystore, and the imported key decrypts with the
// password.
func TestKeys(t *testing.T) {
	dir := t.TempDir()
	ks := filepath.Join(dir, "ks")
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("secret\n"), 0o600)
	flags := []string{"--keystore", ks, "--password-file", pwFile, "--lightkdf"}

	out, err := run(t.Context(), append([]string{"keys", "create", "--json"}, flags...)...)
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	var created struct{ Address, File string }
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("create --json: %v\n%s", err, out)
	}

	key := devkeys.Key(3)
	addr := crypto.PubkeyToAddress(key.PublicKey)
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("0x"+hex.EncodeToString(crypto.FromECDSA(key))+"\n"), 0o600)
	out, err = run(t.Context(), append([]string{"keys", "import", keyFile}, flags...)...)
	if err != nil || !strings.Contains(out, addr.Hex()) {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// Again: the keystore refuses a key it holds.
	if _, err := run(t.Context(), append([]string{"keys", "import", keyFile}, flags...)...); err == nil {
		t.Error("second import of one key succeeded")
	}
	// From stdin.
	key2 := devkeys.Key(4)
	out, err = runStdin(t.Context(), hex.EncodeToString(crypto.FromECDSA(key2)), append([]string{"keys", "import"}, flags...)...)
	if err != nil || !strings.Contains(out, crypto.PubkeyToAddress(key2.PublicKey).Hex()) {
		t.Fatalf("import from stdin: %v\n%s", err, out)
	}
	// A malformed key names what is wanted.
	os.WriteFile(keyFile, []byte("nothex"), 0o600)
	if _, err := run(t.Context(), append([]string{"keys", "import", keyFile}, flags...)...); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
		t.Errorf("malformed key: %v", err)
	}
	// No password file and no terminal: a clear refusal.
	if _, err := run(t.Context(), "keys", "create", "--keystore", ks, "--lightkdf"); err == nil || !strings.Contains(err.Error(), "--password-file") {
		t.Errorf("no password: %v", err)
	}

	out, err = run(t.Context(), "keys", "list", "--keystore", ks, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []struct{ Address, File string }
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 3 {
		t.Fatalf("list: %v %s", err, out)
	}
	found := map[string]string{}
	for _, a := range list {
		found[strings.ToLower(a.Address)] = a.File
	}
	if _, ok := found[strings.ToLower(created.Address)]; !ok {
		t.Errorf("created account missing from %s", out)
	}
	data, err := os.ReadFile(found[strings.ToLower(addr.Hex())])
	if err != nil {
		t.Fatal(err)
	}
	k, err := keystore.DecryptKey(data, "secret")
	if err != nil || k.Address != addr {
		t.Fatalf("decrypt imported key: %v", err)
	}
	out, err = run(t.Context(), "keys", "list", "--keystore", ks)
	if err != nil || !strings.Contains(out, addr.Hex()) {
		t.Fatalf("list: %v %s", err, out)
	}
}
