package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Suspension, removal and reinstatement of nodes and members
// (docs/governance.md §3.1 step 5, with its safety rules), and the check on
// the Nodes Commission: the plenary.
//
// The commission never acts on a seat holder's record: that is moved in
// plenary (moveMemberAction). A commission decision to suspend or remove takes
// effect provisionally (a removal only suspends) and lapses, undone at the end
// of a block, unless the plenary ratifies it (moveRatifyAction) within
// ratificationPeriod; the plenary may overturn it sooner (moveOverturnAction).
// An action that relies on cause — one the safety rules would refuse without
// it, or one leaving a collective with validators without any — never takes
// effect by the commission alone: it goes to the plenary, and takes effect if
// ratified. Reinstatement by the commission is immediate and final.

// lapseBucket is the granularity of ratification deadlines, in seconds: a
// deadline is rounded up to it, so the actions due at one deadline share a
// bucket of the lapse queue and EndBlock never searches one.
const lapseBucket = 60

// maxLapseWork bounds EndBlock's work on the lapse queue per block: actions
// lapsed and nodes or members restored; maxLapseSkip the empty buckets
// (minutes) it steps over, a couple of slot reads each. The rest waits a
// block.
const (
	maxLapseWork = 32
	maxLapseSkip = 4096
)

func (s *store) actStatus(id uint64) ActionStatus { return ActionStatus(s.u64(key("act.status", id))) }
func (s *store) actions(st ActionStatus) lset     { return s.lset("acts", uint8(st)) }

// setActStatus moves action id into status st, and into its list.
func (s *store) setActStatus(id uint64, st ActionStatus) {
	s.actions(s.actStatus(id)).remove(w64(id))
	s.setU64(key("act.status", id), uint64(st))
	s.actions(st).add(w64(id))
}

func checkReason(forCause bool, reason common.Hash) error {
	if forCause && reason == (common.Hash{}) {
		return refuse("an action for cause needs the commitment to its reason (reasonHash)")
	}
	return nil
}

func proposeNodeAction(c *call, a args) ([]any, error) {
	n, kind, forCause, reason := a.b20(0), NodeAction(a.u8(1)), a.boolean(2), a.b32(3)
	proposer, err := c.holderOf(RoleNodesCommission)
	if err != nil {
		return nil, err
	}
	if err := checkReason(forCause, reason); err != nil {
		return nil, err
	}
	if err := c.checkNodeAction(n, kind, forCause); err != nil {
		return nil, err
	}
	return []any{c.newAction(proposer, TargetNode, nodeWord(n), kind, forCause, reason, ActionProposed)}, nil
}

func proposeMemberAction(c *call, a args) ([]any, error) {
	rec, kind, forCause, reason := a.u64(0), NodeAction(a.u8(1)), a.boolean(2), a.b32(3)
	proposer, err := c.holderOf(RoleNodesCommission)
	if err != nil {
		return nil, err
	}
	if err := checkReason(forCause, reason); err != nil {
		return nil, err
	}
	if role, ok := c.s.seatHeld(rec); ok {
		return nil, refuse("record %d holds a seat (%s): an action on a seat holder is moved in plenary (moveMemberAction)", rec, role.Office())
	}
	if err := c.checkMemberAction(rec, kind, forCause); err != nil {
		return nil, err
	}
	return []any{c.newAction(proposer, TargetMember, w64(rec), kind, forCause, reason, ActionProposed)}, nil
}

// seatHeld reports a seat rec holds: its council seat, or a leader seat.
func (s *store) seatHeld(rec uint64) (Role, bool) {
	if r := s.councilRole(rec); r != 0 {
		return r, true
	}
	if s.isLeader(rec, s.recColl(rec)) {
		return RoleLeader, true
	}
	return 0, false
}

