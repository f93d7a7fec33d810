// Shared helpers for the test files: the node under test, its development
// keys, providers and raw JSON-RPC.
import { ethers } from "ethers";
import { artifacts } from "./compile.mjs";

export const RPC = process.env.REDMX_RPC ?? "http://127.0.0.1:8545";
export const WS = process.env.REDMX_WS ?? RPC.replace(/^http/, "ws");
export const CHAIN_ID = BigInt(process.env.REDMX_CHAIN_ID ?? "5218");
export const POLL_MS = 250;

// Each test file owns its keys, so files never race on nonces.
export const KEY = {
  basics: 0,
  tokens: 1,
  call: 2,
  errors: 3,
  create2: 4,
  logs: 5,
  subscriptions: 6,
  state: 7, // createAccessList and getProof
  txpool: 8,
  trace: 9,
  concurrency: [10, 29], // 20 senders, inclusive range
  // Second accounts of the token tests; files run one at a time, so sharing
  // the concurrency range is safe.
  tokensSpender: 10,
  tokensAlice: 11,
  governance: 12,
};

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// devKey derives redmx's i-th development key as internal/ethtest does, for a
// node started without the runner (REDMX_KEYS unset).
function devKey(i) {
  for (let n = 0; n < 100; n++) {
    const k = ethers.keccak256(ethers.toUtf8Bytes(`redmx devnet key ${i}/${n}`));
    const v = BigInt(k);
    if (v > 0n && v < SECP256K1_N) return k;
  }
  throw new Error("no key");
}

export function keys() {
  if (process.env.REDMX_KEYS) return process.env.REDMX_KEYS.split(",");
  return Array.from({ length: 30 }, (_, i) => devKey(i));
}

export function provider() {
  const network = new ethers.Network("redmx", CHAIN_ID);
  return new ethers.JsonRpcProvider(RPC, network, { staticNetwork: network, pollingInterval: POLL_MS });
}

export function wsProvider() {
  return new ethers.WebSocketProvider(WS, new ethers.Network("redmx", CHAIN_ID));
}

export function wallet(index, p) {
  return new ethers.Wallet(keys()[index], p);
}

// rpc sends one raw JSON-RPC request and returns the whole response object.
export async function rpcRaw(method, params = [], url = RPC) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return res.json();
}

// rpc returns the result of a call, or throws an Error carrying code and data.
export async function rpc(method, params = [], url = RPC) {
  const r = await rpcRaw(method, params, url);
  if (r.error) {
    const e = new Error(`${method}: ${r.error.message}`);
    e.code = r.error.code;
    e.data = r.error.data;
    e.rpcMessage = r.error.message;
    throw e;
  }
  return r.result;
}

// rpcError returns the error object of a call expected to fail.
export async function rpcError(method, params = [], url = RPC) {
  const r = await rpcRaw(method, params, url);
  if (!r.error) throw new Error(`${method} succeeded (${JSON.stringify(r.result).slice(0, 200)}); want an error`);
  return r.error;
}

// waitFor polls cond until it returns a truthy value or the deadline passes.
export async function waitFor(what, cond, timeoutMs = 20_000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

export async function waitBlock(p, above) {
  return waitFor(`a block above ${above}`, async () => {
    const n = await p.getBlockNumber();
    return n > above ? n : 0;
  });
}

export function contractFactory(name, signer) {
  const a = artifacts()[name];
  if (!a) throw new Error(`no contract ${name}`);
  return new ethers.ContractFactory(a.abi, a.bytecode, signer);
}

export function iface(name) {
  return new ethers.Interface(artifacts()[name].abi);
}

// deploy deploys a contract and waits until it is mined.
export async function deploy(name, signer, ...args) {
  const c = await contractFactory(name, signer).deploy(...args);
  await c.waitForDeployment();
  return c;
}

// mined sends a contract transaction (a promise of a TransactionResponse) and
// waits for its receipt.
export async function mined(txPromise) {
  const tx = await txPromise;
  const r = await tx.wait(1, 30_000);
  return r;
}

export { ethers, artifacts };
