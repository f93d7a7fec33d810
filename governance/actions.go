package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Suspension, removal and reinstatement of nodes and members by the Nodes
// Commission (docs/governance.md §3.1 step 5, with its safety rules).

func proposeNodeAction(c *call, a args) ([]any, error) {
	n, kind, forCause, reason := a.b20(0), NodeAction(a.u8(1)), a.boolean(2), a.b32(3)
	proposer, err := c.holderOf(RoleNodesCommission)
	if err != nil {
		return nil, err
	}
	if err := c.checkNodeAction(n, kind, forCause); err != nil {
		return nil, err
	}
	return []any{c.newAction(proposer, TargetNode, nodeWord(n), kind, forCause, reason)}, nil
}

func proposeMemberAction(c *call, a args) ([]any, error) {
	rec, kind, forCause, reason := a.u64(0), NodeAction(a.u8(1)), a.boolean(2), a.b32(3)
	proposer, err := c.holderOf(RoleNodesCommission)
	if err != nil {
		return nil, err
	}
	if err := c.checkMemberAction(rec, kind, forCause); err != nil {
		return nil, err
	}
	return []any{c.newAction(proposer, TargetMember, w64(rec), kind, forCause, reason)}, nil
}

func (c *call) newAction(proposer uint64, target ActionTarget, subject common.Hash, kind NodeAction, forCause bool, reason common.Hash) uint64 {
	id := c.s.next("seq.action")
	c.s.setU64(key("act.target", id), uint64(target))
	c.s.set(key("act.subject", id), subject)
	c.s.setU64(key("act.kind", id), uint64(kind))
	c.s.setFlag(key("act.forCause", id), forCause)
	c.s.set(key("act.reason", id), reason)
	c.s.set(key("act.proposed", id), pair64(proposer, c.env.Time)) // one slot: who and when
	c.emit("ActionProposed", id, proposer, kind, forCause)
	return id
}

func (c *call) checkNodeAction(n [20]byte, kind NodeAction, forCause bool) error {
	st := c.s.nodeStatus(n)
	if st == 0 {
		return refuse("node %x is not registered", n)
	}
	switch kind {
	case ActionSuspend, ActionRemove:
		if st == NodeRemoved || (kind == ActionSuspend && st == NodeSuspended) {
			return refuse("node %x is already %s", n, st)
		}
		return c.s.checkSafety([][20]byte{n}, forCause)
	case ActionReinstate:
		if st != NodeSuspended {
			return refuse("node %x is %s, only a suspended node is reinstated", n, st)
		}
		if op := c.s.nodeOp(n); c.s.recStatus(op) != StatusActive {
			return refuse("node %x's operator, record %d, is %s", n, op, c.s.recStatus(op))
		}
		return nil
	}
	return refuse("action %d is not %s", kind, choices[NodeAction]())
}

func (c *call) checkMemberAction(rec uint64, kind NodeAction, forCause bool) error {
	if !c.s.recExists(rec) {
		return refuse("record %d does not exist", rec)
	}
	if c.s.recKind(rec) == KindProject {
		return refuse("record %d is a project; its status is decided in plenary", rec)
	}
	st := c.s.recStatus(rec)
	switch kind {
	case ActionSuspend, ActionRemove:
		if st == StatusRemoved || (kind == ActionSuspend && st == StatusSuspended) {
			return refuse("record %d is already %s", rec, st)
		}
		if c.s.councilRole(rec) == RoleSecretary {
			// nobody else can convene: the plenary seats a successor first
			return refuse("record %d is the Executive Secretary: seat a successor in plenary first", rec)
		}
		if err := c.s.checkSafety(c.s.activeNodesOf(rec), forCause); err != nil {
			return err
		}
		if coll := c.s.recColl(rec); kind == ActionRemove && !forCause && c.s.isLeader(rec, coll) && c.s.formed(coll) &&
			c.s.seat(RoleLeader, coll).len() <= c.s.param("minLeaders") {
			return refuse("collective %s would have fewer than %d leaders: seat another leader first", coll, c.s.param("minLeaders"))
		}
		return nil
	case ActionReinstate:
		if st != StatusSuspended {
			return refuse("record %d is %s, only a suspended member is reinstated", rec, st)
		}
		return nil
	}
	return refuse("action %d is not %s", kind, choices[NodeAction]())
}

