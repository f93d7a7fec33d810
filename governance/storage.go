package governance

import (
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
// or more 32-byte slots of [Address]; reads and writes are counted for gas.
type store struct {
	st  vm.StateDB
	gas uint64 // storage and log gas spent so far
}

// key is a slot: keccak256 of the namespace, a zero byte, and the parts,
// each fixed-size (strings enter as their keccak256).
func key(ns string, parts ...any) common.Hash {
	buf := make([]byte, 0, 96)
	buf = append(buf, "redmx.gov."...)
	buf = append(buf, ns...)
	buf = append(buf, 0)
	for _, p := range parts {
		switch v := p.(type) {
		case uint64:
			buf = binary.BigEndian.AppendUint64(buf, v)
		case uint8:
			buf = append(buf, v)
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
// result.
var slotCache = lru.NewCache[string, common.Hash](1 << 16)

func hashKey(preimage []byte) common.Hash {
	if h, ok := slotCache.Get(string(preimage)); ok {
		return h
	}
	h := crypto.Keccak256Hash(preimage)
	slotCache.Add(string(preimage), h)
	return h
}

// paramKey is where parameter name lives (what execution reads for gasLimit).
func paramKey(name string) common.Hash {
	return hashKey([]byte("redmx.params." + name))
}

func (s *store) get(k common.Hash) common.Hash {
	s.gas += gasRead
	return s.st.GetState(Address, k)
}

func (s *store) set(k, v common.Hash) {
	if old := s.st.GetState(Address, k); old == (common.Hash{}) && v != (common.Hash{}) {
		s.gas += gasWriteNew
	} else {
		s.gas += gasWrite
	}
	s.st.SetState(Address, k, v)
}

func w64(v uint64) common.Hash {
	var h common.Hash
	binary.BigEndian.PutUint64(h[24:], v)
	return h
}

func u64of(h common.Hash) uint64 { return binary.BigEndian.Uint64(h[24:]) }

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
func (s *store) lset(ns string, parts ...any) lset { return lset{list{s, key(ns, parts...)}} }

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

func (l list) u64s() []uint64 {
	all := l.all()
	out := make([]uint64, len(all))
	for i, h := range all {
		out[i] = u64of(h)
	}
	return out
}

// lset is a list without duplicates, with an index for membership: index+1
// of item v at key("index", base, v). Removal keeps the order of the rest.
type lset struct{ list }

func (s lset) has(v common.Hash) bool { return s.s.u64(key("index", s.base, v)) != 0 }

func (s lset) add(v common.Hash) bool {
	if s.has(v) {
		return false
	}
	s.push(v)
	s.s.setU64(key("index", s.base, v), s.len())
	return true
}

func (s lset) remove(v common.Hash) bool {
	idx := s.s.u64(key("index", s.base, v))
	if idx == 0 {
		return false
	}
	n := s.len()
	for i := idx; i < n; i++ { // shift the rest down: order of admission matters
		item := s.at(i)
		s.put(i-1, item)
		s.s.setU64(key("index", s.base, item), i)
	}
	s.put(n-1, common.Hash{})
	s.s.setU64(s.base, n-1)
	s.s.setU64(key("index", s.base, v), 0)
	return true
}
