package dashboard

import (
	"bytes"
	"sort"
	"sync"

	cmttypes "github.com/cometbft/cometbft/types"
)

// Blocks is what the dashboard reads of CometBFT's block and state stores.
// Each block is read as its header and commit, without its transactions,
// which under load are most of its bytes; the whole block only when its
// header says it carries evidence.
type Blocks interface {
	Height() int64
	LoadBlockMeta(height int64) *cmttypes.BlockMeta
	// LoadBlockCommit is the commit of height, as block height+1 carries it.
	LoadBlockCommit(height int64) *cmttypes.Commit
	LoadBlock(height int64) *cmttypes.Block
	Validators(height int64) (*cmttypes.ValidatorSet, error)
}

// noEvidence is the evidence hash in the header of a block without any.
var noEvidence = cmttypes.EvidenceList(nil).Hash()

// Sizes of the in-memory windows.
const (
	// MissWindow is how many of the latest commits missed signatures are
	// counted over.
	MissWindow = 100
	// chartWindow bounds the blocks kept for the charts (the last hour at
	// one block a second).
	chartWindow = 3600
	// backfill is how many past blocks a dashboard reads when it starts.
	backfill = 600
	// perStep bounds the blocks read in one update, so that a node catching
	// up never holds the tracker long.
	perStep       = 200
	maxEvidence   = 50
	rotationShown = 32
)

// blockRec is what the dashboard keeps of one block.
type blockRec struct {
	Height   int64  `json:"height"`
	TimeMs   int64  `json:"time_ms"`
	Txs      int    `json:"txs"`
	Proposer string `json:"proposer"`
}

// commitRec is one canonical commit (block h's, carried by block h+1):
// the validators of height h and which of them did not sign.
type commitRec struct {
	height int64
	vals   []string
	missed []string
}

// EvidenceRec is double-sign (or light client attack) evidence in a block.
type EvidenceRec struct {
	Block     int64    `json:"block"`
	Height    int64    `json:"height"`
	Kind      string   `json:"kind"`
	Validator []string `json:"validators"`
}

// tracker keeps windows of the chain, fed block by block: it never reads
// a block twice.
type tracker struct {
	src Blocks

	mu       sync.Mutex
	next     int64 // next block height to read
	blocks   []blockRec
	commits  []commitRec
	evidence []EvidenceRec
	vals     *cmttypes.ValidatorSet // of the latest block read
}

func newTracker(src Blocks) *tracker { return &tracker{src: src} }

// update reads the blocks committed since the last call, at most perStep,
// and reports whether it read any.
func (t *tracker) update() bool {
	top := t.src.Height()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next == 0 {
		t.next = max(1, top-backfill)
	}
	read := false
	for n := 0; t.next <= top && n < perStep; n++ {
		m := t.src.LoadBlockMeta(t.next)
		if m == nil { // pruned or not yet there
			t.next++
			continue
		}
		t.add(m)
		t.next++
		read = true
	}
	return read
}

// lastCommit is the commit block h carries, of height h-1.
func (t *tracker) lastCommit(h int64) *cmttypes.Commit {
	if h <= 1 {
		return nil
	}
	return t.src.LoadBlockCommit(h - 1)
}

func (t *tracker) add(m *cmttypes.BlockMeta) {
	h := m.Header.Height
	t.blocks = append(t.blocks, blockRec{Height: h, TimeMs: m.Header.Time.UnixMilli(), Txs: m.NumTxs, Proposer: m.Header.ProposerAddress.String()})
	if len(t.blocks) > chartWindow {
		t.blocks = append(t.blocks[:0:0], t.blocks[len(t.blocks)-chartWindow:]...)
	}
	if vals, err := t.src.Validators(h); err == nil {
		t.vals = vals
	}
	if lc := t.lastCommit(h); lc != nil {
		if vals, err := t.src.Validators(lc.Height); err == nil {
			c := commitRec{height: lc.Height}
			for i, v := range vals.Validators {
				addr := v.Address.String()
				c.vals = append(c.vals, addr)
				if i >= len(lc.Signatures) || lc.Signatures[i].BlockIDFlag == cmttypes.BlockIDFlagAbsent {
					c.missed = append(c.missed, addr)
				}
			}
			t.commits = append(t.commits, c)
			if len(t.commits) > MissWindow {
				t.commits = append(t.commits[:0:0], t.commits[len(t.commits)-MissWindow:]...)
			}
		}
	}
	if bytes.Equal(m.Header.EvidenceHash, noEvidence) {
		return
	}
	b := t.src.LoadBlock(h)
	if b == nil { // pruned since
		return
	}
	for _, ev := range b.Evidence.Evidence {
		rec := EvidenceRec{Block: h, Height: ev.Height(), Kind: "light client attack"}
		if _, ok := ev.(*cmttypes.DuplicateVoteEvidence); ok {
			rec.Kind = "duplicate vote"
		}
		for _, v := range ev.ABCI() {
			rec.Validator = append(rec.Validator, cmttypes.Address(v.Validator.Address).String())
		}
		t.evidence = append(t.evidence, rec)
		if len(t.evidence) > maxEvidence {
			t.evidence = t.evidence[1:]
		}
	}
}

