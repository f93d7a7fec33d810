package testnet

import (
	"crypto/ed25519"

	"github.com/ethereum/go-ethereum/common"

	"github.com/redmx/redmx/governance"
)

// NodeApplication is what applyNode needs to apply for this node as a
// validator of collective, sent by applicant: its p2p key, its consensus
// key, and both keys' signatures of the application (proof of possession).
func (x *Extra) NodeApplication(applicant common.Address, collective string) (nodeKey [32]byte, pubKey, nodeSig, keySig []byte) {
	nodeKey = [32]byte(x.nodePriv.PubKey().Bytes())
	pubKey = x.PubKey.Bytes()
	msg := governance.NodeApplicationMessage(applicant, collective, nodeKey, governance.NodeValidator, governance.KeyTypeEd25519, pubKey)
	return nodeKey, pubKey,
		governance.SignNodeApplication(ed25519.PrivateKey(x.nodePriv.Bytes()), msg),
		governance.SignNodeApplication(ed25519.PrivateKey(x.consPriv.Bytes()), msg)
}

// ObserverApplication is what applyNode needs to apply for this node as an
// observer of collective: its p2p key and that key's signature (an observer
// has no consensus key).
func (x *Extra) ObserverApplication(applicant common.Address, collective string) (nodeKey [32]byte, nodeSig []byte) {
	nodeKey = [32]byte(x.nodePriv.PubKey().Bytes())
	msg := governance.NodeApplicationMessage(applicant, collective, nodeKey, governance.NodeObserver, "", nil)
	return nodeKey, governance.SignNodeApplication(ed25519.PrivateKey(x.nodePriv.Bytes()), msg)
}
