package rpc_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/rpc"
)

// The fake chain's one log: block 1's third transaction calls the logger,
// which logs its calldata under topic 0x01.
var (
	loggerAddr  = crypto.CreateAddress(addr0, 1)
	loggerTopic = common.HexToHash("0x01")
)

func TestGetLogs(t *testing.T) {
	f := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.LogsMaxRange = 1
	url := serve(t, f, cfg)
	ec, err := ethclient.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	b1 := f.blocks[1]
	want := f.receipts[1][2].Logs[0]

	tests := []struct {
		name string
		q    ethereum.FilterQuery
		n    int
	}{
		{"all, default range (latest)", ethereum.FilterQuery{}, 1},
		{"from 0 to latest", ethereum.FilterQuery{FromBlock: big.NewInt(0)}, 1},
		{"by address", ethereum.FilterQuery{FromBlock: big.NewInt(0), Addresses: []common.Address{loggerAddr}}, 1},
		{"other address", ethereum.FilterQuery{FromBlock: big.NewInt(0), Addresses: []common.Address{addr1}}, 0},
		{"by topic", ethereum.FilterQuery{FromBlock: big.NewInt(0), Topics: [][]common.Hash{{loggerTopic}}}, 1},
		{"topic alternatives", ethereum.FilterQuery{FromBlock: big.NewInt(0), Topics: [][]common.Hash{{common.HexToHash("0x02"), loggerTopic}}}, 1},
		{"other topic", ethereum.FilterQuery{FromBlock: big.NewInt(0), Topics: [][]common.Hash{{common.HexToHash("0x02")}}}, 0},
		{"second topic position", ethereum.FilterQuery{FromBlock: big.NewInt(0), Topics: [][]common.Hash{nil, {loggerTopic}}}, 0},
		{"block 0 only", ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: big.NewInt(0)}, 0},
		{"block hash", ethereum.FilterQuery{BlockHash: ptr(b1.Hash())}, 1},
		{"genesis hash", ethereum.FilterQuery{BlockHash: ptr(f.blocks[0].Hash())}, 0},
		{"finalized", ethereum.FilterQuery{FromBlock: big.NewInt(int64(gethrpc.FinalizedBlockNumber)), ToBlock: big.NewInt(int64(gethrpc.SafeBlockNumber))}, 1},
		{"earliest to latest", ethereum.FilterQuery{FromBlock: big.NewInt(int64(gethrpc.EarliestBlockNumber)), ToBlock: big.NewInt(int64(gethrpc.LatestBlockNumber))}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs, err := ec.FilterLogs(t.Context(), tt.q)
			if err != nil {
				t.Fatalf("FilterLogs: %v", err)
			}
			if len(logs) != tt.n {
				t.Fatalf("got %d logs, want %d", len(logs), tt.n)
			}
			if tt.n == 1 {
				got := logs[0]
				if got.Address != loggerAddr || got.Topics[0] != loggerTopic || string(got.Data) != "hello" ||
					got.BlockHash != b1.Hash() || got.BlockNumber != 1 || got.TxHash != b1.Transactions()[2].Hash() ||
					got.TxIndex != 2 || got.Index != want.Index || got.BlockTimestamp != b1.Time() {
					t.Fatalf("log %+v, want %+v", got, want)
				}
			}
		})
	}

	errTests := []struct {
		name string
		q    map[string]any
		code int
		msg  string
	}{
		{"range past the cap", map[string]any{"fromBlock": "0x0", "toBlock": "0x5"}, -32602, "exceed maximum block range 1"},
		{"beyond the head", map[string]any{"fromBlock": "0x1", "toBlock": "0x2"}, -32602, "block range extends beyond current head block"},
		{"pending", map[string]any{"fromBlock": "pending"}, -32602, "pending logs are not supported"},
		{"reversed", map[string]any{"fromBlock": "0x1", "toBlock": "0x0"}, -32602, "invalid block range params"},
		{"unknown hash", map[string]any{"blockHash": common.Hash{1}}, -32000, "unknown block"},
		{"hash and range", map[string]any{"blockHash": b1.Hash(), "fromBlock": "0x0"}, -32602, "cannot specify both BlockHash and FromBlock/ToBlock"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, url, "eth_getLogs", tt.q)
			if res.Error == nil || res.Error.Code != tt.code || !strings.Contains(res.Error.Message, tt.msg) {
				t.Fatalf("got %s / %+v, want error %d %q", res.Result, res.Error, tt.code, tt.msg)
			}
		})
	}
}

