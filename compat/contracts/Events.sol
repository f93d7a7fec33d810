// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Events emits events with indexed arguments for log filters and
// subscriptions.
contract Events {
    event Ping(address indexed from, uint256 indexed id, bytes32 indexed tag, string note);
    event Pong(uint256 indexed id, uint256 value);

    uint256 public count;

    function ping(uint256 id, bytes32 tag, string calldata note) external {
        count++;
        emit Ping(msg.sender, id, tag, note);
    }

    function pong(uint256 id, uint256 value) external {
        count++;
        emit Pong(id, value);
    }

    function both(uint256 id, bytes32 tag) external {
        count += 2;
        emit Ping(msg.sender, id, tag, "both");
        emit Pong(id, id * 2);
    }
}
