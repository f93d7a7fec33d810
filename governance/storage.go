package governance

import (
	"bytes"
	"encoding/binary"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/lru"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
)

// Gas of storage access inside governance calls, in the spirit of EIP-2929
// and EIP-2200 (doc.go: gas schedule).
const (
	gasRead      = 800   // a slot read
	gasWriteNew  = 20000 // a slot written from zero to non-zero
	gasWrite     = 2900  // any other slot write
	gasLogBase   = 375   // a log
	gasLogTopic  = 375   // per topic
	gasLogByte   = 8     // per byte of log data
	gasCallBase  = 3000  // every state-changing call
	gasViewBase  = 2600  // a view answering with fixed-size values
	gasViewList  = 10000 // a view answering with lists
	gasViewBytes = 3     // per 32-byte word of view input
)

// store is the typed storage of the governance account. Every value is one
// or more 32-byte slots of [Address]; reads and writes are counted for gas,
// and checked against limit before they are done.
type store struct {
	st    vm.StateDB
	gas   uint64 // storage and log gas spent so far
	limit uint64 // gas the call may spend, when metered
	// metered: stop at limit. Genesis, admission and the end of a block are
	// not metered: their work is bounded by the rules, not by a caller's gas.
	metered bool
}

// errOutOfGas stops a metered call the moment its next slot access would
// pass its limit, so no call does more work than it pays for. It is raised
// by panic from deep in the store and recovered by [store.run].
type errOutOfGas struct{}

func (s *store) charge(g uint64) {
	s.gas += g
	if s.metered && s.gas > s.limit {
		panic(errOutOfGas{})
	}
}

// flat runs f and charges exactly gas for it, whatever its slots cost:
// for work whose cost depends on the block's time rather than on the call,
// so a call's gas estimate holds in the block that includes it. gas must
// cover f's most expensive case.
func (s *store) flat(gas uint64, f func()) {
	start := s.gas
	f()
	if spent := s.gas - start; spent < gas {
		s.charge(gas - spent)
	}
}

// run runs f on s, turning an exhausted limit into ok false.
func (s *store) run(f func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, gas := r.(errOutOfGas); !gas {
				panic(r)
			}
			ok = false
		}
	}()
	f()
	return true
}

// key is a slot: keccak256 of the namespace, a zero byte, and the parts,
// each fixed-size (strings enter as their keccak256).
func key(ns string, parts ...any) common.Hash {
	var arr [maxCachedPreimage]byte // on the stack: hashKey keeps no reference
	buf := arr[:0]
	buf = append(buf, "redmx.gov."...)
	buf = append(buf, ns...)
	buf = append(buf, 0)
	for _, p := range parts {
		switch v := p.(type) {
		case uint64:
			buf = binary.BigEndian.AppendUint64(buf, v)
		case uint8:
			buf = append(buf, v)
		case Role: // enumerations enter as the uint8 they are stored as
			buf = append(buf, uint8(v))
		case ApplicationKind:
			buf = append(buf, uint8(v))
		case ApplicationStatus:
			buf = append(buf, uint8(v))
		case common.Address:
			buf = append(buf, v[:]...)
		case common.Hash:
			buf = append(buf, v[:]...)
		case [20]byte:
			buf = append(buf, v[:]...)
		case string:
			h := hashKey([]byte(v))
			buf = append(buf, h[:]...)
		default:
			panic("governance: unsupported key part") // a bug of this package, never input
		}
	}
	return hashKey(buf)
}

// slotCache remembers slot keys by preimage: admission derives the same few
// keys for every transaction, and a lookup costs a fraction of a keccak.
// Keys are a pure function of their preimage, so the cache never changes a
// result. Only preimages of at most maxCachedPreimage bytes are kept: a
// string part (a collective or parameter name) comes from call input before
// any rule bounds it, and a stranger's eth_call or a contract's view call
// with a megabyte name must not make every node hold it (the cache's
// entries times their size is its memory).
var slotCache = lru.NewCache[preimage, common.Hash](1 << 16)

// maxCachedPreimage covers every key of fixed-size parts: the namespace
// prefix, a name, and two words.
const maxCachedPreimage = 128

// preimage is a cached key's preimage, a fixed-size array so that a lookup
// allocates nothing.
type preimage struct {
	n int
	b [maxCachedPreimage]byte
}

