package metrics

import (
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/txpool"
)

// Namespace prefixes every redmx series.
const Namespace = "redmx"

// Other is the label value of a pool reason, RPC method or governance
// function outside the known ones.
const Other = "other"

// Metrics is one node's registry and its series. A nil *Metrics records
// nothing: the node's parts call it unconditionally.
type Metrics struct {
	reg *prometheus.Registry

	blockExec   prometheus.Histogram
	blockCommit prometheus.Histogram
	height      prometheus.Gauge
	blockTxs    prometheus.Gauge
	txs         prometheus.Counter
	blockGas    prometheus.Gauge
	gas         *prometheus.CounterVec // by kind: governance allowance or capital

	poolAdmitted *prometheus.CounterVec // by lane
	poolRefused  *prometheus.CounterVec // by reason
	poolEvicted  *prometheus.CounterVec // by reason

	rpcRequests *prometheus.CounterVec   // by method
	rpcDuration *prometheus.HistogramVec // by method ("batch" for a batch)
	rpcMethods  map[string]bool

	govCalls *prometheus.CounterVec // by function and status

	clockOffset prometheus.Gauge
}

// Lane label values of the pool's series.
const (
	LaneMember   = "member"
	LaneNoRecord = "no_record"
)

// New returns a registry with the Go runtime's and the process's collectors
// and redmx's series. rpcMethods are the JSON-RPC methods the node serves:
// others are counted as "other".
func New(rpcMethods []string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := factory{reg}
	m := &Metrics{
		reg: reg,
		// Blocks take milliseconds idle and seconds under load.
		blockExec: f.histogram("block_execution_seconds", "Time to execute a committed block's transactions (in ProcessProposal or FinalizeBlock).",
			prometheus.ExponentialBuckets(0.001, 2, 14)),
		blockCommit: f.histogram("block_commit_seconds", "Time to write a block, its receipts and its state to disk in Commit.",
			prometheus.ExponentialBuckets(0.001, 2, 14)),
		height:   f.gauge("block_height", "Height of the last committed block."),
		blockTxs: f.gauge("block_transactions", "Transactions in the last committed block."),
		txs:      f.counter("transactions_total", "Transactions in committed blocks."),
		blockGas: f.gauge("block_gas_used", "Gas used by the last committed block."),
		gas: f.counterVec("gas_charged_total", "Gas used by committed transactions, by what it is charged to: \"governance\" (calls to the governance contract, from the members' governance allowance) or \"capital\" (every other transaction, from its payer's capital).",
			"kind"),
		poolAdmitted: f.counterVec("txpool_admitted_total", "Transactions the pool accepted, by lane (\"member\": accounts of a record; \"no_record\": the applications lane).", "lane"),
		poolRefused:  f.counterVec("txpool_refused_total", "Transactions the pool refused, by reason.", "reason"),
		poolEvicted:  f.counterVec("txpool_evicted_total", "Transactions that left the pool without being mined, by reason.", "reason"),
		rpcRequests:  f.counterVec("rpc_requests_total", "JSON-RPC calls over HTTP, by method (each call of a batch counts).", "method"),
		rpcDuration: f.histogramVec("rpc_request_duration_seconds", "Time to answer a JSON-RPC HTTP request, by method (\"batch\" for a batch).",
			prometheus.ExponentialBuckets(0.0005, 2, 16), "method"),
		rpcMethods:  make(map[string]bool, len(rpcMethods)),
		govCalls:    f.counterVec("governance_calls_total", "Committed transactions calling the governance contract, by function and status (\"ok\" or \"failed\").", "function", "status"),
		clockOffset: f.gauge("clock_offset_seconds", "This node's clock minus the chain's, estimated from the times of the blocks it commits in consensus (the median of the last 15; 0 until 5 are seen). Beyond a few seconds, check the host's time synchronisation."),
	}
	for _, name := range rpcMethods {
		m.rpcMethods[name] = true
	}
	m.zero()
	return m
}

// zero makes every known label value of the pool, gas and governance series
// present from the start at 0, so that rates and alerts see them before
// their first event.
func (m *Metrics) zero() {
	for _, lane := range []string{LaneMember, LaneNoRecord} {
		m.poolAdmitted.WithLabelValues(lane)
	}
	for _, r := range refusals {
		m.poolRefused.WithLabelValues(r.reason)
	}
	m.poolRefused.WithLabelValues("gate")
	m.poolRefused.WithLabelValues(Other)
	for _, kind := range txpool.EvictionKinds {
		m.poolEvicted.WithLabelValues(kind)
	}
	for _, kind := range []string{"governance", "capital"} {
		m.gas.WithLabelValues(kind)
	}
	for name := range governance.ABI.Methods {
		for _, status := range []string{"ok", "failed"} {
			m.govCalls.WithLabelValues(name, status)
		}
	}
}

// Registry is where the node's series are, for CometBFT's and for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's text format, a few scrapes
// at once.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{MaxRequestsInFlight: 4, Timeout: 10 * time.Second})
}

// SetHeight sets the height gauge, as a node starts from its store.
func (m *Metrics) SetHeight(h uint64) {
	if m != nil {
		m.height.Set(float64(h))
	}
}

