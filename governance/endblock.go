package governance

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// EndBlock takes the consensus effects of the block's governance calls,
// clearing them from state, counts the last commit's votes for the
// liveness review and records the block's evidence of misbehaviour. It runs once per block, after the transactions.
//
// Validator updates are net: a node whose power changed and changed back in
// one block sends nothing. The power CometBFT was last told is kept per node
// (its key is unique), so power 0 goes only to a key that holds power, and
// every update is one per key, ordered by key bytes.
func (c *Contract) EndBlock(env Env, st vm.StateDB) BlockEffects {
	s := &store{st: st}
	var fx BlockEffects
	fx.Liveness = s.livenessStep(env)
	fx.Events = append(fx.Events, s.misbehaviourStep(env)...)
	// Lapses first: the power they restore goes to CometBFT in this block.
	ec := &call{env: env, s: s, events: &fx.Events}
	ec.lapseStep()
	// Ballots close before the next block's transactions can change the
	// delegations they count.
	ec.ballotStep()
	s.reportStep(env)
	fx.TermsEnded = s.termStep(env)
	for _, t := range fx.TermsEnded {
		name, topics, data := t.Log()
		fx.Events = append(fx.Events, BlockEvent{Name: name, Topics: topics, Data: data})
	}
	pending := s.lset("pending")
	// Calls that would empty the set are refused; should one slip through,
	// CometBFT is not told (it would halt every node, also on replay) and the
	// updates wait for a set that holds power.
	if pending.len() > 0 && s.setHoldsPower() {
		for _, h := range pending.all() {
			n := wordNode(h)
			want, told := s.nodePower(n), s.u64(key("cmt.power", n))
			pending.remove(h)
			if want == told {
				continue
			}
			s.setU64(key("cmt.power", n), want)
			fx.Validators = append(fx.Validators, ValidatorUpdate{
				KeyType: s.str(key("node.keyType", n)),
				PubKey:  s.nodePubKey(n),
				Power:   int64(want),
			})
		}
	}
	slices.SortFunc(fx.Validators, func(a, b ValidatorUpdate) int { return bytes.Compare(a.PubKey, b.PubKey) })
	if g := s.u64(key("pending.gasLimit")); g != 0 {
		fx.GasLimit = g
		s.setU64(key("pending.gasLimit"), 0)
	}
	return fx
}

// setHoldsPower reports whether some validator of a formed collective holds
// power: the set EndBlock would leave CometBFT with is not empty.
func (s *store) setHoldsPower() bool {
	for _, coll := range s.collectiveNames() {
		for _, h := range s.collValidators(coll).all() {
			if s.nodePower(wordNode(h)) > 0 {
				return true
			}
		}
	}
	return false
}

// Validators is the validator set as CometBFT knows it from governance: every
// node told a non-zero power, in the order of collectives and admission. At
// genesis it is what InitChain should return.
func (c *Contract) Validators(st vm.StateDB) []ValidatorUpdate {
	s := &store{st: st}
	var out []ValidatorUpdate
	for _, coll := range s.collectiveNames() {
		for _, h := range s.collValidators(coll).all() {
			n := wordNode(h)
			if p := s.u64(key("cmt.power", n)); p > 0 {
				out = append(out, ValidatorUpdate{KeyType: s.str(key("node.keyType", n)), PubKey: s.nodePubKey(n), Power: int64(p)})
			}
		}
	}
	return out
}

// AllowedPeer reports whether the node with this CometBFT p2p ID (hex) may
// connect: an admitted, not suspended or removed, node. Without a founding
// governance state every peer is allowed.
func (c *Contract) AllowedPeer(st vm.StateDB, nodeID string) bool {
	s := &store{st: st}
	if !enabled(s) {
		return true
	}
	_, status := c.Peer(st, nodeID)
	return status == NodeAdmitted
}

// Peer is the role and status governance holds for the node with this
// CometBFT p2p ID (hex); zero for a node it never registered or a malformed ID.
func (c *Contract) Peer(st vm.StateDB, nodeID string) (NodeRole, NodeStatus) {
	s := &store{st: st}
	raw, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(nodeID), "0x"))
	if err != nil || len(raw) != common.AddressLength {
		return 0, 0
	}
	n := [20]byte(raw)
	return s.nodeRole(n), s.nodeStatus(n)
}

// Upgrades lists the scheduled upgrades, by height.
func (c *Contract) Upgrades(st vm.StateDB) []Upgrade { return upgrades(&store{st: st}) }

func enabled(s *store) bool { return s.flag(key("enabled")) }
