package governance

import (
	"bytes"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// view answers one view function of the interface, or refuses.
type view func(s *store, env Env, a args) ([]any, error)

// fixed wraps a view that never refuses.
func fixed(f func(s *store, env Env, a args) []any) view {
	return func(s *store, env Env, a args) ([]any, error) { return f(s, env, a), nil }
}

var viewHandlers = map[string]view{
	"parameter":              fixed(viewParameter),
	"parameterNames":         fixed(viewParameterNames),
	"collectives":            fixed(func(s *store, _ Env, _ args) []any { return []any{s.collectiveNames()} }),
	"collective":             fixed(viewCollective),
	"recordOf":               fixed(func(s *store, _ Env, a args) []any { return []any{s.recordOf(a.addr(0))} }),
	"record":                 fixed(viewRecord),
	"accounts":               viewAccounts,
	"members":                viewMembers,
	"attestations":           viewAttestations,
	"isMember":               fixed(viewIsMember),
	"canDeploy":              fixed(func(s *store, _ Env, a args) []any { return []any{!enabled(s) || mayCreate(s, a.addr(0))} }),
	"capitalOf":              fixed(viewCapitalOf),
	"capital":                fixed(viewCapital),
	"capitalBudget":          fixed(viewCapitalBudget),
	"capitalRequests":        viewCapitalRequests,
	"nodes":                  viewNodes,
	"node":                   fixed(viewNode),
	"validators":             viewValidators,
	"nodeLiveness":           fixed(viewNodeLiveness),
	"flaggedNodes":           viewFlaggedNodes,
	"nodeMisbehaviour":       fixed(viewNodeMisbehaviour),
	"equivocatingNodes":      viewEquivocatingNodes,
	"projects":               viewProjects,
	"project":                fixed(viewProject),
	"applications":           viewApplications,
	"application":            fixed(viewApplication),
	"applicationAccounts":    fixed(viewApplicationAccounts),
	"nodeApplication":        fixed(viewNodeApplication),
	"projectApplication":     fixed(viewProjectApplication),
	"applicationReview":      fixed(viewApplicationReview),
	"action":                 fixed(viewAction),
	"actions":                viewActions,
	"actionDetail":           fixed(viewActionDetail),
	"applicationVotes":       fixed(func(s *store, _ Env, a args) []any { return s.votes("app", a.u64(0)) }),
	"actionVotes":            fixed(func(s *store, _ Env, a args) []any { return s.votes("act", a.u64(0)) }),
	"capitalRequestIds":      viewCapitalRequestIds,
	"capitalRequest":         fixed(viewCapitalRequest),
	"extraordinaryRequests":  viewExtraordinaryRequests,
	"extraordinaryRequest":   fixed(viewExtraordinaryRequest),
	"nodeApplicationMessage": fixed(viewNodeApplicationMessage),
	"seats":                  fixed(viewSeats),
	"seatOf":                 fixed(viewSeatOf),
	"proxyOf":                fixed(func(s *store, _ Env, a args) []any { return []any{s.addr(key("proxy.of", a.u64(0)))} }),
	"meetings":               viewMeetings,
	"meeting":                fixed(viewMeeting),
	"motions":                viewMotions,
	"motion":                 fixed(viewMotion),
	"motionContent":          fixed(viewMotionContent),
	"agreements":             viewAgreements,
	"upgrades":               viewUpgrades,
	"call":                   fixed(viewCall),
	"calls":                  viewCalls,
	"candidates":             viewCandidates,
	"ballot":                 fixed(viewBallot),
	"ballotTally":            fixed(viewBallotTally),
	"ballotQuestion":         fixed(viewBallotQuestion),
	"openBallots":            viewOpenBallots,
	"ethics":                 fixed(viewEthics),
	"ethicsOf":               fixed(viewEthicsOf),
	"violation":              fixed(viewViolation),
	"collectiveFormation":    fixed(viewCollectiveFormation),
	"collectiveRequest":      fixed(viewCollectiveRequest),
	"reportStatus":           fixed(viewReportStatus),
	"report":                 fixed(viewReport),
	"overdueReports":         viewOverdueReports,
	"nodeReport":             viewNodeReport,
	"delegation":             fixed(viewDelegation),
	"delegators":             viewDelegators,
	"delegationChain":        viewDelegationChain,
	"term":                   fixed(viewTerm),
	"vacancies":              fixed(viewVacancies),
	"advisoryApplication":    fixed(viewAdvisoryApplication),
	"designation":            fixed(viewDesignation),
	"designations":           viewDesignations,
}

// maxPage is the most items a paginated view answers with; a limit of 0
// or above asks for maxPage.
const maxPage = 1000

// viewCost is the most slot reads a view does: fixed ones for its own
// values, perItem for each item of a paginated view's page. Lists answered
// whole are bounded by the rules (seats, attendance, collectives)
// and priced at their bound. The price is known from the input alone, as a
// precompile's must be, and a view that would read more reverts.
type viewCost struct{ fixed, perItem uint64 }

var viewCosts = map[string]viewCost{
	"parameter": {1, 0}, "parameterNames": {0, 0}, "recordOf": {1, 0}, "proxyOf": {1, 0},
	"collectives": {1 + maxCollectives*2, 0},
	"collective":  {6 + maxSeatList, 0},
	"record":      {6 + textSlots, 0},
	"accounts":    {3, 1},
	"isMember":    {3, 0}, "canDeploy": {6, 0}, "capitalOf": {6, 0}, "capital": {5, 0},
	"capitalBudget": {3, 0}, "capitalRequests": {3, 1},
	"node":                   {6 + 2*textSlots, 0},
	"project":                {6 + 3*textSlots, 0},
	"application":            {10 + textSlots, 0},
	"applicationAccounts":    {2 + 2*maxProjectAccounts, 0},
	"action":                 {11, 0},
	"actions":                {3, 1},
	"nodeApplication":        {7 + 4*textSlots, 0},
	"projectApplication":     {3 + 3*textSlots, 0},
	"applicationReview":      {7, 0},
	"actionDetail":           {4, 0},
	"applicationVotes":       {2 + 2*maxSeatList, 0},
	"actionVotes":            {2 + 2*maxSeatList, 0},
	"capitalRequestIds":      {1, 1},
	"capitalRequest":         {7, 0},
	"extraordinaryRequests":  {1, 4},
	"extraordinaryRequest":   {4, 0},
	"motionContent":          {5 + textSlots, 0},
	"nodeApplicationMessage": {0, 0},
	"seats":                  {2 + 2*maxSeatList, 0},
	"seatOf":                 {5 + 2*textSlots, 0},
	"meeting":                {8 + textSlots + maxSeatList, 0},
	"motion":                 {6 + 2*maxSeatList, 0},
	"members":                {3, 1}, "nodes": {3, 1}, "projects": {3, 1}, "applications": {3, 1},
	"meetings": {1, 1}, "motions": {1, 1}, "agreements": {1, 3}, "attestations": {3, 3},
	"validators":   {8 + maxCollectives*3, 2},
	"nodeLiveness": {6, 0}, "flaggedNodes": {3, 1},
	"nodeMisbehaviour": {5 + textSlots, 0}, "equivocatingNodes": {3, 1},
	"upgrades": {3, 2},
	"call":     {7 + textSlots, 0}, "calls": {1, 1}, "candidates": {3, 3 + textSlots},
	"ballot": {8 + textSlots + 1 + 2*maxBallotOptions, 0}, "term": {3, 0},
	"ballotTally": {5 + 1 + 2*maxBallotOptions, 0}, "ballotQuestion": {2 + textSlots, 0}, "openBallots": {3, 1},
	"ethics": {2 + textSlots, 0}, "ethicsOf": {2, 0}, "violation": {7 + textSlots, 0},
	"collectiveFormation": {6, 0}, "collectiveRequest": {2 + textSlots, 0},
	"reportStatus": {12, 0}, "report": {2 + textSlots, 0}, "overdueReports": {5, 10}, "nodeReport": {6, 6}, "delegation": {2, 0}, "delegators": {3, 1},
	"delegationChain": {7, 5},
	// per collective three seat lists (at most 16 leaders and one holder each)
	// and the call; the secretary and the Advisory Council (at most 100)
	"vacancies": {1 + maxCollectives*(2+3*3+2*(16+2)) + 2 + 2*(3+2*100), 0},
	// the Advisory Council (advisory.go)
	"advisoryApplication": {3 + textSlots, 0},
	"designation":         {16 + maxDesignationVotes, 0},
	"designations":        {10 + 3*(maxOpenDesignations+1), 1},
}

// Bounds that price the views answering whole lists.
const (
	maxCollectives    = 16 // collectives, at genesis and made by the plenary after
	maxCollectiveName = 32 // bytes of a collective's name: one chunk
	maxSeatList       = 40 // holders of a seat, attendees of a meeting (the secretary and two commission seats per collective)
	textSlots         = 9  // a name or URI of maxURILength 256: length and 8 chunks
)

// View serves a view function of the interface, for the EVM's precompile at
// [Address] and for eth_call. A state-changing function reverts with
// [ErrFromContract]'s text. A view reads at most what [Contract.ViewGas]
// charged for it.
func (c *Contract) View(env Env, st vm.StateDB, input []byte) ([]byte, error) {
	m, a, err := decode(input)
	if err != nil {
		return RevertData(err.Error()), vm.ErrExecutionReverted
	}
	return c.view(env, st, m, a, viewGas(m, a, len(input)))
}

// view answers view m with arguments a, reading at most what limit pays for.
func (c *Contract) view(env Env, st vm.StateDB, m *abi.Method, a args, limit uint64) ([]byte, error) {
	v, ok := viewHandlers[m.Name]
	if !ok {
		return RevertData(ErrFromContract.Error()), vm.ErrExecutionReverted
	}
	s := &store{st: st, limit: limit, metered: true}
	var out []any
	var err error
	if !s.run(func() { out, err = v(s, env, a) }) {
		return RevertData("governance: " + m.Name + " would read more than its price; ask for a smaller page"), vm.ErrExecutionReverted
	}
	if err != nil {
		return RevertData(err.Error()), vm.ErrExecutionReverted
	}
	ret, err := m.Outputs.Pack(out...)
	if err != nil { // outputs are built by this package
		return RevertData("governance: encoding " + m.Name + ": " + err.Error()), vm.ErrExecutionReverted
	}
	return ret, nil
}

// ViewGas is the gas a view costs: gasViewBase, gasViewBytes per 32-byte
// word of input, and gasRead per slot it may read (viewCosts; a paginated
// view's page size comes from its limit argument). It depends on the input
// only, as a precompile's must, and is charged before the view runs.
func (c *Contract) ViewGas(input []byte) uint64 {
	if len(input) < 4 {
		return viewGas(nil, nil, len(input))
	}
	m, err := ABI.MethodById(input[:4])
	if err != nil {
		return viewGas(nil, nil, len(input))
	}
	vals, _ := m.Inputs.Unpack(input[4:]) // malformed: priced at a full page, then refused
	return viewGas(m, vals, len(input))
}

// viewGas is [Contract.ViewGas] of an input of n bytes calling m (nil: no
// function) with arguments a (nil: malformed), for callers that decoded it.
func viewGas(m *abi.Method, a args, n int) uint64 {
	g := gasViewBase + gasViewBytes*uint64((n+31)/32)
	if m == nil {
		return g
	}
	cost := viewCosts[m.Name]
	slots := cost.fixed
	if cost.perItem != 0 {
		limit := uint64(maxPage)
		if len(a) > 0 {
			limit = pageLimit(a[len(a)-1].(uint32))
		}
		slots += cost.perItem * limit
	}
	return g + gasRead*slots
}

// pageLimit is the page size a limit argument asks for.
func pageLimit(limit uint32) uint64 {
	if limit == 0 || limit > maxPage {
		return maxPage
	}
	return uint64(limit)
}

// page reads the cursor and limit, the last two arguments of a paginated view.
func (a args) page() (common.Hash, uint64) {
	return common.Hash(a[len(a)-2].([32]byte)), pageLimit(a[len(a)-1].(uint32))
}

func idPage(l lset, a args) ([]any, error) {
	items, next, err := l.page(a.page())
	if err != nil {
		return nil, err
	}
	return []any{words64(items), [32]byte(next)}, nil
}

func viewMembers(s *store, _ Env, a args) ([]any, error)  { return idPage(s.collMembers(a.str(0)), a) }
func viewProjects(s *store, _ Env, a args) ([]any, error) { return idPage(s.lset("projects"), a) }
func viewApplications(s *store, _ Env, a args) ([]any, error) {
	return idPage(s.apps(ApplicationKind(a.u8(0)), ApplicationStatus(a.u8(1))), a)
}

func viewNodes(s *store, _ Env, a args) ([]any, error) {
	items, next, err := s.lset("nodes").page(a.page())
	if err != nil {
		return nil, err
	}
	return []any{nodeIDs(items), [32]byte(next)}, nil
}

func viewMeetings(s *store, _ Env, a args) ([]any, error) {
	items, next := s.list("meetings").page(a.page())
	return []any{words64(items), [32]byte(next)}, nil
}

func viewMotions(s *store, _ Env, a args) ([]any, error) {
	items, next := s.list("mtg.motions", a.u64(0)).page(a.page())
	return []any{words64(items), [32]byte(next)}, nil
}

func viewParameter(s *store, _ Env, a args) []any {
	return []any{new(big.Int).SetBytes(s.get(ParamSlot(a.str(0))).Bytes())}
}

func viewParameterNames(*store, Env, args) []any {
	names := make([]string, len(DefaultParams))
	for i, p := range DefaultParams {
		names[i] = p.Name
	}
	return []any{names}
}

func viewCollective(s *store, _ Env, a args) []any {
	coll := a.str(0)
	return []any{s.formed(coll), s.seat(RoleLeader, coll).u64s(), uint32(s.collMembers(coll).len()),
		uint32(s.collNodes(coll).len()), uint32(s.collValidators(coll).len())}
}

func viewRecord(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.recKind(id), s.recColl(id), s.recStatus(id), [32]byte(s.recInst(id)), uint32(s.recAccounts(id).len())}
}

