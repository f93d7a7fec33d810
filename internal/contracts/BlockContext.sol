// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// Records what every block-context opcode returns inside a transaction, so a
/// test can compare it with the header the node serves.
contract BlockContext {
    struct Seen {
        bytes32 parentHash;   // BLOCKHASH(number - 1)
        address coinbase;     // COINBASE
        uint256 timestamp;    // TIMESTAMP
        uint256 number;       // NUMBER
        uint256 prevrandao;   // PREVRANDAO
        uint256 gaslimit;     // GASLIMIT
        uint256 chainid;      // CHAINID
        uint256 basefee;      // BASEFEE
        uint256 blobbasefee;  // BLOBBASEFEE
        bytes32 blobhash0;    // BLOBHASH(0)
        uint256 gasprice;     // GASPRICE
        address origin;       // ORIGIN
        uint256 selfbalance;  // SELFBALANCE
    }

    Seen public seen;

    function record() external {
        seen = current();
    }

    function current() public view returns (Seen memory s) {
        s.parentHash = blockhash(block.number - 1);
        s.coinbase = block.coinbase;
        s.timestamp = block.timestamp;
        s.number = block.number;
        s.prevrandao = block.prevrandao;
        s.gaslimit = block.gaslimit;
        s.chainid = block.chainid;
        s.basefee = block.basefee;
        s.blobbasefee = block.blobbasefee;
        s.blobhash0 = blobhash(0);
        s.gasprice = tx.gasprice;
        s.origin = tx.origin;
        s.selfbalance = address(this).balance;
    }
}
