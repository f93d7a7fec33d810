// Package governance is the network's on-chain governance: a native system
// contract, written in Go, at [Address], with its state in the storage of
// that address in the one state trie (governance.md, architecture.md
// decisions 4–8).
//
// IGovernance.sol is its interface and IGovernance.abi.json, generated from
// it, is the only contract between the chain and its clients. Execution hands
// every message addressed to [Address] to [Contract.Call]; inside the EVM the
// address is a precompile serving the view functions ([Contract.View]).
// Execution also asks [Contract.Admit] before each transaction (membership,
// capital, the apply quota), reports gas used with [Contract.Charge], checks
// contract creation with [Contract.MayCreate], and collects the block's
// consensus effects (validator and gas-limit updates) with [Contract.EndBlock].
//
// The state transition is deterministic: block time only, no map iteration
// order, no floats. What time alone changes (an epoch's capital, an expired
// term) is computed when read or touched, never swept.
package governance
