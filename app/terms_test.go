package app_test

import (
	"context"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/app"
	"github.com/redmx/redmx/governance"
)

// TestTermEndsAreBlockEvents: the terms governance says ended at a block's
// end reach FinalizeBlock's response as TermEnded block events, with their
// arguments by name.
func TestTermEndsAreBlockEvents(t *testing.T) {
	gov := newFakeGov()
	var fx governance.BlockEffects
	for _, e := range []governance.TermEnd{
		{Role: governance.RoleLeader, Collective: "academic", Record: 5, End: 999_999},
		{Role: governance.RoleSecretary, Record: 17, End: 1_000_000},
	} {
		name, topics, data := e.Log()
		fx.Events = append(fx.Events, governance.BlockEvent{Name: name, Topics: topics, Data: data})
	}
	gov.effects[1] = fx
	h := newHarnessWith(t, memStore(), app.Config{Governance: gov})
	fin, err := h.app.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: 1, Time: time.Unix(1_000_000, 0),
		Hash: []byte("h1"), ProposerAddress: make([]byte, 20)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range fin.Events {
		if ev.Type == "TermEnded" {
			s := ""
			for _, a := range ev.Attributes {
				s += a.Key + "=" + a.Value + " "
			}
			got = append(got, s)
		}
	}
	want := []string{
		"role=1 collective=academic recordId=5 termEnd=999999 ",
		"role=2 collective= recordId=17 termEnd=1000000 ",
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("block events %q, want %q", got, want)
	}
}
