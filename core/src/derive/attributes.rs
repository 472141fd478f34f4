//! Building the payload attributes of one L2 block from its parent and its L1 origin (spec:
//! derivation.md § Building Individual Payload Attributes; exec-engine.md § Extended
//! PayloadAttributesV3; holocene/jovian exec-engine.md; checklist §4.1–§4.3, §5.3).
//!
//! [`AttributesBuilder::prepare_payload_attributes`] produces the deposits-only template of a
//! block: the L1-info deposit, the epoch's user deposits (first block of an epoch only) and the
//! network-upgrade transactions of an activation block, with every Engine-API field set by the
//! block's fork. A verifier then appends the batch's own transactions
//! ([`with_batch_transactions`]); the pipeline emits the result as [`AttributesWithParent`].

use alloc::vec::Vec;
use alloy_eips::{BlockNumHash, eip4895::Withdrawal};
use alloy_primitives::{Address, B64, B256, Bytes, address, keccak256};
use alloy_rlp::{Encodable, Header as RlpHeader};
use alloy_rpc_types_engine::PayloadAttributes;
use serde::{Deserialize, Serialize};

pub use op_alloy_rpc_types_engine::OpPayloadAttributes;

use super::{
    L1BlockRef, L1Provider, L2BlockRef, PipelineError,
    error::{ProviderError, ResetReason},
};
use crate::{
    config::{RollupConfig, SystemConfig},
    deposit::{DepositError, deposits_from_receipts, encode_deposit},
    l1_info::{L1BlobSchedule, L1InfoError, L1OriginInfo, l1_info_deposit_bytes},
    system_config_update::apply_receipts,
};

/// The `SequencerFeeVault` predeploy: `suggestedFeeRecipient` of every derived block.
pub const SEQUENCER_FEE_VAULT: Address = address!("4200000000000000000000000000000000000011");

/// Why payload attributes cannot be built on the given parent and origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributesError {
    /// A new epoch's L1 origin does not build on the parent's L1 origin (reset).
    #[error(
        "L1 origin {origin:?} has parent {origin_parent}, not the L2 parent's origin {parent_origin:?}"
    )]
    OriginNotChild {
        /// The new epoch.
        origin: BlockNumHash,
        /// The new origin's parent hash.
        origin_parent: B256,
        /// The L2 parent's L1 origin.
        parent_origin: BlockNumHash,
    },
    /// The epoch has the parent origin's number but another hash (reset).
    #[error("L1 origin {origin:?} conflicts with the L2 parent's origin {parent_origin:?}")]
    OriginConflict {
        /// The epoch asked for.
        origin: BlockNumHash,
        /// The L2 parent's L1 origin.
        parent_origin: BlockNumHash,
    },
    /// The L2 block would be older than its L1 origin (reset).
    #[error("L2 time {l2_time} is before the time {origin_time} of L1 origin {origin:?}")]
    TimeBeforeOrigin {
        /// The L2 block's timestamp.
        l2_time: u64,
        /// The L1 origin.
        origin: BlockNumHash,
        /// The L1 origin's timestamp.
        origin_time: u64,
        /// The L2 parent's L1 origin.
        parent_origin: BlockNumHash,
    },
    /// The timestamp asked for is not the parent's plus the block time (a caller bug).
    #[error("L2 timestamp {found} does not follow the parent's: expected {expected:?}")]
    UnexpectedTimestamp {
        /// Parent timestamp plus block time (`None` on overflow).
        expected: Option<u64>,
        /// The timestamp passed in.
        found: u64,
    },
    /// The parent's sequence number is `u64::MAX`.
    #[error("sequence number of L2 parent {0:?} overflows")]
    SequenceNumberOverflow(BlockNumHash),
    /// The host returned a header of another block number for the epoch's hash.
    #[error("L1 header for {hash} has number {found}, expected {expected}")]
    HeaderNumberMismatch {
        /// The hash asked for.
        hash: B256,
        /// The epoch's number.
        expected: u64,
        /// The header's number.
        found: u64,
    },
    /// A deposit log of the origin is malformed: deposits are never skipped (critical).
    #[error("failed to derive user deposits: {0}")]
    Deposits(DepositError),
    /// The L1-info deposit cannot be built (critical).
    #[error("failed to build the L1-info deposit: {0}")]
    L1Info(L1InfoError),
}

impl AttributesError {
    /// The L1 origin that does not fit the L2 parent, when the error calls for a reset.
    const fn reset_origins(&self) -> Option<(BlockNumHash, BlockNumHash)> {
        match *self {
            Self::OriginNotChild { origin, parent_origin, .. }
            | Self::OriginConflict { origin, parent_origin }
            | Self::TimeBeforeOrigin { origin, parent_origin, .. } => Some((origin, parent_origin)),
            _ => None,
        }
    }

    /// Whether the error means the pipeline's view of L1 is stale and it must reset.
    pub const fn is_reset(&self) -> bool {
        self.reset_origins().is_some()
    }
}

impl From<AttributesError> for PipelineError {
    fn from(e: AttributesError) -> Self {
        if let AttributesError::TimeBeforeOrigin { l2_time, origin, origin_time, .. } = e {
            return Self::Reset(ResetReason::TimeBeforeOrigin {
                l2_time,
                origin: origin.hash,
                origin_time,
            });
        }
        match e.reset_origins() {
            Some((origin, parent_origin)) => Self::Reset(ResetReason::OriginMismatch {
                origin: origin.hash,
                parent_origin: parent_origin.hash,
            }),
            None => Self::Critical(alloc::format!("payload attributes: {e}")),
        }
    }
}

