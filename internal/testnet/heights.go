package testnet

import (
	"errors"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	sm "github.com/cometbft/cometbft/state"

	"github.com/redmx/redmx/config"
	"github.com/redmx/redmx/store"
)

// CommittedHeights reads, from a stopped node's home, the height its app
// committed and the one CometBFT's state records as applied: a node that
// stopped cleanly at a height has both at it.
func CommittedHeights(t TB, home string) (appHeight uint64, cometHeight int64) {
	t.Helper()
	f, err := config.LoadFile(home)
	if err != nil {
		t.Fatalf("%v", err)
	}
	db, err := store.Open(filepath.Join(f.CometBFT.DBDir(), "redmx"), store.DefaultOptions())
	if err != nil {
		t.Fatalf("%v", err)
	}
	h, ok, err := db.Head()
	err = errors.Join(err, db.Close())
	if err != nil || !ok {
		t.Fatalf("app head: %v (found %v)", err, ok)
	}
	sdb, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "state", Config: f.CometBFT})
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer sdb.Close()
	st, err := sm.NewStore(sdb, sm.StoreOptions{}).Load()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return h.Height, st.LastBlockHeight
}
