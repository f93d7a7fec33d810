// CREATE2: a factory contract, the predeployed deterministic deployer, and
// Multicall3.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CHAIN_ID, KEY, artifacts, deploy, ethers, mined, provider, rpc, wallet } from "../lib/env.mjs";

const DEPLOYER = "0x4e59b44847b379578588920cA78FbF26c0B4956C";
const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
const MULTICALL3_ABI = [
  "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)",
  "function getBlockNumber() view returns (uint256)",
  "function getChainId() view returns (uint256)",
  "function getEthBalance(address) view returns (uint256)",
];

describe("CREATE2 and predeploys", () => {
  const p = provider();
  const w = wallet(KEY.create2, p);
  const child = artifacts().Child;
  const childIface = new ethers.Interface(child.abi);
  const initCode = (owner, tag) => ethers.concat([child.bytecode, ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [owner, tag])]);
  let factory, faddr;

  before(async () => {
    factory = await deploy("Factory", w);
    faddr = await factory.getAddress();
  });
  after(() => p.destroy());

  it("a factory deploys at the predicted address", async () => {
    const salt = ethers.id("compat salt 1");
    const predicted = ethers.getCreate2Address(faddr, salt, ethers.keccak256(initCode(w.address, 17n)));
    assert.equal(await factory.predict(salt, w.address, 17n), predicted);
    assert.equal(await p.getCode(predicted), "0x");
    assert.equal(await factory.deploy.staticCall(salt, 17n), predicted);
    const r = await mined(factory.deploy(salt, 17n));
    const ev = factory.interface.parseLog(r.logs[0]);
    assert.equal(ev.args.child, predicted);
    const c = new ethers.Contract(predicted, childIface, p);
    assert.equal(await c.owner(), w.address);
    assert.equal(await c.tag(), 17n);
    // The same salt again collides: the inner CREATE2 fails and deploy reverts.
    await assert.rejects(factory.deploy.staticCall(salt, 17n), (e) => e.code === "CALL_EXCEPTION");
  });

  it("the deterministic deployer (0x4e59…956C) deploys at the CREATE2 address", async () => {
    assert.ok((await p.getCode(DEPLOYER)).length > 2);
    const salt = ethers.id("compat salt 2");
    const code = initCode(w.address, 99n);
    const predicted = ethers.getCreate2Address(DEPLOYER, salt, ethers.keccak256(code));
    const data = ethers.concat([salt, code]);
    const ret = await p.call({ to: DEPLOYER, data });
    assert.equal(ethers.getAddress(ret), predicted);
    const r = await mined(w.sendTransaction({ to: DEPLOYER, data }));
    assert.equal(r.status, 1);
    const c = new ethers.Contract(predicted, childIface, p);
    assert.equal(await c.tag(), 99n);
    assert.equal(await c.owner(), w.address);
  });

  it("Multicall3 (0xcA11…CA11) aggregates calls", async () => {
    const mc = new ethers.Contract(MULTICALL3, MULTICALL3_ABI, w);
    const mci = mc.interface;
    const fi = factory.interface;
    const calls = [
      { target: MULTICALL3, allowFailure: false, callData: mci.encodeFunctionData("getChainId") },
      { target: MULTICALL3, allowFailure: false, callData: mci.encodeFunctionData("getEthBalance", [w.address]) },
      { target: faddr, allowFailure: false, callData: fi.encodeFunctionData("predict", [ethers.ZeroHash, w.address, 1n]) },
      { target: faddr, allowFailure: true, callData: "0xdeadbeef" }, // no such function: fails, allowed
    ];
    const res = await mc.aggregate3.staticCall(calls);
    assert.equal(res.length, 4);
    assert.equal(BigInt(res[0].returnData), CHAIN_ID);
    assert.equal(BigInt(res[1].returnData), await p.getBalance(w.address));
    assert.equal(fi.decodeFunctionResult("predict", res[2].returnData)[0], await factory.predict(ethers.ZeroHash, w.address, 1n));
    assert.equal(res[3].success, false);
    // And as a transaction: deploy through the factory from Multicall3.
    const salt = ethers.id("compat salt 3");
    const r = await mined(mc.aggregate3([{ target: faddr, allowFailure: false, callData: fi.encodeFunctionData("deploy", [salt, 5n]) }]));
    assert.equal(r.status, 1);
    const predicted = ethers.getCreate2Address(faddr, salt, ethers.keccak256(initCode(MULTICALL3, 5n)));
    assert.equal(await new ethers.Contract(predicted, childIface, p).owner(), MULTICALL3);
    assert.equal(BigInt(await rpc("eth_getTransactionCount", [MULTICALL3, "latest"])) >= 1n, true);
  });
});