// SetClockOffset sets the estimate of this node's clock offset from the
// chain's.
func (m *Metrics) SetClockOffset(d time.Duration) {
	if m != nil {
		m.clockOffset.Set(d.Seconds())
	}
}

// BlockCommitted records a committed block: how long it took to execute and
// to commit, its transactions and gas, and its calls to governance.
func (m *Metrics) BlockCommitted(block *types.Block, receipts types.Receipts, exec, commit time.Duration) {
	if m == nil {
		return
	}
	m.blockExec.Observe(exec.Seconds())
	m.blockCommit.Observe(commit.Seconds())
	m.height.Set(float64(block.NumberU64()))
	txs := block.Transactions()
	m.blockTxs.Set(float64(len(txs)))
	m.txs.Add(float64(len(txs)))
	m.blockGas.Set(float64(block.GasUsed()))
	// Only the receipts' consensus fields are read: the app's event feed
	// derives the others (GasUsed among them) in place meanwhile.
	var govGas, otherGas, cumulative uint64
	for i, tx := range txs {
		if i >= len(receipts) {
			break
		}
		r := receipts[i]
		used := r.CumulativeGasUsed - min(cumulative, r.CumulativeGasUsed)
		cumulative = r.CumulativeGasUsed
		if to := tx.To(); to != nil && *to == governance.Address {
			govGas += used
			status := "ok"
			if r.Status != types.ReceiptStatusSuccessful {
				status = "failed"
			}
			m.govCalls.WithLabelValues(GovernanceFunction(tx.Data()), status).Inc()
			continue
		}
		otherGas += used
	}
	m.gas.WithLabelValues("governance").Add(float64(govGas))
	m.gas.WithLabelValues("capital").Add(float64(otherGas))
}

// GovernanceFunction is the name of the governance function an input calls,
// or [Other].
func GovernanceFunction(input []byte) string {
	if len(input) < 4 {
		return Other
	}
	method, err := governance.ABI.MethodById(input[:4])
	if err != nil {
		return Other
	}
	return method.Name
}

// Admitted counts a transaction the pool accepted.
func (m *Metrics) Admitted(noRecord bool) {
	if m == nil {
		return
	}
	lane := LaneMember
	if noRecord {
		lane = LaneNoRecord
	}
	m.poolAdmitted.WithLabelValues(lane).Inc()
}

// Refused counts a refusal by the pool, by [RefusalReason].
func (m *Metrics) Refused(err error) {
	if m != nil {
		m.poolRefused.WithLabelValues(RefusalReason(err)).Inc()
	}
}

// Evicted counts a transaction that left the pool unmined; reason is one of
// txpool's eviction kinds.
func (m *Metrics) Evicted(reason string) {
	if m != nil {
		m.poolEvicted.WithLabelValues(reason).Inc()
	}
}

var _ txpool.Observer = (*Metrics)(nil)

// WatchPool reports the pool's sizes at each scrape, by lane and state.
func (m *Metrics) WatchPool(usage func() txpool.Usage) {
	if m == nil {
		return
	}
	m.reg.MustRegister(poolCollector{usage: usage})
}

// WatchStateLayers reports, at each scrape, what the newest states held in
// memory amount to (the store's state_layers_mb bounds it).
func (m *Metrics) WatchStateLayers(bytes func() uint64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "state_layers_bytes",
		Help: "The newest states held in memory as layers over the state on disk, in bytes as the trie database counts them, after the last block.",
	}, func() float64 { return float64(bytes()) }))
}

var (
	poolTxsDesc = prometheus.NewDesc(Namespace+"_txpool_transactions",
		"Transactions in the pool, by lane (\"member\", \"no_record\") and state (\"pending\": executable; \"queued\": waiting for a nonce gap).",
		[]string{"lane", "state"}, nil)
	poolBytesDesc = prometheus.NewDesc(Namespace+"_txpool_bytes",
		"Encoded bytes of the pool's transactions, by lane.", []string{"lane"}, nil)
)

type poolCollector struct{ usage func() txpool.Usage }

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolTxsDesc
	ch <- poolBytesDesc
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	u := c.usage()
	laneQueued := u.Lane - u.LanePending
	for _, v := range []struct {
		lane, state string
		n           int
	}{
		{LaneMember, "pending", u.Pending - u.LanePending},
		{LaneMember, "queued", u.Queued - laneQueued},
		{LaneNoRecord, "pending", u.LanePending},
		{LaneNoRecord, "queued", laneQueued},
	} {
		ch <- prometheus.MustNewConstMetric(poolTxsDesc, prometheus.GaugeValue, float64(v.n), v.lane, v.state)
	}
	ch <- prometheus.MustNewConstMetric(poolBytesDesc, prometheus.GaugeValue, float64(u.Bytes-u.LaneBytes), LaneMember)
	ch <- prometheus.MustNewConstMetric(poolBytesDesc, prometheus.GaugeValue, float64(u.LaneBytes), LaneNoRecord)
}

// factory makes redmx's series registered in reg.
type factory struct{ reg *prometheus.Registry }

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}
