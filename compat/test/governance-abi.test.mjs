// The governance ABI JSON is generated from its Solidity interface; this
// fails when someone changes one without the other.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { governanceABI } from "../scripts/governance-abi.mjs";

it("governance/IGovernance.abi.json is generated from IGovernance.sol", () => {
  const committed = readFileSync(new URL("../../governance/IGovernance.abi.json", import.meta.url), "utf8");
  assert.equal(committed, governanceABI(), "stale: run `npm run governance-abi` in compat/");
});
