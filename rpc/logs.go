package rpc

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/history"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/filters"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// errFilterNotFound is go-ethereum's text for an unknown or expired filter.
var errFilterNotFound = errors.New("filter not found")

// logsAPI overrides go-ethereum's eth_getLogs, eth_newFilter,
// eth_newBlockFilter, eth_newPendingTransactionFilter, eth_getFilterLogs,
// eth_getFilterChanges and eth_uninstallFilter to apply the block-range,
// result and filter caps.
//
// go-ethereum checks its RangeLimit before it resolves "latest" (which it
// counts as 2^64-1), so any range ending at latest would be refused; here the
// tags are resolved against the head first and the cap is checked on the real
// numbers, with go-ethereum's error. go-ethereum has no result cap and
// collects every match of a range before it returns: a range query within
// the chain is searched here instead, as go-ethereum's unindexed search does
// (header bloom, then the block's receipts), stopping at the first log past
// the cap. Queries it would refuse go to go-ethereum for its errors.
//
// Filters are counted node-wide and per client; one unpolled for the filter
// timeout is uninstalled here, at the next install, so that it stops counting.
type logsAPI struct {
	b          Backend
	inner      *filters.FilterAPI
	maxRange   uint64 // 0: no limit
	maxResults int    // 0: no limit
	maxCrit    int    // go-ethereum's LogQueryLimit; 0: no limit
	timeout    time.Duration
	expensive  *gate

	maxFilters, maxPerClient int // 0: no limit

	mu      sync.Mutex
	filters map[gethrpc.ID]*installed
	clients map[string]int // installed filters by client
}

// installed is a filter this node serves; crit is nil for block and
// pending-transaction filters.
type installed struct {
	crit     *filters.FilterCriteria
	client   string
	lastUsed time.Time
}

func newLogsAPI(b Backend, inner *filters.FilterAPI, cfg Config, expensive *gate) *logsAPI {
	timeout := cfg.FilterTimeout
	if timeout <= 0 {
		timeout = defaultFilterTimeout
	}
	return &logsAPI{
		b:            b,
		inner:        inner,
		maxRange:     cfg.LogsMaxRange,
		maxResults:   cfg.LogsMaxResults,
		maxCrit:      logsMaxCriteria,
		timeout:      timeout,
		expensive:    expensive,
		maxFilters:   cfg.MaxFilters,
		maxPerClient: cfg.MaxFiltersPerClient,
		filters:      make(map[gethrpc.ID]*installed),
		clients:      make(map[string]int),
	}
}

// GetLogs returns the logs matching crit in committed blocks.
func (api *logsAPI) GetLogs(ctx context.Context, crit filters.FilterCriteria) ([]*types.Log, error) {
	release, err := api.expensive.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if crit.BlockHash == nil {
		resolved, err := api.checkRange(crit)
		if err != nil {
			return nil, err
		}
		if logs, ok, err := api.search(ctx, resolved); ok {
			return logs, err
		}
		crit = resolved
	}
	logs, err := api.inner.GetLogs(ctx, crit)
	if err != nil {
		return nil, err
	}
	return logs, api.checkResults(logs)
}

// NewFilter installs a log filter, as go-ethereum does, and remembers its
// criteria for eth_getFilterLogs.
func (api *logsAPI) NewFilter(ctx context.Context, crit filters.FilterCriteria) (gethrpc.ID, error) {
	return api.install(ctx, &crit, func() (gethrpc.ID, error) { return api.inner.NewFilter(crit) })
}

// NewBlockFilter installs a filter of new block hashes.
func (api *logsAPI) NewBlockFilter(ctx context.Context) (gethrpc.ID, error) {
	return api.install(ctx, nil, func() (gethrpc.ID, error) { return api.inner.NewBlockFilter(), nil })
}

// NewPendingTransactionFilter installs a filter of the transactions the pool
// accepts (their hashes, or themselves if fullTx).
func (api *logsAPI) NewPendingTransactionFilter(ctx context.Context, fullTx *bool) (gethrpc.ID, error) {
	return api.install(ctx, nil, func() (gethrpc.ID, error) { return api.inner.NewPendingTransactionFilter(fullTx), nil })
}

