package rpc

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// codeLimitExceeded is EIP-1474's "limit exceeded", which providers use for
// queries past their caps and for a server too busy to take a request.
const codeLimitExceeded = -32005

// clientOf names the client of a request by the IP address it comes from,
// so that the connections of one client share its caps. Behind a proxy every
// client is the proxy's address. In-process calls have none ("").
func clientOf(ctx context.Context) string {
	addr := gethrpc.PeerInfoFromContext(ctx).RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// gate bounds the requests of a kind that run at once, node-wide and per
// client. A request past a bound waits for a slot up to wait (and while its
// context lives), then is refused.
type gate struct {
	what      string        // "expensive requests", for errors
	slots     chan struct{} // nil: no node-wide bound
	perClient int           // 0: no bound
	wait      time.Duration

	mu      sync.Mutex
	clients map[string]int
	freed   chan struct{} // closed and replaced when a client's slot frees
}

func newGate(what string, total, perClient int, wait time.Duration) *gate {
	g := &gate{what: what, perClient: perClient, wait: wait, clients: make(map[string]int), freed: make(chan struct{})}
	if total > 0 {
		g.slots = make(chan struct{}, total)
	}
	return g
}

// acquire takes a slot for the client of ctx; release gives it back.
func (g *gate) acquire(ctx context.Context) (release func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	client := clientOf(ctx)
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	busy := func(limit string) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("too many concurrent %s (%s); retry later", g.what, limit)}
	}
	// The client's own bound first, so that a client over it does not hold
	// node-wide slots while it waits.
	for g.perClient > 0 {
		g.mu.Lock()
		if g.clients[client] < g.perClient {
			g.clients[client]++
			g.mu.Unlock()
			break
		}
		freed := g.freed
		g.mu.Unlock()
		select {
		case <-freed:
		case <-timer.C:
			return nil, busy(fmt.Sprintf("limit %d per client", g.perClient))
		case <-ctx.Done():
			return nil, busy("")
		}
	}
	if g.slots != nil {
		select {
		case g.slots <- struct{}{}: // a free slot, whatever the wait
		default:
			select {
			case g.slots <- struct{}{}:
			case <-timer.C:
				g.releaseClient(client)
				return nil, busy(fmt.Sprintf("limit %d", cap(g.slots)))
			case <-ctx.Done():
				g.releaseClient(client)
				return nil, busy("")
			}
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if g.slots != nil {
				<-g.slots
			}
			g.releaseClient(client)
		})
	}, nil
}

func (g *gate) releaseClient(client string) {
	if g.perClient <= 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.clients[client]--; g.clients[client] <= 0 {
		delete(g.clients, client)
	}
	close(g.freed)
	g.freed = make(chan struct{})
}
