//! Payloads: which Engine API version serves which OP fork, payload-attribute checks, built
//! payloads and their ids, execution-payload envelopes, and turning a received payload back into
//! the attributes that re-execute it.
//!
//! Engine API forks map onto OP forks: Paris = Bedrock, Shanghai = Canyon, Cancun = Ecotone,
//! Prague = Isthmus.

use std::collections::{HashMap, VecDeque};

use alloy_consensus::{Header, Transaction};
use alloy_eips::Decodable2718;
use alloy_primitives::{B64, B256, Bytes, U256};
use alloy_rpc_types_engine::{
    BlobsBundleV1, ExecutionPayloadEnvelopeV2, ExecutionPayloadFieldV2, ExecutionPayloadV1,
    ExecutionPayloadV2, ExecutionPayloadV3, PayloadAttributes, PayloadId,
};
use keel_core::config::RollupConfig;
use op_alloy_consensus::{OpReceiptEnvelope, OpTxEnvelope};
use op_alloy_rpc_types_engine::{
    OpExecutionPayloadEnvelopeV3, OpExecutionPayloadEnvelopeV4, OpExecutionPayloadV4,
    OpPayloadAttributes,
};
use serde_json::Value;

use super::{rpc::RpcError, store::StoredBlock};

/// Built payloads kept for `engine_getPayload` and for skipping re-execution in
/// `engine_newPayload`.
const MAX_BUILT_PAYLOADS: usize = 64;

/// The Engine API fork of an L2 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EngineFork {
    /// Bedrock / Regolith (Engine API Paris: V1 structures).
    Bedrock,
    /// Canyon .. Delta (Shanghai: withdrawals, V2).
    Canyon,
    /// Ecotone .. Holocene (Cancun: blob gas fields, parent beacon block root, V3).
    Ecotone,
    /// Isthmus and later (Prague: execution requests, OP `withdrawalsRoot`, V4).
    Isthmus,
}

impl EngineFork {
    /// The fork active at `timestamp`.
    pub(crate) fn at(config: &RollupConfig, timestamp: u64) -> Self {
        if config.is_isthmus_active(timestamp) {
            Self::Isthmus
        } else if config.is_ecotone_active(timestamp) {
            Self::Ecotone
        } else if config.is_canyon_active(timestamp) {
            Self::Canyon
        } else {
            Self::Bedrock
        }
    }
}

/// Parses payload attributes, taking `minBaseFee` as the spec's QUANTITY (hex string) as
/// well as a JSON number (op-alloy's serde form).
pub(crate) fn parse_attributes(mut value: Value) -> Result<OpPayloadAttributes, RpcError> {
    if let Some(field) = value.get_mut("minBaseFee")
        && let Some(text) = field.as_str()
    {
        let digits = text
            .strip_prefix("0x")
            .ok_or_else(|| RpcError::invalid_params("minBaseFee must be a hex quantity"))?;
        let number = u64::from_str_radix(digits, 16)
            .map_err(|e| RpcError::invalid_params(format!("minBaseFee: {e}")))?;
        *field = Value::from(number);
    }
    serde_json::from_value(value)
        .map_err(|e| RpcError::invalid_params(format!("payloadAttributes: {e}")))
}

