// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Holder} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Holder.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

// CompatNFT is an OpenZeppelin ERC-721 whose owner mints.
contract CompatNFT is ERC721, Ownable {
    constructor() ERC721("Compat NFT", "CNFT") Ownable(msg.sender) {}

    function mint(address to, uint256 id) external onlyOwner {
        _mint(to, id);
    }
}

// NFTReceiver accepts safe transfers (onERC721Received).
contract NFTReceiver is ERC721Holder {}
