package governance

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
)

// Member ballots (docs/governance.md §3.4, §3.6): one vote per member
// record, changeable until the end, in a scope — the network ("") or one
// collective; counted at the end of the first block past the end, with the
// delegations of delegation.go as they stand. A ballot renews a leader
// (openRenewalBallot, elections.go) or asks a question with options, of a
// collective by its leaders (openBallot) or of the network by the plenary
// (moveBallot).

// BallotKind is what a member ballot decides.
type BallotKind uint8

const (
	BallotRenewal  BallotKind = iota + 1 // renew a leader's term: option 1 yes, 2 no
	BallotQuestion                       // a question with options
)

// BallotStatus is where a member ballot stands.
type BallotStatus uint8

const (
	BallotOpen BallotStatus = iota + 1
	BallotPassed
	BallotFailed
)

func (BallotKind) names() []string   { return []string{"renewal", "question"} }
func (BallotStatus) names() []string { return []string{"open", "passed", "failed"} }

func (v BallotKind) String() string   { return name(v, v.names()) }
func (v BallotStatus) String() string { return name(v, v.names()) }

const (
	// maxBallotOptions bounds a question's options (and the views' lists).
	maxBallotOptions = 16
	// maxOpenQuestions bounds the open questions of a scope, so the end of a
	// block and a change of delegation look at a bounded set.
	maxOpenQuestions = 8
	// maxBallotSpan is the longest a question runs (ballotPeriod's range).
	maxBallotSpan = 60 * day
	// maxBallotClosesPerBlock bounds the tallies of one end of block; later
	// ones wait for the next block, their scopes' delegations held until then.
	maxBallotClosesPerBlock = 2
)

// electorate is how many members a ballot of scope has: the members of
// the collective, or of every collective (projects are not members).
func (s *store) electorate(scope string) uint64 {
	if scope != "" {
		return s.collMembers(scope).len()
	}
	var n uint64
	for _, c := range s.collectiveNames() {
		n += s.collMembers(c).len()
	}
	return n
}

// ballotTurnout is the least number of votes, direct and delegated, a
// ballot of electorate members needs: a third of them, and never fewer than
// two unless there is one, so no leader renews itself alone.
func ballotTurnout(electorate uint64) uint64 {
	return max((electorate+2)/3, min(2, electorate))
}

// newBallot opens a ballot of kind in scope on subject, until end, with
// options and a turnout quorum of quorumPermille of the electorate (never
// below ballotTurnout).
func (c *call) newBallot(kind BallotKind, scope string, subject, end uint64, options uint16, quorumPermille uint32) uint64 {
	id := c.s.next("seq.ballot")
	electorate := c.s.electorate(scope)
	quorum := max(ballotTurnout(electorate), (electorate*uint64(quorumPermille)+999)/1000)
	c.s.setU64(key("bal.kind", id), uint64(kind))
	c.s.setU64(key("bal.status", id), uint64(BallotOpen))
	c.s.setStr(key("bal.coll", id), scope)
	c.s.setU64(key("bal.subject", id), subject)
	c.s.setU64(key("bal.opened", id), c.env.Time)
	c.s.setU64(key("bal.end", id), end)
	c.s.setU64(key("bal.electorate", id), electorate)
	c.s.setU64(key("bal.options", id), uint64(options))
	c.s.setU64(key("bal.quorum", id), quorum)
	c.s.lset("bal.opens", scope).add(w64(id))
	c.s.lset("bal.all").add(w64(id))
	if next := c.s.u64(key("bal.nextEnd")); next == 0 || end < next {
		c.s.setU64(key("bal.nextEnd"), end)
	}
	c.emit("BallotOpened", id, kind, scope, subject, end)
	return id
}

// checkQuestion checks a question's terms: a commitment, a URI, 2 to 16
// options, a quorum in ‰, and room among its scope's open questions.
func (c *call) checkQuestion(scope string, question common.Hash, uri string, options uint16, quorumPermille uint32) error {
	switch {
	case question == (common.Hash{}):
		return refuse("the question's commitment is empty")
	case options < 2 || options > maxBallotOptions:
		return refuse("a question has 2 to %d options, not %d", maxBallotOptions, options)
	case quorumPermille > 1000:
		return refuse("a quorum of %d‰ is more than the electorate", quorumPermille)
	case c.s.u64(key("bal.questions", scope)) >= maxOpenQuestions:
		return refuse("%s has %d open questions, the most allowed: wait for one to close", orNetwork(scope), maxOpenQuestions)
	}
	return c.checkText("questionURI", uri)
}

