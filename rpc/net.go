package rpc

import (
	"strconv"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// netAPI is the net namespace.
type netAPI struct{ b Backend }

// Version is net_version: the chain id in decimal.
func (api *netAPI) Version() string { return strconv.FormatUint(api.b.ChainID(), 10) }

// Listening is net_listening: always true while the server runs.
func (api *netAPI) Listening() bool { return true }

// PeerCount is net_peerCount.
func (api *netAPI) PeerCount() hexutil.Uint { return hexutil.Uint(api.b.PeerCount()) }

// web3API is the web3 namespace.
type web3API struct{ b Backend }

// ClientVersion is web3_clientVersion.
func (api *web3API) ClientVersion() string { return api.b.ClientVersion() }

// Sha3 is web3_sha3: keccak256 of the input.
func (api *web3API) Sha3(input hexutil.Bytes) hexutil.Bytes { return crypto.Keccak256(input) }
