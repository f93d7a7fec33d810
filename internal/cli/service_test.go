package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitService: init --service writes a systemd unit that runs this
// binary on the new home as the named user, and systemd parses it.
func TestInitService(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	unitFile := filepath.Join(dir, "redmx-test.service")
	out, err := run(t.Context(), "init", "--dev", "--home", home, "--service", unitFile, "--service-user", "redmxtest")
	if err != nil {
		t.Fatalf("init --service: %v\n%s", err, out)
	}
	unit, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if bin, err = filepath.EvalSymlinks(bin); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nExecStart=" + bin + " start --home " + home + "\n", "\nUser=redmxtest\n", "\nReadWritePaths=" + home + "\n"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %q:\n%s", strings.TrimSpace(want), unit)
		}
	}
	for _, want := range []string{"chown -R redmxtest: " + home, "systemctl enable --now redmx-test.service", "journalctl -u redmx-test.service"} {
		if !strings.Contains(out, want) {
			t.Errorf("init's output lacks %q:\n%s", want, out)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".redmx-service-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		out, err := exec.Command(analyze, "verify", unitFile).CombinedOutput()
		if err != nil || strings.Contains(string(out), unitFile) {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	}
}

// TestInitServiceRefusals: a unit that cannot be written, or has no node to
// run, is refused before the home is touched.
func TestInitServiceRefusals(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dev", "--service", filepath.Join(dir, "missing", "redmx.service")}, "--service"},
		{[]string{"--dev", "--service", filepath.Join(dir, "redmx.service"), "--service-user", "root"}, "not root"},
		{[]string{"--keys-only", "--service", filepath.Join(dir, "redmx.service")}, "--genesis"},
		{[]string{"--dev", "--service-user", "redmx"}, "needs --service"},
	} {
		_, err := run(t.Context(), append([]string{"init", "--home", home}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("init %v: got %v, want an error that mentions %q", c.args, err, c.want)
		}
		if _, err := os.Stat(home); !os.IsNotExist(err) {
			t.Fatalf("init %v made the home", c.args)
		}
	}
}
