// Package eventq hands events from a producer that must not wait (the ABCI
// Commit, the pool's Add) to subscribers that may be slow (WebSocket clients
// behind go-ethereum's filter system).
//
// A [Queue] keeps the events in order and delivers them from a goroutine of its
// own, which runs only while events wait and exits when the queue is empty, so
// a Queue needs no Start and leaves no goroutine behind when idle. If more than
// its limit of events wait, the oldest are dropped and counted: a subscriber
// that stalls loses events rather than stalling the producer.
//
// It holds no global state and imports nothing of redmx.
package eventq
