package node_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/contracts"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// TestLogsAndSubscriptions runs four validators and uses logs, filters and
// WebSocket subscriptions through ethclient, with the default limits.
func TestLogsAndSubscriptions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-validator network")
	}
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	limits := config.Default().RPC

	dial := func(i int, scheme string) *ethclient.Client {
		t.Helper()
		c, err := ethclient.DialContext(ctx, scheme+"://"+net.Nodes[i].RPC)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	ws0, ws2 := dial(0, "ws"), dial(2, "ws")
	http0, http1, http3 := dial(0, "http"), dial(1, "http"), dial(3, "http")
	key := ethtest.DevKey(2)
	from := ethtest.Address(key)
	token := contracts.Token()
	transferID := token.ABI.Events["Transfer"].ID

	t.Run("newHeads sends consecutive heads", func(t *testing.T) {
		heads := make(chan *types.Header, 16)
		sub, err := ws0.SubscribeNewHead(ctx, heads)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Unsubscribe()
		var prev *types.Header
		for range 4 {
			h := next(ctx, t, heads, sub)
			if prev != nil && (h.Number.Uint64() != prev.Number.Uint64()+1 || h.ParentHash != prev.Hash()) {
				t.Fatalf("head %d (parent %s) after head %d (%s)", h.Number, h.ParentHash, prev.Number, prev.Hash())
			}
			stored, err := http0.HeaderByNumber(ctx, h.Number)
			if err != nil || stored.Hash() != h.Hash() {
				t.Fatalf("head %d: served %v, %v; sent %s", h.Number, stored, err, h.Hash())
			}
			prev = h
		}
	})

	t.Run("newPendingTransactions sees local and gossiped transactions", func(t *testing.T) {
		hashes := make(chan common.Hash, 16)
		sub, err := ws0.Client().EthSubscribe(ctx, hashes, "newPendingTransactions")
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Unsubscribe()
		nonce, err := http0.PendingNonceAt(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		to := common.HexToAddress("0xcc")
		local := ethtest.Transfer(key, net.ChainID, nonce, to, big.NewInt(1))
		if err := http0.SendTransaction(ctx, local); err != nil {
			t.Fatal(err)
		}
		if h := next(ctx, t, hashes, sub); h != local.Hash() {
			t.Fatalf("announced %s, want %s", h, local.Hash())
		}
		// A transaction sent to node 1 reaches node 0's pool by gossip, unless
		// node 1 proposes it first and node 0 commits it before gossip
		// arrives; then node 0 never pools it, and another is tried.
		for attempt := uint64(1); ; attempt++ {
			gossiped := ethtest.Transfer(key, net.ChainID, nonce+attempt, to, big.NewInt(1))
			if err := http1.SendTransaction(ctx, gossiped); err != nil {
				t.Fatal(err)
			}
			if announced(ctx, t, hashes, gossiped.Hash(), http0) {
				return
			}
			if attempt == 5 {
				t.Fatal("5 transactions sent to node 1 were mined without node 0 announcing any")
			}
			t.Logf("attempt %d: mined before gossip reached node 0", attempt)
		}
	})

	var tokenAddr common.Address
	var transfer *types.Receipt
	t.Run("logs subscription and filter get an ERC-20 Transfer", func(t *testing.T) {
		nonce, err := http0.PendingNonceAt(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		r := sendAndWait(ctx, t, http0, ethtest.Deploy(key, net.ChainID, nonce, token.DeployData("Peso", "PSO", big.NewInt(1e6)), 2_000_000))
		tokenAddr = r.ContractAddress
		// Subscribe once nodes 2 and 3 have the deployment, so that only the
		// transfer, not the mint, is new to them.
		waitReceipt(ctx, t, dial(2, "http"), r.TxHash)
		waitReceipt(ctx, t, http3, r.TxHash)

		logs := make(chan types.Log, 4)
		sub, err := ws2.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{tokenAddr}, Topics: [][]common.Hash{{transferID}}}, logs)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Unsubscribe()
		var filterID string
		if err := http3.Client().CallContext(ctx, &filterID, "eth_newFilter", map[string]any{"fromBlock": "0x0", "address": tokenAddr}); err != nil {
			t.Fatal(err)
		}

		to := common.HexToAddress("0xdd")
		transfer = sendAndWait(ctx, t, http0, ethtest.Call(key, net.ChainID, nonce+1, tokenAddr, token.Pack("transfer", to, big.NewInt(77)), 100_000))
		if len(transfer.Logs) != 1 {
			t.Fatalf("transfer receipt has %d logs", len(transfer.Logs))
		}
		want := *transfer.Logs[0]
		// A receipt is readable once its height is committed; the logs
		// reach subscribers a moment later, from the app's event queue, so
		// the subscription may still get the deployment's mint: skip it.
		got := next(ctx, t, logs, sub)
		for got.BlockNumber <= r.BlockNumber.Uint64() {
			got = next(ctx, t, logs, sub)
		}
		checkLog(t, "subscription", got, want)
		if got.Topics[1] != common.BytesToHash(from.Bytes()) || got.Topics[2] != common.BytesToHash(to.Bytes()) || new(big.Int).SetBytes(got.Data).Int64() != 77 {
			t.Fatalf("Transfer(%s, %s, %x)", got.Topics[1], got.Topics[2], got.Data)
		}

		var changes []types.Log
		testnet.WaitFor(ctx, t, "eth_getFilterChanges on node 3", func() error {
			var c []types.Log
			if err := http3.Client().CallContext(ctx, &c, "eth_getFilterChanges", filterID); err != nil {
				return devnet.Permanent(err)
			}
			changes = append(changes, c...)
			if len(changes) == 0 {
				return errors.New("no changes yet")
			}
			return nil
		})
		if len(changes) != 1 {
			t.Fatalf("filter changes: %d logs, want 1", len(changes))
		}
		checkLog(t, "filter changes", changes[0], want)
		// From block 0, the filter's logs include the mint, before it was installed.
		var all []types.Log
		if err := http3.Client().CallContext(ctx, &all, "eth_getFilterLogs", filterID); err != nil || len(all) != 2 {
			t.Fatalf("eth_getFilterLogs = %d logs, %v; want the mint and the transfer", len(all), err)
		}
		checkLog(t, "filter logs", all[1], want)
		var ok bool
		if err := http3.Client().CallContext(ctx, &ok, "eth_uninstallFilter", filterID); err != nil || !ok {
			t.Fatalf("eth_uninstallFilter = %v, %v", ok, err)
		}
		err = http3.Client().CallContext(ctx, &changes, "eth_getFilterChanges", filterID)
		if err == nil || err.Error() != "filter not found" {
			t.Fatalf("eth_getFilterChanges after uninstall: %v", err)
		}
	})

	t.Run("eth_getLogs agrees with the receipts", func(t *testing.T) {
		if transfer == nil {
			t.Skip("no transfer")
		}
		want := *transfer.Logs[0]
		n := transfer.BlockNumber
		// node 1 is asked, and may be a block behind node 0, which mined it
		var head uint64
		testnet.WaitFor(ctx, t, "node 1 at the transfer's block", func() error {
			h, err := http1.BlockNumber(ctx)
			if err != nil {
				return devnet.Permanent(err)
			}
			if head = h; h < n.Uint64() {
				return fmt.Errorf("node 1 at block %d, the transfer is in %d", h, n)
			}
			return nil
		})
		for _, tc := range []struct {
			name string
			q    ethereum.FilterQuery
			n    int // 2: the mint and the transfer
		}{
			{"address over the whole chain", ethereum.FilterQuery{FromBlock: big.NewInt(0), Addresses: []common.Address{tokenAddr}}, 2},
			{"topic and address", ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: new(big.Int).SetUint64(head), Addresses: []common.Address{tokenAddr}, Topics: [][]common.Hash{{transferID}}}, 2},
			{"sender topic excludes the mint", ethereum.FilterQuery{FromBlock: big.NewInt(0), Topics: [][]common.Hash{{transferID}, {common.BytesToHash(from.Bytes())}}}, 1},
			{"block of the transfer", ethereum.FilterQuery{FromBlock: n, ToBlock: n}, 1},
			{"block hash of the transfer", ethereum.FilterQuery{BlockHash: &transfer.BlockHash}, 1},
			{"range before the contract", ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: big.NewInt(1), Addresses: []common.Address{tokenAddr}}, 0},
		} {
			logs, err := http1.FilterLogs(ctx, tc.q)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if len(logs) != tc.n {
				t.Fatalf("%s: %d logs, want %d", tc.name, len(logs), tc.n)
			}
			if tc.n > 0 {
				checkLog(t, tc.name, logs[len(logs)-1], want)
			}
		}
		_, err := http1.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(0), ToBlock: new(big.Int).SetUint64(limits.LogsMaxRange + 1)})
		if want := fmt.Sprintf("exceed maximum block range %d", limits.LogsMaxRange); err == nil || err.Error() != want {
			t.Fatalf("range past the cap: %v, want %q", err, want)
		}
	})

	t.Run("subscriptions per connection are capped", func(t *testing.T) {
		c, err := gethrpc.DialContext(ctx, "ws://"+net.Nodes[1].RPC)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ch := make(chan common.Hash)
		subscribe := func() error {
			_, err := c.EthSubscribe(ctx, ch, "newPendingTransactions")
			return err
		}
		start := time.Now()
		for i := range limits.MaxSubscriptionsPerConnection {
			if err := subscribe(); err != nil {
				t.Fatalf("subscription %d: %v", i+1, err)
			}
		}
		t.Logf("%d subscriptions on one connection in %s", limits.MaxSubscriptionsPerConnection, time.Since(start).Round(time.Millisecond))
		err = subscribe()
		if want := fmt.Sprintf("too many subscriptions on this connection: limit %d", limits.MaxSubscriptionsPerConnection); err == nil || err.Error() != want {
			t.Fatalf("subscription %d: %v, want %q", limits.MaxSubscriptionsPerConnection+1, err, want)
		}
		// Another connection is not affected.
		if _, err := ws0.Client().EthSubscribe(ctx, make(chan common.Hash), "newPendingTransactions"); err != nil && !strings.Contains(err.Error(), "closed") {
			t.Fatalf("subscription on another connection: %v", err)
		}
	})
}

