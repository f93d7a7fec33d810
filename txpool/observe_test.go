package txpool_test

import (
	"errors"
	"testing"

	"github.com/redmx/redmx/txpool"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	admitted map[bool]int
	refused  []error
	evicted  []string
}

func (r *recorder) Admitted(noRecord bool) { r.admitted[noRecord]++ }
func (r *recorder) Refused(err error)      { r.refused = append(r.refused, err) }
func (r *recorder) Evicted(kind string)    { r.evicted = append(r.evicted, kind) }

// TestObserver: the observer is told of each admission with its lane, each
// refusal with its error (AddRaw's too), and each eviction with its kind.
func TestObserver(t *testing.T) {
	f := laneFixture(t, 20, func(c *txpool.Config) { c.GlobalSlots = 3 })
	r := &recorder{admitted: map[bool]int{}}
	f.pool.SetObserver(r)
	app := application(t, stranger(0), 0, 100, 200_000)
	f.mustAdd(app)
	f.mustAdd(transfer(t, account(0), 0), transfer(t, account(1), 0))
	f.mustAdd(transfer(t, account(2), 0)) // evicts the application
	if err := f.pool.Add(transfer(t, account(0), 0)); !errors.Is(err, txpool.ErrAlreadyKnown) {
		t.Fatalf("a transaction again: %v", err)
	}
	if _, err := f.pool.AddRaw([]byte{0xff}); !errors.Is(err, txpool.ErrInvalidEncoding) {
		t.Fatalf("AddRaw of garbage: %v", err)
	}
	if r.admitted[true] != 1 || r.admitted[false] != 3 {
		t.Errorf("admitted %v, want 1 in the no-record lane and 3 members'", r.admitted)
	}
	if len(r.refused) != 2 || !errors.Is(r.refused[0], txpool.ErrAlreadyKnown) || !errors.Is(r.refused[1], txpool.ErrInvalidEncoding) {
		t.Errorf("refused %v, want already known then invalid encoding", r.refused)
	}
	if len(r.evicted) != 1 || r.evicted[0] != txpool.EvictionLaneFull {
		t.Errorf("evicted %v, want [%s]", r.evicted, txpool.EvictionLaneFull)
	}
	f.pool.Drop(transfer(t, account(1), 0).Hash(), "invalid in a proposal: nonce too low")
	f.pool.Remove(transfer(t, account(2), 0).Hash())
	if want := []string{txpool.EvictionLaneFull, txpool.EvictionInvalid, txpool.EvictionRemoved}; len(r.evicted) != 3 || r.evicted[1] != want[1] || r.evicted[2] != want[2] {
		t.Errorf("evicted %v, want %v", r.evicted, want)
	}
}
