//! Deposit transactions (type `0x7E`): source hashes, user deposits decoded from L1
//! `TransactionDeposited` logs, and the raw encoding (spec: deposits.md; checklist §4.4, §4.6,
//! §4.7).
//!
//! The transaction type itself is op-alloy's [`TxDeposit`], re-exported here. The L1-info
//! deposit that opens every L2 block is built in [`crate::l1_info`].

mod source_hash;
mod tx;
mod user_deposit;

pub use op_alloy_consensus::TxDeposit;
pub use source_hash::{
    SourceHashDomain, l1_info_source_hash, upgrade_source_hash, user_deposit_source_hash,
};
pub use tx::{DEPOSIT_TX_TYPE, decode_deposit, deposit_tx_hash, encode_deposit};
pub use user_deposit::{
    TRANSACTION_DEPOSITED_TOPIC, deposit_from_log, deposits_from_receipts, is_deposit_log,
    transaction_deposited_log,
};

use alloc::boxed::Box;
use alloy_primitives::{B256, U256};

/// A deposit that cannot be decoded.
///
/// **Critical in derivation.** A malformed `TransactionDeposited` log from the portal means the
/// L1 data cannot be turned into the L2 chain that op-node derives: the deposit must never be
/// skipped, so the caller must stop (or reset) rather than drop the log and carry on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositError {
    /// The log does not have exactly 4 topics (signature, from, to, version).
    #[error("critical: deposit log has {0} topics, expected 4")]
    WrongTopicCount(usize),
    /// Topic 0 is not the `TransactionDeposited` event signature.
    #[error("critical: deposit log topic 0 is {0}, not TransactionDeposited")]
    NotTransactionDeposited(B256),
    /// The version topic is not 0, the only version defined.
    #[error("critical: unsupported deposit version {0}")]
    UnsupportedVersion(B256),
    /// The log data is shorter than the 64-byte ABI header of the `bytes` field.
    #[error("critical: deposit log data of {0} bytes has no ABI offset and length words")]
    DataTooShort(usize),
    /// The log data length is not a multiple of 32.
    #[error("critical: deposit log data of {0} bytes is not a whole number of ABI words")]
    DataNotWordAligned(usize),
    /// The ABI offset word of `opaqueData` is not 32.
    #[error("critical: deposit opaqueData offset is {0}, expected 32")]
    BadOpaqueOffset(U256),
    /// The ABI length of `opaqueData` exceeds the data, or the data carries more than the minimal
    /// padding (32 or more bytes beyond the content).
    #[error(
        "critical: deposit opaqueData length {length} does not fit {available} data bytes with minimal padding"
    )]
    BadOpaqueLength {
        /// The length word.
        length: U256,
        /// Bytes after the ABI header.
        available: usize,
    },
    /// `opaqueData` is shorter than the 73 bytes of mint, value, gas limit and creation flag.
    #[error("critical: deposit opaqueData of {0} bytes is shorter than 73")]
    OpaqueDataTooShort(usize),
    /// The mint does not fit u128, the width op-alloy's [`TxDeposit`] uses (unreachable on a
    /// real L1: a mint is an L1 call value).
    #[error("critical: deposit mint {0} exceeds u128")]
    MintTooLarge(U256),
    /// A malformed deposit log found while scanning an L1 block's receipts.
    #[error(
        "critical: malformed deposit log in receipt {receipt_index} (block log index {log_index}): {defect}"
    )]
    InBlock {
        /// Index of the receipt (transaction) in the L1 block.
        receipt_index: usize,
        /// The log's index among all logs of the block.
        log_index: u64,
        /// What is wrong with the log.
        defect: Box<DepositError>,
    },
    /// Raw bytes are not a deposit transaction: empty (`None`) or another type byte.
    #[error("not a deposit transaction (type byte {0:?})")]
    NotADeposit(Option<u8>),
    /// The deposit transaction's RLP is malformed.
    #[error("malformed deposit transaction RLP: {0}")]
    Rlp(alloy_rlp::Error),
    /// Bytes follow the deposit transaction's RLP list.
    #[error("{0} trailing bytes after the deposit transaction")]
    TrailingBytes(usize),
}