/// Checks the shape and fork of `engine_forkchoiceUpdatedV{version}` payload attributes:
/// -32602 for a structure of the wrong version, -38005 for a timestamp outside the method's
/// forks.
pub(crate) fn check_attributes_version(
    config: &RollupConfig,
    version: u8,
    attrs: &OpPayloadAttributes,
) -> Result<(), RpcError> {
    let a = &attrs.payload_attributes;
    let fork = EngineFork::at(config, a.timestamp);
    if a.slot_number.is_some() || a.target_gas_limit.is_some() {
        return Err(RpcError::invalid_params("slotNumber and targetGasLimit are not supported"));
    }
    match version {
        1 => {
            if a.withdrawals.is_some() || a.parent_beacon_block_root.is_some() {
                return Err(RpcError::invalid_params(
                    "forkchoiceUpdatedV1 takes PayloadAttributesV1 (no withdrawals or parentBeaconBlockRoot)",
                ));
            }
            if fork >= EngineFork::Canyon {
                return Err(RpcError::unsupported_fork(
                    "forkchoiceUpdatedV1 cannot build Canyon (Shanghai) payloads",
                ));
            }
        }
        2 => {
            if fork >= EngineFork::Ecotone {
                return Err(RpcError::unsupported_fork(
                    "forkchoiceUpdatedV2 cannot build Ecotone (Cancun) payloads; use V3",
                ));
            }
            if a.parent_beacon_block_root.is_some() {
                return Err(RpcError::invalid_params(
                    "forkchoiceUpdatedV2 attributes must not have parentBeaconBlockRoot",
                ));
            }
            match (fork == EngineFork::Canyon, a.withdrawals.is_some()) {
                (true, false) => {
                    return Err(RpcError::invalid_params(
                        "Canyon payload attributes need withdrawals (PayloadAttributesV2)",
                    ));
                }
                (false, true) => {
                    return Err(RpcError::invalid_params(
                        "pre-Canyon payload attributes must not have withdrawals (PayloadAttributesV1)",
                    ));
                }
                _ => {}
            }
        }
        _ => {
            if a.withdrawals.is_none() || a.parent_beacon_block_root.is_none() {
                return Err(RpcError::invalid_params(
                    "forkchoiceUpdatedV3 takes PayloadAttributesV3 (withdrawals and parentBeaconBlockRoot)",
                ));
            }
            if fork < EngineFork::Ecotone {
                return Err(RpcError::unsupported_fork(
                    "forkchoiceUpdatedV3 builds only Ecotone (Cancun) and later payloads",
                ));
            }
        }
    }
    Ok(())
}

/// Checks attributes against the head they build on (-38003 on failure): a later timestamp,
/// a gas limit, no L1 withdrawals, `eip1559Params` exactly from Holocene and `minBaseFee`
/// exactly from Jovian.
pub(crate) fn validate_attributes(
    config: &RollupConfig,
    parent: &Header,
    attrs: &OpPayloadAttributes,
) -> Result<(), RpcError> {
    let ts = attrs.payload_attributes.timestamp;
    if ts <= parent.timestamp {
        return Err(RpcError::invalid_attributes(format!(
            "timestamp {ts} is not after the parent's {}",
            parent.timestamp
        )));
    }
    match attrs.gas_limit {
        None => return Err(RpcError::invalid_attributes("gasLimit is required")),
        Some(0) => return Err(RpcError::invalid_attributes("gasLimit is zero")),
        Some(_) => {}
    }
    if attrs.payload_attributes.withdrawals.as_ref().is_some_and(|w| !w.is_empty()) {
        return Err(RpcError::invalid_attributes("OP Stack withdrawals must be empty"));
    }
    let holocene = config.is_holocene_active(ts);
    match (holocene, attrs.eip_1559_params) {
        (true, None) => {
            return Err(RpcError::invalid_attributes("Holocene attributes need eip1559Params"));
        }
        (false, Some(_)) => {
            return Err(RpcError::invalid_attributes("eip1559Params must be null before Holocene"));
        }
        (true, Some(params)) => {
            // A zero denominator with a non-zero elasticity encodes no valid parameters.
            let (denominator, elasticity) = params.0.split_at(4);
            if denominator == [0u8; 4] && elasticity != [0u8; 4] {
                return Err(RpcError::invalid_attributes(
                    "eip1559Params has a zero denominator and a non-zero elasticity",
                ));
            }
        }
        (false, None) => {}
    }
    match (config.is_jovian_active(ts), attrs.min_base_fee) {
        (true, None) => Err(RpcError::invalid_attributes("Jovian attributes need minBaseFee")),
        (false, Some(_)) => {
            Err(RpcError::invalid_attributes("minBaseFee must be null before Jovian"))
        }
        _ => Ok(()),
    }
}

/// The deterministic 8-byte id of a build: a hash of the parent and the attributes, its first
/// byte the forkchoiceUpdated version.
pub(crate) fn payload_id(parent: &B256, attrs: &OpPayloadAttributes, version: u8) -> PayloadId {
    attrs.payload_id(parent, version)
}

