package app_test

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/ethtest"
)

// hostile turns fuzz bytes into validly signed transactions whose every
// field may be hostile: values, gas, nonces, types, sizes, chain IDs, and
// governance calls by accounts of every kind.
type hostile struct {
	t     testing.TB
	in    []byte
	c     *cluster
	keys  []*ecdsa.PrivateKey
	nonce map[common.Address]uint64 // next nonce handed out per sender
}

func (h *hostile) byte() byte {
	if len(h.in) == 0 {
		return 0
	}
	b := h.in[0]
	h.in = h.in[1:]
	return b
}

func (h *hostile) pick(n int) int { return int(h.byte()) % n }

// take consumes up to n bytes of the input.
func (h *hostile) take(n int) []byte {
	n = min(n, len(h.in))
	b := append([]byte{}, h.in[:n]...)
	h.in = h.in[n:]
	return b
}

func (h *hostile) u64() uint64 {
	var v uint64
	for range 8 {
		v = v<<8 | uint64(h.byte())
	}
	return v
}

var bigs = []*big.Int{
	new(big.Int),
	big.NewInt(1),
	new(big.Int).Lsh(big.NewInt(1), 255),
	new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)),
	new(big.Int).Lsh(big.NewInt(1), 256),
	new(big.Int).Lsh(big.NewInt(1), 300),
}

func (h *hostile) amount() *big.Int {
	if h.pick(3) != 0 {
		return new(big.Int) // mostly plain
	}
	return bigs[h.pick(len(bigs))]
}

func (h *hostile) gas() uint64 {
	switch h.pick(8) {
	case 0:
		return 0
	case 1:
		return 20_999
	case 2:
		return 1 << 24
	case 3:
		return 1<<24 + 1
	case 4:
		return ^uint64(0)
	default:
		return 3_000_000
	}
}

func (h *hostile) nextNonce(addr common.Address) uint64 {
	n, ok := h.nonce[addr]
	if !ok {
		head := h.c.apps[0].chain.Head()
		st, err := h.c.apps[0].StateAt(head)
		if err != nil {
			h.t.Fatal(err)
		}
		n = st.GetNonce(addr)
	}
	switch h.pick(10) {
	case 0:
		return n + 1 + uint64(h.pick(3)) // a gap
	case 1:
		if n > 0 {
			return n - 1 // reused
		}
	case 2:
		return ^uint64(0)
	}
	h.nonce[addr] = n + 1
	return n
}

func (h *hostile) data() []byte {
	switch h.pick(12) {
	case 0:
		return make([]byte, 130*1024) // above the size limit
	case 1:
		return make([]byte, 64*1024)
	case 2, 3:
		return h.govData()
	case 4:
		return []byte{h.byte(), h.byte(), h.byte(), h.byte(), h.byte()}
	default:
		return nil
	}
}

