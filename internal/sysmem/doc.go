// Package sysmem reads how much memory this process may use, to size the
// node's caches and the Go heap's soft limit, and caps the C allocator's
// arenas as the program loads (see [MallocArenas]).
package sysmem
