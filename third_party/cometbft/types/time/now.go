// Added by the redmx authors (third_party/patches/cometbft/0002-*): Now, moved
// from time.go, in every build but a fault test's.

//go:build !faultclock

package time

import "time"

// Now returns the current time in UTC with no monotonic component.
func Now() time.Time {
	return Canonical(time.Now())
}
