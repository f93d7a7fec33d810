// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

// CompatToken is a plain OpenZeppelin ERC-20 with the whole supply minted to
// the deployer.
contract CompatToken is ERC20 {
    constructor(uint256 supply) ERC20("Compat Token", "CPT") {
        _mint(msg.sender, supply);
    }
}