func viewAccounts(s *store, _ Env, a args) ([]any, error) {
	items, next, err := s.recAccounts(a.u64(0)).page(a.page())
	if err != nil {
		return nil, err
	}
	out := make([]common.Address, len(items))
	for i, h := range items {
		out[i] = common.BytesToAddress(h[:])
	}
	return []any{out, [32]byte(next)}, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func viewAttestations(s *store, _ Env, a args) ([]any, error) {
	id := a.u64(0)
	cursor, limit := a.page()
	leaders, next := s.list("att.leader", id).page(cursor, limit)
	times, _ := s.list("att.time", id).page(cursor, limit)
	hs, _ := s.list("att.commit", id).page(cursor, limit)
	commits := make([][32]byte, len(hs))
	for i, h := range hs {
		commits[i] = [32]byte(h)
	}
	return []any{words64(leaders), words64(times), commits, [32]byte(next)}, nil
}

func viewIsMember(s *store, _ Env, a args) []any {
	if !enabled(s) {
		return []any{true}
	}
	id := s.recordOf(a.addr(0))
	return []any{id != 0 && s.recStatus(id) == StatusActive}
}

func viewCapitalOf(s *store, env Env, a args) []any {
	id := s.recordOf(a.addr(0))
	cs := s.capital(id, env.Time)
	return []any{id, cs.gas, cs.used, cs.remaining, cs.epochEnd}
}

func viewCapital(s *store, env Env, a args) []any {
	cs := s.capital(a.u64(0), env.Time)
	return []any{cs.gas, cs.expiry, cs.used, cs.remaining, cs.epochEnd}
}

func viewCapitalBudget(s *store, env Env, a args) []any {
	coll := a.str(0)
	num, end := s.epoch(env.Time)
	return []any{s.u64(key("coll.budget", coll)), s.u64(key("coll.committed", coll)), num, end}
}

func viewCapitalRequests(s *store, _ Env, a args) ([]any, error) {
	return idPage(s.capRequests(a.str(0), CapitalRequestStatus(a.u8(1))), a)
}

func nodeIDs(hs []common.Hash) [][20]byte {
	out := make([][20]byte, len(hs))
	for i, h := range hs {
		out[i] = wordNode(h)
	}
	return out
}

func viewNode(s *store, _ Env, a args) []any {
	n := a.b20(0)
	return []any{s.nodeColl(n), s.nodeOp(n), s.nodeRole(n), s.nodeStatus(n), s.str(key("node.keyType", n)),
		nonNil(s.nodePubKey(n)), s.nodePower(n)}
}

func viewNodeLiveness(s *store, _ Env, a args) []any {
	missed, window, counted, since := s.liveness(a.b20(0))
	return []any{missed, window, min(counted, window), since != 0, since}
}

func viewFlaggedNodes(s *store, _ Env, a args) ([]any, error) {
	items, next, err := s.flagged().page(a.page())
	if err != nil {
		return nil, err
	}
	return []any{nodeIDs(items), [32]byte(next)}, nil
}

// viewValidators pages through the validators with power, collective by
// collective in order of admission; the cursor is the last node looked at.
func viewValidators(s *store, _ Env, a args) ([]any, error) {
	cursor, limit := a.page()
	ids, powers := [][20]byte{}, []uint64{}
	first := uint64(1)
	if cursor != (common.Hash{}) {
		coll := s.nodeColl(wordNode(cursor))
		if !s.collValidators(coll).has(cursor) {
			return nil, refuse("cursor %x is no longer a validator; start again from 0", cursor[:20])
		}
		first = s.u64(key("coll.index", coll))
	}
	n, seen := s.u64(key("seq.coll")), uint64(0)
	var last common.Hash
	for i := first; i <= n; i++ {
		l := s.collValidators(s.str(key("coll.name", i)))
		from := common.Hash{}
		if i == first {
			from = cursor
		}
		for v := l.next(from); v != (common.Hash{}); v = l.next(v) {
			if seen == limit {
				return []any{ids, powers, [32]byte(last)}, nil
			}
			seen, last = seen+1, v
			if p := s.nodePower(wordNode(v)); p > 0 {
				ids, powers = append(ids, wordNode(v)), append(powers, p)
			}
		}
	}
	return []any{ids, powers, [32]byte{}}, nil
}

func viewProject(s *store, _ Env, a args) []any {
	id := a.u64(0)
	if s.recKind(id) != KindProject {
		return []any{"", "", uint8(0), "", uint32(0)}
	}
	return []any{s.recColl(id), s.str(key("rec.name", id)), s.recStatus(id), s.str(key("rec.repo", id)), uint32(s.recAccounts(id).len())}
}

func viewApplication(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.appKind(id), s.appStatus(id), s.appApplicant(id), s.appColl(id),
		wordNode(s.get(key("app.node", id))), uint8(s.u64(key("app.role", id))), s.u64(key("app.submitted", id)),
		uint32(s.u64(key("app.yes", id))), uint32(s.u64(key("app.no", id)))}
}

