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
	c.Storage.Archive = true
	if err := c.Validate(); err != nil {
		t.Fatalf("archive with state_history = 0: %v", err)
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
		{"negative evm timeout", func(c *config.Config) { c.RPC.EVMTimeout = config.Duration(-time.Second) }, "redmx.rpc.evm_timeout"},
		{"tiny ws read limit", func(c *config.Config) { c.RPC.WSReadLimit = 10 }, "redmx.rpc.ws_read_limit"},
		{"negative logs max results", func(c *config.Config) { c.RPC.LogsMaxResults = -1 }, "redmx.rpc.logs_max_results"},
		{"zero filter timeout", func(c *config.Config) { c.RPC.FilterTimeout = 0 }, "redmx.rpc.filter_timeout"},
		{"negative subscription limit", func(c *config.Config) { c.RPC.MaxSubscriptionsPerConnection = -1 }, "redmx.rpc.max_subscriptions_per_connection"},
		{"empty cors entry", func(c *config.Config) { c.RPC.CORS = []string{""} }, "redmx.rpc.cors"},
		{"negative filter cap", func(c *config.Config) { c.RPC.MaxFilters = -1 }, "redmx.rpc.max_filters"},
		{"negative per-client filter cap", func(c *config.Config) { c.RPC.MaxFiltersPerClient = -1 }, "redmx.rpc.max_filters_per_client"},
		{"negative request cap", func(c *config.Config) { c.RPC.MaxExpensiveRequests = -1 }, "redmx.rpc.max_expensive_requests"},
		{"negative per-client request cap", func(c *config.Config) { c.RPC.MaxExpensiveRequestsPerClient = -1 }, "redmx.rpc.max_expensive_requests_per_client"},
		{"negative queue wait", func(c *config.Config) { c.RPC.ExpensiveQueueWait = config.Duration(-time.Second) }, "redmx.rpc.expensive_queue_wait"},
		{"negative trace size", func(c *config.Config) { c.RPC.TraceMaxBytes = -1 }, "redmx.rpc.trace_max_bytes"},
		{"negative trace limit", func(c *config.Config) { c.RPC.MaxConcurrentTraces = -1 }, "redmx.rpc.max_concurrent_traces"},
		{"negative trace timeout", func(c *config.Config) { c.RPC.TraceTimeoutMax = config.Duration(-time.Second) }, "redmx.rpc.trace_timeout_max"},
		{"zero read timeout", func(c *config.Config) { c.RPC.HTTPReadTimeout = 0 }, "redmx.rpc.http_read_timeout"},
		{"tiny read header timeout", func(c *config.Config) { c.RPC.HTTPReadHeaderTimeout = config.Duration(time.Millisecond) }, "redmx.rpc.http_read_header_timeout"},
		{"zero write timeout", func(c *config.Config) { c.RPC.HTTPWriteTimeout = 0 }, "redmx.rpc.http_write_timeout"},
		{"zero idle timeout", func(c *config.Config) { c.RPC.HTTPIdleTimeout = 0 }, "redmx.rpc.http_idle_timeout"},
		{"tiny body limit", func(c *config.Config) { c.RPC.HTTPBodyLimit = 1000 }, "redmx.rpc.http_body_limit"},
		{"tiny cache", func(c *config.Config) { c.Storage.CacheMB = 1 }, "redmx.storage.cache_mb"},
		{"no state history", func(c *config.Config) { c.Storage.StateHistory = 0 }, "redmx.storage.state_history"},
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
	want.RPC.EVMTimeout = config.Duration(2 * time.Second)
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
	c.RPC.TraceTimeoutMax = config.Duration(3 * time.Second)
	c.RPC.TraceMaxBytes = 1234
	c.RPC.MaxConcurrentTraces = 5
	c.RPC.MaxExpensiveRequests = 6
	c.RPC.MaxExpensiveRequestsPerClient = 3
	c.RPC.ExpensiveQueueWait = config.Duration(time.Second)
	c.RPC.MaxFilters = 9
	c.RPC.MaxFiltersPerClient = 8
	c.RPC.HTTPReadTimeout = config.Duration(11 * time.Second)
	c.RPC.HTTPReadHeaderTimeout = config.Duration(12 * time.Second)
	c.RPC.HTTPWriteTimeout = config.Duration(13 * time.Second)
	c.RPC.HTTPIdleTimeout = config.Duration(14 * time.Second)
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

func TestCometBFTUnknownKeysReported(t *testing.T) {
	home := t.TempDir()
	path := config.Path(home)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("mempool_typo = 1\n[mempool]\ntype = \"app\"\n[consensus]\ntimeout_commit = \"250ms\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
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

// TestRenderWritesEveryRPCKey: every [redmx.rpc] setting is in the written
// file, with its comment, so that the file documents it.
func TestRenderWritesEveryRPCKey(t *testing.T) {
	out, err := config.Render(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeFor[config.RPCConfig]()
	for i := range typ.NumField() {
		key := typ.Field(i).Tag.Get("toml")
		if !strings.Contains(string(out), "\n"+key+" = ") {
			t.Errorf("rendered config lacks %s", key)
		}
	}
}
