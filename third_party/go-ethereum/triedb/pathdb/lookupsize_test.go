// Added by the redmx authors (third_party/patches/go-ethereum/0003-*).

package pathdb

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestLookupListSize: an account or slot changed in one layer costs the
// lookup one layer's hash, not room for sixteen (with many new accounts a
// block, that room was most of the layers' memory); the lists still grow,
// shrink and answer as layers are added and merged away.
func TestLookupListSize(t *testing.T) {
	const n = 1000
	accounts := make(map[common.Hash][]byte, n)
	storages := make(map[common.Hash]map[common.Hash][]byte, n)
	for i := range n {
		h := common.Hash{byte(i), byte(i >> 8), 0xaa}
		accounts[h] = []byte{1}
		storages[h] = map[common.Hash][]byte{{byte(i), byte(i >> 8), 0xbb}: {1}}
	}
	layer := func(root common.Hash, id uint64) *diffLayer {
		return newDiffLayer(nil, root, id, id, NewNodeSetWithOrigin(nil, nil), NewStateSetWithOrigin(accounts, storages, nil, nil, false))
	}
	// Roots ordered by their first byte; base, the disk layer's, is the oldest.
	base, r1, r2 := common.Hash{0}, common.Hash{1}, common.Hash{2}
	l := &lookup{
		accounts:   make(map[common.Hash][]common.Hash),
		storages:   make(map[[64]byte][]common.Hash),
		descendant: func(state, ancestor common.Hash) bool { return state[0] > ancestor[0] },
	}
	check := func(stage string, want []common.Hash) {
		t.Helper()
		if len(l.accounts) != n || len(l.storages) != n {
			t.Fatalf("%s: %d accounts and %d slots in the lookup, want %d each", stage, len(l.accounts), len(l.storages), n)
		}
		for h, list := range l.accounts {
			if len(list) != len(want) || cap(list) > max(len(want), 2) {
				t.Fatalf("%s: account %x: %d layers in room for %d, want %d", stage, h[:3], len(list), cap(list), len(want))
			}
			tip, ok := l.accountTip(h, want[len(want)-1], base)
			if !ok || tip != want[len(want)-1] {
				t.Fatalf("%s: account %x at the newest layer: %x, %v", stage, h[:3], tip[:1], ok)
			}
			for slot := range storages[h] {
				list := l.storages[storageKey(h, slot)]
				if len(list) != len(want) || cap(list) > max(len(want), 2) {
					t.Fatalf("%s: slot of %x: %d layers in room for %d, want %d", stage, h[:3], len(list), cap(list), len(want))
				}
				if tip, ok := l.storageTip(h, slot, want[0], base); !ok || tip != want[0] {
					t.Fatalf("%s: slot of %x at the oldest layer: %x, %v", stage, h[:3], tip[:1], ok)
				}
			}
		}
	}
	d1, d2 := layer(r1, 1), layer(r2, 2)
	l.addLayer(d1)
	check("one layer", []common.Hash{r1})
	l.addLayer(d2)
	check("two layers", []common.Hash{r1, r2})
	if err := l.removeLayer(d1); err != nil {
		t.Fatal(err)
	}
	check("the older merged away", []common.Hash{r2})
	if err := l.removeLayer(d2); err != nil {
		t.Fatal(err)
	}
	if len(l.accounts) != 0 || len(l.storages) != 0 {
		t.Fatalf("all merged away: %d accounts and %d slots left", len(l.accounts), len(l.storages))
	}
}
