// eth_getLogs, the eth_newFilter family, and ethers contract events over HTTP
// (ethers installs a filter and polls eth_getFilterChanges).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEY, deploy, ethers, mined, provider, rpc, rpcError, waitBlock, waitFor, wallet } from "../lib/env.mjs";

const hex = (n) => "0x" + BigInt(n).toString(16);
const topicOf = (addr) => ethers.zeroPadValue(addr, 32).toLowerCase();
const word = (n) => ethers.toBeHex(n, 32);

// withDeadline fails a promise that does not settle in time.
function withDeadline(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

const p = provider();
const w = wallet(KEY.logs, p);
let ev, addr, deployBlock, r1, r2, r3, PING, PONG;
const tagA = ethers.id("tag A"), tagB = ethers.id("tag B");

before(async () => {
  ev = await deploy("Events", w);
  addr = await ev.getAddress();
  deployBlock = (await ev.deploymentTransaction().wait()).blockNumber;
  PING = ev.interface.getEvent("Ping").topicHash;
  PONG = ev.interface.getEvent("Pong").topicHash;
  r1 = await mined(ev.ping(1n, tagA, "first"));
  r2 = await mined(ev.pong(2n, 20n));
  r3 = await mined(ev.both(3n, tagB));
});
after(() => p.destroy());

describe("eth_getLogs", () => {
  const range = () => ({ fromBlock: hex(deployBlock), toBlock: hex(r3.blockNumber) });

  it("by address: every log, in order, with geth's fields", async () => {
    const logs = await rpc("eth_getLogs", [{ ...range(), address: addr }]);
    assert.equal(logs.length, 4);
    assert.deepEqual(logs.map((l) => l.transactionHash), [r1.hash, r2.hash, r3.hash, r3.hash]);
    const l = logs[0];
    assert.equal(l.address.toLowerCase(), addr.toLowerCase());
    assert.deepEqual(l.topics, [PING, topicOf(w.address), word(1), tagA]);
    assert.equal(l.blockHash, r1.blockHash);
    assert.equal(l.blockNumber, hex(r1.blockNumber));
    assert.equal(l.transactionIndex, hex(r1.index));
    assert.equal(l.removed, false);
    assert.match(l.logIndex, /^0x[0-9a-f]+$/);
    assert.equal(Number(logs[3].logIndex), Number(logs[2].logIndex) + 1);
    // The receipt carries the same logs.
    const rec = await rpc("eth_getTransactionReceipt", [r3.hash]);
    assert.deepEqual(rec.logs, logs.slice(2));
    assert.equal(ev.interface.parseLog(logs[0]).args.note, "first");
  });

  it("by topics: one event, OR of events, null positions", async () => {
    let logs = await rpc("eth_getLogs", [{ ...range(), topics: [PING] }]);
    assert.deepEqual(logs.map((l) => l.transactionHash), [r1.hash, r3.hash]);
    logs = await rpc("eth_getLogs", [{ ...range(), address: addr, topics: [[PING, PONG]] }]);
    assert.equal(logs.length, 4);
    logs = await rpc("eth_getLogs", [{ ...range(), address: addr, topics: [PING, null, word(3)] }]);
    assert.deepEqual(logs.map((l) => l.transactionHash), [r3.hash]);
    logs = await rpc("eth_getLogs", [{ ...range(), address: addr, topics: [null, [word(2), word(3)]] }]);
    assert.deepEqual(logs.map((l) => l.topics[0]), [PONG, PONG]); // Pong's topic 1 is the id; Ping's is the sender
    logs = await rpc("eth_getLogs", [{ ...range(), address: addr, topics: [null, topicOf(w.address), null, [tagA, tagB]] }]);
    assert.equal(logs.length, 2);
    logs = await rpc("eth_getLogs", [{ ...range(), address: [addr, ethers.ZeroAddress], topics: [ethers.id("Nothing()")] }]);
    assert.deepEqual(logs, []);
  });

  it("ranges, blockHash, and tags", async () => {
    let logs = await rpc("eth_getLogs", [{ fromBlock: hex(r2.blockNumber), toBlock: hex(r2.blockNumber), address: addr }]);
    assert.deepEqual(logs.map((l) => l.transactionHash), [r2.hash]);
    logs = await rpc("eth_getLogs", [{ blockHash: r3.blockHash, address: addr }]);
    assert.equal(logs.length, 2);
    logs = await rpc("eth_getLogs", [{ fromBlock: "earliest", toBlock: "latest", address: addr }]);
    assert.equal(logs.length, 4);
    await waitBlock(p, r3.blockNumber);
    logs = await rpc("eth_getLogs", [{ fromBlock: hex(r3.blockNumber + 1), toBlock: "latest", address: addr }]);
    assert.deepEqual(logs, []);
  });

  it("ethers queryFilter decodes indexed arguments", async () => {
    const got = await ev.queryFilter(ev.filters.Ping(w.address, 3n), deployBlock, r3.blockNumber);
    assert.equal(got.length, 1);
    assert.equal(got[0].args.note, "both");
    assert.equal(got[0].args.tag, tagB);
    const pongs = await ev.queryFilter("Pong", deployBlock);
    assert.deepEqual(pongs.map((e) => e.args.value), [20n, 6n]);
  });

  it("errors with geth's texts", async () => {
    let err = await rpcError("eth_getLogs", [{ fromBlock: hex(r3.blockNumber), toBlock: hex(r1.blockNumber) }]);
    assert.equal(err.code, -32602);
    assert.equal(err.message, "invalid block range params");
    err = await rpcError("eth_getLogs", [{ blockHash: r3.blockHash, fromBlock: hex(r1.blockNumber) }]);
    // The rpc server prefixes a parameter that does not decode, as geth's does.
    assert.equal(err.message, "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
    err = await rpcError("eth_getLogs", [{ topics: [PING, null, null, null, null] }]);
    assert.equal(err.message, "invalid argument 0: exceed max topics");
    err = await rpcError("eth_getLogs", [{ blockHash: ethers.id("no such block") }]);
    assert.equal(err.message, "unknown block");
  });

  it("a too-large range is refused", async () => {
    const head = await p.getBlockNumber();
    const err = await rpcError("eth_getLogs", [{ fromBlock: "0x0", toBlock: hex(head + 10_000_000) }]);
    assert.equal(err.code, -32602);
    assert.match(err.message, /^(exceed maximum block range \d+|block range extends beyond current head block)$/);
  });
});

describe("filters", () => {
  it("eth_newFilter, eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter", async () => {
    const id = await rpc("eth_newFilter", [{ fromBlock: hex(deployBlock), address: addr, topics: [PONG] }]);
    assert.match(id, /^0x[0-9a-f]+$/);
    const all = await rpc("eth_getFilterLogs", [id]);
    assert.deepEqual(all.map((l) => l.transactionHash), [r2.hash, r3.hash]);
    const r = await mined(ev.pong(4n, 40n));
    const changes = await waitFor("filter changes", async () => {
      const c = await rpc("eth_getFilterChanges", [id]);
      return c.length ? c : null;
    }, 15_000, 250);
    assert.deepEqual(changes.map((l) => l.transactionHash), [r.hash]);
    assert.deepEqual(await rpc("eth_getFilterChanges", [id]), []);
    assert.equal((await rpc("eth_getFilterLogs", [id])).length, 3);
    assert.equal(await rpc("eth_uninstallFilter", [id]), true);
    assert.equal(await rpc("eth_uninstallFilter", [id]), false);
    const err = await rpcError("eth_getFilterChanges", [id]);
    assert.equal(err.message, "filter not found");
  });

  it("eth_newBlockFilter reports new block hashes", async () => {
    const id = await rpc("eth_newBlockFilter");
    // Each poll returns what arrived since the last one.
    const hashes = [];
    await waitFor("new blocks", async () => {
      hashes.push(...await rpc("eth_getFilterChanges", [id]));
      return hashes.length >= 2;
    }, 15_000, 250);
    for (const h of hashes) assert.equal((await rpc("eth_getBlockByHash", [h, false])).hash, h);
    const n = hashes.map(async (h) => Number((await rpc("eth_getBlockByHash", [h, false])).number));
    const nums = await Promise.all(n);
    for (let i = 1; i < nums.length; i++) assert.equal(nums[i], nums[i - 1] + 1);
    assert.equal(await rpc("eth_uninstallFilter", [id]), true);
  });

  it("eth_newPendingTransactionFilter reports transaction hashes", async () => {
    const id = await rpc("eth_newPendingTransactionFilter");
    const tx = await ev.pong(5n, 50n);
    const seen = [];
    await waitFor("the pending transaction", async () => {
      seen.push(...await rpc("eth_getFilterChanges", [id]));
      return seen.includes(tx.hash);
    }, 15_000, 100);
    await tx.wait();
    assert.equal(await rpc("eth_uninstallFilter", [id]), true);
  });

  it("ethers contract.on over HTTP (filter polling)", async () => {
    // A provider of its own, never destroyed: ethers uninstalls the filter
    // in the background after removeAllListeners, and destroying the
    // provider under it would cancel that request.
    const hp = provider();
    const hev = ev.connect(new ethers.Wallet(w.privateKey, hp));
    // By event name, ethers hands the decoded arguments to the listener.
    const got = new Promise((resolve) => hev.on("Pong", (id, value, event) => {
      if (id === 6n) resolve({ id, value, event });
    }));
    await new Promise((r) => setTimeout(r, 500)); // let ethers install its filter first
    const tx = await hev.pong(6n, 60n);
    const { id, value, event } = await withDeadline(got, 20_000, "the Pong event over HTTP");
    assert.equal(id, 6n);
    assert.equal(value, 60n);
    assert.equal(event.log.transactionHash, tx.hash);
    await hev.removeAllListeners();
  });
});
