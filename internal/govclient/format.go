package govclient

import (
	"fmt"
	"io"
	"math/big"
	"reflect"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/redmx/redmx/governance"
)

// Field is a named value of a function's output or an event.
type Field struct {
	Name  string
	Type  abi.Type
	Value any
	Enum  *Enum // nil unless the field is an enumeration
}

// timeFields hold block times; they print with their date.
var timeFields = map[string]bool{
	"submitted": true, "start": true, "end": true, "termEnd": true, "termEnds": true,
	"expiry": true, "epochEnd": true, "times": true, "proposed": true, "deadline": true, "endorsed": true, "requested": true,
	"opened": true, "candidacyEnd": true, "formationDue": true, "nextDue": true, "startedAt": true, "countedFrom": true,
	"reported": true, "submittedAt": true,
}

// Fields pairs fn's arguments with their values (unnamed ones are "result",
// "result2", …).
func Fields(fn string, args abi.Arguments, vals []any) []Field {
	out := make([]Field, len(args))
	for i, a := range args {
		name := a.Name
		if name == "" {
			name = "result"
			if i > 0 {
				name = fmt.Sprintf("result%d", i+1)
			}
		}
		out[i] = Field{Name: name, Type: a.Type, Value: vals[i], Enum: EnumOf(fn, a.Name)}
	}
	return out
}

// Text formats a field's value for people.
func (f Field) Text() string {
	v := reflect.ValueOf(f.Value)
	if f.Type.T == abi.SliceTy || f.Type.T == abi.ArrayTy {
		if v.Len() == 0 {
			return "(none)"
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = Field{Name: f.Name, Type: *f.Type.Elem, Value: v.Index(i).Interface(), Enum: f.Enum}.Text()
		}
		return strings.Join(parts, ", ")
	}
	return f.scalarText()
}

