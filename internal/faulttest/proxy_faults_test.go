//go:build faults

package faulttest_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redmx/redmx/config"
)

// The links between nodes in row 6 are userspace TCP proxies on loopback,
// written here rather than taken from toxiproxy: its latency toxic draws
// jitter from the process-wide random source, so a run cannot be repeated
// from a seed; it has no model of loss; and embedding it brings its HTTP
// API, command line and metrics dependencies into go.mod.
//
// TCP hides packet loss from the application: a lost segment arrives later,
// once retransmitted, and holds back everything behind it. So a proxy models
// a loss as a chunk delivered a retransmission timeout late (Linux's RTO is
// about one round trip plus 200 ms), keeping the stream's order.

// linkShape is what a link does to the bytes crossing it, in each direction.
type linkShape struct {
	Latency time.Duration // one way
	Jitter  time.Duration // uniform in [-Jitter, +Jitter]
	Loss    float64       // probability that a segment is lost
}

func (s linkShape) String() string {
	return fmt.Sprintf("%s ± %s, %g %% loss", s.Latency, s.Jitter, 100*s.Loss)
}

// mss is the size of a TCP segment on a typical link.
const mss = 1448

// delay is how long a chunk of n bytes takes to cross the link.
func (s linkShape) delay(rng *rand.Rand, n int) time.Duration {
	d := s.Latency
	if s.Jitter > 0 {
		d += time.Duration(rng.Int64N(int64(2*s.Jitter)+1)) - s.Jitter
	}
	for range (n + mss - 1) / mss {
		if rng.Float64() < s.Loss {
			d += 200*time.Millisecond + 2*s.Latency // one retransmission timeout
			break
		}
	}
	return d
}

// links is a proxy for every directed pair of nodes: node i reaches node j
// at links.proxy[i][j], which forwards to j's p2p address. A connection
// between two nodes goes through the proxy of the one that dialled, and
// its shape applies both ways.
type links struct {
	t     *testing.T
	seed  uint64
	n     int
	mu    sync.Mutex
	proxy map[[2]int]*linkProxy
}

func newLinks(t *testing.T, n int, seed uint64) *links {
	l := &links{t: t, seed: seed, n: n, proxy: make(map[[2]int]*linkProxy)}
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, p := range l.proxy {
			p.close()
		}
	})
	return l
}

// config points node i's persistent peers at proxies of its own.
func (l *links) config(i int, f *config.File) {
	l.t.Helper()
	peers := strings.Split(f.CometBFT.P2P.PersistentPeers, ",")
	if len(peers) != l.n-1 {
		l.t.Fatalf("node %d has %d peers, want %d", i, len(peers), l.n-1)
	}
	for k, p := range peers {
		j := k // devnet lists the other nodes as peers in node order
		if k >= i {
			j++
		}
		id, addr, ok := strings.Cut(p, "@")
		if !ok {
			l.t.Fatalf("node %d: peer %q", i, p)
		}
		lp, err := newLinkProxy(addr, l.seed^uint64(i*l.n+j)<<32)
		if err != nil {
			l.t.Fatalf("proxy node%d -> node%d: %v", i, j, err)
		}
		l.mu.Lock()
		l.proxy[[2]int{i, j}] = lp
		l.mu.Unlock()
		peers[k] = id + "@" + lp.ln.Addr().String()
	}
	f.CometBFT.P2P.PersistentPeers = strings.Join(peers, ",")
}

// shape gives every link the shape of(i, j), from now on.
func (l *links) shape(of func(i, j int) linkShape) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, p := range l.proxy {
		s := of(k[0], k[1])
		p.shape.Store(&s)
	}
}

// check fails t unless every pair of nodes has been connected through
// one of its two proxies (nodes talk through nothing else: peer exchange
// is off), and returns how many connections the proxies carried.
func (l *links) check(t *testing.T) uint64 {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var total uint64
	for i := range l.n {
		for j := i + 1; j < l.n; j++ {
			n := l.proxy[[2]int{i, j}].accepted() + l.proxy[[2]int{j, i}].accepted()
			if n == 0 {
				t.Errorf("node%d and node%d never connected through their proxies", i, j)
			}
			total += n
		}
	}
	return total
}

// linkProxy forwards the connections made to it to upstream, each way
// delayed as its current shape says.
type linkProxy struct {
	ln       net.Listener
	upstream string
	seed     uint64
	shape    atomic.Pointer[linkShape]

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	count  uint64
	wg     sync.WaitGroup
}

