//! An in-memory L1 chain: headers hashed like real ones, signed transactions, receipts with
//! logs, and blobs by versioned hash.

use std::collections::HashMap;

use alloy_consensus::{
    Eip658Value, Header, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction, TxEip1559,
    TxEip2930, TxEip4844, TxEnvelope, TxLegacy, TxType,
    constants::{EMPTY_OMMER_ROOT_HASH, EMPTY_ROOT_HASH},
    proofs::{calculate_receipt_root, calculate_transaction_root},
};
use alloy_eips::eip4844::{DATA_GAS_PER_BLOB, kzg_to_versioned_hash};
use alloy_primitives::{Address, B64, B256, Bloom, Bytes, Log, LogData, TxKind, U256, keccak256};
use keel_core::{
    blob::encode_blob,
    deposit::{TxDeposit, transaction_deposited_log},
    derive::{L1BlockRef, host::Blob},
    system_config_update::{CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, ConfigUpdate},
};

use super::{
    config::{TEST_BATCH_INBOX, TEST_PORTAL, TEST_SYSTEM_CONFIG, label_hash},
    keys::{TestKey, batcher_key, l1_user_key, owner_key},
};

/// Seconds between L1 blocks.
pub const L1_BLOCK_TIME: u64 = 12;
/// L1 chain id of test chains (Sepolia's, like the OP Sepolia config they start from).
pub const TEST_L1_CHAIN_ID: u64 = 11_155_111;
/// Base fee of every test L1 block unless set.
pub const DEFAULT_BASE_FEE: u64 = 1_000_000_000;
/// Gas limit given to every transaction the builders sign (and counted as used).
pub const TX_GAS: u64 = 1_000_000;

/// One L1 block with everything a host serves for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L1Block {
    /// The header.
    pub header: Header,
    /// `keccak256(rlp(header))`.
    pub hash: B256,
    /// Signed transactions in block order.
    pub transactions: Vec<TxEnvelope>,
    /// One receipt per transaction.
    pub receipts: Vec<ReceiptEnvelope>,
}

impl L1Block {
    /// The pipeline's reference to this block.
    pub fn block_ref(&self) -> L1BlockRef {
        L1BlockRef {
            hash: self.hash,
            number: self.header.number,
            parent_hash: self.header.parent_hash,
            timestamp: self.header.timestamp,
        }
    }
}

/// A 48-byte stand-in for a blob's KZG commitment, derived from the blob by hashing.
///
/// Real KZG needs a trusted setup and a pairing library the no-std tests don't have. The
/// versioned hash built from it has the right shape (`0x01 ++ sha256(commitment)[1..]`), but
/// only a host that trusts its blob source (like [`InMemoryHost`](super::InMemoryHost)) may
/// serve blobs keyed by it.
pub fn fake_blob_commitment(blob: &[u8]) -> [u8; 48] {
    let first = keccak256(blob);
    let second = keccak256(first);
    let mut out = [0u8; 48];
    out[..32].copy_from_slice(first.as_slice());
    out[32..].copy_from_slice(&second[..16]);
    out
}

/// The versioned hash of [`fake_blob_commitment`].
pub fn fake_blob_versioned_hash(blob: &[u8]) -> B256 {
    kzg_to_versioned_hash(&fake_blob_commitment(blob))
}

/// Encodes `data` as an OP blob (version 0), panicking if it does not fit.
pub fn blob_from_data(data: &[u8]) -> Box<Blob> {
    let encoded = encode_blob(data).expect("blob data fits one blob");
    let blob: Box<Blob> =
        encoded.into_boxed_slice().try_into().expect("encode_blob returns BLOB_SIZE bytes");
    blob
}

