//! Batcher transaction selection (spec: derivation § L1 Retrieval; ecotone/derivation § Blob
//! Retrieval).
//!
//! An L1 transaction carries batcher data when it is sent to the chain's batch inbox, has an
//! allowed type (legacy, EIP-2930, EIP-1559 or EIP-4844; SetCode type 4 is not) and was signed by
//! the batcher address the SystemConfig names for that L1 block. Receipt status is not checked.
//!
//! Its data is the calldata, except for a blob (type 3) transaction once Ecotone is active, where
//! the calldata is ignored and each blob is a separate data item. Blobs are identified by their
//! versioned hash and their index among *all* blobs of the L1 block (the beacon API addresses
//! blob sidecars by that index).

use alloc::vec::Vec;
use alloy_consensus::{Transaction, TxEnvelope, TxType};
use alloy_eips::{Typed2718, eip2718::Decodable2718, eip2718::Eip2718Error};
use alloy_primitives::{Address, B256, Bytes, TxKind};

/// Rules for recognising batcher transactions in one L1 block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatcherFilter {
    /// The rollup's batch inbox address (rollup config).
    pub batch_inbox: Address,
    /// The batcher address the SystemConfig names for this L1 block.
    pub batcher: Address,
    /// Whether Ecotone is active at this L1 block's timestamp; before it, blob transactions are
    /// read as calldata like any other batcher transaction.
    pub ecotone_active: bool,
}

/// A blob referenced by a batcher transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexedBlobHash {
    /// Index of the blob among all blobs of the L1 block, counting blobs of every transaction.
    pub index: u64,
    /// The blob's versioned hash (`0x01 ++ sha256(commitment)[1..]`).
    pub hash: B256,
}

/// The data a batcher transaction contributes, in the order its items must be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatcherData {
    /// The transaction's calldata: one batcher payload.
    Calldata(Bytes),
    /// The transaction's blobs in transaction order; each decoded blob is one batcher payload.
    ///
    /// From [`select`] the indices count from 0 (as if the transaction carried the first blobs of
    /// its block); [`select_from_block`] returns true block-wide indices.
    Blobs(Vec<IndexedBlobHash>),
}

/// Why raw bytes are not an L1 transaction, or why a transaction is not a batcher transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatcherTxError {
    /// The raw transaction has no bytes.
    #[error("empty raw transaction")]
    Empty,
    /// The raw transaction's type byte is not a known L1 transaction type.
    #[error("unknown L1 transaction type {0:#04x}")]
    UnknownTxType(u8),
    /// The raw transaction is not valid RLP for its type.
    #[error("malformed L1 transaction: {0}")]
    Rlp(alloy_rlp::Error),
    /// The raw transaction decoded but bytes were left over.
    #[error("{0} trailing bytes after the L1 transaction")]
    TrailingBytes(usize),
    /// The signature does not recover to a sender.
    #[error("transaction signature does not recover to a sender")]
    BadSignature,
    /// Not a batcher transaction: its type may not carry batcher data.
    #[error("not a batcher transaction: type {0} is not allowed")]
    UnsupportedType(u8),
    /// Not a batcher transaction: it creates a contract.
    #[error("not a batcher transaction: contract creation")]
    ContractCreation,
    /// Not a batcher transaction: it is sent to another address than the batch inbox.
    #[error("not a batcher transaction: sent to {to}, not the batch inbox")]
    NotToInbox {
        /// The transaction's recipient.
        to: Address,
    },
    /// Not a batcher transaction: signed by someone other than the batcher.
    #[error("not a batcher transaction: sender {got}, expected batcher {expected}")]
    WrongSender {
        /// The batcher address of the filter.
        expected: Address,
        /// The transaction's sender.
        got: Address,
    },
}