func (f Field) scalarText() string {
	switch x := f.Value.(type) {
	case common.Address:
		return x.Hex()
	case []byte:
		return hexutil.Encode(x)
	case *big.Int:
		return x.String()
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	if f.Type.T == abi.FixedBytesTy {
		return hexutil.Encode(fixedBytes(f.Value))
	}
	if n, ok := asUint(f.Value); ok {
		switch {
		case f.Enum != nil:
			return f.Enum.Text(n)
		case timeFields[f.Name] && n == 0 && f.Name == "expiry":
			return "0 (none)"
		case timeFields[f.Name] && n > 0 && n < 1<<40:
			return fmt.Sprintf("%d (%s)", n, time.Unix(int64(n), 0).UTC().Format("2006-01-02 15:04:05 UTC"))
		}
		return fmt.Sprint(n)
	}
	return fmt.Sprint(f.Value)
}

// JSON is the field's value for machines: numbers as numbers (uint256 as a
// decimal string), bytes and addresses as 0x hex, arrays as arrays.
func (f Field) JSON() any {
	v := reflect.ValueOf(f.Value)
	if f.Type.T == abi.SliceTy || f.Type.T == abi.ArrayTy {
		out := make([]any, v.Len())
		for i := range out {
			out[i] = Field{Name: f.Name, Type: *f.Type.Elem, Value: v.Index(i).Interface(), Enum: f.Enum}.JSON()
		}
		return out
	}
	switch x := f.Value.(type) {
	case common.Address:
		return x.Hex()
	case []byte:
		return hexutil.Encode(x)
	case *big.Int:
		return x.String()
	}
	if f.Type.T == abi.FixedBytesTy {
		return hexutil.Encode(fixedBytes(f.Value))
	}
	return f.Value
}

// JSONObject is the fields as one JSON object; an enumeration also gets
// its names under "<field>Name".
func JSONObject(fields []Field) map[string]any {
	m := make(map[string]any, len(fields))
	for _, f := range fields {
		m[f.Name] = f.JSON()
		if f.Enum == nil {
			continue
		}
		if j, ok := m[f.Name].([]any); ok {
			names := make([]string, len(j))
			for i, e := range j {
				n, _ := asUint(e)
				names[i] = f.Enum.String(n)
			}
			m[f.Name+"Name"] = names
		} else if n, ok := asUint(f.Value); ok {
			m[f.Name+"Name"] = f.Enum.String(n)
		}
	}
	return m
}

// Print writes fields for people: "name: value" lines, or a table when
// they are parallel arrays (as seats, validators, upgrades).
func Print(w io.Writer, fields []Field) {
	if rows, ok := parallel(fields); ok {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = strings.ToUpper(f.Name)
		}
		fmt.Fprintln(tw, strings.Join(names, "\t"))
		for r := range rows {
			cells := make([]string, len(fields))
			for i, f := range fields {
				cells[i] = Field{Name: f.Name, Type: *f.Type.Elem, Value: reflect.ValueOf(f.Value).Index(r).Interface(), Enum: f.Enum}.Text()
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		tw.Flush()
		if rows == 0 {
			fmt.Fprintln(w, "(none)")
		}
		return
	}
	if len(fields) == 1 && fields[0].Type.T == abi.SliceTy {
		v := reflect.ValueOf(fields[0].Value)
		f := fields[0]
		for i := range v.Len() {
			fmt.Fprintln(w, Field{Name: f.Name, Type: *f.Type.Elem, Value: v.Index(i).Interface(), Enum: f.Enum}.Text())
		}
		if v.Len() == 0 {
			fmt.Fprintln(w, "(none)")
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s:\t%s\n", f.Name, f.Text())
	}
	tw.Flush()
}

// parallel reports whether fields are two or more arrays of one length.
func parallel(fields []Field) (int, bool) {
	if len(fields) < 2 {
		return 0, false
	}
	n := -1
	for _, f := range fields {
		if f.Type.T != abi.SliceTy {
			return 0, false
		}
		l := reflect.ValueOf(f.Value).Len()
		if n >= 0 && l != n {
			return 0, false
		}
		n = l
	}
	return n, true
}

// Event is a decoded governance event.
type Event struct {
	Name   string
	Fields []Field
}

// String is "Name(field=value, …)".
func (e Event) String() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Name + "=" + f.Text()
	}
	return e.Name + "(" + strings.Join(parts, ", ") + ")"
}

// DecodeLog decodes a log of the governance contract; ok is false for logs
// of other contracts or of unknown events.
func DecodeLog(l *types.Log) (Event, bool, error) {
	if l.Address != governance.Address || len(l.Topics) == 0 {
		return Event{}, false, nil
	}
	ev, err := governance.ABI.EventByID(l.Topics[0])
	if err != nil {
		return Event{}, false, nil
	}
	vals := make(map[string]any)
	var indexed abi.Arguments
	for _, in := range ev.Inputs {
		if in.Indexed {
			indexed = append(indexed, in)
		}
	}
	if err := abi.ParseTopicsIntoMap(vals, indexed, l.Topics[1:]); err != nil {
		return Event{}, true, fmt.Errorf("event %s: %w", ev.Name, err)
	}
	if len(l.Data) > 0 {
		if err := ev.Inputs.UnpackIntoMap(vals, l.Data); err != nil {
			return Event{}, true, fmt.Errorf("event %s: %w", ev.Name, err)
		}
	}
	out := Event{Name: ev.Name}
	for _, in := range ev.Inputs {
		out.Fields = append(out.Fields, Field{Name: in.Name, Type: in.Type, Value: vals[in.Name], Enum: EnumOf(ev.Name, in.Name)})
	}
	return out, true, nil
}

func asUint(v any) (uint64, bool) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	}
	return 0, false
}

func fixedBytes(v any) []byte {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Array {
		return nil
	}
	b := make([]byte, rv.Len())
	reflect.Copy(reflect.ValueOf(b), rv)
	return b
}