func (s *store) activeNodesOf(rec uint64) [][20]byte {
	var out [][20]byte
	for _, h := range s.lset("rec.nodes", rec).all() {
		if s.nodeStatus(wordNode(h)) == NodeAdmitted {
			out = append(out, wordNode(h))
		}
	}
	return out
}

func voteAction(c *call, a args) ([]any, error) {
	id, approve := a.u64(0), a.boolean(1)
	voter, err := c.holderOf(RoleNodesCommission)
	if err != nil {
		return nil, err
	}
	target := ActionTarget(c.s.u64(key("act.target", id)))
	if target == 0 {
		return nil, refuse("action %d does not exist", id)
	}
	if c.s.flag(key("act.decided", id)) {
		return nil, refuse("action %d is already decided", id)
	}
	yes, no, err := c.castVote("act", id, voter, approve)
	if err != nil {
		return nil, err
	}
	c.emit("ActionVoteCast", id, voter, approve)
	filled := c.s.filled(RoleNodesCommission)
	switch {
	case yes*2 > filled:
		if err := c.carryOut(id, target); err != nil {
			return nil, err
		}
		c.s.setFlag(key("act.decided", id), true)
		c.s.setFlag(key("act.approved", id), true)
		c.emit("ActionDecided", id, true)
	case (filled-min(no, filled))*2 <= filled:
		c.s.setFlag(key("act.decided", id), true)
		c.emit("ActionDecided", id, false)
	}
	return nil, nil
}

// carryOut applies an approved action, checking its rules again: the state
// may have changed since it was proposed.
func (c *call) carryOut(id uint64, target ActionTarget) error {
	subject := c.s.get(key("act.subject", id))
	kind := NodeAction(c.s.u64(key("act.kind", id)))
	forCause := c.s.flag(key("act.forCause", id))
	status := StatusSuspended
	if kind == ActionRemove {
		status = StatusRemoved
	}
	if target == TargetNode {
		n := wordNode(subject)
		if err := c.checkNodeAction(n, kind, forCause); err != nil {
			return err
		}
		if kind == ActionReinstate {
			c.reinstateNode(n)
		} else {
			c.deactivate(n, NodeStatus(status), forCause)
		}
		return nil
	}
	rec := u64of(subject)
	if err := c.checkMemberAction(rec, kind, forCause); err != nil {
		return err
	}
	if kind == ActionReinstate {
		c.s.setU64(key("rec.status", rec), uint64(StatusActive))
		c.emit("MemberStatusChanged", rec, StatusActive, false)
		return nil
	}
	for _, h := range c.s.lset("rec.nodes", rec).all() {
		if st := c.s.nodeStatus(wordNode(h)); st == NodeAdmitted || (st == NodeSuspended && status == StatusRemoved) {
			c.deactivate(wordNode(h), NodeStatus(status), forCause)
		}
	}
	c.s.setU64(key("rec.status", rec), uint64(status))
	if status == StatusRemoved {
		coll := c.s.recColl(rec)
		c.s.collMembers(coll).remove(w64(rec))
		if c.s.isLeader(rec, coll) {
			c.s.vacateSeat(c, RoleLeader, coll, rec)
		}
		if role := c.s.councilRole(rec); role != 0 {
			c.s.vacateSeat(c, role, c.s.str(key("rec.councilColl", rec)), rec)
		}
	}
	c.emit("MemberStatusChanged", rec, status, forCause)
	return nil
}
