package node

import abci "github.com/cometbft/cometbft/abci/types"

// SetABCIWrapper makes CometBFT call wrap(app) instead of the app, so a
// test can make consensus fail. Call it before Run.
func (n *Node) SetABCIWrapper(wrap func(abci.Application) abci.Application) { n.wrapABCI = wrap }
