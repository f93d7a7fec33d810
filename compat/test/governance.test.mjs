// Governance as an Ethereum developer meets it: the published ABI used with
// an ethers Contract, permissioning errors on transactions of unknown
// accounts, governance views from inside the EVM, and tracing of a
// governance transaction.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { KEY, ethers, mined, provider, rpc, rpcError, wallet } from "../lib/env.mjs";

const GOVERNANCE = "0x0000000000000000000000000000000000001000";
const ABI = JSON.parse(readFileSync(new URL("../../governance/IGovernance.abi.json", import.meta.url), "utf8"));
const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
const AGGREGATE3 =
  "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)";

describe("governance", () => {
  const p = provider();
  const w = wallet(KEY.governance, p);
  const gov = new ethers.Contract(GOVERNANCE, ABI, w);
  after(() => p.destroy());

  it("views through the published ABI", async (t) => {
    const names = await gov.collectives();
    if (names.length === 0) return t.skip("this chain runs without governance");
    assert.deepEqual([...names], ["public", "academic", "private", "cso"]);
    assert.equal(await gov.isMember(w.address), true, "a development key is an approved project's account");
    assert.equal(await gov.canDeploy(w.address), true);
    const rec = await gov.recordOf(w.address);
    assert.ok(rec > 0n);
    const [kind, collective, status] = await gov.record(rec);
    assert.deepEqual([kind, collective, status], [3n, "public", 1n]); // project, active
    const cap = await gov.capitalOf(w.address);
    assert.equal(cap.recordId, rec);
    assert.ok(cap.remaining > 0n);
    const [ids, powers, next] = await gov.validators(ethers.ZeroHash, 0);
    assert.ok(ids.length >= 1 && ids.length === powers.length);
    assert.equal(next, ethers.ZeroHash, "one page holds every validator");
    const [accounts] = await gov.accounts(rec, ethers.ZeroHash, 0);
    assert.ok(accounts.map((a) => a.toLowerCase()).includes(w.address.toLowerCase()));
    assert.equal(await gov.isMember(ethers.Wallet.createRandom().address), false);
  });

  it("list views are paginated and priced by their page", async (t) => {
    if ((await gov.collectives()).length === 0) return t.skip("no governance");
    const rec = await gov.recordOf(w.address);
    const [n] = await gov.record(rec).then((r) => [r.accounts]);
    assert.ok(n >= 2n, "the example project has the development keys");
    const [first, cursor] = await gov.accounts(rec, ethers.ZeroHash, 1);
    assert.equal(first.length, 1);
    assert.notEqual(cursor, ethers.ZeroHash);
    const [second] = await gov.accounts(rec, cursor, 1);
    assert.notEqual(second[0], first[0]);
    const gas = (limit) => p.estimateGas({ from: w.address, to: GOVERNANCE, data: gov.interface.encodeFunctionData("accounts", [rec, ethers.ZeroHash, limit]) });
    const [g1, g100, g1000] = [await gas(1), await gas(100), await gas(1000)];
    assert.ok(g1 < g100 && g100 < g1000, `view gas grows with the page: ${g1} ${g100} ${g1000}`);
    const g0 = await gas(0); // the same view gas; calldata of zeros costs a little less
    assert.ok(g0 <= g1000 && g1000 - g0 < 100n, `limit 0 is the largest page: ${g0} ${g1000}`);
  });

  it("an unknown account's transaction is refused with a clear error; its reads work", async (t) => {
    if ((await gov.collectives()).length === 0) return t.skip("no governance");
    const stranger = ethers.Wallet.createRandom().connect(p);
    const tx = await stranger.signTransaction({ to: w.address, value: 0n, gasLimit: 21000n, gasPrice: 0n, nonce: 0, chainId: (await p.getNetwork()).chainId });
    const err = await rpcError("eth_sendRawTransaction", [tx]);
    assert.match(err.message, /not a member's or an approved project's/);
    const est = await rpcError("eth_estimateGas", [{ from: stranger.address, to: w.address }]);
    assert.match(est.message, /not a member's or an approved project's/);
    // eth_call applies no permission: anyone may read.
    assert.equal(await rpc("eth_call", [{ from: stranger.address, to: GOVERNANCE, data: gov.interface.encodeFunctionData("collectives") }, "latest"]) !== "0x", true);
  });

  it("a governance transaction: estimated gas suffices, events decode, callTracer shows it", async (t) => {
    if ((await gov.collectives()).length === 0) return t.skip("no governance");
    const justification = ethers.id("more gas for the compat suite");
    const r = await mined(gov.requestCapital(1_000_000n, justification));
    assert.equal(r.status, 1);
    const ev = r.logs.map((l) => gov.interface.parseLog(l)).find((e) => e?.name === "CapitalRequested");
    assert.ok(ev, "CapitalRequested emitted");
    assert.equal(ev.args.gasPerEpoch, 1_000_000n);
    assert.equal(ev.args.justificationHash, justification);
    const trace = await rpc("debug_traceTransaction", [r.hash, { tracer: "callTracer", tracerConfig: { withLog: true } }]);
    assert.equal(trace.type, "CALL");
    assert.equal(trace.to.toLowerCase(), GOVERNANCE.toLowerCase());
    assert.equal(Number(trace.gasUsed), Number(r.gasUsed));
    assert.ok(trace.logs?.length >= 1, "the trace shows the event");
  });

  it("a refused governance call reverts with a reason that says what is missing", async (t) => {
    if ((await gov.collectives()).length === 0) return t.skip("no governance");
    // A project's account is no leader.
    await assert.rejects(gov.grantCapital.estimateGas(1n, 1n, 0n, 0n), (err) => {
      assert.match(err.shortMessage ?? err.message, /leader/);
      return true;
    });
  });

  it("contracts read governance views; a state-changing call from a contract reverts", async (t) => {
    if ((await gov.collectives()).length === 0) return t.skip("no governance");
    const mc = new ethers.Contract(MULTICALL3, [AGGREGATE3], p);
    const [res] = await mc.aggregate3.staticCall([{ target: GOVERNANCE, allowFailure: false, callData: gov.interface.encodeFunctionData("isMember", [w.address]) }]);
    assert.equal(res.success, true);
    assert.equal(gov.interface.decodeFunctionResult("isMember", res.returnData)[0], true);
    const [bad] = await mc.aggregate3.staticCall([{ target: GOVERNANCE, allowFailure: true, callData: gov.interface.encodeFunctionData("requestCapital", [1n, ethers.ZeroHash]) }]);
    assert.equal(bad.success, false);
    assert.match(ethers.AbiCoder.defaultAbiCoder().decode(["string"], ethers.dataSlice(bad.returnData, 4))[0], /own account/);
  });
});