func (c *call) openQuestion(scope string, subject, end uint64, question common.Hash, uri string, options uint16, quorumPermille uint32) uint64 {
	id := c.newBallot(BallotQuestion, scope, subject, end, options, quorumPermille)
	c.s.set(key("bal.qhash", id), question)
	c.s.setStr(key("bal.quri", id), uri)
	c.s.addU64(key("bal.questions", scope), 1)
	c.emit("BallotQuestion", id, [32]byte(question), uri, options, uint32(c.s.u64(key("bal.quorum", id))))
	return id
}

// openBallot: a leader of a collective asks its members a question.
func openBallot(c *call, a args) ([]any, error) {
	coll, question, uri, options, end, quorum := a.str(0), a.b32(1), a.str(2), a[3].(uint16), a.u64(4), a[5].(uint32)
	leader, err := c.leaderOf(coll)
	if err != nil {
		return nil, err
	}
	if end < c.env.Time+minute || end > c.env.Time+maxBallotSpan {
		return nil, refuse("a ballot ends from a minute to 60 days after it opens: %d is not in [%d, %d]", end, c.env.Time+minute, c.env.Time+maxBallotSpan)
	}
	if err := c.checkQuestion(coll, question, uri, options, quorum); err != nil {
		return nil, err
	}
	return []any{c.openQuestion(coll, leader, end, question, uri, options, quorum)}, nil
}

// moveBallot: a motion that, passed, asks every member of the network a
// question for duration seconds from the decision.
func moveBallot(c *call, a args) ([]any, error) {
	m, question, uri, options, duration, quorum := a.u64(0), a.b32(1), a.str(2), a[3].(uint16), a.u64(4), a[5].(uint32)
	if duration < minute || duration > maxBallotSpan {
		return nil, refuse("a ballot runs from a minute to 60 days, not %d seconds", duration)
	}
	if err := c.checkQuestion("", question, uri, options, quorum); err != nil {
		return nil, err
	}
	id, err := c.newMotion(m, MotionBallot)
	if err != nil {
		return nil, err
	}
	c.s.set(key("mot.hash", id), question)
	c.s.setStr(key("mot.str", id), uri)
	c.s.setU64(key("mot.a", id), duration)
	c.s.setU64(key("mot.b", id), uint64(options))
	c.s.setU64(key("mot.c", id), uint64(quorum))
	return []any{id}, nil
}

// carryBallot opens the network's ballot of passed motion id.
func (c *call) carryBallot(id uint64) error {
	question, uri := c.s.get(key("mot.hash", id)), c.s.str(key("mot.str", id))
	options, quorum := uint16(c.s.u64(key("mot.b", id))), uint32(c.s.u64(key("mot.c", id)))
	if err := c.checkQuestion("", question, uri, options, quorum); err != nil {
		return err
	}
	end := c.env.Time + c.s.u64(key("mot.a", id))
	c.s.setU64(key("mot.end", id), end)
	c.openQuestion("", id, end, question, uri, options, quorum)
	return nil
}

// ballotOf is ballot id, which must exist and be open.
func (c *call) ballotOf(id uint64) (BallotKind, error) {
	kind := BallotKind(c.s.u64(key("bal.kind", id)))
	if kind == 0 {
		return 0, refuse("ballot %d does not exist", id)
	}
	if st := BallotStatus(c.s.u64(key("bal.status", id))); st != BallotOpen {
		return 0, refuse("ballot %d is closed (%s)", id, st)
	}
	return kind, nil
}

// voteIn records the sender's vote for option in open ballot id: one
// per member record, changeable until the end. The n-th voter is kept for
// the tally.
func (c *call) voteIn(id uint64, option uint16) (uint64, error) {
	if _, err := c.ballotOf(id); err != nil {
		return 0, err
	}
	if end := c.s.u64(key("bal.end", id)); c.env.Time >= end {
		return 0, refuse("ballot %d ended at %d", id, end)
	}
	rec, err := c.actor()
	if err != nil {
		return 0, err
	}
	scope := c.s.str(key("bal.coll", id))
	if !c.s.inScope(rec, scope) {
		return 0, refuse("record %d is not a member of %s", rec, orNetwork(scope))
	}
	if err := c.s.checkEthics(rec); err != nil {
		return 0, err
	}
	if n := c.s.u64(key("bal.options", id)); option == 0 || uint64(option) > n {
		return 0, refuse("ballot %d has options 1 to %d, not %d", id, n, option)
	}
	k, opt := key("bal.voted", id, rec), uint64(option)
	switch was := c.s.u64(k); was {
	case opt:
		return 0, refuse("record %d already voted %s in ballot %d", rec, optionName(id, c.s, opt), id)
	case 0:
		n := c.s.u64(key("bal.voters", id))
		c.s.set(key("bal.voter", id, n), w64(rec))
		c.s.setU64(key("bal.voters", id), n+1)
	default:
		c.s.setU64(key("bal.n", id, was), c.s.u64(key("bal.n", id, was))-1)
	}
	c.s.setU64(k, opt)
	c.s.addU64(key("bal.n", id, opt), 1)
	c.emit("BallotVoted", id, rec, option)
	return rec, nil
}

