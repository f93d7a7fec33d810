package dashboard

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redmx/redmx/dashboard/status"
	"github.com/redmx/redmx/rpc"
)

//go:embed static
var staticFiles embed.FS

// Timing of the dashboard's work.
const (
	// tick is how often new blocks are looked for and the snapshot made.
	tick = 500 * time.Millisecond
	// snapshotEvery bounds the snapshot's age without new blocks (states
	// of nodes age with the clock).
	snapshotEvery = time.Second
	// govEvery bounds how often governance is read (on a new block).
	govEvery   = 3 * time.Second
	govTimeout = 5 * time.Second
	// DefaultHaltAfter: no block for longer is a halted chain.
	DefaultHaltAfter = 15 * time.Second
	// haltLowPower: no block for longer while the validators online hold
	// 2/3 of the power or less is a halted chain.
	haltLowPower = 3 * time.Second
)

// Peer is a connected p2p peer.
type Peer struct {
	ID      string `json:"node_id"`
	Moniker string `json:"moniker"`
	Addr    string `json:"addr"`
	Inbound bool   `json:"inbound"`
}

// Config is what a dashboard reads.
type Config struct {
	Backend  rpc.Backend // the node's chain, state and pool
	Blocks   Blocks      // CometBFT's stores
	Book     *status.Book
	Peers    func() []Peer
	NodeID   string // this node's
	Moniker  string
	ChainID  string   // CometBFT's
	Upgrades []string // upgrades this binary implements
	// HaltAfter: no block for longer shows the chain halted (0: DefaultHaltAfter).
	HaltAfter time.Duration
	Logger    *slog.Logger
}

// Server serves the dashboard: the page, and its read-only JSON API from
// snapshots that [Server.Run] makes as blocks come, never per request.
type Server struct {
	cfg     Config
	tracker *tracker
	static  http.Handler

	snapshot atomic.Pointer[[]byte]
	gov      atomic.Pointer[govSnapshot]
	govJSON  atomic.Pointer[[]byte]

	mu         sync.Mutex
	lastBlock  time.Time // when this node last saw a new block
	lastHeight int64
}

