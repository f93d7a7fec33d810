// The basic eth/net/web3 methods, block and transaction lookups and block
// tags, as go-ethereum answers them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CHAIN_ID, KEY, ethers, mined, provider, rpc, rpcError, waitBlock, wallet } from "../lib/env.mjs";

const BEEF = "0x000000000000000000000000000000000000bEEF";

describe("basics", () => {
  const p = provider();
  const w = wallet(KEY.basics, p);
  let receipt, tx, before1, balBefore, nonceBefore;
  const to = ethers.Wallet.createRandom().address;

  before(async () => {
    before1 = await p.getBlockNumber();
    balBefore = await p.getBalance(w.address, before1);
    nonceBefore = await p.getTransactionCount(w.address, before1);
    tx = await w.sendTransaction({ to, value: ethers.parseEther("1.5") });
    receipt = await tx.wait(1, 30_000);
  });
  after(() => p.destroy());

  it("eth_chainId, net_version, web3_clientVersion", async () => {
    assert.equal(await rpc("eth_chainId"), "0x" + CHAIN_ID.toString(16));
    assert.equal(await rpc("net_version"), CHAIN_ID.toString());
    assert.match(await rpc("web3_clientVersion"), /^redmx\/v\S+\/\S+\/go\S+$/);
    assert.equal((await p.getNetwork()).chainId, CHAIN_ID);
    assert.equal(await rpc("net_listening"), true);
    assert.equal(await rpc("web3_sha3", ["0x68656c6c6f"]), ethers.keccak256("0x68656c6c6f"));
  });

  it("eth_blockNumber advances", async () => {
    const n = await p.getBlockNumber();
    assert.ok(n >= 1);
    assert.match(await rpc("eth_blockNumber"), /^0x[1-9a-f][0-9a-f]*$/);
    await waitBlock(p, n);
  });

  it("eth_gasPrice, eth_maxPriorityFeePerGas are 0, getFeeData gives legacy pricing", async () => {
    assert.equal(await rpc("eth_gasPrice"), "0x0");
    assert.equal(await rpc("eth_maxPriorityFeePerGas"), "0x0");
    const fd = await p.getFeeData();
    assert.equal(fd.gasPrice, 0n);
    assert.equal(fd.maxFeePerGas, null); // base fee 0: ethers does not use EIP-1559
  });

  it("eth_feeHistory", async () => {
    const fh = await rpc("eth_feeHistory", ["0x4", "latest", [25, 75]]);
    assert.equal(fh.baseFeePerGas.length, 5);
    assert.ok(fh.baseFeePerGas.every((x) => x === "0x0"));
    assert.equal(fh.gasUsedRatio.length, 4);
    assert.equal(fh.reward.length, 4);
    assert.ok(fh.reward.every((r) => r.length === 2 && r.every((x) => x === "0x0")));
    const latest = await p.getBlockNumber();
    assert.ok(Number(fh.oldestBlock) >= latest - 4 && Number(fh.oldestBlock) <= latest);
  });

  it("eth_syncing is false", async () => {
    assert.equal(await rpc("eth_syncing"), false);
  });

  it("a native transfer: receipt with status 1 and effectiveGasPrice 0, no fee charged", async () => {
    assert.equal(receipt.status, 1);
    assert.equal(receipt.gasUsed, 21000n);
    assert.equal(receipt.gasPrice, 0n); // ethers maps effectiveGasPrice to gasPrice
    const raw = await rpc("eth_getTransactionReceipt", [tx.hash]);
    assert.equal(raw.effectiveGasPrice, "0x0");
    assert.equal(raw.contractAddress, null);
    assert.deepEqual(raw.logs, []);
    assert.equal(await p.getBalance(to), ethers.parseEther("1.5"));
    const balAfter = await p.getBalance(w.address, receipt.blockNumber);
    const balPrev = await p.getBalance(w.address, receipt.blockNumber - 1);
    assert.equal(balPrev - balAfter, ethers.parseEther("1.5"));
  });

  it("eth_getBalance / getTransactionCount / getCode / getStorageAt at latest and at an older block", async () => {
    assert.equal(await p.getTransactionCount(w.address, before1), nonceBefore);
    assert.equal(await p.getTransactionCount(w.address, "latest"), nonceBefore + 1);
    assert.equal(await p.getBalance(w.address, before1), balBefore);
    assert.equal(await p.getBalance(to, before1), 0n);
    assert.equal(await p.getBalance(to, receipt.blockNumber), ethers.parseEther("1.5"));
    assert.equal(await p.getBalance(to, receipt.blockNumber - 1), 0n);
    // Multicall3 is in genesis: code at block 0 and at latest.
    const mc = "0xcA11bde05977b3631167028862bE2a173976CA11";
    const code = await p.getCode(mc);
    assert.ok(code.length > 2);
    assert.equal(await p.getCode(mc, 0), code);
    assert.equal(await p.getCode(to), "0x");
    assert.equal(await p.getStorage(to, 0), ethers.ZeroHash);
    assert.equal(await rpc("eth_getStorageAt", [mc, "0x0", "0x0"]), ethers.ZeroHash);
  });

  it("eth_getBlockByNumber / ByHash with and without full transactions", async () => {
    const n = receipt.blockNumber;
    const hdr = await rpc("eth_getBlockByNumber", ["0x" + n.toString(16), false]);
    assert.equal(hdr.hash, receipt.blockHash);
    assert.ok(hdr.transactions.includes(tx.hash));
    assert.equal(typeof hdr.transactions[0], "string");
    assert.equal(hdr.baseFeePerGas, "0x0");
    assert.deepEqual(hdr.uncles, []);
    assert.equal(hdr.sha3Uncles, "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
    const full = await rpc("eth_getBlockByHash", [receipt.blockHash, true]);
    assert.equal(full.number, hdr.number);
    const t = full.transactions.find((x) => x.hash === tx.hash);
    assert.ok(t);
    assert.equal(t.blockHash, receipt.blockHash);
    assert.equal(t.from.toLowerCase(), w.address.toLowerCase());
    const block = await p.getBlock(receipt.blockHash, true);
    assert.equal(block.number, n);
    assert.equal(block.prefetchedTransactions.find((x) => x.hash === tx.hash).value, ethers.parseEther("1.5"));
    assert.equal(block.hash, ethers.keccak256(ethers.encodeRlp(headerFields(hdr))), "hash is keccak(rlp(header))");
    assert.equal(await rpc("eth_getBlockByNumber", ["0xffffffff", false]), null);
    assert.equal(await rpc("eth_getBlockByHash", [ethers.ZeroHash, false]), null);
  });

  it("eth_getBlockReceipts", async () => {
    const rs = await rpc("eth_getBlockReceipts", ["0x" + receipt.blockNumber.toString(16)]);
    const r = rs.find((x) => x.transactionHash === tx.hash);
    assert.ok(r);
    assert.equal(r.status, "0x1");
    assert.equal(r.effectiveGasPrice, "0x0");
    const byHash = await rpc("eth_getBlockReceipts", [receipt.blockHash]);
    assert.deepEqual(byHash, rs);
  });

  it("eth_getTransactionByHash, eth_getRawTransactionByHash", async () => {
    const t = await p.getTransaction(tx.hash);
    assert.equal(t.hash, tx.hash);
    assert.equal(t.blockNumber, receipt.blockNumber);
    assert.equal(t.to, to);
    assert.equal(t.chainId, CHAIN_ID);
    const raw = await rpc("eth_getRawTransactionByHash", [tx.hash]);
    assert.equal(ethers.keccak256(raw), tx.hash);
    assert.equal(ethers.Transaction.from(raw).from, w.address);
    assert.equal(await rpc("eth_getTransactionByHash", [ethers.ZeroHash]), null);
    assert.equal(await rpc("eth_getTransactionReceipt", [ethers.ZeroHash]), null);
  });

  it("transaction counts and lookups by block and index", async () => {
    const nHex = "0x" + receipt.blockNumber.toString(16);
    const count = await rpc("eth_getBlockTransactionCountByNumber", [nHex]);
    assert.ok(Number(count) >= 1);
    assert.equal(await rpc("eth_getBlockTransactionCountByHash", [receipt.blockHash]), count);
    const idx = "0x" + receipt.index.toString(16);
    const a = await rpc("eth_getTransactionByBlockNumberAndIndex", [nHex, idx]);
    const b = await rpc("eth_getTransactionByBlockHashAndIndex", [receipt.blockHash, idx]);
    assert.equal(a.hash, tx.hash);
    assert.deepEqual(a, b);
    assert.equal(await rpc("eth_getTransactionByBlockNumberAndIndex", [nHex, "0xffff"]), null);
  });

  it("uncle counts are 0", async () => {
    assert.equal(await rpc("eth_getUncleCountByBlockNumber", ["latest"]), "0x0");
    assert.equal(await rpc("eth_getUncleCountByBlockHash", [receipt.blockHash]), "0x0");
  });

  it("uncle lookups are null", async () => {
    assert.equal(await rpc("eth_getUncleByBlockNumberAndIndex", ["latest", "0x0"]), null);
    assert.equal(await rpc("eth_getUncleByBlockHashAndIndex", [receipt.blockHash, "0x0"]), null);
  });

  it("block tags: pending, safe and finalized are the head, earliest is block 0", async () => {
    const got = await rpc("eth_getBlockByNumber", ["earliest", false]);
    assert.equal(got.number, "0x0");
    assert.equal(got.parentHash, ethers.ZeroHash);
    // Compare tags within one block: retry until latest did not move meanwhile.
    await assertTagsEqualHead();
    assert.equal((await p.getBlock("finalized")).number >= receipt.blockNumber, true);
    assert.equal(await p.getBalance(to, "safe"), ethers.parseEther("1.5"));
    assert.equal(await p.getBalance(to, "earliest"), 0n);
    assert.equal(await p.getTransactionCount(w.address, "pending"), nonceBefore + 1);
  });

  async function assertTagsEqualHead() {
    for (let i = 0; i < 10; i++) {
      const l = await rpc("eth_getBlockByNumber", ["latest", false]);
      const [pe, sa, fi] = await Promise.all(["pending", "safe", "finalized"].map((t) => rpc("eth_getBlockByNumber", [t, false])));
      const l2 = await rpc("eth_getBlockByNumber", ["latest", false]);
      if (l.hash !== l2.hash) continue; // a block came in between
      for (const b of [pe, sa, fi]) assert.equal(b.hash, l.hash);
      return;
    }
    assert.fail("the head kept moving");
  }

  it("unlocked development accounts: eth_accounts, eth_sendTransaction, eth_sign", async (t) => {
    const accounts = await rpc("eth_accounts");
    if (accounts.length === 0) return t.skip("this node serves no unlocked accounts");
    assert.ok(accounts.includes(w.address.toLowerCase()), "the development keys are unlocked");
    assert.equal((await p.listAccounts()).length, accounts.length);
    const signer = await p.getSigner(w.address);
    const sent = await signer.sendTransaction({ to: BEEF, value: 7n });
    const r = await sent.wait(1, 30_000);
    assert.equal(r.status, 1);
    assert.equal(r.from, w.address);
    const sig = await rpc("eth_sign", [w.address, "0x68656c6c6f"]);
    assert.equal(ethers.verifyMessage(ethers.getBytes("0x68656c6c6f"), sig), w.address);
    const err = await rpcError("eth_sign", [ethers.Wallet.createRandom().address, "0x00"]);
    assert.equal(err.message, "unknown account");
  });
});

// headerFields lists a post-Osaka header's RLP fields from its JSON form.
function headerFields(h) {
  const q = (x) => ethers.toBeArray(BigInt(x)); // minimal big-endian, 0 → empty
  return [
    h.parentHash, h.sha3Uncles, h.miner, h.stateRoot, h.transactionsRoot, h.receiptsRoot, h.logsBloom,
    q(h.difficulty), q(h.number), q(h.gasLimit), q(h.gasUsed), q(h.timestamp), h.extraData, h.mixHash, h.nonce,
    q(h.baseFeePerGas), h.withdrawalsRoot, q(h.blobGasUsed), q(h.excessBlobGas), h.parentBeaconBlockRoot, h.requestsHash,
  ];
}