// govData is a governance call, well formed or not.
func (h *hostile) govData() []byte {
	var (
		data []byte
		err  error
	)
	addr := ethtest.Address(h.keys[h.pick(len(h.keys))])
	switch h.pick(8) {
	case 0:
		data, err = governance.ABI.Pack("applyProject", devnet.CollectiveFor(h.pick(5)), string(h.take(8)),
			[32]byte{1}, "https://example.org/p", [32]byte{2}, "https://example.org/r", h.byte(), []common.Address{addr})
	case 1:
		data, err = governance.ABI.Pack("applyNode", devnet.CollectiveFor(h.pick(5)), [32]byte{h.byte()}, h.byte(), "ed25519",
			append(make([]byte, 31), h.byte()), h.byte(), [32]byte{3}, [32]byte{4}, "https://example.org/l", [32]byte{5}, "https://example.org/a",
			make([]byte, 64), h.take(64))
	case 2:
		data, err = governance.ABI.Pack("grantCapital", h.u64()%64, h.u64(), h.u64(), h.u64()%8)
	case 3:
		data, err = governance.ABI.Pack("endorse", h.u64()%8)
	case 4:
		data, err = governance.ABI.Pack("commissionVote", h.u64()%8, h.byte()%2 == 0)
	case 5:
		data, err = governance.ABI.Pack("requestCapital", h.u64(), [32]byte{6})
	default:
		m := governance.ABI.Methods
		names := []string{"isMember", "withdraw", "offerAccount", "acceptAccount"}
		data = append(append([]byte{}, m[names[h.pick(len(names))]].ID...), h.take(40)...)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return data
}

// tx is one transaction, or undecodable bytes.
func (h *hostile) tx() []byte {
	if h.pick(16) == 0 {
		return h.take(1 + h.pick(64)) // garbage
	}
	key := h.keys[h.pick(len(h.keys))]
	from := ethtest.Address(key)
	var to *common.Address
	switch h.pick(6) {
	case 0:
		// a creation
	case 1, 2:
		to = &governance.Address
	default:
		a := common.Address{0xbe, h.byte()}
		to = &a
	}
	chain := big.NewInt(chainID)
	if h.pick(16) == 0 {
		chain = big.NewInt(chainID + 1)
	}
	nonce, gas, value, data := h.nextNonce(from), h.gas(), h.amount(), h.data()
	var d types.TxData
	switch h.pick(6) {
	case 0:
		d = &types.AccessListTx{ChainID: chain, Nonce: nonce, Gas: gas, To: to, Value: value, Data: data, GasPrice: h.amount()}
	case 1:
		if to == nil {
			to = &common.Address{1}
		}
		d = &types.BlobTx{ChainID: uint256.MustFromBig(chain), Nonce: nonce, Gas: gas, To: *to, Value: uint256.NewInt(1), Data: data,
			BlobHashes: []common.Hash{{1}}, GasFeeCap: new(uint256.Int), GasTipCap: new(uint256.Int), BlobFeeCap: new(uint256.Int)}
	case 2:
		if to == nil {
			to = &common.Address{1}
		}
		d = &types.SetCodeTx{ChainID: uint256.MustFromBig(chain), Nonce: nonce, Gas: gas, To: *to, Value: uint256.NewInt(0), Data: data,
			GasFeeCap: new(uint256.Int), GasTipCap: new(uint256.Int), AuthList: []types.SetCodeAuthorization{{Address: common.Address{2}}}}
	case 3:
		d = &types.DynamicFeeTx{ChainID: chain, Nonce: nonce, Gas: gas, To: to, Value: value, Data: data, GasFeeCap: h.amount(), GasTipCap: h.amount()}
	default:
		d = &types.LegacyTx{Nonce: nonce, Gas: gas, To: to, Value: value, Data: data, GasPrice: h.amount()}
	}
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(chain), d)
	if err != nil {
		h.t.Fatal(err)
	}
	b, err := tx.MarshalBinary()
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// FuzzHostileProposal feeds blocks of validly signed but hostile
// transactions to a cluster of apps with the founding governance: as a
// faulty validator's proposal (every verifier gives the same verdict; a
// decided block finalizes alike everywhere, an accepted one with no invalid
// transaction) and through the proposer's pool (the proposer's block is
// accepted by every verifier, left-out candidates included). Never a panic
// or an error that would stop a node.
func FuzzHostileProposal(f *testing.F) {
	for _, seed := range [][]byte{
		{},
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		[]byte("applications from strangers, many of them, beyond the quota ............"),
		{5, 0, 0, 2, 2, 2, 5, 0, 0, 3, 3, 3, 5, 1, 1, 4, 4, 4, 5, 1, 0, 0, 0, 0, 0, 0},
		{9, 1, 0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7},
		{12, 255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243, 242, 241},
		{3, 2, 0, 2, 2, 0, 0, 0, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1},
	} {
		f.Add(seed)
	}
	c := newCluster(f, 3, map[string]uint64{"applyQuota": 4})
	keys := append(ethtest.DevKeys(4), strangerKey(0), strangerKey(1), strangerKey(2))
	for _, r := range devnet.Roles()[:6] {
		keys = append(keys, r.Key)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c.t = t
		h := &hostile{t: t, in: in, c: c, keys: keys, nonce: make(map[common.Address]uint64)}
		n := 1 + h.pick(12)
		txs := make([][]byte, 0, n)
		for range n {
			txs = append(txs, h.tx())
		}
		// A faulty proposer's block.
		verdict := c.process(1, txs)
		fins := c.decide(1, txs)
		if verdict == abci.ResponseProcessProposal_ACCEPT {
			for i, code := range codes(fins[0]) {
				if code != app.CodeOK {
					t.Fatalf("accepted proposal, yet tx %d is skipped: %s", i, fins[0].TxResults[i].Log)
				}
			}
		}
		// The same transactions through the proposer's pool.
		for _, b := range txs {
			tx := new(types.Transaction)
			if tx.UnmarshalBinary(b) == nil {
				c.add(0, tx) // refusals are the pool's business
			}
		}
		c.propose(0)
		for _, a := range c.apps {
			if a.chain.Head().Hash() != c.apps[0].chain.Head().Hash() {
				t.Fatal("heads differ")
			}
		}
	})
}