/// A block keel built, ready for `engine_getPayload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuiltPayload {
    /// The block hash.
    pub(crate) hash: B256,
    /// Header, transactions and receipts.
    pub(crate) block: StoredBlock,
    /// New state trie nodes and code, persisted when the block is imported.
    pub(crate) preimages: Vec<(B256, Bytes)>,
    /// Priority fees paid to the fee recipient.
    pub(crate) block_value: U256,
}

/// Recently built payloads by id (and by block hash).
#[derive(Debug, Default)]
pub(crate) struct PayloadCache {
    by_id: HashMap<PayloadId, BuiltPayload>,
    order: VecDeque<PayloadId>,
}

impl PayloadCache {
    /// The payload built under `id`.
    pub(crate) fn get(&self, id: &PayloadId) -> Option<&BuiltPayload> {
        self.by_id.get(id)
    }

    /// A built payload whose block hash is `hash`.
    pub(crate) fn by_hash(&self, hash: B256) -> Option<&BuiltPayload> {
        self.by_id.values().find(|p| p.hash == hash)
    }

    /// Keeps a payload, evicting the oldest beyond [`MAX_BUILT_PAYLOADS`].
    pub(crate) fn insert(&mut self, id: PayloadId, payload: BuiltPayload) {
        if self.by_id.insert(id, payload).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > MAX_BUILT_PAYLOADS {
            if let Some(old) = self.order.pop_front() {
                self.by_id.remove(&old);
            }
        }
    }
}

/// Most invalid blocks remembered.
const MAX_INVALID_BLOCKS: usize = 1024;

/// Blocks found invalid, with the latest valid ancestor each: a repeated newPayload, a child of
/// one, or a forkchoice to one is answered INVALID without re-executing.
#[derive(Debug, Default)]
pub(crate) struct InvalidBlocks {
    latest_valid: HashMap<B256, B256>,
    order: VecDeque<B256>,
}

impl InvalidBlocks {
    /// The latest valid ancestor of `hash`, if `hash` was found invalid.
    pub(crate) fn get(&self, hash: &B256) -> Option<B256> {
        self.latest_valid.get(hash).copied()
    }

    /// Remembers that `hash` is invalid and `latest_valid` its latest valid ancestor.
    pub(crate) fn insert(&mut self, hash: B256, latest_valid: B256) {
        if self.latest_valid.insert(hash, latest_valid).is_none() {
            self.order.push_back(hash);
        }
        while self.order.len() > MAX_INVALID_BLOCKS {
            if let Some(old) = self.order.pop_front() {
                self.latest_valid.remove(&old);
            }
        }
    }
}

/// The sum of priority fees the block pays its fee recipient (deposits pay none).
pub(crate) fn block_value(header: &Header, txs: &[Bytes], receipts: &[OpReceiptEnvelope]) -> U256 {
    let base_fee = header.base_fee_per_gas.unwrap_or_default();
    let mut previous_cumulative = 0u64;
    let mut value = U256::ZERO;
    for (raw, receipt) in txs.iter().zip(receipts) {
        let cumulative = receipt.cumulative_gas_used();
        let gas_used = cumulative.saturating_sub(previous_cumulative);
        previous_cumulative = cumulative;
        let Ok(tx) = OpTxEnvelope::decode_2718_exact(raw) else { continue };
        if tx.is_deposit() {
            continue;
        }
        let tip = tx.effective_tip_per_gas(base_fee).unwrap_or_default();
        value = value.saturating_add(U256::from(tip).saturating_mul(U256::from(gas_used)));
    }
    value
}

fn payload_v1(hash: B256, block: &StoredBlock) -> ExecutionPayloadV1 {
    let h = &block.header;
    ExecutionPayloadV1 {
        parent_hash: h.parent_hash,
        fee_recipient: h.beneficiary,
        state_root: h.state_root,
        receipts_root: h.receipts_root,
        logs_bloom: h.logs_bloom,
        prev_randao: h.mix_hash,
        block_number: h.number,
        gas_limit: h.gas_limit,
        gas_used: h.gas_used,
        timestamp: h.timestamp,
        extra_data: h.extra_data.clone(),
        base_fee_per_gas: U256::from(h.base_fee_per_gas.unwrap_or_default()),
        block_hash: hash,
        transactions: block.transactions.clone(),
    }
}

