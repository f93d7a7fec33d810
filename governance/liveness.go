package governance

import (
	"crypto/sha256"

	"github.com/ethereum/go-ethereum/common"
)

// Liveness review (docs/governance.md §3.11): every block, each validator's
// vote on the previous block enters a window of the last livenessWindow
// blocks it was a validator in. One that missed more than
// livenessMaxMissedPermille of the window is flagged, and unflagged once it
// falls back under. Flagging changes nothing else: power and removal stay
// with the Nodes Commission and the plenary.
//
// A validator's window is a ring of bits in storage (256 a word), indexed
// by the number of blocks it was counted in: each block reads and writes
// one word and its counters, whatever the window's length.

// CommitVote is one validator's entry in a block's last commit: its
// CometBFT address (the first 20 bytes of SHA-256 of its ed25519 key) and
// whether its signature for the block is there.
type CommitVote struct {
	Address [20]byte
	Signed  bool
}

// LivenessChange is a validator flagged (or recovered) at the end of a
// block, with its misses in its window.
type LivenessChange struct {
	Node    [20]byte
	Flagged bool // false: recovered
	Missed  uint64
	Window  uint64
}

// ConsensusAddress is CometBFT's address of an ed25519 consensus key.
func ConsensusAddress(pub []byte) [20]byte {
	h := sha256.Sum256(pub)
	return [20]byte(h[:20])
}

// livenessParams is the window and the most misses not flagged. A window of
// 0 (a chain founded before the review, until a motion sets it) turns the
// review off.
func (s *store) livenessParams() (window, maxMissed uint64) {
	window, permille := s.param("livenessWindow"), s.param("livenessMaxMissedPermille")
	if permille == 0 {
		p, _ := paramSpec("livenessMaxMissedPermille")
		permille = p.Value
	}
	return window, window * permille / 1000
}

func (s *store) flagged() lset { return s.lset("live.flagged") }

// livenessStep counts the votes of env.LastCommit and returns the flags it
// raised and cleared. A vote of a key governance does not hold as an
// admitted validator's is ignored. Work: the validators, one window word each.
func (s *store) livenessStep(env Env) []LivenessChange {
	if len(env.LastCommit) == 0 {
		return nil
	}
	window, maxMissed := s.livenessParams()
	if window == 0 {
		return nil
	}
	var out []LivenessChange
	// A flagged node that is no longer an admitted validator leaves the list:
	// it is no longer reviewed (the list is bounded by the validators).
	for _, h := range s.flagged().all() {
		n := wordNode(h)
		if s.nodeStatus(n) != NodeAdmitted || s.nodeRole(n) != NodeValidator {
			s.flagged().remove(h)
			s.setU64(key("live.since", n), 0)
		}
	}
	byAddr := s.validatorsByAddress()
	if n, ok := byAddr[env.Proposer]; ok {
		s.addU64(key("live.proposed", n), 1)
	}
	for _, v := range env.LastCommit {
		n, ok := byAddr[v.Address]
		if !ok {
			continue
		}
		delete(byAddr, v.Address) // a vote counts once, should a commit repeat an address
		// For the node reports (§3.8): every block signed or missed, ever.
		if v.Signed {
			s.addU64(key("live.signed", n), 1)
		} else {
			s.addU64(key("live.missedAll", n), 1)
		}
		missed := s.liveCount(n, window, !v.Signed)
		was, is := s.u64(key("live.since", n)) != 0, missed > maxMissed
		switch {
		case is && !was:
			s.setU64(key("live.since", n), env.Number)
			s.flagged().add(nodeWord(n))
			out = append(out, LivenessChange{Node: n, Flagged: true, Missed: missed, Window: window})
		case was && !is:
			s.setU64(key("live.since", n), 0)
			s.flagged().remove(nodeWord(n))
			out = append(out, LivenessChange{Node: n, Missed: missed, Window: window})
		}
	}
	return out
}

// validatorsByAddress maps the CometBFT address of every admitted
// validator's consensus key to its node, for reading a block's votes and
// evidence (looked up, never iterated). Work: the validators, bounded by the
// collectives' seats.
func (s *store) validatorsByAddress() map[[20]byte][20]byte {
	byAddr := make(map[[20]byte][20]byte)
	for _, coll := range s.collectiveNames() {
		for _, h := range s.collValidators(coll).all() {
			n := wordNode(h)
			byAddr[ConsensusAddress(s.nodePubKey(n))] = n
		}
	}
	return byAddr
}

// liveCount enters one block (missed or not) into n's window and returns
// its misses in the window. A window of another length than the one n's
// ring was kept for starts afresh (once per change of the parameter).
func (s *store) liveCount(n [20]byte, window uint64, miss bool) uint64 {
	if old := s.u64(key("live.win", n)); old != window {
		s.resetLiveness(n, old)
		s.setU64(key("live.win", n), window)
	}
	count, missed := s.u64(key("live.count", n)), s.u64(key("live.missed", n))
	i := count % window
	wk := key("live.bits", n, i/256)
	word := s.get(wk)
	byteAt, mask := 31-int(i%256/8), byte(1)<<(i%8)
	was := word[byteAt]&mask != 0
	if was != miss {
		word[byteAt] ^= mask
		s.set(wk, word)
		if miss {
			missed++
		} else {
			missed--
		}
		s.setU64(key("live.missed", n), missed)
	}
	s.setU64(key("live.count", n), count+1)
	return missed
}

// resetLiveness clears n's ring of a window of length old.
func (s *store) resetLiveness(n [20]byte, old uint64) {
	for w := uint64(0); w < (old+255)/256; w++ {
		s.set(key("live.bits", n, w), common.Hash{})
	}
	s.setU64(key("live.count", n), 0)
	s.setU64(key("live.missed", n), 0)
}

// liveness is n's standing: misses in the window it is counted in (0 when
// the window parameter changed since), the window, the blocks counted, and
// the height it was flagged at (0: not flagged).
func (s *store) liveness(n [20]byte) (missed, window, counted, since uint64) {
	window, _ = s.livenessParams()
	if s.u64(key("live.win", n)) == window {
		missed, counted = s.u64(key("live.missed", n)), s.u64(key("live.count", n))
	}
	return missed, window, counted, s.u64(key("live.since", n))
}

// Log is the change as the ABI's NodeFlagged or NodeRecovered event, for
// readers that decode governance's events (it is carried by a block event,
// not by a transaction's receipt).
func (ch LivenessChange) Log() (name string, topics []common.Hash, data []byte) {
	if ch.Flagged {
		topics, data = emit("NodeFlagged", ch.Node, ch.Missed, ch.Window)
		return "NodeFlagged", topics, data
	}
	topics, data = emit("NodeRecovered", ch.Node, ch.Missed, ch.Window)
	return "NodeRecovered", topics, data
}
