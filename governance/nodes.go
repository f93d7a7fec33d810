package governance

import (
	"bytes"
	"crypto/ed25519"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
)

// Node admission, power and removal (docs/governance.md §3.1).

// KeyTypeEd25519 is the one consensus key type CometBFT's default consensus
// parameters allow; any other would halt every node once in an update.
const KeyTypeEd25519 = "ed25519"

func (s *store) nodeStatus(n [20]byte) NodeStatus { return NodeStatus(s.u64(key("node.status", n))) }
func (s *store) nodeColl(n [20]byte) string       { return s.str(key("node.coll", n)) }
func (s *store) nodeRole(n [20]byte) NodeRole     { return NodeRole(s.u64(key("node.role", n))) }
func (s *store) nodeOp(n [20]byte) uint64         { return s.u64(key("node.op", n)) }
func (s *store) nodePower(n [20]byte) uint64      { return s.u64(key("node.power", n)) }
func (s *store) nodePubKey(n [20]byte) []byte {
	return s.bytes(key("node.pubkey", n))
}

func nodeWord(n [20]byte) common.Hash { var h common.Hash; copy(h[:], n[:]); return h }
func wordNode(h common.Hash) [20]byte { return [20]byte(h[:20]) }

// checkConsensusKey refuses a key CometBFT would not accept.
func checkConsensusKey(keyType string, pub []byte) error {
	if keyType != KeyTypeEd25519 {
		return refuse("consensus key type %q is not allowed (allowed: %s)", keyType, KeyTypeEd25519)
	}
	if len(pub) != ed25519.PublicKeySize {
		return refuse("malformed ed25519 consensus key: %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if bytes.Equal(pub, make([]byte, ed25519.PublicKeySize)) {
		return refuse("malformed ed25519 consensus key: all zero")
	}
	return nil
}

// keyFree refuses a key held by a node or claimed by another open application.
func (s *store) keyFree(pub []byte, app uint64) error {
	kh := crypto.Keccak256Hash(pub)
	if holder := s.get(key("key.node", kh)); holder != (common.Hash{}) {
		return refuse("consensus key already held by node %x", holder[:20])
	}
	if other := s.u64(key("key.app", kh)); other != 0 && other != app {
		return refuse("consensus key already claimed by application %d", other)
	}
	return nil
}

func (s *store) nodeIDFree(n [20]byte, app uint64) error {
	if s.nodeStatus(n) != 0 {
		return refuse("node %x is already registered", n)
	}
	if other := s.u64(key("nodeid.app", n)); other != 0 && other != app {
		return refuse("node %x is already in application %d", n, other)
	}
	return nil
}

func applyNode(c *call, a args) ([]any, error) {
	coll, nodeKey, role := a.str(0), a.b32(1), NodeRole(a.u8(2))
	keyType, pub, memberKind, inst := a.str(3), a.bytes(4), RecordKind(a.u8(5)), a.b32(6)
	letter, letterURI, adhesion, adhesionURI := a.b32(7), a.str(8), a.b32(9), a.str(10)
	for _, t := range []struct{ what, v string }{{"collective", coll}, {"letterURI", letterURI}, {"adhesionURI", adhesionURI}, {"keyType", keyType}} {
		if err := c.checkText(t.what, t.v); err != nil {
			return nil, err
		}
	}
	switch role {
	case NodeValidator:
		if err := checkConsensusKey(keyType, pub); err != nil {
			return nil, err
		}
		if err := c.s.keyFree(pub, 0); err != nil {
			return nil, err
		}
	case NodeObserver:
		if len(pub) != 0 {
			return nil, refuse("an observer node has no consensus key")
		}
	default:
		return nil, refuse("node role %d is not %s", role, choices[NodeRole]())
	}
	nodeID, err := c.checkNodeProof(coll, nodeKey, role, keyType, pub, a.bytes(11), a.bytes(12))
	if err != nil {
		return nil, err
	}
	if err := c.s.nodeIDFree(nodeID, 0); err != nil {
		return nil, err
	}
	if rec := c.s.recordOf(c.from); rec != 0 {
		if err := c.operatorFor(rec, coll); err != nil {
			return nil, err
		}
	} else if memberKind != KindInstitution && memberKind != KindIndividual {
		return nil, refuse("member kind %d is not %s", memberKind, choices(KindInstitution, KindIndividual))
	}
	id, err := c.newApplication(AppNode, coll)
	if err != nil {
		return nil, err
	}
	c.s.set(key("app.node", id), nodeWord(nodeID))
	c.s.setU64(key("nodeid.app", nodeID), id)
	c.s.setU64(key("app.role", id), uint64(role))
	if role == NodeValidator {
		kh := crypto.Keccak256Hash(pub)
		c.s.setStr(key("app.keyType", id), keyType)
		c.s.setBytes(key("app.pubkey", id), pub)
		c.s.set(key("app.keyhash", id), kh)
		c.s.setU64(key("key.app", kh), id)
	}
	c.s.setU64(key("app.memberKind", id), uint64(memberKind))
	c.s.set(key("app.inst", id), inst)
	c.s.set(key("app.letter", id), letter)
	c.s.setStr(key("app.letterURI", id), letterURI)
	c.s.set(key("app.adhesion", id), adhesion)
	c.s.setStr(key("app.adhesionURI", id), adhesionURI)
	c.emit("NodeApplied", id, c.from, coll, nodeID, role)
	return []any{id}, nil
}

// operatorFor refuses a record that may not run a node of coll.
func (c *call) operatorFor(rec uint64, coll string) error {
	if c.s.recKind(rec) == KindProject {
		return refuse("record %d is a project; nodes are run by members", rec)
	}
	if st := c.s.recStatus(rec); st != StatusActive {
		return refuse("record %d is %s", rec, st)
	}
	if rc := c.s.recColl(rec); rc != coll {
		return refuse("record %d is a member of collective %s, not %s", rec, rc, coll)
	}
	return nil
}

// admitNode carries out an approved node application.
func (c *call) admitNode(app uint64) error {
	applicant, coll := c.s.appApplicant(app), c.s.appColl(app)
	nodeID := wordNode(c.s.get(key("app.node", app)))
	role := NodeRole(c.s.u64(key("app.role", app)))
	pub := c.s.bytes(key("app.pubkey", app))
	if err := c.s.nodeIDFree(nodeID, app); err != nil {
		return err
	}
	if role == NodeValidator {
		if err := c.s.keyFree(pub, app); err != nil {
			return err
		}
	}
	rec := c.s.recordOf(applicant)
	if rec == 0 {
		kind := RecordKind(c.s.u64(key("app.memberKind", app)))
		rec = c.s.newRecord(kind, coll, c.s.get(key("app.inst", app)), c.env.Time)
		c.s.addAccount(rec, applicant)
		c.emit("MemberAdmitted", rec, coll, kind)
	} else if err := c.operatorFor(rec, coll); err != nil {
		return err
	}
	c.s.setAppStatus(app, AppApproved)
	c.s.addNode(c, nodeID, coll, rec, role, c.s.str(key("app.keyType", app)), pub)
	return nil
}

// addNode admits a node (c is nil at genesis: no events, no pending update,
// since InitChain reports the genesis validators).
func (s *store) addNode(c *call, n [20]byte, coll string, op uint64, role NodeRole, keyType string, pub []byte) {
	s.setU64(key("node.status", n), uint64(NodeAdmitted))
	s.setStr(key("node.coll", n), coll)
	s.setU64(key("node.op", n), op)
	s.setU64(key("node.role", n), uint64(role))
	s.lset("nodes").add(nodeWord(n))
	s.lset("rec.nodes", op).add(nodeWord(n))
	s.collNodes(coll).add(nodeWord(n))
	if role == NodeValidator {
		s.setStr(key("node.keyType", n), keyType)
		s.setBytes(key("node.pubkey", n), pub)
		s.set(key("key.node", crypto.Keccak256Hash(pub)), nodeWord(n))
		s.collValidators(coll).add(nodeWord(n))
	}
	if c != nil {
		c.emit("NodeAdmitted", n, op, coll, role)
	}
	s.maybeForm(coll)
	s.recompute(c, coll)
}

// maybeForm forms a forming collective once it has its least number of
// leaders and one admitted node (docs/governance.md §3.7).
func (s *store) maybeForm(coll string) {
	if !s.formed(coll) && s.seat(RoleLeader, coll).len() >= max(s.param("minLeaders"), 1) && s.collNodes(coll).len() >= 1 {
		s.setFlag(key("coll.formed", coll), true)
	}
}

// CollectivePower is the voting power each formed collective with
// validators holds, shared by its validators (docs/governance.md §3.1). It
// divides evenly by 1–16 and 18.
const CollectivePower = 720720

// Share is the power of the i-th (from 0, in order of admission) of n
// validators of a formed collective: equal parts of [CollectivePower], the
// remainder one unit each to the first admitted. It is the one power rule:
// governance's state, InitChain and genesis files all follow it.
func Share(i, n uint64) uint64 {
	if n == 0 || i >= n {
		return 0
	}
	p := CollectivePower / n
	if i < CollectivePower%n {
		p++
	}
	return p
}

// Powers is the power of each of vals, the genesis validators, in vals'
// order, by [Share]: with a founding governance f the order of admission is
// that of its validator nodes (what [ApplyGenesis] writes and
// [Contract.Validators] reports); without one (f nil), the order of vals.
func Powers(f *Founding, vals []GenesisValidator) []int64 {
	order := make([][]byte, 0, len(vals))
	if f != nil {
		for _, n := range f.Nodes {
			if n.Role == NodeValidator {
				order = append(order, n.PubKey)
			}
		}
	} else {
		for _, v := range vals {
			order = append(order, v.PubKey)
		}
	}
	collOf := make(map[string]string, len(vals))
	for _, v := range vals {
		collOf[string(v.PubKey)] = v.Collective
	}
	rank := make(map[string]uint64, len(order))
	count := make(map[string]uint64)
	for _, k := range order {
		coll, ok := collOf[string(k)]
		if !ok {
			continue // not a genesis validator: genesis validation refuses it
		}
		rank[string(k)] = count[coll]
		count[coll]++
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		if r, ok := rank[string(v.PubKey)]; ok {
			out[i] = int64(Share(r, count[v.Collective]))
		}
	}
	return out
}

// GenesisValidators is the validator set InitChain reports for genesis
// validators vals written into st: governance's own powers where st holds a
// founding governance, else [Powers] of vals.
func GenesisValidators(st vm.StateDB, vals []GenesisValidator) []ValidatorUpdate {
	if Enabled(st) {
		return New().Validators(st)
	}
	out := make([]ValidatorUpdate, len(vals))
	for i, p := range Powers(nil, vals) {
		out[i] = ValidatorUpdate{KeyType: KeyTypeEd25519, PubKey: bytes.Clone(vals[i].PubKey), Power: p}
	}
	return out
}

// recompute gives coll's validators their [Share]s (none while coll is
// forming). A changed power is logged and queued for EndBlock's validator
// updates (c nil: genesis).
func (s *store) recompute(c *call, coll string) {
	vals := s.collValidators(coll).all()
	n := uint64(len(vals))
	formed := s.formed(coll)
	for i, v := range vals {
		var p uint64
		if formed {
			p = Share(uint64(i), n)
		}
		s.setPower(c, coll, wordNode(v), p)
	}
}

// setPower sets the power of n, a validator of coll or one just taken off
// its validators, and marks coll for the call's check of its powers.
func (s *store) setPower(c *call, coll string, n [20]byte, p uint64) {
	if s.nodePower(n) == p {
		return
	}
	s.setU64(key("node.power", n), p)
	if c == nil {
		s.setU64(key("cmt.power", n), p) // what InitChain reports
		return
	}
	s.lset("pending").add(nodeWord(n))
	if !slices.Contains(c.powered, coll) {
		c.powered = append(c.powered, coll)
	}
	c.emit("ValidatorPowerChanged", n, p)
}

// deactivate suspends or removes an active or suspended node.
func (c *call) deactivate(n [20]byte, status NodeStatus, forCause bool) {
	if c.s.nodeStatus(n) == status {
		return
	}
	coll := c.s.nodeColl(n)
	c.s.setU64(key("node.status", n), uint64(status))
	c.s.collNodes(coll).remove(nodeWord(n))
	if c.s.collValidators(coll).remove(nodeWord(n)) {
		c.s.setPower(c, coll, n, 0)
		c.s.recompute(c, coll)
	}
	c.emit("NodeStatusChanged", n, status, forCause)
}

func (c *call) reinstateNode(n [20]byte) {
	coll := c.s.nodeColl(n)
	c.s.setU64(key("node.status", n), uint64(NodeAdmitted))
	c.s.collNodes(coll).add(nodeWord(n))
	if c.s.nodeRole(n) == NodeValidator {
		c.s.collValidators(coll).add(nodeWord(n))
		c.s.recompute(c, coll)
	}
	c.emit("NodeStatusChanged", n, NodeAdmitted, false)
}

// checkSafety refuses taking the nodes off when it would empty the validator
// set (always), leave a formed collective without nodes, or leave fewer than
// four collectives with validators (fewer than now, while fewer than four
// have them: the floor is never lowered further); a change for cause
// overrides all but the first (docs/governance.md §3.1). Only validators
// of formed collectives hold power: a forming collective's do not keep the
// set alive.
func (s *store) checkSafety(off [][20]byte, forCause bool) error {
	lostNodes := map[string]uint64{}
	lostVals := map[string]uint64{}
	for _, n := range off {
		if s.nodeStatus(n) != NodeAdmitted {
			continue
		}
		coll := s.nodeColl(n)
		lostNodes[coll]++
		if s.nodeRole(n) == NodeValidator {
			lostVals[coll]++
		}
	}
	var valsAfter, collsBefore, collsAfter uint64
	for _, coll := range s.collectiveNames() {
		if !s.formed(coll) {
			continue
		}
		nv := s.collValidators(coll).len()
		valsAfter += nv - min(lostVals[coll], nv)
		if nv > 0 {
			collsBefore++
			if nv > lostVals[coll] {
				collsAfter++
			}
		}
		if !forCause && s.collNodes(coll).len() <= lostNodes[coll] && lostNodes[coll] > 0 {
			return refuse("collective %s would be left without nodes", coll)
		}
	}
	if valsAfter == 0 {
		return refuse("the validator set would be empty")
	}
	if !forCause && collsBefore >= 4 && collsAfter < 4 {
		return refuse("only %d collectives would keep validators, at least 4 needed", collsAfter)
	}
	if !forCause && collsBefore < 4 && collsAfter < collsBefore {
		return refuse("only %d collectives would keep validators, fewer than the %d that have them (at least 4 are the floor)", collsAfter, collsBefore)
	}
	return nil
}

// checkValidatorSet checks the validator set as governance holds it: the
// validators of each collective in changed hold [CollectivePower] between
// them if it is formed and nothing otherwise, and some formed collective has
// validators, so the set is not empty. A call that breaks it is refused
// whole, so EndBlock never sends CometBFT a set it would halt on.
//
// A call checks only the collectives whose powers it changed ([call.powered]):
// [store.recompute] is the one writer of a collective's powers, and a
// collective's validators and formation change only with it, so the others
// still hold what the last check (or genesis, which checks every collective)
// found. Each call then pays for the validators it moved, not for every
// validator of the network.
func (s *store) checkValidatorSet(changed []string) error {
	held := false
	for _, coll := range s.collectiveNames() {
		formed, vals := s.formed(coll), s.collValidators(coll)
		held = held || (formed && vals.len() > 0)
		if !slices.Contains(changed, coll) {
			continue
		}
		var sum, n uint64
		for _, v := range vals.all() {
			sum += s.nodePower(wordNode(v))
			n++
		}
		want := uint64(0)
		if formed && n > 0 {
			want = CollectivePower
		}
		if sum != want {
			return refuse("validators of collective %s would hold %d, not %d", coll, sum, want)
		}
	}
	if !held {
		return refuse("the validator set would be empty")
	}
	return nil
}
