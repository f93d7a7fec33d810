package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Rows are the table's faults and what passing means, in the order.
var rows = []struct{ fault, pass string }{
	1:  {"soak: 4 validators, mixed load", "block interval p50 ≤ 1.5 s, p99 ≤ 3 s; every valid tx mined; RSS growth < 10 % after warm-up"},
	2:  {"crash at each commit step (fail points)", "each node restarts and converges; receipts of the last block present"},
	3:  {"quorum lost: 2 of 4 validators stopped", "no blocks, no fork; RPC serves reads and says it is not finalising; blocks resume within 30 s of one returning"},
	4:  {"pause: SIGSTOP one validator", "chain continues; the node catches up; its missed signatures counted exactly"},
	5:  {"partitions (network namespaces): 3 | 1, then 2 | 2, then heal", "3 | 1 continues; 2 | 2 halts without fork; live within 30 s of healing"},
	6:  {"slow and lossy links (userspace proxy)", "finalises throughout; receipt p99 ≤ 5 s at 100 ms"},
	7:  {"clock skew ±10 s and ±60 s on one validator", "block times strictly increasing; no halt; the skew is reported"},
	8:  {"double signing: a second process with one validator's key", "no fork; evidence committed within 10 blocks; the node and its collective visible in governance views"},
	9:  {"rolling restart under load; upgrade at a governance-set height", "no stall > 10 s; the upgrade happens at the voted height on every node; an old binary stops with its message"},
	10: {"governance under faults: admit a node, remove a validator, while one is killed", "the new set takes effect at the same height on all nodes; no halt"},
	11: {"full disk: the data directory on a small tmpfs filled to 100 %", "the node stops cleanly with a clear error; after space is freed it restarts with no corruption"},
	12: {"determinism: replay on a fresh node; GOMAXPROCS, TZ, locale differ", "identical app hash at every height"},
}

type figure struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type result struct {
	Row     int      `json:"row"`
	Fault   string   `json:"fault"`
	Mode    string   `json:"mode"`
	Passed  bool     `json:"passed"`
	Figures []figure `json:"figures"`
}

// run is one run of the suite, as kept in the data file.
type run struct {
	Date    string   `json:"date"`
	Commit  string   `json:"commit"`
	Machine string   `json:"machine"`
	Results []result `json:"results"`
}

// runs are the runs of one version whose results the table shows, newest
// first: a run of some rows only (-run) replaces those rows and keeps the
// others' results from the runs before it, each with its own commit.
type runs []*run

// add puts r first and drops from the older runs the rows r has, and the
// runs left with none.
func (rs runs) add(r *run) runs {
	out := runs{r}
	for _, old := range rs {
		old.Results = slices.DeleteFunc(old.Results, func(x result) bool { return r.has(x.Row) })
		if len(old.Results) > 0 {
			out = append(out, old)
		}
	}
	return out
}

func (r *run) has(row int) bool {
	return slices.ContainsFunc(r.Results, func(x result) bool { return x.Row == row })
}

// UnmarshalJSON reads a version's runs, or the one run older data files kept.
func (rs *runs) UnmarshalJSON(data []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		var r run
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		*rs = runs{&r}
		return nil
	}
	return json.Unmarshal(data, (*[]*run)(rs))
}

const (
	begin = "<!-- faults:begin (written by scripts/faults; edit around it) -->"
	end   = "<!-- faults:end -->"
)

func main() {
	resultsPath := flag.String("results", "", "the report lines of a run (REDMX_FAULTS_REPORT)")
	mode := flag.String("mode", "short", "the version that ran: short or long")
	docPath := flag.String("doc", "docs/faults.md", "the document whose table to write")
	dataPath := flag.String("data", "docs/faults.json", "the last run of each version")
	flag.Parse()
	if err := write(*resultsPath, *mode, *docPath, *dataPath); err != nil {
		fmt.Fprintln(os.Stderr, "faultreport:", err)
		os.Exit(1)
	}
}

