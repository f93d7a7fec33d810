package governance

// Parameters live in governance state (slot keccak256("redmx.params." + name)
// of [Address]), seeded from genesis; the plenary changes them. Durations are
// seconds of block time. The defaults are the seed's values.
var DefaultParams = []Param{
	{"gasLimit", 200_000_000},             // block gas limit; also CometBFT's block max_gas
	{"meetingNotice", 15 * 24 * 3600},     // least notice of an Executive Council meeting
	{"epochLength", 24 * 3600},            // capital epoch
	{"governanceAllowance", 20_000_000},   // gas per epoch per record for governance calls (about 20 admissions)
	{"applyQuota", 20},                    // applications per block from accounts of no record
	{"maxURILength", 256},                 // bytes of any URI or name
	{"leaderTerm", 365 * 24 * 3600},       // collective leader's term
	{"councilTerm", 2 * 365 * 24 * 3600},  // Executive Council seat's term
	{"advisoryTerm", 2 * 365 * 24 * 3600}, // Advisory Council seat's term
	{"ordinaryQuorum", 6},                 // members present besides the secretary, ordinary meeting
	{"extraordinaryQuorum", 4},            // same, extraordinary meeting
	{"minLeaders", 2},                     // leaders per formed collective, at least
	{"maxLeaders", 3},                     // and at most
	{"maxAdvisory", 15},                   // Advisory Council seats
}

// Param is a named governance parameter and its value.
type Param struct {
	Name  string
	Value uint64
}