// install counts a new filter against the caps, after uninstalling the
// filters unpolled for the timeout.
func (api *logsAPI) install(ctx context.Context, crit *filters.FilterCriteria, add func() (gethrpc.ID, error)) (gethrpc.ID, error) {
	client := clientOf(ctx)
	now := time.Now()
	api.mu.Lock()
	for id, f := range api.filters {
		if now.Sub(f.lastUsed) > api.timeout {
			api.forget(id)
			api.inner.UninstallFilter(id)
		}
	}
	switch {
	case api.maxFilters > 0 && len(api.filters) >= api.maxFilters:
		api.mu.Unlock()
		return "", &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("too many installed filters: limit %d; uninstall or let unused ones expire", api.maxFilters)}
	case api.maxPerClient > 0 && api.clients[client] >= api.maxPerClient:
		api.mu.Unlock()
		return "", &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("too many installed filters for this client: limit %d; uninstall or let unused ones expire", api.maxPerClient)}
	}
	// Held while adding, so that concurrent installs cannot pass the caps.
	defer api.mu.Unlock()
	id, err := add()
	if err != nil {
		return id, err
	}
	api.filters[id] = &installed{crit: crit, client: client, lastUsed: now}
	api.clients[client]++
	return id, nil
}

// forget drops filter id from the counts; api.mu is held.
func (api *logsAPI) forget(id gethrpc.ID) {
	f := api.filters[id]
	if f == nil {
		return
	}
	delete(api.filters, id)
	if api.clients[f.client]--; api.clients[f.client] <= 0 {
		delete(api.clients, f.client)
	}
}

// GetFilterChanges returns what the filter collected since the last poll.
func (api *logsAPI) GetFilterChanges(id gethrpc.ID) (any, error) {
	res, err := api.inner.GetFilterChanges(id)
	api.mu.Lock()
	defer api.mu.Unlock()
	if f := api.filters[id]; f != nil {
		if err != nil && err.Error() == errFilterNotFound.Error() {
			api.forget(id)
		} else {
			f.lastUsed = time.Now()
		}
	}
	return res, err
}

// GetFilterLogs runs a log filter's criteria as eth_getLogs does. As in
// go-ethereum, it does not keep the filter alive.
func (api *logsAPI) GetFilterLogs(ctx context.Context, id gethrpc.ID) ([]*types.Log, error) {
	release, err := api.expensive.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	api.mu.Lock()
	var crit *filters.FilterCriteria
	if f := api.filters[id]; f != nil && f.crit != nil && time.Since(f.lastUsed) <= api.timeout {
		crit = f.crit
	}
	api.mu.Unlock()
	if crit != nil && crit.BlockHash == nil {
		resolved, err := api.checkRange(*crit)
		if err != nil {
			return nil, err
		}
		if logs, ok, err := api.search(ctx, resolved); ok {
			return logs, err
		}
	}
	logs, err := api.inner.GetFilterLogs(ctx, id)
	if err != nil {
		if err.Error() == errFilterNotFound.Error() {
			api.mu.Lock()
			api.forget(id)
			api.mu.Unlock()
		}
		return nil, err
	}
	return logs, api.checkResults(logs)
}

// UninstallFilter removes a filter; it reports whether there was one.
func (api *logsAPI) UninstallFilter(id gethrpc.ID) bool {
	api.mu.Lock()
	api.forget(id)
	api.mu.Unlock()
	return api.inner.UninstallFilter(id)
}

// checkRange resolves crit's block tags against the head (latest, safe and
// finalized are the head, earliest is 0; pending is left for go-ethereum to
// refuse) and checks the range against the cap.
func (api *logsAPI) checkRange(crit filters.FilterCriteria) (filters.FilterCriteria, error) {
	h := api.b.Head()
	if h == nil {
		return crit, errNoHead
	}
	head := h.Number.Int64()
	resolve := func(n *big.Int) *big.Int {
		if n == nil {
			return big.NewInt(head)
		}
		switch gethrpc.BlockNumber(n.Int64()) {
		case gethrpc.LatestBlockNumber, gethrpc.SafeBlockNumber, gethrpc.FinalizedBlockNumber:
			return big.NewInt(head)
		case gethrpc.EarliestBlockNumber:
			return new(big.Int)
		}
		return n
	}
	crit.FromBlock, crit.ToBlock = resolve(crit.FromBlock), resolve(crit.ToBlock)
	from, to := crit.FromBlock.Int64(), crit.ToBlock.Int64()
	if api.maxRange > 0 && from >= 0 && to > from && uint64(to-from) > api.maxRange {
		// go-ethereum's error (eth/filters) for a range past its RangeLimit.
		return crit, invalidParams("exceed maximum block range %d", api.maxRange)
	}
	return crit, nil
}