func newLinkProxy(upstream string, seed uint64) (*linkProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &linkProxy{ln: ln, upstream: upstream, seed: seed, conns: make(map[net.Conn]struct{})}
	p.shape.Store(&linkShape{})
	p.wg.Go(p.serve)
	return p, nil
}

func (p *linkProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.handle(c) })
	}
}

func (p *linkProxy) handle(down net.Conn) {
	defer down.Close()
	up, err := net.DialTimeout("tcp", p.upstream, 3*time.Second)
	if err != nil {
		return // the dialler sees the connection closed, as if the peer were down
	}
	defer up.Close()
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.conns[down], p.conns[up] = struct{}{}, struct{}{}
	n := p.count
	p.count++
	p.mu.Unlock()
	// Each direction of each connection draws from its own source, seeded
	// from the run's seed, so a run's draws follow from its seed and the
	// order of the chunks.
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(up, down, rand.New(rand.NewPCG(p.seed+2*n, 1))) })
	wg.Go(func() { p.pipe(down, up, rand.New(rand.NewPCG(p.seed+2*n+1, 2))) })
	wg.Wait()
	p.mu.Lock()
	delete(p.conns, down)
	delete(p.conns, up)
	p.mu.Unlock()
}

// pipe copies src to dst, each chunk delivered after the delay the shape
// gives it but never before the chunk ahead of it. When either side fails
// both are closed, which ends the other direction too.
func (p *linkProxy) pipe(dst, src net.Conn, rng *rand.Rand) {
	type chunk struct {
		data []byte
		due  time.Time
	}
	queue := make(chan chunk, 256) // full: the reader stops, and TCP pushes back
	done := make(chan struct{})
	go func() {
		defer close(done)
		failed := false
		for c := range queue {
			if failed {
				continue // drain, so the reader is never stuck
			}
			time.Sleep(time.Until(c.due)) // the link's delay is the fault itself
			if _, err := dst.Write(c.data); err != nil {
				failed = true
				src.Close()
			}
		}
		dst.Close()
	}()
	buf := make([]byte, 32<<10)
	var last time.Time
	for {
		n, err := src.Read(buf)
		if n > 0 {
			due := time.Now().Add(p.shape.Load().delay(rng, n))
			if due.Before(last) {
				due = last
			}
			last = due
			queue <- chunk{bytes.Clone(buf[:n]), due}
		}
		if err != nil {
			break
		}
	}
	close(queue)
	<-done
}

func (p *linkProxy) accepted() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

func (p *linkProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// TestLinkProxy checks the proxy itself, on loopback with an echo server
// behind it: a round trip takes twice the latency, a loss adds a
// retransmission timeout each way, and jitter never reorders a stream.
func TestLinkProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	p, err := newLinkProxy(ln.Addr().String(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c, err := net.DialTimeout("tcp", p.ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip := func(msg []byte) time.Duration {
		t.Helper()
		start := time.Now()
		if err := c.SetDeadline(start.Add(10 * time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("echo out of order or changed: sent %x, got %x", msg, got)
		}
		return time.Since(start)
	}
	const lat = 100 * time.Millisecond
	p.shape.Store(&linkShape{Latency: lat})
	if d := roundTrip([]byte("x")); d < 2*lat || d > 2*lat+500*time.Millisecond {
		t.Errorf("round trip at %s one way took %s", lat, d)
	}
	p.shape.Store(&linkShape{Latency: lat, Loss: 1})
	rto := 200*time.Millisecond + 2*lat
	if d := roundTrip([]byte("x")); d < 2*(lat+rto) || d > 2*(lat+rto)+500*time.Millisecond {
		t.Errorf("round trip at %s one way, every segment lost, took %s", lat, d)
	}
	// Many small writes with jitter larger than their spacing: the stream
	// still arrives in order.
	p.shape.Store(&linkShape{Latency: 20 * time.Millisecond, Jitter: 19 * time.Millisecond})
	var msg []byte
	for k := range 200 {
		msg = append(msg, byte(k))
	}
	errs := make(chan error, 1)
	go func() {
		for k := range msg {
			if _, err := c.Write(msg[k : k+1]); err != nil {
				errs <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
		errs <- nil
	}()
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("jitter reordered the stream: %x", got)
	}
}