func viewAction(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{uint8(s.u64(key("act.target", id))), [32]byte(s.get(key("act.subject", id))), uint8(s.u64(key("act.kind", id))),
		s.flag(key("act.forCause", id)), [32]byte(s.get(key("act.reason", id))), s.actStatus(id),
		s.u64(key("act.proposer", id)), s.u64(key("act.deadline", id)), s.u64(key("act.motion", id)),
		uint32(s.u64(key("act.yes", id))), uint32(s.u64(key("act.no", id)))}
}

func viewActions(s *store, _ Env, a args) ([]any, error) {
	return idPage(s.actions(ActionStatus(a.u8(0))), a)
}

func viewSeats(s *store, env Env, a args) []any {
	role := Role(a.u8(0))
	holders := s.seat(role, seatColl(role, a.str(1))).u64s()
	ends, over := make([]uint64, len(holders)), make([]bool, len(holders))
	for i, h := range holders {
		ends[i] = s.termEnd(role, h)
		over[i] = env.Time >= ends[i]
	}
	return []any{holders, ends, over}
}

// viewSeatOf answers with the record's council seat, or else its leader seat.
func viewSeatOf(s *store, env Env, a args) []any {
	id := a.u64(0)
	role, coll := s.councilRole(id), s.str(key("rec.councilColl", id))
	if role == 0 && s.isLeader(id, s.recColl(id)) {
		role, coll = RoleLeader, s.recColl(id)
	}
	if role == 0 {
		return []any{uint8(0), "", uint64(0), false}
	}
	end := s.termEnd(role, id)
	return []any{role, coll, end, env.Time >= end}
}