/// The `ConfigUpdate` log the L1 SystemConfig contract at `system_config` emits for `update`
/// (version 0, ABI `bytes` data), the inverse of [`ConfigUpdate::decode`].
pub fn config_update_log(system_config: Address, update: &ConfigUpdate) -> Log {
    let word_u64 = |v: u64| B256::left_padding_from(&v.to_be_bytes());
    let payload: Vec<u8> = match *update {
        ConfigUpdate::Batcher(address) => address.into_word().to_vec(),
        ConfigUpdate::FeeScalars { overhead, scalar } => [overhead, scalar].concat(),
        ConfigUpdate::GasLimit(limit) => word_u64(limit).to_vec(),
        ConfigUpdate::UnsafeBlockSigner => Address::ZERO.into_word().to_vec(),
        ConfigUpdate::Eip1559Params(params) => word_u64(params.to_u64()).to_vec(),
        ConfigUpdate::OperatorFeeParams { scalar, constant } => {
            let mut w = [0u8; 32];
            w[20..24].copy_from_slice(&scalar.to_be_bytes());
            w[24..].copy_from_slice(&constant.to_be_bytes());
            w.to_vec()
        }
        ConfigUpdate::MinBaseFee(fee) => word_u64(fee).to_vec(),
        ConfigUpdate::DaFootprintGasScalar(scalar) => word_u64(u64::from(scalar)).to_vec(),
    };
    let mut data = Vec::with_capacity(64 + payload.len());
    data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(payload.len()).to_be_bytes::<32>());
    data.extend_from_slice(&payload);
    let topics = vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, update.update_type().topic()];
    Log { address: system_config, data: LogData::new_unchecked(topics, data.into()) }
}

/// Transaction types the calldata builders can sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CalldataTxType {
    /// EIP-155 legacy.
    Legacy,
    /// EIP-2930.
    Eip2930,
    /// EIP-1559.
    #[default]
    Eip1559,
}

/// An in-memory L1 chain.
///
/// Blocks are appended with [`TestL1::new_block`]; [`TestL1::reorg_at`] replaces the chain from
/// a height with a new branch. Every block ever built stays reachable by hash (as a real node
/// still serves orphaned blocks), while numbers resolve to the canonical chain.
#[derive(Clone, Debug)]
pub struct TestL1 {
    chain_id: u64,
    all: Vec<L1Block>,
    canonical: Vec<usize>,
    by_hash: HashMap<B256, usize>,
    blobs: HashMap<B256, Box<Blob>>,
    nonces: HashMap<Address, u64>,
    batcher: TestKey,
    batch_inbox: Address,
    portal: Address,
    system_config: Address,
    branch: u64,
    cancun: bool,
}

impl Default for TestL1 {
    /// A chain whose genesis is block 1000 at time 1,700,000,000.
    fn default() -> Self {
        Self::new(1_000, 1_700_000_000)
    }
}

impl TestL1 {
    /// A chain holding only its first block (`number`, `timestamp`), with Cancun header fields,
    /// the test addresses of [`super::config`] and [`batcher_key`] as the batcher.
    pub fn new(number: u64, timestamp: u64) -> Self {
        Self::with_options(number, timestamp, true)
    }

    /// Like [`TestL1::new`]; `cancun` chooses whether headers carry the blob gas fields and the
    /// parent beacon root.
    pub fn with_options(number: u64, timestamp: u64, cancun: bool) -> Self {
        let mut l1 = Self {
            chain_id: TEST_L1_CHAIN_ID,
            all: Vec::new(),
            canonical: Vec::new(),
            by_hash: HashMap::new(),
            blobs: HashMap::new(),
            nonces: HashMap::new(),
            batcher: batcher_key(),
            batch_inbox: TEST_BATCH_INBOX,
            portal: TEST_PORTAL,
            system_config: TEST_SYSTEM_CONFIG,
            branch: 0,
            cancun,
        };
        let mut genesis = L1BlockBuilder::new(&mut l1, number, B256::ZERO, timestamp);
        genesis.extra_data = Bytes::from_static(b"keel-test genesis");
        genesis.build();
        l1
    }

    /// Uses other contract addresses (the defaults match [`super::test_rollup_config`]).
    pub fn set_addresses(&mut self, batch_inbox: Address, portal: Address, system_config: Address) {
        self.batch_inbox = batch_inbox;
        self.portal = portal;
        self.system_config = system_config;
    }

    /// The key [`L1BlockBuilder::batcher_calldata`] and [`L1BlockBuilder::batcher_blobs`] sign
    /// with.
    pub fn batcher(&self) -> TestKey {
        self.batcher
    }

    /// Changes the signing batcher (the chain's SystemConfig is not touched: emit a
    /// [`ConfigUpdate::Batcher`] with [`L1BlockBuilder::config_update`] for that).
    pub fn set_batcher(&mut self, key: TestKey) {
        self.batcher = key;
    }

