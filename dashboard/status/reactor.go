package status

import (
	"crypto/ed25519"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/p2p/conn"
	gogotypes "github.com/cosmos/gogoproto/types"
)

// Channel is the p2p channel of status reports; CometBFT's own use 0x00,
// 0x20-0x23, 0x30, 0x38, 0x40 and 0x60-0x61.
const Channel = byte(0x72)

// Interval is how often a node reports.
const Interval = 2 * time.Second

// ReactorName is the reactor's name in CometBFT's switch.
const ReactorName = "REDMX_STATUS"

// Reactor gossips signed status reports: every Interval it signs this
// node's and sends it to every peer, and it forwards every report it
// receives that is valid and new (by node and sequence) to its other peers.
type Reactor struct {
	p2p.BaseReactor
	book   *Book
	key    ed25519.PrivateKey
	logger *slog.Logger
	source atomic.Pointer[func() Report]
	now    func() time.Time // the clock reports are stamped with
	seq    uint64
	quit   chan struct{}
	wg     sync.WaitGroup

	mu   sync.Mutex
	last []byte // this node's latest signed report
}

// NewReactor makes a reactor that signs with key (the node key) and keeps
// what it receives in book. It reports once [Reactor.SetSource] is called.
// Reports are stamped with now (nil: the wall clock), which the others
// compare with their own clocks.
func NewReactor(key ed25519.PrivateKey, book *Book, logger *slog.Logger, now func() time.Time) *Reactor {
	if now == nil {
		now = time.Now
	}
	r := &Reactor{book: book, key: key, logger: logger, now: now, seq: uint64(time.Now().UnixNano()), quit: make(chan struct{})}
	r.BaseReactor = *p2p.NewBaseReactor("StatusReports", r)
	return r
}

// Book is where the reactor keeps reports.
func (r *Reactor) Book() *Book { return r.book }

// SetSource sets what the node reports; it is called every Interval.
func (r *Reactor) SetSource(f func() Report) { r.source.Store(&f) }

// GetChannels implements p2p.Reactor.
func (*Reactor) GetChannels() []*conn.ChannelDescriptor {
	return []*conn.ChannelDescriptor{{
		ID:                  Channel,
		Priority:            1,
		SendQueueCapacity:   32,
		RecvMessageCapacity: MaxSignedSize + 64,
		MessageType:         &gogotypes.BytesValue{},
	}}
}

// OnStart starts reporting.
func (r *Reactor) OnStart() error {
	r.wg.Add(1)
	go r.loop()
	return nil
}

// OnStop stops reporting and waits for it.
func (r *Reactor) OnStop() {
	close(r.quit)
	r.wg.Wait()
}

func (r *Reactor) loop() {
	defer r.wg.Done()
	tick := time.NewTicker(Interval)
	defer tick.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-tick.C:
		}
		r.report()
		r.book.Sample(time.Now())
	}
}

// report signs this node's report, keeps it and sends it to every peer.
func (r *Reactor) report() {
	src := r.source.Load()
	if src == nil {
		return
	}
	rep := (*src)()
	r.seq++
	rep.Seq = r.seq
	rep.Time = r.now().UnixMilli()
	data, err := Sign(rep, r.key)
	if err != nil {
		r.logger.Error("status report", "err", err)
		return
	}
	r.book.Put(rep, time.Now())
	r.mu.Lock()
	r.last = data
	r.mu.Unlock()
	r.send(data, "")
}

// send sends data to every peer but except, without waiting on a full queue.
func (r *Reactor) send(data []byte, except p2p.ID) {
	if r.Switch == nil {
		return
	}
	for _, p := range r.Switch.Peers().Copy() {
		if p.ID() == except {
			continue
		}
		p.TrySend(p2p.Envelope{ChannelID: Channel, Message: &gogotypes.BytesValue{Value: data}})
	}
}

// AddPeer sends a new peer this node's latest report at once.
func (r *Reactor) AddPeer(p p2p.Peer) {
	r.mu.Lock()
	data := r.last
	r.mu.Unlock()
	if data != nil {
		p.TrySend(p2p.Envelope{ChannelID: Channel, Message: &gogotypes.BytesValue{Value: data}})
	}
}

// Receive keeps a valid new report and forwards it; a peer sending one that
// does not verify is disconnected.
func (r *Reactor) Receive(e p2p.Envelope) {
	msg, ok := e.Message.(*gogotypes.BytesValue)
	if !ok {
		r.Switch.StopPeerForError(e.Src, "status report: unexpected message type")
		return
	}
	rep, err := Verify(msg.Value)
	if err != nil {
		r.logger.Info("dropping a peer that sent an invalid status report", "peer", e.Src.ID(), "err", err)
		r.Switch.StopPeerForError(e.Src, err)
		return
	}
	if rep.NodeID == string(r.Switch.NodeInfo().ID()) {
		return // our own, echoed
	}
	if ni, ok := r.Switch.NodeInfo().(p2p.DefaultNodeInfo); ok && rep.Network != ni.Network {
		return // another network's node, signing with a key it also uses here
	}
	if r.book.Put(rep, time.Now()) {
		r.send(msg.Value, e.Src.ID())
	}
}
