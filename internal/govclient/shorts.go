package govclient

// shorts are one-line descriptions for the functions IGovernance.sol does
// not comment one by one (views, motions); the others use their comment.
var shorts = map[string]string{
	"moveApproveProject":     "Move, in a meeting, that the plenary approve a project application.",
	"moveProjectStatus":      "Move, in a meeting, to suspend, close or reactivate a project.",
	"moveUnseat":             "Move, in a meeting, to vacate a council or leader seat (seats are filled by election, designation or admission).",
	"moveElect":              "Move, in a meeting, to elect a candidate of an open call to a leader seat.",
	"call":                   "An open call for leader seats: collective, status, opener, candidacy period, candidates, elected.",
	"ballot":                 "A member ballot: kind, status, collective, subject, period, tally and electorate.",
	"moveParameter":          "Move, in a meeting, to change a governance parameter.",
	"moveUpgrade":            "Move, in a meeting, to schedule a named upgrade at a height.",
	"moveCapitalBudget":      "Move, in a meeting, to set a collective's capital budget (gas per epoch).",
	"setAgreementStatus":     "The secretary marks an agreement's follow-up.",
	"parameter":              "A governance parameter's value.",
	"parameterNames":         "The names of the governance parameters.",
	"collectives":            "The collectives.",
	"collective":             "A collective: formed, leaders, members, nodes, validators.",
	"recordOf":               "The record an account belongs to (0: none).",
	"record":                 "A record: kind, collective, status, institution, number of accounts.",
	"accounts":               "The accounts of a record.",
	"members":                "The member records of a collective.",
	"attestations":           "The identity attestations of a record.",
	"isMember":               "Whether an account may transact (an active member's or project's).",
	"canDeploy":              "Whether an account may create contracts (an approved project's).",
	"capitalOf":              "The capital of an account's record: gas per epoch, used, remaining, epoch end.",
	"capital":                "The capital of a record: gas per epoch, expiry, used, remaining, epoch end.",
	"capitalBudget":          "A collective's capital budget, the gas its grants commit, the epoch and its end.",
	"capitalRequests":        "A collective's capital requests in a status (1 open, 2 granted, 3 declined, 4 withdrawn).",
	"nodes":                  "The admitted nodes' p2p IDs.",
	"node":                   "A node: collective, operator, role, status, consensus key, power.",
	"validators":             "The validators' node IDs and voting powers.",
	"projects":               "The approved projects.",
	"project":                "A project: collective, name, status, repository, number of accounts.",
	"applications":           "The applications of a kind (node, project, advisory) in a status.",
	"application":            "An application: kind, status, applicant, collective, node, votes.",
	"applicationAccounts":    "A project application's deployer accounts and whether each accepted.",
	"nodeApplicationMessage": "The message a node's keys sign to apply (apply-node); see node-id --applicant.",
	"action":                 "A Nodes Commission action: subject, status, deadline, cause, reason, votes.",
	"actionDetail":           "An action's subject (node or record) and when it was proposed.",
	"actionVotes":            "Who voted yes and no on an action.",
	"applicationVotes":       "Who voted yes and no on an application in its commission.",
	"nodeApplication":        "A node application's node, keys, member kind and commitments.",
	"projectApplication":     "A project application's name, commitments, repository and criteria.",
	"applicationReview":      "An application's endorser and time, rejection reason and admitted record.",
	"capitalRequestIds":      "The capital requests, in the order made.",
	"capitalRequest":         "A capital request: record, gas asked, justification, time, status, decided by, gas granted.",
	"extraordinaryRequests":  "The extraordinary meeting requests and the meetings convened for them.",
	"extraordinaryRequest":   "An extraordinary meeting request: leader, objectives, time, meeting.",
	"motionContent":          "What a motion would do: its arguments, decoded by kind.",
	"seats":                  "The holders of a role (in a collective), with terms and holdover.",
	"seatOf":                 "The seat a record holds.",
	"proxyOf":                "The proxy a seat holder appointed.",
	"meetings":               "The meetings.",
	"meeting":                "A meeting: kind, window, agenda, place, minutes, present.",
	"motions":                "The motions of a meeting.",
	"motion":                 "A motion: meeting, kind, status, proposer, votes.",
	"agreements":             "The agreements of a meeting and their follow-up.",
	"upgrades":               "The scheduled upgrades and their heights.",
	"proposeDesignation":     "A collective leader proposes a record for an Executive Council seat; the Advisory Council decides.",
	"moveAdmitAdvisory":      "Move, in a meeting, to admit (or renew) an Advisory Council applicant.",
	"advisoryApplication":    "An Advisory Council application's content: CV commitment and URI, statement, renewal.",
	"designation":            "A designation to an Executive Council seat: seat, record, proposer, rationale, status, deadline, votes.",
	"designations":           "The designations in a status (1 open, 2 approved, 3 rejected, 4 expired).",
}

// Short is a one-line description of function name.
func Short(name string) string {
	if s, ok := shorts[name]; ok {
		return s
	}
	d := docs[name]
	for i := 0; i+1 < len(d); i++ {
		if d[i] == '.' && d[i+1] == ' ' {
			return d[:i+1]
		}
	}
	return d
}