    /// The L1 chain id transactions are signed for.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The batch inbox address.
    pub fn batch_inbox(&self) -> Address {
        self.batch_inbox
    }

    /// Starts the next canonical block: the head's child, 12 s later.
    pub fn new_block(&mut self) -> L1BlockBuilder<'_> {
        let head = self.head();
        L1BlockBuilder::new(self, head.number + 1, head.hash, head.timestamp + L1_BLOCK_TIME)
    }

    /// Appends `n` empty blocks; returns the new head.
    pub fn empty_blocks(&mut self, n: u64) -> L1BlockRef {
        for _ in 0..n {
            self.new_block().build();
        }
        self.head()
    }

    /// Drops the canonical blocks from `number` on and starts a different block `number` (its
    /// extra data names a new branch, so its hash differs even with the same contents). The
    /// dropped blocks stay reachable by hash.
    pub fn reorg_at(&mut self, number: u64) -> L1BlockBuilder<'_> {
        let genesis = self.genesis().number;
        assert!(number > genesis, "cannot reorg the genesis block {genesis}");
        assert!(number <= self.head().number + 1, "reorg height {number} is past the head + 1");
        self.canonical.truncate((number - genesis) as usize);
        self.branch += 1;
        self.new_block()
    }

    /// The first block.
    pub fn genesis(&self) -> L1BlockRef {
        self.canonical_block(0).block_ref()
    }

    /// The canonical head.
    pub fn head(&self) -> L1BlockRef {
        self.canonical_block(self.canonical.len() - 1).block_ref()
    }

    fn canonical_block(&self, i: usize) -> &L1Block {
        &self.all[self.canonical[i]]
    }

    /// The canonical block at `number`.
    pub fn block(&self, number: u64) -> Option<&L1Block> {
        let i = number.checked_sub(self.genesis().number)?;
        let &index = self.canonical.get(usize::try_from(i).ok()?)?;
        self.all.get(index)
    }

    /// The canonical block ref at `number`.
    pub fn block_ref(&self, number: u64) -> Option<L1BlockRef> {
        self.block(number).map(L1Block::block_ref)
    }

    /// Any block ever built (canonical or orphaned) by hash.
    pub fn block_by_hash(&self, hash: B256) -> Option<&L1Block> {
        self.by_hash.get(&hash).and_then(|&i| self.all.get(i))
    }

    /// The blob with versioned hash `hash`.
    pub fn blob(&self, hash: B256) -> Option<&Blob> {
        self.blobs.get(&hash).map(|b| &**b)
    }

    /// Stores (or replaces) the blob served for `hash`, e.g. to serve a corrupt one.
    pub fn insert_blob(&mut self, hash: B256, blob: Box<Blob>) {
        self.blobs.insert(hash, blob);
    }

    fn next_nonce(&mut self, sender: Address) -> u64 {
        let nonce = self.nonces.entry(sender).or_default();
        let n = *nonce;
        *nonce += 1;
        n
    }

    /// Signs a calldata transaction from `key` with the sender's next nonce.
    pub fn sign_calldata_tx(
        &mut self,
        key: &TestKey,
        ty: CalldataTxType,
        to: TxKind,
        input: Bytes,
    ) -> TxEnvelope {
        let nonce = self.next_nonce(key.address);
        let chain_id = self.chain_id;
        match ty {
            CalldataTxType::Legacy => key
                .sign(TxLegacy {
                    chain_id: Some(chain_id),
                    nonce,
                    gas_price: 100_000_000_000,
                    gas_limit: TX_GAS,
                    to,
                    value: U256::ZERO,
                    input,
                })
                .into(),
            CalldataTxType::Eip2930 => key
                .sign(TxEip2930 {
                    chain_id,
                    nonce,
                    gas_price: 100_000_000_000,
                    gas_limit: TX_GAS,
                    to,
                    value: U256::ZERO,
                    access_list: Default::default(),
                    input,
                })
                .into(),
            CalldataTxType::Eip1559 => key
                .sign(TxEip1559 {
                    chain_id,
                    nonce,
                    gas_limit: TX_GAS,
                    max_fee_per_gas: 100_000_000_000,
                    max_priority_fee_per_gas: 1_000_000_000,
                    to,
                    value: U256::ZERO,
                    access_list: Default::default(),
                    input,
                })
                .into(),
        }
    }

    /// Signs a blob transaction from `key` to `to` carrying `hashes` (and `input` as calldata).
    pub fn sign_blob_tx(
        &mut self,
        key: &TestKey,
        to: Address,
        hashes: Vec<B256>,
        input: Bytes,
    ) -> TxEnvelope {
        let nonce = self.next_nonce(key.address);
        key.sign(TxEip4844 {
            chain_id: self.chain_id,
            nonce,
            gas_limit: TX_GAS,
            max_fee_per_gas: 100_000_000_000,
            max_priority_fee_per_gas: 1_000_000_000,
            to,
            value: U256::ZERO,
            access_list: Default::default(),
            blob_versioned_hashes: hashes,
            max_fee_per_blob_gas: 100_000_000_000,
            input,
        })
        .into()
    }
}

