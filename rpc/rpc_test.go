package rpc_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core"
	gethpool "github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rlp"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/rpc"
)

// serve starts the JSON-RPC handler over b on a test server and returns its URL.
func serve(t *testing.T, b rpc.Backend, cfg rpc.Config) string {
	t.Helper()
	srv, err := rpc.NewServer(b, cfg)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ts := httptest.NewServer(rpc.Handler(srv, cfg))
	t.Cleanup(func() {
		ts.Close()
		srv.Stop()
	})
	return ts.URL
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

type response struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

// post sends body and returns the HTTP response body.
func post(t *testing.T, url, body string) []byte {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// call makes one raw JSON-RPC request.
func call(t *testing.T, url, method string, params ...any) response {
	t.Helper()
	if params == nil {
		params = []any{}
	}
	req, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		t.Fatal(err)
	}
	var res response
	if err := json.Unmarshal(post(t, url, string(req)), &res); err != nil {
		t.Fatalf("%s: decode response: %v", method, err)
	}
	return res
}

// result makes a request that must succeed and decodes its result into v.
func result(t *testing.T, url string, v any, method string, params ...any) {
	t.Helper()
	res := call(t, url, method, params...)
	if res.Error != nil {
		t.Fatalf("%s: error %d %q", method, res.Error.Code, res.Error.Message)
	}
	if err := json.Unmarshal(res.Result, v); err != nil {
		t.Fatalf("%s: decode result %s: %v", method, res.Result, err)
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("decode %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

func TestSimpleMethods(t *testing.T) {
	url := serve(t, newFakeBackend(t), rpc.DefaultConfig())
	tests := []struct {
		method string
		params []any
		want   string
	}{
		{"web3_clientVersion", nil, `"redmx/v0.0.0-test"`},
		{"web3_sha3", []any{"0x68656c6c6f"}, `"` + crypto.Keccak256Hash([]byte("hello")).Hex() + `"`},
		{"net_version", nil, `"4242"`},
		{"net_listening", nil, `true`},
		{"net_peerCount", nil, `"0x3"`},
		{"eth_chainId", nil, `"0x1092"`},
		{"eth_blockNumber", nil, `"0x1"`},
		{"eth_syncing", nil, `false`},
		{"eth_accounts", nil, `[]`},
		{"eth_gasPrice", nil, `"0x0"`},
		{"eth_maxPriorityFeePerGas", nil, `"0x0"`},
		{"eth_blobBaseFee", nil, `"0x1"`},
		{"eth_getTransactionCount", []any{addr0, "latest"}, `"0x3"`},
		{"eth_getTransactionCount", []any{addr0, "earliest"}, `"0x0"`},
		{"eth_getTransactionCount", []any{addr0, "pending"}, `"0x3"`},
		{"eth_getBalance", []any{addr1}, `"0xde0b6b3a7640000"`},
		{"eth_getBalance", []any{addr1, "0x0"}, `"0x0"`},
		{"eth_getBalance", []any{addr1, map[string]any{"blockNumber": "0x1"}}, `"0xde0b6b3a7640000"`},
		{"eth_getStorageAt", []any{storeAddr, "0x1", "latest"}, `"0x000000000000000000000000000000000000000000000000000000000000002a"`},
		{"eth_getCode", []any{addr1, "latest"}, `"0x"`},
		{"eth_getBlockByNumber", []any{"0x2", false}, `null`},
		{"eth_getBlockByHash", []any{common.Hash{1}, false}, `null`},
		{"eth_getTransactionByHash", []any{common.Hash{1}}, `null`},
		{"eth_getTransactionReceipt", []any{common.Hash{1}}, `null`},
		{"eth_getBlockTransactionCountByNumber", []any{"latest"}, `"0x3"`},
		{"eth_getUncleCountByBlockNumber", []any{"0x1"}, `"0x0"`},
		{"eth_getUncleByBlockNumberAndIndex", []any{"0x1", "0x0"}, `null`},
		{"eth_getUncleByBlockHashAndIndex", []any{common.Hash{1}, "0x0"}, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			res := call(t, url, tt.method, tt.params...)
			if res.Error != nil {
				t.Fatalf("error %d %q", res.Error.Code, res.Error.Message)
			}
			if !jsonEqual(t, res.Result, []byte(tt.want)) {
				t.Errorf("got %s, want %s", res.Result, tt.want)
			}
		})
	}
}

func TestSyncing(t *testing.T) {
	b := newFakeBackend(t)
	b.syncing = true
	url := serve(t, b, rpc.DefaultConfig())
	var got map[string]string
	result(t, url, &got, "eth_syncing")
	want := map[string]string{"startingBlock": "0x0", "currentBlock": "0x1", "highestBlock": "0x9"}
	if len(got) != len(want) || got["currentBlock"] != want["currentBlock"] || got["highestBlock"] != want["highestBlock"] {
		t.Errorf("eth_syncing = %v, want %v", got, want)
	}
}

// TestEthClient drives the server with go-ethereum's own client, which
// decodes every answer with go-ethereum's types.
func TestEthClient(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	ec, err := ethclient.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	ctx := t.Context()

	if id, err := ec.ChainID(ctx); err != nil || id.Uint64() != testChainID {
		t.Errorf("ChainID = %v, %v", id, err)
	}
	if n, err := ec.BlockNumber(ctx); err != nil || n != 1 {
		t.Errorf("BlockNumber = %d, %v", n, err)
	}
	if bal, err := ec.BalanceAt(ctx, addr1, nil); err != nil || bal.Cmp(ether) != 0 {
		t.Errorf("BalanceAt = %v, %v", bal, err)
	}
	if n, err := ec.NonceAt(ctx, addr0, big.NewInt(0)); err != nil || n != 0 {
		t.Errorf("NonceAt(0) = %d, %v", n, err)
	}
	if n, err := ec.PendingNonceAt(ctx, addr0); err != nil || n != 3 {
		t.Errorf("PendingNonceAt = %d, %v", n, err)
	}
	if code, err := ec.CodeAt(ctx, revertAddr, nil); err != nil || len(code) == 0 {
		t.Errorf("CodeAt = %x, %v", code, err)
	}
	if v, err := ec.StorageAt(ctx, storeAddr, storeSlot, nil); err != nil || common.BytesToHash(v) != storeValue {
		t.Errorf("StorageAt = %x, %v", v, err)
	}

	want := b.blocks[1]
	for _, fetch := range []struct {
		name string
		get  func() (*types.Block, error)
	}{
		{"by number", func() (*types.Block, error) { return ec.BlockByNumber(ctx, big.NewInt(1)) }},
		{"latest", func() (*types.Block, error) { return ec.BlockByNumber(ctx, nil) }},
		{"by hash", func() (*types.Block, error) { return ec.BlockByHash(ctx, want.Hash()) }},
	} {
		got, err := fetch.get()
		if err != nil {
			t.Fatalf("block %s: %v", fetch.name, err)
		}
		// ethclient hashes the header it decoded: every header field round-trips.
		if got.Hash() != want.Hash() {
			t.Errorf("block %s: hash %s, want %s", fetch.name, got.Hash(), want.Hash())
		}
		if got.Transactions().Len() != 3 || got.Transactions()[1].Hash() != want.Transactions()[1].Hash() {
			t.Errorf("block %s: transactions differ", fetch.name)
		}
	}

	create := want.Transactions()[1]
	tx, pending, err := ec.TransactionByHash(ctx, create.Hash())
	if err != nil || pending || tx.Hash() != create.Hash() {
		t.Fatalf("TransactionByHash = %v, pending %v, %v", tx, pending, err)
	}
	if from, err := ec.TransactionSender(ctx, tx, want.Hash(), 1); err != nil || from != addr0 {
		t.Errorf("TransactionSender = %s, %v", from, err)
	}
	r, err := ec.TransactionReceipt(ctx, create.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != types.ReceiptStatusSuccessful || r.ContractAddress != crypto.CreateAddress(addr0, 1) ||
		r.EffectiveGasPrice.Sign() != 0 || r.BlockHash != want.Hash() || r.TransactionIndex != 1 {
		t.Errorf("receipt = %+v", r)
	}
	logged, err := ec.TransactionReceipt(ctx, want.Transactions()[2].Hash())
	if err != nil {
		t.Fatal(err)
	}
	if len(logged.Logs) != 1 || string(logged.Logs[0].Data) != "hello" || logged.Logs[0].Index != 0 {
		t.Errorf("logs = %+v", logged.Logs)
	}

	pend := b.addPending(t, key1, 0)
	if _, isPending, err := ec.TransactionByHash(ctx, pend.Hash()); err != nil || !isPending {
		t.Errorf("pending TransactionByHash: pending %v, %v", isPending, err)
	}

	// A successful call, and a revert with its reason and data.
	if out, err := ec.CallContract(ctx, ethereum.CallMsg{To: &addr1}, nil); err != nil || len(out) != 0 {
		t.Errorf("CallContract to an account = %x, %v", out, err)
	}
	_, err = ec.CallContract(ctx, ethereum.CallMsg{To: &revertAddr}, nil)
	checkRevert(t, err, "nope")
	_, err = ec.EstimateGas(ctx, ethereum.CallMsg{From: addr0, To: &revertAddr})
	checkRevert(t, err, "nope")
	if gas, err := ec.EstimateGas(ctx, ethereum.CallMsg{From: addr0, To: &addr1, Value: big.NewInt(1)}); err != nil || gas != 21000 {
		t.Errorf("EstimateGas(transfer) = %d, %v", gas, err)
	}
}

// checkRevert checks a client error is go-ethereum's revert error for reason.
func checkRevert(t *testing.T, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want a revert")
	}
	if want := "execution reverted: " + reason; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	var coded gethrpc.Error
	if !errors.As(err, &coded) || coded.ErrorCode() != 3 {
		t.Errorf("error %v has no code 3", err)
	}
	var data gethrpc.DataError
	if !errors.As(err, &data) {
		t.Fatalf("error %v has no data", err)
	}
	raw, _ := data.ErrorData().(string)
	if !strings.HasPrefix(raw, "0x08c379a0") || !strings.Contains(raw, hexutil.Encode([]byte(reason))[2:]) {
		t.Errorf("revert data %q does not encode Error(%q)", raw, reason)
	}
}

func TestBlockJSON(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	want := b.blocks[1]

	var block map[string]json.RawMessage
	result(t, url, &block, "eth_getBlockByNumber", "0x1", false)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range block {
			if !yield(k) {
				return
			}
		}
	})
	wantKeys := []string{
		"baseFeePerGas", "blobGasUsed", "difficulty", "excessBlobGas", "extraData", "gasLimit", "gasUsed",
		"hash", "logsBloom", "miner", "mixHash", "nonce", "number", "parentBeaconBlockRoot", "parentHash",
		"receiptsRoot", "requestsHash", "sha3Uncles", "size", "stateRoot", "timestamp", "transactions",
		"transactionsRoot", "uncles", "withdrawals", "withdrawalsRoot",
	}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("block keys\n got %v\nwant %v", keys, wantKeys)
	}

	// The served hash is keccak256(rlp(header)), and the served fields decode
	// back into that header.
	enc, err := rlp.EncodeToBytes(want.Header())
	if err != nil {
		t.Fatal(err)
	}
	var hash common.Hash
	if err := json.Unmarshal(block["hash"], &hash); err != nil {
		t.Fatal(err)
	}
	if hash != crypto.Keccak256Hash(enc) {
		t.Errorf("hash %s, want keccak(rlp(header)) %s", hash, crypto.Keccak256Hash(enc))
	}
	var h types.Header
	result(t, url, &h, "eth_getBlockByHash", hash, false)
	if h.Hash() != hash {
		t.Errorf("decoded header hashes to %s, want %s", h.Hash(), hash)
	}
	if string(block["withdrawals"]) != "[]" || string(block["uncles"]) != "[]" {
		t.Errorf("withdrawals %s, uncles %s; want [] and []", block["withdrawals"], block["uncles"])
	}

	var full struct {
		Transactions []map[string]any `json:"transactions"`
	}
	result(t, url, &full, "eth_getBlockByNumber", "latest", true)
	if len(full.Transactions) != 3 || full.Transactions[0]["from"] != strings.ToLower(addr0.Hex()) {
		t.Errorf("full transactions = %v", full.Transactions)
	}
}