func viewMeeting(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{uint8(s.u64(key("mtg.kind", id))), s.u64(key("mtg.start", id)), s.u64(key("mtg.end", id)),
		[32]byte(s.get(key("mtg.agenda", id))), s.str(key("mtg.place", id)), [32]byte(s.get(key("mtg.minutes", id))),
		s.present(id).u64s()}
}

func viewMotion(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.u64(key("mot.meeting", id)), uint8(s.u64(key("mot.kind", id))), uint8(s.u64(key("mot.status", id))),
		s.u64(key("mot.proposer", id)), s.list("mot.yesList", id).u64s(), s.list("mot.noList", id).u64s()}
}

func viewAgreements(s *store, _ Env, a args) ([]any, error) {
	hs, next := s.list("mtg.agreements", a.u64(0)).page(a.page())
	ids := words64(hs)
	texts, sts := make([][32]byte, len(ids)), make([]uint8, len(ids))
	for i, id := range ids {
		texts[i] = [32]byte(s.get(key("agr.text", id)))
		sts[i] = uint8(s.u64(key("agr.status", id)))
	}
	return []any{ids, texts, sts, [32]byte(next)}, nil
}

// viewUpgrades pages through the scheduled upgrades in the order scheduled.
func viewUpgrades(s *store, _ Env, a args) ([]any, error) {
	items, next, err := s.lset("upgrades").page(a.page())
	if err != nil {
		return nil, err
	}
	names, heights := make([]string, len(items)), make([]uint64, len(items))
	for i, h := range items {
		names[i] = string(bytes.TrimLeft(h[:], "\x00"))
		heights[i] = s.u64(key("upg.height", names[i]))
	}
	return []any{names, heights, [32]byte(next)}, nil
}

