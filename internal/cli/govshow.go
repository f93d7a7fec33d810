package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/redmx/redmx/governance"
	"github.com/redmx/redmx/internal/govclient"
)

// govShow is what `redmx gov show <what> <id>` reads: every view of one
// item an officer weighs before voting on it.
type govShow struct {
	what, short string
	// first is the view that says whether the item exists; more lists the
	// other views, given the first's answer.
	first  string
	exists func(first []govclient.Field) bool
	more   func(first []govclient.Field) []string
}

var govShows = []govShow{
	{
		what: "application", short: "Everything an application holds: what it asks for, its documents, accounts, votes and review",
		first:  "application",
		exists: func(f []govclient.Field) bool { return f[0].Value.(uint8) != 0 },
		more: func(f []govclient.Field) []string {
			switch governance.ApplicationKind(f[0].Value.(uint8)) {
			case governance.AppNode:
				return []string{"nodeApplication", "applicationVotes", "applicationReview"}
			case governance.AppProject:
				return []string{"projectApplication", "applicationAccounts", "applicationVotes", "applicationReview"}
			case governance.AppAdvisory:
				return []string{"advisoryApplication", "applicationReview"}
			}
			return []string{"applicationVotes", "applicationReview"}
		},
	},
	{
		what: "motion", short: "Everything a motion holds: its meeting, what it would do, and its votes",
		first:  "motion",
		exists: func(f []govclient.Field) bool { return f[0].Value.(uint64) != 0 },
		more:   func([]govclient.Field) []string { return []string{"motionContent"} },
	},
	{
		what: "action", short: "Everything a Nodes Commission action holds: its subject, reason, votes and outcome",
		first:  "action",
		exists: func(f []govclient.Field) bool { return f[0].Value.(uint8) != 0 },
		more:   func([]govclient.Field) []string { return []string{"actionDetail", "actionVotes"} },
	},
	{
		what: "capital-request", short: "A capital request: the record, the gas it asks for, its justification, its status and who decided it",
		first:  "capitalRequest",
		exists: func(f []govclient.Field) bool { return f[0].Value.(uint64) != 0 },
		more:   func([]govclient.Field) []string { return nil },
	},
	{
		what: "extraordinary-request", short: "An extraordinary meeting request: the leader, its objectives, the meeting convened for it",
		first:  "extraordinaryRequest",
		exists: func(f []govclient.Field) bool { return f[0].Value.(uint64) != 0 },
		more:   func([]govclient.Field) []string { return nil },
	},
}

func newGovShowCmd(o *govOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show everything an application, motion, action or request holds, before voting on it",
		Long: `Read every view of one item in one go: what an officer weighs before voting.
Human output prints one section per view; --json one object with a member
per view, named as the view (application, nodeApplication, …).`,
	}
	for _, sh := range govShows {
		cmd.AddCommand(&cobra.Command{
			Use:   sh.what + " <id>",
			Short: sh.short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, words []string) error {
				id, err := strconv.ParseUint(words[0], 0, 64)
				if err != nil {
					return fmt.Errorf("%s id: want a number, got %q", sh.what, words[0])
				}
				ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
				defer cancel()
				c, err := o.dial(ctx, cmd)
				if err != nil {
					return err
				}
				defer c.Close()
				return sh.run(ctx, c, id, o.asJSON, cmd.OutOrStdout())
			},
		})
	}
	return cmd
}

func (sh govShow) run(ctx context.Context, c *govclient.Client, id uint64, asJSON bool, w io.Writer) error {
	first, err := govView(ctx, c, sh.first, id)
	if err != nil {
		return err
	}
	if !sh.exists(first) {
		return fmt.Errorf("%s %d does not exist", sh.what, id)
	}
	names := append([]string{sh.first}, sh.more(first)...)
	answers := [][]govclient.Field{first}
	for _, name := range names[1:] {
		f, err := govView(ctx, c, name, id)
		if err != nil {
			return err
		}
		answers = append(answers, f)
	}
	if asJSON {
		obj := make(map[string]any, len(names))
		for i, name := range names {
			obj[name] = govclient.JSONObject(answers[i])
		}
		return writeJSON(w, obj)
	}
	for i, name := range names {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s %d ==\n", name, id)
		govclient.Print(w, answers[i])
	}
	return nil
}
