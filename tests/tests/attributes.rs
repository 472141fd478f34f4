//! Payload attributes rebuilt from real chain data (checklist §4.1–§4.3, §5.3): Base Sepolia
//! block 37312300 from its L1 origin header and receipts, its parent header and L1-info deposit;
//! Base Mainnet block 43127820 from the constants of its L1 origin and its published attributes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use alloy_consensus::{Header, ReceiptEnvelope, TxEnvelope};
use alloy_eips::BlockNumHash;
use alloy_primitives::{B64, B256, Bytes, address, b256};
use keel_core::config::{Eip1559Params, RollupConfig, SystemConfig};
use keel_core::deposit::{decode_deposit, l1_info_source_hash};
use keel_core::derive::attributes::{
    AttributesBuilder, AttributesWithParent, OpPayloadAttributes, SEQUENCER_FEE_VAULT,
    attributes_hash, with_batch_transactions,
};
use keel_core::derive::error::DataKey;
use keel_core::derive::{L1BlockRef, L1Provider, L2BlockRef, PipelineError, ProviderError};
use keel_core::l1_info::{EcotoneScalars, L1BlobSchedule, L1BlockInfo};
use keel_core::system_config_update::{L2HeaderFields, system_config_from_l2_block};
use keel_tests::{json_hex, json_quantity as quantity, read_json_vector as json};
use serde_json::Value;

fn hex_bytes(v: &Value) -> Bytes {
    Bytes::from(json_hex(v))
}

fn hex_list(v: &Value) -> Vec<Bytes> {
    v.as_array().unwrap().iter().map(hex_bytes).collect()
}

fn b256_of(v: &Value) -> B256 {
    v.as_str().unwrap().parse().unwrap()
}

/// L1 headers and receipts by hash, counting receipt reads.
#[derive(Default)]
struct FixtureL1 {
    headers: BTreeMap<B256, Header>,
    receipts: BTreeMap<B256, Vec<ReceiptEnvelope>>,
    receipt_reads: usize,
}

