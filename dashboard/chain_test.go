package dashboard

import (
	"testing"
	"time"

	cmted "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
)

// fakeChain is a chain of blocks whose commits leave out chosen validators.
type fakeChain struct {
	vals   *cmttypes.ValidatorSet
	blocks []*cmttypes.Block // blocks[h-1] is block h
	metas  int               // headers read
	loads  int               // whole blocks read
}

// grow adds blocks up to height top; absent(h) lists the validator indexes
// missing from the commit of block h (carried by block h+1).
func (c *fakeChain) grow(top int64, absent func(h int64) []int) {
	for h := int64(len(c.blocks)) + 1; h <= top; h++ {
		b := &cmttypes.Block{}
		b.Height = h
		b.Time = time.Unix(1_700_000_000+h, 0)
		b.ProposerAddress = c.vals.Validators[int(h)%c.vals.Size()].Address
		if h > 1 {
			lc := &cmttypes.Commit{Height: h - 1}
			miss := map[int]bool{}
			for _, i := range absent(h - 1) {
				miss[i] = true
			}
			for i, v := range c.vals.Validators {
				sig := cmttypes.CommitSig{BlockIDFlag: cmttypes.BlockIDFlagCommit, ValidatorAddress: v.Address}
				if miss[i] {
					sig = cmttypes.CommitSig{BlockIDFlag: cmttypes.BlockIDFlagAbsent}
				}
				lc.Signatures = append(lc.Signatures, sig)
			}
			b.LastCommit = lc
		}
		c.blocks = append(c.blocks, b)
	}
}

func (c *fakeChain) Height() int64 { return int64(len(c.blocks)) }
func (c *fakeChain) LoadBlock(h int64) *cmttypes.Block {
	c.loads++
	return c.blocks[h-1]
}

// LoadBlockMeta is the block's header as CometBFT stores it: Hash fills in
// the hashes of its parts, the evidence's among them.
func (c *fakeChain) LoadBlockMeta(h int64) *cmttypes.BlockMeta {
	c.metas++
	b := c.blocks[h-1]
	if b.LastCommit == nil {
		b.LastCommit = &cmttypes.Commit{} // Hash fills nothing without one
	}
	b.Hash()
	return &cmttypes.BlockMeta{Header: b.Header, NumTxs: len(b.Txs)}
}

func (c *fakeChain) LoadBlockCommit(h int64) *cmttypes.Commit {
	if h >= int64(len(c.blocks)) {
		return nil
	}
	return c.blocks[h].LastCommit
}
func (c *fakeChain) Validators(int64) (*cmttypes.ValidatorSet, error) { return c.vals, nil }

func newFakeChain() *fakeChain {
	var vs []*cmttypes.Validator
	for range 3 {
		vs = append(vs, cmttypes.NewValidator(cmted.GenPrivKey().PubKey(), 10))
	}
	return &fakeChain{vals: cmttypes.NewValidatorSet(vs)}
}

func rowOf(t *testing.T, v chainView, addr string) ValidatorRow {
	t.Helper()
	for _, r := range v.Validators {
		if r.Address == addr {
			return r
		}
	}
	t.Fatalf("no validator %s", addr)
	return ValidatorRow{}
}