func upgrades(s *store) []Upgrade {
	var out []Upgrade
	for _, h := range s.lset("upgrades").all() {
		name := string(bytes.TrimLeft(h[:], "\x00"))
		out = append(out, Upgrade{Name: name, Height: s.u64(key("upg.height", name))})
	}
	slices.SortStableFunc(out, func(a, b Upgrade) int {
		switch {
		case a.Height < b.Height:
			return -1
		case a.Height > b.Height:
			return 1
		}
		return 0
	})
	return out
}

// viewNodeApplication is what a node application asks for and brings:
// the node, its consensus key, and the applicant's commitments.
func viewNodeApplication(s *store, _ Env, a args) []any {
	id := a.u64(0)
	if s.appKind(id) != AppNode {
		return []any{[20]byte{}, uint8(0), "", []byte{}, uint8(0), [32]byte{}, [32]byte{}, "", [32]byte{}, ""}
	}
	return []any{wordNode(s.get(key("app.node", id))), uint8(s.u64(key("app.role", id))),
		s.str(key("app.keyType", id)), nonNil(s.bytes(key("app.pubkey", id))),
		uint8(s.u64(key("app.memberKind", id))), [32]byte(s.get(key("app.inst", id))),
		[32]byte(s.get(key("app.letter", id))), s.str(key("app.letterURI", id)),
		[32]byte(s.get(key("app.adhesion", id))), s.str(key("app.adhesionURI", id))}
}

