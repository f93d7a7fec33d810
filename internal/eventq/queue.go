package eventq

import "sync"

// Queue delivers values, in the order sent, to a deliver function that runs
// on one goroutine at a time, outside the caller of [Queue.Send].
type Queue[T any] struct {
	limit   int
	deliver func(batch []T)

	mu      sync.Mutex
	waiting []T
	running bool // a drain goroutine owns delivery
	dropped uint64
	idle    *sync.Cond // signalled when running turns false
}

// New returns a queue that passes waiting values to deliver in batches, in
// order, holding at most limit values (at least 1) before it drops the oldest.
// deliver must not call Send on the same queue.
func New[T any](limit int, deliver func(batch []T)) *Queue[T] {
	q := &Queue[T]{limit: max(limit, 1), deliver: deliver}
	q.idle = sync.NewCond(&q.mu)
	return q
}

// Send queues v and returns at once. It reports false if the queue was full
// and its oldest value was dropped to make room.
func (q *Queue[T]) Send(v T) bool {
	q.mu.Lock()
	ok := true
	if len(q.waiting) >= q.limit {
		var zero T
		q.waiting[0] = zero
		q.waiting = q.waiting[1:]
		q.dropped++
		ok = false
	}
	q.waiting = append(q.waiting, v)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go q.drain()
	}
	return ok
}

// drain delivers until nothing waits.
func (q *Queue[T]) drain() {
	for {
		q.mu.Lock()
		batch := q.waiting
		q.waiting = nil
		if len(batch) == 0 {
			q.running = false
			q.idle.Broadcast()
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		q.deliver(batch)
	}
}

// Dropped is the number of values dropped so far because the queue was full.
func (q *Queue[T]) Dropped() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// Wait blocks until every value sent before it has been delivered or dropped
// and no delivery runs. Tests and shutdown use it; it waits for as long as
// deliver blocks.
func (q *Queue[T]) Wait() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.running {
		q.idle.Wait()
	}
}
