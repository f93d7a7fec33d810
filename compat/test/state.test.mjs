// eth_createAccessList and eth_getProof.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEY, deploy, ethers, mined, provider, rpc, wallet } from "../lib/env.mjs";
import { verifyProof } from "../lib/trie.mjs";

const SLOT0 = ethers.ZeroHash;
const EMPTY_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
const EMPTY_CODE = ethers.keccak256("0x");
const same = (a, b) => a.toLowerCase() === b.toLowerCase();

describe("eth_createAccessList", () => {
  const p = provider();
  const w = wallet(KEY.state, p);
  let c, addr, token, taddr;
  const bob = ethers.Wallet.createRandom().address;

  before(async () => {
    c = await deploy("Errors", w);
    addr = await c.getAddress();
    await mined(c.set(1n));
    token = await deploy("CompatToken", w, 1000n);
    taddr = await token.getAddress();
  });
  after(() => p.destroy());

  it("lists the storage a call touches, with the gas used", async () => {
    const data = c.interface.encodeFunctionData("set", [5n]);
    const res = await rpc("eth_createAccessList", [{ from: w.address, to: addr, data }, "latest"]);
    assert.equal(res.error, undefined);
    assert.equal(res.accessList.length, 1);
    assert.ok(same(res.accessList[0].address, addr));
    assert.deepEqual(res.accessList[0].storageKeys, [SLOT0]);
    // Sent with that list, the transaction uses exactly that gas.
    const r = await mined(w.sendTransaction({ type: 1, to: addr, data, accessList: res.accessList, gasPrice: 0n }));
    assert.equal(r.status, 1);
    assert.equal(r.gasUsed, BigInt(res.gasUsed));
    assert.equal(r.type, 1);
  });

  it("an ERC-20 transfer touches both balances", async () => {
    const data = token.interface.encodeFunctionData("transfer", [bob, 1n]);
    const res = await rpc("eth_createAccessList", [{ from: w.address, to: taddr, data }]);
    assert.equal(res.accessList.length, 1);
    assert.equal(res.accessList[0].storageKeys.length, 2);
    const fromSlot = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [w.address, 0n]));
    assert.ok(res.accessList[0].storageKeys.includes(fromSlot), "balances[from] (OZ ERC20 balances at slot 0)");
    const r = await mined(w.sendTransaction({ type: 1, to: taddr, data, accessList: res.accessList, gasPrice: 0n }));
    assert.equal(r.gasUsed, BigInt(res.gasUsed));
  });

  it("a reverting call reports the error", async () => {
    const data = c.interface.encodeFunctionData("set", [0n]);
    const res = await rpc("eth_createAccessList", [{ from: w.address, to: addr, data }]);
    assert.match(res.error, /^execution reverted/);
    assert.ok(BigInt(res.gasUsed) > 21000n);
  });
});

describe("eth_getProof", () => {
  const p = provider();
  const w = wallet(KEY.state, p);
  let c, addr, r;

  before(async () => {
    c = await deploy("Errors", w);
    addr = await c.getAddress();
    await mined(c.set(76n));
    r = await mined(c.set(77n));
  });
  after(() => p.destroy());

  async function checkAccount(a, blockNumber, slots = []) {
    const tag = "0x" + blockNumber.toString(16);
    const [pr, block] = await Promise.all([
      rpc("eth_getProof", [a, slots, tag]),
      rpc("eth_getBlockByNumber", [tag, false]),
    ]);
    assert.ok(same(pr.address, a));
    assert.equal(BigInt(pr.balance), await p.getBalance(a, blockNumber));
    assert.equal(Number(pr.nonce), await p.getTransactionCount(a, blockNumber));
    const code = await p.getCode(a, blockNumber);
    assert.equal(pr.codeHash, ethers.keccak256(code));
    // The account proof hashes up to the block's state root and holds the account.
    const leaf = verifyProof(block.stateRoot, a, pr.accountProof);
    assert.ok(leaf, "the account is in the state trie");
    const [nonce, balance, storageRoot, codeHash] = ethers.decodeRlp(leaf);
    assert.equal(BigInt(nonce === "0x" ? 0 : nonce), BigInt(pr.nonce));
    assert.equal(BigInt(balance === "0x" ? 0 : balance), BigInt(pr.balance));
    assert.equal(storageRoot, pr.storageHash);
    assert.equal(codeHash, pr.codeHash);
    return pr;
  }

  it("an externally owned account at latest: shape and values, proof against stateRoot", async () => {
    const pr = await checkAccount(w.address, r.blockNumber);
    assert.equal(pr.storageHash, EMPTY_ROOT);
    assert.equal(pr.codeHash, EMPTY_CODE);
    assert.deepEqual(pr.storageProof, []);
  });

  it("a contract's storage slot, proved against storageHash", async () => {
    const pr = await checkAccount(addr, r.blockNumber, [SLOT0]);
    assert.equal(pr.storageProof.length, 1);
    const sp = pr.storageProof[0];
    assert.equal(BigInt(sp.key), 0n);
    assert.equal(sp.value, "0x4d"); // 77
    const v = verifyProof(pr.storageHash, ethers.zeroPadValue(sp.key, 32), sp.proof);
    assert.equal(BigInt(ethers.decodeRlp(v)), 77n);
  });

  it("at an older block the older value", async () => {
    const pr = await checkAccount(addr, r.blockNumber - 1, [SLOT0]);
    assert.equal(pr.storageProof[0].value, "0x4c"); // 76
  });

  it("an absent account and an empty slot", async () => {
    const none = ethers.Wallet.createRandom().address;
    const head = await p.getBlockNumber();
    const pr = await rpc("eth_getProof", [none, [SLOT0], "0x" + head.toString(16)]);
    assert.equal(pr.balance, "0x0");
    assert.equal(pr.nonce, "0x0");
    // geth reports zero hashes for an account that does not exist.
    assert.equal(pr.storageHash, ethers.ZeroHash);
    assert.equal(pr.codeHash, ethers.ZeroHash);
    assert.equal(pr.storageProof[0].value, "0x0");
    const block = await rpc("eth_getBlockByNumber", ["0x" + head.toString(16), false]);
    assert.equal(verifyProof(block.stateRoot, none, pr.accountProof), null);
  });
});