impl BatcherTxError {
    /// Whether this error means "a valid transaction that is simply not batcher data", as opposed
    /// to bytes or a signature that are broken.
    pub fn is_not_batcher_tx(&self) -> bool {
        matches!(
            self,
            Self::UnsupportedType(_)
                | Self::ContractCreation
                | Self::NotToInbox { .. }
                | Self::WrongSender { .. }
        )
    }
}

/// Type bytes of the typed L1 transactions [`TxEnvelope`] knows (EIP-2930, 1559, 4844, 7702).
const KNOWN_TYPED: [u8; 4] = [1, 2, 3, 4];

/// Decodes one EIP-2718 encoded L1 transaction (as in a block body), rejecting trailing bytes.
pub fn decode_l1_tx(raw: &[u8]) -> Result<TxEnvelope, BatcherTxError> {
    let &first = raw.first().ok_or(BatcherTxError::Empty)?;
    let mut buf = raw;
    let tx = TxEnvelope::decode_2718(&mut buf).map_err(|e| match e {
        Eip2718Error::UnexpectedType(ty) => BatcherTxError::UnknownTxType(ty),
        // alloy reports an unknown type byte as a custom RLP error; name it properly.
        _ if first < 0x80 && !KNOWN_TYPED.contains(&first) => BatcherTxError::UnknownTxType(first),
        Eip2718Error::RlpError(e) => BatcherTxError::Rlp(e),
        // Eip2718Error is non-exhaustive; any future variant is still a malformed transaction.
        _ => BatcherTxError::Rlp(alloy_rlp::Error::Custom("unrecognised EIP-2718 error")),
    })?;
    if !buf.is_empty() {
        return Err(BatcherTxError::TrailingBytes(buf.len()));
    }
    Ok(tx)
}

/// Recovers a transaction's sender from its signature (EIP-2 low-`s` rule enforced).
pub fn recover_sender(tx: &TxEnvelope) -> Result<Address, BatcherTxError> {
    crate::ecrecover::recover_address(&tx.signature_hash(), tx.signature())
        .map_err(|_| BatcherTxError::BadSignature)
}

/// Checks everything but the sender: type and recipient. Cheap, so done before any recovery.
fn check_type_and_inbox(tx: &TxEnvelope, filter: &BatcherFilter) -> Result<(), BatcherTxError> {
    match tx.tx_type() {
        TxType::Legacy | TxType::Eip2930 | TxType::Eip1559 | TxType::Eip4844 => {}
        _ => return Err(BatcherTxError::UnsupportedType(tx.ty())),
    }
    match tx.kind() {
        TxKind::Create => Err(BatcherTxError::ContractCreation),
        TxKind::Call(to) if to != filter.batch_inbox => Err(BatcherTxError::NotToInbox { to }),
        TxKind::Call(_) => Ok(()),
    }
}

/// The data of a transaction already known to be a batcher transaction; blob indices start at
/// `first_blob_index`.
fn batcher_data(tx: &TxEnvelope, filter: &BatcherFilter, first_blob_index: u64) -> BatcherData {
    match tx.blob_versioned_hashes() {
        Some(hashes) if filter.ecotone_active => BatcherData::Blobs(
            (first_blob_index..)
                .zip(hashes)
                .map(|(index, &hash)| IndexedBlobHash { index, hash })
                .collect(),
        ),
        _ => BatcherData::Calldata(tx.input().clone()),
    }
}

/// Selects a transaction's batcher data, given its sender (e.g. the `from` an RPC already
/// returned, or [`recover_sender`]). Errors name why it is not a batcher transaction.
///
/// Blob indices count from 0; use [`select_from_block`] for block-wide indices.
pub fn select(
    tx: &TxEnvelope,
    sender: Address,
    filter: &BatcherFilter,
) -> Result<BatcherData, BatcherTxError> {
    check_type_and_inbox(tx, filter)?;
    if sender != filter.batcher {
        return Err(BatcherTxError::WrongSender { expected: filter.batcher, got: sender });
    }
    Ok(batcher_data(tx, filter, 0))
}

