//! The transaction pool: signed EIP-2718 transactions from `eth_sendRawTransaction`, kept in
//! (sender, nonce) order for block building and dropped once a canonical block includes them.

use std::collections::{BTreeMap, HashMap};

use alloy_consensus::{Transaction, transaction::SignerRecoverable};
use alloy_eips::Decodable2718;
use alloy_primitives::{Address, B256, Bytes, keccak256};
use op_alloy_consensus::OpTxEnvelope;

/// Most transactions the pool holds.
const MAX_POOL_TXS: usize = 4096;

/// Why a transaction was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PoolError {
    /// The bytes are not an EIP-2718 transaction.
    #[error("transaction does not decode: {0}")]
    Decode(String),
    /// Deposits come only from the rollup node's payload attributes.
    #[error("deposit transactions are not accepted by the pool")]
    Deposit,
    /// The signature does not recover a sender.
    #[error("invalid signature: {0}")]
    Signature(String),
    /// The transaction is for another chain, or has no chain id (pre-EIP-155).
    #[error("transaction chain id {got:?} does not match the chain's {expected}")]
    ChainId {
        /// The transaction's chain id.
        got: Option<u64>,
        /// The chain's.
        expected: u64,
    },
    /// The sender's account nonce is already past the transaction's.
    #[error("nonce too low: transaction nonce {tx} < account nonce {account}")]
    NonceTooLow {
        /// The transaction's nonce.
        tx: u64,
        /// The sender's nonce at the head.
        account: u64,
    },
    /// The pool is full.
    #[error("transaction pool is full ({MAX_POOL_TXS} transactions)")]
    Full,
}

/// A transaction accepted by the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// Its hash.
    pub(crate) hash: B256,
    /// Its sender.
    pub(crate) sender: Address,
    /// Its nonce.
    pub(crate) nonce: u64,
}

/// Decodes and checks a raw transaction without adding it: no deposits, a recoverable
/// signature, the chain's id.
pub(crate) fn check(raw: &[u8], chain_id: u64) -> Result<Accepted, PoolError> {
    let tx = OpTxEnvelope::decode_2718_exact(raw).map_err(|e| PoolError::Decode(e.to_string()))?;
    if tx.is_deposit() {
        return Err(PoolError::Deposit);
    }
    if tx.chain_id() != Some(chain_id) {
        return Err(PoolError::ChainId { got: tx.chain_id(), expected: chain_id });
    }
    let sender = tx.recover_signer().map_err(|e| PoolError::Signature(e.to_string()))?;
    Ok(Accepted { hash: keccak256(raw), sender, nonce: tx.nonce() })
}

/// Pending transactions by (sender, nonce).
#[derive(Debug, Default)]
pub(crate) struct TxPool {
    by_sender: BTreeMap<(Address, u64), (B256, Bytes)>,
    by_hash: HashMap<B256, (Address, u64)>,
}

impl TxPool {
    /// Adds a checked transaction; `account_nonce` is the sender's nonce at the head. A
    /// transaction with the same sender and nonce replaces the pooled one.
    pub(crate) fn insert(
        &mut self,
        tx: &Accepted,
        raw: Bytes,
        account_nonce: u64,
    ) -> Result<(), PoolError> {
        if tx.nonce < account_nonce {
            return Err(PoolError::NonceTooLow { tx: tx.nonce, account: account_nonce });
        }
        let key = (tx.sender, tx.nonce);
        if !self.by_sender.contains_key(&key) && self.by_sender.len() >= MAX_POOL_TXS {
            return Err(PoolError::Full);
        }
        if let Some((old, _)) = self.by_sender.insert(key, (tx.hash, raw)) {
            self.by_hash.remove(&old);
        }
        self.by_hash.insert(tx.hash, key);
        Ok(())
    }

    /// The pooled transactions, ordered by sender and nonce.
    pub(crate) fn pending(&self) -> Vec<Bytes> {
        self.by_sender.values().map(|(_, raw)| raw.clone()).collect()
    }

    /// Drops transactions a canonical block included.
    pub(crate) fn remove(&mut self, hashes: impl IntoIterator<Item = B256>) {
        for hash in hashes {
            if let Some(key) = self.by_hash.remove(&hash) {
                self.by_sender.remove(&key);
            }
        }
    }

