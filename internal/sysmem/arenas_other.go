//go:build !linux || !cgo

package sysmem

// MallocArenas is 0: the arena cap is set only with glibc's allocator.
func MallocArenas() int { return 0 }

func mallocHeaps() int { return -1 }

func mallocChurn(int) {}
