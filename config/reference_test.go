package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/redmx/redmx/config"
)

var update = flag.Bool("update", false, "rewrite the generated tables of docs/operations.md")

// TestOperationsReference: the docs' table of each [redmx] section is
// generated from the section's struct (key, default, comment tag), so the
// reference never drifts from the code. A table lives in docs/operations.md,
// or in the page of its topic (referenceDocs). A new setting is one field;
// run `go test ./config -run TestOperationsReference -update` to refresh.
func TestOperationsReference(t *testing.T) {
	texts := make([]string, len(referenceDocs))
	outs := make([]string, len(referenceDocs))
	for i, path := range referenceDocs {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		texts[i], outs[i] = string(data), string(data)
	}
	v := reflect.ValueOf(config.Default())
	for i := range v.NumField() {
		name := config.Section + "." + v.Type().Field(i).Tag.Get("toml")
		found := false
		for j, out := range outs {
			begin := strings.Index(out, "<!-- BEGIN "+name+":")
			end := strings.Index(out, "<!-- END "+name+" -->")
			if begin < 0 || end < begin {
				continue
			}
			found = true
			begin += strings.Index(out[begin:], "\n") + 1
			outs[j] = out[:begin] + reference(t, v.Field(i)) + out[end:]
		}
		if !found {
			t.Errorf("%s: no generated table of [%s] (<!-- BEGIN %s: … --> … <!-- END %s -->)", strings.Join(referenceDocs, ", "), name, name, name)
		}
	}
	for i, path := range referenceDocs {
		if outs[i] == texts[i] {
			continue
		}
		if *update {
			if err := os.WriteFile(path, []byte(outs[i]), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: the tables of [redmx] keys differ from the code; run go test ./config -run TestOperationsReference -update", path)
	}
}

// referenceDocs are the pages that hold the generated tables.
var referenceDocs = []string{
	filepath.Join("..", "docs", "operations.md"),
	filepath.Join("..", "docs", "monitoring.md"),
}

// reference is the markdown table of a section: every key, its default as
// written in TOML, and its comment tag.
func reference(t *testing.T, sec reflect.Value) string {
	var b strings.Builder
	b.WriteString("| key | default | meaning |\n|---|---|---|\n")
	for i := range sec.NumField() {
		f := sec.Type().Field(i)
		key := f.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		kv, err := toml.Marshal(map[string]any{key: sec.Field(i).Interface()})
		if err != nil {
			t.Fatal(err)
		}
		def := strings.TrimSpace(strings.TrimPrefix(string(kv), key+" = "))
		b.WriteString("| `" + key + "` | `" + def + "` | " + f.Tag.Get("comment") + " |\n")
	}
	return b.String()
}