func write(resultsPath, mode, docPath, dataPath string) error {
	if mode != "short" && mode != "long" {
		return fmt.Errorf("-mode %q: want short or long", mode)
	}
	results, err := readResults(resultsPath)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("%s has no results: did the suite run?", resultsPath)
	}
	byMode := map[string]runs{}
	if data, err := os.ReadFile(dataPath); err == nil {
		if err := json.Unmarshal(data, &byMode); err != nil {
			return fmt.Errorf("%s: %w", dataPath, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	byMode[mode] = byMode[mode].add(&run{Date: time.Now().UTC().Format("2006-01-02"), Commit: commit(), Machine: machine(), Results: results})
	data, err := json.MarshalIndent(byMode, "", "  ")
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		return err
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %q … %q section to write", docPath, begin, end)
	}
	var out bytes.Buffer
	out.Write(doc[:i+len(begin)])
	out.WriteString("\n")
	out.WriteString(table(byMode))
	out.Write(doc[j:])
	if err := os.WriteFile(dataPath, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(docPath, out.Bytes(), 0o644)
}

// readResults reads one result per line; a test that ran twice (a rerun)
// keeps its last line.
func readResults(path string) ([]result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byRow := map[int]int{}
	var out []result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if r.Row < 1 || r.Row >= len(rows) {
			return nil, fmt.Errorf("%s:%d: row %d is not in the table", path, n, r.Row)
		}
		if k, ok := byRow[r.Row]; ok {
			out[k] = r
			continue
		}
		byRow[r.Row] = len(out)
		out = append(out, r)
	}
	return out, sc.Err()
}

// table renders the table of every row with the figures of each version.
func table(byMode map[string]runs) string {
	var b strings.Builder
	for _, m := range []string{"short", "long"} {
		rs := byMode[m]
		switch {
		case len(rs) == 0:
			fmt.Fprintf(&b, "- **%s** run: not run yet (`bash scripts/faults %s`).\n", m, m)
		case len(rs) == 1:
			fmt.Fprintf(&b, "- **%s** run: %s, commit %s, %s.\n", m, rs[0].Date, rs[0].Commit, rs[0].Machine)
		default:
			fmt.Fprintf(&b, "- **%s** runs:\n", m)
			for _, r := range rs {
				fmt.Fprintf(&b, "  - %s: %s, commit %s, %s.\n", rowList(r), r.Date, r.Commit, r.Machine)
			}
		}
	}
	b.WriteString("\n| # | fault | pass | short run | long run |\n|---|---|---|---|---|\n")
	for n := 1; n < len(rows); n++ {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", n, escape(rows[n].fault), escape(rows[n].pass), cell(byMode["short"], n), cell(byMode["long"], n))
	}
	return b.String()
}

// rowList names r's rows, runs of consecutive ones as ranges: "rows 1, 3–5".
func rowList(r *run) string {
	var ns []int
	for _, x := range r.Results {
		ns = append(ns, x.Row)
	}
	slices.Sort(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, fmt.Sprint(ns[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	if len(ns) == 1 {
		return "row " + parts[0]
	}
	return "rows " + strings.Join(parts, ", ")
}

func cell(rs runs, row int) string {
	if len(rs) == 0 {
		return "—"
	}
	var res *result
	for _, r := range rs {
		if i := slices.IndexFunc(r.Results, func(x result) bool { return x.Row == row }); i >= 0 {
			res = &r.Results[i]
			break
		}
	}
	if res == nil {
		return "not run"
	}
	var parts []string
	if res.Passed {
		parts = append(parts, "**pass**")
	} else {
		parts = append(parts, "**FAIL**")
	}
	for _, f := range res.Figures {
		parts = append(parts, escape(f.Name)+": "+escape(f.Value))
	}
	return strings.Join(parts, "<br>")
}

func escape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// machine describes the machine the run measured.
func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb uint64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %d GiB", (kb+1<<19)>>20)
		}
	}
	return fmt.Sprintf("%d cores (%s)%s, %s %s/%s", runtime.NumCPU(), cpu, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
