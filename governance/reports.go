package governance

import "github.com/ethereum/go-ethereum/common"

// Accountability reports (docs/governance.md §3.8): every obligation of the
// seed's table, with its period in block time, the reports submitted in
// order (a commitment to the document and its URI), and what is overdue.
// Nothing is swept: an actor's schedule is its start, the period length
// and how many reports it submitted, so what is due and overdue is
// computed when read.

// ReportKind is who reports, by the seed's table.
type ReportKind uint8

const (
	ReportMemberNodes        ReportKind = iota + 1 // each member with nodes, to its leaders: its nodes' performance
	ReportProject                                  // each project, to its collective's leaders
	ReportLeaders                                  // each collective's leaders, to the council
	ReportProjectsCommission                       // to the council: its evaluations of projects
	ReportNodesCommission                          // to the council: its evaluations of members
	ReportSecretary                                // to everyone: all actors' performance and results
	ReportAdvisory                                 // to the secretary: its advice and what came of it
)

func (ReportKind) names() []string {
	return []string{"member-nodes", "project", "leaders", "projects-commission", "nodes-commission", "secretary", "advisory"}
}
func (v ReportKind) String() string { return name(v, v.names()) }

// reportMonths is each kind's period in reportMonth units (the seed's
// table: a month, two, or three).
var reportMonths = [...]uint64{ReportMemberNodes: 1, ReportProject: 2, ReportLeaders: 2,
	ReportProjectsCommission: 1, ReportNodesCommission: 1, ReportSecretary: 3, ReportAdvisory: 3}

// reportStep fixes the reporting calendar's start, the first block's time,
// when it is not yet: the obligations of what genesis made run from it.
func (s *store) reportStep(env Env) {
	if s.u64(key("rep.epoch")) == 0 {
		s.setU64(key("rep.epoch"), max(env.Time, 1))
	}
}

// reportActor is an obligation: its kind and actor (a record for members
// and projects, a collective for leaders, none for the councils).
type reportActor struct {
	kind ReportKind
	coll string
	rec  uint64
}

// schedule is when actor a's obligation started, its period length, and
// how many reports it submitted. A record's obligation runs from its
// record's making, a collective's leaders' from the collective's; the rest
// from the calendar's start.
func (s *store) schedule(a reportActor) (since, length, done uint64) {
	since = s.u64(key("rep.epoch"))
	switch a.kind {
	case ReportMemberNodes, ReportProject:
		since = max(since, s.recSince(a.rec))
	case ReportLeaders:
		since = max(since, s.u64(key("coll.since", a.coll)))
	}
	length = reportMonths[a.kind] * s.param("reportMonth")
	return since, length, s.u64(key("rep.done", uint8(a.kind), a.coll, a.rec))
}

// dueOf is when report i of an obligation is due: a reportMonth after its
// period ends.
func (s *store) dueOf(since, length, i uint64) uint64 {
	return since + (i+1)*length + s.param("reportMonth")
}

// overdue is how many of actor a's reports are past due and not submitted.
func (s *store) overdue(a reportActor, now uint64) uint64 {
	since, length, done := s.schedule(a)
	return s.overdueOf(since, length, done, now)
}

// overdueOf is overdue for a schedule already read.
func (s *store) overdueOf(since, length, done, now uint64) uint64 {
	if since == 0 || now < s.dueOf(since, length, 0) {
		return 0
	}
	due := (now - since - s.param("reportMonth")) / length // periods whose report is due by now
	return due - min(due, done)
}

// reporter is the obligation the sender reports for, by kind (and, for
// leaders, collective).
func (c *call) reporter(kind ReportKind, coll string) (reportActor, uint64, error) {
	rec, err := c.actor()
	if err != nil {
		return reportActor{}, 0, err
	}
	a := reportActor{kind: kind}
	switch kind {
	case ReportMemberNodes:
		if c.s.recKind(rec) == KindProject || c.s.lset("rec.nodes", rec).len() == 0 {
			return a, 0, refuse("record %d operates no node: member-nodes reports are of members with nodes", rec)
		}
		a.rec = rec
	case ReportProject:
		if c.s.recKind(rec) != KindProject {
			return a, 0, refuse("record %d is not a project", rec)
		}
		a.rec = rec
	case ReportLeaders:
		if !c.s.isLeader(rec, coll) {
			return a, 0, refuse("not a leader of collective %s", coll)
		}
		a.coll = coll
	case ReportProjectsCommission, ReportNodesCommission, ReportSecretary, ReportAdvisory:
		role := map[ReportKind]Role{ReportProjectsCommission: RoleProjectsCommission, ReportNodesCommission: RoleNodesCommission,
			ReportSecretary: RoleSecretary, ReportAdvisory: RoleAdvisory}[kind]
		if c.s.councilRole(rec) != role {
			return a, 0, refuse("not a member of the %s", role.Office())
		}
	default:
		return a, 0, refuse("report kind %d is not %s", kind, choices[ReportKind]())
	}
	return a, rec, nil
}

