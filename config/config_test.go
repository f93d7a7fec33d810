package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/rpc"
)

func TestDefaultIsValid(t *testing.T) {
	if err := config.Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if _, err := config.CheckCometBFT(config.CometBFTDefaults()); err != nil {
		t.Fatalf("CheckCometBFT(CometBFTDefaults()) = %v", err)
	}
	if err := config.CometBFTDefaults().ValidateBasic(); err != nil {
		t.Fatalf("CometBFTDefaults().ValidateBasic() = %v", err)
	}
}

func TestArchiveNeedsNoStateHistory(t *testing.T) {
	c := config.Default()
	c.Storage.StateHistory = 0
	c.Storage.BlockHistory = 0
	c.Storage.PersistEvery = 0
	c.Storage.Archive = true
	if err := c.Validate(); err != nil {
		t.Fatalf("archive with state_history, block_history and persist_every 0: %v", err)
	}
	if n := c.Storage.Blocks(); n != 0 {
		t.Fatalf("an archive node keeps %d blocks; want all (0)", n)
	}
	c.Storage.Archive = false
	c.Storage.StateHistory, c.Storage.BlockHistory = 500, 100
	if n := c.Storage.Blocks(); n != 500 {
		t.Fatalf("block_history below state_history keeps %d blocks; want the state window, 500", n)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*config.Config)
		field  string
	}{
		{"empty rpc address", func(c *config.Config) { c.RPC.Address = "" }, "redmx.rpc.address"},
		{"rpc address without port", func(c *config.Config) { c.RPC.Address = "127.0.0.1" }, "redmx.rpc.address"},
		{"rpc port out of range", func(c *config.Config) { c.RPC.Address = "127.0.0.1:70000" }, "redmx.rpc.address"},
		{"negative evm timeout", func(c *config.Config) { c.RPC.EVMTimeout = -time.Second }, "redmx.rpc.evm_timeout"},
		{"tiny ws read limit", func(c *config.Config) { c.RPC.WSReadLimit = 10 }, "redmx.rpc.ws_read_limit"},
		{"negative logs max results", func(c *config.Config) { c.RPC.LogsMaxResults = -1 }, "redmx.rpc.logs_max_results"},
		{"zero filter timeout", func(c *config.Config) { c.RPC.FilterTimeout = 0 }, "redmx.rpc.filter_timeout"},
		{"negative subscription limit", func(c *config.Config) { c.RPC.MaxSubscriptionsPerConnection = -1 }, "redmx.rpc.max_subscriptions_per_connection"},
		{"empty cors entry", func(c *config.Config) { c.RPC.CORS = []string{""} }, "redmx.rpc.cors"},
		{"negative filter cap", func(c *config.Config) { c.RPC.MaxFilters = -1 }, "redmx.rpc.max_filters"},
		{"negative per-client filter cap", func(c *config.Config) { c.RPC.MaxFiltersPerClient = -1 }, "redmx.rpc.max_filters_per_client"},
		{"negative request cap", func(c *config.Config) { c.RPC.MaxExpensiveRequests = -1 }, "redmx.rpc.max_expensive_requests"},
		{"negative per-client request cap", func(c *config.Config) { c.RPC.MaxExpensiveRequestsPerClient = -1 }, "redmx.rpc.max_expensive_requests_per_client"},
		{"negative queue wait", func(c *config.Config) { c.RPC.ExpensiveQueueWait = -time.Second }, "redmx.rpc.expensive_queue_wait"},
		{"negative trace size", func(c *config.Config) { c.RPC.TraceMaxBytes = -1 }, "redmx.rpc.trace_max_bytes"},
		{"negative trace limit", func(c *config.Config) { c.RPC.MaxConcurrentTraces = -1 }, "redmx.rpc.max_concurrent_traces"},
		{"negative trace timeout", func(c *config.Config) { c.RPC.TraceTimeoutMax = -time.Second }, "redmx.rpc.trace_timeout_max"},
		{"zero read timeout", func(c *config.Config) { c.RPC.HTTPReadTimeout = 0 }, "redmx.rpc.http_read_timeout"},
		{"tiny read header timeout", func(c *config.Config) { c.RPC.HTTPReadHeaderTimeout = time.Millisecond }, "redmx.rpc.http_read_header_timeout"},
		{"zero write timeout", func(c *config.Config) { c.RPC.HTTPWriteTimeout = 0 }, "redmx.rpc.http_write_timeout"},
		{"zero idle timeout", func(c *config.Config) { c.RPC.HTTPIdleTimeout = 0 }, "redmx.rpc.http_idle_timeout"},
		{"tiny body limit", func(c *config.Config) { c.RPC.HTTPBodyLimit = 1000 }, "redmx.rpc.http_body_limit"},
		{"tiny cache", func(c *config.Config) { c.Storage.CacheMB = 1 }, "redmx.storage.cache_mb"},
		{"tiny trie cache", func(c *config.Config) { c.Storage.TrieCacheMB = 8 }, "redmx.storage.trie_cache_mb"},
		{"tiny state layers", func(c *config.Config) { c.Storage.StateLayersMB = 8 }, "redmx.storage.state_layers_mb"},
		{"no state history", func(c *config.Config) { c.Storage.StateHistory = 0 }, "redmx.storage.state_history"},
		{"no block history", func(c *config.Config) { c.Storage.BlockHistory = 0 }, "redmx.storage.block_history"},
		{"no periodic flush on a pruned node", func(c *config.Config) { c.Storage.PersistEvery = 0 }, "redmx.storage.persist_every"},
		{"unknown log format", func(c *config.Config) { c.Log.Format = "xml" }, "redmx.log.format"},
		{"unknown log level", func(c *config.Config) { c.Log.Level = "loud" }, "redmx.log.level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Default()
			tt.modify(&c)
			err := c.Validate()
			var fe *config.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a *FieldError", err)
			}
			if fe.Field != tt.field || !strings.HasPrefix(err.Error(), tt.field+": ") {
				t.Fatalf("Validate() = %q, want field %s", err, tt.field)
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadUnknownKeyIsNamed(t *testing.T) {
	path := writeFile(t, "moniker = \"x\"\n[redmx.rpc]\naddress = \"127.0.0.1:1\"\nadress = \"oops\"\n")
	_, err := config.Load(path)
	if !errors.Is(err, config.ErrUnknownKey) {
		t.Fatalf("Load() = %v, want ErrUnknownKey", err)
	}
	if !strings.Contains(err.Error(), "redmx.rpc.adress") {
		t.Fatalf("Load() = %q, want it to name redmx.rpc.adress", err)
	}
}

func TestLoadUnknownTable(t *testing.T) {
	path := writeFile(t, "[redmx.dashbord]\nenabled = true\n")
	if _, err := config.Load(path); !errors.Is(err, config.ErrUnknownKey) || !strings.Contains(err.Error(), "redmx.dashbord") {
		t.Fatalf("Load() = %v, want ErrUnknownKey naming redmx.dashbord", err)
	}
}

func TestLoadKeepsDefaultsForMissingKeys(t *testing.T) {
	path := writeFile(t, "[redmx.log]\nlevel = \"debug\"\n[redmx.rpc]\nevm_timeout = \"2s\"\n")
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Default()
	want.Log.Level = "debug"
	want.RPC.EVMTimeout = 2 * time.Second
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("Load() = %+v, want %+v", c, want)
	}
}

func TestLoadBadType(t *testing.T) {
	path := writeFile(t, "[redmx.storage]\ncache_mb = \"lots\"\n")
	if _, err := config.Load(path); err == nil {
		t.Fatal("Load() accepted a string for cache_mb")
	}
}

// TestLoadRefusesBareIntegerDuration checks that a duration without a unit
// is refused by name, not read as nanoseconds (evm_timeout = 5 would time
// out every eth_call).
func TestLoadRefusesBareIntegerDuration(t *testing.T) {
	path := writeFile(t, "[redmx.rpc]\nevm_timeout = 5\n")
	_, err := config.Load(path)
	var fe *config.FieldError
	if !errors.As(err, &fe) || fe.Field != "redmx.rpc.evm_timeout" || !strings.Contains(err.Error(), `"5s"`) {
		t.Fatalf("Load() = %v, want a FieldError for redmx.rpc.evm_timeout suggesting \"5s\"", err)
	}
}

// TestWriteLoadRoundTrip checks that what init writes is read back as written,
// CometBFT's sections included, with no key unknown to either part.
func TestWriteLoadRoundTrip(t *testing.T) {
	home := t.TempDir()
	comet := config.CometBFTDefaults()
	comet.Moniker = "node-zero"
	comet.P2P.PersistentPeers = "a@127.0.0.1:1,b@127.0.0.1:2"
	comet.P2P.AllowDuplicateIP = true
	comet.Consensus.TimeoutCommit = 300 * time.Millisecond
	comet.StateSync.RPCServers = []string{"127.0.0.1:1", "127.0.0.1:2"}
	c := config.Default()
	c.RPC.Address = "0.0.0.0:9545"
	c.RPC.CORS = []string{"http://a", "http://b"}
	c.Storage.CacheMB = 64
	c.Storage.StateHistory = 1000
	c.Storage.Archive = true
	c.Pool.GlobalSlots = 7
	c.RPC.Debug = true
	c.RPC.TraceTimeoutMax = 3 * time.Second
	c.RPC.TraceMaxBytes = 1234
	c.RPC.MaxConcurrentTraces = 5
	c.RPC.MaxExpensiveRequests = 6
	c.RPC.MaxExpensiveRequestsPerClient = 3
	c.RPC.ExpensiveQueueWait = time.Second
	c.RPC.MaxFilters = 9
	c.RPC.MaxFiltersPerClient = 8
	c.RPC.HTTPReadTimeout = 11 * time.Second
	c.RPC.HTTPReadHeaderTimeout = 12 * time.Second
	c.RPC.HTTPWriteTimeout = 13 * time.Second
	c.RPC.HTTPIdleTimeout = 14 * time.Second
	if err := config.Write(config.Path(home), comet, c); err != nil {
		t.Fatal(err)
	}
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Unknown) != 0 {
		t.Errorf("Unknown = %v, want none", f.Unknown)
	}
	if !reflect.DeepEqual(f.Redmx, c) {
		t.Errorf("Redmx = %+v, want %+v", f.Redmx, c)
	}
	comet.SetRoot(home)
	if !reflect.DeepEqual(f.CometBFT, comet) {
		t.Errorf("CometBFT config differs after round trip:\n got %+v\nwant %+v", f.CometBFT, comet)
	}
}

