package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/redmx/redmx/internal/testnet"
)

// dashboardPath is the Grafana dashboard operators import.
var dashboardPath = filepath.Join("..", "docs", "grafana", "redmx.json")

// dashboardExprs returns the PromQL of every panel of the dashboard, by
// panel title.
func dashboardExprs(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title  string
		Panels []struct {
			Type    string
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", dashboardPath, err)
	}
	out := make(map[string][]string)
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("%s: panel %q has no query", dashboardPath, p.Title)
		}
		for _, tg := range p.Targets {
			out[p.Title] = append(out[p.Title], tg.Expr)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no panels", dashboardPath)
	}
	return out
}

// monitoringDoc is the operators' page that holds the alert rules.
var monitoringDoc = filepath.Join("..", "docs", "monitoring.md")

// alertRules returns the alert rules file of docs/monitoring.md (its YAML
// block with "groups:") and every rule's expression.
func alertRules(t *testing.T) (file string, exprs []string) {
	t.Helper()
	data, err := os.ReadFile(monitoringDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(data), "```yaml\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if !strings.HasPrefix(block, "groups:") {
			continue
		}
		for _, line := range strings.Split(block, "\n") {
			if e, ok := strings.CutPrefix(strings.TrimSpace(line), "expr: "); ok {
				exprs = append(exprs, e)
			}
		}
		return block, exprs
	}
	t.Fatalf("%s: no alert rules (a yaml block starting with groups:)", monitoringDoc)
	return "", nil
}

// TestAlertRules: the alert rules of docs/monitoring.md pass promtool's
// check (promtool beside $REDMX_PROMETHEUS, or on the PATH).
func TestAlertRules(t *testing.T) {
	file, exprs := alertRules(t)
	if len(exprs) == 0 {
		t.Fatal("no rule expressions")
	}
	promtool := ""
	if bin := os.Getenv("REDMX_PROMETHEUS"); bin != "" {
		promtool = filepath.Join(filepath.Dir(bin), "promtool")
	} else if p, err := exec.LookPath("promtool"); err == nil {
		promtool = p
	} else {
		t.Skip("no promtool: install Debian's package prometheus, or set REDMX_PROMETHEUS")
	}
	path := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
}

// seriesName finds the names of series in PromQL: identifiers of the
// families a node serves (functions and label names are not prefixed so).
var seriesName = regexp.MustCompile(`\b(?:redmx|cometbft|go|process)_[a-zA-Z0-9_:]+`)

// family is the family a series name belongs to: a histogram's _bucket,
// _sum and _count belong to the histogram.
func family(fams map[string]*dto.MetricFamily, name string) (string, bool) {
	if _, ok := fams[name]; ok {
		return name, true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			if f, ok := fams[base]; ok && (f.GetType() == dto.MetricType_HISTOGRAM || f.GetType() == dto.MetricType_SUMMARY) {
				return base, true
			}
		}
	}
	return "", false
}

// concrete makes a dashboard query runnable outside Grafana: its variables
// replaced.
func concrete(expr string) string {
	return strings.NewReplacer("$instance", ".+", "$__rate_interval", "10s").Replace(expr)
}

// TestDocsQueries: the dashboard in docs/grafana is valid JSON, and every
// series its panels and the alert rules of docs/monitoring.md query is one
// a running node serves.
func TestDocsQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node")
	}
	exprs := dashboardExprs(t)
	_, rules := alertRules(t)
	exprs["alert rules"] = rules
	m := startMonitored(t, 2, 15*time.Second) // two, so that there are peers
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	base := "http://" + m.nodes[0].node.MetricsAddr().String()
	var fams map[string]*dto.MetricFamily
	testnet.WaitFor(ctx, t, "a few blocks and an RPC call", func() error {
		// An RPC call, so that the RPC series exist.
		resp, err := http.Post("http://"+m.nodes[0].node.RPCAddr().String(), "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if fams, err = scrape(ctx, base); err != nil {
			return err
		}
		if h, _ := value(fams, "redmx_block_height", nil); h < 3 {
			return fmt.Errorf("height %v", h)
		}
		return nil
	})
	n := 0
	for title, list := range exprs {
		for _, e := range list {
			names := seriesName.FindAllString(e, -1)
			if len(names) == 0 && !strings.HasPrefix(e, "up{") { // up: Prometheus's own
				t.Errorf("panel %q: %q names no series", title, e)
			}
			for _, name := range names {
				n++
				if _, ok := family(fams, name); !ok {
					t.Errorf("panel %q queries %s, which the node does not serve", title, name)
				}
			}
		}
	}
	t.Logf("%d panels and %d alert rules, %d series references checked", len(exprs)-1, len(rules), n)
}

// prometheusBinary is the Prometheus server the test runs: $REDMX_PROMETHEUS,
// or prometheus on the PATH. With REDMX_PROMETHEUS set (CI sets it) a
// Prometheus that cannot run fails the test instead of skipping it.
func prometheusBinary(t *testing.T) string {
	if bin := os.Getenv("REDMX_PROMETHEUS"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("no prometheus binary: install Debian's package prometheus, or set REDMX_PROMETHEUS to a Prometheus server binary")
	}
	return bin
}

