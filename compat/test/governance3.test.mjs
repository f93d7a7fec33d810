// Governance part 3 as members meet it with ethers and the published ABI,
// without waiting on a meeting: a stranger applies for a new collective
// (which only the plenary decides), a member reports a violation of the
// code of ethics, and a validator's operator reads its node report
// ready-made from the chain and its reports' schedule. The plenary's side
// (creation by two thirds, sanctions, the code in force) is walked in
// docs/members-walkthrough.md; ballots with delegation in governance2.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ethers, provider } from "../lib/env.mjs";
import { ABI, GOVERNANCE, officers, reverts, send } from "../lib/gov.mjs";

const ReportKind = { memberNodes: 1, project: 2, leaders: 3 };
const ViolationStatus = { open: 1 };

describe("governance part 3: new collectives, violations, reports", () => {
  const p = provider();
  const of = officers(p);
  const by = (role, collective) => of.filter((o) => o.role === role && (collective === undefined || o.collective === collective));
  const skip = of.length === 0 ? "no role keys (REDMX_ROLES): run through run.mjs" : "";
  after(() => p.destroy());

  it("a stranger applies for a new collective; only the plenary decides it", async (t) => {
    if (skip) return t.skip(skip);
    const stranger = ethers.Wallet.createRandom().connect(p);
    const gov = new ethers.Contract(GOVERNANCE, ABI, stranger);
    const request = ethers.id("a collective of international organisations, each running a node");
    const inst = ethers.id("salt and the name of the promoting institution");
    await reverts(gov.applyCollective("public", request, "https://example.org/request.pdf", inst), "collective public exists");
    await reverts(gov.applyCollective("intl-compat", ethers.ZeroHash, "https://example.org/request.pdf", inst),
      "a new collective needs the commitment to its written request and the request's URI");
    const { events } = await send(gov.applyCollective("intl-compat", request, "https://example.org/request.pdf", inst));
    const ev = events.CollectiveRequested[0];
    assert.deepEqual([ev.name, ev.applicant, ev.requestHash], ["intl-compat", stranger.address, request]);
    const req = await gov.collectiveRequest(ev.applicationId);
    assert.deepEqual([req.requestHash, req.requestURI], [request, "https://example.org/request.pdf"]);
    const lead = by("leader", "public")[0];
    await reverts(lead.gov.endorse(ev.applicationId),
      `application ${ev.applicationId} is for a new collective: the Executive Council decides it in plenary (moveNewCollective)`);
    const formation = await gov.collectiveFormation("intl-compat");
    assert.deepEqual([formation.formed, formation.applicationId], [false, 0n], "nothing exists before the plenary");
  });

  it("a member reports a violation of the code of ethics", async (t) => {
    if (skip) return t.skip(skip);
    const reporter = by("advisory", "academic")[0];
    const target = by("member", "public")[1];
    const evidence = ethers.id("minutes showing the breach");
    await reverts(reporter.gov.reportViolation(reporter.record, evidence, "https://example.org/evidence.pdf"),
      `record ${reporter.record} cannot report itself`);
    const { events } = await send(reporter.gov.reportViolation(target.record, evidence, "https://example.org/evidence.pdf"));
    const ev = events.ViolationReported[0];
    assert.deepEqual([ev.recordId, ev.reporter, ev.evidenceHash], [target.record, reporter.record, evidence]);
    const v = await reporter.gov.violation(ev.violationId);
    assert.deepEqual([v.recordId, v.status, v.evidenceURI], [target.record, BigInt(ViolationStatus.open), "https://example.org/evidence.pdf"]);
    const code = await reporter.gov.ethics();
    const mine = await reporter.gov.ethicsOf(reporter.record);
    assert.equal(mine.current, code.version === 0n || mine.acceptedVersion === code.version);
  });

  it("a validator's operator reads its node report and its reports' schedule", async (t) => {
    if (skip) return t.skip(skip);
    const op = by("leader", "public")[0]; // operates public's validator
    const r = await op.gov.nodeReport(op.record, ethers.ZeroHash, 0);
    assert.equal(r.nodeIds.length, 1);
    assert.ok(r.signed[0] > 0n, `signed ${r.signed[0]}`);
    assert.ok(r.proposals[0] > 0n, `proposals ${r.proposals[0]}`);
    const month = await op.gov.parameter("reportMonth");
    const s = await op.gov.reportStatus(ReportKind.memberNodes, "", op.record);
    assert.deepEqual([s.periodLength, s.reports, s.overdue], [month, 0n, 0n]);
    assert.equal(s.nextDue, s.startedAt + 2n * month, "report 0 is due a month after its period");
    await reverts(op.gov.submitReport(ReportKind.memberNodes, "", 0, ethers.id("report"), "https://example.org/report.pdf"),
      `period 0 ends at ${s.startedAt + month}: report it after`);
    await reverts(op.gov.submitReport(ReportKind.leaders, "academic", 0, ethers.id("report"), "https://example.org/report.pdf"),
      "not a leader of collective academic");
    const list = await op.gov.overdueReports(ReportKind.memberNodes, "public", ethers.ZeroHash, 0);
    assert.deepEqual([...list.recordIds], [], "nothing is overdue on a young chain");
  });
});