// writeHome writes data as the config.toml of a new home, and returns the home.
func writeHome(t *testing.T, data []byte) string {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Dir(config.Path(home)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config.Path(home), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

func TestCometBFTUnknownKeysReported(t *testing.T) {
	home := writeHome(t, []byte("mempool_typo = 1\n[mempool]\ntype = \"app\"\n[consensus]\ntimeout_commit = \"250ms\"\n"))
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Unknown, []string{"mempool_typo"}) {
		t.Errorf("Unknown = %v, want [mempool_typo]", f.Unknown)
	}
	if f.CometBFT.Consensus.TimeoutCommit != 250*time.Millisecond {
		t.Errorf("timeout_commit = %s, want 250ms", f.CometBFT.Consensus.TimeoutCommit)
	}
	if f.CometBFT.P2P.SendRate != cmtcfg.DefaultP2PConfig().SendRate {
		t.Errorf("missing key did not keep CometBFT's default")
	}
}

func TestCheckCometBFTRefusesFloodMempool(t *testing.T) {
	c := config.CometBFTDefaults()
	c.Mempool.Type = cmtcfg.MempoolTypeFlood
	if _, err := config.CheckCometBFT(c); !errors.Is(err, config.ErrCometBFTSetting) {
		t.Fatalf("CheckCometBFT(flood) = %v, want ErrCometBFTSetting", err)
	}
}

// TestDefaultRPCIsLocal: a node made by redmx init serves no debug namespace
// and accepts browsers only from pages of its own machine.
func TestDefaultRPCIsLocal(t *testing.T) {
	c := config.Default().RPC
	if c.Debug {
		t.Error("debug on by default")
	}
	for name, l := range map[string][]string{"cors": c.CORS, "virtual_hosts": c.VirtualHosts, "ws_origins": c.WSOrigins} {
		for _, v := range l {
			if strings.Contains(v, "*") && !strings.HasPrefix(v, "http://localhost:") && !strings.HasPrefix(v, "http://127.0.0.1:") {
				t.Errorf("%s default %q admits any origin or host", name, v)
			}
		}
	}
	if c.HTTPReadTimeout == 0 || c.HTTPWriteTimeout == 0 || c.HTTPIdleTimeout == 0 || c.HTTPReadHeaderTimeout == 0 {
		t.Errorf("HTTP timeouts unset: %+v", c)
	}
	if c.MaxExpensiveRequests == 0 || c.MaxExpensiveRequestsPerClient == 0 || c.MaxFilters == 0 || c.MaxFiltersPerClient == 0 ||
		c.TraceMaxBytes == 0 || c.TraceTimeoutMax == 0 || c.MaxConcurrentTraces == 0 {
		t.Errorf("an uncapped default: %+v", c)
	}
}

// TestRenderDocumentsEveryKey: every key of every [redmx] section is in the
// written file, under its own table, after a comment that documents it.
func TestRenderDocumentsEveryKey(t *testing.T) {
	out, err := config.Render(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	cfg := reflect.TypeFor[config.Config]()
	for i := range cfg.NumField() {
		sec := cfg.Field(i)
		table := "[redmx." + sec.Tag.Get("toml") + "]\n"
		start := strings.Index(text, table)
		if start < 0 {
			t.Errorf("rendered config lacks %s", table)
			continue
		}
		body := text[start+len(table):]
		if end := strings.Index(body, "\n["); end >= 0 {
			body = body[:end]
		}
		keys := 0
		for j := range sec.Type.NumField() {
			f := sec.Type.Field(j)
			key := f.Tag.Get("toml")
			if key == "" || key == "-" {
				continue
			}
			keys++
			if strings.TrimSpace(f.Tag.Get("comment")) == "" {
				t.Errorf("%s.%s has no comment tag", sec.Name, f.Name)
			}
			at := strings.Index("\n"+body, "\n"+key+" = ")
			if at < 0 {
				t.Errorf("%s lacks %s", table, key)
				continue
			}
			if before := strings.TrimRight(body[:at], "\n"); !strings.HasPrefix(before[strings.LastIndex(before, "\n")+1:], "# ") {
				t.Errorf("%s: %s has no comment line above it", table, key)
			}
		}
		if keys == 0 {
			t.Errorf("section %s has no keys", sec.Name)
		}
	}
}

// TestLoadsConfigOfEarlierVersions: a devnet node's config.toml as `redmx
// devnet` wrote it before the sections moved into their packages loads
// unchanged, every key with its meaning, and passes validation.
func TestLoadsConfigOfEarlierVersions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "devnet-config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.LoadFile(writeHome(t, data))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Unknown) != 0 {
		t.Errorf("Unknown = %v, want none", f.Unknown)
	}
	r := f.Redmx.RPC
	want := rpc.Config{
		Address:      "127.0.0.1:18645",
		CORS:         []string{"http://localhost", "http://localhost:*", "http://127.0.0.1", "http://127.0.0.1:*"},
		VirtualHosts: []string{"localhost"},
		WSOrigins:    []string{"http://localhost", "http://127.0.0.1"},

		HTTPReadTimeout: 30 * time.Second, HTTPReadHeaderTimeout: 30 * time.Second,
		HTTPWriteTimeout: 30 * time.Second, HTTPIdleTimeout: 2 * time.Minute,
		GasCap: 50_000_000, EVMTimeout: 5 * time.Second,
		MaxExpensiveRequests: 16, MaxExpensiveRequestsPerClient: 4, ExpensiveQueueWait: 5 * time.Second,
		Debug: true, TraceTimeoutMax: 10 * time.Second, TraceMaxBytes: 16 << 20, MaxConcurrentTraces: 2,
		BatchItemLimit: 1000, BatchResponseMaxSize: 25_000_000, HTTPBodyLimit: 5 << 20,
		DevAccounts: 30, WSReadLimit: 32 << 20,
		LogsMaxRange: 10_000, LogsMaxResults: 10_000, FilterTimeout: 5 * time.Minute,
		MaxSubscriptionsPerConnection: 1000, MaxFilters: 10_000, MaxFiltersPerClient: 100,
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("rpc:\n got %+v\nwant %+v", r, want)
	}
	s := f.Redmx.Storage
	if s.CacheMB != 256 || s.StateHistory != 150_000 || s.Archive || s.PersistEvery != 2048 {
		t.Errorf("storage: %+v", s)
	}
	if f.Redmx.Log != (config.LogConfig{Format: "text", Level: "info"}) {
		t.Errorf("log: %+v", f.Redmx.Log)
	}
	// The file's zeros keep the pool's defaults, as they did.
	p := f.Redmx.Pool
	if p.GlobalSlots != 0 || p.AccountSlots != 0 || p.GlobalQueue != 0 || p.AccountQueue != 0 {
		t.Errorf("pool: %+v", p)
	}
	if f.CometBFT.Moniker != "node0" || f.CometBFT.Mempool.Type != "app" {
		t.Errorf("cometbft: moniker %q, mempool %q", f.CometBFT.Moniker, f.CometBFT.Mempool.Type)
	}
}

// TestLoadLeavesDefaultsAlone: decoding a list into a default's slice must not
// write through to the package's shared default.
func TestLoadLeavesDefaultsAlone(t *testing.T) {
	path := writeFile(t, "[redmx.rpc]\ncors = [\"http://a\", \"http://b\"]\nws_origins = [\"http://c\"]\n")
	if _, err := config.Load(path); err != nil {
		t.Fatal(err)
	}
	if got := config.Default().RPC; got.CORS[0] != "http://localhost" || got.WSOrigins[0] != "http://localhost" {
		t.Fatalf("defaults changed by a load: cors %v, ws_origins %v", got.CORS, got.WSOrigins)
	}
}
