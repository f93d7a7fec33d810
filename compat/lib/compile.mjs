// Compiles compat/contracts with solc-js, resolving @openzeppelin imports from
// node_modules. The runner compiles once and hands the artifacts to the test
// files through REDMX_ARTIFACTS; a test file run on its own compiles itself.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const contractsDir = path.resolve(here, "..", "contracts");
const nodeModules = path.resolve(here, "..", "node_modules");

function findImport(p) {
  const file = path.join(nodeModules, p);
  if (p.startsWith("@openzeppelin/") && existsSync(file)) return { contents: readFileSync(file, "utf8") };
  return { error: `not found: ${p}` };
}

function compileWith(solc, sources, evmVersion) {
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion,
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  return JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
}

// compileAll returns { ContractName: { abi, bytecode } } for every contract in
// contracts/, plus the EVM version used (osaka if this solc knows it).
export function compileAll() {
  const solc = require("solc");
  const sources = {};
  for (const f of readdirSync(contractsDir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[f] = { content: readFileSync(path.join(contractsDir, f), "utf8") };
  }
  let evmVersion = "osaka";
  let out = compileWith(solc, sources, evmVersion);
  if ((out.errors ?? []).some((e) => e.severity === "error" && /evmVersion|EVM version/i.test(e.message))) {
    evmVersion = "prague";
    out = compileWith(solc, sources, evmVersion);
  }
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error("solc:\n" + errors.map((e) => e.formattedMessage).join("\n"));
  const artifacts = { _meta: { solc: solc.version(), evmVersion } };
  for (const f of Object.keys(sources)) {
    for (const [name, c] of Object.entries(out.contracts[f])) {
      artifacts[name] = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
    }
  }
  return artifacts;
}

let cached = null;

// artifacts returns the compiled contracts, compiling at most once per process.
export function artifacts() {
  if (cached) return cached;
  const file = process.env.REDMX_ARTIFACTS;
  cached = file && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : compileAll();
  return cached;
}