    /// The senders with pooled transactions.
    pub(crate) fn senders(&self) -> Vec<Address> {
        let mut senders: Vec<Address> = self.by_sender.keys().map(|(sender, _)| *sender).collect();
        senders.dedup();
        senders
    }

    /// Drops `sender`'s transactions with nonces below `account_nonce` (included, or replaced
    /// by another transaction with the same nonce).
    pub(crate) fn prune_below(&mut self, sender: Address, account_nonce: u64) {
        let stale: Vec<(Address, u64)> = self
            .by_sender
            .range((sender, 0)..(sender, account_nonce))
            .map(|(key, _)| *key)
            .collect();
        for key in stale {
            if let Some((hash, _)) = self.by_sender.remove(&key) {
                self.by_hash.remove(&hash);
            }
        }
    }

    /// Whether the pool holds `hash`.
    #[cfg(test)]
    fn contains(&self, hash: &B256) -> bool {
        self.by_hash.contains_key(hash)
    }

    /// Number of pooled transactions.
    pub(crate) fn len(&self) -> usize {
        self.by_sender.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use alloy_consensus::{SignableTransaction, TxEip1559, TxLegacy};
    use alloy_eips::Encodable2718;
    use alloy_primitives::{Signature, TxKind, U256};
    use k256::ecdsa::SigningKey;

    use super::*;

    fn sign<T>(tx: T, key: &SigningKey) -> Bytes
    where
        T: SignableTransaction<Signature>,
        alloy_consensus::Signed<T>: Into<OpTxEnvelope>,
    {
        let hash = tx.signature_hash();
        let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
        let signature = Signature::from_signature_and_parity(sig, recid.is_y_odd());
        let signed = tx.into_signed(signature);
        let envelope: OpTxEnvelope = signed.into();
        envelope.encoded_2718().into()
    }

    fn eip1559(chain_id: u64, nonce: u64) -> TxEip1559 {
        TxEip1559 {
            chain_id,
            nonce,
            gas_limit: 21_000,
            max_fee_per_gas: 2_000_000_000,
            max_priority_fee_per_gas: 1,
            to: TxKind::Call(Address::repeat_byte(1)),
            value: U256::from(1),
            ..Default::default()
        }
    }

    #[test]
    fn orders_by_sender_and_nonce_and_removes_included() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let mut pool = TxPool::default();
        let raw1 = sign(eip1559(901, 1), &key);
        let raw0 = sign(eip1559(901, 0), &key);
        for raw in [&raw1, &raw0] {
            let accepted = check(raw, 901).unwrap();
            pool.insert(&accepted, raw.clone(), 0).unwrap();
        }
        assert_eq!(pool.pending(), vec![raw0.clone(), raw1.clone()]);
        pool.remove([keccak256(&raw0)]);
        assert_eq!(pool.pending(), vec![raw1.clone()]);
        assert!(pool.contains(&keccak256(&raw1)));
        assert_eq!(pool.len(), 1);
        let sender = check(&raw1, 901).unwrap().sender;
        assert_eq!(pool.senders(), vec![sender]);
        pool.prune_below(sender, 1);
        assert_eq!(pool.len(), 1, "nonce 1 is not below 1");
        pool.prune_below(sender, 2);
        assert_eq!(pool.len(), 0);
        assert!(!pool.contains(&keccak256(&raw1)));
    }

    #[test]
    fn rejects_wrong_chain_low_nonce_garbage_and_unprotected() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let raw = sign(eip1559(10, 0), &key);
        assert_eq!(check(&raw, 901), Err(PoolError::ChainId { got: Some(10), expected: 901 }));
        let raw = sign(eip1559(901, 0), &key);
        let accepted = check(&raw, 901).unwrap();
        assert_eq!(
            TxPool::default().insert(&accepted, raw, 3),
            Err(PoolError::NonceTooLow { tx: 0, account: 3 })
        );
        assert!(matches!(check(&[0x02, 0xc0], 901), Err(PoolError::Decode(_))));
        assert!(matches!(check(&[], 901), Err(PoolError::Decode(_))));
        let legacy = TxLegacy { chain_id: None, gas_limit: 21_000, ..Default::default() };
        let raw = sign(legacy, &key);
        assert_eq!(check(&raw, 901), Err(PoolError::ChainId { got: None, expected: 901 }));
    }
}
