// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Child is deployed by Factory with CREATE2.
contract Child {
    address public immutable owner;
    uint256 public immutable tag;

    constructor(address owner_, uint256 tag_) {
        owner = owner_;
        tag = tag_;
    }
}

// Factory deploys Child at an address fixed by the salt and constructor
// arguments.
contract Factory {
    event Deployed(address indexed child, bytes32 indexed salt);

    function deploy(bytes32 salt, uint256 tag) external returns (address child) {
        child = address(new Child{salt: salt}(msg.sender, tag));
        emit Deployed(child, salt);
    }

    function predict(bytes32 salt, address owner_, uint256 tag) external view returns (address) {
        bytes32 h = keccak256(
            abi.encodePacked(bytes1(0xff), address(this), salt, keccak256(abi.encodePacked(type(Child).creationCode, abi.encode(owner_, tag))))
        );
        return address(uint160(uint256(h)));
    }
}
