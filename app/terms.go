package app

import (
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/redmx/redmx/governance"
)

// termEvents are the block's TermEnded as CometBFT block events (a term ends
// by time, with no transaction to log it), and logs each for the operator.
func (a *App) termEvents(height int64, ends []governance.TermEnd) []abci.Event {
	out := make([]abci.Event, 0, len(ends))
	for _, t := range ends {
		name, _, _ := t.Log()
		out = append(out, abci.Event{Type: name, Attributes: []abci.EventAttribute{
			{Key: "role", Value: t.Role.String(), Index: true},
			{Key: "collective", Value: t.Collective, Index: true},
			{Key: "recordId", Value: strconv.FormatUint(t.Record, 10), Index: true},
			{Key: "termEnd", Value: strconv.FormatUint(t.End, 10)},
		}})
		a.logger.Info("governance: term ended, holding over until a successor is seated", "height", height,
			"role", t.Role.String(), "collective", t.Collective, "record", t.Record, "termEnd", t.End)
	}
	return out
}
