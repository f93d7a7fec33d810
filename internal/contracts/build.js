const solc = require('solc');
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const files = process.argv.slice(3);
const sources = {};
for (const f of files) sources[f] = { content: fs.readFileSync(path.join(dir, f), 'utf8') };
const input = { language: 'Solidity', sources, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'osaka', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } } };
const out = JSON.parse(solc.compile(JSON.stringify(input)));
if (out.errors) for (const e of out.errors) { console.error(e.formattedMessage); if (e.severity === 'error') process.exit(1); }
for (const f of files) for (const [name, c] of Object.entries(out.contracts[f])) {
  fs.writeFileSync(path.join(dir, name + '.bin'), c.evm.bytecode.object + '\n');
  fs.writeFileSync(path.join(dir, name + '.abi'), JSON.stringify(c.abi, null, 1) + '\n');
}
console.log('solc', solc.version());
