//! A Merkle-Patricia trie resolved lazily from preimages.
//!
//! The trie starts as the hash of its root. A node is fetched from the [`PreimageSource`] only
//! when a lookup or an update must descend into it, and a branch that shrinks to one child
//! resolves that child (to merge paths) only then. The witnesses of the real fixtures hold
//! exactly the nodes such an executor reads (vectors README §7), so reading more would fail.
//!
//! Keys are byte strings of one fixed length per trie (32-byte hashes in Ethereum's account and
//! storage tries); values are raw bytes (the caller RLP-encodes accounts and slots). Nodes use
//! alloy-trie's encoding ([`TrieNode`], [`LeafNodeRef`], [`ExtensionNodeRef`],
//! [`BranchNodeRef`]).

use alloc::{boxed::Box, vec::Vec};

use alloy_primitives::{B256, Bytes, keccak256};
use alloy_trie::{
    EMPTY_ROOT_HASH, Nibbles, TrieMask,
    nodes::{BranchNodeRef, ExtensionNodeRef, LeafNodeRef, RlpNode, TrieNode},
};

use super::{ExecError, PreimageSource};

/// Longest path a trie key can have (a 32-byte key is 64 nibbles).
const MAX_NIBBLES: usize = 64;

/// One node of the in-memory trie.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    /// No node (an empty trie or an empty branch slot).
    Empty,
    /// A node known only by its hash, not yet fetched.
    Hash(B256),
    /// A leaf: the rest of the key and the value.
    Leaf { key: Nibbles, value: Vec<u8> },
    /// An extension: a shared path segment and the node below it.
    Extension { key: Nibbles, child: Box<Node> },
    /// A branch: one slot per nibble (branch values never occur with fixed-length keys).
    Branch { children: Box<[Node; 16]> },
}

fn empty_children() -> Box<[Node; 16]> {
    Box::new(core::array::from_fn(|_| Node::Empty))
}

/// Converts a decoded child reference (a hash or an inline node) into a [`Node`].
fn child_node(rlp: &RlpNode, parent: B256) -> Result<Node, ExecError> {
    match rlp.as_hash() {
        Some(hash) => Ok(Node::Hash(hash)),
        None => decode_node(rlp, parent),
    }
}

/// Decodes an RLP trie node; `hash` names it (or the node embedding it) in errors.
fn decode_node(rlp: &[u8], hash: B256) -> Result<Node, ExecError> {
    let invalid = |reason| ExecError::InvalidTrieNode { hash, reason };
    let mut buf = rlp;
    let node = <TrieNode as alloy_rlp::Decodable>::decode(&mut buf)
        .map_err(|_| invalid("not an RLP trie node"))?;
    if !buf.is_empty() {
        return Err(invalid("trailing bytes after the node"));
    }
    Ok(match node {
        TrieNode::EmptyRoot => Node::Empty,
        TrieNode::Leaf(leaf) => Node::Leaf { key: leaf.key, value: leaf.value },
        TrieNode::Extension(ext) => {
            if ext.key.is_empty() {
                return Err(invalid("extension with an empty path"));
            }
            Node::Extension { key: ext.key, child: Box::new(child_node(&ext.child, hash)?) }
        }
        TrieNode::Branch(branch) => {
            let mut children = empty_children();
            let mut stack = branch.stack.iter();
            for (nibble, slot) in children.iter_mut().enumerate() {
                // `nibble` < 16, so the cast is exact.
                if branch.state_mask.is_bit_set(nibble as u8) {
                    let rlp = stack.next().ok_or(invalid("branch mask exceeds its children"))?;
                    *slot = child_node(rlp, hash)?;
                }
            }
            Node::Branch { children }
        }
    })
}

/// Replaces a [`Node::Hash`] by the node it names, fetching its preimage.
fn resolve(node: &mut Node, src: &impl PreimageSource) -> Result<(), ExecError> {
    if let Node::Hash(hash) = *node {
        let rlp = src.preimage(hash)?;
        *node = decode_node(&rlp, hash)?;
    }
    Ok(())
}

/// `a ++ b`, refusing paths longer than a key (possible only in a malformed witness).
fn join(a: &Nibbles, b: &Nibbles) -> Result<Nibbles, ExecError> {
    if a.len() + b.len() > MAX_NIBBLES {
        return Err(ExecError::InvalidTrieKey(a.len() + b.len()));
    }
    Ok(a.join(b))
}