// hashKey is keccak256(b). b does not escape: its caller's buffer stays on
// the stack.
func hashKey(b []byte) common.Hash {
	if len(b) > maxCachedPreimage {
		return crypto.Keccak256Hash(bytes.Clone(b))
	}
	k := preimage{n: len(b)}
	copy(k.b[:], b)
	if h, ok := slotCache.Get(k); ok {
		return h
	}
	h := crypto.Keccak256Hash(bytes.Clone(b))
	slotCache.Add(k, h)
	return h
}

func (s *store) get(k common.Hash) common.Hash {
	s.charge(gasRead)
	return s.st.GetState(Address, k)
}

func (s *store) set(k, v common.Hash) {
	s.charge(gasWrite)
	if old := s.st.GetState(Address, k); old == (common.Hash{}) && v != (common.Hash{}) {
		s.charge(gasWriteNew - gasWrite)
	}
	s.st.SetState(Address, k, v)
}

func w64(v uint64) common.Hash {
	var h common.Hash
	binary.BigEndian.PutUint64(h[24:], v)
	return h
}

func u64of(h common.Hash) uint64 { return binary.BigEndian.Uint64(h[24:]) }

// pair64 packs two uint64 in one word (a in bytes 16–23, b in 24–31), for
// values always written and read together.
func pair64(a, b uint64) common.Hash {
	h := w64(b)
	binary.BigEndian.PutUint64(h[16:24], a)
	return h
}

func unpair64(h common.Hash) (a, b uint64) {
	return binary.BigEndian.Uint64(h[16:24]), u64of(h)
}

func (s *store) u64(k common.Hash) uint64       { return u64of(s.get(k)) }
func (s *store) setU64(k common.Hash, v uint64) { s.set(k, w64(v)) }
func (s *store) addU64(k common.Hash, d uint64) { s.setU64(k, s.u64(k)+d) }
func (s *store) flag(k common.Hash) bool        { return s.u64(k) != 0 }
func (s *store) setFlag(k common.Hash, v bool) {
	if v {
		s.setU64(k, 1)
	} else {
		s.setU64(k, 0)
	}
}
func (s *store) addr(k common.Hash) common.Address { return common.BytesToAddress(s.get(k).Bytes()) }
func (s *store) setAddr(k common.Hash, a common.Address) {
	s.set(k, common.BytesToHash(a[:]))
}

// bytes: the length at k, the content in 32-byte chunks at key("chunk", k, i).
func (s *store) bytes(k common.Hash) []byte {
	n := s.u64(k)
	if n > 1<<16 { // never written by this package; a corrupt length is not followed
		return nil
	}
	out := make([]byte, 0, n)
	for i := uint64(0); uint64(len(out)) < n; i++ {
		c := s.get(key("chunk", k, i))
		out = append(out, c[:min(32, n-uint64(len(out)))]...)
	}
	return out
}

func (s *store) setBytes(k common.Hash, b []byte) {
	s.setU64(k, uint64(len(b)))
	for i := 0; i*32 < len(b); i++ {
		var c common.Hash
		copy(c[:], b[i*32:])
		s.set(key("chunk", k, uint64(i)), c)
	}
}

func (s *store) str(k common.Hash) string       { return string(s.bytes(k)) }
func (s *store) setStr(k common.Hash, v string) { s.setBytes(k, []byte(v)) }
func (s *store) next(counter string) uint64 {
	k := key(counter)
	n := s.u64(k) + 1
	s.setU64(k, n)
	return n
}
func (s *store) list(ns string, parts ...any) list { return list{s, key(ns, parts...)} }
func (s *store) lset(ns string, parts ...any) lset { return lset{s, key(ns, parts...)} }

// list is an enumerable array of words: its length at base, item i at
// key("item", base, i).
type list struct {
	s    *store
	base common.Hash
}

func (l list) len() uint64                 { return l.s.u64(l.base) }
func (l list) at(i uint64) common.Hash     { return l.s.get(key("item", l.base, i)) }
func (l list) put(i uint64, v common.Hash) { l.s.set(key("item", l.base, i), v) }
func (l list) push(v common.Hash) {
	n := l.len()
	l.put(n, v)
	l.s.setU64(l.base, n+1)
}

