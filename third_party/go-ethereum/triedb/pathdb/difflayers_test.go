// Added by the redmx authors (third_party/patches/go-ethereum/0002-*).

package pathdb

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/trie/trienode"
)

// TestDiffLayers: Update keeps Config.DiffLayers diff layers over the disk
// layer, 128 when it is not set; a state merged into the disk layer is no
// longer a layer of its own, and the newest still read their nodes.
func TestDiffLayers(t *testing.T) {
	for _, tc := range []struct{ set, want int }{{0, 128}, {8, 8}} {
		db := New(rawdb.NewMemoryDatabase(), &Config{WriteBufferSize: 16 * 1024 * 1024, NoAsyncFlush: true, DiffLayers: tc.set}, false)
		const heights = 200
		parent := types.EmptyRootHash
		roots := make([]common.Hash, heights+1)
		for i := 1; i <= heights; i++ {
			root := common.Hash{byte(i), byte(i >> 8), 0xaa}
			set := trienode.NewNodeSet(common.Hash{})
			set.AddNode([]byte{byte(i), byte(i >> 8)}, trienode.NewNodeWithPrev(common.Hash{byte(i), byte(i >> 8)}, []byte{byte(i), byte(i >> 8), 1}, nil))
			states := NewStateSetWithOrigin(map[common.Hash][]byte{{byte(i), byte(i >> 8), 0xbb}: {byte(i)}}, nil, map[common.Address][]byte{{byte(i), byte(i >> 8)}: nil}, nil, false)
			if err := db.Update(root, parent, uint64(i), trienode.NewWithNodeSet(set), states); err != nil {
				t.Fatalf("DiffLayers %d, height %d: %v", tc.set, i, err)
			}
			parent, roots[i] = root, root
		}
		if got := db.tree.len(); got != tc.want+1 {
			t.Errorf("DiffLayers %d: %d layers, want %d diff layers and the disk layer", tc.set, got, tc.want)
		}
		if db.tree.get(roots[heights-tc.want]) == nil {
			t.Errorf("DiffLayers %d: height %d is not the disk layer", tc.set, heights-tc.want)
		}
		if db.tree.get(roots[heights-tc.want-1]) != nil {
			t.Errorf("DiffLayers %d: height %d is still held", tc.set, heights-tc.want-1)
		}
		if _, err := db.NodeReader(roots[heights-tc.want+1]); err != nil {
			t.Errorf("DiffLayers %d: the oldest diff layer: %v", tc.set, err)
		}
		db.Close()
	}
}
