package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
)

// govTables print some whole-list views as tables an operator reads at a
// glance, one row per item with the item's own view; --json keeps the
// view's own answer.
var govTables = map[string]func(ctx context.Context, c *govclient.Client, fields []govclient.Field, w io.Writer) error{
	"nodes": nodesTable,
}

// govView reads view name with args.
func govView(ctx context.Context, c *govclient.Client, name string, args ...any) ([]govclient.Field, error) {
	m, err := govclient.Method(name)
	if err != nil {
		return nil, err
	}
	return c.View(ctx, m, args)
}

// nodesTable prints every admitted node with its collective, role, status
// and power.
func nodesTable(ctx context.Context, c *govclient.Client, fields []govclient.Field, w io.Writer) error {
	ids := fields[0].Value.([][20]byte)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tCOLLECTIVE\tROLE\tSTATUS\tPOWER")
	for _, id := range ids {
		n, err := govView(ctx, c, "node", id)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "0x%x\t%s\t%s\t%s\t%d\n", id, n[0].Value, governance.NodeRole(n[2].Value.(uint8)),
			governance.NodeStatus(n[3].Value.(uint8)), n[6].Value)
	}
	return tw.Flush()
}

// livenessRow is one validator's line of `redmx gov liveness`.
type livenessRow struct {
	Node       string `json:"node"`
	Collective string `json:"collective"`
	Power      uint64 `json:"power"`
	Missed     uint64 `json:"missed"`
	Window     uint64 `json:"window"`
	Counted    uint64 `json:"counted"`
	Flagged    bool   `json:"flagged"`
	Since      uint64 `json:"since,omitempty"`
}

func newGovLivenessCmd(o *govOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "liveness",
		Short: "The liveness review: every validator's missed blocks in the window, and which are flagged",
		Long: `Print the liveness review of every validator with power (docs/governance.md
§3.11): the blocks it missed among the last livenessWindow it was a validator
in, and whether it is flagged (it missed more than livenessMaxMissedPermille of
the window). Flagging changes nothing by itself: the Nodes Commission decides
what to do (proposeNodeAction). Window 0 means the chain's genesis did not
name livenessWindow and the review is off until a motion sets it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			c, err := o.dial(ctx, cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			m, err := govclient.Method("validators")
			if err != nil {
				return err
			}
			vals, err := c.ViewAll(ctx, m, nil)
			if err != nil {
				return err
			}
			ids, powers := vals[0].Value.([][20]byte), vals[1].Value.([]uint64)
			rows := make([]livenessRow, 0, len(ids))
			for i, id := range ids {
				n, err := govView(ctx, c, "node", id)
				if err != nil {
					return err
				}
				l, err := govView(ctx, c, "nodeLiveness", id)
				if err != nil {
					return err
				}
				rows = append(rows, livenessRow{Node: fmt.Sprintf("0x%x", id), Collective: n[0].Value.(string), Power: powers[i],
					Missed: l[0].Value.(uint64), Window: l[1].Value.(uint64), Counted: l[2].Value.(uint64),
					Flagged: l[3].Value.(bool), Since: l[4].Value.(uint64)})
			}
			out := cmd.OutOrStdout()
			if o.asJSON {
				return writeJSON(out, rows)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NODE\tCOLLECTIVE\tPOWER\tMISSED/WINDOW\tCOUNTED\tFLAGGED")
			for _, r := range rows {
				flag := "no"
				if r.Flagged {
					flag = fmt.Sprintf("yes, since block %d", r.Since)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d/%d\t%d\t%s\n", r.Node, r.Collective, r.Power, r.Missed, r.Window, r.Counted, flag)
			}
			return tw.Flush()
		},
	}
}
