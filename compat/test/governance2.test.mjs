// Governance part 2 as the officers of the four collectives meet it with
// ethers and the published ABI: a leader elected from an open call in a
// quorate plenary, its term ending into holdover and renewed by its
// collective's ballot (one vote delegated), a commission action ratified and another lapsing, a
// takeover by three Nodes Commission seats that changes nothing, a capital
// budget respected, and a proxy of no record that attends and votes. The devnet
// of the runner shortens leaderTerm and ratificationPeriod (run.mjs) so the
// calendar runs in minutes; on another node the file skips.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ethers, provider } from "../lib/env.mjs";
import {
  ABI, ActionStatus, BallotStatus, CallStatus, COMET_RPC, GOVERNANCE, MotionKind, MotionStatus, NodeAction, NodeStatus,
  RecordStatus, Role, BlockEvents, latest, officers, reverts, send, untilTime,
} from "../lib/gov.mjs";

const LONGEST = 180n; // seconds: the longest period this file waits for

describe("governance part 2: elections, terms and checks on the commission", () => {
  const p = provider();
  const of = officers(p);
  const by = (role, collective) => of.filter((o) => o.role === role && (collective === undefined || o.collective === collective));
  let skip = "";
  let events = null; // CometBFT block events, subscribed before the steps
  let params;
  const s = {}; // state shared by the steps, in order

  before(async () => {
    if (of.length === 0) { skip = "no role keys (REDMX_ROLES): run through run.mjs"; return; }
    const gov = of[0].gov;
    params = {};
    for (const n of ["leaderTerm", "ratificationPeriod", "candidacyPeriod", "ballotPeriod", "meetingNotice"]) {
      params[n] = await gov.parameter(n);
    }
    const long = Object.entries(params).filter(([, v]) => v > LONGEST);
    if (long.length) skip = `periods too long for a test: ${long.map(([k, v]) => `${k}=${v}`).join(", ")}`;
    if (!skip && COMET_RPC) {
      events = new BlockEvents();
      await events.ready;
    }
  });
  after(() => { events?.close(); p.destroy(); });

  const secretary = () => by("secretary")[0];
  const nodesCommission = () => by("nodes-commission");
  const council = () => [...by("secretary"), ...by("projects-commission"), ...by("nodes-commission")];

  it("a vacancy: a leader opens a call, members stand, refusals say why", async (t) => {
    if (skip) return t.skip(skip);
    const [lead1, lead2] = by("leader", "public");
    const [cand, cand2] = by("member", "public");
    const outsider = by("member", "private")[0];
    assert.ok(lead1 && lead2 && cand && cand2 && outsider, "the founding governance has these officers");

    // public has 2 of maxLeaders seated: a vacancy.
    const vac = await lead1.gov.vacancies();
    const i = [...vac.roles].findIndex((r, k) => r === BigInt(Role.leader) && vac.collectives[k] === "public");
    assert.ok(i >= 0, "vacancies() lists public's leader seats");
    assert.ok(vac.missing[i] >= 1);

    await reverts(outsider.gov.openCall("public"), "not the Executive Secretary or a leader of collective public");
    const { receipt, events } = await send(lead1.gov.openCall("public"));
    const opened = events.VacancyOpened[0];
    s.call = opened.callId;
    s.candidacyEnd = opened.candidacyEnd;
    const blk = await p.getBlock(receipt.blockNumber);
    assert.equal(opened.collective, "public");
    assert.equal(s.candidacyEnd, BigInt(blk.timestamp) + params.candidacyPeriod);

    // The secretary convenes the plenary now, so its notice runs during the
    // candidacies: it starts before they close and ends after.
    const now = BigInt(blk.timestamp);
    s.start = now + params.meetingNotice + 2n;
    s.end = (s.candidacyEnd > s.start ? s.candidacyEnd : s.start) + 35n;
    const conv = await send(secretary().gov.convene(1, ethers.id("agenda: elect a leader of public; ratify an action"), s.start, s.end, "online", 0));
    s.meeting = conv.events.MeetingConvened[0].meetingId;

    const stmt = ethers.id("statement of candidacy");
    const filed = await Promise.all([cand, cand2].map((o) => send(o.gov.standForSeat(s.call, stmt, `https://example.org/${o.record}`))));
    assert.equal(filed[0].events.CandidacyFiled[0].recordId, cand.record);
    await reverts(cand.gov.standForSeat(s.call, stmt, ""), `record ${cand.record} already stood in call ${s.call}`);
    await reverts(lead2.gov.standForSeat(s.call, stmt, ""), `record ${lead2.record} already leads collective public`);
    await reverts(outsider.gov.standForSeat(s.call, stmt, ""), `record ${outsider.record} is not a member of collective public`);
    await reverts(lead2.gov.openCall("public"),
      `call ${s.call} for collective public is open (candidacies until ${s.candidacyEnd}, 2 standing): elect from it`);

    const [ids] = await lead1.gov.candidates(s.call, ethers.ZeroHash, 0);
    assert.deepEqual([...ids], [cand.record, cand2.record]);
    const c = await lead1.gov.getFunction("call")(s.call);
    assert.equal(c.status, BigInt(CallStatus.open));
    assert.equal(c.candidates, 2n);
    s.candidate = cand;
  });

  it("a council member appoints a proxy of no record before the meeting", async (t) => {
    if (skip) return t.skip(skip);
    const holder = by("projects-commission", "cso")[0];
    const proxy = ethers.Wallet.createRandom().connect(p);
    const other = by("nodes-commission", "public")[0];
    await reverts(holder.gov.appointProxy(other.address), `account ${ethers.getAddress(other.address)} holds a council seat itself`);
    await reverts(holder.gov.appointProxy(holder.address), "a proxy is another account than the holder's");
    const { events } = await send(holder.gov.appointProxy(proxy.address));
    assert.deepEqual(events.ProxyAppointed?.map((e) => [e.holder, e.proxy]), [[holder.record, proxy.address]]);
    assert.equal(await holder.gov.proxyOf(holder.record), proxy.address);
    assert.equal(await holder.gov.recordOf(proxy.address), 0n, "the proxy has no record");
    s.proxy = { holder, wallet: proxy, gov: new ethers.Contract(GOVERNANCE, ABI, proxy) };
  });

  it("commission actions take effect provisionally, pending the plenary", async (t) => {
    if (skip) return t.skip(skip);
    const nc = nodesCommission();
    assert.equal(nc.length, 4, "four Nodes Commission seats");
    const [ratified, lapsing] = by("member", "private");
    const reason = ethers.id("repeated breach of the code of ethics");
    s.actions = {};
    for (const [name, target, proposer] of [["ratified", ratified, nc[0]], ["lapsing", lapsing, nc[1]]]) {
      const { events } = await send(proposer.gov.proposeMemberAction(target.record, NodeAction.suspend, true, reason));
      const id = events.ActionProposed[0].actionId;
      assert.equal(events.ActionProposed[0].reasonHash, reason);
      s.actions[name] = { id, target };
    }
    // Three of the four seats approve each: more than half of the filled seats.
    for (const name of ["ratified", "lapsing"]) {
      const a = s.actions[name];
      await send(nc[0].gov.voteAction(a.id, true));
      await send(nc[1].gov.voteAction(a.id, true));
      const { receipt, events } = await send(nc[2].gov.voteAction(a.id, true));
      assert.deepEqual(events.ActionDecided?.map((e) => [e.actionId, e.approved]), [[a.id, true]]);
      const prov = events.ActionProvisional?.[0];
      assert.ok(prov, "a suspension by the commission is provisional");
      const blk = await p.getBlock(receipt.blockNumber);
      const due = BigInt(blk.timestamp) + params.ratificationPeriod;
      assert.equal(prov.deadline, (due + 59n) / 60n * 60n, "the deadline is ratificationPeriod after the decision, rounded up to the minute");
      a.deadline = prov.deadline;
      assert.deepEqual(events.MemberStatusChanged?.map((e) => [e.recordId, e.status]), [[a.target.record, BigInt(RecordStatus.suspended)]]);
      const view = await nc[0].gov.action(a.id);
      assert.equal(view.status, BigInt(ActionStatus.provisional));
      assert.equal(view.deadline, a.deadline);
      assert.equal((await nc[0].gov.record(a.target.record)).status, BigInt(RecordStatus.suspended));
      await reverts(nc[3].gov.voteAction(a.id, true), `action ${a.id} is already decided (provisional)`);
    }
  });

  it("a takeover by three Nodes Commission seats changes nothing final", async (t) => {
    if (skip) return t.skip(skip);
    const three = nodesCommission().slice(0, 3);
    const reason = ethers.id("pretext");
    const sec = secretary();
    const lead = by("leader", "cso")[0];
    const fourth = nodesCommission()[3];
    // Acting on a seat holder is refused, whatever the action and cause.
    await reverts(three[0].gov.proposeMemberAction(sec.record, NodeAction.suspend, true, reason),
      `record ${sec.record} holds a seat (Executive Secretary): an action on a seat holder is moved in plenary (moveMemberAction)`);
    await reverts(three[1].gov.proposeMemberAction(lead.record, NodeAction.remove, true, reason),
      `record ${lead.record} holds a seat (collective leaders): an action on a seat holder is moved in plenary (moveMemberAction)`);
    await reverts(three[2].gov.proposeMemberAction(fourth.record, NodeAction.suspend, false, ethers.ZeroHash),
      `record ${fourth.record} holds a seat (Nodes Commission): an action on a seat holder is moved in plenary (moveMemberAction)`);
    await reverts(three[0].gov.proposeMemberAction(by("member", "academic")[0].record, NodeAction.suspend, true, ethers.ZeroHash),
      "an action for cause needs the commitment to its reason (reasonHash)");

    // Suspending the validators of three collectives for cause: each
    // approved by the three, each goes to the plenary and takes no effect.
    const gov = three[0].gov;
    const [ids, powers] = await gov.validators(ethers.ZeroHash, 0);
    assert.equal(ids.length, 4);
    const before = ids.map((id, k) => [id, powers[k]]);
    const targets = [];
    for (const id of ids) {
      const n = await gov.node(id);
      if (["public", "academic", "private"].includes(n.collective)) targets.push(id);
    }
    assert.equal(targets.length, 3);
    s.takeover = [];
    for (const node of targets) {
      const { events } = await send(three[0].gov.proposeNodeAction(node, NodeAction.suspend, true, reason));
      const id = events.ActionProposed[0].actionId;
      await send(three[1].gov.voteAction(id, true));
      await send(three[2].gov.voteAction(id, true));
      const last = await send(three[0].gov.voteAction(id, true));
      assert.ok(last.events.ActionSentToPlenary, "an action that relies on cause goes to the plenary");
      assert.equal(last.events.NodeStatusChanged, undefined, "nothing is suspended");
      assert.equal(last.events.ValidatorPowerChanged, undefined, "no power changes");
      const a = await gov.action(id);
      assert.equal(a.status, BigInt(ActionStatus.toPlenary));
      assert.equal((await gov.node(node)).status, BigInt(NodeStatus.admitted));
      s.takeover.push({ id, node, deadline: a.deadline });
    }
    const [ids2, powers2] = await gov.validators(ethers.ZeroHash, 0);
    assert.deepEqual(ids2.map((id, k) => [id, powers2[k]]), before, "the validator set and its powers are unchanged");
  });

  it("an election in a quorate plenary; a provisional action ratified", async (t) => {
    if (skip) return t.skip(skip);
    const sec = secretary();
    assert.equal(council().length, 9, "the secretary and eight commission seats");
    // The proxy attends and votes for its holder, who does not come.
    const members = council().map((o) => (o.record === s.proxy.holder.record ? { ...o, gov: s.proxy.gov, address: s.proxy.wallet.address } : o));
    await untilTime(p, s.start, "the meeting's start");
    const att = await Promise.all(members.map((o) => send(o.gov.attend(s.meeting))));
    assert.deepEqual(att.map((a) => [a.events.AttendanceRecorded[0].holder, a.events.AttendanceRecorded[0].by]), members.map((o) => [o.record, ethers.getAddress(o.address)]));
    await reverts(sec.gov.attend(s.meeting), `record ${sec.record} is already present at meeting ${s.meeting}`);
    await reverts(s.proxy.holder.gov.attend(s.meeting), `record ${s.proxy.holder.record} is already present at meeting ${s.meeting}`);
    // A proxy may send attend and vote, nothing else.
    await assert.rejects(s.proxy.gov.moveRatifyAction(s.meeting, s.actions.ratified.id), (err) => {
      assert.match(err.info?.error?.message ?? err.message, /as a proxy, it may only attend and vote/);
      return true;
    });
    // A proxy appointed once the meeting started does not act at it.
    const late = ethers.Wallet.createRandom().connect(p);
    const lateHolder = by("nodes-commission", "cso")[0];
    const ap = await send(lateHolder.gov.appointProxy(late.address));
    const since = (await p.getBlock(ap.receipt.blockNumber)).timestamp;
    await reverts(new ethers.Contract(GOVERNANCE, ABI, late).attend(s.meeting),
      `account ${late.address} became record ${lateHolder.record}'s proxy at ${since}, not before meeting ${s.meeting}'s start at ${s.start}: it does not act at that meeting`);
    await send(lateHolder.gov.revokeProxy());

    // A budget for cso: what its grants commit now and 50M gas more.
    const [, committed] = await sec.gov.capitalBudget("cso");
    s.budget = committed + 50_000_000n;
    const bm = await send(sec.gov.moveCapitalBudget(s.meeting, "cso", s.budget));
    s.budgetMotion = bm.events.MotionProposed[0].motionId;
    assert.equal(bm.events.MotionProposed[0].kind, BigInt(MotionKind.capitalBudget));
    await Promise.all(members.map((o) => send(o.gov.vote(s.budgetMotion, true))));

    const ratify = await send(sec.gov.moveRatifyAction(s.meeting, s.actions.ratified.id));
    s.ratifyMotion = ratify.events.MotionProposed[0].motionId;
    assert.equal(ratify.events.MotionProposed[0].kind, BigInt(MotionKind.ratifyAction));

    const b = await latest(p);
    if (b.time + 3n < s.candidacyEnd) {
      await reverts(sec.gov.moveElect(s.meeting, s.call, s.candidate.record),
        `candidacies for call ${s.call} are open until ${s.candidacyEnd}: elect after`);
    } else {
      t.diagnostic("the candidacies closed before the early motion could be tried");
    }
    await untilTime(p, s.candidacyEnd + 1n, "the end of the candidacies");
    const elect = await send(sec.gov.moveElect(s.meeting, s.call, s.candidate.record));
    s.electMotion = elect.events.MotionProposed[0].motionId;
    const before = await sec.gov.motionContent(s.electMotion);
    assert.equal(before.kind, BigInt(MotionKind.elect));
    assert.equal(before.role, BigInt(Role.leader));
    assert.equal(before.collective, "public");
    assert.equal(before.recordId, s.candidate.record);
    assert.equal(before.termEnd, s.end + params.leaderTerm, "before the decision: the term it would give at the meeting's end");

    // Seven yes and two no on each motion.
    await Promise.all(members.map((o, k) => send(o.gov.vote(s.electMotion, k < 7))));
    await Promise.all(members.map((o, k) => send(o.gov.vote(s.ratifyMotion, k < 7))));
    await reverts(members[0].gov.vote(s.electMotion, true), `record ${members[0].record} already voted on motion ${s.electMotion}`);

    await untilTime(p, s.end, "the meeting's end");
    const anyone = by("member", "academic")[0];
    const dec = await send(anyone.gov.decide(s.electMotion));
    const md = dec.events.MotionDecided[0];
    assert.deepEqual([md.passed, md.yes, md.no, md.present], [true, 7n, 2n, 9n]);
    const seat = dec.events.SeatFilled?.[0];
    assert.ok(seat, "the winner takes the seat");
    const decidedAt = BigInt((await p.getBlock(dec.receipt.blockNumber)).timestamp);
    assert.deepEqual([seat.role, seat.collective, seat.recordId], [BigInt(Role.leader), "public", s.candidate.record]);
    assert.equal(seat.termEnd, decidedAt + params.leaderTerm, "term end = decision time + leaderTerm");
    const term = await anyone.gov.term(Role.leader, s.candidate.record);
    assert.deepEqual([term.termEnd, term.holdingOver, term.renewals], [seat.termEnd, false, 0n]);
    assert.equal((await anyone.gov.motionContent(s.electMotion)).termEnd, seat.termEnd, "after: the decision's term end");
    assert.equal((await anyone.gov.motion(s.electMotion)).status, BigInt(MotionStatus.passed));
    const [holders] = await anyone.gov.seats(Role.leader, "public");
    assert.ok(holders.includes(s.candidate.record));
    assert.equal((await anyone.gov.getFunction("call")(s.call)).status, BigInt(CallStatus.filled), "public has no vacancy left");
    s.termEnd = seat.termEnd;

    const rat = await send(anyone.gov.decide(s.ratifyMotion));
    assert.deepEqual(rat.events.ActionRatified?.map((e) => [e.actionId, e.motionId]), [[s.actions.ratified.id, s.ratifyMotion]]);
    const a = await anyone.gov.action(s.actions.ratified.id);
    assert.equal(a.status, BigInt(ActionStatus.final));
    assert.equal(a.motionId, s.ratifyMotion);

    const bd = await send(anyone.gov.decide(s.budgetMotion));
    assert.deepEqual([...bd.events.MotionDecided[0]].slice(1), [true, 9n, 0n, 9n], "the proxy's vote counted for its holder");
    const set = bd.events.CapitalBudgetSet?.[0];
    assert.deepEqual([set?.collective, set?.gasPerEpoch, set?.committed], ["cso", s.budget, s.budget - 50_000_000n]);
  });

  it("a capital budget is respected: no grant over it, none to a leader's own record", async (t) => {
    if (skip) return t.skip(skip);
    const [lead, lead2] = by("leader", "cso");
    const asker = by("nodes-commission", "cso")[0];
    const other = by("projects-commission", "cso")[0];
    const [budget, committed] = await lead.gov.capitalBudget("cso");
    assert.equal(budget, s.budget);
    const [live] = await lead.gov.capital(asker.record);
    const room = budget - committed;
    const ask = live + room;
    const req = await send(asker.gov.requestCapital(ask, ethers.id("a node for the cso collective")));
    const requestId = req.events.CapitalRequested[0].requestId;

    await reverts(lead.gov.grantCapital(lead.record, 1n, 0n, 0n),
      `record ${lead.record} is the sender's own: no leader grants capital to its own record; another leader of collective cso may`);
    await reverts(lead.gov.grantCapital(other.record, ask, 0n, requestId),
      `capital request ${requestId} is record ${asker.record}'s, not record ${other.record}'s`);
    await reverts(lead.gov.grantCapital(asker.record, ask + 1n, 0n, requestId),
      `collective cso's capital budget is ${budget} gas per epoch and ${committed} is committed; this grant would commit ${budget + 1n}: ` +
      "lower it, revoke another grant (an expired grant counts until revoked) or ask the plenary for a larger budget");

    const g = await send(lead.gov.grantCapital(asker.record, ask, 0n, requestId));
    const ev = g.events.CapitalGranted[0];
    assert.deepEqual([ev.recordId, ev.leader, ev.gasPerEpoch, ev.expiry, ev.requestId], [asker.record, lead.record, ask, 0n, requestId]);
    const [, nowCommitted] = await lead.gov.capitalBudget("cso");
    assert.equal(nowCommitted, budget, "the budget is fully committed");
    const r = await lead.gov.capitalRequest(requestId);
    assert.deepEqual([r.status, r.decidedBy, r.grantedGasPerEpoch], [2n, lead.record, ask]);
    assert.equal((await lead.gov.capital(asker.record)).gasPerEpoch, ask);
    // Full: another leader's larger grant is refused too; a smaller one stands.
    const [otherLive] = await lead.gov.capital(other.record);
    await reverts(lead2.gov.grantCapital(other.record, otherLive + 1n, 0n, 0n),
      `collective cso's capital budget is ${budget} gas per epoch and ${budget} is committed; this grant would commit ${budget + 1n}: ` +
      "lower it, revoke another grant (an expired grant counts until revoked) or ask the plenary for a larger budget");
    await send(lead2.gov.grantCapital(other.record, otherLive - 1n, 0n, 0n));
    assert.equal((await lead.gov.capitalBudget("cso")).committed, budget - 1n);
  });

  // The question runs while the renewal below waits out its term and ballot,
  // so that the two minute-long waits overlap.
  it("a collective's leader asks its members a question; a delegation carries a vote", async (t) => {
    if (skip) return t.skip(skip);
    const [lead] = by("leader", "academic");
    // academic's plain member and its Projects Commission representative
    // (private's members are under the commission's actions above).
    const members = [...by("member", "academic"), ...by("projects-commission", "academic")];
    const delegator = by("nodes-commission", "academic")[0];
    s.question = { lead, members, delegator };
    assert.ok(lead && members.length >= 2 && delegator, "the founding governance has these officers");
    const question = ethers.id("Which node provider do we recommend to new members?");
    const end = (await latest(p)).time + 75n;
    await reverts(lead.gov.openBallot("academic", question, "https://example.org/q1", 1, end, 0), "a question has 2 to 16 options, not 1");
    await reverts(members[0].gov.openBallot("academic", question, "https://example.org/q1", 3, end, 0), "not a leader of collective academic");
    const opened = await send(lead.gov.openBallot("academic", question, "https://example.org/q1", 3, end, 0));
    const ballotId = opened.events.BallotOpened[0].ballotId;
    Object.assign(s.question, { ballotId, end });
    const q = opened.events.BallotQuestion[0];
    assert.deepEqual([q.questionHash, q.questionURI, q.options], [question, "https://example.org/q1", 3n]);
    assert.ok((await lead.gov.openBallots(ethers.ZeroHash, 0)).ballotIds.includes(ballotId), "openBallots() lists it");

    // The delegator follows the first member; the leader votes 3, the
    // members 2 — one of them first 1, then changing its mind.
    await send(delegator.gov.delegate("academic", members[0].record));
    await send(members[0].gov.voteBallot(ballotId, 1));
    await reverts(members[0].gov.voteBallot(ballotId, 4), `ballot ${ballotId} has options 1 to 3, not 4`);
    await reverts(members[0].gov.voteBallot(ballotId, 1), `record ${members[0].record} already voted option 1 in ballot ${ballotId}`);
    await Promise.all([send(members[0].gov.voteBallot(ballotId, 2)), send(members[1].gov.voteBallot(ballotId, 2)), send(lead.gov.voteBallot(ballotId, 3))]);
    const live = await lead.gov.ballotTally(ballotId);
    assert.deepEqual([[...live.direct], [...live.delegated]], [[0n, 2n, 1n], [0n, 0n, 0n]], "while open: direct votes only");
  });

  it("the term ends into holdover and the members renew it by ballot", async (t) => {
    if (skip) return t.skip(skip);
    const leader = s.candidate;
    const sec = secretary();
    // Before the last quarter of the term the ballot does not open.
    const opensAt = s.termEnd - params.leaderTerm / 4n;
    if ((await latest(p)).time + 3n < opensAt) {
      await reverts(leader.gov.openRenewalBallot(leader.record),
        `leader ${leader.record}'s renewal ballot opens at ${opensAt}, in the last quarter of its term`);
    }
    const b = await untilTime(p, s.termEnd, "the end of the term");
    const held = await waitForView(() => sec.gov.term(Role.leader, leader.record), (v) => v.holdingOver, "holdover in term()");
    assert.equal(held.termEnd, s.termEnd);
    const [, , holdingOver] = await sec.gov.seats(Role.leader, "public");
    assert.ok(holdingOver.some((h) => h), "seats() shows the holder holding over");
    assert.equal((await sec.gov.seatOf(leader.record)).role, BigInt(Role.leader));
    if (events) {
      const ended = await events.waitFor("TermEnded", { recordId: leader.record });
      assert.deepEqual([ended.role, ended.collective, ended.termEnd], [String(Role.leader), "public", String(s.termEnd)]);
      assert.ok(ended.height <= b.height + 1, "at the end of the first block past the term end");
      assert.equal(events.find("TermEnded", { recordId: leader.record }).length, 1, "once");
    }

    const opened = await send(leader.gov.openRenewalBallot(leader.record));
    const bo = opened.events.BallotOpened[0];
    const ballotId = bo.ballotId;
    assert.equal(bo.subject, leader.record);
    const view = await sec.gov.ballot(ballotId);
    assert.equal(view.status, BigInt(BallotStatus.open));
    const electorate = view.electorate;
    await reverts(leader.gov.openRenewalBallot(leader.record), `ballot ${ballotId} on leader ${leader.record}'s renewal is open`);

    // Members of public vote: the other leaders, a member, the leader
    // itself yes; the Projects Commission's representative no. The Nodes
    // Commission's representative delegates its vote to the leader.
    const yes = [...by("leader", "public"), by("member", "public")[1], leader];
    const no = by("projects-commission", "public");
    const delegator = by("nodes-commission", "public")[0];
    await send(delegator.gov.delegate("public", leader.record));
    const dg = await delegator.gov.delegation(delegator.record, "public");
    assert.deepEqual([dg.to, dg.delegators], [leader.record, 0n]);
    await Promise.all([...yes.map((o) => send(o.gov.castBallot(ballotId, true))), ...no.map((o) => send(o.gov.castBallot(ballotId, false)))]);
    await reverts(leader.gov.castBallot(ballotId, true), `record ${leader.record} already voted yes in ballot ${ballotId}`);
    const chain = await sec.gov.delegationChain(delegator.record, "public", ballotId, ethers.ZeroHash, 10);
    assert.deepEqual([[...chain.chain], chain.carriedBy], [[leader.record], leader.record]);
    const outsider = by("member", "academic")[0];
    await reverts(outsider.gov.castBallot(ballotId, true), `record ${outsider.record} is not a member of collective public`);
    await reverts(outsider.gov.closeBallot(ballotId), `ballot ${ballotId} runs until ${bo.end}`);
    assert.ok(BigInt(yes.length + no.length) * 3n >= electorate, `turnout ${yes.length + no.length} of ${electorate}`);

    // The end of the first block past the ballot's end counts it, with the
    // delegation.
    await untilTime(p, bo.end, "the ballot's end");
    const done = await waitForView(() => sec.gov.ballot(ballotId), (v) => v.status !== BigInt(BallotStatus.open), "the ballot closed");
    assert.deepEqual([done.status, done.yes, done.no, done.electorate],
      [BigInt(BallotStatus.passed), BigInt(yes.length + 1), BigInt(no.length), electorate]);
    const split = await sec.gov.ballotTally(ballotId);
    assert.deepEqual([[...split.direct], [...split.delegated], split.winner],
      [[BigInt(yes.length), BigInt(no.length)], [1n, 0n], 1n]);
    await reverts(outsider.gov.closeBallot(ballotId), `ballot ${ballotId} is closed (passed)`);
    const term = await waitForView(() => sec.gov.term(Role.leader, leader.record), (v) => v.renewals === 1n, "the renewal in term()");
    assert.deepEqual([term.holdingOver, term.openBallot], [false, 0n]);
    if (events) {
      const bc = await events.waitFor("BallotClosed", { ballotId });
      assert.deepEqual([bc.passed, bc.yes, bc.no], ["true", String(yes.length + 1), String(no.length)]);
      const tr = await events.waitFor("TermRenewed", { recordId: leader.record });
      const closedAt = BigInt((await p.getBlock(bc.height)).timestamp);
      assert.deepEqual([BigInt(tr.termEnd), tr.renewals], [closedAt + params.leaderTerm, "1"]);
      assert.equal(term.termEnd, BigInt(tr.termEnd));
    }
    await send(delegator.gov.revokeDelegation("public"));
  });

  it("the question is counted at its end, with the delegation", async (t) => {
    if (skip) return t.skip(skip);
    assert.ok(s.question?.ballotId, "the question was opened above");
    const { lead, delegator, ballotId, end } = s.question;
    await untilTime(p, end, "the question's end");
    const done = await waitForView(() => lead.gov.ballotTally(ballotId), (v) => v.winner !== 0n, "the question counted");
    assert.deepEqual([[...done.direct], [...done.delegated], done.winner], [[0n, 2n, 1n], [0n, 1n, 0n], 2n]);
    assert.equal((await lead.gov.ballot(ballotId)).status, BigInt(BallotStatus.passed));
    await send(delegator.gov.revokeDelegation("academic"));
  });

  it("an action not ratified lapses: the member is restored; the takeover's actions lapse with nothing to undo", async (t) => {
    if (skip) return t.skip(skip);
    const gov = secretary().gov;
    const a = s.actions.lapsing;
    const lastDeadline = s.takeover.reduce((m, x) => (x.deadline > m ? x.deadline : m), a.deadline);
    await untilTime(p, lastDeadline, "the ratification deadlines");
    const v = await waitForView(() => gov.action(a.id), (x) => x.status === BigInt(ActionStatus.lapsed), "the action lapsed");
    assert.equal(v.deadline, a.deadline);
    assert.equal((await gov.record(a.target.record)).status, BigInt(RecordStatus.active), "the member is restored");
    assert.equal((await gov.record(s.actions.ratified.target.record)).status, BigInt(RecordStatus.suspended), "the ratified suspension stays");
    for (const x of s.takeover) {
      const tv = await waitForView(() => gov.action(x.id), (y) => y.status === BigInt(ActionStatus.lapsed), `takeover action ${x.id} lapsed`);
      assert.equal(tv.status, BigInt(ActionStatus.lapsed));
      assert.equal((await gov.node(x.node)).status, BigInt(NodeStatus.admitted));
    }
    if (events) {
      // The lapse is an end-of-block event, with what it restored in the
      // same block.
      const lapsed = await events.waitFor("ActionLapsed", { actionId: a.id });
      assert.equal(events.find("ActionLapsed", { actionId: a.id }).length, 1, "once");
      const h = lapsed.height;
      const restored = events.find("MemberStatusChanged", { recordId: a.target.record });
      assert.deepEqual(restored.map((e) => [e.height, e.status]), [[h, String(RecordStatus.active)]], "MemberStatusChanged in the same block");
      const blk = await p.getBlock(h);
      assert.ok(BigInt(blk.timestamp) >= a.deadline, "not before the deadline");
      const prev = await p.getBlock(h - 1);
      assert.ok(BigInt(prev.timestamp) < a.deadline, "at the end of the first block at or after the deadline");
      for (const x of s.takeover) {
        assert.equal(events.find("ActionLapsed", { actionId: x.id }).length, 1, `takeover action ${x.id} lapsed as a block event`);
      }
      assert.deepEqual(events.find("NodeStatusChanged"), [], "a takeover's lapse restores nothing: nothing was suspended");
    }
  });
});

// waitForView polls a view, block-paced and bounded, until ok(value).
async function waitForView(read, ok, what) {
  const end = Date.now() + 30_000;
  let v;
  while (Date.now() < end) {
    v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}
