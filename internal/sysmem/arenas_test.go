package sysmem

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestMallocArenas: threads allocating C memory at once share at most the
// two arenas the program capped the allocator at as it loaded, and
// MALLOC_ARENA_MAX, when set, is left to decide. Each case runs in a fresh
// process, since arenas, once made, stay.
func TestMallocArenas(t *testing.T) {
	if mallocHeaps() < 0 {
		t.Skip("no glibc allocator to ask")
	}
	if os.Getenv("SYSMEM_ARENAS_CHILD") != "" {
		var wg sync.WaitGroup
		for range 4 * runtime.NumCPU() {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				mallocChurn(5_000)
			})
		}
		wg.Wait()
		os.Stdout.WriteString("cap=" + strconv.Itoa(MallocArenas()) + " heaps=" + strconv.Itoa(mallocHeaps()) + "\n")
		return
	}
	run := func(env ...string) (capped, heaps int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMallocArenas$", "-test.count=1")
		cmd.Env = append(os.Environ(), append(env, "SYSMEM_ARENAS_CHILD=1")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", env, err, out)
		}
		_, line, _ := strings.Cut(string(out), "cap=")
		f := strings.Fields(strings.ReplaceAll(line, "heaps=", " "))
		if len(f) < 2 {
			t.Fatalf("%v: no counts in\n%s", env, out)
		}
		capped, err1 := strconv.Atoi(f[0])
		heaps, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("%v: no counts in\n%s", env, out)
		}
		return capped, heaps
	}
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		t.Skip("MALLOC_ARENA_MAX is set here: the cap is left to it")
	}
	capped, heaps := run()
	if capped != 2 || heaps > 2 {
		t.Errorf("cap %d, %d arenas after %d threads allocated at once: want the cap at 2 and at most 2 arenas", capped, heaps, 4*runtime.NumCPU())
	}
	if c, h := run("MALLOC_ARENA_MAX=16"); c != 0 {
		t.Errorf("MALLOC_ARENA_MAX=16 set: the program set its own cap %d too (%d arenas)", c, h)
	} else {
		t.Logf("arenas: %d capped at 2, %d with MALLOC_ARENA_MAX=16", heaps, h)
	}
}
