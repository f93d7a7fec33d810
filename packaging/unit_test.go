package packaging

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDefaultUnit: redmx.service as committed is the unit for DefaultUnit,
// so the file and what 'redmx init --service' writes cannot drift apart.
func TestDefaultUnit(t *testing.T) {
	got, err := DefaultUnit().Render()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != unitFile {
		t.Errorf("DefaultUnit().Render() differs from redmx.service")
	}
}

// keys parses a unit into section.key -> values, as systemd reads it.
func keys(unit []byte) map[string][]string {
	m := map[string][]string{}
	section := ""
	for _, line := range strings.Split(string(unit), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, _ := strings.Cut(line, "=")
			m[section+"."+k] = append(m[section+"."+k], v)
		}
	}
	return m
}

// TestRender: the unit runs the given binary on the given home as the given
// user, may write only its home, restarts on failure and stops cleanly.
func TestRender(t *testing.T) {
	u := Unit{Binary: "/opt/redmx/bin/redmx", Home: "/srv/redmx-1", User: "redmx1"}
	b, err := u.Render()
	if err != nil {
		t.Fatal(err)
	}
	k := keys(b)
	last := func(key string) string {
		v := k[key]
		if len(v) == 0 {
			return ""
		}
		return v[len(v)-1] // systemd: the last assignment wins
	}
	for key, want := range map[string]string{
		"Service.ExecStart":       "/opt/redmx/bin/redmx start --home /srv/redmx-1",
		"Service.User":            "redmx1",
		"Service.ReadWritePaths":  "/srv/redmx-1",
		"Service.Restart":         "on-failure",
		"Service.ProtectSystem":   "strict",
		"Service.ProtectHome":     "yes",
		"Service.PrivateTmp":      "yes",
		"Service.NoNewPrivileges": "yes",
		"Service.LimitNOFILE":     "65536",
		"Service.KillSignal":      "SIGTERM",
		"Service.TimeoutStopSec":  "300s",
		"Install.WantedBy":        "multi-user.target",
	} {
		if got := last(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if bytes.Contains(b, []byte("/var/lib/redmx")) || bytes.Contains(b, []byte("/usr/local/bin")) {
		t.Errorf("the unit still names the default paths:\n%s", b)
	}

	// A home under /home stays reachable: ProtectHome=yes would hide it.
	u.Home = "/home/ops/.redmx"
	if b, err = u.Render(); err != nil {
		t.Fatal(err)
	}
	if got := keys(b)["Service.ProtectHome"]; len(got) != 1 || got[0] != "read-only" {
		t.Errorf("home under /home: ProtectHome = %v, want read-only", got)
	}
}

// TestRenderRefuses: what cannot be written into a unit unquoted is refused.
func TestRenderRefuses(t *testing.T) {
	ok := DefaultUnit()
	for _, u := range []Unit{
		{Binary: "redmx", Home: ok.Home, User: ok.User},
		{Binary: ok.Binary, Home: "relative/home", User: ok.User},
		{Binary: ok.Binary, Home: "/srv/my node", User: ok.User},
		{Binary: ok.Binary, Home: "/srv/100%", User: ok.User},
		{Binary: ok.Binary, Home: "/srv/x\nExecStartPre=/bin/sh", User: ok.User},
		{Binary: ok.Binary, Home: "/srv/../etc", User: ok.User},
		{Binary: ok.Binary, Home: "/", User: ok.User},
		{Binary: ok.Binary, Home: ok.Home, User: "root"},
		{Binary: ok.Binary, Home: ok.Home, User: "Red MX"},
		{Binary: ok.Binary, Home: ok.Home, User: ""},
	} {
		if _, err := u.Render(); err == nil {
			t.Errorf("Render(%+v) accepted it", u)
		}
	}
}

// TestSystemdVerify: systemd itself parses the written unit, where
// systemd-analyze is installed (it needs no running systemd).
func TestSystemdVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; TestRender checked the unit's keys")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "redmx")
	// verify checks that ExecStart's program exists and is executable.
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	b, err := Unit{Binary: bin, Home: home, User: "redmx"}.Render()
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(dir, "redmx.service")
	if err := os.WriteFile(unit, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// verify exits 0 on unknown keys and bad values: it only warns.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "redmx.service") {
			t.Errorf("systemd-analyze verify: %s", line)
		}
	}
}
