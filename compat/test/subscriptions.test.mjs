// WebSocket subscriptions through ethers' WebSocketProvider: newHeads,
// logs (contract.on) and newPendingTransactions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEY, deploy, ethers, provider, wallet, wsProvider } from "../lib/env.mjs";

function withDeadline(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

// probe subscribes and unsubscribes with raw calls, so that a node without
// the subscription fails the test here rather than inside ethers' listeners.
async function probe(ws, params) {
  const id = await ws.send("eth_subscribe", params);
  assert.match(id, /^0x[0-9a-f]+$/);
  assert.equal(await ws.send("eth_unsubscribe", [id]), true);
}

describe("WebSocket subscriptions", () => {
  const p = provider();
  const w = wallet(KEY.subscriptions, p);
  let ws, ev, evWs;

  before(async () => {
    ws = wsProvider();
    ev = await deploy("Events", w);
    evWs = ev.connect(ws);
  });
  after(async () => {
    await ws?.destroy();
    p.destroy();
  });

  it("the WebSocket endpoint answers plain calls", async () => {
    assert.equal(await ws.getBlockNumber() >= 0, true);
    assert.equal((await ws.getNetwork()).chainId, (await p.getNetwork()).chainId);
  });

  it("eth_subscribe and eth_unsubscribe answer as geth", async () => {
    await probe(ws, ["newHeads"]);
    const err = await ws.send("eth_unsubscribe", ["0x1234"]).catch((e) => e);
    assert.equal(err?.error?.message, "subscription not found");
    await assert.rejects(p.send("eth_subscribe", ["newHeads"]), /notifications not supported/);
  });

  it("provider.on('block') over WebSocket (newHeads)", async () => {
    await probe(ws, ["newHeads"]);
    const seen = [];
    const done = new Promise((resolve) => {
      ws.on("block", (n) => {
        seen.push(n);
        if (seen.length === 3) resolve();
      });
    });
    await withDeadline(done, 20_000, "three newHeads");
    await ws.off("block");
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i], seen[i - 1] + 1);
  });

  it("contract.on over WebSocket (logs subscription)", async () => {
    await probe(ws, ["logs", { address: await ev.getAddress() }]);
    // With a topic filter, ethers hands the listener one ContractEventPayload.
    const got = new Promise((resolve) => evWs.on(evWs.filters.Ping(w.address, 11n), (event) => {
      const [from, id, tag, note] = event.args;
      resolve({ from, id, tag, note, event });
    }));
    await new Promise((r) => setTimeout(r, 300)); // the subscription is set up asynchronously
    const tx = await ev.ping(11n, ethers.id("ws"), "over ws");
    // A Pong must not reach the listener. The nonce is explicit: ethers caches
    // eth_getTransactionCount for 250 ms and would reuse the Ping's.
    await ev.pong(11n, 1n, { nonce: tx.nonce + 1 });
    const { from, id, note, event } = await withDeadline(got, 20_000, "the Ping event over WebSocket");
    assert.equal(from, w.address);
    assert.equal(id, 11n);
    assert.equal(note, "over ws");
    assert.equal(event.log.transactionHash, tx.hash);
    assert.equal(event.log.removed, false);
    await evWs.removeAllListeners();
  });

  it("pending transactions (newPendingTransactions)", async () => {
    await probe(ws, ["newPendingTransactions"]);
    const seen = new Set();
    let want = null, hit;
    const found = new Promise((resolve) => { hit = resolve; });
    await ws.on("pending", (hash) => {
      seen.add(hash);
      if (want && seen.has(want)) hit();
    });
    await new Promise((r) => setTimeout(r, 300));
    const tx = await w.sendTransaction({ to: ethers.Wallet.createRandom().address, value: 1n });
    want = tx.hash;
    if (seen.has(want)) hit();
    await withDeadline(found, 15_000, "the transaction hash on newPendingTransactions");
    await ws.off("pending");
    await tx.wait();
  });
});
