package rpc

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/filters"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

// codeLimitExceeded is EIP-1474's "limit exceeded", which providers use for
// queries past their caps.
const codeLimitExceeded = -32005

// errFilterNotFound is go-ethereum's text for an unknown or expired filter.
var errFilterNotFound = errors.New("filter not found")

// logsAPI overrides go-ethereum's eth_getLogs, eth_newFilter,
// eth_getFilterLogs, eth_getFilterChanges and eth_uninstallFilter to apply
// the block-range and result caps.
//
// go-ethereum checks its RangeLimit before it resolves "latest" (which it
// counts as 2^64-1), so any range ending at latest would be refused; here the
// tags are resolved against the head first and the cap is checked on the real
// numbers, with go-ethereum's error. The filter system itself runs with no
// range limit. go-ethereum has no result cap; it is checked after the search.
type logsAPI struct {
	b          Backend
	inner      *filters.FilterAPI
	maxRange   uint64 // 0: no limit
	maxResults int    // 0: no limit
	timeout    time.Duration

	mu      sync.Mutex
	filters map[gethrpc.ID]*logFilter // criteria of the log filters, for eth_getFilterLogs
}

type logFilter struct {
	crit     filters.FilterCriteria
	lastUsed time.Time
}

func newLogsAPI(b Backend, inner *filters.FilterAPI, cfg Config) *logsAPI {
	timeout := cfg.FilterTimeout
	if timeout <= 0 {
		timeout = defaultFilterTimeout
	}
	return &logsAPI{
		b:          b,
		inner:      inner,
		maxRange:   cfg.LogsMaxRange,
		maxResults: cfg.LogsMaxResults,
		timeout:    timeout,
		filters:    make(map[gethrpc.ID]*logFilter),
	}
}

// GetLogs returns the logs matching crit in committed blocks.
func (api *logsAPI) GetLogs(ctx context.Context, crit filters.FilterCriteria) ([]*types.Log, error) {
	if crit.BlockHash == nil {
		resolved, err := api.checkRange(crit)
		if err != nil {
			return nil, err
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
// criteria for the range cap of eth_getFilterLogs.
func (api *logsAPI) NewFilter(crit filters.FilterCriteria) (gethrpc.ID, error) {
	id, err := api.inner.NewFilter(crit)
	if err != nil {
		return id, err
	}
	now := time.Now()
	api.mu.Lock()
	defer api.mu.Unlock()
	// go-ethereum drops a filter idle for its timeout at its next sweep, one
	// timeout later at most; forget what it must have dropped.
	for fid, f := range api.filters {
		if now.Sub(f.lastUsed) > 2*api.timeout+time.Minute {
			delete(api.filters, fid)
		}
	}
	api.filters[id] = &logFilter{crit: crit, lastUsed: now}
	return id, nil
}

// GetFilterChanges returns what the filter collected since the last poll.
func (api *logsAPI) GetFilterChanges(id gethrpc.ID) (any, error) {
	res, err := api.inner.GetFilterChanges(id)
	api.touch(id, err)
	return res, err
}

// GetFilterLogs runs a log filter's criteria as eth_getLogs does.
func (api *logsAPI) GetFilterLogs(ctx context.Context, id gethrpc.ID) ([]*types.Log, error) {
	api.mu.Lock()
	f := api.filters[id]
	api.mu.Unlock()
	if f != nil && f.crit.BlockHash == nil {
		if _, err := api.checkRange(f.crit); err != nil {
			return nil, err
		}
	}
	logs, err := api.inner.GetFilterLogs(ctx, id)
	api.touch(id, err)
	if err != nil {
		return nil, err
	}
	return logs, api.checkResults(logs)
}

// UninstallFilter removes a filter; it reports whether there was one.
func (api *logsAPI) UninstallFilter(id gethrpc.ID) bool {
	api.mu.Lock()
	delete(api.filters, id)
	api.mu.Unlock()
	return api.inner.UninstallFilter(id)
}

// touch notes a use of filter id, or forgets it if go-ethereum no longer has it.
func (api *logsAPI) touch(id gethrpc.ID, err error) {
	api.mu.Lock()
	defer api.mu.Unlock()
	f := api.filters[id]
	switch {
	case f == nil:
	case err != nil && err.Error() == errFilterNotFound.Error():
		delete(api.filters, id)
	default:
		f.lastUsed = time.Now()
	}
}

// checkRange resolves crit's block tags against the head (latest, safe and
// finalized are the head, earliest is 0; pending is left for go-ethereum to
// refuse) and checks the range against the cap.
func (api *logsAPI) checkRange(crit filters.FilterCriteria) (filters.FilterCriteria, error) {
	head := api.b.Head().Number.Int64()
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

func (api *logsAPI) checkResults(logs []*types.Log) error {
	if api.maxResults > 0 && len(logs) > api.maxResults {
		return &jsonError{code: codeLimitExceeded, msg: fmt.Sprintf("query returned more than %d results", api.maxResults)}
	}
	return nil
}