/// The first nibble of `path` and the rest, or `None` for an empty path.
fn split_first(path: &Nibbles) -> Option<(usize, Nibbles)> {
    let first = path.first()?;
    Some((usize::from(first), path.slice(1..)))
}

fn get(
    node: &mut Node,
    path: Nibbles,
    src: &impl PreimageSource,
) -> Result<Option<Vec<u8>>, ExecError> {
    resolve(node, src)?;
    match node {
        Node::Empty | Node::Hash(_) => Ok(None),
        Node::Leaf { key, value } => Ok((*key == path).then(|| value.clone())),
        Node::Extension { key, child } => {
            if path.starts_with(key) {
                get(child, path.slice(key.len()..), src)
            } else {
                Ok(None)
            }
        }
        Node::Branch { children } => match split_first(&path) {
            Some((nibble, rest)) => match children.get_mut(nibble) {
                Some(child) => get(child, rest, src),
                None => Ok(None),
            },
            None => Ok(None),
        },
    }
}

/// A branch holding two disjoint paths below a shared prefix of `common` nibbles: `a` (already
/// a node, minus its first nibble) and a new leaf for `path`.
fn split(
    common: usize,
    a_path: &Nibbles,
    a_node: impl FnOnce(Nibbles) -> Node,
    path: &Nibbles,
    value: Vec<u8>,
) -> Result<Node, ExecError> {
    let a_rest = a_path.slice(common..);
    let b_rest = path.slice(common..);
    let (Some((a_nib, a_tail)), Some((b_nib, b_tail))) =
        (split_first(&a_rest), split_first(&b_rest))
    else {
        // One key is a prefix of the other: impossible with fixed-length keys.
        return Err(ExecError::InvalidTrieKey(path.len()));
    };
    let mut children = empty_children();
    if let Some(slot) = children.get_mut(a_nib) {
        *slot = a_node(a_tail);
    }
    if let Some(slot) = children.get_mut(b_nib) {
        *slot = Node::Leaf { key: b_tail, value };
    }
    let branch = Node::Branch { children };
    Ok(if common > 0 {
        Node::Extension { key: path.slice(..common), child: Box::new(branch) }
    } else {
        branch
    })
}

fn insert(
    node: &mut Node,
    path: Nibbles,
    value: Vec<u8>,
    src: &impl PreimageSource,
) -> Result<(), ExecError> {
    resolve(node, src)?;
    match node {
        Node::Empty | Node::Hash(_) => {
            *node = Node::Leaf { key: path, value };
            Ok(())
        }
        Node::Leaf { key, value: old } => {
            if *key == path {
                *old = value;
                return Ok(());
            }
            let common = key.common_prefix_length(&path);
            let old = core::mem::take(old);
            let key = *key;
            *node = split(common, &key, |tail| Node::Leaf { key: tail, value: old }, &path, value)?;
            Ok(())
        }
        Node::Extension { key, child } => {
            let common = key.common_prefix_length(&path);
            if common == key.len() {
                return insert(child, path.slice(common..), value, src);
            }
            // The path leaves the extension: split it without resolving its child.
            let key = *key;
            let child = core::mem::replace(child, Box::new(Node::Empty));
            let below = |tail: Nibbles| {
                if tail.is_empty() { *child } else { Node::Extension { key: tail, child } }
            };
            *node = split(common, &key, below, &path, value)?;
            Ok(())
        }
        Node::Branch { children } => {
            let (nibble, rest) = split_first(&path).ok_or(ExecError::InvalidTrieKey(path.len()))?;
            match children.get_mut(nibble) {
                Some(child) => insert(child, rest, value, src),
                None => Err(ExecError::InvalidTrieKey(path.len())),
            }
        }
    }
}