// optionName is how a refusal names option opt of ballot id.
func optionName(id uint64, s *store, opt uint64) string {
	if BallotKind(s.u64(key("bal.kind", id))) == BallotRenewal {
		return map[uint64]string{1: "yes", 2: "no"}[opt]
	}
	return "option " + strconv.FormatUint(opt, 10)
}

// castBallot is a yes (option 1) or no (option 2).
func castBallot(c *call, a args) ([]any, error) {
	id, yes := a.u64(0), a.boolean(1)
	opt := uint16(2)
	if yes {
		opt = 1
	}
	rec, err := c.voteIn(id, opt)
	if err != nil {
		return nil, err
	}
	c.emit("BallotCast", id, rec, yes)
	return nil, nil
}

func voteBallot(c *call, a args) ([]any, error) {
	_, err := c.voteIn(a.u64(0), a[1].(uint16))
	return nil, err
}

// counts reports whether member rec's weight counts in a ballot's tally:
// it is active and has accepted the code of ethics in force (§3.9: one that
// has not does not vote, directly or by delegation).
func (s *store) counts(rec uint64) bool {
	return s.recStatus(rec) == StatusActive && s.checkEthics(rec) == nil
}

// ballotVote is rec's direct vote in ballot id (0: none), counted only
// while rec counts: the vote of a suspended or removed member, or of one
// that has not accepted the code in force, is void, and its own delegation
// carries the weight behind it on.
func (s *store) ballotVote(id, rec uint64) uint64 {
	v := s.u64(key("bal.voted", id, rec))
	if v == 0 || !s.counts(rec) {
		return 0
	}
	return v
}

// Tally is a ballot's count per option (index 0 is option 1): the direct
// votes and the weight delegated to them.
type Tally struct {
	Direct, Delegated []uint64
}

// Total is every vote of option i+1, direct and delegated.
func (t Tally) Total(i int) uint64 { return t.Direct[i] + t.Delegated[i] }

// Winner is the option with the most votes (0: a tie for the most).
func (t Tally) Winner() uint16 {
	var best uint16
	var most uint64
	tie := false
	for i := range t.Direct {
		switch v := t.Total(i); {
		case v > most:
			best, most, tie = uint16(i+1), v, false
		case v == most && v > 0:
			tie = true
		}
	}
	if tie {
		return 0
	}
	return best
}

// Turnout is every vote counted.
func (t Tally) Turnout() uint64 {
	var n uint64
	for i := range t.Direct {
		n += t.Total(i)
	}
	return n
}

// tally counts ballot id with the delegations of its scope as they stand:
// each direct voter that counts (active, the code of ethics accepted)
// counts once for its option, and so does every record that counts whose
// chain of delegations reaches that voter before any other such voter; the
// others on the way count nothing and pass on the weight behind them. The
// walk goes down from each voter through its delegators, so it visits what
// it counts and the records passing weight on between, each once: a record's chain has one next step, so it reaches at
// most one voter, and a cycle no voter is on is never reached.
func (s *store) tally(id uint64) Tally {
	scope, n := s.str(key("bal.coll", id)), s.u64(key("bal.options", id))
	t := Tally{Direct: make([]uint64, n), Delegated: make([]uint64, n)}
	for i := range s.u64(key("bal.voters", id)) {
		v := u64of(s.get(key("bal.voter", id, i)))
		opt := s.ballotVote(id, v)
		if opt == 0 {
			continue
		}
		t.Direct[opt-1]++
		stack := s.delegators(scope, v).u64s()
		for len(stack) > 0 {
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if s.ballotVote(id, r) != 0 {
				continue // votes itself: counted as a voter
			}
			if s.counts(r) {
				t.Delegated[opt-1]++
			}
			stack = append(stack, s.delegators(scope, r).u64s()...)
		}
	}
	return t
}

// ballotCount is ballot id's count: while it runs, its direct votes; once
// closed, its tally.
func (s *store) ballotCount(id uint64) Tally {
	n := s.u64(key("bal.options", id))
	t := Tally{Direct: make([]uint64, n), Delegated: make([]uint64, n)}
	open := BallotStatus(s.u64(key("bal.status", id))) == BallotOpen
	for i := range n {
		if open {
			t.Direct[i] = s.u64(key("bal.n", id, i+1))
		} else {
			t.Direct[i], t.Delegated[i] = s.u64(key("bal.dn", id, i+1)), s.u64(key("bal.gn", id, i+1))
		}
	}
	return t
}

func closeBallot(c *call, a args) ([]any, error) {
	id := a.u64(0)
	if _, err := c.ballotOf(id); err != nil {
		return nil, err
	}
	if end := c.s.u64(key("bal.end", id)); c.env.Time < end {
		return nil, refuse("ballot %d runs until %d", id, end)
	}
	c.closeBallotNow(id)
	return nil, nil
}

