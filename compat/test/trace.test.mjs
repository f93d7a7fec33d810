// debug_trace*: go-ethereum's callTracer, prestateTracer and default struct
// logger over real transactions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEY, deploy, ethers, mined, provider, rpc, wallet } from "../lib/env.mjs";

const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
const AGGREGATE3 = "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)";

const lower = (a) => a.toLowerCase();

// sendFailing sends a transaction that reverts (explicit gas, no estimate) and
// returns its receipt.
async function sendFailing(signer, tx) {
  const sent = await signer.sendTransaction({ gasLimit: 300_000n, ...tx });
  try {
    await sent.wait(1, 30_000);
  } catch (err) {
    if (err.code === "CALL_EXCEPTION" && err.receipt) return err.receipt;
    throw err;
  }
  throw new Error("the transaction did not fail");
}

describe("debug tracing", () => {
  const p = provider();
  const w = wallet(KEY.trace, p);
  const bob = ethers.Wallet.createRandom().address;
  let token, taddr, okReceipt, failReceipt, nestedReceipt;

  before(async () => {
    token = await deploy("CompatToken", w, 1000n);
    taddr = await token.getAddress();
    okReceipt = await mined(token.transfer(bob, 10n));
    // A transfer above the balance: OZ's ERC20InsufficientBalance.
    failReceipt = await sendFailing(w, { to: taddr, data: token.interface.encodeFunctionData("transfer", [bob, 10_000n]) });
    // Through Multicall3: the inner transfer fails, Multicall3 reverts with a
    // require message ("Multicall3: call failed").
    const mc = new ethers.Interface([AGGREGATE3]);
    const inner = token.interface.encodeFunctionData("transfer", [bob, 1n]); // Multicall3 holds no tokens
    nestedReceipt = await sendFailing(w, { to: MULTICALL3, data: mc.encodeFunctionData("aggregate3", [[{ target: taddr, allowFailure: false, callData: inner }]]) });
  });
  after(() => p.destroy());

  it("callTracer on a failed ERC-20 transfer: the error and the custom error output", async () => {
    assert.equal(failReceipt.status, 0);
    const t = await rpc("debug_traceTransaction", [failReceipt.hash, { tracer: "callTracer" }]);
    assert.equal(t.type, "CALL");
    assert.equal(lower(t.from), lower(w.address));
    assert.equal(lower(t.to), lower(taddr));
    assert.equal(t.error, "execution reverted");
    assert.equal(t.gas, "0x" + (300_000).toString(16));
    assert.equal(BigInt(t.gasUsed), failReceipt.gasUsed);
    const rev = token.interface.parseError(t.output);
    assert.equal(rev.name, "ERC20InsufficientBalance");
    assert.deepEqual([...rev.args], [w.address, 990n, 10_000n]);
  });

  it("callTracer: a call tree with the revert reason", async () => {
    const t = await rpc("debug_traceTransaction", [nestedReceipt.hash, { tracer: "callTracer" }]);
    assert.equal(lower(t.to), lower(MULTICALL3));
    assert.equal(t.error, "execution reverted");
    assert.equal(t.revertReason, "Multicall3: call failed");
    assert.equal(t.calls.length, 1);
    const c = t.calls[0];
    assert.equal(c.type, "CALL");
    assert.equal(lower(c.from), lower(MULTICALL3));
    assert.equal(lower(c.to), lower(taddr));
    assert.equal(c.error, "execution reverted");
    assert.equal(token.interface.parseError(c.output).name, "ERC20InsufficientBalance");
  });

  it("callTracer with withLog on a successful transfer", async () => {
    const t = await rpc("debug_traceTransaction", [okReceipt.hash, { tracer: "callTracer", tracerConfig: { withLog: true } }]);
    assert.equal(t.error, undefined);
    assert.equal(BigInt(t.output), 1n); // true
    assert.equal(t.logs.length, 1);
    assert.equal(lower(t.logs[0].address), lower(taddr));
    assert.equal(t.logs[0].topics[0], token.interface.getEvent("Transfer").topicHash);
  });

  it("prestateTracer: the accounts touched, before the transaction", async () => {
    const t = await rpc("debug_traceTransaction", [okReceipt.hash, { tracer: "prestateTracer" }]);
    const keys = Object.keys(t).map(lower);
    assert.ok(keys.includes(lower(w.address)));
    assert.ok(keys.includes(lower(taddr)));
    const acct = t[Object.keys(t).find((k) => lower(k) === lower(w.address))];
    assert.equal(acct.nonce, okReceipt.nonce ?? (await p.getTransaction(okReceipt.hash)).nonce);
    assert.equal(BigInt(acct.balance), await p.getBalance(w.address, okReceipt.blockNumber - 1));
    const tok = t[Object.keys(t).find((k) => lower(k) === lower(taddr))];
    assert.equal(tok.code, await p.getCode(taddr));
    assert.ok(Object.keys(tok.storage).length >= 1, "the balances' slots");
    const diff = await rpc("debug_traceTransaction", [okReceipt.hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    assert.ok(diff.pre && diff.post);
  });

  it("the default struct logger", async () => {
    const t = await rpc("debug_traceTransaction", [okReceipt.hash, { disableStorage: true }]);
    assert.equal(t.failed, false);
    assert.equal(BigInt(t.gas), okReceipt.gasUsed);
    assert.equal(BigInt(t.returnValue), 1n);
    assert.ok(t.structLogs.length > 50);
    const l0 = t.structLogs[0];
    assert.equal(l0.pc, 0);
    assert.equal(l0.op, "PUSH1");
    assert.equal(l0.depth, 1);
    assert.ok(typeof l0.gas === "number" && typeof l0.gasCost === "number");
    assert.ok(t.structLogs.some((l) => l.op === "LOG3"));
    assert.ok(t.structLogs.some((l) => l.op === "SSTORE"));
    const f = await rpc("debug_traceTransaction", [failReceipt.hash, {}]);
    assert.equal(f.failed, true);
    assert.equal(f.structLogs.at(-1).op, "REVERT");
  });

  it("debug_traceCall", async () => {
    const data = token.interface.encodeFunctionData("transfer", [bob, 1n]);
    const t = await rpc("debug_traceCall", [{ from: w.address, to: taddr, data }, "latest", { tracer: "callTracer" }]);
    assert.equal(lower(t.to), lower(taddr));
    assert.equal(t.error, undefined);
    assert.equal(BigInt(t.output), 1n);
    const s = await rpc("debug_traceCall", [{ from: bob, to: taddr, data: token.interface.encodeFunctionData("transfer", [w.address, 1000n]) }, "latest", {}]);
    assert.equal(s.failed, true);
    assert.equal(await token.balanceOf(bob), 10n, "traceCall changed nothing");
  });

  it("debug_traceBlockByNumber", async () => {
    const n = "0x" + failReceipt.blockNumber.toString(16);
    const res = await rpc("debug_traceBlockByNumber", [n, { tracer: "callTracer" }]);
    const block = await p.getBlock(failReceipt.blockNumber);
    assert.equal(res.length, block.transactions.length);
    const mine = res.find((r) => r.txHash === failReceipt.hash);
    assert.ok(mine, "the failed transaction is in the block's traces");
    assert.equal(mine.result.error, "execution reverted");
    const byHash = await rpc("debug_traceBlockByHash", [block.hash, { tracer: "callTracer" }]);
    assert.deepEqual(byHash, res);
  });
});