func TestGetLogsCaps(t *testing.T) {
	f := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.LogsMaxResults = 0
	cfg.LogsMaxRange = 0
	url := serve(t, f, cfg)

	// No range cap: any range within the chain is served.
	var logs []json.RawMessage
	result(t, url, &logs, "eth_getLogs", map[string]any{"fromBlock": "0x0", "toBlock": "latest"})
	if len(logs) != 1 {
		t.Fatalf("got %d logs, want 1", len(logs))
	}
	// Addresses and topics per position are capped at go-ethereum's 1,000.
	many := make([]common.Address, 1001)
	res := call(t, url, "eth_getLogs", map[string]any{"address": many})
	if res.Error == nil || res.Error.Message != "exceed max addresses or topics per search position" {
		t.Fatalf("1001 addresses with a limit of 1000: %+v", res.Error)
	}

	cfg = rpc.DefaultConfig()
	cfg.LogsMaxResults = 1
	url = serve(t, f, cfg)
	// A second log in block 1 takes the answer past one result.
	f.receipts[1][0].Logs = []*types.Log{{Address: addr1, BlockNumber: 1, BlockHash: f.blocks[1].Hash(), TxHash: f.blocks[1].Transactions()[0].Hash()}}
	f.receipts[1][2].Logs[0].Index = 1
	res = call(t, url, "eth_getLogs", map[string]any{"blockHash": f.blocks[1].Hash()})
	if res.Error == nil || res.Error.Code != -32005 || res.Error.Message != "query returned more than 1 results" {
		t.Fatalf("two logs with a cap of 1: %s %+v", res.Result, res.Error)
	}
}

func TestPollingFilters(t *testing.T) {
	f := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.LogsMaxRange = 0
	url := serve(t, f, cfg)
	b1 := f.blocks[1]

	var logFilter, blockFilter, txFilter, fullTxFilter string
	result(t, url, &logFilter, "eth_newFilter", map[string]any{"fromBlock": "0x0", "address": loggerAddr})
	result(t, url, &blockFilter, "eth_newBlockFilter")
	result(t, url, &txFilter, "eth_newPendingTransactionFilter")
	result(t, url, &fullTxFilter, "eth_newPendingTransactionFilter", true)

	// Nothing happened yet.
	for _, id := range []string{logFilter, blockFilter, txFilter} {
		var changes []json.RawMessage
		result(t, url, &changes, "eth_getFilterChanges", id)
		if len(changes) != 0 {
			t.Fatalf("filter %s: %d changes before any event", id, len(changes))
		}
	}

	f.announce(1)
	tx := f.addPending(t, key1, 0)
	f.txsFeed.Send(core.NewTxsEvent{Txs: []*types.Transaction{tx}})

	waitChanges := func(id string, v any) {
		t.Helper()
		waitFor(t, "changes of filter "+id, func() error {
			res := call(t, url, "eth_getFilterChanges", id)
			if res.Error != nil {
				return errors.New(res.Error.Message)
			}
			if string(res.Result) == "[]" {
				return errors.New("no changes yet")
			}
			return json.Unmarshal(res.Result, v)
		})
	}
	var logs []types.Log
	waitChanges(logFilter, &logs)
	if len(logs) != 1 || logs[0].TxHash != b1.Transactions()[2].Hash() || logs[0].BlockHash != b1.Hash() {
		t.Fatalf("log filter changes: %+v", logs)
	}
	var hashes []common.Hash
	waitChanges(blockFilter, &hashes)
	if len(hashes) != 1 || hashes[0] != b1.Hash() {
		t.Fatalf("block filter changes: %v, want [%s]", hashes, b1.Hash())
	}
	waitChanges(txFilter, &hashes)
	if len(hashes) != 1 || hashes[0] != tx.Hash() {
		t.Fatalf("pending tx filter changes: %v, want [%s]", hashes, tx.Hash())
	}
	var full []map[string]any
	waitChanges(fullTxFilter, &full)
	if len(full) != 1 || full[0]["hash"] != tx.Hash().Hex() {
		t.Fatalf("full pending tx filter changes: %v", full)
	}

	// Changes are handed out once; the filter's logs are all there is.
	var again []json.RawMessage
	result(t, url, &again, "eth_getFilterChanges", logFilter)
	if len(again) != 0 {
		t.Fatalf("changes handed out twice: %s", again)
	}
	result(t, url, &logs, "eth_getFilterLogs", logFilter)
	if len(logs) != 1 {
		t.Fatalf("eth_getFilterLogs: %d logs, want 1", len(logs))
	}

	var ok bool
	result(t, url, &ok, "eth_uninstallFilter", logFilter)
	if !ok {
		t.Fatal("eth_uninstallFilter of a live filter returned false")
	}
	result(t, url, &ok, "eth_uninstallFilter", logFilter)
	if ok {
		t.Fatal("eth_uninstallFilter twice returned true")
	}
	for _, m := range []string{"eth_getFilterChanges", "eth_getFilterLogs"} {
		if res := call(t, url, m, logFilter); res.Error == nil || res.Error.Message != "filter not found" {
			t.Fatalf("%s after uninstall: %+v", m, res.Error)
		}
	}
}