struct PendingTx {
    tx: TxEnvelope,
    success: bool,
    logs: Vec<Log>,
}

/// Builds one L1 block; [`L1BlockBuilder::build`] appends it to the canonical chain.
#[must_use = "a block is only added by build()"]
pub struct L1BlockBuilder<'a> {
    l1: &'a mut TestL1,
    number: u64,
    parent_hash: B256,
    timestamp: u64,
    base_fee: u64,
    excess_blob_gas: u64,
    extra_data: Bytes,
    txs: Vec<PendingTx>,
}

impl<'a> L1BlockBuilder<'a> {
    fn new(l1: &'a mut TestL1, number: u64, parent_hash: B256, timestamp: u64) -> Self {
        let extra_data = if l1.branch == 0 {
            Bytes::from_static(b"keel-test")
        } else {
            Bytes::from(format!("keel-test branch {}", l1.branch).into_bytes())
        };
        Self {
            l1,
            number,
            parent_hash,
            timestamp,
            base_fee: DEFAULT_BASE_FEE,
            excess_blob_gas: 0,
            extra_data,
            txs: Vec::new(),
        }
    }

    /// The number the block will have.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The timestamp the block will have.
    pub fn time(&self) -> u64 {
        self.timestamp
    }

    /// Sets the timestamp (default: parent + 12 s).
    pub fn timestamp(mut self, timestamp: u64) -> Self {
        self.timestamp = timestamp;
        self
    }

    /// Sets the base fee (default [`DEFAULT_BASE_FEE`]).
    pub fn base_fee(mut self, base_fee: u64) -> Self {
        self.base_fee = base_fee;
        self
    }

    /// Sets the excess blob gas (default 0).
    pub fn excess_blob_gas(mut self, excess: u64) -> Self {
        self.excess_blob_gas = excess;
        self
    }

    /// Sets the header's extra data (default names the branch).
    pub fn extra_data(mut self, extra: impl Into<Bytes>) -> Self {
        self.extra_data = extra.into();
        self
    }

    /// Adds a transaction with a successful receipt and no logs.
    pub fn tx(self, tx: TxEnvelope) -> Self {
        self.tx_with_receipt(tx, true, Vec::new())
    }

    /// Adds a transaction with the given receipt status and logs.
    pub fn tx_with_receipt(mut self, tx: TxEnvelope, success: bool, logs: Vec<Log>) -> Self {
        self.txs.push(PendingTx { tx, success, logs });
        self
    }

    /// Adds a calldata transaction from `key` (next nonce) to `to`.
    pub fn calldata_tx(
        self,
        key: &TestKey,
        ty: CalldataTxType,
        to: TxKind,
        input: impl Into<Bytes>,
    ) -> Self {
        let tx = self.l1.sign_calldata_tx(key, ty, to, input.into());
        self.tx(tx)
    }

    /// Adds an EIP-1559 batcher transaction from the chain's batcher carrying `payload` (a
    /// version byte and frames) as calldata.
    pub fn batcher_calldata(self, payload: impl Into<Bytes>) -> Self {
        let key = self.l1.batcher;
        self.batcher_calldata_from(&key, payload)
    }

    /// Adds an EIP-1559 transaction to the batch inbox from `key` carrying `payload`.
    pub fn batcher_calldata_from(self, key: &TestKey, payload: impl Into<Bytes>) -> Self {
        let inbox = self.l1.batch_inbox;
        self.calldata_tx(key, CalldataTxType::Eip1559, TxKind::Call(inbox), payload)
    }

