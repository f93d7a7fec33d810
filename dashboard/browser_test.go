package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// Environment of the browser test.
const (
	// envRequire makes the browser test fail, not skip, without a browser
	// (CI sets it).
	envRequire = "REDMX_BROWSER_TEST"
	// envBrowser names the browser binary (default: chromium on PATH).
	envBrowser = "REDMX_BROWSER"
	// envShots is a directory to write the screenshots to (default: the
	// test's temporary directory).
	envShots = "REDMX_DASHBOARD_SHOTS"
)

// transfers are sent for the charts and the explorer.
const transfers = 20

// detectWithin is how soon a stopped validator must show stale or offline
// and its missed signatures counted.
const detectWithin = 15 * time.Second

func browserPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(envBrowser); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(envRequire) != "" {
		t.Fatalf("%s is set but no browser was found: install Debian's chromium (apt-get install chromium) or set %s", envRequire, envBrowser)
	}
	t.Skipf("no headless browser (chromium) found: install Debian's chromium to run the dashboard's browser test, or set %s=1 to make it mandatory", envRequire)
	return ""
}

// TestDashboardInBrowser runs four validators in process and drives node 0's
// dashboard in headless Chromium: every view shows data, the height moves
// without a reload, a validator stopped shows stale or offline and its
// missed signatures are counted within 15 s (equal to what the chain's
// commits show), and it comes back online when restarted.
func TestDashboardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("network test")
	}
	chrome := browserPath(t)
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 500 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	net.WaitHeight(ctx, t, 3)
	url := "http://" + net.Nodes[0].RPC + "/dashboard/"

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	pg := page{t: t, ctx: bctx}
	start := time.Now()
	run("open the dashboard", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#validators tbody tr")))
	t.Logf("dashboard loaded in %s", time.Since(start).Round(time.Millisecond))

	// Network view: the height moves live, four validators listed.
	h0 := pg.height()
	waitPage(ctx, t, "the height to move without a reload", func() error {
		if h := pg.height(); h <= h0 {
			return fmt.Errorf("height %d, was %d", h, h0)
		}
		return nil
	})
	vals := eval[int](pg, `document.querySelectorAll("#validators tbody tr").length`)
	if vals != 4 {
		t.Fatalf("validators shown: %d, want 4", vals)
	}
	chart := eval[int](pg, `document.querySelectorAll("#chart-txs rect").length`)
	if chart == 0 {
		t.Fatalf("no bars in the transactions chart")
	}

	// Nodes view: the four nodes online, from their reports.
	run("nodes tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="nodes"]`)))
	ids := make([]string, 4)
	for i := range ids {
		ids[i] = net.Nodes[i].NodeID
	}
	waitPage(ctx, t, "every node online on the page", func() error {
		for i, id := range ids {
			if st := pg.nodeState(id); st != "online" {
				return fmt.Errorf("%s %s", net.Nodes[i].Name, st)
			}
		}
		return nil
	})

	// Transfers: the chart counts them, the explorer finds one.
	ec, err := ethclient.DialContext(ctx, "http://"+net.Nodes[0].RPC)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	var lastTx common.Hash
	for i := range uint64(transfers) {
		tx := ethtest.Transfer(ethtest.DevKey(0), net.ChainID, i, ethtest.Address(ethtest.DevKey(1)), big.NewInt(1))
		if err := ec.SendTransaction(ctx, tx); err != nil {
			t.Fatalf("transfer %d: %v", i, err)
		}
		lastTx = tx.Hash()
	}
	run("network tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="network"]`)))
	waitPage(ctx, t, "the transfers in the chart", func() error {
		note := eval[string](pg, `document.getElementById("txs-note").textContent`)
		if !strings.HasPrefix(note, fmt.Sprintf("%d transactions", transfers)) {
			return fmt.Errorf("chart says %q", note)
		}
		return nil
	})
	run("explorer tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="explorer"]`)))
	run("search a transaction", chromedp.SetValue(chromedp.CSS("#q"), lastTx.Hex()), chromedp.Click(chromedp.CSS("#search button")),
		chromedp.WaitVisible(chromedp.CSS(`#result[data-kind="tx"] h2`)))
	if got := eval[string](pg, `document.getElementById("result").textContent`); !strings.Contains(got, "success") {
		t.Fatalf("transaction found: %q", got)
	}

	// Governance view.
	run("governance tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="governance"]`)))
	waitPage(ctx, t, "governance's collectives and nodes on the page", func() error {
		c := eval[int](pg, `document.querySelectorAll("#collectives tbody tr td:not(.muted)").length`)
		n := eval[int](pg, `document.querySelectorAll("#gov-nodes tbody tr td:not(.muted)").length`)
		if c == 0 || n == 0 {
			return fmt.Errorf("collective cells %d, node cells %d", c, n)
		}
		if !eval[bool](pg, `document.getElementById("capital").textContent.includes("project ")`) {
			return fmt.Errorf("no project's capital use shown")
		}
		return nil
	})

	// Explorer: a block by number and an address.
	run("explorer tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="explorer"]`)))
	run("search a block", chromedp.SetValue(chromedp.CSS("#q"), "2"), chromedp.Click(chromedp.CSS("#search button")),
		chromedp.WaitVisible(chromedp.CSS(`#result[data-kind="block"] h2`)))
	run("search an address", chromedp.SetValue(chromedp.CSS("#q"), "0x0000000000000000000000000000000000001000"), chromedp.Click(chromedp.CSS("#search button")),
		chromedp.WaitVisible(chromedp.CSS(`#result[data-kind="address"] h2`)))

	shots := os.Getenv(envShots)
	if shots == "" {
		shots = t.TempDir()
	}
	run("network tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="network"]`)))
	pg.screenshot(filepath.Join(shots, "dashboard-network-1280.png"), 1280, 900)

	// Stop validator 3.
	stopped := 3
	net.Stop(t, stopped)
	stoppedAt := time.Now()
	addr := validatorAddress(t, net, stopped)
	dctx, dcancel := context.WithTimeout(ctx, detectWithin)
	waitPage(dctx, t, "the stopped validator stale or offline with missed signatures", func() error {
		st := pg.nodeState(ids[stopped])
		if st != "stale" && st != "offline" {
			return fmt.Errorf("node shows %s", st)
		}
		if m := pg.missed(addr); m == 0 {
			return fmt.Errorf("no missed signatures counted")
		}
		return nil
	})
	dcancel()
	t.Logf("stopped validator marked %s with missed signatures after %s", pg.nodeState(ids[stopped]), time.Since(stoppedAt).Round(100*time.Millisecond))

	// The page's count equals the chain's commits over the page's window.
	w := eval[[]int64](pg, `(() => { const r = document.querySelector('#validators tr[data-address="`+addr+`"] .missed');
		const n = document.getElementById("window-note"); return [Number(n.dataset.first), Number(n.dataset.last), Number(r.dataset.missed)]; })()`)
	first, last, missed := w[0], w[1], w[2]
	want := chainMissed(ctx, t, net.Nodes[0].CometRPC, addr, first, last)
	if missed != want {
		t.Fatalf("page shows %d missed signatures of %s over commits %d-%d, the chain's commits show %d", missed, addr, first, last, want)
	}
	t.Logf("missed signatures over commits %d-%d: page %d, chain %d", first, last, missed, want)

	run("nodes tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="nodes"]`)))
	pg.screenshot(filepath.Join(shots, "dashboard-nodes-stopped-1280.png"), 1280, 900)
	pg.screenshot(filepath.Join(shots, "dashboard-nodes-390.png"), 390, 844)
	run("network tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="network"]`)))
	pg.screenshot(filepath.Join(shots, "dashboard-network-390.png"), 390, 844)

	// Restarted, it comes back.
	net.Restart(t, stopped)
	restarted := time.Now()
	waitPage(ctx, t, "the restarted validator online again", func() error {
		if st := pg.nodeState(ids[stopped]); st != "online" {
			return fmt.Errorf("node shows %s", st)
		}
		return nil
	})
	t.Logf("restarted validator online again after %s", time.Since(restarted).Round(100*time.Millisecond))
	run("governance tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="governance"]`)))
	pg.screenshot(filepath.Join(shots, "dashboard-governance-1280.png"), 1280, 900)
}

// page reads the dashboard in the browser.
type page struct {
	t   *testing.T
	ctx context.Context
}

func eval[T any](p page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (p page) height() int64 {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS("#height")))
	if err != nil {
		p.t.Fatalf("read the height: %v", err)
	}
	h, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return h
}

func (p page) nodeState(id string) string {
	return eval[string](p, `(() => { const r = document.querySelector('#nodes tr[data-node-id="`+id+`"]'); return r ? r.dataset.state : "absent"; })()`)
}

func (p page) missed(addr string) int {
	return eval[int](p, `(() => { const r = document.querySelector('#validators tr[data-address="`+addr+`"] .missed'); return r ? Number(r.dataset.missed) : -1; })()`)
}

func (p page) screenshot(path string, w, h int64) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, h), chromedp.Sleep(300*time.Millisecond)); err != nil {
		p.t.Fatalf("viewport: %v", err)
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s (%d bytes)", path, len(png))
}

func waitPage(ctx context.Context, t *testing.T, what string, cond func() error) {
	t.Helper()
	if err := devnet.Poll(ctx, what, cond); err != nil {
		t.Fatalf("%v", err)
	}
}

// validatorAddress is node i's consensus address, as CometBFT prints it.
func validatorAddress(t *testing.T, net *testnet.Network, i int) string {
	t.Helper()
	vals, err := cometGet[struct {
		Validators []struct {
			Address string `json:"address"`
			PubKey  struct {
				Value []byte `json:"value"`
			} `json:"pub_key"`
		} `json:"validators"`
	}](t.Context(), net.Nodes[0].CometRPC, "/validators")
	if err != nil {
		t.Fatal(err)
	}
	key := net.ConsensusKey(t, i)
	for _, v := range vals.Validators {
		if string(v.PubKey.Value) == string(key) {
			return v.Address
		}
	}
	t.Fatalf("node %d's key is not in the validator set", i)
	return ""
}

// chainMissed counts the commits of heights first..last, read from
// CometBFT's RPC, that have no signature of addr.
func chainMissed(ctx context.Context, t *testing.T, cometRPC, addr string, first, last int64) int64 {
	t.Helper()
	if first <= 0 || last < first {
		t.Fatalf("bad window %d-%d", first, last)
	}
	var missed int64
	for h := first; h <= last; h++ {
		c, err := cometGet[struct {
			SignedHeader struct {
				Commit struct {
					Signatures []struct {
						Flag    int    `json:"block_id_flag"`
						Address string `json:"validator_address"`
					} `json:"signatures"`
				} `json:"commit"`
			} `json:"signed_header"`
		}](ctx, cometRPC, fmt.Sprintf("/commit?height=%d", h))
		if err != nil {
			t.Fatal(err)
		}
		vals, err := cometGet[struct {
			Validators []struct {
				Address string `json:"address"`
			} `json:"validators"`
		}](ctx, cometRPC, fmt.Sprintf("/validators?height=%d", h))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals.Validators {
			if v.Address != addr {
				continue
			}
			sigs := c.SignedHeader.Commit.Signatures
			if i >= len(sigs) || sigs[i].Flag == 1 { // BlockIDFlagAbsent
				missed++
			}
		}
	}
	return missed
}

func cometGet[T any](ctx context.Context, addr, path string) (T, error) {
	var out struct {
		Result T `json:"result"`
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return out.Result, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return out.Result, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return out.Result, fmt.Errorf("%s: %w", path, err)
	}
	return out.Result, nil
}
