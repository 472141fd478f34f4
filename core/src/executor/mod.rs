//! The stateless OP block executor (issue 4): state is read lazily, by hash, from a
//! [`PreimageSource`] (a witness map in tests and the fault-proof guest, a database in a host).
//!
//! * [`block`]: [`execute_block`], re-executing a block from its parent header and payload
//!   attributes into an [`ExecutedBlock`] (sealed header, hash, receipts).
//! * [`build`]: [`build_block`], building a block from attributes and pool transactions into a
//!   [`BuiltBlock`] that also carries the preimages of its post-state.
//! * [`fixture`]: the `fixture.json` format of recorded blocks ([`ExecutorFixture`]).
//! * [`genesis`]: [`genesis_block`], the L2 genesis block (and its state's preimages) from an
//!   op-geth `genesis.json`.
//! * [`proof`]: [`account_proof`] / [`read_account`], accounts and slots at a state root with
//!   their EIP-1186 proofs.
//! * [`witness`]: the `witness.bin` preimage store ([`WitnessStore`]) and the host-IO trait.
//! * [`trie`]: a Merkle-Patricia trie whose nodes are resolved only when a lookup or update has
//!   to descend into them ([`LazyTrie`]), so execution reads no more than the witness holds.

pub mod block;
pub mod build;
pub mod fixture;
pub mod genesis;
pub mod proof;
pub mod trie;
pub mod witness;

pub use block::{
    ExecutedBlock, MESSAGE_PASSER, execute_block, execute_block_or_deposits_only, output_root_v0,
    receipts_root,
};
pub use build::{BuiltBlock, RejectedTx, build_block};
pub use fixture::{ExecutorFixture, FixtureChain, FixtureError};
pub use genesis::{GENESIS_BASE_FEE, GenesisBlock, GenesisError, genesis_block, parse_genesis};
pub use proof::{AccountProof, StorageProof, account_proof, read_account};
pub use trie::LazyTrie;
pub use witness::{PreimageSource, WitnessError, WitnessStore};

use alloc::string::String;

use alloy_primitives::{Address, B256, U256};

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
    /// An account leaf does not decode as an RLP account.
    #[error("account {0} has a malformed trie leaf")]
    InvalidAccount(Address),
    /// A storage leaf does not decode as an RLP integer.
    #[error("storage slot {slot} of {address} has a malformed trie leaf")]
    InvalidStorage {
        /// The account.
        address: Address,
        /// The slot index.
        slot: U256,
    },
    /// BLOCKHASH asked for a block older than the parent's parent, and the walk back over
    /// header preimages (each keyed by its block hash) found one missing.
    #[error("no header preimage for block {0}")]
    MissingBlockHash(u64),
    /// A header preimage met walking back for BLOCKHASH is not the header it should be.
    #[error("header preimage {hash} is invalid: {reason}")]
    InvalidBlockHeader {
        /// The block hash it was looked up by.
        hash: B256,
        /// What was wrong.
        reason: &'static str,
    },
    /// The parent's Holocene `extraData` does not hold EIP-1559 parameters.
    #[error("parent extraData carries no valid EIP-1559 parameters")]
    InvalidParentExtraData,
    /// Holocene attributes without `eip1559Params`.
    #[error("Holocene payload attributes lack eip1559Params")]
    MissingEip1559Params,
    /// Jovian attributes without `minBaseFee`.
    #[error("Jovian payload attributes lack minBaseFee")]
    MissingMinBaseFee,
    /// Payload attributes without a gas limit.
    #[error("payload attributes lack gasLimit")]
    MissingGasLimit,
    /// A payload transaction does not decode or its signature does not recover.
    #[error("transaction {index} is invalid: {reason}")]
    InvalidTransaction {
        /// Position in the payload.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The EVM rejected the block (invalid transaction, gas limit exceeded, ...).
    #[error("block execution failed: {0}")]
    Execution(String),
}