/// Builds payload attributes (op-node's `PreparePayloadAttributes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributesBuilder {
    cfg: RollupConfig,
    blob_schedule: L1BlobSchedule,
}

impl AttributesBuilder {
    /// A builder for the rollup `cfg` on an L1 whose blob fee schedule is `blob_schedule`.
    pub const fn new(cfg: RollupConfig, blob_schedule: L1BlobSchedule) -> Self {
        Self { cfg, blob_schedule }
    }

    /// The rollup config.
    pub const fn rollup_config(&self) -> &RollupConfig {
        &self.cfg
    }

    /// The L1 blob fee schedule.
    pub const fn blob_schedule(&self) -> &L1BlobSchedule {
        &self.blob_schedule
    }

    /// The deposits-only attributes of the L2 block at `timestamp` on `l2_parent` with L1 origin
    /// `epoch`, with the network-upgrade transactions of [`super::upgrades`].
    ///
    /// See [`Self::prepare_payload_attributes_with_upgrades`].
    pub fn prepare_payload_attributes(
        &self,
        l1: &mut impl L1Provider,
        sys_config: &mut SystemConfig,
        l2_parent: &L2BlockRef,
        epoch: BlockNumHash,
        timestamp: u64,
    ) -> Result<OpPayloadAttributes, PipelineError> {
        let upgrade_txs = super::upgrades::upgrade_transactions(&self.cfg, timestamp);
        self.prepare_payload_attributes_with_upgrades(
            l1,
            sys_config,
            l2_parent,
            epoch,
            timestamp,
            upgrade_txs,
        )
    }

    /// The deposits-only attributes of the L2 block at `timestamp` on `l2_parent` with L1 origin
    /// `epoch`, ending with `upgrade_txs` (the block's network-upgrade transactions, empty
    /// outside activation blocks).
    ///
    /// `sys_config` is the attributes stage's SystemConfig, the one `l2_parent` was built with.
    /// When the epoch changes it is advanced with the origin's `ConfigUpdate` logs (malformed
    /// ones are skipped), before the L1-info deposit is built; it is written back only on
    /// success, so a failed call can be retried with it.
    ///
    /// Steps (op-node `PreparePayloadAttributes`):
    /// * `timestamp` must be the parent's plus the block time (otherwise a critical error: the
    ///   caller checks batches first);
    /// * new epoch (`epoch.number != parent origin number`): the origin's header and receipts
    ///   are read, the origin must be the child of the parent's origin (else reset), user
    ///   deposits are collected (a malformed deposit log is critical), sequence number 0;
    /// * same epoch: `epoch.hash` must be the parent's origin hash (else reset), only the header
    ///   is read, sequence number parent + 1;
    /// * `timestamp` must not be before the origin's time (else reset).
    ///
    /// The L1 header is trusted to be the block with hash `epoch.hash` (the host verifies what
    /// it serves by hash); only its number is checked.
    ///
    /// Transactions: `[L1-info deposit, user deposits, upgrade_txs]`; append the batch's with
    /// [`with_batch_transactions`]. Fields by the block's fork: `withdrawals` `[]` from Canyon,
    /// `parentBeaconBlockRoot` from Ecotone (the origin's, or zero), `eip1559Params` from
    /// Holocene (the SystemConfig's 8 bytes, zero until set), `minBaseFee` from Jovian.
    pub fn prepare_payload_attributes_with_upgrades(
        &self,
        l1: &mut impl L1Provider,
        sys_config: &mut SystemConfig,
        l2_parent: &L2BlockRef,
        epoch: BlockNumHash,
        timestamp: u64,
        upgrade_txs: Vec<Bytes>,
    ) -> Result<OpPayloadAttributes, PipelineError> {
        let expected = l2_parent.timestamp.checked_add(self.cfg.block_time);
        if expected != Some(timestamp) {
            return Err(AttributesError::UnexpectedTimestamp { expected, found: timestamp }.into());
        }
        let parent_origin = l2_parent.l1_origin;
        let mut cfg = *sys_config;

        let (header, deposits, seq) = if parent_origin.number != epoch.number {
            let header = l1.header_by_hash(epoch.hash)?;
            check_number(&header, epoch)?;
            if header.parent_hash != parent_origin.hash {
                return Err(AttributesError::OriginNotChild {
                    origin: epoch,
                    origin_parent: header.parent_hash,
                    parent_origin,
                }
                .into());
            }
            // Only now: a host need not fetch the receipts of an origin that cannot be used.
            // Updates go to a copy, so a miss here leaves `sys_config` untouched.
            let receipts = l1.receipts_by_hash(epoch.hash)?;
            let deposits =
                deposits_from_receipts(&receipts, self.cfg.deposit_contract_address, epoch.hash)
                    .map_err(AttributesError::Deposits)?;
            // Malformed updates are skipped by rule (system-config.md); nothing to report.
            let _skipped = apply_receipts(&mut cfg, &receipts, &self.cfg, header.timestamp);
            (header, deposits, 0)
        } else {
            if parent_origin.hash != epoch.hash {
                return Err(AttributesError::OriginConflict { origin: epoch, parent_origin }.into());
            }
            let header = l1.header_by_hash(epoch.hash)?;
            check_number(&header, epoch)?;
            let seq = l2_parent
                .seq_number
                .checked_add(1)
                .ok_or(AttributesError::SequenceNumberOverflow(l2_parent.id()))?;
            (header, Vec::new(), seq)
        };

        if timestamp < header.timestamp {
            return Err(AttributesError::TimeBeforeOrigin {
                l2_time: timestamp,
                origin: epoch,
                origin_time: header.timestamp,
                parent_origin,
            }
            .into());
        }

        let origin = L1OriginInfo::from_header_with_hash(&header, epoch.hash);
        let l1_info =
            l1_info_deposit_bytes(&self.cfg, &self.blob_schedule, &cfg, &origin, seq, timestamp)
                .map_err(AttributesError::L1Info)?;

        let mut transactions = Vec::with_capacity(
            1usize.saturating_add(deposits.len()).saturating_add(upgrade_txs.len()),
        );
        transactions.push(l1_info);
        transactions.extend(deposits.iter().map(encode_deposit));
        transactions.extend(upgrade_txs);

        let c = &self.cfg;
        let attributes = OpPayloadAttributes {
            payload_attributes: PayloadAttributes {
                timestamp,
                prev_randao: header.mix_hash,
                suggested_fee_recipient: SEQUENCER_FEE_VAULT,
                withdrawals: c.is_canyon_active(timestamp).then(Vec::new),
                parent_beacon_block_root: c
                    .is_ecotone_active(timestamp)
                    .then(|| header.parent_beacon_block_root.unwrap_or_default()),
                slot_number: None,
                target_gas_limit: None,
            },
            transactions: Some(transactions),
            no_tx_pool: Some(true),
            gas_limit: Some(cfg.gas_limit),
            eip_1559_params: c
                .is_holocene_active(timestamp)
                .then(|| B64::from(cfg.eip1559_params.to_u64())),
            min_base_fee: c.is_jovian_active(timestamp).then_some(cfg.min_base_fee),
        };
        *sys_config = cfg;
        Ok(attributes)
    }
}

