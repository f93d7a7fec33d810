package genesis_test

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/genesis"
)

func key(b byte) []byte {
	seed := make([]byte, 32)
	seed[0] = b
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

func valid() *genesis.AppState {
	return &genesis.AppState{
		ChainID:    5218,
		Coin:       genesis.Coin{Name: "Red MX", Symbol: "RMX", Decimals: 18},
		Params:     genesis.Params{GasLimit: genesis.DefaultGasLimit},
		Fork:       genesis.ForkOsaka,
		Alloc:      types.GenesisAlloc{},
		Validators: []genesis.Validator{{Name: "a", Collective: "public", PubKey: key(1)}},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*genesis.AppState)
		want   error
	}{
		{"valid", func(*genesis.AppState) {}, nil},
		{"no chain id", func(s *genesis.AppState) { s.ChainID = 0 }, genesis.ErrNoChainID},
		{"unknown fork", func(s *genesis.AppState) { s.Fork = "amsterdam" }, genesis.ErrFork},
		{"gas limit below the minimum", func(s *genesis.AppState) { s.Params.GasLimit = 10 }, genesis.ErrGasLimit},
		{"no coin symbol", func(s *genesis.AppState) { s.Coin.Symbol = "" }, genesis.ErrCoin},
		{"no validators", func(s *genesis.AppState) { s.Validators = nil }, genesis.ErrNoValidators},
		{"short public key", func(s *genesis.AppState) { s.Validators[0].PubKey = []byte{1, 2} }, genesis.ErrValidator},
		{"no collective", func(s *genesis.AppState) { s.Validators[0].Collective = "" }, genesis.ErrValidator},
		{"duplicate key", func(s *genesis.AppState) {
			s.Validators = append(s.Validators, genesis.Validator{Name: "b", Collective: "academic", PubKey: key(1)})
		}, genesis.ErrValidator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.change(s)
			if err := s.Validate(); !errors.Is(err, tt.want) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("alloc without balance", func(t *testing.T) {
		raw := []byte(`{"chainId":1,"coin":{"name":"a","symbol":"b","decimals":18},"params":{"gasLimit":30000000},"fork":"osaka",
			"alloc":{"0x0000000000000000000000000000000000000001":{"nonce":"0x1"}},"validators":[{"name":"a","collective":"public","pubKey":"` +
			mustJSONBytes(key(1)) + `"}]}`)
		if _, err := genesis.Parse(raw); err == nil {
			t.Fatal("genesis with an alloc lacking balance accepted")
		}
	})
}

func mustJSONBytes(b []byte) string {
	out, _ := json.Marshal(b)
	return string(out[1 : len(out)-1])
}

func FuzzParse(f *testing.F) {
	good, _ := json.Marshal(valid())
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"chainId":"x"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := genesis.Parse(raw)
		if err != nil {
			return
		}
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := genesis.Parse(again)
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if s2.ChainID != s.ChainID || len(s2.Validators) != len(s.Validators) || len(s2.Alloc) != len(s.Alloc) {
			t.Fatal("round trip changed the genesis")
		}
	})
}