func (l list) all() []common.Hash {
	n := l.len()
	out := make([]common.Hash, 0, min(n, 4096))
	for i := uint64(0); i < n; i++ {
		out = append(out, l.at(i))
	}
	return out
}

func (l list) u64s() []uint64 { return words64(l.all()) }

// lset is a set kept in order of addition: a doubly linked list of its
// items, so adding, removing and testing membership are O(1) whatever its
// size, and the order of the rest survives a removal (the power remainder
// rule depends on order of admission). Items are never the zero word. The
// length is at base; key("next"/"prev", base, v) link the items (zero: none)
// and key("head"/"tail", base) are the ends.
type lset struct {
	s    *store
	base common.Hash
}

func (l lset) len() uint64 { return l.s.u64(l.base) }

func (l lset) has(v common.Hash) bool {
	return v != (common.Hash{}) && (l.s.get(key("prev", l.base, v)) != (common.Hash{}) || l.s.get(key("head", l.base)) == v)
}

// next is the item after v; after the zero word, the first.
func (l lset) next(v common.Hash) common.Hash {
	if v == (common.Hash{}) {
		return l.s.get(key("head", l.base))
	}
	return l.s.get(key("next", l.base, v))
}

func (l lset) add(v common.Hash) bool {
	if v == (common.Hash{}) || l.has(v) {
		return false
	}
	if tail := l.s.get(key("tail", l.base)); tail == (common.Hash{}) {
		l.s.set(key("head", l.base), v)
	} else {
		l.s.set(key("next", l.base, tail), v)
		l.s.set(key("prev", l.base, v), tail)
	}
	l.s.set(key("tail", l.base), v)
	l.s.setU64(l.base, l.len()+1)
	return true
}

func (l lset) remove(v common.Hash) bool {
	if !l.has(v) {
		return false
	}
	pk, nk := key("prev", l.base, v), key("next", l.base, v)
	prev, next := l.s.get(pk), l.s.get(nk)
	if prev == (common.Hash{}) {
		l.s.set(key("head", l.base), next)
	} else {
		l.s.set(key("next", l.base, prev), next)
		l.s.set(pk, common.Hash{})
	}
	if next == (common.Hash{}) {
		l.s.set(key("tail", l.base), prev)
	} else {
		l.s.set(key("prev", l.base, next), prev)
		l.s.set(nk, common.Hash{})
	}
	l.s.setU64(l.base, l.len()-1)
	return true
}

func (l lset) all() []common.Hash {
	out := make([]common.Hash, 0, min(l.len(), 4096))
	for v := l.next(common.Hash{}); v != (common.Hash{}); v = l.next(v) {
		out = append(out, v)
	}
	return out
}

func (l lset) u64s() []uint64 { return words64(l.all()) }

// page is up to limit items after the item cursor (zero: from the first)
// and the cursor of the next page (zero: no more). A cursor no longer in
// the set is refused: its place is lost.
func (l lset) page(cursor common.Hash, limit uint64) ([]common.Hash, common.Hash, error) {
	if cursor != (common.Hash{}) && !l.has(cursor) {
		return nil, common.Hash{}, refuse("cursor %x is no longer in the list; start again from 0", cursor)
	}
	out := make([]common.Hash, 0, min(limit, maxPage))
	v := l.next(cursor)
	for ; v != (common.Hash{}) && uint64(len(out)) < limit; v = l.next(v) {
		out = append(out, v)
	}
	if v == (common.Hash{}) || len(out) == 0 {
		return out, common.Hash{}, nil
	}
	return out, out[len(out)-1], nil
}

// page of a list: the cursor is the offset of the first item as a word.
func (l list) page(cursor common.Hash, limit uint64) ([]common.Hash, common.Hash) {
	n, from := l.len(), u64of(cursor)
	if cursor != w64(from) || from >= n { // not an offset, or past the end
		return []common.Hash{}, common.Hash{}
	}
	end := min(n, from+min(limit, n-from))
	out := make([]common.Hash, 0, end-from)
	for i := from; i < end; i++ {
		out = append(out, l.at(i))
	}
	if end == n {
		return out, common.Hash{}
	}
	return out, w64(end)
}

func words64(hs []common.Hash) []uint64 {
	out := make([]uint64, len(hs))
	for i, h := range hs {
		out[i] = u64of(h)
	}
	return out
}