    /// Adds a blob transaction from the chain's batcher to the inbox with one blob per payload
    /// (each payload is encoded with [`encode_blob`]).
    pub fn batcher_blobs<P: AsRef<[u8]>>(self, payloads: &[P]) -> Self {
        let key = self.l1.batcher;
        let blobs = payloads.iter().map(|p| blob_from_data(p.as_ref())).collect();
        let inbox = self.l1.batch_inbox;
        self.blob_tx(&key, inbox, blobs, Bytes::new())
    }

    /// Adds a blob transaction from `key` to `to` carrying raw `blobs` (stored for the blob
    /// provider under their fake versioned hashes) and `input` as calldata.
    pub fn blob_tx(self, key: &TestKey, to: Address, blobs: Vec<Box<Blob>>, input: Bytes) -> Self {
        let mut hashes = Vec::with_capacity(blobs.len());
        for blob in blobs {
            let hash = fake_blob_versioned_hash(blob.as_slice());
            self.l1.blobs.insert(hash, blob);
            hashes.push(hash);
        }
        let tx = self.l1.sign_blob_tx(key, to, hashes, input);
        self.tx(tx)
    }

    /// Adds a portal call from the L1 user whose receipt holds the `TransactionDeposited` log
    /// for `deposit` (its source hash and system flag are not part of the log).
    pub fn deposit(self, deposit: &TxDeposit) -> Self {
        let portal = self.l1.portal;
        let log = transaction_deposited_log(portal, deposit);
        self.logs_tx(&l1_user_key(), portal, vec![log])
    }

    /// Adds a SystemConfig call from the owner whose receipt holds the `ConfigUpdate` log for
    /// `update`.
    pub fn config_update(self, update: ConfigUpdate) -> Self {
        let system_config = self.l1.system_config;
        let log = config_update_log(system_config, &update);
        self.logs_tx(&owner_key(), system_config, vec![log])
    }

    /// Adds a successful call from `key` to `to` whose receipt holds `logs`.
    pub fn logs_tx(self, key: &TestKey, to: Address, logs: Vec<Log>) -> Self {
        let tx =
            self.l1.sign_calldata_tx(key, CalldataTxType::Eip1559, TxKind::Call(to), Bytes::new());
        self.tx_with_receipt(tx, true, logs)
    }

    /// Seals the block, appends it to the canonical chain and returns its ref.
    pub fn build(self) -> L1BlockRef {
        let Self { l1, number, parent_hash, timestamp, base_fee, excess_blob_gas, extra_data, txs } =
            self;
        let mut cumulative = 0u64;
        let mut blob_count = 0u64;
        let mut logs_bloom = Bloom::ZERO;
        let mut transactions = Vec::with_capacity(txs.len());
        let mut receipts = Vec::with_capacity(txs.len());
        for PendingTx { tx, success, logs } in txs {
            cumulative += TX_GAS;
            blob_count += tx.blob_versioned_hashes().map_or(0, |h| h.len() as u64);
            let receipt = Receipt {
                status: Eip658Value::Eip658(success),
                cumulative_gas_used: cumulative,
                logs,
            };
            let with_bloom = ReceiptWithBloom::from(receipt);
            logs_bloom |= with_bloom.logs_bloom;
            let envelope = match tx.tx_type() {
                TxType::Legacy => ReceiptEnvelope::Legacy(with_bloom),
                TxType::Eip2930 => ReceiptEnvelope::Eip2930(with_bloom),
                TxType::Eip1559 => ReceiptEnvelope::Eip1559(with_bloom),
                TxType::Eip4844 => ReceiptEnvelope::Eip4844(with_bloom),
                TxType::Eip7702 => ReceiptEnvelope::Eip7702(with_bloom),
            };
            transactions.push(tx);
            receipts.push(envelope);
        }
        let number_bytes = number.to_be_bytes();
        let branch = extra_data.clone();
        let cancun = l1.cancun;
        let header = Header {
            parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: Address::with_last_byte(0xcb),
            state_root: label_hash(&[b"state", &number_bytes, &branch]),
            transactions_root: calculate_transaction_root(&transactions),
            receipts_root: calculate_receipt_root(&receipts),
            logs_bloom,
            difficulty: U256::ZERO,
            number,
            gas_limit: 30_000_000.max(cumulative),
            gas_used: cumulative,
            timestamp,
            extra_data,
            mix_hash: label_hash(&[b"mix", &number_bytes, &branch]),
            nonce: B64::ZERO,
            base_fee_per_gas: Some(base_fee),
            withdrawals_root: Some(EMPTY_ROOT_HASH),
            blob_gas_used: cancun.then_some(blob_count * DATA_GAS_PER_BLOB),
            excess_blob_gas: cancun.then_some(excess_blob_gas),
            parent_beacon_block_root: cancun
                .then(|| label_hash(&[b"beacon", &number_bytes, &branch])),
            requests_hash: None,
            block_access_list_hash: None,
            slot_number: None,
        };
        let hash = header.hash_slow();
        let block = L1Block { header, hash, transactions, receipts };
        let block_ref = block.block_ref();
        let index = l1.all.len();
        l1.all.push(block);
        l1.canonical.push(index);
        l1.by_hash.insert(hash, index);
        block_ref
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256};
    use keel_core::{
        batcher_tx::recover_sender,
        blob::decode_blob,
        config::{Eip1559Params, SystemConfig},
        deposit::{deposits_from_receipts, user_deposit_source_hash},
        system_config_update::{ConfigUpdateType, apply_receipts},
    };

