package txpool_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
)

// TestNewTxsEvents checks that accepted transactions, executable and queued,
// are announced once each in order of acceptance, and refused ones are not.
func TestNewTxsEvents(t *testing.T) {
	f := newFixture(t)
	ch := make(chan core.NewTxsEvent, 16)
	sub := f.pool.SubscribeNewTxs(ch)
	defer sub.Unsubscribe()

	a, b := account(0), account(1)
	accepted := []common.Hash{}
	for _, s := range []struct {
		k     key
		nonce uint64
	}{{a, 0}, {a, 2}, {b, 0}, {a, 1}} { // a's nonce 2 waits queued until 1 comes
		tx := transfer(t, s.k, s.nonce)
		f.mustAdd(tx)
		accepted = append(accepted, tx.Hash())
	}
	if err := f.pool.Add(transfer(t, a, 0)); err == nil { // already known
		t.Fatal("duplicate accepted")
	}
	if err := f.pool.Add(transfer(t, b, 0)); err == nil {
		t.Fatal("duplicate accepted")
	}

	var got []common.Hash
	deadline := time.After(10 * time.Second)
	for len(got) < len(accepted) {
		select {
		case ev := <-ch:
			for _, tx := range ev.Txs {
				got = append(got, tx.Hash())
			}
		case <-deadline:
			t.Fatalf("announced %d of %d transactions", len(got), len(accepted))
		}
	}
	if !slices.Equal(got, accepted) {
		t.Fatalf("announced %v, want %v", got, accepted)
	}
	select {
	case ev := <-ch:
		t.Fatalf("unexpected announcement of %d txs", len(ev.Txs))
	default:
	}
}

// TestNewTxsNeverBlocks checks that Add returns while a subscriber does not
// read, and that Close ends the subscription.
func TestNewTxsNeverBlocks(t *testing.T) {
	f := newFixture(t)
	ch := make(chan core.NewTxsEvent) // never read
	sub := f.pool.SubscribeNewTxs(ch)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := range uint64(200) {
			f.mustAdd(transfer(t, account(int(n%20)), n/20))
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Add blocked on a subscriber that does not read")
	}
	f.pool.Close()
	select {
	case <-sub.Err():
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the subscription")
	}
}
