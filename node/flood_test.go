package node_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"golang.org/x/sync/errgroup"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
	"github.com/redmx/redmx/internal/testnet"
)

// TestFloodOfApplications floods four real validators with applications
// from fresh accounts of no record (most of them ordinary, some declaring
// 2^24 gas, some carrying large calldata, some sent twice by one account)
// while a member sends transfers. Every node keeps finalising; each
// member's transfer is mined within 2 blocks of its submission; no node's
// pool holds more of the flood than its lane allows; and every application
// a node accepted is, a bounded number of blocks later, mined or evicted
// with a reason that txpool_evicted shows.
func TestFloodOfApplications(t *testing.T) {
	if testing.Short() {
		t.Skip("floods a 4-validator network")
	}
	net := testnet.Start(t, devnet.Config{Validators: 4, TimeoutCommit: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	clients := dialAll(ctx, t, net)
	net.WaitHeight(ctx, t, 3) // every node up and connected
	head := func(c *ethclient.Client) uint64 {
		n, err := c.BlockNumber(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The flood's transactions, signed before it starts.
	const (
		ordinary = 360
		maxGas   = 20
		large    = 20
		twice    = 20
	)
	type sent struct {
		tx   *types.Transaction
		node int
	}
	var flood []sent
	for i := range ordinary + maxGas + large + twice {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		gas, n := uint64(1_000_000), 600 // about an application's size
		switch {
		case i < maxGas:
			gas = 1 << 24
		case i < maxGas+large:
			gas, n = 5_000_000, 100_000
		}
		flood = append(flood, sent{application(t, key, net.ChainID, 0, gas, n), i % len(clients)})
		if i >= maxGas+large && i < maxGas+large+twice {
			flood = append(flood, sent{application(t, key, net.ChainID, 1, gas, n), (i + 1) % len(clients)})
		}
	}
	var heapBefore runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapBefore)

	// The flood, from 8 senders at once.
	accepted := make([]bool, len(flood))
	var refusals sync.Map // error text prefix → count
	var floodDone atomic.Bool
	var g errgroup.Group
	g.SetLimit(8)
	started := make(chan struct{})
	go func() {
		defer floodDone.Store(true)
		for i, s := range flood {
			if i == 40 {
				close(started)
			}
			g.Go(func() error {
				err := clients[s.node].SendTransaction(ctx, s.tx)
				if err == nil {
					accepted[i] = true
					return nil
				}
				k := err.Error()
				if j := strings.Index(k, ":"); j > 0 {
					k = k[:j]
				}
				n, _ := refusals.LoadOrStore(k, new(atomic.Int64))
				n.(*atomic.Int64).Add(1)
				return nil
			})
		}
		_ = g.Wait()
	}()

	// The member's transfers, each sent to another node, while the flood
	// goes on: each is mined within 2 blocks.
	<-started
	member := ethtest.DevKey(0)
	nonce, err := clients[0].PendingNonceAt(ctx, ethtest.Address(member))
	if err != nil {
		t.Fatal(err)
	}
	var peakPool []int
	var peakBytes []uint64
	var peakHeap uint64
	to := common.HexToAddress("0x00000000000000000000000000000000000000cc")
	for i := range 12 {
		c := clients[i%len(clients)]
		tx := ethtest.Transfer(member, net.ChainID, nonce+uint64(i), to, big.NewInt(1))
		at := head(c)
		if err := c.SendTransaction(ctx, tx); err != nil {
			t.Fatalf("member's transfer %d: %v", i, err)
		}
		var r *types.Receipt
		waitFor(ctx, t, fmt.Sprintf("the member's transfer %d", i), func() bool {
			r, _ = c.TransactionReceipt(ctx, tx.Hash())
			return r != nil
		})
		if got := r.BlockNumber.Uint64(); got > at+2 {
			t.Errorf("member's transfer %d sent at head %d mined in block %d: %d blocks later", i, at, got, got-at)
		}
		pools, bytes := poolSizes(ctx, t, clients)
		for j, n := range pools {
			if len(peakPool) < len(pools) {
				peakPool = append(peakPool, 0)
				peakBytes = append(peakBytes, 0)
			}
			peakPool[j] = max(peakPool[j], n)
			peakBytes[j] = max(peakBytes[j], bytes[j])
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peakHeap = max(peakHeap, ms.HeapAlloc)
	}
	waitFor(ctx, t, "the flood sent", floodDone.Load)

	n := 0
	for _, ok := range accepted {
		if ok {
			n++
		}
	}
	var refused []string
	refusals.Range(func(k, v any) bool {
		refused = append(refused, fmt.Sprintf("%s: %d", k, v.(*atomic.Int64).Load()))
		return true
	})
	t.Logf("flood of %d transactions: %d accepted; refused %v", len(flood), n, refused)
	t.Logf("peak pooled transactions per node %v, encoded bytes %v; process heap %d MiB before, %d MiB at most during the flood (4 nodes in one process)",
		peakPool, peakBytes, heapBefore.HeapAlloc>>20, peakHeap>>20)
	for i, s := range flood[:maxGas+large] {
		if accepted[i] {
			t.Errorf("application %d with gas %d and %d bytes of calldata accepted", i, s.tx.Gas(), len(s.tx.Data()))
		}
	}
	for j, p := range peakPool {
		if p > 80+1 { // the lane: applyQuota 20 × 4 blocks, and the member's transfer
			t.Errorf("node %d pooled %d transactions at once, more than its lane allows", j, p)
		}
	}

	// Every accepted application is mined, or evicted with a reason, within
	// the lane's age limit and a few blocks more.
	end := head(clients[0]) + 20 + 4
	net.WaitHeight(ctx, t, int64(end))
	var mined, evicted int
	for i, s := range flood {
		if !accepted[i] {
			continue
		}
		c := clients[s.node]
		if r, err := c.TransactionReceipt(ctx, s.tx.Hash()); err == nil && r != nil {
			mined++
			continue
		}
		var ev *struct{ Reason string }
		if err := c.Client().CallContext(ctx, &ev, "txpool_evicted", s.tx.Hash()); err != nil {
			t.Fatal(err)
		}
		if ev == nil || ev.Reason == "" {
			t.Errorf("application %d accepted by node %d neither mined nor evicted", i, s.node)
			continue
		}
		evicted++
	}
	t.Logf("accepted applications: %d mined, %d evicted with a reason", mined, evicted)

	// No block carries more applications than the quota, nor more of their
	// bytes than the quota times the lane's calldata cap.
	var most, mostBytes int
	for n := uint64(1); n <= end; n++ {
		b, err := clients[0].BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			t.Fatal(err)
		}
		var apps, size int
		for _, tx := range b.Transactions() {
			if to := tx.To(); to != nil && *to == governance.Address {
				apps++
				size += int(tx.Size())
			}
		}
		if apps > 20 || size > 20*(4<<10+200) {
			t.Errorf("block %d carries %d applications of %d bytes", n, apps, size)
		}
		most, mostBytes = max(most, apps), max(mostBytes, size)
	}
	t.Logf("at most %d applications, %d bytes of them, in one block", most, mostBytes)
	for i, c := range clients {
		if h := head(c); h < end {
			t.Errorf("node %d at height %d, behind %d", i, h, end)
		}
	}
}

// application is a call of applyProject by key with n bytes of arguments:
// the pool admits an account of no record by the selector alone, and
// execution refuses what it cannot decode, so the flood does not depend on
// the method's parameters.
func application(t *testing.T, key *ecdsa.PrivateKey, chainID, nonce, gas uint64, n int) *types.Transaction {
	t.Helper()
	data := append([]byte{}, governance.ABI.Methods["applyProject"].ID...)
	self := crypto.PubkeyToAddress(key.PublicKey)
	for len(data) < 4+n {
		data = append(data, self[:]...)
	}
	return ethtest.Call(key, chainID, nonce, governance.Address, data[:4+n], gas)
}

// poolSizes is each node's count of pooled transactions and their encoded
// bytes.
func poolSizes(ctx context.Context, t *testing.T, clients []*ethclient.Client) (counts []int, sizes []uint64) {
	t.Helper()
	counts, sizes = make([]int, len(clients)), make([]uint64, len(clients))
	for i, c := range clients {
		var content map[string]map[string]map[string]*types.Transaction
		if err := c.Client().CallContext(ctx, &content, "txpool_content"); err != nil {
			t.Fatal(err)
		}
		for _, bySender := range content {
			for _, byNonce := range bySender {
				for _, tx := range byNonce {
					counts[i]++
					sizes[i] += tx.Size()
				}
			}
		}
	}
	return counts, sizes
}