/// The header served for `epoch.hash` must at least carry the epoch's number.
fn check_number(
    header: &alloy_consensus::Header,
    epoch: BlockNumHash,
) -> Result<(), PipelineError> {
    if header.number == epoch.number {
        Ok(())
    } else {
        Err(PipelineError::from(ProviderError::Invalid(alloc::format!(
            "{}",
            AttributesError::HeaderNumberMismatch {
                hash: epoch.hash,
                expected: epoch.number,
                found: header.number,
            }
        ))))
    }
}

/// Appends a batch's transactions to deposits-only attributes (op-node's attributes queue does
/// this for a verifier), returning the full attributes.
pub fn with_batch_transactions(
    mut attributes: OpPayloadAttributes,
    batch_transactions: impl IntoIterator<Item = Bytes>,
) -> OpPayloadAttributes {
    attributes.transactions.get_or_insert_with(Vec::new).extend(batch_transactions);
    attributes
}

/// The pipeline's output: attributes for the engine, with the L2 block they build on.
///
/// Serialized (camelCase, attributes in Engine-API form) as one line of `keel derive`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributesWithParent {
    /// The full payload attributes (deposits, upgrade and batch transactions).
    pub attributes: OpPayloadAttributes,
    /// The L2 block they build on.
    pub parent: L2BlockRef,
    /// The L1 block whose data completed the batch, if known.
    pub derived_from: Option<L1BlockRef>,
    /// Whether this is the last block of its span batch (or a singular batch).
    pub is_last_in_span: bool,
}

impl AttributesWithParent {
    /// [`attributes_hash`] of the attributes.
    pub fn attributes_hash(&self) -> B256 {
        attributes_hash(&self.attributes)
    }
}

/// A digest of payload attributes for comparing outputs across hosts (native, browser, tests):
/// keccak256 of the RLP list of every field, in this order:
///
/// `[timestamp, prevRandao, suggestedFeeRecipient, opt(withdrawals), opt(parentBeaconBlockRoot),
/// opt(slotNumber), opt(targetGasLimit), opt(transactions), opt(noTxPool), opt(gasLimit),
/// opt(eip1559Params), opt(minBaseFee)]`
///
/// where `opt(x)` is the empty list `[]` when the field is absent and the one-item list `[x]`
/// when present (so absent and zero differ); integers and `noTxPool` are RLP integers, hashes,
/// addresses and `eip1559Params` (8 bytes) RLP strings, `transactions` a list of strings and
/// `withdrawals` a list of EIP-4895 withdrawal RLP lists. Unlike JSON this depends on no
/// serializer's formatting.
pub fn attributes_hash(attributes: &OpPayloadAttributes) -> B256 {
    let pa = &attributes.payload_attributes;
    let mut fields = Vec::new();
    pa.timestamp.encode(&mut fields);
    pa.prev_randao.encode(&mut fields);
    pa.suggested_fee_recipient.encode(&mut fields);
    encode_opt(&mut fields, pa.withdrawals.as_ref().map(|w| WithdrawalList(w)));
    encode_opt(&mut fields, pa.parent_beacon_block_root.as_ref());
    encode_opt(&mut fields, pa.slot_number.as_ref());
    encode_opt(&mut fields, pa.target_gas_limit.as_ref());
    encode_opt(&mut fields, attributes.transactions.as_ref());
    encode_opt(&mut fields, attributes.no_tx_pool.as_ref());
    encode_opt(&mut fields, attributes.gas_limit.as_ref());
    encode_opt(&mut fields, attributes.eip_1559_params.as_ref());
    encode_opt(&mut fields, attributes.min_base_fee.as_ref());
    let mut out = Vec::with_capacity(fields.len().saturating_add(9));
    RlpHeader { list: true, payload_length: fields.len() }.encode(&mut out);
    out.extend_from_slice(&fields);
    keccak256(&out)
}

/// A withdrawal list encoded as an RLP list of withdrawals.
struct WithdrawalList<'a>(&'a [Withdrawal]);