// viewProjectApplication is what a project application states; its
// deployer accounts are applicationAccounts'.
func viewProjectApplication(s *store, _ Env, a args) []any {
	id := a.u64(0)
	if s.appKind(id) != AppProject {
		return []any{"", [32]byte{}, "", [32]byte{}, "", uint8(0)}
	}
	return []any{s.str(key("app.name", id)), [32]byte(s.get(key("app.desc", id))), s.str(key("app.descURI", id)),
		[32]byte(s.get(key("app.just", id))), s.str(key("app.repo", id)), uint8(s.u64(key("app.criteria", id)))}
}

// viewApplicationReview is who reviewed an application and what came of it.
// The record an approved node application admitted is its node's operator;
// an Advisory Council application's, its applicant's.
func viewApplicationReview(s *store, _ Env, a args) []any {
	id := a.u64(0)
	endorser, endorsed := unpair64(s.get(key("app.endorsed", id)))
	rec := s.u64(key("app.record", id))
	if s.appStatus(id) == AppApproved {
		switch s.appKind(id) {
		case AppNode:
			rec = s.nodeOp(wordNode(s.get(key("app.node", id))))
		case AppAdvisory:
			rec = s.recordOf(s.appApplicant(id))
		case AppCollective: // its first leader's record, made at approval
		}
	}
	return []any{endorser, endorsed, [32]byte(s.get(key("app.reason", id))), rec}
}

