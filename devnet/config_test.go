package devnet_test

import (
	"testing"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/devnet"
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
