// verifyProof walks a Merkle-Patricia proof (go-ethereum's eth_getProof
// format: the RLP of each node from the root) for key under root and returns
// the value's RLP bytes, or null if the proof shows the key is absent. It
// throws if the proof does not hash up to root.
import { ethers } from "ethers";

function nibbles(bytes) {
  const b = ethers.getBytes(bytes);
  const out = [];
  for (const x of b) out.push(x >> 4, x & 15);
  return out;
}

// hexPrefix decodes a compact (hex-prefix) path: [nibbles, isLeaf].
function hexPrefix(encoded) {
  const n = nibbles(encoded);
  const flag = n[0];
  return [n.slice(flag & 1 ? 1 : 2), flag >= 2];
}

export function verifyProof(root, key, proof) {
  const path = nibbles(ethers.keccak256(key));
  const byHash = new Map(proof.map((n) => [ethers.keccak256(n), n]));
  let node = byHash.get(root.toLowerCase());
  if (!node) throw new Error("no proof node hashes to the root");
  node = ethers.decodeRlp(node);
  let i = 0;
  for (let steps = 0; steps < 64; steps++) {
    let next;
    if (node.length === 17) {
      if (i === path.length) return node[16] === "0x" ? null : node[16];
      next = node[path[i++]];
    } else if (node.length === 2) {
      const [rest, leaf] = hexPrefix(node[0]);
      const here = path.slice(i, i + rest.length);
      if (here.length !== rest.length || here.some((x, j) => x !== rest[j])) return null; // diverges: absent
      i += rest.length;
      if (leaf) return i === path.length ? node[1] : null;
      next = node[1];
    } else {
      throw new Error(`bad trie node of ${node.length} items`);
    }
    if (Array.isArray(next)) { node = next; continue; } // embedded node
    if (next === "0x") return null;
    const raw = byHash.get(next.toLowerCase());
    if (!raw) throw new Error(`proof lacks node ${next}`);
    node = ethers.decodeRlp(raw);
  }
  throw new Error("proof too deep");
}
