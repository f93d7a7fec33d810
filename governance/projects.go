package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Project admission (docs/governance.md §3.2): apply → a leader endorses →
// the Projects Commission sends it to plenary → the plenary approves it, and
// its accounts may deploy contracts.

// maxProjectAccounts bounds an application's deployer accounts.
const maxProjectAccounts = 16

func applyProject(c *call, a args) ([]any, error) {
	coll, name, desc, descURI := a.str(0), a.str(1), a.b32(2), a.str(3)
	just, repo, criteria, accounts := a.b32(4), a.str(5), Criteria(a.u8(6)), a.addrs(7)
	for _, t := range []struct{ what, v string }{{"collective", coll}, {"name", name}, {"descriptionURI", descURI}, {"repositoryURI", repo}} {
		if err := c.checkText(t.what, t.v); err != nil {
			return nil, err
		}
	}
	if name == "" {
		return nil, refuse("project name is empty")
	}
	if criteria == 0 || criteria >= 64 {
		return nil, refuse("criteria %d: claim at least one of the six criteria (bits 1–32)", criteria)
	}
	if len(accounts) == 0 || len(accounts) > maxProjectAccounts {
		return nil, refuse("a project needs 1 to %d deployer accounts, got %d", maxProjectAccounts, len(accounts))
	}
	if err := c.s.accountsFree(accounts); err != nil {
		return nil, err
	}
	if rec := c.s.recordOf(c.from); rec != 0 && c.s.recStatus(rec) != StatusActive {
		return nil, refuse("record %d is %s", rec, c.s.recStatus(rec))
	}
	id, err := c.newApplication(AppProject, coll)
	if err != nil {
		return nil, err
	}
	c.s.setStr(key("app.name", id), name)
	c.s.set(key("app.desc", id), desc)
	c.s.setStr(key("app.descURI", id), descURI)
	c.s.set(key("app.just", id), just)
	c.s.setStr(key("app.repo", id), repo)
	c.s.setU64(key("app.criteria", id), uint64(criteria))
	l := c.s.list("app.accounts", id)
	for _, acct := range accounts {
		l.push(common.BytesToHash(acct[:]))
		if acct == c.from { // its own transaction: it accepts by applying
			c.s.setFlag(key("app.accepted", id, acct), true)
		}
	}
	c.emit("ProjectApplied", id, c.from, coll, name)
	return []any{id}, nil
}

// accountsFree refuses accounts that repeat, belong to a record, or may
// not deploy (system addresses, accounts with code).
func (s *store) accountsFree(accounts []common.Address) error {
	for i, acct := range accounts {
		if acct == (common.Address{}) {
			return refuse("account %d is the zero address", i)
		}
		if err := s.checkDeployer(acct); err != nil {
			return err
		}
		for _, prev := range accounts[:i] {
			if prev == acct {
				return refuse("account %s is listed twice", acct.Hex())
			}
		}
		if rec := s.recordOf(acct); rec != 0 {
			return refuse("account %s already belongs to record %d", acct.Hex(), rec)
		}
	}
	return nil
}

// approveProject carries out a passed plenary motion on application app.
func (c *call) approveProject(app uint64) error {
	if kind, st, err := c.application(app); err != nil {
		return err
	} else if kind != AppProject || st != AppToPlenary {
		return refuse("application %d is not a project before the plenary", app)
	}
	accounts := c.s.appAccounts(app)
	if err := c.s.accountsAccepted(app, accounts); err != nil {
		return err
	}
	if err := c.s.accountsFree(accounts); err != nil {
		return err
	}
	coll := c.s.appColl(app)
	id := c.s.newProject(coll, c.s.str(key("app.name", app)), c.s.str(key("app.repo", app)), accounts, c.env.Time)
	c.s.setU64(key("rec.app", id), app)
	c.s.setU64(key("app.record", app), id)
	c.s.setAppStatus(app, AppApproved)
	c.emit("ProjectApproved", id, app, coll)
	return nil
}

func (s *store) newProject(coll, name, repo string, accounts []common.Address, since uint64) uint64 {
	id := s.newRecord(KindProject, coll, common.Hash{}, since)
	s.setStr(key("rec.name", id), name)
	s.setStr(key("rec.repo", id), repo)
	for _, acct := range accounts {
		s.addAccount(id, acct)
	}
	return id
}

// checkProjectStatus refuses a status motion that cannot apply.
func (s *store) checkProjectStatus(id uint64, status ProjectStatus) error {
	if !s.recExists(id) || s.recKind(id) != KindProject {
		return refuse("project %d does not exist", id)
	}
	if !known(status) {
		return refuse("project status %d is not %s", status, choices[ProjectStatus]())
	}
	if cur := s.recStatus(id); cur == StatusRemoved {
		return refuse("project %d is closed", id)
	} else if ProjectStatus(cur) == status {
		return refuse("project %d is already %s", id, status)
	}
	return nil
}

func (s *store) appAccounts(app uint64) []common.Address {
	var out []common.Address
	for _, h := range s.list("app.accounts", app).all() {
		out = append(out, common.BytesToAddress(h[:]))
	}
	return out
}

// accountsAccepted refuses a project application whose deployer accounts
// have not all accepted.
func (s *store) accountsAccepted(app uint64, accounts []common.Address) error {
	for _, acct := range accounts {
		if !s.flag(key("app.accepted", app, acct)) {
			return refuse("deployer account %s has not accepted application %d (acceptProjectAccount)", acct.Hex(), app)
		}
	}
	return nil
}

// acceptProjectAccount: a deployer account of an open project application
// consents, by its own transaction, to be the project's account.
func acceptProjectAccount(c *call, a args) ([]any, error) {
	app := a.u64(0)
	kind, st, err := c.application(app)
	if err != nil {
		return nil, err
	}
	if kind != AppProject || !appOpen(st) {
		return nil, refuse("application %d is not an open project application", app)
	}
	listed := false
	for _, acct := range c.s.appAccounts(app) {
		listed = listed || acct == c.from
	}
	if !listed {
		return nil, refuse("account %s is not a deployer account of application %d", c.from.Hex(), app)
	}
	if err := c.s.accountsFree([]common.Address{c.from}); err != nil {
		return nil, err
	}
	k := key("app.accepted", app, c.from)
	if c.s.flag(k) {
		return nil, refuse("account %s already accepted application %d", c.from.Hex(), app)
	}
	c.s.setFlag(k, true)
	c.emit("ProjectAccountAccepted", app, c.from)
	return nil, nil
}

func viewApplicationAccounts(s *store, _ Env, a args) []any {
	app := a.u64(0)
	accounts := s.appAccounts(app)
	accepted := make([]bool, len(accounts))
	for i, acct := range accounts {
		accepted[i] = s.flag(key("app.accepted", app, acct))
	}
	return []any{nonNil(accounts), accepted}
}