// maxTopics is go-ethereum's limit on topic positions.
const maxTopics = 4

// search finds the logs matching crit, whose tags checkRange resolved, block
// by block, and stops at the first log past the result cap. It reports false
// for a query go-ethereum must answer: one it refuses (too many criteria or
// topics, a reversed range, pending, beyond the head).
func (api *logsAPI) search(ctx context.Context, crit filters.FilterCriteria) ([]*types.Log, bool, error) {
	if crit.BlockHash != nil || crit.FromBlock == nil || crit.ToBlock == nil || len(crit.Topics) > maxTopics {
		return nil, false, nil
	}
	if api.maxCrit > 0 {
		if len(crit.Addresses) > api.maxCrit {
			return nil, false, nil
		}
		for _, t := range crit.Topics {
			if len(t) > api.maxCrit {
				return nil, false, nil
			}
		}
	}
	from, to := crit.FromBlock.Int64(), crit.ToBlock.Int64()
	head := api.b.Head()
	if head == nil || from < 0 || to < from || to > head.Number.Int64() {
		return nil, false, nil
	}
	matches := []*types.Log{}
	for n := uint64(from); n <= uint64(to); n++ {
		if err := ctx.Err(); err != nil {
			return nil, true, err
		}
		h := api.b.HeaderByNumber(n)
		if h == nil {
			// At or below the head: the block was pruned (or precedes
			// the snapshot this node started from).
			return nil, true, &history.PrunedHistoryError{}
		}
		// An empty bloom is a block without logs: its receipts are not
		// read, even for a query that lists no address or topic.
		if h.Bloom == (types.Bloom{}) || !bloomMatches(h.Bloom, crit.Addresses, crit.Topics) {
			continue
		}
		hash := h.Hash()
		var body *types.Block // read only if a log lacks its transaction hash
		for _, r := range api.b.Receipts(hash, n) {
			for _, l := range r.Logs {
				if !logMatches(l, crit.Addresses, crit.Topics) {
					continue
				}
				if api.maxResults > 0 && len(matches) >= api.maxResults {
					return nil, true, api.tooMany()
				}
				cp := *l
				if cp.TxHash == (common.Hash{}) {
					if body == nil {
						if body = api.b.BlockByHash(hash); body == nil {
							return nil, true, fmt.Errorf("block #%d (%s) not found", n, hash)
						}
					}
					if int(cp.TxIndex) < body.Transactions().Len() {
						cp.TxHash = body.Transactions()[cp.TxIndex].Hash()
					}
				}
				matches = append(matches, &cp)
			}
		}
	}
	return matches, true, nil
}

// bloomMatches is go-ethereum's bloom test of a filter: some address, and
// in each topic position some topic, may be in the block.
func bloomMatches(bloom types.Bloom, addresses []common.Address, topics [][]common.Hash) bool {
	if len(addresses) > 0 && !slices.ContainsFunc(addresses, func(a common.Address) bool { return types.BloomLookup(bloom, a) }) {
		return false
	}
	for _, sub := range topics {
		if len(sub) > 0 && !slices.ContainsFunc(sub, func(t common.Hash) bool { return types.BloomLookup(bloom, t) }) {
			return false
		}
	}
	return true
}

// logMatches is go-ethereum's test of one log against a filter.
func logMatches(l *types.Log, addresses []common.Address, topics [][]common.Hash) bool {
	if len(addresses) > 0 && !slices.Contains(addresses, l.Address) {
		return false
	}
	if len(topics) > len(l.Topics) {
		return false
	}
	for i, sub := range topics {
		if len(sub) > 0 && !slices.Contains(sub, l.Topics[i]) {
			return false
		}
	}
	return true
}

func (api *logsAPI) tooMany() error {
	return &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("query returned more than %d results", api.maxResults)}
}

func (api *logsAPI) checkResults(logs []*types.Log) error {
	if api.maxResults > 0 && len(logs) > api.maxResults {
		return api.tooMany()
	}
	return nil
}
