package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	cmtcfg "github.com/cometbft/cometbft/config"
)

// Write writes a complete config.toml to path: CometBFT's sections from comet,
// rendered by CometBFT's own commented template, followed by the [redmx]
// table from c with comments. The file is replaced atomically.
func Write(path string, comet *cmtcfg.Config, c Config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	redmx, err := Render(c)
	if err != nil {
		return err
	}
	// CometBFT renders its template only through WriteConfigFile, which exits
	// the process if the file cannot be written; write a scratch file beside
	// path first so a permission problem comes back as an error.
	scratch := path + ".cometbft.tmp"
	if err := os.WriteFile(scratch, nil, 0o600); err != nil {
		return err
	}
	defer os.Remove(scratch)
	cmtcfg.WriteConfigFile(scratch, comet)
	cometPart, err := os.ReadFile(scratch)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.Write(cometPart)
	out.WriteString("\n")
	out.Write(redmx)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Render returns the [redmx] table of c as commented TOML.
func Render(c Config) ([]byte, error) {
	var b bytes.Buffer
	if err := redmxTemplate.Execute(&b, c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// quote writes s as a TOML basic string (JSON's string syntax is a subset).
func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

var redmxTemplate = template.Must(template.New("redmx").Funcs(template.FuncMap{
	"q":  quote,
	"ql": quoteList,
}).Parse(`#######################################################################
###                      redmx node settings                        ###
#######################################################################
# Settings of this node only; they may differ between nodes. What consensus
# depends on (chain ID, gas limit, validators) is in genesis.json.
# An unknown key in the redmx tables is an error at start.
#
# CometBFT's log_level and log_format above are not used: redmx logs
# CometBFT's lines through [redmx.log].

[redmx.rpc]
# Ethereum JSON-RPC, HTTP and WebSocket on one host:port. Port 0 picks a
# free port. Use 0.0.0.0 to serve other machines.
address = {{ q .RPC.Address }}
# Origins browsers may call from ("*" for any; an entry may hold one "*", as
# "http://localhost:*"). The default admits pages served from this machine.
cors = {{ ql .RPC.CORS }}
# Host names accepted on HTTP ("*" for any); IP addresses always work. Names
# guard against DNS rebinding: list the names this node is reached by.
virtual_hosts = {{ ql .RPC.VirtualHosts }}
# Origins accepted on WebSocket ("*" for any); an entry without a port admits
# every port. Clients that send no Origin (not browsers) always pass.
ws_origins = {{ ql .RPC.WSOrigins }}
# HTTP server timeouts (each at least 1s): reading a request, reading its
# header, writing the answer (this also ends the handling of a request, with
# a "request timed out" error) and keeping an idle connection.
http_read_timeout = {{ q .RPC.HTTPReadTimeout.String }}
http_read_header_timeout = {{ q .RPC.HTTPReadHeaderTimeout.String }}
http_write_timeout = {{ q .RPC.HTTPWriteTimeout.String }}
http_idle_timeout = {{ q .RPC.HTTPIdleTimeout.String }}
# Gas cap of eth_call and eth_estimateGas (0: no cap).
gas_cap = {{ .RPC.GasCap }}
# Longest run of one eth_call, eth_estimateGas (the whole search) or
# eth_createAccessList (0: no limit).
evm_timeout = {{ q .RPC.EVMTimeout.String }}
# Expensive requests (eth_call, eth_estimateGas, eth_createAccessList,
# eth_getLogs, eth_getFilterLogs, debug traces) running at once, on the node
# and per client IP address (0: no limit; behind a proxy every client is the
# proxy). One past a limit waits up to expensive_queue_wait, then fails with
# -32005.
max_expensive_requests = {{ .RPC.MaxExpensiveRequests }}
max_expensive_requests_per_client = {{ .RPC.MaxExpensiveRequestsPerClient }}
expensive_queue_wait = {{ q .RPC.ExpensiveQueueWait.String }}
# Serve the debug namespace (debug_trace*, debug_getRaw*). A trace can cost a
# lot of CPU and memory: off unless you need it (devnets turn it on).
debug = {{ .RPC.Debug }}
# Longest timeout a trace may ask for, per transaction (0: no cap).
trace_timeout_max = {{ q .RPC.TraceTimeoutMax.String }}
# Largest trace answer, in bytes of JSON (a block trace's answers together);
# a larger one is refused (0: no cap).
trace_max_bytes = {{ .RPC.TraceMaxBytes }}
# Traces running at once on the node (0: no limit).
max_concurrent_traces = {{ .RPC.MaxConcurrentTraces }}
# Most requests in one batch, and most bytes of a batch's responses (0: no limit).
batch_item_limit = {{ .RPC.BatchItemLimit }}
batch_response_max_size = {{ .RPC.BatchResponseMaxSize }}
# Largest HTTP request body, in bytes (at least 1 MiB).
http_body_limit = {{ .RPC.HTTPBodyLimit }}
# Serve this many of the public development keys as unlocked accounts
# (eth_accounts, eth_sendTransaction, eth_sign). Anyone can sign with those
# keys: only for development networks, 0 everywhere else.
dev_accounts = {{ .RPC.DevAccounts }}
# Largest WebSocket message accepted, in bytes (0: go-ethereum's 32 MiB).
ws_read_limit = {{ .RPC.WSReadLimit }}
# Most blocks one eth_getLogs query may span: toBlock - fromBlock, tags
# resolved (0: no limit). Logs are found by reading each block's bloom, so
# this bounds the work of a query.
logs_max_range = {{ .RPC.LogsMaxRange }}
# Most logs one eth_getLogs answer may hold; the search stops past it (0: no
# limit).
logs_max_results = {{ .RPC.LogsMaxResults }}
# How long a filter (eth_newFilter, eth_newBlockFilter,
# eth_newPendingTransactionFilter) lives without being polled.
filter_timeout = {{ q .RPC.FilterTimeout.String }}
# Most live eth_subscribe subscriptions of one WebSocket connection (0: no limit).
max_subscriptions_per_connection = {{ .RPC.MaxSubscriptionsPerConnection }}
# Installed filters (eth_newFilter, eth_newBlockFilter,
# eth_newPendingTransactionFilter) on the node and per client IP (0: no limit).
max_filters = {{ .RPC.MaxFilters }}
max_filters_per_client = {{ .RPC.MaxFiltersPerClient }}

[redmx.storage]
# Pebble block cache of the state and chain index (data/redmx), in MiB.
cache_mb = {{ .Storage.CacheMB }}
# State of the most recent blocks kept and served at past block numbers
# (eth_getBalance, eth_call, eth_getProof, …); older state is pruned from disk
# and asking for it is an error. 150000 is about a day of blocks.
state_history = {{ .Storage.StateHistory }}
# Keep the state of every block (an archive node); overrides state_history.
archive = {{ .Storage.Archive }}
# Every this many heights, all the state held in memory is flushed to disk, so
# that a crash costs at most this many heights of replay at restart (0: only
# when the write buffer fills).
persist_every = {{ .Storage.PersistEvery }}

[redmx.log]
# "text" or "json", to standard error.
format = {{ q .Log.Format }}
# "debug", "info", "warn" or "error".
level = {{ q .Log.Level }}

[redmx.pool]
# Transaction pool limits; 0 keeps the pool's default.
# Executable transactions in the pool, and per sender.
global_slots = {{ .Pool.GlobalSlots }}
account_slots = {{ .Pool.AccountSlots }}
# Transactions waiting for an earlier nonce, in the pool and per sender.
global_queue = {{ .Pool.GlobalQueue }}
account_queue = {{ .Pool.AccountQueue }}
`))
