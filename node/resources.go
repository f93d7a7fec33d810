package node

import (
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/redmx/redmx/chain"
	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/internal/sysmem"
)

// minMemoryLimit is the lowest Go heap limit set from the host's memory: on
// a smaller host the limit would only make the collector run all the time.
const minMemoryLimit = 256 << 20

// sizeMemory fills in what cfg leaves to the host from total, the bytes
// of memory the node may use (0: unknown): the store's caches (see
// store.Options.Sized), the pool's byte cap (at most a 16th of total), and
// the Go heap's soft limit it returns (0: none to set).
func sizeMemory(cfg *config.Config, total uint64) (limit int64) {
	cfg.Storage = cfg.Storage.Sized(total)
	if total > 0 {
		cfg.Pool.GlobalBytes = min(cfg.Pool.GlobalBytes, total/16)
	}
	if cfg.Memory.LimitMB > 0 {
		return int64(min(cfg.Memory.LimitMB, 1<<40) << 20)
	}
	if total == 0 {
		return 0
	}
	// Pebble's cache and memtables, and the clean trie and state caches,
	// are allocated outside the Go heap.
	outside := uint64(cfg.Storage.CacheMB)<<20*3/2 + 2*uint64(cfg.Storage.TrieCacheMB)<<20
	l := total / 4 * 3
	if l < outside+minMemoryLimit {
		return minMemoryLimit
	}
	return int64(l - outside)
}

// chainCacheBytes bounds each of the chain index's caches of recent blocks
// and of their receipts, which the RPC server reads: a 64th of total, 8 to
// 32 MiB (32 when total is unknown). They live in the Go heap; 16 MiB each
// on a 1 GiB node hold the newest blocks clients poll receipts from: about
// nine of 3,000 token transfers, dozens of smaller ones.
func chainCacheBytes(total uint64) int {
	if total == 0 {
		return chain.DefaultCacheBytes
	}
	return int(min(max(total/64, 8<<20), chain.DefaultCacheBytes))
}

// applyMemoryLimit sets the Go heap's soft limit for the process, unless
// the GOMEMLIMIT environment variable already set one, and logs the budget.
func applyMemoryLimit(logger *slog.Logger, cfg *config.Config, total uint64, limit int64) {
	attrs := []any{"memory_mib", total >> 20, "pebble_cache_mib", cfg.Storage.CacheMB,
		"trie_caches_mib", 2 * cfg.Storage.TrieCacheMB, "chain_caches_mib", 2 * chainCacheBytes(total) >> 20, "state_layers_mib", cfg.Storage.StateLayersMB, "pool_mib", cfg.Pool.GlobalBytes >> 20}
	switch {
	case os.Getenv("GOMEMLIMIT") != "":
		attrs = append(attrs, "go_limit", "GOMEMLIMIT="+os.Getenv("GOMEMLIMIT"))
	case limit > 0:
		debug.SetMemoryLimit(limit)
		attrs = append(attrs, "go_limit_mib", limit>>20)
	}
	if n := sysmem.MallocArenas(); n > 0 {
		attrs = append(attrs, "malloc_arenas", n)
	} else if v := os.Getenv("MALLOC_ARENA_MAX"); v != "" {
		attrs = append(attrs, "malloc_arenas", "MALLOC_ARENA_MAX="+v)
	}
	logger.Info("memory budget", attrs...)
}

// hostMemory is the memory the node may use, 0 when unknown: the host's or
// its cgroup's, or the share cfg gives it if lower.
func hostMemory(cfg config.MemoryConfig) uint64 {
	total, _ := sysmem.Total()
	return memoryShare(cfg, total)
}

func memoryShare(cfg config.MemoryConfig, host uint64) uint64 {
	share := min(cfg.TotalMB, 1<<40) << 20
	if share == 0 || (host > 0 && host < share) {
		return host
	}
	return share
}