    use crate::chain::{keys::other_batcher_key, test_rollup_config};

    #[test]
    fn headers_link_and_hash_like_real_ones() {
        let mut l1 = TestL1::new(7, 1_000);
        l1.new_block().batcher_calldata(vec![0u8, 1, 2]).excess_blob_gas(5).build();
        l1.empty_blocks(2);
        assert_eq!(l1.head().number, 10);
        for n in 7..=10 {
            let block = l1.block(n).unwrap();
            let h = &block.header;
            assert_eq!(block.hash, keccak256(alloy_rlp::encode(h)));
            assert_eq!(h.number, n);
            assert_eq!(h.timestamp, 1_000 + (n - 7) * L1_BLOCK_TIME);
            assert_eq!(h.receipts_root, calculate_receipt_root(&block.receipts));
            assert_eq!(h.transactions_root, calculate_transaction_root(&block.transactions));
            assert_eq!(h.base_fee_per_gas, Some(DEFAULT_BASE_FEE));
            assert!(h.parent_beacon_block_root.is_some() && h.blob_gas_used == Some(0));
            if n > 7 {
                assert_eq!(h.parent_hash, l1.block(n - 1).unwrap().hash);
            }
        }
        assert_eq!(l1.block(8).unwrap().header.excess_blob_gas, Some(5));
        assert_eq!(l1.block(6), None);
        assert_eq!(l1.block(11), None);
        let pre_cancun = TestL1::with_options(0, 0, false);
        let h = &pre_cancun.block(0).unwrap().header;
        assert_eq!(
            (h.blob_gas_used, h.excess_blob_gas, h.parent_beacon_block_root),
            (None, None, None)
        );
    }

    #[test]
    fn signed_txs_recover_to_their_keys_with_increasing_nonces() {
        let mut l1 = TestL1::default();
        let batcher = batcher_key();
        l1.new_block()
            .batcher_calldata(vec![0u8])
            .calldata_tx(&batcher, CalldataTxType::Legacy, TxKind::Create, vec![1u8])
            .calldata_tx(&batcher, CalldataTxType::Eip2930, TxKind::Create, vec![2u8])
            .batcher_blobs(&[[0u8, 3]])
            .build();
        let block = l1.block(l1.head().number).unwrap();
        let types: Vec<_> = block.transactions.iter().map(|t| t.tx_type()).collect();
        assert_eq!(types, [TxType::Eip1559, TxType::Legacy, TxType::Eip2930, TxType::Eip4844]);
        for (i, tx) in block.transactions.iter().enumerate() {
            assert_eq!(recover_sender(tx).unwrap(), batcher.address);
            assert_eq!(tx.nonce(), i as u64);
        }
    }

