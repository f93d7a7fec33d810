package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redmx/redmx/devnet"
)

// --param sets governance parameters of a new devnet's genesis; a bad one is
// refused with a message that says what to do, and nothing is laid out.
func TestDevnetParamRefusals(t *testing.T) {
	for _, tc := range []struct {
		flag, want string
	}{
		{"leaderTerm", "want NAME=VALUE"},
		{"noSuchParam=5", "no such governance parameter; the parameters are gasLimit"},
		{"leaderTerm=soon", "must be a whole number"},
		{"ratificationPeriod=1", "ratificationPeriod"},
	} {
		dir := filepath.Join(t.TempDir(), "net")
		_, err := run(context.Background(), "devnet", "--dir", dir, "--param", tc.flag)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--param %s: err %v, want it to say %q", tc.flag, err, tc.want)
		}
		if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
			t.Errorf("--param %s: the refused devnet left %d files in its directory", tc.flag, len(entries))
		}
	}
}

// --no-governance applies when a devnet is created: it is refused with
// --param, and on an existing governed devnet, rather than ignored.
func TestDevnetNoGovernanceRefusals(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "net")
	_, err := run(context.Background(), "devnet", "--dir", dir, "--no-governance", "--param", "leaderTerm=300")
	if err == nil || !strings.Contains(err.Error(), "use one of them") {
		t.Errorf("--no-governance with --param: err %v", err)
	}
	if _, err := devnet.Generate(dir, devnet.Config{Validators: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = run(context.Background(), "devnet", "--dir", dir, "--no-governance")
	if err == nil || !strings.Contains(err.Error(), "add --reset to create a new one with --no-governance") {
		t.Errorf("--no-governance on a governed devnet: err %v", err)
	}
}
