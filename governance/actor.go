package governance

// Who may call: the sender's record and the seats it holds.

// actor is the sender's record, which must be active.
func (c *call) actor() (uint64, error) {
	id := c.s.recordOf(c.from)
	if id == 0 {
		return 0, refuse("account %s belongs to no member or project", c.from.Hex())
	}
	if st := c.s.recStatus(id); st != StatusActive {
		return 0, refuse("record %d is %s", id, st)
	}
	return id, nil
}

// leaderOf is the sender's record, which must lead coll.
func (c *call) leaderOf(coll string) (uint64, error) {
	id, err := c.actor()
	if err != nil {
		return 0, err
	}
	if !c.s.isLeader(id, coll) {
		return 0, refuse("not a leader of collective %s", coll)
	}
	return id, nil
}

// holderOf is the sender's record, which must hold a council seat of role.
func (c *call) holderOf(role Role) (uint64, error) {
	id, err := c.actor()
	if err != nil {
		return 0, err
	}
	if c.s.councilRole(id) != role {
		return 0, refuse("not a member of the %s", role.Office())
	}
	return id, nil
}

// checkText caps a name or URI at maxURILength bytes.
func (c *call) checkText(what, v string) error {
	if max := c.s.param("maxURILength"); uint64(len(v)) > max {
		return refuse("%s is %d bytes, at most %d allowed", what, len(v), max)
	}
	return nil
}
