package governance

// Collectives (docs/governance.md §2): numbered in order of founding, each with
// its member records, nodes and validators; formed once it has its least
// leaders and a node.

func (s *store) collectiveExists(name string) bool { return s.u64(key("coll.index", name)) != 0 }

func (s *store) addCollective(name string) {
	if s.collectiveExists(name) {
		return
	}
	n := s.next("seq.coll")
	s.setU64(key("coll.index", name), n)
	s.setStr(key("coll.name", n), name)
}

func (s *store) collectiveNames() []string {
	n := s.u64(key("seq.coll"))
	out := make([]string, 0, n)
	for i := uint64(1); i <= n; i++ {
		out = append(out, s.str(key("coll.name", i)))
	}
	return out
}

func (s *store) formed(coll string) bool { return s.flag(key("coll.formed", coll)) }

// members: member records of a collective (not removed); nodes: its admitted,
// active nodes; validators: its active validator nodes in order of admission.
func (s *store) collMembers(coll string) lset    { return s.lset("coll.members", coll) }
func (s *store) collNodes(coll string) lset      { return s.lset("coll.nodes", coll) }
func (s *store) collValidators(coll string) lset { return s.lset("coll.validators", coll) }
