// txpool_status, txpool_content(From), txpool_inspect: a future-nonce
// transaction stays queued until the gap is filled.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CHAIN_ID, KEY, ethers, provider, rpc, waitFor, wallet } from "../lib/env.mjs";

// entry finds an address's map in a txpool_content/inspect section (match
// case-insensitively: the keys are hex addresses).
const entry = (section, addr) => section[Object.keys(section).find((k) => k.toLowerCase() === addr.toLowerCase())];

describe("txpool namespace", () => {
  const p = provider();
  const w = wallet(KEY.txpool, p);
  const to = ethers.Wallet.createRandom().address;
  let nonce, gapTx, futureTx;

  before(async () => {
    nonce = await p.getTransactionCount(w.address, "pending");
    const sign = (n, value) => w.signTransaction({ type: 0, to, value, gasLimit: 21000n, gasPrice: 0n, chainId: CHAIN_ID, nonce: n });
    gapTx = await sign(nonce, 1n);
    futureTx = await sign(nonce + 1, 2n);
    // Only the future one: it waits behind the gap.
    await p.broadcastTransaction(futureTx);
  });
  after(() => p.destroy());

  it("txpool_status counts the queued transaction", async () => {
    const st = await rpc("txpool_status");
    assert.match(st.pending, /^0x[0-9a-f]+$/);
    assert.ok(Number(st.queued) >= 1, `queued ${st.queued}`);
  });

  it("txpool_content holds it under queued, by decimal nonce", async () => {
    const c = await rpc("txpool_content");
    assert.ok(c.pending && c.queued);
    const mine = entry(c.queued, w.address);
    assert.ok(mine, "the sender is in queued");
    const t = mine[String(nonce + 1)];
    assert.ok(t, `nonce ${nonce + 1} in ${JSON.stringify(Object.keys(mine))}`);
    assert.equal(t.hash, ethers.keccak256(futureTx));
    assert.equal(t.nonce, "0x" + (nonce + 1).toString(16));
    assert.equal(t.value, "0x2");
    assert.equal(t.blockHash, null);
    assert.equal(t.blockNumber, null);
    assert.equal(entry(c.pending, w.address), undefined);
    const from = await rpc("txpool_contentFrom", [w.address]);
    assert.deepEqual(Object.keys(from.queued), [String(nonce + 1)]);
    assert.deepEqual(from.pending, {});
  });

  it("txpool_inspect summarises it as geth does", async () => {
    const ins = await rpc("txpool_inspect");
    const mine = entry(ins.queued, w.address);
    assert.equal(mine[String(nonce + 1)], `${to}: 2 wei + 21000 gas × 0 wei`);
  });

  it("filling the gap mines both and empties the pool for the sender", async () => {
    await p.broadcastTransaction(gapTx);
    const [a, b] = await Promise.all([ethers.keccak256(gapTx), ethers.keccak256(futureTx)].map((h) => p.waitForTransaction(h, 1, 30_000)));
    assert.equal(a.status, 1);
    assert.equal(b.status, 1);
    assert.equal(await p.getTransactionCount(w.address, "latest"), nonce + 2);
    await waitFor("the pool to forget the sender", async () => {
      const c = await rpc("txpool_content");
      return !entry(c.pending, w.address) && !entry(c.queued, w.address);
    }, 10_000, 200);
  });
});
