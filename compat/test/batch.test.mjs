// JSON-RPC batches over plain fetch, and ethers' own batching.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CHAIN_ID, RPC, ethers, provider } from "../lib/env.mjs";

// The node's [redmx] rpc.batch_item_limit (go-ethereum's default, 1000).
const BATCH_LIMIT = Number(process.env.REDMX_BATCH_LIMIT ?? "1000");

async function post(body) {
  const res = await fetch(RPC, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  return res.json();
}

describe("JSON-RPC batches", () => {
  const p = provider();
  after(() => p.destroy());

  it("a batch of several calls: one response per id, errors per item", async () => {
    const batch = [
      { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
      { jsonrpc: "2.0", id: "two", method: "eth_blockNumber", params: [] },
      { jsonrpc: "2.0", id: 3, method: "eth_getBalance", params: ["0x0000000000000000000000000000000000000000", "latest"] },
      { jsonrpc: "2.0", id: 4, method: "no_suchMethod", params: [] },
      { jsonrpc: "2.0", id: 5, method: "eth_getBlockByNumber", params: ["0x0", false] },
      { jsonrpc: "2.0", method: "eth_chainId", params: [] }, // a notification: no response
    ];
    const out = await post(batch);
    assert.ok(Array.isArray(out));
    assert.equal(out.length, 5);
    const byId = new Map(out.map((r) => [r.id, r]));
    assert.equal(byId.get(1).result, "0x" + CHAIN_ID.toString(16));
    assert.match(byId.get("two").result, /^0x[0-9a-f]+$/);
    assert.match(byId.get(3).result, /^0x[0-9a-f]+$/);
    assert.equal(byId.get(4).error.code, -32601);
    assert.equal(byId.get(4).error.message, "the method no_suchMethod does not exist/is not available");
    assert.equal(byId.get(5).result.number, "0x0");
  });

  it("an empty batch is an invalid request", async () => {
    const out = await post([]);
    assert.equal(out.error.code, -32600);
    assert.equal(out.error.message, "empty batch");
  });

  it("a batch above the item limit is refused with 'batch too large'", async () => {
    const batch = Array.from({ length: BATCH_LIMIT + 1 }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "eth_chainId", params: [] }));
    const out = await post(batch);
    assert.ok(Array.isArray(out));
    assert.equal(out.length, 1);
    assert.equal(out[0].id, 1);
    assert.equal(out[0].error.code, -32600);
    assert.equal(out[0].error.message, "batch too large");
    // At the limit it is served.
    const ok = await post(batch.slice(0, BATCH_LIMIT));
    assert.equal(ok.length, BATCH_LIMIT);
    assert.ok(ok.every((r) => r.result === "0x" + CHAIN_ID.toString(16)));
  });

  it("ethers batches concurrent requests itself", async () => {
    const addrs = Array.from({ length: 30 }, (_, i) => ethers.zeroPadValue(ethers.toBeHex(i + 1), 20));
    const bals = await Promise.all(addrs.map((a) => p.getBalance(a)));
    assert.equal(bals.length, 30);
    assert.ok(bals.every((b) => typeof b === "bigint"));
  });
});