// ValidatorRow is one validator of the current set.
type ValidatorRow struct {
	Address    string `json:"address"`
	Power      int64  `json:"power"`
	NodeID     string `json:"node_id,omitempty"`
	Collective string `json:"collective,omitempty"`
	Moniker    string `json:"moniker,omitempty"`
	Missed     int    `json:"missed"`   // commits of the window it did not sign
	Expected   int    `json:"expected"` // commits of the window it was in the set
	LastSigned int64  `json:"last_signed"`
	Recent     int    `json:"recent_missed"` // of the last recentCommits commits
	Proposed   int    `json:"proposed"`      // blocks of the chart window it proposed
}

// chainView is the tracker's state for the snapshot.
type chainView struct {
	Blocks      []blockRec
	Validators  []ValidatorRow
	TotalPower  int64
	Rotation    []string
	Evidence    []EvidenceRec
	Commits     int   // commits in the miss window
	FirstCommit int64 // height of the window's first commit
	LastCommit  int64
}

func (t *tracker) view() chainView {
	t.mu.Lock()
	defer t.mu.Unlock()
	v := chainView{
		Blocks:   append([]blockRec(nil), t.blocks...),
		Evidence: append([]EvidenceRec(nil), t.evidence...),
		Commits:  len(t.commits),
	}
	if len(t.commits) > 0 {
		v.FirstCommit, v.LastCommit = t.commits[0].height, t.commits[len(t.commits)-1].height
	}
	missed := map[string]int{}
	expected := map[string]int{}
	lastSigned := map[string]int64{}
	recent := map[string]int{}
	for i, c := range t.commits {
		miss := map[string]bool{}
		for _, a := range c.missed {
			missed[a]++
			miss[a] = true
			if i >= len(t.commits)-recentCommits {
				recent[a]++
			}
		}
		for _, a := range c.vals {
			expected[a]++
			if !miss[a] {
				lastSigned[a] = c.height
			}
		}
	}
	proposed := map[string]int{}
	for _, b := range t.blocks {
		proposed[b.Proposer]++
	}
	for i := max(0, len(t.blocks)-rotationShown); i < len(t.blocks); i++ {
		v.Rotation = append(v.Rotation, t.blocks[i].Proposer)
	}
	if t.vals != nil {
		v.TotalPower = t.vals.TotalVotingPower()
		for _, val := range t.vals.Validators {
			a := val.Address.String()
			v.Validators = append(v.Validators, ValidatorRow{Address: a, Power: val.VotingPower,
				Missed: missed[a], Expected: expected[a], LastSigned: lastSigned[a], Recent: recent[a], Proposed: proposed[a]})
		}
		sort.SliceStable(v.Validators, func(i, j int) bool { return v.Validators[i].Power > v.Validators[j].Power })
	}
	return v
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// chartPoints bounds the points of each chart in a snapshot.
const chartPoints = 360

// Point is consecutive blocks of the last hour summed up for the charts.
type Point struct {
	Height     int64 `json:"height"` // the last block's
	TimeMs     int64 `json:"time_ms"`
	Blocks     int   `json:"blocks"`
	IntervalMs int64 `json:"interval_ms"` // mean time between these blocks and the ones before
	Txs        int   `json:"txs"`
}

// series sums blocks (in order) newer than since into at most chartPoints
// points of equal block counts.
func series(blocks []blockRec, since int64) []Point {
	i := len(blocks)
	for i > 0 && blocks[i-1].TimeMs >= since {
		i--
	}
	if i == 0 && len(blocks) > 0 {
		i = 1 // the first block has no interval
	}
	recent := blocks[i:]
	per := (len(recent) + chartPoints - 1) / chartPoints
	var out []Point
	for start := 0; start < len(recent); start += per {
		end := min(start+per, len(recent))
		p := Point{Blocks: end - start}
		for _, b := range recent[start:end] {
			p.Txs += b.Txs
		}
		last := recent[end-1]
		prev := blocks[i+start-1]
		p.Height, p.TimeMs = last.Height, last.TimeMs
		p.IntervalMs = (last.TimeMs - prev.TimeMs) / int64(p.Blocks)
		out = append(out, p)
	}
	return out
}
