package govclient

import (
	"context"
	"fmt"
	"reflect"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// maxPages bounds how many pages ViewAll reads (1,000 items a page).
const maxPages = 10_000

// IsPaged reports whether view m is paginated: it takes (cursor bytes32,
// limit uint32) last and answers next last.
func IsPaged(m abi.Method) bool {
	n, o := len(m.Inputs), len(m.Outputs)
	return n >= 2 && o >= 1 && m.Inputs[n-2].Name == "cursor" && m.Inputs[n-2].Type.T == abi.FixedBytesTy &&
		m.Inputs[n-1].Name == "limit" && m.Outputs[o-1].Name == "next"
}

// ViewAll reads every page of paginated view m, args being its arguments
// before the cursor and limit, and returns the lists joined (other values
// as the last page says), without next.
func (c *Client) ViewAll(ctx context.Context, m abi.Method, args []any) ([]Field, error) {
	var all []Field
	var cursor [32]byte
	for range maxPages {
		page, err := c.View(ctx, m, append(append([]any{}, args...), cursor, uint32(0)))
		if err != nil {
			return nil, err
		}
		next := page[len(page)-1].Value.([32]byte)
		page = page[:len(page)-1]
		if all == nil {
			all = page
		} else {
			for i := range all {
				a, p := reflect.ValueOf(all[i].Value), reflect.ValueOf(page[i].Value)
				if a.Kind() == reflect.Slice {
					all[i].Value = reflect.AppendSlice(a, p).Interface()
				} else { // a value of the whole walk (delegationChain's carriedBy): the last page's
					all[i].Value = page[i].Value
				}
			}
		}
		if next == ([32]byte{}) {
			return all, nil
		}
		cursor = next
	}
	return nil, fmt.Errorf("%s: more than %d pages; page with its cursor and limit arguments", m.Name, maxPages)
}
