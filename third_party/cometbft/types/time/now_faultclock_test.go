// Added by the redmx authors (third_party/patches/cometbft/0002-*).

//go:build faultclock

package time

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestFaultClockOffset: with CMT_FAULT_CLOCK_OFFSET set, Now is the wall
// clock moved by it (checked in a child process, since the offset is read
// once at start).
func TestFaultClockOffset(t *testing.T) {
	if os.Getenv(OffsetEnv) == "-90s" {
		if d := time.Since(Now()); d < 89*time.Second || d > 91*time.Second {
			t.Fatalf("Now is %s behind the wall clock, want 90s", d)
		}
		return
	}
	if offset != 0 {
		t.Skipf("%s is set to %s in the environment", OffsetEnv, offset)
	}
	if d := time.Since(Now()); d < -time.Second || d > time.Second {
		t.Fatalf("without an offset Now is %s from the wall clock", d)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFaultClockOffset$", "-test.count=1")
	cmd.Env = append(os.Environ(), OffsetEnv+"=-90s")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("with %s=-90s: %v\n%s", OffsetEnv, err, out)
	}
}
