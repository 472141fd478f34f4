//! The stateless OP block executor (issue 4): state is read lazily, by hash, from a
//! [`PreimageSource`] (a witness map in tests and the fault-proof guest, a database in a host).
//!
//! * [`witness`]: the `witness.bin` preimage store ([`WitnessStore`]) and the host-IO trait.
//! * [`trie`]: a Merkle-Patricia trie whose nodes are resolved only when a lookup or update has
//!   to descend into them ([`LazyTrie`]), so execution reads no more than the witness holds.

pub mod trie;
pub mod witness;

pub use trie::LazyTrie;
pub use witness::{PreimageSource, WitnessError, WitnessStore};

use alloy_primitives::B256;

/// Why a block could not be executed statelessly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// The state source has no preimage for this hash (a trie node, code or header).
    #[error("missing preimage for {0}")]
    MissingPreimage(B256),
    /// A preimage resolved as a trie node does not decode as one.
    #[error("trie node {hash} is malformed: {reason}")]
    InvalidTrieNode {
        /// The node's hash (or, for an inline node, the hash of the node embedding it).
        hash: B256,
        /// What was wrong.
        reason: &'static str,
    },
    /// A trie key is not a whole path: it is a prefix of (or extends) another key in the trie,
    /// which Ethereum's fixed-length keys never produce.
    #[error("trie key of {0} nibbles collides with a path of another length")]
    InvalidTrieKey(usize),
}