    #[test]
    fn blobs_are_stored_under_versioned_hashes() {
        let mut l1 = TestL1::default();
        l1.new_block().batcher_blobs(&[b"one".as_slice(), b"two"]).build();
        let block = l1.block(l1.head().number).unwrap();
        let hashes = block.transactions[0].blob_versioned_hashes().unwrap();
        assert_eq!(hashes.len(), 2);
        assert_eq!(block.header.blob_gas_used, Some(2 * DATA_GAS_PER_BLOB));
        for (hash, data) in hashes.iter().zip([b"one", b"two"]) {
            assert_eq!(hash[0], 0x01);
            let blob = l1.blob(*hash).unwrap();
            assert_eq!(fake_blob_versioned_hash(blob), *hash);
            assert_eq!(decode_blob(blob).unwrap(), data);
        }
    }

    #[test]
    fn deposit_logs_decode_back() {
        let mut l1 = TestL1::default();
        let deposit = TxDeposit {
            from: address!("00000000000000000000000000000000000000f1"),
            to: TxKind::Call(address!("00000000000000000000000000000000000000f2")),
            mint: 7,
            value: U256::from(9),
            gas_limit: 100_000,
            input: Bytes::from_static(b"call"),
            ..Default::default()
        };
        let deployment = TxDeposit { to: TxKind::Create, ..deposit.clone() };
        l1.new_block()
            .batcher_calldata(vec![0u8])
            .deposit(&deposit)
            .config_update(ConfigUpdate::GasLimit(1))
            .deposit(&deployment)
            .build();
        let block = l1.block(l1.head().number).unwrap();
        let got = deposits_from_receipts(&block.receipts, TEST_PORTAL, block.hash).unwrap();
        // Log indices count every log of the block: the config update is log 1.
        let want = [(deposit, 0u64), (deployment, 2)]
            .map(|(d, i)| TxDeposit { source_hash: user_deposit_source_hash(block.hash, i), ..d });
        assert_eq!(got, want);
    }

    #[test]
    fn config_update_logs_decode_back_and_apply() {
        let updates = [
            ConfigUpdate::Batcher(address!("00000000000000000000000000000000000000b2")),
            ConfigUpdate::FeeScalars {
                overhead: B256::with_last_byte(1),
                scalar: b256!("0100000000000000000000000000000000000000000000000000000000000005"),
            },
            ConfigUpdate::GasLimit(60_000_000),
            ConfigUpdate::UnsafeBlockSigner,
            ConfigUpdate::Eip1559Params(Eip1559Params { denominator: 250, elasticity: 6 }),
            ConfigUpdate::OperatorFeeParams { scalar: 3, constant: 4 },
            ConfigUpdate::MinBaseFee(11),
            ConfigUpdate::DaFootprintGasScalar(12),
        ];
        assert_eq!(updates.len(), ConfigUpdateType::ALL.len());
        for update in updates {
            let log = config_update_log(TEST_SYSTEM_CONFIG, &update);
            assert_eq!(ConfigUpdate::decode(&log.data), Ok(update));
        }
        let mut l1 = TestL1::default();
        let cfg = test_rollup_config(&l1);
        let new = other_batcher_key().address;
        l1.new_block().config_update(ConfigUpdate::Batcher(new)).build();
        let block = l1.block(l1.head().number).unwrap();
        let mut sys: SystemConfig = cfg.genesis.system_config;
        assert!(apply_receipts(&mut sys, &block.receipts, &cfg, block.header.timestamp).is_empty());
        assert_eq!(sys.batcher_address, new);
    }

    #[test]
    fn reorg_replaces_the_canonical_chain_and_keeps_orphans() {
        let mut l1 = TestL1::default();
        let old = [l1.new_block().build(), l1.new_block().build()];
        let new = l1.reorg_at(old[0].number).build();
        assert_eq!(new.number, old[0].number);
        assert_eq!(new.parent_hash, old[0].parent_hash);
        assert_ne!(new.hash, old[0].hash);
        assert_eq!(l1.head(), new);
        assert_eq!(l1.block_ref(old[1].number), None);
        for orphan in old {
            assert_eq!(l1.block_by_hash(orphan.hash).unwrap().block_ref(), orphan);
        }
        let next = l1.new_block().build();
        assert_eq!(next.parent_hash, new.hash);
        // A second reorg at the same height makes yet another branch.
        let again = l1.reorg_at(new.number).build();
        assert_ne!(again.hash, new.hash);
    }
}
