package governance

// Misbehaviour record (docs/governance.md §3.11): CometBFT commits evidence
// that a validator signed two conflicting votes (or a conflicting header
// for a light client) in a block, and hands it to FinalizeBlock. Governance
// records it against the node holding the key, raises NodeEquivocated and
// lists the node among equivocatingNodes. Like the liveness review it
// changes nothing else: suspension and removal stay a vote of the Nodes
// Commission, which reads the record.

// Misbehaviour is one piece of evidence a block commits: the CometBFT
// address of the validator's consensus key and the height it misbehaved at.
type Misbehaviour struct {
	Address [20]byte
	Height  uint64
}

// maxMisbehaviourPerBlock bounds the evidence one block records. CometBFT
// bounds a block's evidence by its size already; a block with more than
// this records the first ones only.
const maxMisbehaviourPerBlock = 32

func (s *store) equivocating() lset { return s.lset("mis.nodes") }

// misbehaviourStep records env.Misbehaviour against the nodes holding the
// keys and returns their NodeEquivocated events, in the block's order. Evidence
// of a key governance does not hold as a validator's is ignored (a node
// removed since it misbehaved: its power went to 0 with the removal). Work:
// the validators once, then a few slots per piece of evidence.
func (s *store) misbehaviourStep(env Env) []BlockEvent {
	if len(env.Misbehaviour) == 0 {
		return nil
	}
	byAddr := s.validatorsByAddress()
	var out []BlockEvent
	for _, m := range env.Misbehaviour[:min(len(env.Misbehaviour), maxMisbehaviourPerBlock)] {
		n, ok := byAddr[m.Address]
		if !ok {
			continue
		}
		s.setU64(key("mis.count", n), s.u64(key("mis.count", n))+1)
		s.setU64(key("mis.height", n), m.Height)
		s.setU64(key("mis.at", n), env.Number)
		s.setU64(key("mis.time", n), env.Time)
		s.equivocating().add(nodeWord(n))
		coll := s.nodeColl(n)
		topics, data := emit("NodeEquivocated", n, coll, m.Height)
		out = append(out, BlockEvent{Name: "NodeEquivocated", Topics: topics, Data: data})
	}
	return out
}

// viewNodeMisbehaviour is a node's record: its collective and operator, the
// evidence recorded against it, the height it last misbehaved at, and the
// block and time that recorded it.
func viewNodeMisbehaviour(s *store, _ Env, a args) []any {
	n := a.b20(0)
	return []any{s.nodeColl(n), s.nodeOp(n), s.u64(key("mis.count", n)), s.u64(key("mis.height", n)),
		s.u64(key("mis.at", n)), s.u64(key("mis.time", n))}
}

func viewEquivocatingNodes(s *store, _ Env, a args) ([]any, error) {
	items, next, err := s.equivocating().page(a.page())
	if err != nil {
		return nil, err
	}
	return []any{nodeIDs(items), [32]byte(next)}, nil
}
