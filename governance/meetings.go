package governance

import (
	"github.com/ethereum/go-ethereum/common"
)

// Meetings and plenary of the Executive Council (docs/governance.md §3.5):
// convened with notice, attended by each holder's own transaction or its
// proxy's within the window, motions by a majority of those present in a
// quorate meeting (a tie fails).

func requestExtraordinary(c *call, a args) ([]any, error) {
	obj := a.b32(0)
	rec, err := c.actor()
	if err != nil {
		return nil, err
	}
	if !c.s.isLeader(rec, c.s.recColl(rec)) {
		return nil, refuse("not a leader of collective %s", c.s.recColl(rec))
	}
	id := c.s.next("seq.exreq")
	c.s.setU64(key("exreq.leader", id), rec)
	c.s.set(key("exreq.obj", id), obj)
	c.s.setU64(key("exreq.time", id), c.env.Time)
	c.emit("ExtraordinaryRequested", id, rec, [32]byte(obj))
	return []any{id}, nil
}

func convene(c *call, a args) ([]any, error) {
	kind, agenda, start, end, place, req := MeetingKind(a.u8(0)), a.b32(1), a.u64(2), a.u64(3), a.str(4), a.u64(5)
	if _, err := c.holderOf(RoleSecretary); err != nil {
		return nil, err
	}
	if err := c.checkText("place", place); err != nil {
		return nil, err
	}
	if notice := c.s.param("meetingNotice"); start < c.env.Time+notice {
		return nil, refuse("meeting starts at %d, but needs %d seconds of notice: not before %d", start, notice, c.env.Time+notice)
	}
	if end <= start {
		return nil, refuse("meeting ends at %d, not after its start %d", end, start)
	}
	switch kind {
	case MeetingOrdinary:
	case MeetingExtraordinary:
		if c.s.u64(key("exreq.leader", req)) == 0 {
			return nil, refuse("extraordinary meeting request %d does not exist", req)
		}
		if m := c.s.u64(key("exreq.meeting", req)); m != 0 {
			return nil, refuse("request %d is already answered by meeting %d", req, m)
		}
	default:
		return nil, refuse("meeting kind %d is not %s", kind, choices[MeetingKind]())
	}
	id := c.s.next("seq.meeting")
	if kind == MeetingExtraordinary {
		c.s.setU64(key("exreq.meeting", req), id)
	}
	c.s.setU64(key("mtg.kind", id), uint64(kind))
	c.s.setU64(key("mtg.start", id), start)
	c.s.setU64(key("mtg.end", id), end)
	c.s.set(key("mtg.agenda", id), agenda)
	c.s.setStr(key("mtg.place", id), place)
	c.s.setU64(key("mtg.request", id), req)
	c.s.setU64(key("mtg.need", id), c.s.meetingQuorum(kind))
	c.s.list("meetings").push(w64(id))
	c.emit("MeetingConvened", id, kind, start, end, [32]byte(agenda))
	return []any{id}, nil
}

func appointProxy(c *call, a args) ([]any, error) {
	proxy := a.addr(0)
	holder, err := c.executive()
	if err != nil {
		return nil, err
	}
	if proxy == (common.Address{}) || c.s.recordOf(proxy) == holder {
		return nil, refuse("a proxy is another account than the holder's")
	}
	if r := c.s.recordOf(proxy); r != 0 && c.s.isExecutive(r) {
		return nil, refuse("account %s holds a council seat itself", proxy.Hex())
	}
	if other := c.s.u64(key("proxy.for", proxy)); other != 0 && other != holder {
		return nil, refuse("account %s is already the proxy of record %d", proxy.Hex(), other)
	}
	if old := c.s.addr(key("proxy.of", holder)); old != (common.Address{}) {
		c.s.setU64(key("proxy.for", old), 0)
		c.emit("ProxyRevoked", holder, old)
	}
	c.s.setAddr(key("proxy.of", holder), proxy)
	c.s.setU64(key("proxy.for", proxy), holder)
	c.s.setU64(key("proxy.since", holder), c.env.Time)
	c.emit("ProxyAppointed", holder, proxy)
	return nil, nil
}

func revokeProxy(c *call, a args) ([]any, error) {
	holder, err := c.executive()
	if err != nil {
		return nil, err
	}
	old := c.s.addr(key("proxy.of", holder))
	if old == (common.Address{}) {
		return nil, refuse("record %d has no proxy", holder)
	}
	c.s.setAddr(key("proxy.of", holder), common.Address{})
	c.s.setU64(key("proxy.for", old), 0)
	c.s.setU64(key("proxy.since", holder), 0)
	c.emit("ProxyRevoked", holder, old)
	return nil, nil
}

// executive is the sender's record, which must hold an Executive Council seat.
func (c *call) executive() (uint64, error) {
	id, err := c.actor()
	if err != nil {
		return 0, err
	}
	if !c.s.isExecutive(id) {
		return 0, refuse("not a member of the Executive Council")
	}
	return id, nil
}

// proxyHolder is the Executive Council seat holder whose current proxy a is
// (0: none).
func (s *store) proxyHolder(a common.Address) uint64 {
	h := s.u64(key("proxy.for", a))
	if h == 0 || s.addr(key("proxy.of", h)) != a || !s.isExecutive(h) {
		return 0
	}
	return h
}

