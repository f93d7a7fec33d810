package node

import (
	"testing"

	"github.com/redmx/redmx/config"
)

// TestSizeMemory: caches, the pool's byte cap and the Go heap limit follow
// the memory the node may use, unless config.toml sets them.
func TestSizeMemory(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		total                uint64
		edit                 func(*config.Config)
		cache, trie, poolMiB int
		limitMiB             int64
	}{
		{"2 GiB host", 2 << 30, nil, 64, 32, 128, 1536 - 96 - 64},
		{"1 GiB host", 1 << 30, nil, 32, 32, 64, 768 - 48 - 64},
		{"512 MiB host", 512 << 20, nil, 32, 32, 32, 384 - 48 - 64},
		{"256 MiB host: the floor", 256 << 20, nil, 32, 32, 16, 256},
		{"8 GiB host", 8 << 30, nil, 256, 64, 256, 6144 - 384 - 128},
		{"unknown", 0, nil, 256, 64, 256, 0},
		{"set in config.toml", 2 << 30, func(c *config.Config) { c.Storage.CacheMB = 512; c.Memory.LimitMB = 1800 }, 512, 32, 128, 1800},
	} {
		cfg := config.Default()
		if tc.edit != nil {
			tc.edit(&cfg)
		}
		limit := sizeMemory(&cfg, tc.total)
		s := cfg.Storage
		if s.CacheMB != tc.cache || s.TrieCacheMB != tc.trie || cfg.Pool.GlobalBytes != uint64(tc.poolMiB)<<20 || limit != tc.limitMiB<<20 {
			t.Errorf("%s: cache %d, trie %d, pool %d MiB, limit %d MiB; want %d, %d, %d, %d",
				tc.name, s.CacheMB, s.TrieCacheMB, cfg.Pool.GlobalBytes>>20, limit>>20, tc.cache, tc.trie, tc.poolMiB, tc.limitMiB)
		}
	}
}

// TestMemoryShare: total_mb lowers the memory the node sizes itself from,
// never raises it above the host's.
func TestMemoryShare(t *testing.T) {
	for _, tc := range []struct {
		totalMB    uint64
		host, want uint64
	}{
		{0, 8 << 30, 8 << 30},
		{2048, 8 << 30, 2 << 30},
		{16384, 8 << 30, 8 << 30},
		{2048, 0, 2 << 30}, // the host's unknown
		{0, 0, 0},
	} {
		if got := memoryShare(config.MemoryConfig{TotalMB: tc.totalMB}, tc.host); got != tc.want {
			t.Errorf("total_mb %d on a host of %d MiB: %d MiB, want %d", tc.totalMB, tc.host>>20, got>>20, tc.want>>20)
		}
	}
}

// TestChainCacheBytes: the caches of recent blocks and receipts follow the
// memory the node may use, within 8 to 32 MiB.
func TestChainCacheBytes(t *testing.T) {
	for _, tc := range []struct {
		total uint64
		want  int
	}{
		{0, 32 << 20}, // unknown
		{256 << 20, 8 << 20},
		{512 << 20, 8 << 20},
		{1 << 30, 16 << 20},
		{2 << 30, 32 << 20},
		{64 << 30, 32 << 20},
	} {
		if got := chainCacheBytes(tc.total); got != tc.want {
			t.Errorf("%d MiB: %d MiB, want %d", tc.total>>20, got>>20, tc.want>>20)
		}
	}
}