/// Like [`select`], recovering the sender from the signature, only once type and recipient have
/// matched.
pub fn select_recovering(
    tx: &TxEnvelope,
    filter: &BatcherFilter,
) -> Result<BatcherData, BatcherTxError> {
    check_type_and_inbox(tx, filter)?;
    let sender = recover_sender(tx)?;
    select(tx, sender, filter)
}

/// Number of blobs a transaction adds to its block.
fn blob_count(tx: &TxEnvelope) -> u64 {
    tx.blob_versioned_hashes().map_or(0, |h| h.len() as u64)
}

/// Selects the batcher data of a whole L1 block, in block order, from its transactions and their
/// senders. Transactions that are not batcher transactions are skipped, but their blobs still
/// count towards the block-wide blob indices.
pub fn select_from_block<'a>(
    txs: impl IntoIterator<Item = (&'a TxEnvelope, Address)>,
    filter: &BatcherFilter,
) -> Vec<BatcherData> {
    let mut out = Vec::new();
    let mut blob_index = 0u64;
    for (tx, sender) in txs {
        if let Ok(data) = select(tx, sender, filter) {
            out.push(rebase(data, blob_index));
        }
        blob_index += blob_count(tx);
    }
    out
}

/// Like [`select_from_block`], recovering senders itself, and only for transactions whose type
/// and recipient already match (a block holds few batcher transactions, and recovery is costly).
/// A transaction whose signature does not recover is skipped, as op-node does.
pub fn select_from_block_recovering<'a>(
    txs: impl IntoIterator<Item = &'a TxEnvelope>,
    filter: &BatcherFilter,
) -> Vec<BatcherData> {
    let mut out = Vec::new();
    let mut blob_index = 0u64;
    for tx in txs {
        if let Ok(data) = select_recovering(tx, filter) {
            out.push(rebase(data, blob_index));
        }
        blob_index += blob_count(tx);
    }
    out
}