func TestTransactionJSON(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	txs := b.blocks[1].Transactions()
	pending := b.addPending(t, key1, 0)

	tests := []struct {
		name    string
		hash    common.Hash
		want    map[string]any // fields that must have these values (nil: JSON null)
		missing []string       // fields that must be absent
	}{
		{
			name:    "mined legacy keeps its signed gas price",
			hash:    txs[0].Hash(),
			want:    map[string]any{"type": "0x0", "gasPrice": "0x0", "chainId": "0x1092", "blockNumber": "0x1", "transactionIndex": "0x0", "value": "0xde0b6b3a7640000", "from": strings.ToLower(addr0.Hex())},
			missing: []string{"yParity", "accessList", "maxFeePerGas", "maxPriorityFeePerGas"},
		},
		{
			name: "mined dynamic-fee reports min(tip + base fee 0, fee cap)",
			hash: txs[1].Hash(),
			want: map[string]any{"type": "0x2", "gasPrice": "0x3b9aca00", "maxPriorityFeePerGas": "0x3b9aca00", "maxFeePerGas": "0x77359400", "to": nil, "accessList": []any{}, "transactionIndex": "0x1", "blockTimestamp": "0x6553f101"},
		},
		{
			name: "pending has null block fields and its fee cap as gas price",
			hash: pending.Hash(),
			want: map[string]any{"blockHash": nil, "blockNumber": nil, "blockTimestamp": nil, "transactionIndex": nil, "gasPrice": "0xb2d05e00", "from": strings.ToLower(addr1.Hex())},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			result(t, url, &got, "eth_getTransactionByHash", tt.hash)
			for k, v := range tt.want {
				gv, ok := got[k]
				if !ok {
					t.Errorf("%s missing", k)
					continue
				}
				if gj, _ := json.Marshal(gv); !jsonEqual(t, gj, mustJSON(t, v)) {
					t.Errorf("%s = %s, want %v", k, gj, v)
				}
			}
			for _, k := range tt.missing {
				if _, ok := got[k]; ok {
					t.Errorf("%s present, want absent", k)
				}
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReceiptJSON(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	txs := b.blocks[1].Transactions()

	var transfer map[string]any
	result(t, url, &transfer, "eth_getTransactionReceipt", txs[0].Hash())
	for k, want := range map[string]any{
		"effectiveGasPrice": "0x0", "contractAddress": nil, "status": "0x1", "type": "0x0",
		"gasUsed": "0x5208", "cumulativeGasUsed": "0x5208", "logs": []any{},
		"to": strings.ToLower(addr1.Hex()), "from": strings.ToLower(addr0.Hex()),
		"blockHash": strings.ToLower(b.blocks[1].Hash().Hex()), "blockNumber": "0x1", "transactionIndex": "0x0",
	} {
		if gj := mustJSON(t, transfer[k]); !jsonEqual(t, gj, mustJSON(t, want)) {
			t.Errorf("%s = %s, want %v", k, gj, want)
		}
	}
	if _, ok := transfer["root"]; ok {
		t.Error("receipt has a root, want status only")
	}

	var all []map[string]any
	result(t, url, &all, "eth_getBlockReceipts", "latest")
	if len(all) != 3 {
		t.Fatalf("eth_getBlockReceipts: %d receipts, want 3", len(all))
	}
	for i, r := range all {
		// The dynamic-fee transactions were signed with non-zero prices: the
		// receipt still reports what was charged, which is nothing.
		if r["effectiveGasPrice"] != "0x0" {
			t.Errorf("receipt %d: effectiveGasPrice %v, want 0x0", i, r["effectiveGasPrice"])
		}
	}
	if all[1]["contractAddress"] != strings.ToLower(crypto.CreateAddress(addr0, 1).Hex()) {
		t.Errorf("contractAddress = %v", all[1]["contractAddress"])
	}
	var none []map[string]any
	result(t, url, &none, "eth_getBlockReceipts", "0x7")
	if none != nil {
		t.Errorf("receipts of an unknown block = %v, want null", none)
	}
}

func TestSendRawTransaction(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	signer := types.LatestSignerForChainID(big.NewInt(testChainID))
	tx := types.MustSignNewTx(key1, signer, &types.DynamicFeeTx{ChainID: big.NewInt(testChainID), Nonce: 0, To: &addr0, Gas: 21000, GasTipCap: new(big.Int), GasFeeCap: new(big.Int)})
	raw, err := tx.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}

	// The exact texts of go-ethereum's refusals, on purpose: wallets match them.
	tests := []struct {
		name    string
		input   string
		poolErr error
		wantMsg string
	}{
		{name: "too short", input: "0x01", wantMsg: "typed transaction too short"},
		{name: "empty rlp list", input: "0xc0", wantMsg: "rlp: too few elements for types.LegacyTx"},
		{name: "nonce too low", input: hexutil.Encode(raw), poolErr: core.ErrNonceTooLow, wantMsg: "nonce too low"},
		{name: "already known", input: hexutil.Encode(raw), poolErr: gethpool.ErrAlreadyKnown, wantMsg: "already known"},
		{name: "underpriced replacement", input: hexutil.Encode(raw), poolErr: gethpool.ErrReplaceUnderpriced, wantMsg: "replacement transaction underpriced"},
		{name: "insufficient funds", input: hexutil.Encode(raw), poolErr: core.ErrInsufficientFunds, wantMsg: "insufficient funds for gas * price + value"},
		{name: "oversized", input: hexutil.Encode(raw), poolErr: gethpool.ErrOversizedData, wantMsg: "oversized data"},
		{name: "wrong chain", input: hexutil.Encode(raw), poolErr: types.ErrInvalidChainId, wantMsg: "invalid chain id for signer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.setSendErr(tt.poolErr)
			res := call(t, url, "eth_sendRawTransaction", tt.input)
			if res.Error == nil {
				t.Fatalf("no error, want %q", tt.wantMsg)
			}
			if res.Error.Code != -32000 || res.Error.Message != tt.wantMsg {
				t.Errorf("error %d %q, want -32000 %q", res.Error.Code, res.Error.Message, tt.wantMsg)
			}
		})
	}

	b.setSendErr(nil)
	var hash common.Hash
	result(t, url, &hash, "eth_sendRawTransaction", hexutil.Encode(raw))
	if hash != tx.Hash() || len(b.sent) != 1 || b.sent[0].Hash() != tx.Hash() {
		t.Errorf("sent hash %s, pool got %d txs; want %s", hash, len(b.sent), tx.Hash())
	}
}

func TestCall(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	fresh := common.HexToAddress("0x00000000000000000000000000000000000000dd")
	number := returnCode(0x43) // NUMBER
	word := func(n int64) string { return hexutil.Encode(common.LeftPadBytes(big.NewInt(n).Bytes(), 32)) }

	tests := []struct {
		name     string
		params   []any
		want     string // result, when there is no error
		wantCode int
		wantMsg  string
	}{
		{
			name:   "code override",
			params: []any{map[string]any{"to": fresh}, "latest", map[string]any{fresh.Hex(): map[string]any{"code": hexutil.Encode(number)}}},
			want:   word(1),
		},
		{
			name: "block override of the number",
			params: []any{map[string]any{"to": fresh}, "latest",
				map[string]any{fresh.Hex(): map[string]any{"code": hexutil.Encode(number)}},
				map[string]any{"number": "0x99"}},
			want: word(0x99),
		},
		{
			name:   "stateDiff override read by SLOAD",
			params: []any{map[string]any{"to": storeAddr}, "latest", map[string]any{storeAddr.Hex(): map[string]any{"code": hexutil.Encode(returnCode(0x60, 0x07, 0x54)), "stateDiff": map[string]string{"0x0000000000000000000000000000000000000000000000000000000000000007": word(5)}}}},
			want:   word(5),
		},
		{
			name:   "balance override pays for the value",
			params: []any{map[string]any{"from": fresh, "to": addr1, "value": "0x10"}, "latest", map[string]any{fresh.Hex(): map[string]any{"balance": "0x10"}}},
			want:   "0x",
		},
		{
			name:     "value without balance",
			params:   []any{map[string]any{"from": fresh, "to": addr1, "value": "0x10"}, "latest"},
			wantCode: -32000,
			wantMsg:  "err: insufficient funds for gas * price + value: address " + fresh.Hex() + " have 0 want 16 (supplied gas 50000000)",
		},
		{
			name:     "revert",
			params:   []any{map[string]any{"to": revertAddr}},
			wantCode: 3,
			wantMsg:  "execution reverted: nope",
		},
		{
			name:     "data and input differ",
			params:   []any{map[string]any{"to": addr1, "data": "0x01", "input": "0x02"}},
			wantCode: -32000,
			wantMsg:  `both "data" and "input" are set and not equal. Please use "input" to pass transaction call data`,
		},
		{
			name:     "both fee styles",
			params:   []any{map[string]any{"to": addr1, "gasPrice": "0x1", "maxFeePerGas": "0x1"}},
			wantCode: -32000,
			wantMsg:  "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified",
		},
		{
			name:     "block above the head",
			params:   []any{map[string]any{"to": addr1}, "0x5"},
			wantCode: -32000,
			wantMsg:  "header not found",
		},
		{
			name:     "moving a precompile",
			params:   []any{map[string]any{"to": addr1}, "latest", map[string]any{"0x0000000000000000000000000000000000000001": map[string]any{"movePrecompileToAddress": fresh}}},
			wantCode: -32000,
			wantMsg:  "override not supported: movePrecompileToAddress (account 0x0000000000000000000000000000000000000001)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, url, "eth_call", tt.params...)
			if tt.wantMsg != "" {
				if res.Error == nil || res.Error.Code != tt.wantCode || res.Error.Message != tt.wantMsg {
					t.Fatalf("error %+v, want %d %q", res.Error, tt.wantCode, tt.wantMsg)
				}
				return
			}
			if res.Error != nil {
				t.Fatalf("error %d %q", res.Error.Code, res.Error.Message)
			}
			if !jsonEqual(t, res.Result, mustJSON(t, tt.want)) {
				t.Errorf("result %s, want %s", res.Result, tt.want)
			}
		})
	}

	t.Run("revert data", func(t *testing.T) {
		res := call(t, url, "eth_call", map[string]any{"to": revertAddr}, "latest")
		want := hexutil.Encode(mustRevertData(t, "nope"))
		if res.Error == nil || res.Error.Data != want {
			t.Errorf("error %+v, want data %s", res.Error, want)
		}
	})
}

// mustRevertData is the ABI encoding of Error(reason).
func mustRevertData(t *testing.T, reason string) []byte {
	t.Helper()
	data := append(crypto.Keccak256([]byte("Error(string)"))[:4], common.LeftPadBytes([]byte{0x20}, 32)...)
	data = append(data, common.LeftPadBytes([]byte{byte(len(reason))}, 32)...)
	return append(data, common.RightPadBytes([]byte(reason), 32)...)
}

func TestCallTimeout(t *testing.T) {
	b := newFakeBackend(t)
	cfg := rpc.DefaultConfig()
	cfg.EVMTimeout = time.Millisecond
	url := serve(t, b, cfg)
	loop := common.HexToAddress("0x00000000000000000000000000000000000000ee")
	res := call(t, url, "eth_call", map[string]any{"to": loop}, "latest",
		map[string]any{loop.Hex(): map[string]any{"code": "0x5b600056"}}) // JUMPDEST PUSH1 0 JUMP: runs until out of gas or cancelled
	if res.Error == nil || res.Error.Code != -32000 || res.Error.Message != "execution aborted (timeout = 1ms)" {
		t.Errorf("error %+v, want the timeout", res.Error)
	}
}

func TestStateErrors(t *testing.T) {
	b := newFakeBackend(t)
	b.unavailable[0] = true
	url := serve(t, b, rpc.DefaultConfig())
	tests := []struct {
		name    string
		method  string
		params  []any
		wantMsg string
	}{
		{"pruned state", "eth_getBalance", []any{addr0, "earliest"}, "historical state not available for block 0: pruned below block 1"},
		{"above the head", "eth_getCode", []any{addr0, "0x2"}, "header not found"},
		{"unknown hash", "eth_getStorageAt", []any{addr0, "0x0", map[string]any{"blockHash": common.Hash{1}}}, "header for hash not found"},
		{"bad storage key", "eth_getStorageAt", []any{addr0, "0xzz", "latest"}, `invalid hex in storage key: "0xzz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, url, tt.method, tt.params...)
			if res.Error == nil || res.Error.Message != tt.wantMsg {
				t.Fatalf("error %+v, want %q", res.Error, tt.wantMsg)
			}
		})
	}
}

// TestLatestStateTakenWithTheHead: "latest", "pending", "safe" and
// "finalized" read the state the backend opens together with the head
// (HeadState), never a head resolved first and opened after: a flatten in
// between would have sent that open to the state history.
func TestLatestStateTakenWithTheHead(t *testing.T) {
	b := newFakeBackend(t)
	b.headOnlyTogether = true
	url := serve(t, b, rpc.DefaultConfig())
	head := hexutil.Uint64(b.Head().Number.Uint64()).String()
	for _, tag := range []string{"latest", "pending", "safe", "finalized"} {
		if res := call(t, url, "eth_getBalance", addr0, tag); res.Error != nil {
			t.Errorf("eth_getBalance at %q: %+v", tag, res.Error)
		}
	}
	if res := call(t, url, "eth_getTransactionCount", addr0); res.Error != nil {
		t.Errorf("eth_getTransactionCount with no block: %+v", res.Error)
	}
	// The same block by number resolves the head and then opens it.
	if res := call(t, url, "eth_getBalance", addr0, head); res.Error == nil {
		t.Errorf("eth_getBalance at %s opened the head's state apart from the head", head)
	}
}

func TestFeeHistory(t *testing.T) {
	b := newFakeBackend(t)
	url := serve(t, b, rpc.DefaultConfig())
	ratio := float64(b.blocks[1].GasUsed()) / float64(b.blocks[1].GasLimit())

	var got struct {
		OldestBlock      string     `json:"oldestBlock"`
		Reward           [][]string `json:"reward"`
		BaseFee          []string   `json:"baseFeePerGas"`
		GasUsedRatio     []float64  `json:"gasUsedRatio"`
		BlobBaseFee      []string   `json:"baseFeePerBlobGas"`
		BlobGasUsedRatio []float64  `json:"blobGasUsedRatio"`
	}
	result(t, url, &got, "eth_feeHistory", "0x400", "latest", []float64{25, 75})
	if got.OldestBlock != "0x0" || len(got.BaseFee) != 3 || len(got.BlobBaseFee) != 3 ||
		!slices.Equal(got.GasUsedRatio, []float64{0, ratio}) || len(got.BlobGasUsedRatio) != 2 ||
		len(got.Reward) != 2 || !slices.Equal(got.Reward[1], []string{"0x0", "0x0"}) ||
		slices.ContainsFunc(got.BaseFee, func(s string) bool { return s != "0x0" }) {
		t.Errorf("eth_feeHistory = %+v", got)
	}

	errs := []struct {
		name    string
		params  []any
		wantMsg string
	}{
		{"percentile above 100", []any{"0x1", "latest", []float64{101}}, "invalid reward percentile: 101.000000"},
		{"percentiles not increasing", []any{"0x1", "latest", []float64{50, 10}}, "invalid reward percentile: #0:50.000000 >= #1:10.000000"},
		{"beyond the head", []any{"0x1", "0x9", []float64{}}, "request beyond head block: requested 9, head 1"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, url, "eth_feeHistory", tt.params...)
			if res.Error == nil || res.Error.Code != -32000 || res.Error.Message != tt.wantMsg {
				t.Fatalf("error %+v, want %q", res.Error, tt.wantMsg)
			}
		})
	}
}

func TestWebSocket(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.WSOrigins = []string{"http://wallet.example"}
	url := serve(t, newFakeBackend(t), cfg)
	wsURL := "ws" + strings.TrimPrefix(url, "http")

	ec, err := ethclient.Dial(wsURL)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	defer ec.Close()
	if id, err := ec.ChainID(t.Context()); err != nil || id.Uint64() != testChainID {
		t.Errorf("ChainID over WebSocket = %v, %v", id, err)
	}

	if c, err := gethrpc.DialOptions(t.Context(), wsURL, gethrpc.WithHeader("Origin", "http://evil.example")); err == nil {
		c.Close()
		t.Error("WebSocket from a foreign origin was accepted")
	}
}

func TestHTTPGuards(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.CORS = []string{"http://wallet.example"}
	cfg.VirtualHosts = []string{"localhost"}
	url := serve(t, newFakeBackend(t), cfg)
	checkGuards(t, url, []guardCase{
		{name: "allowed origin", method: http.MethodPost, origin: "http://wallet.example", wantStatus: 200, wantCORS: "http://wallet.example"},
		{name: "other origin", method: http.MethodPost, origin: "http://evil.example", wantStatus: 200},
		{name: "preflight", method: http.MethodOptions, origin: "http://wallet.example", wantStatus: http.StatusNoContent, wantCORS: "http://wallet.example"},
		{name: "allowed virtual host", method: http.MethodPost, host: "localhost:8545", wantStatus: 200},
		{name: "foreign virtual host", method: http.MethodPost, host: "rebind.example", wantStatus: http.StatusForbidden},
	})
}

// guardCase is a request of the CORS and virtual-host checks and what it
// must get.
type guardCase struct {
	name, method, host, origin string // method "": POST
	wantStatus                 int
	wantCORS                   string
}

// checkGuards sends each case's eth_chainId request to url and checks the
// status and the Access-Control-Allow-Origin header of the answer.
func checkGuards(t *testing.T, url string, tests []guardCase) {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := cmp.Or(tt.method, http.MethodPost)
			req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if method == http.MethodOptions {
				req.Header.Set("Access-Control-Request-Method", http.MethodPost)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d", res.StatusCode, tt.wantStatus)
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != tt.wantCORS {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.wantCORS)
			}
		})
	}
}

func TestBatch(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.BatchItemLimit = 3
	url := serve(t, newFakeBackend(t), cfg)

	var got []response
	body := `[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"},{"jsonrpc":"2.0","id":3,"method":"eth_nope"}]`
	if err := json.Unmarshal(post(t, url, body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got[0].Result) != `"0x1092"` || string(got[1].Result) != `"0x1"` ||
		got[2].Error == nil || got[2].Error.Code != -32601 {
		t.Errorf("batch = %+v", got)
	}

	body = `[` + strings.Repeat(`{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},`, 3) + `{"jsonrpc":"2.0","id":4,"method":"eth_chainId"}]`
	if err := json.Unmarshal(post(t, url, body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Error == nil || got[0].Error.Message != "batch too large" {
		t.Errorf("oversized batch = %+v", got)
	}
}