// TestTrackerMissed: missed signatures are counted from each block's last
// commit over the last MissWindow commits, each block's header read once and
// no block read whole, at most perStep per update.
func TestTrackerMissed(t *testing.T) {
	c := newFakeChain()
	late := c.vals.Validators[2].Address.String()
	// Validator 2 misses the commits of heights 20-29 and 150-154.
	absent := func(h int64) []int {
		if h >= 20 && h < 30 || h >= 150 && h < 155 {
			return []int{2}
		}
		return nil
	}
	c.grow(60, absent)
	tr := newTracker(c)
	if !tr.update() {
		t.Fatal("no block read")
	}
	v := tr.view()
	if r := rowOf(t, v, late); r.Missed != 10 || r.Expected != 59 || r.LastSigned != 59 {
		t.Fatalf("after 60 blocks: %+v", r)
	}
	if tr.update() {
		t.Fatal("a second update read blocks again")
	}
	if c.metas != 60 || c.loads != 0 {
		t.Fatalf("%d headers and %d whole blocks read for 60 blocks without evidence", c.metas, c.loads)
	}

	// 600 more blocks: read perStep at a time; the window slides.
	c.grow(660, absent)
	for n := 0; tr.update(); n++ {
		if n > 660/perStep+1 {
			t.Fatal("updates do not end")
		}
	}
	if c.metas != 660 || c.loads != 0 {
		t.Fatalf("%d headers and %d whole blocks read for 660 blocks", c.metas, c.loads)
	}
	v = tr.view()
	if v.Commits != MissWindow || v.LastCommit != 659 || v.FirstCommit != 660-MissWindow {
		t.Fatalf("window %d commits, %d-%d", v.Commits, v.FirstCommit, v.LastCommit)
	}
	if r := rowOf(t, v, late); r.Missed != 0 || r.Expected != MissWindow {
		t.Fatalf("misses left the window: %+v", r)
	}

	// Misses now: counted at once, last signed stays behind.
	c.grow(670, func(h int64) []int {
		if h >= 665 {
			return []int{2}
		}
		return nil
	})
	tr.update()
	if r := rowOf(t, tr.view(), late); r.Missed != 5 || r.Recent != 5 || r.LastSigned != 664 {
		t.Fatalf("recent misses: %+v", r)
	}
	if len(tr.view().Rotation) != rotationShown {
		t.Fatalf("rotation of %d blocks", len(tr.view().Rotation))
	}
}

// TestTrackerEvidence: double-sign evidence in a block is listed with the
// validator it accuses; only that block is read whole.
func TestTrackerEvidence(t *testing.T) {
	c := newFakeChain()
	c.grow(5, func(int64) []int { return nil })
	ev, err := cmttypes.NewMockDuplicateVoteEvidence(3, time.Unix(1_700_000_003, 0), "test")
	if err != nil {
		t.Fatal(err)
	}
	c.blocks[4].Evidence = cmttypes.EvidenceData{Evidence: cmttypes.EvidenceList{ev}}
	tr := newTracker(c)
	tr.update()
	got := tr.view().Evidence
	if len(got) != 1 || got[0].Block != 5 || got[0].Height != 3 || got[0].Kind != "duplicate vote" || len(got[0].Validator) != 1 {
		t.Fatalf("evidence %+v", got)
	}
	if c.loads != 1 {
		t.Fatalf("%d whole blocks read, want only the one with evidence", c.loads)
	}
}

// TestSeries: the charts' points cover the blocks of the last hour, at most
// chartPoints of them, with the mean interval and the transactions summed.
func TestSeries(t *testing.T) {
	var blocks []blockRec
	for h := int64(1); h <= 5000; h++ {
		blocks = append(blocks, blockRec{Height: h, TimeMs: h * 1000, Txs: int(h % 3)})
	}
	now := int64(5000 * 1000)
	pts := series(blocks, now-3600*1000)
	if len(pts) > chartPoints || len(pts) < chartPoints/2 {
		t.Fatalf("%d points", len(pts))
	}
	n, txs := 0, 0
	for _, p := range pts {
		n += p.Blocks
		txs += p.Txs
		if p.IntervalMs != 1000 {
			t.Fatalf("point %+v: interval %d, want 1000", p, p.IntervalMs)
		}
	}
	want := 0
	for _, b := range blocks[5000-3601:] {
		want += b.Txs
	}
	if n != 3601 || txs != want || pts[len(pts)-1].Height != 5000 {
		t.Fatalf("%d blocks, %d txs (want 3601, %d), last %d", n, txs, want, pts[len(pts)-1].Height)
	}
	if got := series(blocks[:1], 0); len(got) != 0 {
		t.Fatalf("one block: %+v", got)
	}
	if got := series(nil, 0); len(got) != 0 {
		t.Fatalf("no block: %+v", got)
	}
}
