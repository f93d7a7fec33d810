// Generates governance/IGovernance.abi.json from governance/IGovernance.sol
// with solc-js: `npm run governance-abi` (from compat/). With --check it
// compares instead of writing, and fails if the committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, "..", "..", "governance");
const src = path.join(dir, "IGovernance.sol");
const out = path.join(dir, "IGovernance.abi.json");

export function governanceABI() {
  const solc = require("solc");
  const input = {
    language: "Solidity",
    sources: { "IGovernance.sol": { content: readFileSync(src, "utf8") } },
    settings: { outputSelection: { "*": { "*": ["abi"] } } },
  };
  const res = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (res.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return JSON.stringify(res.contracts["IGovernance.sol"].IGovernance.abi, null, 2) + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const abi = governanceABI();
  if (process.argv.includes("--check")) {
    if (readFileSync(out, "utf8") !== abi) {
      console.error("governance/IGovernance.abi.json is stale: run `npm run governance-abi` in compat/");
      process.exit(1);
    }
  } else {
    writeFileSync(out, abi);
  }
}