/// Shifts the blob indices of `data` (counted from 0 by [`select`]) to start at `first`.
fn rebase(data: BatcherData, first: u64) -> BatcherData {
    match data {
        BatcherData::Blobs(mut blobs) => {
            for blob in &mut blobs {
                blob.index += first;
            }
            BatcherData::Blobs(blobs)
        }
        calldata => calldata,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{vec, vec::Vec};
    use alloy_consensus::{
        SignableTransaction, TxEip1559, TxEip4844, TxEip7702, TxLegacy,
        crypto::secp256k1::sign_message,
    };
    use alloy_eips::eip2718::Encodable2718;
    use alloy_primitives::{U256, address, b256};

    /// Well-known development key (anvil/hardhat account 0) and its address.
    const KEY: B256 = b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    const KEY_ADDR: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const INBOX: Address = address!("ff00000000000000000000000000000000000010");

    fn filter(ecotone_active: bool) -> BatcherFilter {
        BatcherFilter { batch_inbox: INBOX, batcher: KEY_ADDR, ecotone_active }
    }

    fn sign<T: SignableTransaction<alloy_primitives::Signature>>(
        tx: T,
    ) -> alloy_consensus::Signed<T> {
        let sig = sign_message(KEY, tx.signature_hash()).unwrap();
        tx.into_signed(sig)
    }

    fn blob_tx(to: Address, hashes: Vec<B256>) -> TxEnvelope {
        let tx = TxEip4844 {
            chain_id: 1,
            to,
            blob_versioned_hashes: hashes,
            max_fee_per_blob_gas: 1,
            input: Bytes::from_static(b"ignored after ecotone"),
            ..Default::default()
        };
        TxEnvelope::from(sign(tx))
    }

    fn eip1559_tx(to: TxKind, input: &'static [u8]) -> TxEnvelope {
        let tx =
            TxEip1559 { chain_id: 1, to, input: Bytes::from_static(input), ..Default::default() };
        TxEnvelope::from(sign(tx))
    }

    fn hash(n: u8) -> B256 {
        let mut h = B256::repeat_byte(n);
        h.0[0] = 1;
        h
    }

    #[test]
    fn rule_1_2_batcher_tx_calldata_roundtrip_and_recovery() {
        let tx = eip1559_tx(TxKind::Call(INBOX), b"\x00frames");
        let decoded = decode_l1_tx(&tx.encoded_2718()).unwrap();
        assert_eq!(decoded, tx);
        assert_eq!(recover_sender(&decoded).unwrap(), KEY_ADDR);
        let want = BatcherData::Calldata(Bytes::from_static(b"\x00frames"));
        assert_eq!(select_recovering(&decoded, &filter(true)).unwrap(), want);
        assert_eq!(select(&decoded, KEY_ADDR, &filter(false)).unwrap(), want);
    }

    #[test]
    fn rule_1_2_batcher_tx_legacy_allowed() {
        let tx = TxLegacy {
            chain_id: Some(1),
            to: TxKind::Call(INBOX),
            input: Bytes::from_static(b"\x00x"),
            ..Default::default()
        };
        let env = TxEnvelope::from(sign(tx));
        let env = decode_l1_tx(&env.encoded_2718()).unwrap();
        assert_eq!(env.ty(), 0);
        assert_eq!(
            select_recovering(&env, &filter(true)).unwrap(),
            BatcherData::Calldata(Bytes::from_static(b"\x00x"))
        );
    }

    #[test]
    fn rule_1_2_batcher_tx_rejections() {
        let other = address!("0000000000000000000000000000000000000001");
        let tx = eip1559_tx(TxKind::Call(other), b"");
        assert_eq!(
            select(&tx, KEY_ADDR, &filter(true)),
            Err(BatcherTxError::NotToInbox { to: other })
        );
        let tx = eip1559_tx(TxKind::Create, b"");
        assert_eq!(select(&tx, KEY_ADDR, &filter(true)), Err(BatcherTxError::ContractCreation));
        let tx = eip1559_tx(TxKind::Call(INBOX), b"");
        assert_eq!(
            select(&tx, other, &filter(true)),
            Err(BatcherTxError::WrongSender { expected: KEY_ADDR, got: other })
        );
        let wrong_batcher = BatcherFilter { batcher: other, ..filter(true) };
        let err = select_recovering(&tx, &wrong_batcher).unwrap_err();
        assert_eq!(err, BatcherTxError::WrongSender { expected: other, got: KEY_ADDR });
        assert!(err.is_not_batcher_tx());
    }

    #[test]
    fn rule_1_2_batcher_tx_set_code_type_rejected() {
        let tx = TxEip7702 {
            chain_id: 1,
            to: INBOX,
            input: Bytes::from_static(b"\x00"),
            ..Default::default()
        };
        let env = decode_l1_tx(&TxEnvelope::from(sign(tx)).encoded_2718()).unwrap();
        assert_eq!(select(&env, KEY_ADDR, &filter(true)), Err(BatcherTxError::UnsupportedType(4)));
        assert_eq!(
            select_recovering(&env, &filter(false)),
            Err(BatcherTxError::UnsupportedType(4))
        );
    }

    #[test]
    fn rule_1_5_blob_tx_blobs_after_ecotone_calldata_before() {
        let env = blob_tx(INBOX, vec![hash(1), hash(2)]);
        let env = decode_l1_tx(&env.encoded_2718()).unwrap();
        assert_eq!(env.ty(), 3);
        assert_eq!(
            select_recovering(&env, &filter(true)).unwrap(),
            BatcherData::Blobs(vec![
                IndexedBlobHash { index: 0, hash: hash(1) },
                IndexedBlobHash { index: 1, hash: hash(2) },
            ])
        );
        assert_eq!(
            select_recovering(&env, &filter(false)).unwrap(),
            BatcherData::Calldata(Bytes::from_static(b"ignored after ecotone"))
        );
    }

    #[test]
    fn rule_1_5_blob_tx_indices_count_every_blob_in_block() {
        let other = address!("0000000000000000000000000000000000000002");
        let foreign = blob_tx(other, vec![hash(1), hash(2)]); // not to the inbox
        let calldata = eip1559_tx(TxKind::Call(INBOX), b"\x00a");
        let ours = blob_tx(INBOX, vec![hash(3)]);
        let foreign2 = blob_tx(other, vec![hash(4)]);
        let ours2 = blob_tx(INBOX, vec![hash(5), hash(6)]);
        let block = [&foreign, &calldata, &ours, &foreign2, &ours2];
        let want = vec![
            BatcherData::Calldata(Bytes::from_static(b"\x00a")),
            BatcherData::Blobs(vec![IndexedBlobHash { index: 2, hash: hash(3) }]),
            BatcherData::Blobs(vec![
                IndexedBlobHash { index: 4, hash: hash(5) },
                IndexedBlobHash { index: 5, hash: hash(6) },
            ]),
        ];
        assert_eq!(select_from_block_recovering(block, &filter(true)), want);
        let with_senders = block.iter().map(|&tx| (tx, KEY_ADDR));
        assert_eq!(select_from_block(with_senders, &filter(true)), want);
        // A sender that is not the batcher drops the transaction but keeps later indices.
        let senders = [KEY_ADDR, KEY_ADDR, other, KEY_ADDR, KEY_ADDR];
        let got = select_from_block(block.into_iter().zip(senders), &filter(true));
        assert_eq!(got, vec![want[0].clone(), want[2].clone()]);
        // Before Ecotone every batcher tx is calldata.
        let pre = select_from_block_recovering(block, &filter(false));
        assert_eq!(pre.len(), 3);
        assert!(pre.iter().all(|d| matches!(d, BatcherData::Calldata(_))));
    }

    #[test]
    fn rule_1_2_batcher_tx_malformed_raw_bytes() {
        let raw = blob_tx(INBOX, vec![hash(1)]).encoded_2718();
        assert_eq!(decode_l1_tx(&[]), Err(BatcherTxError::Empty));
        for cut in 1..raw.len() {
            assert!(decode_l1_tx(&raw[..cut]).is_err(), "cut at {cut}");
        }
        let mut long = raw.clone();
        long.push(0);
        assert_eq!(decode_l1_tx(&long), Err(BatcherTxError::TrailingBytes(1)));
        assert_eq!(decode_l1_tx(&[0x05, 0xc0]), Err(BatcherTxError::UnknownTxType(5)));
        assert_eq!(decode_l1_tx(&[0x7e, 0xc0]), Err(BatcherTxError::UnknownTxType(0x7e)));
        // A legacy tx behind a 0x00 type byte is not a valid envelope.
        let legacy = TxLegacy { to: TxKind::Call(INBOX), ..Default::default() };
        let mut raw0 = vec![0x00];
        raw0.extend_from_slice(&TxEnvelope::from(sign(legacy)).encoded_2718());
        assert!(decode_l1_tx(&raw0).is_err());
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            let _ = decode_l1_tx(&bytes);
        }
    }

    #[test]
    fn rule_1_2_batcher_tx_bad_signature() {
        let tx = TxEip1559 { chain_id: 1, to: TxKind::Call(INBOX), ..Default::default() };
        // s above secp256k1n/2 violates EIP-2; r = 0 is not a curve point either way.
        let sig = alloy_primitives::Signature::new(U256::ZERO, U256::MAX, false);
        let env = TxEnvelope::from(tx.into_signed(sig));
        assert_eq!(recover_sender(&env), Err(BatcherTxError::BadSignature));
        assert_eq!(select_recovering(&env, &filter(true)), Err(BatcherTxError::BadSignature));
        assert!(select_from_block_recovering([&env], &filter(true)).is_empty());
    }
}
