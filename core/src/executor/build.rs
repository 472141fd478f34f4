//! Building a block (a sequencer's job, and the import of a payload): the attributes'
//! transactions, then valid pool transactions, executed on the parent state; the result carries
//! what a database host must store to read the new state later.

use alloc::{string::String, vec::Vec};

use alloy_consensus::{Header, TrieAccount};
use alloy_primitives::{B256, Bytes, keccak256};
use alloy_trie::EMPTY_ROOT_HASH;
use op_alloy_consensus::OpReceiptEnvelope;
use op_alloy_rpc_types_engine::OpPayloadAttributes;

use super::{ExecError, MESSAGE_PASSER, PreimageSource, block::run, output_root_v0};
use crate::config::RollupConfig;

/// A pool transaction left out of a built block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedTx {
    /// keccak256 of the transaction's bytes as given (its hash, if it decodes).
    pub hash: B256,
    /// Why it was left out.
    pub reason: String,
}

/// A block built on its parent state, with the preimages of its post-state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltBlock {
    /// The sealed header.
    pub header: Header,
    /// keccak256 of the RLP header.
    pub hash: B256,
    /// The transactions as included (EIP-2718 bytes): every attributes transaction, then the
    /// accepted pool transactions.
    pub transactions: Vec<Bytes>,
    /// One receipt per included transaction.
    pub receipts: Vec<OpReceiptEnvelope>,
    /// `(keccak256(value), value)` for every trie node of the post-state (account trie and the
    /// storage tries the block changed) that the block created or resolved and that is
    /// referenced by hash, and the code of contracts the block created. With the parent
    /// state's preimages these make the post-state readable.
    pub preimages: Vec<(B256, Bytes)>,
    /// Pool transactions left out, with why.
    pub rejected: Vec<RejectedTx>,
    /// The storage root of the L2ToL1MessagePasser in the post-state, if known: always from
    /// Isthmus (the header's `withdrawalsRoot`) and whenever the source holds the account's
    /// path (a full-state database does); `None` only for a source lacking it (a witness of a
    /// block that did not touch the message passer).
    pub message_passer_storage_root: Option<B256>,
}

impl BuiltBlock {
    /// The version-0 output root, if the message passer's storage root is known.
    pub fn output_root(&self) -> Option<B256> {
        self.message_passer_storage_root
            .map(|root| output_root_v0(self.header.state_root, root, self.hash))
    }
}

/// Builds the block `attrs` describes on `parent`, reading state from `src`.
///
/// Every attributes transaction (deposits first, as given) must execute: one that does not
/// decode, recover or that the EVM rejects makes the attributes invalid
/// ([`ExecError::InvalidTransaction`] / [`ExecError::Execution`]). Unless `attrs.no_tx_pool` is
/// `Some(true)`, the `pool` transactions are then tried in order; one that does not decode, is
/// a deposit, does not recover, names another chain or is invalid on the state at that point
/// (nonce, balance, remaining block gas, Jovian DA footprint, ...) is left out with the state
/// untouched and listed in [`BuiltBlock::rejected`]. A state-source failure (missing or
/// malformed preimage) aborts with its typed error.
///
/// With an empty pool the header is exactly [`super::execute_block`]'s.
pub fn build_block(
    config: &RollupConfig,
    parent: &Header,
    attrs: &OpPayloadAttributes,
    pool: &[Bytes],
    src: &impl PreimageSource,
) -> Result<BuiltBlock, ExecError> {
    let mut run = run(config, parent, attrs, pool, src)?;
    let message_passer_storage_root = match run.message_passer_root {
        Some(root) => Some(root),
        None => match run.accounts.get(keccak256(MESSAGE_PASSER).as_slice(), src) {
            Ok(None) => Some(EMPTY_ROOT_HASH),
            Ok(Some(rlp)) => Some(
                <TrieAccount as alloy_rlp::Decodable>::decode(&mut rlp.as_slice())
                    .map_err(|_| ExecError::InvalidAccount(MESSAGE_PASSER))?
                    .storage_root,
            ),
            // A witness need not hold the path of an account the block never touched.
            Err(ExecError::MissingPreimage(_)) => None,
            Err(e) => return Err(e),
        },
    };
    let mut preimages = run.accounts.hashed_nodes();
    for trie in &run.storage {
        preimages.extend(trie.hashed_nodes());
    }
    preimages.append(&mut run.contracts);
    preimages.sort_unstable_by_key(|(hash, _)| *hash);
    preimages.dedup_by_key(|(hash, _)| *hash);
    Ok(BuiltBlock {
        header: run.header,
        hash: run.hash,
        transactions: run.transactions,
        receipts: run.receipts,
        preimages,
        rejected: run.rejected,
        message_passer_storage_root,
    })
}