/// Appends to `out` the RLP of every node on `path`'s way down from `node` that is referenced
/// by hash (nodes under 32 bytes are inline in their parent; the root always counts), down to
/// the node that holds the value or shows it absent.
fn prove(
    node: &mut Node,
    path: Nibbles,
    src: &impl PreimageSource,
    is_root: bool,
    out: &mut Vec<Bytes>,
) -> Result<(), ExecError> {
    resolve(node, src)?;
    if matches!(node, Node::Empty | Node::Hash(_)) {
        return Ok(());
    }
    let mut buf = Vec::new();
    encode(node, &mut buf, &mut |_, _| {});
    if is_root || buf.len() >= 32 {
        out.push(Bytes::from(buf));
    }
    match node {
        Node::Extension { key, child } if path.starts_with(key) => {
            prove(child, path.slice(key.len()..), src, false, out)
        }
        Node::Branch { children } => match split_first(&path) {
            Some((nibble, rest)) => match children.get_mut(nibble) {
                Some(child) => prove(child, rest, src, false, out),
                None => Ok(()),
            },
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Prepends `prefix` to a node that replaces a collapsed parent.
fn prefixed(prefix: &Nibbles, node: Node) -> Result<Node, ExecError> {
    Ok(match node {
        Node::Leaf { key, value } => Node::Leaf { key: join(prefix, &key)?, value },
        Node::Extension { key, child } => Node::Extension { key: join(prefix, &key)?, child },
        Node::Empty => Node::Empty,
        other => Node::Extension { key: *prefix, child: Box::new(other) },
    })
}

/// Removes `path`; returns whether it was present.
fn remove(node: &mut Node, path: Nibbles, src: &impl PreimageSource) -> Result<bool, ExecError> {
    resolve(node, src)?;
    match node {
        Node::Empty | Node::Hash(_) => Ok(false),
        Node::Leaf { key, .. } => {
            if *key != path {
                return Ok(false);
            }
            *node = Node::Empty;
            Ok(true)
        }
        Node::Extension { key, child } => {
            if !path.starts_with(key) || !remove(child, path.slice(key.len()..), src)? {
                return Ok(false);
            }
            // The child may have collapsed into a leaf or extension: merge the paths.
            let key = *key;
            let child = core::mem::replace(&mut **child, Node::Empty);
            *node = match child {
                Node::Branch { .. } => Node::Extension { key, child: Box::new(child) },
                other => prefixed(&key, other)?,
            };
            Ok(true)
        }
        Node::Branch { children } => {
            let Some((nibble, rest)) = split_first(&path) else { return Ok(false) };
            let Some(child) = children.get_mut(nibble) else { return Ok(false) };
            if !remove(child, rest, src)? {
                return Ok(false);
            }
            let mut remaining = children.iter().enumerate().filter(|(_, c)| **c != Node::Empty);
            let (Some((only, _)), None) = (remaining.next(), remaining.next()) else {
                // Zero children left only in a malformed trie; two or more keep the branch.
                if children.iter().all(|c| *c == Node::Empty) {
                    *node = Node::Empty;
                }
                return Ok(true);
            };
            // One child left: the branch collapses into it, which needs its type, so the
            // sibling is resolved here (and only here).
            let mut last = core::mem::replace(
                children.get_mut(only).ok_or(ExecError::InvalidTrieKey(0))?,
                Node::Empty,
            );
            resolve(&mut last, src)?;
            let mut prefix = Nibbles::new();
            // `only` < 16, so the cast is exact.
            prefix.push(only as u8);
            *node = prefixed(&prefix, last)?;
            Ok(true)
        }
    }
}

/// RLP reference of `node` as its parent embeds it (inline if under 32 bytes, else its hash).
/// `sink` sees every resolved node referenced by hash, with its encoding.
fn node_ref<F: FnMut(B256, &[u8])>(node: &Node, buf: &mut Vec<u8>, sink: &mut F) -> RlpNode {
    match node {
        Node::Empty => RlpNode::from_rlp(&[alloy_rlp::EMPTY_STRING_CODE]),
        Node::Hash(hash) => RlpNode::word_rlp(hash),
        _ => {
            encode(node, buf, sink);
            let rlp = RlpNode::from_rlp(buf);
            if let Some(hash) = rlp.as_hash() {
                sink(hash, buf);
            }
            rlp
        }
    }
}

/// Writes the full RLP encoding of a resolved `node` into `buf` (cleared first); `sink` sees
/// the hashed nodes below it (see [`node_ref`]).
fn encode<F: FnMut(B256, &[u8])>(node: &Node, buf: &mut Vec<u8>, sink: &mut F) {
    match node {
        Node::Empty | Node::Hash(_) => {
            buf.clear();
            buf.push(alloy_rlp::EMPTY_STRING_CODE);
        }
        Node::Leaf { key, value } => {
            buf.clear();
            alloy_rlp::Encodable::encode(&LeafNodeRef::new(key, value), buf);
        }
        Node::Extension { key, child } => {
            let child = node_ref(child, buf, sink);
            buf.clear();
            alloy_rlp::Encodable::encode(&ExtensionNodeRef::new(key, &child), buf);
        }
        Node::Branch { children } => {
            let mut stack = Vec::with_capacity(16);
            let mut mask = TrieMask::default();
            for (nibble, child) in children.iter().enumerate() {
                if *child != Node::Empty {
                    stack.push(node_ref(child, buf, sink));
                    // `nibble` < 16, so the cast is exact.
                    mask.set_bit(nibble as u8);
                }
            }
            buf.clear();
            alloy_rlp::Encodable::encode(&BranchNodeRef::new(&stack, mask), buf);
        }
    }
}

/// A Merkle-Patricia trie over a [`PreimageSource`], resolved lazily.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LazyTrie {
    root: Node,
}

impl LazyTrie {
    /// The trie with root hash `root` (nothing is fetched yet).
    pub fn new(root: B256) -> Self {
        Self { root: if root == EMPTY_ROOT_HASH { Node::Empty } else { Node::Hash(root) } }
    }

    /// The empty trie.
    pub fn empty() -> Self {
        Self { root: Node::Empty }
    }

    /// The value under `key`, fetching the nodes on its path.
    pub fn get(
        &mut self,
        key: &[u8],
        src: &impl PreimageSource,
    ) -> Result<Option<Vec<u8>>, ExecError> {
        get(&mut self.root, Self::path(key)?, src)
    }

    /// Sets the value under `key`, fetching the nodes on its path.
    pub fn insert(
        &mut self,
        key: &[u8],
        value: Vec<u8>,
        src: &impl PreimageSource,
    ) -> Result<(), ExecError> {
        insert(&mut self.root, Self::path(key)?, value, src)
    }

    /// Removes `key`, returning whether it was present. A branch left with one child is
    /// collapsed, which fetches that child.
    pub fn remove(&mut self, key: &[u8], src: &impl PreimageSource) -> Result<bool, ExecError> {
        remove(&mut self.root, Self::path(key)?, src)
    }

    /// The EIP-1186 proof of `key`: the RLP of each node from the root down the key's path
    /// that is referenced by hash, ending with the leaf holding the value or the node that
    /// shows it absent (empty for the empty trie). Fetches the nodes on the path.
    pub fn proof(
        &mut self,
        key: &[u8],
        src: &impl PreimageSource,
    ) -> Result<Vec<Bytes>, ExecError> {
        let mut out = Vec::new();
        prove(&mut self.root, Self::path(key)?, src, true, &mut out)?;
        Ok(out)
    }

    /// The root hash (no fetch: unresolved subtries contribute their known hash).
    pub fn root(&self) -> B256 {
        match &self.root {
            Node::Empty => EMPTY_ROOT_HASH,
            Node::Hash(hash) => *hash,
            node => {
                let mut buf = Vec::new();
                encode(node, &mut buf, &mut |_, _| {});
                keccak256(&buf)
            }
        }
    }

    /// Every node of the trie that is known (resolved or created) and referenced by hash, as
    /// `(keccak256(rlp), rlp)`: the root (whatever its length) and each node of 32 bytes or
    /// more below it. Subtries never resolved are left out (their nodes are already stored
    /// wherever they were read from). This is what a database must keep to read the trie later.
    pub fn hashed_nodes(&self) -> Vec<(B256, Bytes)> {
        let mut out = Vec::new();
        if matches!(self.root, Node::Empty | Node::Hash(_)) {
            return out;
        }
        let mut buf = Vec::new();
        encode(&self.root, &mut buf, &mut |hash, rlp: &[u8]| {
            out.push((hash, Bytes::copy_from_slice(rlp)));
        });
        out.push((keccak256(&buf), Bytes::from(buf)));
        out
    }

    fn path(key: &[u8]) -> Result<Nibbles, ExecError> {
        if key.len() * 2 > MAX_NIBBLES {
            return Err(ExecError::InvalidTrieKey(key.len() * 2));
        }
        Ok(Nibbles::unpack(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::WitnessStore;
    use alloc::collections::BTreeMap;
    use alloy_trie::HashBuilder;

    /// A deterministic pseudo-random byte stream.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 11
        }
        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    fn reference_root(entries: &BTreeMap<B256, Vec<u8>>) -> B256 {
        let mut hb = HashBuilder::default();
        for (key, value) in entries {
            hb.add_leaf(Nibbles::unpack(key), value);
        }
        hb.root()
    }

    /// Stores every hashed node of a resolved trie, as a witness would hold them.
    fn collect(node: &Node, store: &mut WitnessStore) {
        match node {
            Node::Extension { child, .. } => collect(child, store),
            Node::Branch { children } => children.iter().for_each(|c| collect(c, store)),
            _ => {}
        }
        let mut buf = Vec::new();
        if !matches!(node, Node::Empty | Node::Hash(_)) {
            encode(node, &mut buf, &mut |_, _| {});
            if buf.len() >= 32 {
                store.insert(Bytes::from(buf));
            }
        }
    }

    /// Short keys make deep shared prefixes, long values make hashed leaves.
    fn random_entries(rng: &mut Rng, n: usize) -> BTreeMap<B256, Vec<u8>> {
        (0..n)
            .map(|_| {
                let mut key = B256::ZERO;
                // Vary only the first bytes sometimes so extensions and collapses occur.
                let varied = 1 + (rng.next() % 32) as usize;
                key[..varied].copy_from_slice(&rng.bytes(varied));
                let len = 1 + (rng.next() % 40) as usize;
                (key, rng.bytes(len))
            })
            .collect()
    }

    #[test]
    fn inserts_and_removes_match_hash_builder() {
        let none = WitnessStore::new();
        let mut rng = Rng(7);
        for round in 0..60 {
            let mut entries = random_entries(&mut rng, 1 + round % 25);
            let mut trie = LazyTrie::empty();
            for (key, value) in &entries {
                trie.insert(key.as_slice(), value.clone(), &none).unwrap();
            }
            assert_eq!(trie.root(), reference_root(&entries), "round {round} inserts");
            for (key, value) in &entries {
                assert_eq!(trie.get(key.as_slice(), &none).unwrap().as_ref(), Some(value));
            }
            let keys: Vec<B256> = entries.keys().copied().collect();
            for key in keys.iter().step_by(2) {
                assert!(trie.remove(key.as_slice(), &none).unwrap());
                assert!(!trie.remove(key.as_slice(), &none).unwrap());
                entries.remove(key);
                assert_eq!(trie.root(), reference_root(&entries), "round {round} remove");
            }
            for key in keys.iter().skip(1).step_by(2) {
                trie.insert(key.as_slice(), b"updated".to_vec(), &none).unwrap();
                entries.insert(*key, b"updated".to_vec());
            }
            assert_eq!(trie.root(), reference_root(&entries), "round {round} updates");
        }
    }

    #[test]
    fn lazy_trie_over_preimages_matches_hash_builder() {
        let mut rng = Rng(99);
        for round in 0..40 {
            let mut entries = random_entries(&mut rng, 2 + round % 30);
            let mut full = LazyTrie::empty();
            let none = WitnessStore::new();
            for (key, value) in &entries {
                full.insert(key.as_slice(), value.clone(), &none).unwrap();
            }
            let mut store = WitnessStore::new();
            collect(&full.root, &mut store);
            let root = full.root();
            let mut lazy = LazyTrie::new(root);
            assert_eq!(lazy.root(), root);
            let keys: Vec<B256> = entries.keys().copied().collect();
            for key in &keys {
                assert_eq!(lazy.get(key.as_slice(), &store).unwrap().as_ref(), entries.get(key));
            }
            let mut lazy = LazyTrie::new(root);
            for key in keys.iter().step_by(3) {
                assert!(lazy.remove(key.as_slice(), &store).unwrap());
                entries.remove(key);
            }
            let fresh = B256::repeat_byte(round as u8);
            lazy.insert(fresh.as_slice(), b"fresh".to_vec(), &store).unwrap();
            entries.insert(fresh, b"fresh".to_vec());
            assert_eq!(lazy.root(), reference_root(&entries), "round {round}");
        }
    }

    #[test]
    fn hashed_nodes_make_the_updated_trie_readable() {
        let mut rng = Rng(5);
        for round in 0..30 {
            let mut entries = random_entries(&mut rng, 2 + round % 20);
            let mut full = LazyTrie::empty();
            let none = WitnessStore::new();
            for (key, value) in &entries {
                full.insert(key.as_slice(), value.clone(), &none).unwrap();
            }
            // The whole trie's export equals what a full walk stores (plus a short root).
            let mut walked = WitnessStore::new();
            collect(&full.root, &mut walked);
            let mut exported = WitnessStore::new();
            for (hash, rlp) in full.hashed_nodes() {
                assert_eq!(exported.insert(rlp), hash);
            }
            assert!(walked.iter().all(|(k, _)| exported.get(k).is_some()), "round {round}");
            assert!(exported.get(&full.root()).is_some());
            // Update lazily; parent nodes + export read every key of the new trie.
            let mut lazy = LazyTrie::new(full.root());
            let fresh = B256::repeat_byte(round as u8 + 1);
            lazy.insert(fresh.as_slice(), b"fresh".to_vec(), &exported).unwrap();
            entries.insert(fresh, b"fresh".to_vec());
            let mut store = exported.clone();
            for (_, rlp) in lazy.hashed_nodes() {
                store.insert(rlp);
            }
            let mut reread = LazyTrie::new(lazy.root());
            for (key, value) in &entries {
                assert_eq!(reread.get(key.as_slice(), &store).unwrap().as_ref(), Some(value));
            }
        }
        assert!(LazyTrie::empty().hashed_nodes().is_empty());
        assert!(LazyTrie::new(B256::repeat_byte(1)).hashed_nodes().is_empty());
    }

    #[test]
    fn proofs_verify_for_present_and_absent_keys() {
        use alloy_trie::proof::verify_proof;
        let mut rng = Rng(11);
        for round in 0..30 {
            let entries = random_entries(&mut rng, 1 + round % 25);
            let mut full = LazyTrie::empty();
            let none = WitnessStore::new();
            for (key, value) in &entries {
                full.insert(key.as_slice(), value.clone(), &none).unwrap();
            }
            let mut store = WitnessStore::new();
            for (_, rlp) in full.hashed_nodes() {
                store.insert(rlp);
            }
            let root = full.root();
            // Tiny tries have a root under 32 bytes, which EIP-1186 proofs cannot name.
            if store.get(&root).is_none_or(|rlp| rlp.len() < 32) {
                continue;
            }
            let mut lazy = LazyTrie::new(root);
            for (key, value) in &entries {
                let proof = lazy.proof(key.as_slice(), &store).unwrap();
                verify_proof(root, Nibbles::unpack(key), Some(value.clone()), &proof)
                    .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
            }
            for absent in [B256::repeat_byte(0xfe), B256::ZERO, B256::with_last_byte(3)] {
                if entries.contains_key(&absent) {
                    continue;
                }
                let proof = LazyTrie::new(root).proof(absent.as_slice(), &store).unwrap();
                assert!(!proof.is_empty());
                verify_proof(root, Nibbles::unpack(absent), None, &proof)
                    .unwrap_or_else(|e| panic!("round {round} absent: {e:?}"));
            }
        }
        assert!(LazyTrie::empty().proof(&[0u8; 32], &WitnessStore::new()).unwrap().is_empty());
        let missing = B256::repeat_byte(9);
        assert_eq!(
            LazyTrie::new(missing).proof(&[0u8; 32], &WitnessStore::new()),
            Err(ExecError::MissingPreimage(missing))
        );
    }

    #[test]
    fn missing_node_names_its_hash() {
        let root = B256::repeat_byte(0xab);
        let mut trie = LazyTrie::new(root);
        let store = WitnessStore::new();
        assert_eq!(trie.get(&[0u8; 32], &store), Err(ExecError::MissingPreimage(root)));
        assert_eq!(trie.root(), root);
        assert_eq!(LazyTrie::new(EMPTY_ROOT_HASH).root(), EMPTY_ROOT_HASH);
        assert_eq!(LazyTrie::empty().get(&[0u8; 32], &store), Ok(None));
    }

    #[test]
    fn malformed_nodes_are_typed() {
        for bad in
            [&b"\x01\x02"[..], b"\xc3\x01\x02\x03", b"\xc2\x80", b"\xff", b"", b"\xc1\x80\x80"]
        {
            let mut store = WitnessStore::new();
            let hash = store.insert(Bytes::copy_from_slice(bad));
            let mut trie = LazyTrie::new(hash);
            let err = trie.get(&[0u8; 32], &store).unwrap_err();
            assert!(
                matches!(err, ExecError::InvalidTrieNode { hash: h, .. } if h == hash),
                "{bad:?}: {err:?}"
            );
        }
        assert_eq!(
            LazyTrie::empty().get(&[0u8; 33], &WitnessStore::new()),
            Err(ExecError::InvalidTrieKey(66))
        );
    }
}
