package release

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// The release binary is built with cgo so that go-ethereum recovers senders
// with libsecp256k1; without cgo it falls back to a pure-Go curve. Compare:
//
//	CGO_ENABLED=1 go test ./internal/release -run - -bench .
//	CGO_ENABLED=0 go test ./internal/release -run - -bench .

// signedTxs returns n transactions signed by distinct keys.
func signedTxs(b *testing.B, n int) (types.Signer, []*types.Transaction) {
	b.Helper()
	signer := types.LatestSignerForChainID(big.NewInt(5218))
	txs := make([]*types.Transaction, n)
	to := common.HexToAddress("0x1000")
	for i := range txs {
		key, err := crypto.GenerateKey()
		if err != nil {
			b.Fatal(err)
		}
		tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{
			ChainID: big.NewInt(5218), Nonce: uint64(i), Gas: 21000, To: &to, Value: big.NewInt(1),
			GasFeeCap: new(big.Int), GasTipCap: new(big.Int),
		})
		if err != nil {
			b.Fatal(err)
		}
		txs[i] = tx
	}
	return signer, txs
}

// BenchmarkSenderRecovery is what the node does for every transaction it
// admits: signer.Sender, which does not cache (types.Sender would).
func BenchmarkSenderRecovery(b *testing.B) {
	signer, txs := signedTxs(b, 256)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := signer.Sender(txs[i%len(txs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEcrecover is the bare public-key recovery.
func BenchmarkEcrecover(b *testing.B) {
	key, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	hash := crypto.Keccak256([]byte("redmx"))
	sig, err := crypto.Sign(hash, key)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := crypto.Ecrecover(hash, sig); err != nil {
			b.Fatal(err)
		}
	}
}
