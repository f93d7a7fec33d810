// Many transactions at once: one sender with shuffled explicit nonces, and
// twenty senders.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CHAIN_ID, KEY, ethers, provider, wallet } from "../lib/env.mjs";

// shuffle is a seeded Fisher-Yates shuffle, so a failure can be reproduced.
function shuffle(a, seed) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const [first, last] = KEY.concurrency;

describe("concurrency", () => {
  const p = provider();
  after(() => p.destroy());

  it("50 transactions from one sender, sent at once in shuffled order, are mined in nonce order", async () => {
    const w = wallet(first, p);
    const to = ethers.Wallet.createRandom().address;
    const n0 = await p.getTransactionCount(w.address, "pending");
    const signed = [];
    for (let i = 0; i < 50; i++) {
      signed.push(await w.signTransaction({ type: 0, to, value: BigInt(i + 1), gasLimit: 21000n, gasPrice: 0n, chainId: CHAIN_ID, nonce: n0 + i }));
    }
    const order = shuffle([...signed.keys()], 5218);
    const hashes = await Promise.all(order.map((i) => p.broadcastTransaction(signed[i]).then((t) => t.hash)));
    assert.equal(new Set(hashes).size, 50);
    const receipts = await Promise.all(signed.map((s) => p.waitForTransaction(ethers.keccak256(s), 1, 60_000)));
    for (let i = 0; i < 50; i++) {
      assert.equal(receipts[i].status, 1, `nonce ${n0 + i}`);
      if (i > 0) {
        const a = receipts[i - 1], b = receipts[i];
        assert.ok(a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.index < b.index),
          `nonce ${n0 + i - 1} at ${a.blockNumber}/${a.index}, nonce ${n0 + i} at ${b.blockNumber}/${b.index}`);
      }
    }
    assert.equal(await p.getTransactionCount(w.address, "latest"), n0 + 50);
    assert.equal(await p.getBalance(to), BigInt((50 * 51) / 2));
  });

  it("20 senders at once, all mined", async () => {
    const senders = [];
    for (let k = first; k <= last; k++) senders.push(wallet(k, p));
    assert.equal(senders.length, 20);
    const to = ethers.Wallet.createRandom().address;
    const txs = await Promise.all(senders.map(async (w) => {
      const nonce = await p.getTransactionCount(w.address, "pending");
      const signed = await w.signTransaction({ type: 2, to, value: 1n, gasLimit: 21000n, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, chainId: CHAIN_ID, nonce });
      return p.broadcastTransaction(signed);
    }));
    const receipts = await Promise.all(txs.map((t) => t.wait(1, 60_000)));
    assert.ok(receipts.every((r) => r.status === 1));
    assert.equal(await p.getBalance(to), 20n);
    const blocks = new Set(receipts.map((r) => r.blockNumber));
    assert.ok(blocks.size <= 5, `spread over ${blocks.size} blocks`);
  });
});
