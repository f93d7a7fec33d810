package rpc

import (
	"context"
	"testing"
	"time"
)

// TestGateNoWait: with no wait a free slot is always taken, a full gate
// refused at once, and a released slot is free again.
func TestGateNoWait(t *testing.T) {
	g := newGate("things", 1, 1, 0)
	for i := range 200 {
		release, err := g.acquire(context.Background())
		if err != nil {
			t.Fatalf("acquire %d of a free gate: %v", i, err)
		}
		if _, err := g.acquire(context.Background()); err == nil {
			t.Fatalf("acquire %d of a full gate succeeded", i)
		}
		release()
		release() // a second release gives back nothing
	}
	if len(g.slots) != 0 || len(g.clients) != 0 {
		t.Fatalf("after releases: %d slots, clients %v", len(g.slots), g.clients)
	}
}

// TestGateWaitsForSlot: a request past the cap takes the slot freed while it
// waits.
func TestGateWaitsForSlot(t *testing.T) {
	g := newGate("things", 1, 1, 10*time.Second)
	release, err := g.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := g.acquire(context.Background())
		if err == nil {
			r()
		}
		got <- err
	}()
	release()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("waiting acquire: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiting acquire did not get the freed slot")
	}
}