// seatActor is the seat the sender attends and votes for at meeting m: its
// own record's, or that of the holder whose proxy it is, appointed before
// the meeting's start (a proxy named once the meeting began, or at its
// start, does not act at it).
func (c *call) seatActor(m uint64) (uint64, error) {
	if id := c.s.recordOf(c.from); id != 0 && c.s.isExecutive(id) {
		return c.executive()
	}
	h := c.s.proxyHolder(c.from)
	if h == 0 {
		return 0, refuse("not a member of the Executive Council or a member's proxy")
	}
	if st := c.s.recStatus(h); st != StatusActive {
		return 0, refuse("record %d is %s", h, st)
	}
	if since, start := c.s.u64(key("proxy.since", h)), c.s.u64(key("mtg.start", m)); since >= start {
		return 0, refuse("account %s became record %d's proxy at %d, not before meeting %d's start at %d: it does not act at that meeting", c.from.Hex(), h, since, m, start)
	}
	return h, nil
}

// mover is the sender's record, which must hold an Executive Council seat
// itself: a proxy attends and votes, never moves.
func (c *call) mover() (uint64, error) {
	if id := c.s.recordOf(c.from); id == 0 || !c.s.isExecutive(id) {
		if h := c.s.proxyHolder(c.from); h != 0 {
			return 0, refuse("account %s is record %d's proxy: a proxy only attends and votes; the holder moves motions", c.from.Hex(), h)
		}
	}
	return c.executive()
}

// inWindow refuses unless meeting m is under way: start ≤ now < end.
func (c *call) inWindow(m uint64) error {
	if c.s.u64(key("mtg.kind", m)) == 0 {
		return refuse("meeting %d does not exist", m)
	}
	start, end := c.s.u64(key("mtg.start", m)), c.s.u64(key("mtg.end", m))
	if c.env.Time < start {
		return refuse("meeting %d has not started (starts at %d)", m, start)
	}
	if c.env.Time >= end {
		return refuse("meeting %d has ended (at %d)", m, end)
	}
	return nil
}

func (s *store) present(m uint64) lset { return s.lset("mtg.present", m) }

// markPresent records holder's attendance at m, and whether the secretary
// attended, as the seats are now: the meeting's quorum is its own record.
func (s *store) markPresent(m, holder uint64) bool {
	if !s.present(m).add(w64(holder)) {
		return false
	}
	if s.councilRole(holder) == RoleSecretary {
		s.setFlag(key("mtg.secretary", m), true)
	}
	return true
}

func attend(c *call, a args) ([]any, error) {
	m := a.u64(0)
	if err := c.inWindow(m); err != nil {
		return nil, err
	}
	holder, err := c.seatActor(m)
	if err != nil {
		return nil, err
	}
	if !c.s.markPresent(m, holder) {
		return nil, refuse("record %d is already present at meeting %d", holder, m)
	}
	c.emit("AttendanceRecorded", m, holder, c.from)
	return nil, nil
}

func recordMinutes(c *call, a args) ([]any, error) {
	m, h := a.u64(0), a.b32(1)
	if _, err := c.holderOf(RoleSecretary); err != nil {
		return nil, err
	}
	if c.s.u64(key("mtg.kind", m)) == 0 {
		return nil, refuse("meeting %d does not exist", m)
	}
	if end := c.s.u64(key("mtg.end", m)); c.env.Time < end {
		return nil, refuse("meeting %d has not ended (ends at %d)", m, end)
	}
	c.s.set(key("mtg.minutes", m), h)
	c.emit("MinutesRecorded", m, [32]byte(h))
	return nil, nil
}

func addAgreement(c *call, a args) ([]any, error) {
	m, text := a.u64(0), a.b32(1)
	if _, err := c.holderOf(RoleSecretary); err != nil {
		return nil, err
	}
	if c.s.u64(key("mtg.kind", m)) == 0 {
		return nil, refuse("meeting %d does not exist", m)
	}
	if start := c.s.u64(key("mtg.start", m)); c.env.Time < start {
		return nil, refuse("meeting %d has not started (starts at %d)", m, start)
	}
	id := c.s.next("seq.agreement")
	c.s.setU64(key("agr.meeting", id), m)
	c.s.set(key("agr.text", id), text)
	c.s.setU64(key("agr.status", id), 1)
	c.s.list("mtg.agreements", m).push(w64(id))
	c.emit("AgreementAdded", id, m, [32]byte(text))
	return []any{id}, nil
}

func setAgreementStatus(c *call, a args) ([]any, error) {
	id, st := a.u64(0), AgreementStatus(a.u8(1))
	if _, err := c.holderOf(RoleSecretary); err != nil {
		return nil, err
	}
	if c.s.u64(key("agr.meeting", id)) == 0 {
		return nil, refuse("agreement %d does not exist", id)
	}
	if !known(st) {
		return nil, refuse("agreement status %d is not %s", st, choices[AgreementStatus]())
	}
	c.s.setU64(key("agr.status", id), uint64(st))
	c.emit("AgreementStatusChanged", id, st)
	return nil, nil
}
