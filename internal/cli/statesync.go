package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redmx/redmx/node"
)

// stateSyncFrom reads --state-sync-from: the CometBFT RPC servers,
// comma-separated, that the light client checks against each other, and a
// recent height and block hash they agree on. It runs before the home is
// touched, so a failure leaves nothing behind.
func stateSyncFrom(ctx context.Context, list string) ([]string, node.TrustPoint, error) {
	var servers []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			servers = append(servers, s)
		}
	}
	for _, s := range servers {
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			return nil, node.TrustPoint{}, fmt.Errorf("--state-sync-from: %q: give each CometBFT RPC server as http://host:port", s)
		}
		if strings.ContainsAny(s, "\"\\\n") {
			return nil, node.TrustPoint{}, fmt.Errorf("--state-sync-from: %q: quotes, backslashes and newlines are not allowed", s)
		}
	}
	tp, err := node.FetchTrustPoint(ctx, servers)
	if err != nil {
		return nil, node.TrustPoint{}, fmt.Errorf("--state-sync-from: %w", err)
	}
	return servers, tp, nil
}

// printStateSync tells the operator what was trusted and what to check.
func printStateSync(out io.Writer, servers []string, tp node.TrustPoint, period time.Duration) {
	fmt.Fprintf(out, "  state sync: on, from %s\n", strings.Join(servers, ", "))
	fmt.Fprintf(out, "              trust height %d, trust hash %s (trust period %s)\n", tp.Height, tp.Hash, period)
	fmt.Fprintf(out, "Before starting, compare the trust hash with one from a source you trust (another\n"+
		"institution's operator, or 'curl -s %s/commit?height=%d'\n"+
		"on a node you run): the servers named above chose it, and the node trusts what\n"+
		"chains to it. The servers' nodes must also be in persistent_peers (--peers).\n",
		servers[0], tp.Height)
}
