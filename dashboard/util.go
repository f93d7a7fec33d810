package dashboard

import (
	"fmt"

	"github.com/redmx/redmx/governance"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// bytesText is n bytes for people, in GiB or MiB.
func bytesText(n uint64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

var (
	governanceAddress = governance.Address
	governanceABI     = governance.ABI
)
