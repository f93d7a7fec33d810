package rpc_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	gethrpc "github.com/ethereum/go-ethereum/rpc"

	"github.com/redmx/redmx/rpc"
)

func wsURL(httpURL string) string { return "ws" + strings.TrimPrefix(httpURL, "http") }

func recv[T any](t *testing.T, ch <-chan T, sub ethereum.Subscription) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case err := <-sub.Err():
		t.Fatalf("subscription ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatalf("no %T notification within 10 s", *new(T))
	}
	panic("unreachable")
}

func TestSubscriptions(t *testing.T) {
	f := newFakeBackend(t)
	url := serve(t, f, rpc.DefaultConfig())
	c, err := gethrpc.Dial(wsURL(url))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ec := ethclient.NewClient(c)
	ctx := t.Context()
	b1 := f.blocks[1]

	heads := make(chan *types.Header, 1)
	headSub, err := ec.SubscribeNewHead(ctx, heads)
	if err != nil {
		t.Fatal(err)
	}
	logs := make(chan types.Log, 1)
	logSub, err := ec.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{loggerAddr}}, logs)
	if err != nil {
		t.Fatal(err)
	}
	hashes := make(chan common.Hash, 1)
	txSub, err := c.EthSubscribe(ctx, hashes, "newPendingTransactions")
	if err != nil {
		t.Fatal(err)
	}
	fullTxs := make(chan map[string]any, 1)
	fullSub, err := c.EthSubscribe(ctx, fullTxs, "newPendingTransactions", true)
	if err != nil {
		t.Fatal(err)
	}

	f.announce(1)
	if h := recv(t, heads, headSub); h.Hash() != b1.Hash() {
		t.Fatalf("newHeads sent block %d %s, want %s", h.Number, h.Hash(), b1.Hash())
	}
	if l := recv(t, logs, logSub); l.TxHash != b1.Transactions()[2].Hash() || l.BlockHash != b1.Hash() || l.TxIndex != 2 || string(l.Data) != "hello" {
		t.Fatalf("logs sent %+v", l)
	}
	tx := f.addPending(t, key1, 0)
	f.txsFeed.Send(core.NewTxsEvent{Txs: []*types.Transaction{tx}})
	if h := recv(t, hashes, txSub); h != tx.Hash() {
		t.Fatalf("newPendingTransactions sent %s, want %s", h, tx.Hash())
	}
	if full := recv(t, fullTxs, fullSub); full["hash"] != tx.Hash().Hex() || full["nonce"] != "0x0" {
		t.Fatalf("newPendingTransactions with fullTx sent %v", full)
	}

	// Unsubscribed: nothing more arrives.
	headSub.Unsubscribe()
	f.announce(1)
	select {
	case h := <-heads:
		t.Fatalf("header %d after unsubscribe", h.Number)
	case <-time.After(200 * time.Millisecond): // a negative check: nothing may come
	}
}

func TestSubscriptionsOverHTTP(t *testing.T) {
	url := serve(t, newFakeBackend(t), rpc.DefaultConfig())
	res := call(t, url, "eth_subscribe", "newHeads")
	if res.Error == nil || res.Error.Message != "notifications not supported" {
		t.Fatalf("eth_subscribe over HTTP: %s %+v", res.Result, res.Error)
	}
}

func TestSubscriptionLimitPerConnection(t *testing.T) {
	cfg := rpc.DefaultConfig()
	cfg.MaxSubscriptionsPerConnection = 2
	url := serve(t, newFakeBackend(t), cfg)
	ctx := t.Context()
	dial := func() *gethrpc.Client {
		c, err := gethrpc.Dial(wsURL(url))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	subscribe := func(c *gethrpc.Client, kind string) (*gethrpc.ClientSubscription, error) {
		switch kind {
		case "newHeads":
			return c.EthSubscribe(ctx, make(chan *types.Header), kind)
		case "logs":
			return c.EthSubscribe(ctx, make(chan types.Log), kind, map[string]any{})
		default:
			return c.EthSubscribe(ctx, make(chan common.Hash), kind)
		}
	}

	a := dial()
	first, err := subscribe(a, "newHeads")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subscribe(a, "logs"); err != nil {
		t.Fatal(err)
	}
	_, err = subscribe(a, "newPendingTransactions")
	var rerr gethrpc.Error
	if !errors.As(err, &rerr) || rerr.ErrorCode() != -32005 || err.Error() != "too many subscriptions on this connection: limit 2" {
		t.Fatalf("third subscription on one connection: %v", err)
	}

	// Another connection has its own count.
	b := dial()
	for range 2 {
		if _, err := subscribe(b, "newHeads"); err != nil {
			t.Fatalf("subscription on a second connection: %v", err)
		}
	}

	// A subscription that ends frees its place.
	first.Unsubscribe()
	waitFor(t, "a place after unsubscribe", func() error {
		_, err := subscribe(a, "newPendingTransactions")
		return err
	})
	// A refused subscription took no place.
	if _, err := subscribe(a, "newHeads"); err == nil {
		t.Fatal("a third live subscription was accepted")
	}
}
