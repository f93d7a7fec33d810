package governance

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
)

// Parameters live in governance state (slot keccak256("redmx.params." + name)
// of [Address]), seeded from genesis; the plenary changes them. Durations are
// seconds of block time. The defaults are the seed's values.
//
// Every parameter has a range that keeps the network governable: a block
// holds any transaction the pool accepts, votes and meetings stay possible,
// and no duration or count is so large that an office or a record waits
// forever. Genesis and every parameter motion (when moved and when decided)
// are checked against it. Terms and periods may be as short as a minute, so a
// development network runs the calendar in minutes: a short one only makes
// seats hold over, calls and ballots close or actions lapse sooner, and never
// leaves an office without a holder.
var DefaultParams = []Param{
	{"gasLimit", DefaultGasLimit, GasLimitMin, GasLimitMax},  // block gas limit; also CometBFT's block max_gas
	{"meetingNotice", 15 * 24 * 3600, 0, 90 * day},           // least notice of an Executive Council meeting
	{"epochLength", 24 * 3600, 60, 31 * day},                 // capital epoch: at most a month between refills
	{"governanceAllowance", 20_000_000, 5_000_000, 1 << 40},  // gas per epoch per record for governance calls (about 20 admissions)
	{"applyQuota", 20, 1, 200},                               // applications per block from accounts of no record
	{"maxURILength", 256, 32, 4096},                          // bytes of any URI or name
	{"leaderTerm", 365 * 24 * 3600, minute, 10 * year},       // collective leader's term
	{"councilTerm", 2 * 365 * 24 * 3600, minute, 10 * year},  // Executive Council seat's term
	{"advisoryTerm", 2 * 365 * 24 * 3600, minute, 10 * year}, // Advisory Council seat's term
	{"ordinaryQuorum", 6, 1, quorumMax},                      // members present besides the secretary, ordinary meeting
	{"extraordinaryQuorum", 4, 1, quorumMax},                 // same, extraordinary meeting
	{"minLeaders", 2, 1, 16},                                 // leaders per formed collective, at least
	{"maxLeaders", 3, 1, 16},                                 // and at most
	{"maxAdvisory", 15, 1, 100},                              // Advisory Council seats
	{"livenessWindow", 1000, 100, 100_000},                   // blocks of a validator's liveness window (M)
	{"livenessMaxMissedPermille", 500, 1, 1000},              // share of the window a validator may miss, in ‰, before it is flagged
	{"ratificationPeriod", 30 * day, minute, 180 * day},      // a commission action awaiting ratification lapses after it
	{"candidacyPeriod", 15 * day, minute, 90 * day},          // an open call for a vacant seat takes candidacies this long
	{"ballotPeriod", 7 * day, minute, 60 * day},              // a member ballot of a collective lasts this long
	{"formationPeriod", 180 * day, minute, 2 * year},
	{"reportMonth", 30 * day, minute, 90 * day}, // the reports' month: periods are 1, 2 or 3 of it, each report due a month after its period         // a new collective has this long to form (2 leaders and a node); after it, it shows overdue
}

const (
	minute = 60
	day    = 24 * 3600
	year   = 365 * day

	// DefaultGasLimit is the block gas limit a new genesis gets.
	DefaultGasLimit = 200_000_000
	// GasLimitMin is the least block gas limit: a block must hold the largest
	// transaction the pool accepts (EIP-7825's cap, params.MaxTxGas), a vote
	// to raise the limit among them, with room to spare.
	GasLimitMin = 30_000_000
	// GasLimitMax bounds the work of one block on the seed's machines.
	GasLimitMax = 2_000_000_000
	// MinUpgradeLead is the least number of blocks between an upgrade
	// motion and the upgrade's height, whatever meetingNotice is: room to
	// convene and decide a plenary that cancels a mistaken upgrade.
	MinUpgradeLead = 100
	// quorumMax bounds a quorum in any case; a motion is also refused a
	// quorum above the Executive Council's seats (see checkParam).
	quorumMax = 1000
)

// Param is a named governance parameter, its default value and its range.
type Param struct {
	Name     string
	Value    uint64
	Min, Max uint64
}

// ParamSlot is the storage slot of [Address] that holds parameter name, a
// big-endian uint256 word (outside the redmx.gov namespace of the other
// state: the gas limit was kept there before governance).
func ParamSlot(name string) common.Hash {
	return hashKey([]byte("redmx.params." + name))
}

// param reads a parameter (a big-endian uint256 word; values fit uint64).
func (s *store) param(name string) uint64 { return u64of(s.get(ParamSlot(name))) }

// paramOrDefault reads a parameter a chain's genesis may predate: a zero slot
// reads as its DefaultParams value.
func (s *store) paramOrDefault(name string) uint64 {
	if v := s.param(name); v != 0 {
		return v
	}
	p, _ := paramSpec(name)
	return p.Value
}

func (s *store) setParam(name string, v uint64) { s.set(ParamSlot(name), w64(v)) }

// GasLimit is the block gas limit st holds (its gasLimit parameter; 0 before
// [ApplyGenesis] wrote it).
func GasLimit(st vm.StateDB) uint64 { return (&store{st: st}).param("gasLimit") }

// paramSpec finds a parameter by name.
func paramSpec(name string) (Param, bool) {
	for _, p := range DefaultParams {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// paramRange is the range of name in state s: the static range of
// [DefaultParams], narrowed where other state bounds it.
func (s *store) paramRange(name string) (lo, hi uint64) {
	p, _ := paramSpec(name)
	lo, hi = p.Min, p.Max
	switch name {
	case "ordinaryQuorum", "extraordinaryQuorum":
		// others than the secretary: a Projects and a Nodes Commission seat
		// per collective
		hi = min(hi, max(2*s.u64(key("seq.coll")), 1))
	case "minLeaders":
		hi = min(hi, s.param("maxLeaders"))
		// a formed collective never falls below its least leaders
		for _, coll := range s.collectiveNames() {
			if s.formed(coll) {
				hi = min(hi, s.seat(RoleLeader, coll).len())
			}
		}
	case "maxLeaders":
		lo = max(lo, s.param("minLeaders"))
	}
	return lo, hi
}

// checkParam refuses an unknown parameter or a value outside its range.
func (s *store) checkParam(name string, v *big.Int) error {
	if _, ok := paramSpec(name); !ok {
		return refuse("unknown parameter %q", name)
	}
	lo, hi := s.paramRange(name)
	if !v.IsUint64() || v.Uint64() < lo || v.Uint64() > hi {
		return refuse("parameter %s must be within %d..%d, got %s", name, lo, hi, v)
	}
	return nil
}

// ParamRange is the static range of parameter name (false: no such
// parameter). State may narrow it (quorums, leaders).
func ParamRange(name string) (lo, hi uint64, ok bool) {
	p, ok := paramSpec(name)
	return p.Min, p.Max, ok
}
