// eth_call and eth_estimateGas: revert decoding, state and block overrides,
// estimates that suffice.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEY, deploy, ethers, iface, mined, provider, rpc, rpcError, wallet } from "../lib/env.mjs";

describe("eth_call and eth_estimateGas", () => {
  const p = provider();
  const w = wallet(KEY.call, p);
  const E = iface("Errors");
  let c, addr;

  before(async () => {
    c = await deploy("Errors", w);
    addr = await c.getAddress();
    await mined(c.set(42n));
  });
  after(() => p.destroy());

  it("a custom error: code 3 with the data, decoded by ethers", async () => {
    const err = await rpcError("eth_call", [{ from: w.address, to: addr, data: E.encodeFunctionData("failCustom", [7n]) }, "latest"]);
    assert.equal(err.code, 3);
    assert.equal(err.message, "execution reverted");
    assert.equal(err.data, E.encodeErrorResult("Unauthorized", [w.address, 7n]));
    await assert.rejects(c.failCustom(7n, { from: w.address }), (e) => {
      assert.equal(e.code, "CALL_EXCEPTION");
      assert.equal(e.revert?.name, "Unauthorized");
      assert.deepEqual([...e.revert.args], [w.address, 7n]);
      return true;
    });
  });

  it("a require message: code 3, 'execution reverted: <reason>', decoded by ethers", async () => {
    const err = await rpcError("eth_call", [{ to: addr, data: E.encodeFunctionData("failRequire") }, "latest"]);
    assert.equal(err.code, 3);
    assert.equal(err.message, "execution reverted: always fails");
    assert.equal(err.data, E.encodeErrorResult("Error", ["always fails"]));
    await assert.rejects(c.failRequire(), (e) => {
      assert.equal(e.code, "CALL_EXCEPTION");
      assert.equal(e.reason, "always fails");
      assert.equal(e.revert?.name, "Error");
      return true;
    });
  });

  it("eth_estimateGas reverts the same way", async () => {
    const err = await rpcError("eth_estimateGas", [{ from: w.address, to: addr, data: E.encodeFunctionData("set", [0n]) }]);
    assert.equal(err.code, 3);
    assert.equal(err.message, "execution reverted: value must not be zero");
    await assert.rejects(c.set.estimateGas(0n), (e) => e.code === "CALL_EXCEPTION" && e.reason === "value must not be zero");
  });

  it("eth_call at an older block sees the older state", async () => {
    const r = await mined(c.set(43n));
    assert.equal(await c.value(), 43n);
    assert.equal(await c.value({ blockTag: r.blockNumber - 1 }), 42n);
  });

  it("state override: stateDiff, balance and code", async () => {
    const data = E.encodeFunctionData("value");
    const slot0 = ethers.zeroPadValue("0x00", 32);
    const got = await rpc("eth_call", [{ to: addr, data }, "latest", { [addr]: { stateDiff: { [slot0]: ethers.toBeHex(99n, 32) } } }]);
    assert.equal(BigInt(got), 99n);
    assert.equal(await c.value(), 43n, "the override did not persist");
    const who = ethers.Wallet.createRandom().address;
    const bal = await rpc("eth_call", [{ to: addr, data: E.encodeFunctionData("balanceOf", [who]) }, "latest", { [who]: { balance: "0x1234" } }]);
    assert.equal(BigInt(bal), 0x1234n);
    // Put Errors' runtime code at an empty address, with its slot 0 set.
    const code = await p.getCode(addr);
    const other = ethers.Wallet.createRandom().address;
    const v = await rpc("eth_call", [{ to: other, data }, "latest", { [other]: { code, state: { [slot0]: ethers.toBeHex(5n, 32) } } }]);
    assert.equal(BigInt(v), 5n);
  });

  it("block override: number and time", async () => {
    const data = E.encodeFunctionData("blockInfo");
    const out = await rpc("eth_call", [{ to: addr, data }, "latest", null, { number: "0x123456", time: "0x7fffffff" }]);
    const [number, timestamp] = E.decodeFunctionResult("blockInfo", out);
    assert.equal(number, 0x123456n);
    assert.equal(timestamp, 0x7fffffffn);
    const [n2] = E.decodeFunctionResult("blockInfo", await rpc("eth_call", [{ to: addr, data }, "latest"]));
    assert.ok(n2 < 0x123456n);
  });

  it("eth_estimateGas gives enough gas for the transaction to succeed", async () => {
    const est = await c.set.estimateGas(1000n);
    assert.ok(est > 21000n && est < 100000n, `estimate ${est}`);
    const r = await mined(c.set(1000n, { gasLimit: est }));
    assert.equal(r.status, 1);
    assert.ok(r.gasUsed <= est);
    assert.equal(await rpc("eth_estimateGas", [{ from: w.address, to: ethers.Wallet.createRandom().address, value: "0x1" }]), "0x5208");
  });

  it("eth_call with 'pending' and a block hash", async () => {
    const head = await p.getBlock("latest");
    const byHash = await rpc("eth_call", [{ to: addr, data: E.encodeFunctionData("value") }, { blockHash: head.hash }]);
    assert.equal(BigInt(byHash), 1000n);
    assert.equal(BigInt(await rpc("eth_call", [{ to: addr, data: E.encodeFunctionData("value") }, "pending"])), 1000n);
  });
});