// viewActionDetail decodes an action's subject by its target, and tells
// when it was proposed (action has the rest).
func viewActionDetail(s *store, _ Env, a args) []any {
	id := a.u64(0)
	var node [20]byte
	var rec uint64
	switch subject := s.get(key("act.subject", id)); ActionTarget(s.u64(key("act.target", id))) {
	case TargetNode:
		node = wordNode(subject)
	case TargetMember:
		rec = u64of(subject)
	}
	return []any{node, rec, s.u64(key("act.proposed", id))}
}

// seqPage pages through the ids 1..last of a sequence whose records are
// never deleted: the cursor is the offset of the first id, as for lists.
func seqPage(s *store, counter string, a args) (ids []uint64, next common.Hash) {
	cursor, limit := a.page()
	n, from := s.u64(key(counter)), u64of(cursor)
	if cursor != w64(from) || from >= n {
		return []uint64{}, common.Hash{}
	}
	end := from + min(limit, n-from)
	for id := from + 1; id <= end; id++ {
		ids = append(ids, id)
	}
	if end < n {
		next = w64(end)
	}
	return ids, next
}

func viewCapitalRequestIds(s *store, _ Env, a args) ([]any, error) {
	ids, next := seqPage(s, "seq.capreq", a)
	return []any{ids, [32]byte(next)}, nil
}

func viewCapitalRequest(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.u64(key("capreq.record", id)), s.u64(key("capreq.gas", id)),
		[32]byte(s.get(key("capreq.just", id))), s.u64(key("capreq.time", id)),
		uint8(s.u64(key("capreq.status", id))), s.u64(key("capreq.by", id)), s.u64(key("capreq.granted", id))}
}

func viewExtraordinaryRequests(s *store, _ Env, a args) ([]any, error) {
	ids, next := seqPage(s, "seq.exreq", a)
	leaders, objs, times, mtgs := make([]uint64, len(ids)), make([][32]byte, len(ids)), make([]uint64, len(ids)), make([]uint64, len(ids))
	for i, id := range ids {
		leaders[i], objs[i] = s.u64(key("exreq.leader", id)), [32]byte(s.get(key("exreq.obj", id)))
		times[i], mtgs[i] = s.u64(key("exreq.time", id)), s.u64(key("exreq.meeting", id))
	}
	return []any{ids, leaders, objs, times, mtgs, [32]byte(next)}, nil
}