// TestFilterLogsRange checks the range cap of eth_getFilterLogs, on the
// range as it resolves now: a filter from 0 to latest is refused once the
// chain is longer than the cap, but not before.
func TestFilterLogsRange(t *testing.T) {
	f := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.LogsMaxRange = 1
	url := serve(t, f, cfg)
	var id string
	result(t, url, &id, "eth_newFilter", map[string]any{"fromBlock": "0x0"})
	var logs []json.RawMessage
	result(t, url, &logs, "eth_getFilterLogs", id)
	if len(logs) != 1 {
		t.Fatalf("got %d logs, want 1", len(logs))
	}
	result(t, url, &id, "eth_newFilter", map[string]any{"fromBlock": "0x0", "toBlock": "0x9"})
	if res := call(t, url, "eth_getFilterLogs", id); res.Error == nil || res.Error.Message != "exceed maximum block range 1" {
		t.Fatalf("0 to 9 with a cap of 1: %s %+v", res.Result, res.Error)
	}
}

func TestFilterExpiry(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.FilterTimeout = 100 * time.Millisecond
	url := serve(t, newFakeBackend(t), cfg)
	var polled, idle string
	result(t, url, &polled, "eth_newBlockFilter")
	result(t, url, &idle, "eth_newFilter", map[string]any{})
	// eth_getFilterLogs does not keep a filter alive; eth_getFilterChanges does.
	waitFor(t, "the idle filter to expire", func() error {
		if res := call(t, url, "eth_getFilterChanges", polled); res.Error != nil {
			t.Fatalf("polled filter: %s", res.Error.Message)
		}
		if res := call(t, url, "eth_getFilterLogs", idle); res.Error == nil {
			return errors.New("idle filter still there")
		}
		return nil
	})
	if res := call(t, url, "eth_getFilterLogs", idle); res.Error == nil || res.Error.Message != "filter not found" {
		t.Fatalf("expired filter: %+v", res.Error)
	}
}

func ptr[T any](v T) *T { return &v }

// waitFor polls cond every 20 ms until it returns nil, for at most 10 s.
func waitFor(t *testing.T, what string, cond func() error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, err)
		case <-tick.C:
		}
	}
}
