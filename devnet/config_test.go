package devnet_test

import (
	"testing"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/sysmem"
)

// TestDevnetServesDebug: a generated devnet's nodes serve the debug
// namespace, which a node made by redmx init does not.
func TestDevnetServesDebug(t *testing.T) {
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: 1})
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.LoadFile(net.Home(0))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Redmx.RPC.Debug || f.Redmx.RPC.DevAccounts == 0 {
		t.Errorf("devnet node: debug %v, dev_accounts %d; want debug on with the dev accounts", f.Redmx.RPC.Debug, f.Redmx.RPC.DevAccounts)
	}
	if config.Default().RPC.Debug {
		t.Error("redmx init's default serves debug")
	}
}

// TestDevnetMemoryShare: each node sizes from an equal share of the host,
// at most MaxNodeMemoryMB, so that a devnet on a large host stays a small
// part of it.
func TestDevnetMemoryShare(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		host uint64
		n    int
		want uint64
	}{
		{24 * gib, 4, devnet.MaxNodeMemoryMB},
		{2 * gib, 4, 512},
		{2 * gib, 1, devnet.MaxNodeMemoryMB},
		{3 * gib, 7, 438},
		{gib, 0, devnet.MaxNodeMemoryMB},
	} {
		if got := devnet.NodeMemoryMB(c.host, c.n); got != c.want {
			t.Errorf("NodeMemoryMB(%d MiB, %d) = %d, want %d", c.host>>20, c.n, got, c.want)
		}
	}
	host, ok := sysmem.Total()
	if !ok {
		return // the node sizes from the host itself
	}
	net, err := devnet.Generate(t.TempDir(), devnet.Config{Validators: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		f, err := config.LoadFile(net.Home(i))
		if err != nil {
			t.Fatal(err)
		}
		if mb, want := f.Redmx.Memory.TotalMB, devnet.NodeMemoryMB(host, 2); mb != want {
			t.Errorf("node %d: total_mb = %d, want %d", i, mb, want)
		}
	}
}
