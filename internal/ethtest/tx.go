package ethtest

import (
	"crypto/ecdsa"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Transfer returns a signed legacy (EIP-155) transfer of value wei to to.
func Transfer(key *ecdsa.PrivateKey, chainID uint64, nonce uint64, to common.Address, value *big.Int) *types.Transaction {
	return Sign(key, chainID, &types.LegacyTx{Nonce: nonce, To: &to, Value: value, Gas: 21000, GasPrice: big.NewInt(0)})
}

// Deploy returns a signed contract creation with the given init code.
func Deploy(key *ecdsa.PrivateKey, chainID uint64, nonce uint64, code []byte, gas uint64) *types.Transaction {
	return Sign(key, chainID, &types.DynamicFeeTx{Nonce: nonce, Gas: gas, Data: code, GasFeeCap: big.NewInt(0), GasTipCap: big.NewInt(0)})
}

// Call returns a signed EIP-1559 call of to with data.
func Call(key *ecdsa.PrivateKey, chainID uint64, nonce uint64, to common.Address, data []byte, gas uint64) *types.Transaction {
	return Sign(key, chainID, &types.DynamicFeeTx{Nonce: nonce, To: &to, Gas: gas, Data: data, GasFeeCap: big.NewInt(0), GasTipCap: big.NewInt(0)})
}

// Sign signs tx for chainID with the latest signer.
func Sign(key *ecdsa.PrivateKey, chainID uint64, tx types.TxData) *types.Transaction {
	signer := types.LatestSignerForChainID(new(big.Int).SetUint64(chainID))
	return types.MustSignNewTx(key, signer, tx)
}