fn payload_v3(hash: B256, block: &StoredBlock) -> ExecutionPayloadV3 {
    ExecutionPayloadV3 {
        payload_inner: ExecutionPayloadV2 {
            payload_inner: payload_v1(hash, block),
            withdrawals: Vec::new(),
        },
        blob_gas_used: block.header.blob_gas_used.unwrap_or_default(),
        excess_blob_gas: block.header.excess_blob_gas.unwrap_or_default(),
    }
}

fn empty_blobs() -> BlobsBundleV1 {
    BlobsBundleV1 { commitments: Vec::new(), proofs: Vec::new(), blobs: Vec::new() }
}

/// The `engine_getPayloadV{version}` response for a built payload, or -38005 when the
/// payload's fork is not the version's.
pub(crate) fn envelope(
    config: &RollupConfig,
    version: u8,
    payload: &BuiltPayload,
) -> Result<Value, RpcError> {
    let header = &payload.block.header;
    let fork = EngineFork::at(config, header.timestamp);
    let wrong = |served: &str| {
        RpcError::unsupported_fork(format!(
            "getPayloadV{version} serves {served} payloads; this payload (timestamp {}) is {fork:?}",
            header.timestamp
        ))
    };
    let json = match version {
        2 => {
            if fork >= EngineFork::Ecotone {
                return Err(wrong("pre-Ecotone"));
            }
            let v1 = payload_v1(payload.hash, &payload.block);
            let execution_payload = if fork == EngineFork::Canyon {
                ExecutionPayloadFieldV2::V2(ExecutionPayloadV2 {
                    payload_inner: v1,
                    withdrawals: Vec::new(),
                })
            } else {
                ExecutionPayloadFieldV2::V1(v1)
            };
            serde_json::to_value(ExecutionPayloadEnvelopeV2 {
                execution_payload,
                block_value: payload.block_value,
            })
        }
        3 => {
            if fork != EngineFork::Ecotone {
                return Err(wrong("Ecotone to Holocene"));
            }
            serde_json::to_value(OpExecutionPayloadEnvelopeV3 {
                execution_payload: payload_v3(payload.hash, &payload.block),
                block_value: payload.block_value,
                blobs_bundle: empty_blobs(),
                should_override_builder: false,
                parent_beacon_block_root: header.parent_beacon_block_root.unwrap_or_default(),
            })
        }
        _ => {
            if fork < EngineFork::Isthmus {
                return Err(wrong("Isthmus and later"));
            }
            serde_json::to_value(OpExecutionPayloadEnvelopeV4 {
                execution_payload: OpExecutionPayloadV4::from_v3_with_withdrawals_root(
                    payload_v3(payload.hash, &payload.block),
                    header.withdrawals_root.unwrap_or_default(),
                ),
                block_value: payload.block_value,
                blobs_bundle: empty_blobs(),
                should_override_builder: false,
                parent_beacon_block_root: header.parent_beacon_block_root.unwrap_or_default(),
                execution_requests: Vec::new(),
            })
        }
    };
    json.map_err(RpcError::internal)
}

/// Why a received block cannot be turned back into payload attributes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReplayError {
    /// The Holocene/Jovian `extraData` does not hold the expected version and parameters.
    #[error("extraData {0} does not encode the fork's EIP-1559 parameters")]
    ExtraData(Bytes),
}

