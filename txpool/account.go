package txpool

import (
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"
)

// entry is one pooled transaction with what the pool derived from it once.
type entry struct {
	tx    *types.Transaction
	hash  common.Hash
	from  common.Address
	nonce uint64
	gas   uint64
	value *uint256.Int
	raw   []byte // canonical encoding: Reap's output and the byte count of Pending
	seq   uint64 // insertion order across the pool: Pending interleaves senders by it
	payer uint64 // the gate's payer, when gated
	gated bool   // admitted by a gate and counted in its payer's gas
	lane  bool   // from an account of no record, as the gate said

	born      uint64 // head height when it entered the pool
	announced uint64 // head height when Reap last handed it out

	pending bool // executable: in its account's contiguous prefix
	reaped  bool // handed to gossip by Reap
	inReap  bool // in the reap queue
	removed bool // no longer in the pool
}

// account is one sender's pooled transactions and the state they were checked
// against.
type account struct {
	nonce   uint64      // state nonce as of the last Reset, or first sight
	balance uint256.Int // state balance, likewise
	spent   uint256.Int // sum of the values of txs; never above balance

	// txs is ordered by nonce, every nonce at least nonce. The first executable
	// are the pending ones, with nonces nonce, nonce+1, and so on; the rest are
	// queued behind a gap.
	txs        []*entry
	executable int
}

func newAccount(state StateReader, addr common.Address) *account {
	a := &account{nonce: state.Nonce(addr)}
	if b := state.Balance(addr); b != nil {
		a.balance.Set(b)
	}
	return a
}

// pendingNonce is the nonce that follows the sender's executable transactions.
func (a *account) pendingNonce() uint64 {
	return a.nonce + uint64(a.executable)
}

// find returns the index of the transaction with nonce n, or where it would go,
// and whether it is there.
func (a *account) find(n uint64) (int, bool) {
	if n >= a.nonce && n < a.pendingNonce() {
		return int(n - a.nonce), true
	}
	i := sort.Search(len(a.txs), func(i int) bool { return a.txs[i].nonce >= n })
	return i, i < len(a.txs) && a.txs[i].nonce == n
}
