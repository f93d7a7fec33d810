// Refused transactions carry go-ethereum's error texts, so that clients map
// them. Each is signed with ethers and sent raw.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CHAIN_ID, KEY, ethers, mined, provider, rpc, rpcError, wallet } from "../lib/env.mjs";

const MAX_TX_GAS = 1n << 24n; // EIP-7825

describe("refused transactions", () => {
  const p = provider();
  const w = wallet(KEY.errors, p);
  const to = ethers.Wallet.createRandom().address;
  let nonce;

  // base is a legacy transfer at the account's next nonce.
  const base = (over = {}) => ({ type: 0, to, value: 1n, gasLimit: 21000n, gasPrice: 0n, chainId: CHAIN_ID, nonce, ...over });
  const sendRaw = async (tx) => rpcError("eth_sendRawTransaction", [await w.signTransaction(tx)]);

  before(async () => {
    const r = await mined(w.sendTransaction({ to, value: 1n }));
    assert.equal(r.status, 1);
    nonce = await p.getTransactionCount(w.address, "pending");
  });
  after(() => p.destroy());

  it("wrong chain ID", async () => {
    const err = await sendRaw(base({ chainId: 1n }));
    assert.match(err.message, /invalid chain id for signer/);
    const err2 = await sendRaw(base({ type: 2, gasPrice: undefined, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, chainId: CHAIN_ID + 1n }));
    assert.match(err2.message, /invalid chain id for signer/);
  });

  it("nonce too low", async () => {
    const err = await sendRaw(base({ nonce: nonce - 1 }));
    assert.match(err.message, /^nonce too low/);
    // ethers maps the text to its own code.
    const signed = await w.signTransaction(base({ nonce: nonce - 1 }));
    await assert.rejects(p.broadcastTransaction(signed), (e) => e.code === "NONCE_EXPIRED");
  });

  it("already known", async () => {
    const signed = await w.signTransaction(base());
    const hash = await rpc("eth_sendRawTransaction", [signed]);
    assert.equal(hash, ethers.keccak256(signed));
    const err = await rpcError("eth_sendRawTransaction", [signed]);
    assert.match(err.message, /^already known/);
    await p.waitForTransaction(hash, 1, 30_000);
    nonce++;
  });

  it("malformed raw transactions", async () => {
    let err = await rpcError("eth_sendRawTransaction", ["0xdeadbeef"]);
    assert.equal(err.code, -32000);
    assert.equal(err.message, "rlp: value size exceeds available input length");
    err = await rpcError("eth_sendRawTransaction", ["0x"]);
    assert.equal(err.message, "typed transaction too short");
    err = await rpcError("eth_sendRawTransaction", ["0xzz"]);
    assert.equal(err.code, -32602); // not hex: invalid params
  });

  it("oversized data (> 128 KiB)", async () => {
    const data = ethers.hexlify(new Uint8Array(128 * 1024 + 1).fill(1));
    const err = await sendRaw(base({ data, gasLimit: 10_000_000n }));
    assert.match(err.message, /^oversized data/);
  });

  it("gas above 2^24 (EIP-7825) and above the block gas limit", async () => {
    let err = await sendRaw(base({ gasLimit: MAX_TX_GAS + 1n }));
    assert.match(err.message, /^transaction gas limit too high/);
    const blockLimit = (await p.getBlock("latest")).gasLimit;
    err = await sendRaw(base({ gasLimit: blockLimit + 1n }));
    assert.match(err.message, /^(exceeds block gas limit|transaction gas limit too high)/);
    // ethers' own populate path: an explicit too-high limit is refused too.
    await assert.rejects(w.sendTransaction({ to, value: 1n, gasLimit: MAX_TX_GAS + 1n }), /transaction gas limit too high/);
  });

  it("intrinsic gas too low", async () => {
    const err = await sendRaw(base({ gasLimit: 20000n }));
    assert.match(err.message, /^intrinsic gas too low/);
  });

  it("blob (type 3) transactions are refused", async () => {
    const err = await sendRaw({
      type: 3, to, value: 0n, gasLimit: 21000n, chainId: CHAIN_ID, nonce,
      maxFeePerGas: 1n, maxPriorityFeePerGas: 0n, maxFeePerBlobGas: 1n,
      blobVersionedHashes: ["0x01" + "11".repeat(31)],
    });
    assert.match(err.message, /transaction type not supported/);
  });

  it("set-code (type 4) transactions are refused", async () => {
    const auth = await w.authorize({ address: to, nonce: nonce + 1, chainId: CHAIN_ID });
    const err = await sendRaw({
      type: 4, to, value: 0n, gasLimit: 100000n, chainId: CHAIN_ID, nonce,
      maxFeePerGas: 0n, maxPriorityFeePerGas: 0n, authorizationList: [auth],
    });
    assert.match(err.message, /transaction type not supported/);
  });

  it("the account still works afterwards, at the expected nonce", async () => {
    assert.equal(await p.getTransactionCount(w.address, "pending"), nonce);
    const r = await mined(w.sendTransaction({ to, value: 1n }));
    assert.equal(r.status, 1);
  });
});
