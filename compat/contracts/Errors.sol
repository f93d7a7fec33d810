// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Errors reverts in the ways clients must decode: a custom error with
// arguments, a require message, and a bare revert. It also stores a value so
// state and block overrides on eth_call can be observed.
contract Errors {
    error Unauthorized(address caller, uint256 code);

    uint256 public value;

    function set(uint256 v) external {
        require(v != 0, "value must not be zero");
        value = v;
    }

    function failCustom(uint256 code) external view {
        revert Unauthorized(msg.sender, code);
    }

    function failRequire() external pure {
        require(false, "always fails");
    }

    function blockInfo() external view returns (uint256 number, uint256 timestamp) {
        return (block.number, block.timestamp);
    }

    function balanceOf(address a) external view returns (uint256) {
        return a.balance;
    }
}
