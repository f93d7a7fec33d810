// Added by the redmx authors (third_party/patches/cometbft/0002-*): a clock
// offset for fault tests, compiled only with the build tag faultclock.

//go:build faultclock

package time

import (
	"fmt"
	"os"
	"time"
)

// OffsetEnv names the environment variable that offsets Now in a build with
// the tag faultclock: a Go duration such as "60s" or "-10s". Release builds
// have no such tag and read the clock unchanged.
const OffsetEnv = "CMT_FAULT_CLOCK_OFFSET"

var offset = mustOffset()

func mustOffset() time.Duration {
	v := os.Getenv(OffsetEnv)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		panic(fmt.Sprintf("%s=%q: %v", OffsetEnv, v, err))
	}
	return d
}

// Now returns the current time, moved by the offset in OffsetEnv, in UTC
// with no monotonic component.
func Now() time.Time {
	return Canonical(time.Now().Add(offset))
}