func (c *call) newAction(proposer uint64, target ActionTarget, subject common.Hash, kind NodeAction, forCause bool, reason common.Hash, st ActionStatus) uint64 {
	id := c.s.next("seq.action")
	c.s.setU64(key("act.target", id), uint64(target))
	c.s.set(key("act.subject", id), subject)
	c.s.setU64(key("act.kind", id), uint64(kind))
	c.s.setFlag(key("act.forCause", id), forCause)
	c.s.set(key("act.reason", id), reason)
	c.s.setU64(key("act.proposer", id), proposer)
	c.s.setU64(key("act.proposed", id), c.env.Time)
	c.s.setActStatus(id, st)
	c.emit("ActionProposed", id, proposer, kind, forCause, [32]byte(reason))
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

// check checks action id's rules as the state is now, with or without its
// cause.
func (c *call) check(id uint64, forCause bool) error {
	target, subject, kind := ActionTarget(c.s.u64(key("act.target", id))), c.s.get(key("act.subject", id)), NodeAction(c.s.u64(key("act.kind", id)))
	if target == TargetNode {
		return c.checkNodeAction(wordNode(subject), kind, forCause)
	}
	return c.checkMemberAction(u64of(subject), kind, forCause)
}

// offNodes are the nodes action id would take off: the node, or the
// member's admitted nodes.
func (c *call) offNodes(id uint64) [][20]byte {
	subject := c.s.get(key("act.subject", id))
	if ActionTarget(c.s.u64(key("act.target", id))) == TargetNode {
		if n := wordNode(subject); c.s.nodeStatus(n) == NodeAdmitted {
			return [][20]byte{n}
		}
		return nil
	}
	return c.s.activeNodesOf(u64of(subject))
}

// emptiesCollective reports whether taking off nodes leaves a collective
// that has validators with none.
func (s *store) emptiesCollective(off [][20]byte) bool {
	lost := map[string]uint64{}
	for _, n := range off {
		if s.nodeStatus(n) == NodeAdmitted && s.nodeRole(n) == NodeValidator {
			coll := s.nodeColl(n)
			lost[coll]++
			if s.collValidators(coll).len() <= lost[coll] {
				return true
			}
		}
	}
	return false
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
	st := c.s.actStatus(id)
	if st == 0 {
		return nil, refuse("action %d does not exist", id)
	}
	if st != ActionProposed {
		return nil, refuse("action %d is already decided (%s)", id, st)
	}
	yes, no, err := c.castVote("act", id, voter, approve)
	if err != nil {
		return nil, err
	}
	c.emit("ActionVoteCast", id, voter, approve)
	approved, rejected := tally(yes, no, c.s.filled(RoleNodesCommission))
	switch {
	case approved:
		if err := c.commissionDecides(id); err != nil {
			return nil, err
		}
		c.emit("ActionDecided", id, true)
	case rejected:
		c.s.setActStatus(id, ActionRejected)
		c.emit("ActionDecided", id, false)
	}
	return nil, nil
}

// commissionDecides carries out what the commission's approval of action id
// may do, checking its rules again (the state may have changed since it was
// proposed): a reinstatement at once and for good; a suspension or removal
// provisionally, or, when it relies on cause, nothing until the plenary
// ratifies it.
func (c *call) commissionDecides(id uint64) error {
	kind, forCause := NodeAction(c.s.u64(key("act.kind", id))), c.s.flag(key("act.forCause", id))
	if ActionTarget(c.s.u64(key("act.target", id))) == TargetMember {
		// the record may have taken a seat since the proposal
		rec := u64of(c.s.get(key("act.subject", id)))
		if role, ok := c.s.seatHeld(rec); ok {
			return refuse("record %d holds a seat (%s): an action on a seat holder is moved in plenary (moveMemberAction)", rec, role.Office())
		}
	}
	if kind == ActionReinstate {
		if err := c.apply(id, false); err != nil {
			return err
		}
		c.s.setActStatus(id, ActionFinal)
		return nil
	}
	noCause := c.check(id, false)
	if noCause == nil && !c.s.emptiesCollective(c.offNodes(id)) {
		if err := c.apply(id, true); err != nil {
			return err
		}
		c.enqueue(id, ActionProvisional)
		c.emit("ActionProvisional", id, c.s.u64(key("act.deadline", id)))
		return nil
	}
	if noCause != nil && !forCause {
		return noCause
	}
	if err := c.check(id, forCause); err != nil {
		return err
	}
	c.enqueue(id, ActionToPlenary)
	c.emit("ActionSentToPlenary", id, c.s.u64(key("act.deadline", id)))
	return nil
}

// apply carries out action id, checking its rules again. Provisional: a
// removal only suspends, and what it suspends is recorded, to be restored
// if the action lapses or is overturned.
func (c *call) apply(id uint64, provisional bool) error {
	forCause := c.s.flag(key("act.forCause", id))
	if err := c.check(id, forCause); err != nil {
		return err
	}
	subject, kind := c.s.get(key("act.subject", id)), NodeAction(c.s.u64(key("act.kind", id)))
	status := StatusSuspended
	if kind == ActionRemove && !provisional {
		status = StatusRemoved
	}
	if ActionTarget(c.s.u64(key("act.target", id))) == TargetNode {
		n := wordNode(subject)
		switch {
		case kind == ActionReinstate:
			c.reinstateNode(n)
		case status == StatusSuspended && c.s.nodeStatus(n) == NodeAdmitted:
			c.deactivate(n, NodeSuspended, forCause)
			c.heldBy(id, n, provisional)
		case status == StatusRemoved:
			c.deactivate(n, NodeRemoved, forCause)
		}
		return nil
	}
	rec := u64of(subject)
	if kind == ActionReinstate {
		c.s.setU64(key("rec.status", rec), uint64(StatusActive))
		c.emit("MemberStatusChanged", rec, StatusActive, false)
		return nil
	}
	for _, h := range c.s.lset("rec.nodes", rec).all() {
		n := wordNode(h)
		if st := c.s.nodeStatus(n); st == NodeAdmitted || (st == NodeSuspended && status == StatusRemoved) {
			c.deactivate(n, NodeStatus(status), forCause)
			c.heldBy(id, n, provisional)
		}
	}
	if c.s.recStatus(rec) == status {
		return nil // a provisional removal of a suspended member: nothing more until ratified
	}
	c.s.setU64(key("rec.status", rec), uint64(status))
	if provisional {
		c.s.setU64(key("rec.heldBy", rec), id)
		c.s.setFlag(key("act.rec", id), true)
	} else if c.s.u64(key("rec.heldBy", rec)) != 0 {
		c.s.setU64(key("rec.heldBy", rec), 0) // final now: no lapse undoes it
	}
	if status == StatusRemoved {
		coll := c.s.recColl(rec)
		c.s.collMembers(coll).remove(w64(rec))
		if c.s.isLeader(rec, coll) {
			c.s.vacateSeat(c, RoleLeader, coll, rec)
			if c.s.formed(coll) && c.s.seat(RoleLeader, coll).len() < c.s.param("minLeaders") {
				c.openVacancy(coll, 0) // the vacancy procedure starts by itself
			}
		}
		if role := c.s.councilRole(rec); role != 0 {
			c.s.vacateSeat(c, role, c.s.str(key("rec.councilColl", rec)), rec)
		}
	}
	c.emit("MemberStatusChanged", rec, status, forCause)
	return nil
}

// heldBy records that provisional action id suspended node n, to restore
// it if the action lapses; a final suspension or removal clears the mark, so
// no earlier provisional action's lapse undoes it.
func (c *call) heldBy(id uint64, n [20]byte, provisional bool) {
	if provisional {
		c.s.setU64(key("node.heldBy", n), id)
		c.s.list("act.nodes", id).push(nodeWord(n))
	} else if c.s.u64(key("node.heldBy", n)) != 0 {
		c.s.setU64(key("node.heldBy", n), 0)
	}
}

// enqueue gives action id its ratification deadline, rounded up to the lapse
// queue's bucket, and queues it there.
func (c *call) enqueue(id uint64, st ActionStatus) {
	d := c.env.Time + c.s.paramOrDefault("ratificationPeriod")
	d = (d + lapseBucket - 1) / lapseBucket * lapseBucket
	c.s.setU64(key("act.deadline", id), d)
	c.s.setActStatus(id, st)
	b := d / lapseBucket
	// Whether the deadline's bucket exists yet depends on the block's time,
	// so the queue's writes cost one flat price: the gas a transaction was
	// estimated at is the gas it uses in the next block.
	c.s.flat(lapseEnqueueGas, func() { c.s.queueLapse(id, b) })
}

// queueLapse adds action id to the lapse queue's bucket b.
func (s *store) queueLapse(id, b uint64) {
	if n := s.u64(key("lapse.count")); n == 0 || b < s.u64(key("lapse.cursor")) {
		s.setU64(key("lapse.cursor"), b)
	}
	s.lset("lapse.at", b).add(w64(id))
	s.addU64(key("lapse.count"), 1)
}

// lapseEnqueueGas is what queueing an action costs, at least its most
// expensive case (TestLapseEnqueueFlat): a new bucket of an empty queue.
const lapseEnqueueGas = 120_000

// dequeue takes action id off the lapse queue.
func (s *store) dequeue(id uint64) {
	if s.lset("lapse.at", s.u64(key("act.deadline", id))/lapseBucket).remove(w64(id)) {
		s.setU64(key("lapse.count"), s.u64(key("lapse.count"))-1)
	}
}

// restore undoes what provisional action id suspended and still holds
// suspended, restoring at most budget nodes or members (0: all); it reports
// the work done and whether it finished.
func (c *call) restore(id uint64, budget int) (work int, done bool) {
	if c.s.flag(key("act.rec", id)) {
		rec := u64of(c.s.get(key("act.subject", id)))
		if c.s.recStatus(rec) == StatusSuspended && c.s.u64(key("rec.heldBy", rec)) == id {
			c.s.setU64(key("rec.status", rec), uint64(StatusActive))
			c.s.setU64(key("rec.heldBy", rec), 0)
			c.emit("MemberStatusChanged", rec, StatusActive, false)
		}
		c.s.setFlag(key("act.rec", id), false)
		work++
	}
	nodes := c.s.list("act.nodes", id)
	n, i := nodes.len(), c.s.u64(key("act.restored", id))
	for ; i < n && (budget == 0 || work < budget); i++ {
		node := wordNode(nodes.at(i))
		// a node another action or the plenary took since, or whose operator
		// is not active, stays as it is
		if c.s.nodeStatus(node) == NodeSuspended && c.s.u64(key("node.heldBy", node)) == id &&
			c.s.recStatus(c.s.nodeOp(node)) == StatusActive {
			c.reinstateNode(node)
			c.s.setU64(key("node.heldBy", node), 0)
		}
		work++
	}
	c.s.setU64(key("act.restored", id), i)
	return work, i == n
}

// ratifiable refuses an action the plenary can no longer ratify or
// overturn: one not awaiting it, or past its deadline.
func (c *call) ratifiable(id uint64) error {
	st := c.s.actStatus(id)
	if st == 0 {
		return refuse("action %d does not exist", id)
	}
	if st != ActionProvisional && st != ActionToPlenary {
		return refuse("action %d is %s: only a provisional or to-plenary action awaits the plenary", id, st)
	}
	if d := c.s.u64(key("act.deadline", id)); c.env.Time >= d {
		return refuse("action %d lapsed at %d (ratificationPeriod)", id, d)
	}
	return nil
}

// ratify makes action id final by the plenary's motion: a provisional
// removal becomes the removal, a to-plenary action takes effect, each with
// its rules checked again.
func (c *call) ratify(id, motion uint64) error {
	if err := c.ratifiable(id); err != nil {
		return err
	}
	kind := NodeAction(c.s.u64(key("act.kind", id)))
	if c.s.actStatus(id) == ActionToPlenary || kind == ActionRemove {
		if err := c.apply(id, false); err != nil {
			return err
		}
	}
	c.s.dequeue(id)
	c.s.setActStatus(id, ActionFinal)
	c.s.setU64(key("act.motion", id), motion)
	c.emit("ActionRatified", id, motion)
	return nil
}

// overturn undoes action id by the plenary's motion.
func (c *call) overturn(id, motion uint64) error {
	if err := c.ratifiable(id); err != nil {
		return err
	}
	c.restore(id, 0)
	c.s.dequeue(id)
	c.s.setActStatus(id, ActionOverturned)
	c.s.setU64(key("act.motion", id), motion)
	c.emit("ActionOverturned", id, motion)
	return nil
}

// lapseStep lapses the actions whose deadline has passed, in order of
// deadline, doing at most maxLapseWork (actions, nodes and members
// restored) and stepping over at most maxLapseSkip empty minutes; the rest
// waits for the next block.
func (c *call) lapseStep() {
	work, skipped := 0, 0
	for work < maxLapseWork && skipped < maxLapseSkip && c.s.u64(key("lapse.count")) > 0 {
		b := c.s.u64(key("lapse.cursor"))
		if b*lapseBucket > c.env.Time {
			return
		}
		bucket := c.s.lset("lapse.at", b)
		head := bucket.next(common.Hash{})
		if head == (common.Hash{}) {
			c.s.setU64(key("lapse.cursor"), b+1)
			skipped++
			continue
		}
		id := u64of(head)
		w, done := c.restore(id, maxLapseWork-work)
		work += w + 1
		if !done {
			return
		}
		c.s.dequeue(id)
		c.s.setActStatus(id, ActionLapsed)
		c.emit("ActionLapsed", id)
	}
}

// moveMemberAction: the plenary's path for any member, and the only one for
// a seat holder. The action is recorded to-plenary and takes effect, final,
// when the motion passes (its rules checked again).
func moveMemberAction(c *call, a args) ([]any, error) {
	m, rec, kind, forCause, reason := a.u64(0), a.u64(1), NodeAction(a.u8(2)), a.boolean(3), a.b32(4)
	id, err := c.moveMemberActionOn(m, rec, kind, forCause, reason)
	if err != nil {
		return nil, err
	}
	return []any{id}, nil
}

// moveMemberActionOn moves, in meeting m, action kind on member rec.
func (c *call) moveMemberActionOn(m, rec uint64, kind NodeAction, forCause bool, reason common.Hash) (uint64, error) {
	if err := checkReason(forCause, reason); err != nil {
		return 0, err
	}
	if err := c.checkMemberAction(rec, kind, forCause); err != nil {
		return 0, err
	}
	id, err := c.newMotion(m, MotionMemberAction)
	if err != nil {
		return 0, err
	}
	act := c.newAction(c.s.u64(key("mot.proposer", id)), TargetMember, w64(rec), kind, forCause, reason, ActionProposed)
	c.enqueue(act, ActionToPlenary)
	c.s.setU64(key("act.motion", act), id)
	c.emit("ActionSentToPlenary", act, c.s.u64(key("act.deadline", act)))
	c.s.setU64(key("mot.a", id), act)
	return id, nil
}

func moveRatifyAction(c *call, a args) ([]any, error) {
	return c.moveOnAction(a.u64(0), a.u64(1), MotionRatifyAction)
}

func moveOverturnAction(c *call, a args) ([]any, error) {
	return c.moveOnAction(a.u64(0), a.u64(1), MotionOverturnAction)
}

func (c *call) moveOnAction(m, act uint64, kind MotionKind) ([]any, error) {
	if err := c.ratifiable(act); err != nil {
		return nil, err
	}
	if kind == MotionRatifyAction && (c.s.actStatus(act) == ActionToPlenary || NodeAction(c.s.u64(key("act.kind", act))) == ActionRemove) {
		// what ratification would carry out must stand on the rules as they are
		if err := c.check(act, c.s.flag(key("act.forCause", act))); err != nil {
			return nil, err
		}
	}
	id, err := c.newMotion(m, kind)
	if err != nil {
		return nil, err
	}
	c.s.setU64(key("mot.a", id), act)
	return []any{id}, nil
}
