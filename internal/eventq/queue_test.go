package eventq_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redmx/redmx/internal/eventq"
)

func TestOrder(t *testing.T) {
	var (
		mu  sync.Mutex
		got []int
	)
	q := eventq.New(1000, func(b []int) {
		mu.Lock()
		got = append(got, b...)
		mu.Unlock()
	})
	var want []int
	for i := range 500 {
		q.Send(i)
		want = append(want, i)
	}
	q.Wait()
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want 0..499 in order", got)
	}
	if q.Dropped() != 0 {
		t.Fatalf("dropped %d", q.Dropped())
	}
}

// TestSendNeverBlocks stalls the subscriber and checks that Send returns,
// that the oldest values are dropped, and that the newest are delivered.
func TestSendNeverBlocks(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{}, 1)
	var (
		mu  sync.Mutex
		got []int
	)
	q := eventq.New(3, func(b []int) {
		started <- struct{}{}
		<-release
		mu.Lock()
		got = append(got, b...)
		mu.Unlock()
	})
	q.Send(0)
	<-started // delivery of 0 has begun and stalls
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i < 100; i++ {
			q.Send(i)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Send blocked on a stalled subscriber")
	}
	close(release)
	<-started // the second batch
	q.Wait()
	mu.Lock()
	defer mu.Unlock()
	// The first value went to the stalled delivery; of the rest only the
	// newest three were kept.
	if want := []int{0, 97, 98, 99}; !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	if d := q.Dropped(); d != 96 {
		t.Fatalf("dropped %d, want 96", d)
	}
}
