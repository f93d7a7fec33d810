package govclient

import (
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// ErrArgs is wrapped by every error about the arguments of a call.
var ErrArgs = errors.New("bad arguments")

// ParseArgs converts command-line words into the values m's inputs take,
// by ABI type (see [ParseArg]); enumeration inputs also take their names
// (e.g. "validator" for applyNode's role).
//
// A paginated view ([IsPaged]) also takes its arguments without the cursor
// and limit: the caller then reads every page ([Client.ViewAll]).
func ParseArgs(m abi.Method, words []string) ([]any, error) {
	if IsPaged(m) && len(words) == len(m.Inputs)-2 {
		m.Inputs = m.Inputs[:len(m.Inputs)-2]
	}
	if len(words) != len(m.Inputs) {
		return nil, fmt.Errorf("%w: %s takes %d arguments (%s), got %d", ErrArgs, m.Name, len(m.Inputs), ArgNames(m), len(words))
	}
	vals := make([]any, len(words))
	for i, in := range m.Inputs {
		w := words[i]
		if e := EnumOf(m.Name, in.Name); e != nil {
			if v, ok := e.Parse(w); ok {
				w = strconv.FormatUint(v, 10)
			}
		}
		v, err := ParseArg(in.Type, w)
		if err != nil {
			return nil, fmt.Errorf("%w: argument %d (%s): %v", ErrArgs, i+1, in.Name, err)
		}
		vals[i] = v
	}
	return vals, nil
}

// ArgNames lists m's inputs as "name type, …".
func ArgNames(m abi.Method) string {
	parts := make([]string, len(m.Inputs))
	for i, in := range m.Inputs {
		parts[i] = in.Name + " " + in.Type.String()
	}
	return strings.Join(parts, ", ")
}

// ParseArg converts one word into the Go value abi packs for t:
//   - string: as is;
//   - uint<N>/int<N>: decimal or 0x hex;
//   - bool: true/false (also yes/no, 1/0);
//   - address: 0x and 40 hex digits;
//   - bytes<N>: 0x and 2N hex digits, or "0" for all zeros;
//   - bytes: 0x and an even number of hex digits ("" or "0x" is empty);
//   - T[] and T[k]: comma-separated elements ("" is empty).
func ParseArg(t abi.Type, s string) (any, error) {
	switch t.T {
	case abi.StringTy:
		return s, nil
	case abi.BoolTy:
		switch strings.ToLower(s) {
		case "true", "yes", "1":
			return true, nil
		case "false", "no", "0":
			return false, nil
		}
		return nil, fmt.Errorf("want true or false, got %q", s)
	case abi.UintTy, abi.IntTy:
		return parseInt(t, s)
	case abi.AddressTy:
		if !common.IsHexAddress(s) {
			return nil, fmt.Errorf("want an address (0x and 40 hex digits), got %q", s)
		}
		return common.HexToAddress(s), nil
	case abi.FixedBytesTy:
		v := reflect.New(t.GetType()).Elem()
		if s == "0" {
			return v.Interface(), nil
		}
		b, err := hexutil.Decode(s)
		if err != nil || len(b) != t.Size {
			return nil, fmt.Errorf("want %d bytes of hex (0x and %d hex digits, or 0), got %q", t.Size, 2*t.Size, s)
		}
		reflect.Copy(v, reflect.ValueOf(b))
		return v.Interface(), nil
	case abi.BytesTy:
		if s == "" || s == "0x" {
			return []byte{}, nil
		}
		b, err := hexutil.Decode(s)
		if err != nil {
			return nil, fmt.Errorf("want bytes as hex (0x and an even number of hex digits), got %q", s)
		}
		return b, nil
	case abi.SliceTy, abi.ArrayTy:
		var parts []string
		if s != "" {
			parts = strings.Split(s, ",")
		}
		if t.T == abi.ArrayTy && len(parts) != t.Size {
			return nil, fmt.Errorf("want %d comma-separated values, got %d", t.Size, len(parts))
		}
		var v reflect.Value
		if t.T == abi.ArrayTy {
			v = reflect.New(t.GetType()).Elem()
		} else {
			v = reflect.MakeSlice(t.GetType(), len(parts), len(parts))
		}
		for i, p := range parts {
			e, err := ParseArg(*t.Elem, strings.TrimSpace(p))
			if err != nil {
				return nil, fmt.Errorf("element %d: %v", i+1, err)
			}
			v.Index(i).Set(reflect.ValueOf(e))
		}
		return v.Interface(), nil
	}
	return nil, fmt.Errorf("type %s is not supported on the command line", t)
}

func parseInt(t abi.Type, s string) (any, error) {
	n, ok := new(big.Int).SetString(s, 0)
	if !ok || strings.HasPrefix(s, "0") && len(s) > 1 && !strings.HasPrefix(s, "0x") {
		return nil, fmt.Errorf("want a number (%s), got %q", t, s)
	}
	if t.T == abi.UintTy && n.Sign() < 0 || n.BitLen() > t.Size-boolToInt(t.T == abi.IntTy) {
		return nil, fmt.Errorf("%s out of range for %s", s, t)
	}
	rt := t.GetType()
	if rt == reflect.TypeOf((*big.Int)(nil)) {
		return n, nil
	}
	v := reflect.New(rt).Elem()
	if t.T == abi.UintTy {
		v.SetUint(n.Uint64())
	} else {
		v.SetInt(n.Int64())
	}
	return v.Interface(), nil
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