func submitReport(c *call, a args) ([]any, error) {
	kind, coll, period, doc, uri := ReportKind(a.u8(0)), a.str(1), a.u64(2), a.b32(3), a.str(4)
	actor, by, err := c.reporter(kind, coll)
	if err != nil {
		return nil, err
	}
	since, length, done := c.s.schedule(actor)
	switch {
	case period != done:
		return nil, refuse("reports are submitted in order: the next of this %s report is period %d", kind, done)
	case c.env.Time < since+(period+1)*length:
		return nil, refuse("period %d ends at %d: report it after", period, since+(period+1)*length)
	case doc == (common.Hash{}):
		return nil, refuse("the report's commitment is empty")
	}
	if err := c.checkText("documentURI", uri); err != nil {
		return nil, err
	}
	c.s.set(key("rep.doc", uint8(kind), actor.coll, actor.rec, period), doc)
	c.s.setStr(key("rep.uri", uint8(kind), actor.coll, actor.rec, period), uri)
	c.s.setU64(key("rep.at", uint8(kind), actor.coll, actor.rec, period), c.env.Time)
	c.s.setU64(key("rep.done", uint8(kind), actor.coll, actor.rec), done+1)
	if kind == ReportMemberNodes { // the next node report counts from here
		for _, h := range c.s.lset("rec.nodes", actor.rec).all() {
			n := wordNode(h)
			c.s.set(key("rep.snap", n), pair64(c.s.u64(key("live.signed", n)), c.s.u64(key("live.missedAll", n))))
			c.s.setU64(key("rep.snapP", n), c.s.u64(key("live.proposed", n)))
		}
	}
	c.emit("ReportSubmitted", kind, actor.coll, actor.rec, period, [32]byte(doc), uri, by)
	return nil, nil
}

// Views.

func viewReportStatus(s *store, env Env, a args) []any {
	kind := ReportKind(a.u8(0))
	if !known(kind) {
		return []any{uint64(0), uint64(0), uint64(0), uint64(0), uint64(0)}
	}
	actor := reportActor{kind: kind}
	switch kind {
	case ReportMemberNodes, ReportProject:
		actor.rec = a.u64(2)
	case ReportLeaders:
		actor.coll = a.str(1)
	}
	since, length, done := s.schedule(actor)
	var due uint64
	if since != 0 {
		due = s.dueOf(since, length, done)
	}
	return []any{since, length, done, due, s.overdueOf(since, length, done, env.Time)}
}

func viewReport(s *store, _ Env, a args) []any {
	kind, coll, rec, period := a.u8(0), a.str(1), a.u64(2), a.u64(3)
	return []any{[32]byte(s.get(key("rep.doc", kind, coll, rec, period))), s.str(key("rep.uri", kind, coll, rec, period)),
		s.u64(key("rep.at", kind, coll, rec, period))}
}

// viewOverdueReports pages through a collective's members (member-nodes
// reports) or the projects (of a collective, or all for ""), answering
// those of the page with reports overdue and how many.
func viewOverdueReports(s *store, env Env, a args) ([]any, error) {
	kind, coll := ReportKind(a.u8(0)), a.str(1)
	var l lset
	switch kind {
	case ReportMemberNodes:
		l = s.collMembers(coll)
	case ReportProject:
		l = s.lset("projects")
	default: // reportStatus answers the others
		return []any{[]uint64{}, []uint64{}, [32]byte{}}, nil
	}
	items, next, err := l.page(a.page())
	if err != nil {
		return nil, err
	}
	recs, counts := []uint64{}, []uint64{}
	for _, h := range items {
		rec := u64of(h)
		if kind == ReportMemberNodes && s.lset("rec.nodes", rec).len() == 0 || kind == ReportProject && coll != "" && s.recColl(rec) != coll {
			continue
		}
		if n := s.overdue(reportActor{kind: kind, rec: rec}, env.Time); n > 0 {
			recs, counts = append(recs, rec), append(counts, n)
		}
	}
	return []any{recs, counts, [32]byte(next)}, nil
}

// viewNodeReport is a member's node report, ready-made from chain data:
// for a page of the nodes it operates, the blocks each signed and missed
// as a validator and the blocks it proposed since the member's last
// member-nodes report (or since the record was made), and when that was.
func viewNodeReport(s *store, _ Env, a args) ([]any, error) {
	rec := a.u64(0)
	items, next, err := s.lset("rec.nodes", rec).page(a.page())
	if err != nil {
		return nil, err
	}
	since := max(s.u64(key("rep.epoch")), s.recSince(rec))
	if done := s.u64(key("rep.done", uint8(ReportMemberNodes), "", rec)); done > 0 {
		since = s.u64(key("rep.at", uint8(ReportMemberNodes), "", rec, done-1))
	}
	signed, missed, proposed := make([]uint64, len(items)), make([]uint64, len(items)), make([]uint64, len(items))
	for i, h := range items {
		n := wordNode(h)
		s0, m0 := unpair64(s.get(key("rep.snap", n)))
		signed[i] = s.u64(key("live.signed", n)) - s0
		missed[i] = s.u64(key("live.missedAll", n)) - m0
		proposed[i] = s.u64(key("live.proposed", n)) - s.u64(key("rep.snapP", n))
	}
	return []any{since, nodeIDs(items), signed, missed, proposed, [32]byte(next)}, nil
}