/// The attributes that re-execute a received block on its parent: its own timestamp,
/// prevRandao, fee recipient, gas limit, beacon root and transactions (the pool is not used),
/// with `eip1559Params` (Holocene) and `minBaseFee` (Jovian) read back from `extraData`.
pub(crate) fn attributes_for_block(
    config: &RollupConfig,
    header: &Header,
    transactions: &[Bytes],
) -> Result<OpPayloadAttributes, ReplayError> {
    let ts = header.timestamp;
    let extra = &header.extra_data;
    let bad = || ReplayError::ExtraData(extra.clone());
    let (eip_1559_params, min_base_fee) = if config.is_jovian_active(ts) {
        if extra.len() != 17 || extra.first() != Some(&1) {
            return Err(bad());
        }
        let params = extra.get(1..9).and_then(|b| B64::try_from(b).ok()).ok_or_else(bad)?;
        let min = extra
            .get(9..17)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(bad)?;
        (Some(params), Some(min))
    } else if config.is_holocene_active(ts) {
        if extra.len() != 9 || extra.first() != Some(&0) {
            return Err(bad());
        }
        let params = extra.get(1..9).and_then(|b| B64::try_from(b).ok()).ok_or_else(bad)?;
        (Some(params), None)
    } else {
        (None, None)
    };
    Ok(OpPayloadAttributes {
        payload_attributes: PayloadAttributes {
            timestamp: ts,
            prev_randao: header.mix_hash,
            suggested_fee_recipient: header.beneficiary,
            withdrawals: config.is_canyon_active(ts).then(Vec::new),
            parent_beacon_block_root: header.parent_beacon_block_root,
            slot_number: None,
            target_gas_limit: None,
        },
        transactions: Some(transactions.to_vec()),
        no_tx_pool: Some(true),
        gas_limit: Some(header.gas_limit),
        eip_1559_params,
        min_base_fee,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use alloy_primitives::Address;

    use super::*;

    fn config() -> RollupConfig {
        RollupConfig {
            regolith_time: Some(0),
            canyon_time: Some(10),
            ecotone_time: Some(20),
            holocene_time: Some(30),
            isthmus_time: Some(40),
            jovian_time: Some(50),
            ..Default::default()
        }
    }

    fn attrs(ts: u64, withdrawals: bool, beacon: bool) -> OpPayloadAttributes {
        OpPayloadAttributes {
            payload_attributes: PayloadAttributes {
                timestamp: ts,
                prev_randao: B256::ZERO,
                suggested_fee_recipient: Address::ZERO,
                withdrawals: withdrawals.then(Vec::new),
                parent_beacon_block_root: beacon.then_some(B256::ZERO),
                slot_number: None,
                target_gas_limit: None,
            },
            transactions: None,
            no_tx_pool: None,
            gas_limit: Some(30_000_000),
            eip_1559_params: None,
            min_base_fee: None,
        }
    }

    fn code(r: Result<(), RpcError>) -> i64 {
        r.err().map_or(0, |e| e.code)
    }

    #[test]
    fn min_base_fee_as_quantity_or_number() {
        let base = serde_json::json!({
            "timestamp": "0x5", "prevRandao": B256::ZERO, "suggestedFeeRecipient": Address::ZERO,
        });
        let mut hex = base.clone();
        hex["minBaseFee"] = "0x10".into();
        assert_eq!(parse_attributes(hex).unwrap().min_base_fee, Some(16));
        let mut num = base.clone();
        num["minBaseFee"] = 16.into();
        assert_eq!(parse_attributes(num).unwrap().min_base_fee, Some(16));
        let mut bad = base;
        bad["minBaseFee"] = "16".into();
        assert_eq!(parse_attributes(bad).unwrap_err().code, -32602);
    }

    #[test]
    fn fork_of_timestamp() {
        let c = config();
        assert_eq!(EngineFork::at(&c, 9), EngineFork::Bedrock);
        assert_eq!(EngineFork::at(&c, 10), EngineFork::Canyon);
        assert_eq!(EngineFork::at(&c, 39), EngineFork::Ecotone);
        assert_eq!(EngineFork::at(&c, 40), EngineFork::Isthmus);
    }

    #[test]
    fn forkchoice_attribute_versions() {
        let c = config();
        assert_eq!(code(check_attributes_version(&c, 1, &attrs(5, false, false))), 0);
        assert_eq!(code(check_attributes_version(&c, 1, &attrs(15, false, false))), -38005);
        assert_eq!(code(check_attributes_version(&c, 1, &attrs(5, true, false))), -32602);
        assert_eq!(code(check_attributes_version(&c, 2, &attrs(15, true, false))), 0);
        assert_eq!(code(check_attributes_version(&c, 2, &attrs(15, false, false))), -32602);
        assert_eq!(code(check_attributes_version(&c, 2, &attrs(5, true, false))), -32602);
        assert_eq!(code(check_attributes_version(&c, 2, &attrs(25, true, true))), -38005);
        assert_eq!(code(check_attributes_version(&c, 3, &attrs(25, true, true))), 0);
        assert_eq!(code(check_attributes_version(&c, 3, &attrs(45, true, true))), 0);
        assert_eq!(code(check_attributes_version(&c, 3, &attrs(15, true, true))), -38005);
        assert_eq!(code(check_attributes_version(&c, 3, &attrs(25, true, false))), -32602);
    }

    #[test]
    fn attributes_against_parent() {
        let c = config();
        let parent = Header { timestamp: 24, ..Default::default() };
        assert_eq!(code(validate_attributes(&c, &parent, &attrs(25, true, true))), 0);
        assert_eq!(code(validate_attributes(&c, &parent, &attrs(24, true, true))), -38003);
        let mut a = attrs(25, true, true);
        a.gas_limit = None;
        assert_eq!(code(validate_attributes(&c, &parent, &a)), -38003);
        let mut a = attrs(35, true, true);
        assert_eq!(code(validate_attributes(&c, &parent, &a)), -38003);
        a.eip_1559_params = Some(B64::ZERO);
        assert_eq!(code(validate_attributes(&c, &parent, &a)), 0);
        a.min_base_fee = Some(1);
        assert_eq!(code(validate_attributes(&c, &parent, &a)), -38003);
        let mut a = attrs(55, true, true);
        a.eip_1559_params = Some(B64::ZERO);
        assert_eq!(code(validate_attributes(&c, &parent, &a)), -38003);
        a.min_base_fee = Some(7);
        assert_eq!(code(validate_attributes(&c, &parent, &a)), 0);
    }

    #[test]
    fn replay_reads_eip1559_params_and_min_base_fee_from_extra_data() {
        let c = config();
        let mut header = Header { timestamp: 55, gas_limit: 9, ..Default::default() };
        let mut extra = vec![1u8];
        extra.extend_from_slice(&[0, 0, 0, 250, 0, 0, 0, 6]);
        extra.extend_from_slice(&7u64.to_be_bytes());
        header.extra_data = extra.into();
        let a = attributes_for_block(&c, &header, &[]).unwrap();
        assert_eq!(a.eip_1559_params, Some(B64::from([0, 0, 0, 250, 0, 0, 0, 6])));
        assert_eq!(a.min_base_fee, Some(7));
        assert_eq!(a.gas_limit, Some(9));
        assert_eq!(a.no_tx_pool, Some(true));
        header.extra_data = Bytes::from(vec![0u8; 9]);
        assert!(attributes_for_block(&c, &header, &[]).is_err());
        header.timestamp = 35;
        assert_eq!(attributes_for_block(&c, &header, &[]).unwrap().min_base_fee, None);
        header.timestamp = 5;
        header.extra_data = Bytes::new();
        let a = attributes_for_block(&c, &header, &[]).unwrap();
        assert_eq!(a.payload_attributes.withdrawals, None);
    }

    #[test]
    fn envelope_version_must_match_fork() {
        let c = config();
        let payload = |ts| BuiltPayload {
            hash: B256::ZERO,
            block: StoredBlock {
                header: Header { timestamp: ts, ..Default::default() },
                transactions: vec![],
                receipts: vec![],
            },
            preimages: vec![],
            block_value: U256::ZERO,
        };
        assert!(
            envelope(&c, 2, &payload(15)).unwrap()["executionPayload"]["withdrawals"].is_array()
        );
        assert!(
            envelope(&c, 2, &payload(5)).unwrap()["executionPayload"].get("withdrawals").is_none()
        );
        assert_eq!(envelope(&c, 2, &payload(25)).unwrap_err().code, -38005);
        let v3 = envelope(&c, 3, &payload(25)).unwrap();
        assert!(v3.get("parentBeaconBlockRoot").is_some());
        assert_eq!(envelope(&c, 3, &payload(45)).unwrap_err().code, -38005);
        let v4 = envelope(&c, 4, &payload(45)).unwrap();
        assert_eq!(v4["executionRequests"], serde_json::json!([]));
        assert!(v4["executionPayload"].get("withdrawalsRoot").is_some());
        assert_eq!(envelope(&c, 4, &payload(25)).unwrap_err().code, -38005);
    }
}