// freePort is a loopback port free a moment ago.
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// promQuery runs an instant query on the Prometheus at base and returns its
// vector's samples as label sets with values.
func promQuery(ctx context.Context, base, q string) ([]promSample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/query?query="+url.QueryEscape(q), nil)
	if err != nil {
		return nil, err
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Status string
		Error  string
		Data   struct {
			ResultType string
			Result     []struct {
				Metric map[string]string
				Value  [2]any
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, out.Error)
	}
	var res []promSample
	for _, r := range out.Data.Result {
		var v float64
		if s, ok := r.Value[1].(string); ok {
			fmt.Sscan(s, &v)
		}
		res = append(res, promSample{labels: r.Metric, value: v})
	}
	return res, nil
}

type promSample struct {
	labels map[string]string
	value  float64
}

// TestPrometheusScrapes: a real Prometheus scrapes a node's /metrics every
// second; through its query API, the target is up, the redmx and cometbft
// series are there, the height moves, and every query of the Grafana
// dashboard is valid PromQL that Prometheus answers.
func TestPrometheusScrapes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node and a Prometheus server")
	}
	bin := prometheusBinary(t)
	m := startMonitored(t, 2, 15*time.Second) // two, so that there are peers
	target := m.nodes[0].node.MetricsAddr().String()

	dir := t.TempDir()
	rules, _ := alertRules(t)
	if err := os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["rules.yml"]
scrape_configs:
  - job_name: redmx
    static_configs:
      - targets: ["%s"]
`, target)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+listen, "--log.level=warn")
	out, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // by PID
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			if log, err := os.ReadFile(out.Name()); err == nil {
				t.Logf("prometheus log:\n%s", log)
			}
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	base := "http://" + listen
	start := time.Now()
	testnet.WaitFor(ctx, t, "Prometheus scraping the node", func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("prometheus exited: %v", err)
		default:
		}
		up, err := promQuery(context.WithoutCancel(ctx), base, `up{job="redmx"}`)
		if err != nil {
			return err
		}
		if len(up) != 1 || up[0].value != 1 {
			return fmt.Errorf("up = %+v", up)
		}
		return nil
	})
	t.Logf("target up in Prometheus %s after its start", time.Since(start).Round(time.Millisecond))

	// The height moves in Prometheus's own storage, and the main series
	// of both namespaces are stored.
	testnet.WaitFor(ctx, t, "the height moving in Prometheus", func() error {
		for _, q := range []string{"redmx_block_height", "cometbft_consensus_height", "redmx_block_execution_seconds_count",
			"redmx_block_commit_seconds_count", "redmx_txpool_transactions", "cometbft_p2p_peers", "process_resident_memory_bytes"} {
			s, err := promQuery(context.WithoutCancel(ctx), base, q)
			if err != nil {
				return err
			}
			if len(s) == 0 {
				return fmt.Errorf("no %s", q)
			}
		}
		s, err := promQuery(context.WithoutCancel(ctx), base, `max_over_time(redmx_block_height[1m]) - min_over_time(redmx_block_height[1m])`)
		if err != nil {
			return err
		}
		if len(s) == 0 || s[0].value < 3 {
			return fmt.Errorf("height rose by %+v in Prometheus", s)
		}
		return nil
	})
	// Prometheus loaded the alert rules and evaluates them without error.
	_, ruleExprs := alertRules(t)
	testnet.WaitFor(ctx, t, "the alert rules evaluated", func() error {
		resp, err := probeClient.Get(base + "/api/v1/rules")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name, Health, LastError string
					}
				}
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return err
		}
		n := 0
		for _, g := range out.Data.Groups {
			for _, r := range g.Rules {
				if r.Health != "ok" {
					return fmt.Errorf("rule %s: health %q %s", r.Name, r.Health, r.LastError)
				}
				n++
			}
		}
		if n != len(ruleExprs) {
			return fmt.Errorf("%d rules evaluated, want %d", n, len(ruleExprs))
		}
		return nil
	})
	// Under a few transfers, their count reaches Prometheus.
	const txs = 5
	sendTransfers(ctx, t, m, txs)
	testnet.WaitFor(ctx, t, "the transfers counted in Prometheus", func() error {
		s, err := promQuery(context.WithoutCancel(ctx), base, `increase(redmx_transactions_total[1m])`)
		if err != nil {
			return err
		}
		if len(s) == 0 || s[0].value < txs {
			return fmt.Errorf("transactions in the last minute: %+v", s)
		}
		return nil
	})
	// Every dashboard query is valid and, once rates have two samples,
	// answered.
	testnet.WaitFor(ctx, t, "every dashboard query answered", func() error {
		for title, list := range dashboardExprs(t) {
			for _, e := range list {
				s, err := promQuery(context.WithoutCancel(ctx), base, concrete(e))
				if err != nil {
					return fmt.Errorf("panel %q: %w", title, err)
				}
				if len(s) == 0 {
					return fmt.Errorf("panel %q: %s answers nothing", title, concrete(e))
				}
			}
		}
		return nil
	})
}
