//go:build linux && cgo

package sysmem

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int arena_cap;

// cap_arenas runs as the program loads, before the Go runtime starts its
// threads: an arena, once made, stays.
__attribute__((constructor)) static void cap_arenas(void) {
#ifdef M_ARENA_MAX
	if (getenv("MALLOC_ARENA_MAX") == NULL && mallopt(M_ARENA_MAX, 2) == 1)
		arena_cap = 2;
#endif
}

static int get_arena_cap(void) { return arena_cap; }

// heaps counts the allocator's arenas as malloc_info reports them (-1:
// unknown).
static int heaps(void) {
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) return -1;
	if (malloc_info(0, f) != 0) { fclose(f); free(buf); return -1; }
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) n++;
	free(buf);
	return n;
}

// churn allocates and frees blocks of C memory, as pebble's block cache
// does.
static void churn(int rounds) {
	void *held[64];
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < 64; i++) held[i] = malloc(4096 + 512 * i);
		for (int i = 0; i < 64; i++) free(held[i]);
	}
}
*/
import "C"

// MallocArenas is the cap this program set on the C allocator's arenas as
// it loaded, 0 if none: glibc's, unless the MALLOC_ARENA_MAX environment
// variable sets one itself. Pebble's block cache and memtables live in C
// memory; glibc gives threads arenas of their own, up to eight per core, and
// a freed block stays in the arena that held it, so without the cap a node's
// resident memory outgrew its configured caches by tens of MiB.
func MallocArenas() int { return int(C.get_arena_cap()) }

// mallocHeaps is how many arenas the C allocator has made (-1: unknown).
func mallocHeaps() int { return int(C.heaps()) }

// mallocChurn allocates and frees C memory on the calling thread.
func mallocChurn(rounds int) { C.churn(C.int(rounds)) }
