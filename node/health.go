package node

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	cmtnode "github.com/cometbft/cometbft/node"

	"github.com/redmx/redmx/app"
)

// health answers /healthz (the process is up) and /readyz (consensus alive
// and caught up), for load balancers and monitoring.
type health struct {
	app           *app.App
	cmt           *cmtnode.Node
	consensusDone <-chan struct{}
	maxBlockAge   time.Duration
	now           func() time.Time
	clock         *clockOffset // nil: not estimated
}

// Readiness is the JSON answer of /readyz.
type Readiness struct {
	Ready  bool   `json:"ready"`
	Height int64  `json:"height"`
	Reason string `json:"reason,omitempty"` // why not ready
	// LastBlockAge is the age of the last block, rounded to the millisecond
	// ("" before the first block).
	LastBlockAge string `json:"last_block_age,omitempty"`
	// ClockOffset is this node's clock minus the chain's, estimated from
	// the blocks it commits (clock.go), in milliseconds; absent until
	// known. It is reported, not judged: a node off by seconds still
	// follows the chain, and its log warns.
	ClockOffsetMs *int64 `json:"clock_offset_ms,omitempty"`
}

// readiness says whether this node follows a live chain: not halted, its
// consensus running and not catching up, and its last block younger than
// maxBlockAge. A chain that stopped (too little power online) leaves every
// node's last block ageing, so none answers ready.
func (h *health) readiness() Readiness {
	var r Readiness
	bs := h.cmt.BlockStore()
	r.Height = bs.Height()
	if r.Height > 0 {
		if meta := bs.LoadBlockMeta(r.Height); meta != nil {
			r.LastBlockAge = h.now().Sub(meta.Header.Time).Round(time.Millisecond).String()
			if age := h.now().Sub(meta.Header.Time); age > h.maxBlockAge {
				r.Reason = fmt.Sprintf("no block for %s (the last, %d, at %s; the bound is %s)",
					age.Round(time.Second), r.Height, meta.Header.Time.UTC().Format(time.RFC3339), h.maxBlockAge)
			}
		}
	}
	select {
	case <-h.consensusDone:
		r.Reason = "consensus stopped"
	default:
	}
	switch {
	case h.app.HaltErr() != nil:
		r.Reason = "halted: " + h.app.HaltErr().Error()
	case r.Reason != "":
	case h.cmt.ConsensusReactor().WaitSync():
		r.Reason = "catching up: syncing blocks from peers"
	case r.Height == 0:
		r.Reason = "no block yet"
	}
	r.Ready = r.Reason == ""
	if h.clock != nil {
		if d, ok := h.clock.get(); ok {
			ms := d.Milliseconds()
			r.ClockOffsetMs = &ms
		}
	}
	return r
}

// serveHealth answers /healthz and /readyz; it reports whether the path was
// one of them.
func (h *health) serveHealth(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
		return true
	case "/readyz":
		rd := h.readiness()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !rd.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(rd) // a client gone is not ours to report
		return true
	}
	return false
}

// withHealth serves /healthz and /readyz before next.
func (h *health) withHealth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if h.serveHealth(w, r) {
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