func viewExtraordinaryRequest(s *store, _ Env, a args) []any {
	id := a.u64(0)
	return []any{s.u64(key("exreq.leader", id)), [32]byte(s.get(key("exreq.obj", id))),
		s.u64(key("exreq.time", id)), s.u64(key("exreq.meeting", id))}
}

// viewMotionContent decodes what a motion would do, by its kind: the
// fields its kind does not use are zero.
func viewMotionContent(s *store, _ Env, a args) []any {
	id := a.u64(0)
	var (
		app, project, rec, end, height, action uint64
		status, role                           uint8
		coll, name                             string
		value                                  = new(big.Int)
	)
	kind := MotionKind(s.u64(key("mot.kind", id)))
	switch kind {
	case MotionApproveProject:
		app = s.u64(key("mot.a", id))
	case MotionProjectStatus:
		project, status = s.u64(key("mot.a", id)), uint8(s.u64(key("mot.b", id)))
	case MotionSeat, MotionElect:
		role, coll = uint8(s.u64(key("mot.role", id))), s.str(key("mot.str", id))
		rec = s.u64(key("mot.a", id))
		if kind == MotionElect {
			rec = s.u64(key("mot.b", id)) // the candidate; mot.a is the call
		}
		// the term the decision gave, or the one an election would give at the meeting's end
		if end = s.u64(key("mot.end", id)); end == 0 && kind == MotionElect {
			end = s.termFrom(Role(role), s.u64(key("mtg.end", s.u64(key("mot.meeting", id)))))
		}
	case MotionUnseat:
		role, coll = uint8(s.u64(key("mot.role", id))), s.str(key("mot.str", id))
		rec = s.u64(key("mot.a", id))
	case MotionParameter:
		name = s.str(key("mot.str", id))
		value.SetUint64(s.u64(key("mot.a", id)))
	case MotionUpgrade:
		name, height = s.str(key("mot.str", id)), s.u64(key("mot.a", id))
	case MotionMemberAction, MotionRatifyAction, MotionOverturnAction:
		action = s.u64(key("mot.a", id))
		if ActionTarget(s.u64(key("act.target", action))) == TargetMember {
			rec = u64of(s.get(key("act.subject", action)))
		}
	case MotionCapitalBudget:
		coll = s.str(key("mot.str", id))
		value.SetUint64(s.u64(key("mot.a", id)))
	case MotionAdmitAdvisory:
		app, role = s.u64(key("mot.a", id)), uint8(RoleAdvisory)
		rec = s.recordOf(s.appApplicant(app)) // 0: a new record
		if end = s.u64(key("mot.end", id)); end == 0 {
			end = s.termFrom(RoleAdvisory, s.u64(key("mtg.end", s.u64(key("mot.meeting", id)))))
		}
	case MotionBallot:
		// the question's URI, duration and options; the ballot's end once carried
		name, end, height = s.str(key("mot.str", id)), s.u64(key("mot.end", id)), s.u64(key("mot.b", id))
		value.SetUint64(s.u64(key("mot.a", id)))
	}
	return []any{uint8(kind), app, project, status, role, coll, rec, end, name, value, height, action}
}

// votes are the records that voted yes and no on a commission's item, in
// the order they voted: at most the commission's filled seats, and a
// decided item takes no more votes.
func (s *store) votes(ns string, id uint64) []any {
	yes, no := []uint64{}, []uint64{}
	n := s.u64(key(ns+".yes", id)) + s.u64(key(ns+".no", id))
	for i := range min(n, maxSeatList) {
		v := s.u64(key(ns+".voter", id, i))
		if s.u64(key(ns+".voted", id, v)) == 1 {
			yes = append(yes, v)
		} else {
			no = append(no, v)
		}
	}
	return []any{yes, no}
}
