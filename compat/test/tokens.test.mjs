// OpenZeppelin ERC-20 and ERC-721 deployed and used through ethers contracts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEY, deploy, ethers, mined, provider, rpc, wallet } from "../lib/env.mjs";

describe("ERC-20 (OpenZeppelin)", () => {
  const p = provider();
  const owner = wallet(KEY.tokens, p);
  // A second development account: with governance only members' and
  // projects' accounts transact, and the development keys are a project's.
  const spender = wallet(KEY.tokensSpender, p);
  const bob = ethers.Wallet.createRandom().address;
  let token, deployTx;

  before(async () => {
    token = await deploy("CompatToken", owner, ethers.parseEther("1000000"));
    deployTx = token.deploymentTransaction();
  });
  after(() => p.destroy());

  it("deploys: receipt has contractAddress and code is there", async () => {
    const r = await p.getTransactionReceipt(deployTx.hash);
    assert.equal(r.status, 1);
    assert.equal(r.contractAddress, await token.getAddress());
    assert.equal(r.to, null);
    assert.ok((await p.getCode(r.contractAddress)).length > 2);
    assert.equal(await token.name(), "Compat Token");
    assert.equal(await token.symbol(), "CPT");
    assert.equal(await token.decimals(), 18n);
    assert.equal(await token.totalSupply(), ethers.parseEther("1000000"));
    // OZ mints with a Transfer from the zero address.
    assert.equal(r.logs.length, 1);
    const ev = token.interface.parseLog(r.logs[0]);
    assert.equal(ev.name, "Transfer");
    assert.equal(ev.args.from, ethers.ZeroAddress);
  });

  it("transfer: status, Transfer log, balances", async () => {
    const r = await mined(token.transfer(bob, 1234n));
    assert.equal(r.status, 1);
    assert.equal(r.logs.length, 1);
    const log = r.logs[0];
    assert.equal(log.address, await token.getAddress());
    assert.equal(log.transactionHash, r.hash);
    assert.equal(log.blockNumber, r.blockNumber);
    const ev = token.interface.parseLog(log);
    assert.deepEqual([ev.name, ev.args.from, ev.args.to, ev.args.value], ["Transfer", owner.address, bob, 1234n]);
    assert.equal(await token.balanceOf(bob), 1234n);
    const raw = await rpc("eth_getTransactionReceipt", [r.hash]);
    assert.equal(raw.effectiveGasPrice, "0x0");
    assert.equal(raw.type, "0x0");
  });

  it("approve and transferFrom by a spender: no fee charged", async () => {
    await mined(token.approve(spender.address, 500n));
    assert.equal(await token.allowance(owner.address, spender.address), 500n);
    const balance = await p.getBalance(spender.address);
    const r = await mined(token.connect(spender).transferFrom(owner.address, bob, 300n));
    assert.equal(r.status, 1);
    assert.equal(r.from, spender.address);
    assert.equal(await token.allowance(owner.address, spender.address), 200n);
    assert.equal(await token.balanceOf(bob), 1534n);
    assert.equal(await p.getBalance(spender.address), balance, "nothing charged");
  });

  it("an EIP-1559 (type 2) transfer works too", async () => {
    const r = await mined(token.transfer(bob, 1n, { type: 2, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n }));
    assert.equal(r.status, 1);
    assert.equal(r.type, 2);
    assert.equal(r.gasPrice, 0n);
    assert.equal(await token.balanceOf(bob), 1535n);
  });

  it("a transfer above the balance reverts with OZ's ERC20InsufficientBalance", async () => {
    await assert.rejects(token.connect(spender).transfer(bob, 1n), (err) => {
      assert.equal(err.code, "CALL_EXCEPTION");
      // ethers decodes custom errors only on calls; on a send the data is
      // there for the contract's interface to decode.
      assert.equal(err.info?.error?.code, 3);
      const rev = token.interface.parseError(err.data);
      assert.equal(rev?.name, "ERC20InsufficientBalance");
      assert.deepEqual([...rev.args], [spender.address, 0n, 1n]);
      return true;
    });
  });
});

describe("ERC-721 (OpenZeppelin)", () => {
  const p = provider();
  const owner = wallet(KEY.tokens, p);
  const alice = wallet(KEY.tokensAlice, p);
  let nft, receiver;

  before(async () => {
    nft = await deploy("CompatNFT", owner);
    receiver = await deploy("NFTReceiver", owner);
  });
  after(() => p.destroy());

  it("mint, ownerOf, balanceOf", async () => {
    const r = await mined(nft.mint(alice.address, 7n));
    assert.equal(r.status, 1);
    const ev = nft.interface.parseLog(r.logs[0]);
    assert.deepEqual([ev.name, ev.args.from, ev.args.to, ev.args.tokenId], ["Transfer", ethers.ZeroAddress, alice.address, 7n]);
    assert.equal(await nft.ownerOf(7n), alice.address);
    assert.equal(await nft.balanceOf(alice.address), 1n);
  });

  it("only the owner mints (OwnableUnauthorizedAccount)", async () => {
    await assert.rejects(nft.connect(alice).mint.staticCall(alice.address, 8n), (err) => {
      assert.equal(err.revert?.name, "OwnableUnauthorizedAccount");
      return true;
    });
  });

  it("approve and safeTransferFrom to a receiver contract", async () => {
    const dest = await receiver.getAddress();
    await mined(nft.connect(alice).approve(owner.address, 7n));
    assert.equal(await nft.getApproved(7n), owner.address);
    const r = await mined(nft["safeTransferFrom(address,address,uint256)"](alice.address, dest, 7n));
    assert.equal(r.status, 1);
    assert.equal(await nft.ownerOf(7n), dest);
    assert.equal(await nft.balanceOf(alice.address), 0n);
  });

  it("safeTransferFrom to a contract that is no receiver reverts (ERC721InvalidReceiver)", async () => {
    await mined(nft.mint(owner.address, 9n));
    const notReceiver = await nft.getAddress();
    await assert.rejects(nft["safeTransferFrom(address,address,uint256)"](owner.address, notReceiver, 9n), (err) => {
      assert.equal(nft.interface.parseError(err.data)?.name, "ERC721InvalidReceiver");
      return true;
    });
    await assert.rejects(nft.ownerOf(99n), (err) => err.revert?.name === "ERC721NonexistentToken");
  });
});
