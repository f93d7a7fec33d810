// Runs the compatibility suite: builds redmx, starts a devnet on free loopback
// ports (unless REDMX_RPC names a node to use), compiles the contracts once,
// runs every test file with node's test runner, and stops the devnet whatever
// happens.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileAll } from "./lib/compile.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const VALIDATORS = 4;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
// Governance periods shortened at genesis so the governance tests run a
// leader's term, a ratification deadline and a ballot in minutes. Founding
// terms are fixed by the genesis and keep their years.
const GOV_PARAMS = ["leaderTerm=60", "ratificationPeriod=120"];

function log(...a) { console.error("[compat]", ...a); }

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

// freePorts finds an RPC base and a p2p base below 32768 whose whole ranges
// (one RPC port per node, two p2p ports per node) are free.
async function freePorts() {
  for (let base = 18545; base <= 28545; base += 500) {
    const rpc = base, p2p = base + 100;
    const want = [];
    for (let i = 0; i < VALIDATORS; i++) want.push(rpc + i);
    for (let i = 0; i < 2 * VALIDATORS; i++) want.push(p2p + i);
    let ok = true;
    for (const p of want) if (!(await portFree(p))) { ok = false; break; }
    if (ok) return { rpc, p2p };
  }
  throw new Error("no free ports in 18545..28545");
}

async function rpcCall(url, method, params = []) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}

async function waitBlocksAdvance(url, deadlineMs) {
  const end = Date.now() + deadlineMs;
  let first = null;
  while (Date.now() < end) {
    try {
      const n = Number(await rpcCall(url, "eth_blockNumber"));
      if (first === null) first = n;
      else if (n > first) return n;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`block number of ${url} did not advance within ${deadlineMs} ms`);
}

// startDevnet runs `redmx devnet --json` and resolves with its summary once
// the JSON object is complete on stdout.
function startDevnet(bin, dir, ports) {
  const args = ["devnet", "--dir", dir, "--reset", "--json",
    "--validators", String(VALIDATORS),
    "--rpc-port", String(ports.rpc), "--p2p-port", String(ports.p2p),
    ...GOV_PARAMS.flatMap((p) => ["--param", p])];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-8000); });
  const ready = new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`devnet not ready in ${READY_TIMEOUT_MS} ms:\n${stderr}`)), READY_TIMEOUT_MS);
    child.stdout.on("data", (d) => {
      out += d;
      try {
        const summary = JSON.parse(out);
        clearTimeout(timer);
        resolve(summary);
      } catch { /* incomplete */ }
    });
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`devnet exited (code ${code}, signal ${sig}) before it was ready:\n${stderr}`));
    });
  });
  return { child, ready, stderr: () => stderr };
}

// stopDevnet sends SIGINT to the devnet process (by PID) and waits for it to
// exit; it stops its nodes itself. SIGKILL only if it does not exit in time.
async function stopDevnet(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(child.pid, "SIGINT");
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise((r) => setTimeout(() => r(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut) {
    log(`devnet (pid ${child.pid}) did not stop in ${STOP_TIMEOUT_MS} ms; killing it`);
    process.kill(child.pid, "SIGKILL");
    await exited;
  }
}

async function main() {
  const started = Date.now();
  const tmp = mkdtempSync(path.join(tmpdir(), "redmx-compat-"));
  const env = { ...process.env };
  let devnet = null;
  let code = 1;
  const onSignal = () => { if (devnet) stopDevnet(devnet.child).finally(() => process.exit(130)); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    log("compiling contracts with solc-js");
    const artifacts = compileAll();
    const artifactsFile = path.join(tmp, "artifacts.json");
    writeFileSync(artifactsFile, JSON.stringify(artifacts));
    env.REDMX_ARTIFACTS = artifactsFile;

    if (env.REDMX_RPC) {
      log(`using the node at ${env.REDMX_RPC}`);
    } else {
      const bin = path.join(tmp, "redmx");
      log("building redmx");
      const b = spawnSync("go", ["build", "-o", bin, "./cmd/redmx"], { cwd: repo, stdio: "inherit" });
      if (b.status !== 0) throw new Error("go build failed");
      const ports = await freePorts();
      log(`starting a ${VALIDATORS}-validator devnet (rpc ${ports.rpc}, p2p ${ports.p2p})`);
      devnet = startDevnet(bin, path.join(tmp, "devnet"), ports);
      const s = await devnet.ready;
      env.REDMX_RPC = s.nodes[0].rpc;
      env.REDMX_WS = s.nodes[0].ws;
      env.REDMX_RPCS = s.nodes.map((n) => n.rpc).join(",");
      env.REDMX_KEYS = s.accounts.map((a) => a.privateKey).join(",");
      env.REDMX_CHAIN_ID = String(s.chainId);
      env.REDMX_COMET_RPC = s.nodes[0].cometbftRpc ?? "";
      // The founding governance's role keys (example data), for the tests
      // that act as its officers.
      env.REDMX_ROLES = JSON.stringify(s.roles ?? []);
      const n = await waitBlocksAdvance(env.REDMX_RPC, 60_000);
      log(`devnet up at ${env.REDMX_RPC}, block ${n}, ${s.accounts.length} keys, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const args = ["--test", "--test-concurrency=1"];
    if (process.argv.length > 2) args.push(...process.argv.slice(2));
    else args.push("test/");
    const t = spawnSync(process.execPath, args, { cwd: here, env, stdio: "inherit" });
    code = t.status ?? 1;
  } catch (err) {
    log(String(err?.stack ?? err));
    code = 1;
  } finally {
    if (devnet) {
      log("stopping the devnet");
      await stopDevnet(devnet.child);
      if (code !== 0) log("devnet stderr (tail):\n" + devnet.stderr().slice(-3000));
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${code}`);
  process.exit(code);
}

main();
