package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWrite: a run's lines become the table (a rerun of a row keeps its
// last line, bars are escaped), the other version's figures are kept, and
// a line for a row outside the table is refused.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	doc, data, results := filepath.Join(dir, "faults.md"), filepath.Join(dir, "faults.json"), filepath.Join(dir, "run.jsonl")
	put := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	put(doc, "intro\n"+begin+"\nold table\n"+end+"\nafter\n")
	put(results, `{"row":3,"fault":"q","mode":"long","passed":false,"figures":[{"name":"halt","value":"1s"}]}
{"row":3,"fault":"q","mode":"long","passed":true,"figures":[{"name":"halt","value":"60s"}]}
{"row":5,"fault":"p","mode":"long","passed":true,"figures":[{"name":"3 | 1","value":"8 blocks"}]}
`)
	if err := write(results, "long", doc, data); err != nil {
		t.Fatal(err)
	}
	put(results, `{"row":4,"fault":"p","mode":"short","passed":false,"figures":[]}`+"\n")
	if err := write(results, "short", doc, data); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{
		"intro\n", "\nafter\n",
		"| 3 | quorum lost: 2 of 4 validators stopped |",
		"| not run | **pass**<br>halt: 60s |", // short: not run; long: the rerun's line
		"| **FAIL** | not run |",              // row 4 failed in the short run, not in the long one
		`**pass**<br>3 \| 1: 8 blocks`,
		`partitions (network namespaces): 3 \| 1`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "old table") {
		t.Error("the old table is still there")
	}
	// A long run of row 5 alone keeps row 3 from the first long run.
	put(results, `{"row":5,"fault":"p","mode":"long","passed":false,"figures":[{"name":"3 | 1","value":"0 blocks"}]}`+"\n")
	if err := write(results, "long", doc, data); err != nil {
		t.Fatal(err)
	}
	got, err = os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	s = string(got)
	for _, want := range []string{
		"- **long** runs:\n  - row 5: ",
		"\n  - row 3: ",
		"| not run | **pass**<br>halt: 60s |",
		"| not run | **FAIL**<br>3 \\| 1: 0 blocks |",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("after a run of row 5, the table lacks %q:\n%s", want, s)
		}
	}
	// A run of both drops the older runs.
	put(results, `{"row":3,"fault":"q","mode":"long","passed":true,"figures":[]}
{"row":5,"fault":"p","mode":"long","passed":true,"figures":[]}
`)
	if err := write(results, "long", doc, data); err != nil {
		t.Fatal(err)
	}
	if got, err = os.ReadFile(doc); err != nil {
		t.Fatal(err)
	}
	if s = string(got); strings.Contains(s, "long** runs") || !strings.Contains(s, "- **long** run: ") {
		t.Errorf("a run of every row kept older runs:\n%s", s)
	}
	put(results, `{"row":13,"fault":"x","mode":"short","passed":true}`+"\n")
	if err := write(results, "short", doc, data); err == nil || !strings.Contains(err.Error(), "row 13") {
		t.Errorf("a row outside the table: %v", err)
	}
}