// announced waits for hash on hashes, or for its receipt on c and then a
// second more for the announcement, which may follow the commit.
func announced(ctx context.Context, t *testing.T, hashes <-chan common.Hash, hash common.Hash, c *ethclient.Client) bool {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var grace <-chan time.Time
	for {
		select {
		case h := <-hashes:
			if h == hash {
				return true
			}
		case <-tick.C:
			if grace == nil {
				if r, err := c.TransactionReceipt(ctx, hash); err == nil && r != nil {
					grace = time.After(time.Second)
				}
			}
		case <-grace:
			return false
		case <-ctx.Done():
			t.Fatalf("waiting for the announcement of %s: %v", hash, ctx.Err())
		}
	}
}

func next[T any](ctx context.Context, t *testing.T, ch <-chan T, sub ethereum.Subscription) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case err := <-sub.Err():
		t.Fatalf("subscription ended: %v", err)
	case <-ctx.Done():
		t.Fatalf("waiting for a %T notification: %v", *new(T), ctx.Err())
	}
	panic("unreachable")
}

// checkLog compares a served log with the receipt's.
func checkLog(t *testing.T, what string, got, want types.Log) {
	t.Helper()
	if got.Address != want.Address || len(got.Topics) != len(want.Topics) || got.Topics[0] != want.Topics[0] ||
		string(got.Data) != string(want.Data) || got.BlockNumber != want.BlockNumber || got.BlockHash != want.BlockHash ||
		got.TxHash != want.TxHash || got.TxIndex != want.TxIndex || got.Index != want.Index || got.Removed {
		t.Fatalf("%s: log %+v, receipt has %+v", what, got, want)
	}
}
