package txpool

import (
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
)

// Pending returns executable transactions for a block proposal: members'
// first, each sender's in nonce order, senders interleaved by arrival (the
// sender whose next transaction entered the pool first goes next), never by
// price; then, in the room left, at most the gate's per-block quota of
// transactions of accounts of no record, oldest first, so that they never
// take a member's place. It stops adding a sender's transactions at the
// first that would take the total over maxBytes (the sum of the encoded
// sizes; negative means no limit) or maxGas (the sum of the gas limits), and
// goes on with the other senders.
//
// The byte count is of the transactions alone: a caller that fills a CometBFT
// block must leave room for the per-transaction framing.
func (p *Pool) Pending(maxBytes int64, maxGas uint64) []*types.Transaction {
	p.mu.RLock()
	defer p.mu.RUnlock()

	members := make(cursorHeap, 0, len(p.accounts))
	lane := make(cursorHeap, 0, len(p.lane))
	for _, acct := range p.accounts {
		if acct.executable > 0 {
			c := cursor{seq: acct.txs[0].seq, acct: acct}
			if acct.txs[0].lane {
				lane = append(lane, c)
			} else {
				members = append(members, c)
			}
		}
	}
	s := selection{maxBytes: maxBytes, maxGas: maxGas, out: make([]*types.Transaction, 0, min(p.pending, 4096))}
	s.take(members, -1)
	if p.gate != nil {
		s.take(lane, int(min(p.gate.Quota(), uint64(len(lane)))))
	}
	return s.out
}

// selection is a proposal's transactions being chosen.
type selection struct {
	maxBytes int64
	maxGas   uint64
	size     int64
	gas      uint64
	out      []*types.Transaction
}

// take adds transactions from the senders in h, by arrival, at most limit
// of them (negative: no limit).
func (s *selection) take(h cursorHeap, limit int) {
	h.init()
	for taken := 0; len(h) > 0 && taken != limit && s.maxGas-s.gas >= params.TxGas; { // no transaction needs less gas
		c := &h[0]
		e := c.acct.txs[c.idx]
		fits := e.gas <= s.maxGas-s.gas && (s.maxBytes < 0 || int64(len(e.raw)) <= s.maxBytes-s.size)
		if fits {
			s.out = append(s.out, e.tx)
			s.size += int64(len(e.raw))
			s.gas += e.gas
			c.idx++
			taken++
		}
		if !fits || c.idx >= c.acct.executable {
			h.pop()
			continue
		}
		c.seq = c.acct.txs[c.idx].seq
		h.down(0)
	}
}

// cursor points at the next transaction of one sender in Pending.
type cursor struct {
	seq  uint64 // of acct.txs[idx]
	acct *account
	idx  int
}

// cursorHeap is a min-heap of cursors by seq.
type cursorHeap []cursor

func (h cursorHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h cursorHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].seq < h[l].seq {
			m = r
		}
		if h[i].seq <= h[m].seq {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h *cursorHeap) pop() {
	old := *h
	n := len(old) - 1
	old[0] = old[n]
	*h = old[:n]
	h.down(0)
}

// Reap returns the encodings of executable transactions that no earlier Reap
// returned (or that [Pool.Reset] offers again, see Config.Reannounce), in the
// order they became executable, up to maxBytes in total (0
// means no limit, as in CometBFT's reap_max_bytes). Each transaction is handed
// out once, for gossip; a replacement is a new transaction and is handed out
// too. The slices belong to the pool: do not modify them.
func (p *Pool) Reap(maxBytes uint64) [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]byte
	var size uint64
	for ; p.reapHead < len(p.reapQ); p.reapHead++ {
		e := p.reapQ[p.reapHead]
		if e.removed || !e.pending || e.reaped {
			e.inReap = false
			p.reapQ[p.reapHead] = nil
			continue
		}
		n := uint64(len(e.raw))
		if maxBytes > 0 && size+n > maxBytes {
			if size > 0 {
				break
			}
			// Too big for any reap under this limit: skip it rather than stall
			// the queue. It is still proposed from this pool.
			e.reaped = true
			e.inReap = false
			p.reapQ[p.reapHead] = nil
			continue
		}
		out = append(out, e.raw)
		size += n
		e.announced = p.height
		e.reaped = true
		e.inReap = false
		p.reapQ[p.reapHead] = nil
	}
	if p.reapHead == len(p.reapQ) {
		p.reapQ, p.reapHead = p.reapQ[:0], 0
	}
	return out
}

// enqueueReap queues an executable entry for Reap unless it is reaped or queued.
func (p *Pool) enqueueReap(e *entry) {
	if e.reaped || e.inReap {
		return
	}
	// When Reap is not called (or not often), stale entries pile up: drop them
	// once they outnumber the live ones, which keeps the queue linear in the pool.
	if n := len(p.reapQ) - p.reapHead; n > 1024 && n > 2*p.pending {
		p.compactReap()
	}
	e.inReap = true
	p.reapQ = append(p.reapQ, e)
}

func (p *Pool) compactReap() {
	kept := p.reapQ[:0]
	for _, e := range p.reapQ[p.reapHead:] {
		if e.removed || !e.pending || e.reaped {
			e.inReap = false
			continue
		}
		kept = append(kept, e)
	}
	clear(p.reapQ[len(kept):])
	p.reapQ, p.reapHead = kept, 0
}