// closeBallotNow tallies open ballot id, whose end has passed, with the
// delegations as they stand, and applies its result: an option with more
// votes than any other and the turnout quorum reached; a renewal passes
// with yes.
func (c *call) closeBallotNow(id uint64) {
	kind := BallotKind(c.s.u64(key("bal.kind", id)))
	subject, scope := c.s.u64(key("bal.subject", id)), c.s.str(key("bal.coll", id))
	t := c.s.tally(id)
	winner := t.Winner()
	if t.Turnout() < c.s.u64(key("bal.quorum", id)) {
		winner = 0
	}
	passed := winner != 0 && (kind != BallotRenewal || winner == 1)
	st := BallotFailed
	if passed {
		st = BallotPassed
	}
	c.s.setU64(key("bal.status", id), uint64(st))
	c.s.setU64(key("bal.winner", id), uint64(winner))
	direct, delegated := make([]uint32, len(t.Direct)), make([]uint32, len(t.Direct))
	for i := range t.Direct {
		c.s.setU64(key("bal.dn", id, uint64(i+1)), t.Direct[i])
		c.s.setU64(key("bal.gn", id, uint64(i+1)), t.Delegated[i])
		direct[i], delegated[i] = uint32(t.Direct[i]), uint32(t.Delegated[i])
	}
	c.s.lset("bal.opens", scope).remove(w64(id))
	c.s.lset("bal.all").remove(w64(id))
	c.emit("BallotClosed", id, passed, uint32(t.Total(0)), uint32(t.Total(1)), uint32(c.s.u64(key("bal.electorate", id))))
	c.emit("BallotTallied", id, direct, delegated, winner)
	switch kind {
	case BallotQuestion:
		c.s.setU64(key("bal.questions", scope), c.s.u64(key("bal.questions", scope))-1)
	case BallotRenewal:
		c.s.setU64(key("bal.open", uint8(kind), subject), 0)
		if passed {
			c.renew(subject, scope)
		}
	}
}

// ballotStep closes the ballots whose end has passed, earliest first. The
// open ballots are few (a question per scope bounded, a renewal per
// leader), so the end of a block keeps the earliest end and looks no
// further until it comes.
func (c *call) ballotStep() {
	if next := c.s.u64(key("bal.nextEnd")); next == 0 || next > c.env.Time {
		return
	}
	type ballotEnd struct{ end, id uint64 }
	var due []ballotEnd
	var next uint64
	for _, id := range c.s.lset("bal.all").u64s() {
		end := c.s.u64(key("bal.end", id))
		if end <= c.env.Time {
			due = append(due, ballotEnd{end, id})
		} else if next == 0 || end < next {
			next = end
		}
	}
	slices.SortFunc(due, func(a, b ballotEnd) int { return cmp.Or(cmp.Compare(a.end, b.end), cmp.Compare(a.id, b.id)) })
	if len(due) > maxBallotClosesPerBlock {
		next = due[maxBallotClosesPerBlock].end
		due = due[:maxBallotClosesPerBlock]
	}
	for _, b := range due {
		c.closeBallotNow(b.id)
	}
	c.s.setU64(key("bal.nextEnd"), next)
}

// Views.

func viewBallot(s *store, _ Env, a args) []any {
	id := a.u64(0)
	t := s.ballotCount(id)
	var yes, no uint64
	if len(t.Direct) >= 2 {
		yes, no = t.Total(0), t.Total(1)
	}
	return []any{BallotKind(s.u64(key("bal.kind", id))), BallotStatus(s.u64(key("bal.status", id))), s.str(key("bal.coll", id)),
		s.u64(key("bal.subject", id)), s.u64(key("bal.opened", id)), s.u64(key("bal.end", id)),
		uint32(yes), uint32(no), uint32(s.u64(key("bal.electorate", id)))}
}

func viewBallotTally(s *store, _ Env, a args) []any {
	id := a.u64(0)
	t := s.ballotCount(id)
	direct, delegated := make([]uint32, len(t.Direct)), make([]uint32, len(t.Direct))
	for i := range t.Direct {
		direct[i], delegated[i] = uint32(t.Direct[i]), uint32(t.Delegated[i])
	}
	return []any{direct, delegated, uint32(s.u64(key("bal.electorate", id))), uint32(s.u64(key("bal.quorum", id))),
		uint16(s.u64(key("bal.winner", id)))}
}

func viewBallotQuestion(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{[32]byte(s.get(key("bal.qhash", id))), s.str(key("bal.quri", id)), uint16(s.u64(key("bal.options", id)))}
}

func viewOpenBallots(s *store, _ Env, a args) ([]any, error) { return idPage(s.lset("bal.all"), a) }