impl L1Provider for FixtureL1 {
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

/// Base Sepolia 37312300 (vectors README §4.2): the L1 provider over its origin, the parent ref
/// (from the parent's header and L1-info deposit) and the config recovered from the parent.
struct BaseSepolia {
    v: Value,
    rollup: RollupConfig,
    l1: FixtureL1,
    origin: Header,
    parent: L2BlockRef,
    sys: SystemConfig,
}

fn base_sepolia() -> BaseSepolia {
    let v = json("l1info/base-sepolia-37312300.block-fixture.json");
    let rollup = RollupConfig::by_name("base-sepolia").unwrap();
    let origin: Header = serde_json::from_value(v["l1Origin"].clone()).unwrap();
    let origin_hash = origin.hash_slow();
    assert_eq!(
        origin_hash,
        b256!("585505921588ef811d89ffe45ccbbeb1200d737f6375eb374c9173d60bca07e3")
    );
    let receipts: Vec<ReceiptEnvelope> = serde_json::from_value(v["l1Receipts"].clone()).unwrap();
    assert_eq!(receipts.len(), 104);
    let mut l1 = FixtureL1::default();
    l1.headers.insert(origin_hash, origin.clone());
    l1.receipts.insert(origin_hash, receipts);

    let parent_header: Header = serde_json::from_value(v["witness"]["Headers"][0].clone()).unwrap();
    let parent_tx0 = hex_bytes(&v["previousBlockTxs"][0]);
    let info = L1BlockInfo::decode_for_l2_block(
        &rollup,
        parent_header.timestamp,
        &decode_deposit(&parent_tx0).unwrap().input,
    )
    .unwrap();
    let parent = L2BlockRef {
        hash: parent_header.hash_slow(),
        number: parent_header.number,
        parent_hash: parent_header.parent_hash,
        timestamp: parent_header.timestamp,
        l1_origin: BlockNumHash { number: info.number, hash: info.block_hash },
        seq_number: info.sequence_number,
    };
    assert_eq!(parent.hash, b256_of(&v["blockHeader"]["parentHash"]));
    assert_eq!((parent.number, parent.seq_number), (37_312_299, 2));
    assert_eq!(parent.l1_origin, BlockNumHash { number: 10_204_429, hash: origin_hash });
    let sys = system_config_from_l2_block(
        &rollup,
        &L2HeaderFields::from_header(&parent_header),
        Some(&parent_tx0),
    )
    .unwrap();
    BaseSepolia { v, rollup, l1, origin, parent, sys }
}

#[test]
fn rule_4_2_base_sepolia_37312300_attributes_rebuilt() {
    let BaseSepolia { v, rollup, mut l1, origin, parent, mut sys } = base_sepolia();
    let header = &v["blockHeader"];
    let timestamp = quantity(&header["timestamp"]);
    assert_eq!(timestamp, 1_770_392_888);
    let before = sys;
    let builder = AttributesBuilder::new(rollup, L1BlobSchedule::SEPOLIA);
    let attrs = builder
        .prepare_payload_attributes(&mut l1, &mut sys, &parent, parent.l1_origin, timestamp)
        .unwrap();

    // Same epoch: only the header was read, the config is the parent's.
    assert_eq!(l1.receipt_reads, 0);
    assert_eq!(sys, before);

    let actual = hex_list(&v["actualBlockTxs"]);
    let txs = attrs.transactions.as_ref().unwrap();
    assert_eq!(txs.len(), 1);
    assert_eq!(txs[0], actual[0], "L1-info deposit (seq 3) byte for byte");

    let pa = &attrs.payload_attributes;
    assert_eq!(pa.timestamp, timestamp);
    assert_eq!(pa.prev_randao, origin.mix_hash);
    assert_eq!(pa.prev_randao, b256_of(&header["mixHash"]));
    assert_eq!(pa.suggested_fee_recipient, SEQUENCER_FEE_VAULT);
    assert_eq!(
        pa.suggested_fee_recipient,
        header["miner"].as_str().unwrap().parse::<alloy_primitives::Address>().unwrap()
    );
    assert_eq!(pa.withdrawals, Some(vec![]));
    assert_eq!(pa.parent_beacon_block_root, origin.parent_beacon_block_root);
    assert_eq!(
        pa.parent_beacon_block_root,
        Some(b256!("c923a035d13c35a9303b688bc19be1f5227ccc2f82aac90dd2cf6ca28bf86bb3"))
    );
    assert_eq!(attrs.no_tx_pool, Some(true));
    assert_eq!(attrs.gas_limit, Some(quantity(&header["gasLimit"])));
    assert_eq!(attrs.gas_limit, Some(60_000_000));
    // Jovian extraData = 0x01 ++ eip1559Params (8 bytes) ++ minBaseFee (8 bytes).
    let extra = hex_bytes(&header["extraData"]);
    assert_eq!(attrs.eip_1559_params, Some(B64::from_slice(&extra[1..9])));
    assert_eq!(sys.eip1559_params, Eip1559Params { denominator: 50, elasticity: 4 });
    assert_eq!(attrs.min_base_fee, Some(200_000));
    assert_eq!(attrs.min_base_fee, Some(u64::from_be_bytes(extra[9..17].try_into().unwrap())));

    let full = with_batch_transactions(attrs, hex_list(&v["sequencedTxs"]));
    assert_eq!(full.transactions.as_ref().unwrap(), &actual, "all 20 txs of the block");

    // The pipeline output's digest is pinned: hosts compare outputs by it.
    let out = AttributesWithParent {
        attributes: full.clone(),
        parent,
        derived_from: None,
        is_last_in_span: true,
    };
    assert_eq!(out.attributes_hash(), attributes_hash(&full));
    assert_eq!(
        out.attributes_hash(),
        b256!("f4e823adc675e2d03964cafd225af18c9a172f0455e713441608873b2d259ca8")
    );
    let line = serde_json::to_string(&out).unwrap();
    let back: AttributesWithParent = serde_json::from_str(&line).unwrap();
    assert_eq!(back.attributes_hash(), out.attributes_hash());
}

#[test]
fn rule_4_2_base_sepolia_rollup_json_gives_same_attributes() {
    // The fixture's own op-node rollup.json must agree with the built-in config. Its
    // `l2_chain_id` is the string "base-sepolia" (README §4.2): set the real ID, 84532.
    let BaseSepolia { v, rollup, mut l1, parent, sys, .. } = base_sepolia();
    let mut raw = v["rollupConfig"].clone();
    assert_eq!(raw["l2_chain_id"], "base-sepolia");
    raw["l2_chain_id"] = 84_532.into();
    let from_json = RollupConfig::from_json(&raw.to_string()).unwrap();
    let t = parent.timestamp + 2;
    let a = AttributesBuilder::new(rollup, L1BlobSchedule::SEPOLIA)
        .prepare_payload_attributes(&mut l1, &mut sys.clone(), &parent, parent.l1_origin, t)
        .unwrap();
    let b = AttributesBuilder::new(from_json, L1BlobSchedule::SEPOLIA)
        .prepare_payload_attributes(&mut l1, &mut sys.clone(), &parent, parent.l1_origin, t)
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn rule_4_3_base_sepolia_origin_as_new_epoch() {
    // Pretend the parent was on the origin's L1 parent: the real 104 receipts are scanned (no
    // deposits, no config updates) and the L1-info deposit restarts at sequence number 0.
    let BaseSepolia { v, rollup, mut l1, origin, parent, mut sys } = base_sepolia();
    let before = sys;
    let epoch = parent.l1_origin;
    let prev_epoch = BlockNumHash { number: epoch.number - 1, hash: origin.parent_hash };
    let on_prev = L2BlockRef { l1_origin: prev_epoch, seq_number: 7, ..parent };
    let builder = AttributesBuilder::new(rollup.clone(), L1BlobSchedule::SEPOLIA);
    let t = parent.timestamp + 2;
    let attrs = builder.prepare_payload_attributes(&mut l1, &mut sys, &on_prev, epoch, t).unwrap();
    assert_eq!(l1.receipt_reads, 1);
    assert_eq!(sys, before);
    let txs = attrs.transactions.as_ref().unwrap();
    assert_eq!(txs.len(), 1, "no user deposits in Sepolia block 10204429");
    let tx = decode_deposit(&txs[0]).unwrap();
    assert_eq!(tx.source_hash, l1_info_source_hash(epoch.hash, 0));
    let actual = hex_bytes(&v["actualBlockTxs"][0]);
    let actual_info =
        L1BlockInfo::decode_for_l2_block(&rollup, t, &decode_deposit(&actual).unwrap().input)
            .unwrap();
    assert_eq!(
        L1BlockInfo::decode_for_l2_block(&rollup, t, &tx.input).unwrap(),
        L1BlockInfo { sequence_number: 0, ..actual_info }
    );

    // On a parent whose origin is not the new origin's parent: reset.
    let stray = L2BlockRef {
        l1_origin: BlockNumHash { number: epoch.number - 1, hash: B256::repeat_byte(1) },
        ..parent
    };
    assert!(matches!(
        builder.prepare_payload_attributes(&mut l1, &mut sys, &stray, epoch, t),
        Err(PipelineError::Reset(_))
    ));
}

#[test]
fn rule_4_2_base_mainnet_43127820_attributes_rebuilt() {
    let c = json("l1info/base-mainnet-43127820.constants.EXTRACTED.json");
    let k = &c["constants"];
    let published = json("l1info/base-mainnet-43127820.payload-attributes.json");
    let expected: OpPayloadAttributes =
        serde_json::from_value(published["OpPayloadAttributes"].clone()).unwrap();
    let expected_txs = expected.transactions.clone().unwrap();
    assert_eq!(expected_txs.len(), 182);

    // The constants give a partial L1 header; the real hash is in the L1-info deposit (README
    // §4.3). The provider serves it under that hash with the attributes' mix hash and beacon
    // root, the only other header fields the attributes read.
    let origin_hash = b256!("2849b9d96a4ed110348a629ba2526858df4433934a2c033f99e6e88feb50f673");
    let origin = Header {
        number: k["L1_BLOCK_NUMBER"].as_u64().unwrap(),
        timestamp: k["L1_BLOCK_TIMESTAMP"].as_u64().unwrap(),
        base_fee_per_gas: k["L1_BASE_FEE"].as_u64(),
        excess_blob_gas: k["L1_EXCESS_BLOB_GAS"].as_u64(),
        blob_gas_used: Some(0),
        mix_hash: expected.payload_attributes.prev_randao,
        parent_beacon_block_root: expected.payload_attributes.parent_beacon_block_root,
        ..Default::default()
    };
    let mut l1 = FixtureL1::default();
    l1.headers.insert(origin_hash, origin);

    let parent = L2BlockRef {
        hash: b256_of(&k["L2_PARENT_HASH"]),
        number: k["L2_PARENT_NUMBER"].as_u64().unwrap(),
        parent_hash: B256::ZERO,
        timestamp: k["L2_PARENT_TIMESTAMP"].as_u64().unwrap(),
        l1_origin: BlockNumHash { number: 24_618_713, hash: origin_hash },
        seq_number: k["L2_PARENT_SEQ_NUM"].as_u64().unwrap(),
    };
    // The config in force: batcher and scalars from the constants, gas limit and EIP-1559
    // values as the block's header carried them (the published attributes' values).
    let mut sys = SystemConfig {
        batcher_address: address!("5050f69a9786f081509234f1a7f4684b5e5b76c9"),
        scalar: EcotoneScalars { base_fee_scalar: 2269, blob_base_fee_scalar: 1_055_762 }
            .to_scalar(),
        gas_limit: 375_000_000,
        eip1559_params: Eip1559Params { denominator: 125, elasticity: 6 },
        min_base_fee: 5_000_000,
        da_footprint_gas_scalar: 139,
        ..Default::default()
    };
    let builder = AttributesBuilder::new(
        RollupConfig::by_name("base-mainnet").unwrap(),
        L1BlobSchedule::MAINNET,
    );
    let attrs = builder
        .prepare_payload_attributes(
            &mut l1,
            &mut sys,
            &parent,
            parent.l1_origin,
            parent.timestamp + 2,
        )
        .unwrap();
    assert_eq!(l1.receipt_reads, 0);

    let txs = attrs.transactions.as_ref().unwrap();
    assert_eq!(txs.len(), 1);
    assert_eq!(txs[0], expected_txs[0], "L1-info deposit (seq 4) byte for byte");
    assert_eq!(attrs.payload_attributes.timestamp, 1_773_044_987);
    assert_eq!(attrs.gas_limit, Some(375_000_000));
    assert_eq!(attrs.eip_1559_params, Some(B64::from(0x0000_007d_0000_0006u64)));
    assert_eq!(attrs.min_base_fee, Some(5_000_000));
    assert_eq!(attrs.payload_attributes.suggested_fee_recipient, SEQUENCER_FEE_VAULT);
    assert_eq!(attrs.no_tx_pool, Some(true));
    assert_eq!(attrs.payload_attributes.withdrawals, Some(vec![]));

    // With the block's other 181 txs appended, every field equals the published attributes.
    let full = with_batch_transactions(attrs, expected_txs[1..].iter().cloned());
    assert_eq!(full, expected);
    assert_eq!(attributes_hash(&full), attributes_hash(&expected));
}
