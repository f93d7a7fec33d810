package governance

import (
	"crypto/ed25519"
	"crypto/sha256"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

// Proof of possession (issue: unproven identifiers). A node application
// carries the node's p2p public key, from which its ID is derived, and a
// signature by it and by the consensus key over a message naming the
// governance contract, the applicant and what it claims; a project's
// deployer accounts each accept by their own transaction.

// gasEd25519Verify is the gas of one signature check, charged before it is
// done: ecrecover's 3000 scaled by the time Go's ed25519 check takes against
// go-ethereum's ecrecover (about three times as long).
const gasEd25519Verify = 10000

// nodeProofDomain prefixes what the keys sign, so that the signature can
// never be read as a consensus vote or a p2p handshake.
const nodeProofDomain = "redmx node application\n"

// NodeIDOf is the CometBFT p2p ID of a node key: the first 20 bytes of the
// sha256 of its ed25519 public key.
func NodeIDOf(nodeKey [32]byte) [20]byte {
	h := sha256.Sum256(nodeKey[:])
	return [20]byte(h[:20])
}

// NodeApplicationMessage is the message an applyNode application's node key
// and consensus key sign: keccak256 of the governance address, the
// applicant's account, the node key, the role, and the keccak256 of the
// collective, the key type and the consensus public key. The applicant's
// account binds it to one chain, since only its own transaction, signed
// for that chain, can apply.
func NodeApplicationMessage(applicant common.Address, collective string, nodeKey [32]byte, role NodeRole, keyType string, pubKey []byte) [32]byte {
	return crypto.Keccak256Hash(Address[:], applicant[:], nodeKey[:], []byte{byte(role)},
		crypto.Keccak256([]byte(collective)), crypto.Keccak256([]byte(keyType)), crypto.Keccak256(pubKey))
}

// SignNodeApplication is what a key signs for message: the domain and the
// message.
func SignNodeApplication(priv ed25519.PrivateKey, message [32]byte) []byte {
	return ed25519.Sign(priv, append([]byte(nodeProofDomain), message[:]...))
}

func (s *store) verifyEd25519(pub, sig []byte, message [32]byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	s.charge(gasEd25519Verify)
	return ed25519.Verify(pub, append([]byte(nodeProofDomain), message[:]...), sig)
}

// checkNodeProof verifies that the applicant holds the node key (and, for a
// validator, the consensus key) and returns the node's ID.
func (c *call) checkNodeProof(coll string, nodeKey [32]byte, role NodeRole, keyType string, pub, nodeSig, keySig []byte) ([20]byte, error) {
	if nodeKey == ([32]byte{}) {
		return [20]byte{}, refuse("node key is empty")
	}
	msg := NodeApplicationMessage(c.from, coll, nodeKey, role, keyType, pub)
	if !c.s.verifyEd25519(nodeKey[:], nodeSig, msg) {
		return [20]byte{}, refuse("node signature does not verify: sign nodeApplicationMessage with the node's key (redmx gov node-id --applicant)")
	}
	if role == NodeValidator {
		if !c.s.verifyEd25519(pub, keySig, msg) {
			return [20]byte{}, refuse("consensus key signature does not verify: sign nodeApplicationMessage with the validator key (redmx gov node-id --applicant)")
		}
	} else if len(keySig) != 0 {
		return [20]byte{}, refuse("an observer node has no consensus key signature")
	}
	return NodeIDOf(nodeKey), nil
}

func viewNodeApplicationMessage(_ *store, _ Env, a args) []any {
	return []any{NodeApplicationMessage(a.addr(0), a.str(1), a.b32(2), NodeRole(a.u8(3)), a.str(4), a.bytes(5))}
}

// systemAddresses are accounts no one holds a key for, or that run code for
// anyone: the protocol's system contracts and the predeployed factories.
var systemAddresses = map[common.Address]bool{
	params.SystemAddress:               true,
	params.BeaconRootsAddress:          true,
	params.HistoryStorageAddress:       true,
	params.WithdrawalQueueAddress:      true,
	params.ConsolidationQueueAddress:   true,
	params.DeterministicFactoryAddress: true,
	Multicall3Address:                  true,
}

// Multicall3Address is where every redmx chain has Multicall3 from genesis,
// as most chains do. (Its CREATE2 deployer is go-ethereum's
// DeterministicFactoryAddress.)
var Multicall3Address = common.HexToAddress("0xcA11bde05977b3631167028862bE2a173976CA11")

// isSystemAddress: the low addresses (precompiles, governance, reserved up
// to 0xffff) and [systemAddresses].
func isSystemAddress(a common.Address) bool {
	return common.BytesToAddress(a[18:]) == a || systemAddresses[a]
}

// checkDeployer refuses an account that may not deploy for a project: the
// zero or a system address, or an account with code (a contract, or an
// account delegated by EIP-7702), since anyone could then deploy through it.
func (s *store) checkDeployer(acct common.Address) error {
	if acct == (common.Address{}) || isSystemAddress(acct) {
		return refuse("account %s is a system address, not a deployer", acct.Hex())
	}
	s.charge(gasRead)
	if s.st.GetCodeSize(acct) != 0 {
		return refuse("account %s has code; a deployer must be an account of its own key", acct.Hex())
	}
	return nil
}