impl Encodable for WithdrawalList<'_> {
    fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
        alloy_rlp::encode_list(self.0, out);
    }

    fn length(&self) -> usize {
        alloy_rlp::list_length(self.0)
    }
}

/// Encodes `[]` for `None` and `[value]` for `Some(value)`.
fn encode_opt<T: Encodable>(out: &mut Vec<u8>, value: Option<T>) {
    match value {
        None => RlpHeader { list: true, payload_length: 0 }.encode(out),
        Some(v) => {
            RlpHeader { list: true, payload_length: v.length() }.encode(out);
            v.encode(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        config::{Eip1559Params, Fork},
        deposit::{
            TxDeposit, decode_deposit, deposit_from_log, l1_info_source_hash,
            transaction_deposited_log, user_deposit_source_hash,
        },
        derive::error::DataKey,
        l1_info::L1BlockInfo,
        system_config_update::{CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0},
    };
    use alloc::{collections::BTreeMap, string::ToString, vec};
    use alloy_consensus::{Eip658Value, Header, Receipt, ReceiptEnvelope, TxEnvelope};
    use alloy_primitives::{Log, TxKind, U256};

    /// An in-memory L1: headers and receipts by hash; anything else is missing.
    #[derive(Default)]
    struct MockL1 {
        headers: BTreeMap<B256, Header>,
        receipts: BTreeMap<B256, Vec<ReceiptEnvelope>>,
        receipt_reads: usize,
    }

    impl MockL1 {
        fn add(&mut self, header: Header, receipts: Option<Vec<ReceiptEnvelope>>) -> BlockNumHash {
            let hash = header.hash_slow();
            let id = BlockNumHash { number: header.number, hash };
            self.headers.insert(hash, header);
            if let Some(r) = receipts {
                self.receipts.insert(hash, r);
            }
            id
        }
    }

    impl L1Provider for MockL1 {
        fn block_ref_by_number(&mut self, _: u64) -> Result<Option<L1BlockRef>, ProviderError> {
            Ok(None)
        }
        fn header_by_hash(&mut self, hash: B256) -> Result<Header, ProviderError> {
            self.headers
                .get(&hash)
                .cloned()
                .ok_or(ProviderError::Missing { what: "l1 header", key: DataKey::Hash(hash) })
        }
        fn transactions_by_hash(&mut self, _: B256) -> Result<Vec<TxEnvelope>, ProviderError> {
            Ok(Vec::new())
        }
        fn receipts_by_hash(&mut self, hash: B256) -> Result<Vec<ReceiptEnvelope>, ProviderError> {
            self.receipt_reads += 1;
            self.receipts
                .get(&hash)
                .cloned()
                .ok_or(ProviderError::Missing { what: "receipts", key: DataKey::Hash(hash) })
        }
    }

    fn op() -> RollupConfig {
        RollupConfig::by_name("op-mainnet").unwrap()
    }

    fn builder() -> AttributesBuilder {
        AttributesBuilder::new(op(), L1BlobSchedule::MAINNET)
    }

    fn fork_time(fork: Fork) -> u64 {
        op().fork_time(fork).unwrap()
    }

    fn l1_header(number: u64, parent_hash: B256, timestamp: u64) -> Header {
        Header {
            number,
            parent_hash,
            timestamp,
            mix_hash: B256::repeat_byte(number as u8),
            base_fee_per_gas: Some(1_000_000_007),
            blob_gas_used: Some(0),
            excess_blob_gas: Some(0),
            parent_beacon_block_root: Some(B256::repeat_byte(0xbb)),
            ..Default::default()
        }
    }

    fn receipt(logs: Vec<Log>) -> ReceiptEnvelope {
        ReceiptEnvelope::Eip1559(
            Receipt { status: Eip658Value::Eip658(true), cumulative_gas_used: 21_000, logs }
                .with_bloom(),
        )
    }

    /// A version-0 `ConfigUpdate` log of type `ty` with a one-word payload.
    fn config_update(ty: u8, word: B256) -> Log {
        let mut data = U256::from(32).to_be_bytes::<32>().to_vec();
        data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
        data.extend_from_slice(word.as_slice());
        Log::new_unchecked(
            op().l1_system_config_address,
            vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, B256::with_last_byte(ty)],
            Bytes::from(data),
        )
    }

    fn user_deposit() -> TxDeposit {
        TxDeposit {
            from: Address::repeat_byte(0x11),
            to: TxKind::Call(Address::repeat_byte(0x22)),
            mint: 5,
            value: U256::from(3),
            gas_limit: 100_000,
            input: Bytes::from_static(b"hi"),
            ..Default::default()
        }
    }

    fn sys_config() -> SystemConfig {
        SystemConfig {
            batcher_address: Address::repeat_byte(0xba),
            gas_limit: 30_000_000,
            ..Default::default()
        }
    }

    /// An L2 parent at `timestamp` with L1 origin `origin` and sequence number `seq`.
    fn parent(origin: BlockNumHash, seq: u64, timestamp: u64) -> L2BlockRef {
        L2BlockRef {
            hash: B256::repeat_byte(0x2a),
            number: 1000,
            parent_hash: B256::repeat_byte(0x29),
            timestamp,
            l1_origin: origin,
            seq_number: seq,
        }
    }

    fn l1_info_of(attrs: &OpPayloadAttributes) -> (TxDeposit, L1BlockInfo) {
        let tx = decode_deposit(&attrs.transactions.as_ref().unwrap()[0]).unwrap();
        let info = L1BlockInfo::decode(&tx.input).unwrap();
        (tx, info)
    }

    /// A two-block L1 (A at `t0`, B its child 12 s later); B's receipts carry a user deposit
    /// between unrelated logs and config updates (batcher, gas limit, EIP-1559 params, min base
    /// fee) in a later receipt.
    fn chain_with_deposit_and_updates(t0: u64) -> (MockL1, BlockNumHash, BlockNumHash, Log) {
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t0), Some(vec![]));
        let portal = op().deposit_contract_address;
        let deposit_log = transaction_deposited_log(portal, &user_deposit());
        let noise = Log::new_unchecked(Address::repeat_byte(9), vec![], Bytes::new());
        let receipts = vec![
            receipt(vec![noise.clone(), deposit_log.clone()]),
            receipt(vec![
                config_update(0, B256::left_padding_from(Address::repeat_byte(0xcc).as_slice())),
                config_update(2, B256::from(U256::from(40_000_000))),
                config_update(
                    4,
                    B256::from(U256::from(Eip1559Params::from_u64(0xfa_0000_0006).to_u64())),
                ),
                config_update(6, B256::from(U256::from(777))),
            ]),
        ];
        let b = l1.add(l1_header(101, a.hash, t0 + 12), Some(receipts));
        (l1, a, b, deposit_log)
    }

    #[test]
    fn rule_4_3_epoch_change_seq_0_deposits_and_config_updates_before_l1_info() {
        let t = fork_time(Fork::Jovian) + 100;
        let (mut l1, a, b, deposit_log) = chain_with_deposit_and_updates(t - 30);
        let mut sys = sys_config();
        let attrs = builder()
            .prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, t - 2), b, t)
            .unwrap();

        // The stage's config has the updates, and the L1-info deposit was built with them.
        assert_eq!(sys.batcher_address, Address::repeat_byte(0xcc));
        assert_eq!(sys.gas_limit, 40_000_000);
        assert_eq!(sys.eip1559_params, Eip1559Params { denominator: 250, elasticity: 6 });
        assert_eq!(sys.min_base_fee, 777);
        let (tx, info) = l1_info_of(&attrs);
        assert_eq!(tx.source_hash, l1_info_source_hash(b.hash, 0));
        assert_eq!((info.number, info.block_hash, info.sequence_number), (101, b.hash, 0));
        assert_eq!(info.batcher_address, Address::repeat_byte(0xcc));
        assert_eq!(attrs.gas_limit, Some(40_000_000));
        assert_eq!(attrs.eip_1559_params, Some(B64::from(0x0000_00fa_0000_0006u64)));
        assert_eq!(attrs.min_base_fee, Some(777));

        // The user deposit follows, its source hash from the block-wide log index 1.
        let txs = attrs.transactions.as_ref().unwrap();
        assert_eq!(txs.len(), 2);
        let expected = deposit_from_log(&deposit_log, b.hash, 1).unwrap();
        assert_eq!(expected.source_hash, user_deposit_source_hash(b.hash, 1));
        assert_eq!(txs[1], encode_deposit(&expected));
        assert_eq!(decode_deposit(&txs[1]).unwrap().mint, 5);
    }

    #[test]
    fn rule_5_3_config_carried_to_next_block_and_malformed_updates_skipped() {
        let t = fork_time(Fork::Jovian) + 100;
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(vec![]));
        let receipts = vec![receipt(vec![
            config_update(99, B256::ZERO), // unknown type: skipped
            config_update(2, B256::from(U256::from(50_000_000))),
            config_update(0, B256::repeat_byte(0xff)), // address with dirty padding: skipped
        ])];
        let b = l1.add(l1_header(101, a.hash, t - 18), Some(receipts));
        let mut sys = sys_config();
        let first = builder()
            .prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, t - 2), b, t)
            .unwrap();
        assert_eq!(sys, SystemConfig { gas_limit: 50_000_000, ..sys_config() });
        assert_eq!(first.gas_limit, Some(50_000_000));
        assert_eq!(l1_info_of(&first).1.batcher_address, Address::repeat_byte(0xba));
        // The next block of the epoch takes the stage's config as it is; no receipts re-read.
        let next = builder()
            .prepare_payload_attributes(&mut l1, &mut sys, &parent(b, 0, t), b, t + 2)
            .unwrap();
        assert_eq!(l1.receipt_reads, 1);
        assert_eq!(next.gas_limit, Some(50_000_000));
        assert_eq!(l1_info_of(&next).1.sequence_number, 1);
    }

    #[test]
    fn rule_4_1_transaction_order() {
        let t = fork_time(Fork::Jovian) + 100;
        let (mut l1, a, b, _) = chain_with_deposit_and_updates(t - 30);
        let upgrade = vec![Bytes::from_static(&[0x7e, 1]), Bytes::from_static(&[0x7e, 2])];
        let attrs = builder()
            .prepare_payload_attributes_with_upgrades(
                &mut l1,
                &mut sys_config(),
                &parent(a, 5, t - 2),
                b,
                t,
                upgrade.clone(),
            )
            .unwrap();
        let batch = vec![Bytes::from_static(&[2, 0xaa]), Bytes::from_static(&[0xbb])];
        let full = with_batch_transactions(attrs.clone(), batch.clone());
        let txs = full.transactions.unwrap();
        let deposits = &attrs.transactions.as_ref().unwrap()[..2];
        let mut expected = deposits.to_vec();
        expected.extend(upgrade);
        expected.extend(batch);
        assert_eq!(txs, expected);
        assert_eq!(decode_deposit(&txs[0]).unwrap().from, crate::l1_info::L1_INFO_DEPOSITOR);
    }

    #[test]
    fn rule_4_1_upgrade_txs_in_activation_block_after_deposits() {
        let t = fork_time(Fork::Jovian);
        let c = op();
        assert!(c.is_activation_block(Fork::Jovian, t));
        let nuts = crate::derive::upgrades::upgrade_transactions(&c, t);
        assert_eq!(nuts.len(), 5, "Jovian has five upgrade transactions");
        let (mut l1, a, b, _) = chain_with_deposit_and_updates(t - 30);
        let attrs = builder()
            .prepare_payload_attributes(&mut l1, &mut sys_config(), &parent(a, 5, t - 2), b, t)
            .unwrap();
        let txs = attrs.transactions.unwrap();
        assert_eq!(txs.len(), 2 + nuts.len());
        assert_eq!(&txs[2..], &nuts[..]);
        // The activation block's L1-info deposit still has the previous (Isthmus) layout.
        let info = L1BlockInfo::decode(&decode_deposit(&txs[0]).unwrap().input).unwrap();
        assert_eq!(info.format(), crate::l1_info::L1InfoFormat::Isthmus);
        // The next block has none.
        let (mut l1, a, b, _) = chain_with_deposit_and_updates(t - 30);
        let next = builder()
            .prepare_payload_attributes(&mut l1, &mut sys_config(), &parent(a, 5, t), b, t + 2)
            .unwrap();
        assert_eq!(next.transactions.unwrap().len(), 2);
    }

    #[test]
    fn rule_4_3_same_epoch_seq_plus_one_reads_no_receipts() {
        let t = fork_time(Fork::Jovian) + 100;
        let mut l1 = MockL1::default();
        // The origin's receipts have an update, which must not be applied a second time.
        let receipts = vec![receipt(vec![config_update(2, B256::from(U256::from(1)))])];
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(receipts));
        let mut sys = sys_config();
        let attrs = builder()
            .prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, t - 2), a, t)
            .unwrap();
        assert_eq!(l1.receipt_reads, 0);
        assert_eq!(sys, sys_config());
        let (tx, info) = l1_info_of(&attrs);
        assert_eq!(info.sequence_number, 6);
        assert_eq!(tx.source_hash, l1_info_source_hash(a.hash, 6));
        assert_eq!(attrs.transactions.as_ref().unwrap().len(), 1);
        assert_eq!(attrs.gas_limit, Some(30_000_000));

        let overflow = builder().prepare_payload_attributes(
            &mut l1,
            &mut sys,
            &parent(a, u64::MAX, t - 2),
            a,
            t,
        );
        assert!(matches!(overflow, Err(PipelineError::Critical(ref m)) if m.contains("overflows")));
    }

    #[test]
    fn rule_4_3_origin_mismatch_resets() {
        let t = fork_time(Fork::Jovian) + 100;
        let (mut l1, a, b, _) = chain_with_deposit_and_updates(t - 30);
        // A new epoch whose parent is not the L2 parent's origin.
        let other = l1.add(l1_header(101, B256::repeat_byte(0xee), t - 18), Some(vec![]));
        let mut sys = sys_config();
        let p = parent(a, 5, t - 2);
        let err = builder().prepare_payload_attributes(&mut l1, &mut sys, &p, other, t);
        assert_eq!(
            err,
            Err(PipelineError::Reset(ResetReason::OriginMismatch {
                origin: other.hash,
                parent_origin: a.hash
            }))
        );
        // An epoch two blocks ahead (its parent is B, not A).
        let c = l1.add(l1_header(102, b.hash, t - 6), Some(vec![]));
        assert!(matches!(
            builder().prepare_payload_attributes(&mut l1, &mut sys, &p, c, t),
            Err(PipelineError::Reset(ResetReason::OriginMismatch { .. }))
        ));
        // The parent's origin number with another hash.
        let conflicting = BlockNumHash { number: 100, hash: B256::repeat_byte(0xdd) };
        assert_eq!(
            builder().prepare_payload_attributes(&mut l1, &mut sys, &p, conflicting, t),
            Err(PipelineError::Reset(ResetReason::OriginMismatch {
                origin: conflicting.hash,
                parent_origin: a.hash
            }))
        );
        assert_eq!(sys, sys_config());
        assert_eq!(l1.receipt_reads, 0, "receipts of a rejected origin are not read");
    }

    #[test]
    fn rule_4_3_timestamp_before_origin_resets() {
        let t = fork_time(Fork::Jovian) + 100;
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(vec![]));
        let b = l1.add(l1_header(101, a.hash, t + 1), Some(vec![]));
        let mut sys = sys_config();
        let err =
            builder().prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, t - 2), b, t);
        assert_eq!(
            err,
            Err(PipelineError::Reset(ResetReason::TimeBeforeOrigin {
                l2_time: t,
                origin: b.hash,
                origin_time: t + 1
            }))
        );
        // Equal times are allowed.
        let c = l1.add(l1_header(101, a.hash, t), Some(vec![]));
        assert!(
            builder()
                .prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, t - 2), c, t)
                .is_ok()
        );
        let e = AttributesError::TimeBeforeOrigin {
            l2_time: t,
            origin: b,
            origin_time: t + 1,
            parent_origin: a,
        };
        assert!(e.is_reset());
        assert!(e.to_string().contains("before the time"));
    }

    #[test]
    fn rule_4_7_malformed_deposit_is_critical() {
        let t = fork_time(Fork::Jovian) + 100;
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(vec![]));
        let mut bad = transaction_deposited_log(op().deposit_contract_address, &user_deposit());
        bad.data = alloy_primitives::LogData::new_unchecked(
            bad.data.topics().to_vec(),
            Bytes::from(vec![0u8; 31]),
        );
        let receipts =
            vec![receipt(vec![config_update(2, B256::from(U256::from(1)))]), receipt(vec![bad])];
        let b = l1.add(l1_header(101, a.hash, t - 18), Some(receipts));
        let mut sys = sys_config();
        let err =
            builder().prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, t - 2), b, t);
        assert!(
            matches!(err, Err(PipelineError::Critical(ref m)) if m.contains("user deposits") && m.contains("log index 1")),
            "{err:?}"
        );
        assert_eq!(sys, sys_config(), "a failed call leaves the config untouched");
    }

    #[test]
    fn missing_l1_data_is_temporary_and_changes_nothing() {
        let t = fork_time(Fork::Jovian) + 100;
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(vec![]));
        let receipts = vec![receipt(vec![config_update(2, B256::from(U256::from(1)))])];
        let b_header = l1_header(101, a.hash, t - 18);
        let b = BlockNumHash { number: 101, hash: b_header.hash_slow() };
        let mut sys = sys_config();
        let p = parent(a, 5, t - 2);
        // Header missing, then receipts missing: both temporary, naming the key.
        let err = builder().prepare_payload_attributes(&mut l1, &mut sys, &p, b, t);
        assert_eq!(
            err,
            Err(PipelineError::Temporary(ProviderError::Missing {
                what: "l1 header",
                key: DataKey::Hash(b.hash)
            }))
        );
        l1.add(b_header.clone(), None);
        let err = builder().prepare_payload_attributes(&mut l1, &mut sys, &p, b, t);
        assert!(matches!(
            err,
            Err(PipelineError::Temporary(ProviderError::Missing { what: "receipts", .. }))
        ));
        assert_eq!(sys, sys_config());
        // Once everything is there, the retry succeeds and applies the update once.
        l1.add(b_header, Some(receipts));
        builder().prepare_payload_attributes(&mut l1, &mut sys, &p, b, t).unwrap();
        assert_eq!(sys.gas_limit, 1);
    }

    #[test]
    fn inconsistent_inputs_are_critical() {
        let t = fork_time(Fork::Jovian) + 100;
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(vec![]));
        let mut sys = sys_config();
        for bad_time in [t - 1, t + 2, 0] {
            let err = builder().prepare_payload_attributes(
                &mut l1,
                &mut sys,
                &parent(a, 5, t - 2),
                a,
                bad_time,
            );
            assert!(
                matches!(err, Err(PipelineError::Critical(ref m)) if m.contains("does not follow")),
                "{err:?}"
            );
        }
        let err =
            builder().prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 5, u64::MAX), a, 0);
        assert!(matches!(err, Err(PipelineError::Critical(_))));
        // A header served under the epoch's hash but with another number.
        let wrong = BlockNumHash { number: 99, hash: a.hash };
        let p = parent(BlockNumHash { number: 98, hash: B256::repeat_byte(1) }, 0, t - 2);
        let err = builder().prepare_payload_attributes(&mut l1, &mut sys, &p, wrong, t);
        assert!(
            matches!(err, Err(PipelineError::Critical(ref m)) if m.contains("has number 100")),
            "{err:?}"
        );
    }

    /// Builds same-epoch attributes at `t` with the given origin header fields.
    fn attrs_at(t: u64, sys: SystemConfig, beacon_root: Option<B256>) -> OpPayloadAttributes {
        let mut l1 = MockL1::default();
        let mut header = l1_header(100, B256::repeat_byte(1), t - 30);
        header.parent_beacon_block_root = beacon_root;
        if beacon_root.is_none() {
            // A pre-Cancun origin has no blob fields either.
            header.blob_gas_used = None;
            header.excess_blob_gas = None;
        }
        let a = l1.add(header, Some(vec![]));
        let mut sys = sys;
        builder().prepare_payload_attributes(&mut l1, &mut sys, &parent(a, 0, t - 2), a, t).unwrap()
    }

    #[test]
    fn rule_4_2_fields_present_by_fork() {
        let root = Some(B256::repeat_byte(0xbb));
        let sys = SystemConfig {
            eip1559_params: Eip1559Params { denominator: 250, elasticity: 6 },
            min_base_fee: 9,
            ..sys_config()
        };
        // (time, withdrawals, beacon root, eip1559Params, minBaseFee)
        let cases = [
            (fork_time(Fork::Canyon) - 1, false, false, false, false),
            (fork_time(Fork::Canyon) + 1, true, false, false, false),
            (fork_time(Fork::Ecotone) + 1, true, true, false, false),
            (fork_time(Fork::Holocene) + 1, true, true, true, false),
            (fork_time(Fork::Jovian) - 1, true, true, true, false),
            (fork_time(Fork::Jovian), true, true, true, true),
            (fork_time(Fork::Jovian) + 1, true, true, true, true),
        ];
        for (t, w, r, e, m) in cases {
            let a = attrs_at(t, sys, root);
            let pa = &a.payload_attributes;
            assert_eq!(pa.withdrawals, w.then(Vec::new), "t={t}");
            assert_eq!(pa.parent_beacon_block_root, r.then_some(B256::repeat_byte(0xbb)), "t={t}");
            assert_eq!(
                a.eip_1559_params,
                e.then_some(B64::from(0x0000_00fa_0000_0006u64)),
                "t={t}"
            );
            assert_eq!(a.min_base_fee, m.then_some(9), "t={t}");
            // Fields every fork has.
            assert_eq!(pa.timestamp, t);
            assert_eq!(pa.prev_randao, B256::repeat_byte(100));
            assert_eq!(pa.suggested_fee_recipient, SEQUENCER_FEE_VAULT);
            assert_eq!((a.no_tx_pool, a.gas_limit), (Some(true), Some(30_000_000)));
            assert_eq!((pa.slot_number, pa.target_gas_limit), (None, None));
        }
    }

    #[test]
    fn rule_4_2_zero_defaults_from_ecotone_and_holocene() {
        // Ecotone with a pre-Cancun origin: the beacon root is 32 zero bytes.
        let a = attrs_at(fork_time(Fork::Ecotone) + 1, sys_config(), None);
        assert_eq!(a.payload_attributes.parent_beacon_block_root, Some(B256::ZERO));
        // Holocene with unset EIP-1559 params passes zero (the engine uses the Canyon constants);
        // Jovian with no min base fee update passes 0, not null.
        let a = attrs_at(fork_time(Fork::Jovian) + 1, sys_config(), Some(B256::ZERO));
        assert_eq!(a.eip_1559_params, Some(B64::ZERO));
        assert_eq!(a.min_base_fee, Some(0));
    }

    #[test]
    fn rule_4_4_l1_info_gas_by_regolith() {
        let mut c = op();
        c.regolith_time = Some(fork_time(Fork::Canyon));
        let t = fork_time(Fork::Canyon);
        let mut l1 = MockL1::default();
        let a = l1.add(l1_header(100, B256::repeat_byte(1), t - 30), Some(vec![]));
        let b = AttributesBuilder::new(c, L1BlobSchedule::MAINNET);
        for (time, gas, system) in [(t - 2, 150_000_000, true), (t, 1_000_000, false)] {
            let attrs = b
                .prepare_payload_attributes(
                    &mut l1,
                    &mut sys_config(),
                    &parent(a, 0, time - 2),
                    a,
                    time,
                )
                .unwrap();
            let (tx, _) = l1_info_of(&attrs);
            assert_eq!((tx.gas_limit, tx.is_system_transaction), (gas, system), "t={time}");
        }
    }

    fn sample() -> AttributesWithParent {
        let t = fork_time(Fork::Jovian) + 100;
        let (mut l1, a, b, _) = chain_with_deposit_and_updates(t - 30);
        let attrs = builder()
            .prepare_payload_attributes(&mut l1, &mut sys_config(), &parent(a, 5, t - 2), b, t)
            .unwrap();
        AttributesWithParent {
            attributes: with_batch_transactions(attrs, [Bytes::from_static(&[2, 1])]),
            parent: parent(a, 5, t - 2),
            derived_from: Some(L1BlockRef {
                hash: b.hash,
                number: 101,
                parent_hash: a.hash,
                timestamp: t - 18,
            }),
            is_last_in_span: true,
        }
    }

    #[test]
    fn attributes_hash_covers_every_field_and_absence() {
        let base = sample();
        let h = base.attributes_hash();
        assert_eq!(h, attributes_hash(&base.attributes.clone()));
        let mut variants = Vec::new();
        let mut v = base.attributes.clone();
        v.min_base_fee = None;
        variants.push(v.clone());
        v.min_base_fee = Some(0);
        variants.push(v);
        let mut v = base.attributes.clone();
        v.payload_attributes.withdrawals = None;
        variants.push(v);
        let mut v = base.attributes.clone();
        v.payload_attributes.timestamp += 1;
        variants.push(v);
        let mut v = base.attributes.clone();
        v.transactions.as_mut().unwrap().pop();
        variants.push(v);
        let mut v = base.attributes.clone();
        v.no_tx_pool = Some(false);
        variants.push(v);
        let mut v = base.attributes.clone();
        v.eip_1559_params = Some(B64::ZERO);
        variants.push(v);
        let mut v = base.attributes.clone();
        v.payload_attributes.slot_number = Some(0);
        variants.push(v);
        let mut hashes: Vec<B256> = variants.iter().map(attributes_hash).collect();
        hashes.push(h);
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), variants.len() + 1);
        // Default attributes: timestamp 0, zero hash and address, nine empty lists.
        let empty = attributes_hash(&OpPayloadAttributes::default());
        let mut rlp = Vec::new();
        let mut payload = vec![0x80, 0xa0];
        payload.extend_from_slice(&[0; 32]);
        payload.push(0x94);
        payload.extend_from_slice(&[0; 20]);
        payload.extend_from_slice(&[0xc0; 9]);
        // 64 payload bytes: a long list header.
        rlp.extend_from_slice(&[0xf8, payload.len() as u8]);
        rlp.extend_from_slice(&payload);
        assert_eq!(empty, keccak256(&rlp));
    }

    #[test]
    fn attributes_with_parent_json_round_trip() {
        let s = sample();
        let json = serde_json::to_value(&s).unwrap();
        let attrs = &json["attributes"];
        assert_eq!(attrs["suggestedFeeRecipient"], "0x4200000000000000000000000000000000000011");
        assert_eq!(attrs["noTxPool"], true);
        assert_eq!(attrs["gasLimit"], "0x2625a00");
        assert_eq!(attrs["withdrawals"], serde_json::json!([]));
        assert_eq!(attrs["eip1559Params"], "0x000000fa00000006");
        assert_eq!(attrs["minBaseFee"], 777);
        assert_eq!(json["isLastInSpan"], true);
        assert_eq!(json["derivedFrom"]["number"], 101);
        assert_eq!(json["parent"]["seqNumber"], 5);
        let back: AttributesWithParent = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
    }
}
