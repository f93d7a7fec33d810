// Helpers for the governance tests: the published ABI, the founding
// governance's officers (the role keys the devnet prints), block time, revert
// reasons as ethers reports them, and CometBFT block events.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import WebSocket from "ws";
import { ethers, mined, rpc, waitFor } from "./env.mjs";

export const GOVERNANCE = "0x0000000000000000000000000000000000001000";
export const ABI = JSON.parse(readFileSync(new URL("../../governance/IGovernance.abi.json", import.meta.url), "utf8"));
// CometBFT's RPC (devnet prints it as host:port).
const comet = process.env.REDMX_COMET_RPC ?? "";
export const COMET_RPC = comet && !/^https?:\/\//.test(comet) ? `http://${comet}` : comet;

// Enumerations of IGovernance.sol.
export const Role = { leader: 1, secretary: 2, projectsCommission: 3, nodesCommission: 4, advisory: 5 };
export const NodeAction = { suspend: 1, remove: 2, reinstate: 3 };
export const ActionStatus = { proposed: 1, provisional: 2, toPlenary: 3, final: 4, rejected: 5, lapsed: 6, overturned: 7 };
export const RecordStatus = { active: 1, suspended: 2, removed: 3 };
export const NodeStatus = { admitted: 1, suspended: 2, removed: 3 };
export const MotionKind = { ratifyAction: 8, capitalBudget: 10, elect: 11 };
export const MotionStatus = { open: 1, passed: 2, failed: 3 };
export const CallStatus = { open: 1, filled: 2, lapsed: 3 };
export const BallotStatus = { open: 1, passed: 2, failed: 3 };

// officers returns the devnet's role keys as signers with a governance
// contract each: { role, collective, record, address, wallet, gov }.
export function officers(p) {
  const roles = JSON.parse(process.env.REDMX_ROLES || "[]");
  return roles.map((r) => {
    const wallet = new ethers.Wallet(r.privateKey, p);
    return { ...r, record: BigInt(r.record), wallet, gov: new ethers.Contract(GOVERNANCE, ABI, wallet) };
  });
}

// send runs a governance transaction and returns its receipt and the
// governance events it logged, by name.
export async function send(txPromise) {
  let r;
  try {
    r = await mined(txPromise);
  } catch (err) {
    // A transaction that passed estimation but reverted in its block: say
    // why, from the node's trace, and with what gas.
    const hash = err.receipt?.hash;
    if (!hash) throw err;
    const tx = await err.receipt.provider.getTransaction(hash);
    const trace = await rpc("debug_traceTransaction", [hash, { tracer: "callTracer" }]).catch((e) => ({ error: e.message }));
    const reason = trace.revertReason ?? trace.error;
    throw new Error(`transaction ${hash} reverted in block ${err.receipt.blockNumber}: ${reason} (gas ${err.receipt.gasUsed} of ${tx?.gasLimit}, data ${tx?.data.slice(0, 10)})`);
  }
  assert.equal(r.status, 1);
  const iface = new ethers.Interface(ABI);
  const events = {};
  for (const l of r.logs) {
    const ev = iface.parseLog(l);
    if (ev) (events[ev.name] ??= []).push(ev.args);
  }
  return { receipt: r, events };
}

// reverts asserts that a governance call is refused with exactly this
// reason, as ethers shows it to its user.
export async function reverts(promise, reason) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, "CALL_EXCEPTION", `want a revert, got ${err.shortMessage ?? err.message}`);
    assert.equal(err.reason, reason);
    assert.equal(err.shortMessage, `execution reverted: ${JSON.stringify(reason)}`);
    return true;
  });
}

export async function latest(p) {
  const b = await p.getBlock("latest");
  return { height: b.number, time: BigInt(b.timestamp) };
}

// untilTime waits, polling block by block, for a block whose time is at or
// after t (seconds); bounded by the distance to t plus a minute.
export async function untilTime(p, t, what) {
  const now = (await latest(p)).time;
  const ms = (Number(t > now ? t - now : 0n) + 60) * 1000;
  return waitFor(`${what} (block time ${t})`, async () => {
    const b = await latest(p);
    return b.time >= t ? b : null;
  }, ms, 250);
}

// BlockEvents subscribes to CometBFT's end-of-block events (NewBlockEvents
// over its websocket): the events governance raises with no transaction
// (TermEnded, ActionLapsed and what a lapse restores). The node keeps no copy
// of past block results, so the subscription is made before they happen.
export class BlockEvents {
  constructor(url = COMET_RPC) {
    this.seen = []; // { height, type, ...attributes }
    this.ws = new WebSocket(url.replace(/^http/, "ws") + "/websocket");
    this.ready = new Promise((resolve, reject) => {
      this.ws.once("error", reject);
      this.ws.once("open", () => {
        this.ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlockEvents'" } }));
      });
      this.ws.on("message", (raw) => {
        const m = JSON.parse(raw);
        if (m.id === 1 && !m.result?.data) {
          if (m.error) reject(new Error(`subscribe: ${JSON.stringify(m.error)}`));
          else resolve();
          return;
        }
        const v = m.result?.data?.value;
        if (!v?.events) return;
        for (const e of v.events) {
          const o = { height: Number(v.height), type: e.type };
          for (const a of e.attributes ?? []) o[a.key] = a.value;
          this.seen.push(o);
        }
      });
    });
  }

  // find returns the events of a type whose attributes include want.
  find(type, want = {}) {
    return this.seen.filter((e) => e.type === type && Object.entries(want).every(([k, v]) => e[k] === String(v)));
  }

  // waitFor waits, bounded, for an event of a type with those attributes.
  async waitFor(type, want = {}, timeoutMs = 20_000) {
    const what = Object.entries(want).map(([k, v]) => `${k}=${v}`).join(" ");
    return waitFor(`block event ${type} ${what}`, () => this.find(type, want)[0], timeoutMs, 250);
  }

  close() { this.ws.close(); }
}