// New makes a dashboard over cfg; [Server.Run] keeps it current.
func New(cfg Config) *Server {
	if cfg.HaltAfter <= 0 {
		cfg.HaltAfter = DefaultHaltAfter
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	s := &Server{cfg: cfg, tracker: newTracker(cfg.Blocks), static: http.StripPrefix("/dashboard/", http.FileServerFS(sub))}
	empty := []byte("{}")
	s.snapshot.Store(&empty)
	s.govJSON.Store(&empty)
	return s
}

// Run keeps the snapshots current until ctx ends.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(tick)
	defer t.Stop()
	var lastSnap, lastGov time.Time
	var govHead uint64
	for {
		fresh := s.tracker.update()
		now := time.Now()
		if fresh {
			s.mu.Lock()
			s.lastBlock = now
			s.mu.Unlock()
		}
		if head := s.cfg.Backend.Head(); head != nil && head.Number.Uint64() != govHead && now.Sub(lastGov) >= govEvery {
			// The head and its state in one step (see rpc.Backend).
			st, at, err := s.cfg.Backend.HeadState()
			if at != nil {
				head = at
			}
			gctx, cancel := context.WithTimeout(ctx, govTimeout)
			g := readGovernance(gctx, s.cfg.Backend, head, st, err)
			cancel()
			s.gov.Store(g)
			if data, err := json.Marshal(g); err == nil {
				s.govJSON.Store(&data)
			}
			govHead, lastGov = head.Number.Uint64(), now
			fresh = true
		}
		if fresh || now.Sub(lastSnap) >= snapshotEvery {
			if data, err := json.Marshal(s.build(now)); err == nil {
				s.snapshot.Store(&data)
			} else {
				s.cfg.Logger.Error("dashboard snapshot", "err", err)
			}
			lastSnap = now
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Snapshot is the dashboard's network and nodes view at a time.
type Snapshot struct {
	NowMs    int64     `json:"now_ms"`
	Self     Self      `json:"self"`
	Network  Network   `json:"network"`
	Nodes    []NodeRow `json:"nodes"`
	Alerts   []Alert   `json:"alerts"`
	Upgrades []Upgrade `json:"upgrades"`
}

// Self is the node serving the dashboard.
type Self struct {
	NodeID   string   `json:"node_id"`
	Moniker  string   `json:"moniker"`
	ChainID  string   `json:"chain_id"`
	EVMChain uint64   `json:"evm_chain_id"`
	Version  string   `json:"version"`
	Upgrades []string `json:"upgrades"`
}

// Network is the chain as this node sees it.
type Network struct {
	Height       int64          `json:"height"`
	LastBlockMs  int64          `json:"last_block_ms"`  // the block's own time
	SinceBlockMs int64          `json:"since_block_ms"` // since this node saw a new block
	Halted       bool           `json:"halted"`
	Chart        []Point        `json:"chart"` // the last hour
	ChartBlocks  int            `json:"chart_blocks"`
	Validators   []ValidatorRow `json:"validators"`
	TotalPower   int64          `json:"total_power"`
	OnlinePower  int64          `json:"online_power"`
	Rotation     []string       `json:"rotation"`
	Evidence     []EvidenceRec  `json:"evidence"`
	MissWindow   int            `json:"miss_window"`
	FirstCommit  int64          `json:"first_commit"`
	LastCommit   int64          `json:"last_commit"`
}

// NodeRow is one node: known to governance, a peer, or a reporter.
type NodeRow struct {
	NodeID     string            `json:"node_id"`
	Moniker    string            `json:"moniker"`
	Collective string            `json:"collective,omitempty"`
	Role       string            `json:"role,omitempty"` // validator or observer, by governance
	GovStatus  string            `json:"gov_status,omitempty"`
	Validator  string            `json:"validator,omitempty"`
	Power      int64             `json:"power"`
	Self       bool              `json:"self"`
	Peer       bool              `json:"peer"`
	State      string            `json:"state"`            // online, unhealthy, stale, offline; or removed, suspended by governance
	Reason     string            `json:"reason,omitempty"` // why a node is not online, when governance says
	Status     *status.NodeState `json:"status,omitempty"`
	LowMemory  bool              `json:"low_memory"`
	LowDisk    bool              `json:"low_disk"`
}

// Alert is a problem the page shows.
type Alert struct {
	Level string `json:"level"` // critical or warning
	Kind  string `json:"kind"`
	Text  string `json:"text"`
}

// Upgrade is a scheduled upgrade.
type Upgrade struct {
	Name   string `json:"name"`
	Height uint64 `json:"height"`
	Known  bool   `json:"known_here"`
}

func (s *Server) build(now time.Time) Snapshot {
	cv := s.tracker.view()
	g := s.gov.Load()
	snap := Snapshot{NowMs: now.UnixMilli(), Self: Self{NodeID: s.cfg.NodeID, Moniker: s.cfg.Moniker, ChainID: s.cfg.ChainID,
		EVMChain: s.cfg.Backend.ChainID(), Version: s.cfg.Backend.ClientVersion(), Upgrades: s.cfg.Upgrades}}
	net := Network{Chart: series(cv.Blocks, now.Add(-time.Hour).UnixMilli()), Validators: cv.Validators, TotalPower: cv.TotalPower, Rotation: cv.Rotation,
		Evidence: cv.Evidence, MissWindow: cv.Commits, FirstCommit: cv.FirstCommit, LastCommit: cv.LastCommit}
	for _, p := range net.Chart {
		net.ChartBlocks += p.Blocks
	}
	if n := len(cv.Blocks); n > 0 {
		net.Height, net.LastBlockMs = cv.Blocks[n-1].Height, cv.Blocks[n-1].TimeMs
	}
	s.mu.Lock()
	if !s.lastBlock.IsZero() {
		net.SinceBlockMs = now.Sub(s.lastBlock).Milliseconds()
	}
	s.mu.Unlock()

	// Nodes: governance's records, then peers and reporters it does not list.
	rows := map[string]*NodeRow{}
	row := func(id string) *NodeRow {
		id = strings.ToLower(id)
		r, ok := rows[id]
		if !ok {
			r = &NodeRow{NodeID: id, State: status.Offline}
			rows[id] = r
		}
		return r
	}
	byAddr := map[string]*NodeRow{}
	if g != nil {
		for _, n := range g.Nodes {
			r := row(n.ID)
			r.Collective, r.Role, r.GovStatus, r.Validator = n.Collective, n.Role, n.Status, n.Address
		}
	}
	if s.cfg.Peers != nil {
		for _, p := range s.cfg.Peers() {
			r := row(p.ID)
			r.Peer, r.Moniker = true, p.Moniker
		}
	}
	self := row(s.cfg.NodeID)
	self.Self, self.Moniker = true, s.cfg.Moniker
	if s.cfg.Book != nil {
		for _, st := range s.cfg.Book.States(now) {
			r := row(st.Report.NodeID)
			r.Status = &st
			r.State = st.State
			if st.Report.Moniker != "" {
				r.Moniker = st.Report.Moniker
			}
			if r.Validator == "" {
				r.Validator = st.Report.Validator
			}
			res := st.Report.Resources
			r.LowMemory = res.MemTotal > 0 && res.MemTotal < status.MinMemory
			r.LowDisk = res.DiskTotal > 0 && res.DiskFree < status.MinDisk
		}
	}
	for _, r := range rows {
		excluded(r)
		if r.Validator != "" {
			byAddr[strings.ToUpper(r.Validator)] = r
		}
	}
	for i := range net.Validators {
		v := &net.Validators[i]
		if r, ok := byAddr[v.Address]; ok {
			v.NodeID, v.Collective, v.Moniker = r.NodeID, r.Collective, r.Moniker
			r.Power = v.Power
			if r.Role == "" {
				r.Role = "validator"
			}
			if r.State == status.Online {
				net.OnlinePower += v.Power
			}
		}
	}
	for _, r := range rows {
		snap.Nodes = append(snap.Nodes, *r)
	}
	sort.Slice(snap.Nodes, func(i, j int) bool {
		a, b := snap.Nodes[i], snap.Nodes[j]
		if a.Moniker != b.Moniker {
			return a.Moniker < b.Moniker
		}
		return a.NodeID < b.NodeID
	})
	// Halted: no block for HaltAfter, or sooner when the validators online
	// hold too little power to make one.
	lowPower := net.TotalPower > 0 && net.OnlinePower*3 <= net.TotalPower*2
	net.Halted = net.SinceBlockMs > s.cfg.HaltAfter.Milliseconds() || lowPower && net.SinceBlockMs > haltLowPower.Milliseconds()
	snap.Network = net
	snap.Upgrades = s.upgrades(g)
	snap.Alerts = s.alerts(snap, g)
	return snap
}

// excluded marks a node governance removed or suspended with that state
// and the reason, whatever its last report says: its report stays fresh for
// a while after the vote (the book keeps none after it), and it is a peer
// until the network's nodes apply the vote, but it is not a healthy node of
// the network.
func excluded(r *NodeRow) {
	switch r.GovStatus {
	case "removed", "suspended":
		r.State = r.GovStatus
		r.Reason = r.GovStatus + " by governance: the network's nodes disconnect it, refuse its connections and no longer keep its status reports"
	}
}

func (s *Server) upgrades(g *govSnapshot) []Upgrade {
	names, heights := g.scheduledUpgrades()
	var out []Upgrade
	for i, n := range names {
		u := Upgrade{Name: n, Known: contains(s.cfg.Upgrades, n)}
		if i < len(heights) {
			u.Height = heights[i]
		}
		out = append(out, u)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// Thresholds of the alerts.
const (
	// recentMisses: a validator absent from this many of the last
	// recentCommits commits is missing blocks now (one late vote is not).
	recentCommits = 5
	recentMisses  = 2
	// missShare: or absent from more than this share (per cent) of the window.
	missShare = 10
	// maxSkew: a node whose report time differs more from this node's
	// clock is skewed.
	maxSkew = 2 * time.Second
)

func (s *Server) alerts(snap Snapshot, g *govSnapshot) []Alert {
	var out []Alert
	add := func(level, kind, text string) { out = append(out, Alert{Level: level, Kind: kind, Text: text}) }
	net := snap.Network
	if net.Halted {
		add("critical", "halted", "chain halted: no new block for "+(time.Duration(net.SinceBlockMs)*time.Millisecond).Round(time.Second).String())
	}
	if net.TotalPower > 0 && net.OnlinePower*3 <= net.TotalPower*2 {
		add("critical", "power", sprintf("online validators hold %d of %d power: not more than 2/3, the chain cannot make blocks", net.OnlinePower, net.TotalPower))
	}
	for _, v := range net.Validators {
		name := v.Moniker
		if name == "" {
			name = v.Address
		}
		if v.Recent >= recentMisses || v.Missed*100 > v.Expected*missShare {
			add("warning", "missing", sprintf("validator %s missed %d of the last %d commits, %d of the last %d (last signed block %d)",
				name, v.Missed, v.Expected, v.Recent, recentCommits, v.LastSigned))
		}
	}
	perCollective := map[string]int{}
	if g != nil {
		for _, n := range g.Nodes {
			if f, _ := n.Liveness["flagged"].(bool); f {
				add("warning", "liveness-flagged", sprintf("validator %s (%s) is flagged by the liveness review: %v of the last %v blocks missed, since block %v; the Nodes Commission decides",
					n.ID, n.Collective, n.Liveness["missed"], n.Liveness["window"], n.Liveness["since"]))
			}
			if m := n.Misbehaviour; m != nil {
				add("critical", "double-signing", sprintf("validator %s (%s) signed twice: %v piece(s) of evidence, the last for height %v (committed in block %v); two processes sign with its key: stop the copy; the Nodes Commission decides",
					n.ID, n.Collective, m["equivocations"], m["lastHeight"], m["recordedAt"]))
			}
		}
		for _, n := range g.Nodes {
			if n.Role == "validator" && n.Status == "admitted" {
				perCollective[n.Collective]++
			}
		}
	}
	var colls []string
	for c, n := range perCollective {
		if n == 1 {
			colls = append(colls, c)
		}
	}
	sort.Strings(colls)
	for _, c := range colls {
		add("warning", "single-validator", "collective "+c+" has a single validator")
	}
	names, heights := g.scheduledUpgrades()
	for _, n := range snap.Nodes {
		if n.State == "removed" || n.State == "suspended" {
			continue // out of the network: its row says so and why
		}
		if n.Status == nil {
			if n.GovStatus == "admitted" && !n.Self {
				add("warning", "report", sprintf("node %s (%s, %s) admitted by governance has not reported to this node", n.NodeID, n.Role, n.Collective))
			}
			continue
		}
		name := n.Moniker
		if name == "" {
			name = n.NodeID
		}
		if n.State != status.Offline {
			if skew := time.Duration(n.Status.SkewMs) * time.Millisecond; skew > maxSkew || skew < -maxSkew {
				add("warning", "clock-skew", sprintf("node %s's clock differs from this node's by %s", name, skew.Round(100*time.Millisecond)))
			}
		}
		for i, u := range names {
			if i < len(heights) && int64(heights[i]) > net.Height && !contains(n.Status.Report.Upgrades, u) {
				add("critical", "upgrade", sprintf("node %s runs a binary that does not know upgrade %q at block %d: it will stop there", name, u, heights[i]))
			}
		}
		if n.State == status.Stale || (n.State == status.Offline && n.Role != "") {
			add("warning", "report", sprintf("node %s has not reported for %s", name, (time.Duration(n.Status.AgeMs)*time.Millisecond).Round(time.Second)))
		}
		if n.LowMemory {
			add("warning", "resources", sprintf("node %s has %s of memory, below the minimum of 2 GiB", name, bytesText(n.Status.Report.Resources.MemTotal)))
		}
		if n.LowDisk {
			add("warning", "resources", sprintf("node %s has %s of disk free, below the minimum of 25 GiB", name, bytesText(n.Status.Report.Resources.DiskFree)))
		}
	}
	return out
}

// ServeHTTP serves the page under /dashboard/ and its API under
// /dashboard/api/. Only GET and HEAD: the dashboard changes nothing.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the dashboard is read-only", http.StatusMethodNotAllowed)
		return
	}
	if len(r.URL.RawQuery) > maxQuery {
		http.Error(w, "query too long", http.StatusRequestURITooLong)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	switch p := r.URL.Path; {
	case p == "/dashboard":
		http.Redirect(w, r, "/dashboard/", http.StatusMovedPermanently)
	case p == "/dashboard/api/snapshot":
		s.writeCached(w, s.snapshot.Load())
	case p == "/dashboard/api/governance":
		s.writeCached(w, s.govJSON.Load())
	case p == "/dashboard/api/search":
		s.search(w, r)
	case strings.HasPrefix(p, "/dashboard/api/"):
		http.NotFound(w, r)
	default:
		s.static.ServeHTTP(w, r)
	}
}

func (s *Server) writeCached(w http.ResponseWriter, data *[]byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(*data)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
