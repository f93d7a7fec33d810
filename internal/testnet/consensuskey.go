package testnet

import (
	"github.com/cometbft/cometbft/privval"

	"github.com/redmx/redmx/config"
)

// ConsensusKey is node i's consensus public key (ed25519, 32 bytes).
func (n *Network) ConsensusKey(t TB, i int) []byte {
	t.Helper()
	ccfg := config.CometBFTDefaults()
	ccfg.SetRoot(n.Home(i))
	pv := privval.LoadFilePVEmptyState(ccfg.PrivValidatorKeyFile(), ccfg.PrivValidatorStateFile())
	return pv.Key.PubKey.Bytes()
}
