//! SystemConfig updates and recovery on real chain data (checklist §5): the config recovered
//! from real L2 blocks (header + L1-info deposit), and a scan of real L1 receipts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_consensus::{Header, Receipt, ReceiptEnvelope};
use alloy_primitives::{Address, B256, address, hex};
use keel_core::config::{Eip1559Params, RollupConfig, SystemConfig};
use keel_core::deposit::decode_deposit;
use keel_core::l1_info::{EcotoneScalars, L1BlockInfo};
use keel_core::system_config_update::{
    CONFIG_UPDATE_TOPIC, L2HeaderFields, apply_receipts, decode_extra_data,
    system_config_from_l2_block,
};
use keel_tests::{json_hex as hex_bytes, json_quantity as quantity, read_json_vector as json};

/// The config of Base Sepolia at L2 block 37312300 (README §4.2).
fn base_sepolia_37312300_config() -> SystemConfig {
    SystemConfig {
        batcher_address: address!("fc56e7272eebbba5bc6c544e159483c4a38f8ba3"),
        overhead: B256::ZERO,
        scalar: EcotoneScalars { base_fee_scalar: 1101, blob_base_fee_scalar: 659_851 }.to_scalar(),
        gas_limit: 60_000_000,
        eip1559_params: Eip1559Params { denominator: 50, elasticity: 4 },
        operator_fee_scalar: 0,
        operator_fee_constant: 0,
        min_base_fee: 200_000,
        da_footprint_gas_scalar: 312,
    }
}

#[test]
fn rule_5_3_base_sepolia_37312300_jovian_block() {
    let v = json("l1info/base-sepolia-37312300.block-fixture.json");
    let rollup = RollupConfig::by_name("base-sepolia").unwrap();
    let h = &v["blockHeader"];
    let extra = hex_bytes(&h["extraData"]);
    assert_eq!(extra, hex!("0100000032000000040000000000030d40"));
    // The header lacks fields needed for its hash (README §4.2); the hash is only read at genesis.
    let fields = L2HeaderFields {
        number: quantity(&h["number"]),
        hash: B256::ZERO,
        timestamp: quantity(&h["timestamp"]),
        gas_limit: quantity(&h["gasLimit"]),
        extra_data: &extra,
    };
    assert_eq!((fields.number, fields.timestamp), (37_312_300, 1_770_392_888));
    assert!(rollup.is_jovian_active(fields.timestamp));
    let tx0 = hex_bytes(&v["actualBlockTxs"][0]);
    let cfg = system_config_from_l2_block(&rollup, &fields, Some(&tx0)).unwrap();
    assert_eq!(cfg, base_sepolia_37312300_config());
    assert_eq!(
        decode_extra_data(&rollup, fields.timestamp, &extra),
        Ok((cfg.eip1559_params, 200_000))
    );

    // The parent (#37312299, same epoch, L1-info seq 2) from its complete header.
    let parent: Header = serde_json::from_value(v["witness"]["Headers"][0].clone()).unwrap();
    assert_eq!(parent.hash_slow(), B256::from_slice(&hex_bytes(&h["parentHash"])));
    let parent_tx0 = hex_bytes(&v["previousBlockTxs"][0]);
    let parent_cfg = system_config_from_l2_block(
        &rollup,
        &L2HeaderFields::from_header(&parent),
        Some(&parent_tx0),
    )
    .unwrap();
    assert_eq!(parent_cfg, base_sepolia_37312300_config());
}

#[test]
fn rule_5_1_base_sepolia_l1_receipts_have_no_config_updates() {
    // Sepolia block 10204429 (README §4.2): 104 receipts, no ConfigUpdate logs, so the scan
    // changes nothing and skips nothing.
    let v = json("l1info/base-sepolia-37312300.block-fixture.json");
    let receipts: Vec<ReceiptEnvelope> = serde_json::from_value(v["l1Receipts"].clone()).unwrap();
    assert_eq!(receipts.len(), 104);
    assert!(
        receipts
            .iter()
            .flat_map(|r| r.logs())
            .all(|l| l.topics().first() != Some(&CONFIG_UPDATE_TOPIC))
    );
    let rollup = RollupConfig::by_name("base-sepolia").unwrap();
    assert_eq!(
        rollup.l1_system_config_address,
        address!("f272670eb55e895584501d564afeb048bed26194")
    );
    let before = base_sepolia_37312300_config();
    let mut cfg = before;
    let l1_time = 1_770_392_568;
    assert!(apply_receipts(&mut cfg, &receipts, &rollup, l1_time).is_empty());
    assert_eq!(cfg, before);

    // Any log of the block re-addressed to the SystemConfig still is not a config update
    // (wrong topic 0), so the result is the same.
    let moved: Vec<Receipt> = receipts
        .iter()
        .map(|r| {
            let mut receipt = r.as_receipt().unwrap().clone();
            for log in &mut receipt.logs {
                log.address = rollup.l1_system_config_address;
            }
            receipt
        })
        .collect();
    assert!(apply_receipts(&mut cfg, &moved, &rollup, l1_time).is_empty());
    assert_eq!(cfg, before);
}

/// Executor fixtures whose parent shares the L1-info deposit's epoch: either the previous
/// fixture is the parent (its tx 0 is the parent's), or the block's sequence number is not 0
/// (the parent has the same origin and config; only the sequence number differs).
const EXECUTOR_FIXTURES: [(&str, &str); 16] = [
    ("op-mainnet-132795025", "op-mainnet"),
    ("op-mainnet-132796000", "op-mainnet"),
    ("op-mainnet-132796100", "op-mainnet"),
    ("op-mainnet-132797000", "op-mainnet"),
    ("op-mainnet-132798000", "op-mainnet"),
    ("op-mainnet-132799000", "op-mainnet"),
    ("unichain-10211000", "unichain-mainnet"),
    ("unichain-10215000", "unichain-mainnet"),
    ("unichain-10311000", "unichain-mainnet"),
    ("op-sepolia-26207961", "op-sepolia"),
    ("op-sepolia-26207962", "op-sepolia"),
    ("op-sepolia-26207963", "op-sepolia"),
    ("op-sepolia-26208384", "op-sepolia"),
    ("op-sepolia-26208858", "op-sepolia"),
    ("op-sepolia-26208927", "op-sepolia"),
    ("op-sepolia-26211680", "op-sepolia"),
];

#[test]
fn rule_5_3_executor_parents_holocene_extra_data() {
    for (dir, network) in EXECUTOR_FIXTURES {
        let v = json(&format!("executor/{dir}/fixture.json"));
        let rollup = RollupConfig::by_name(network).unwrap();
        let parent: Header = serde_json::from_value(v["parent_header"].clone()).unwrap();
        assert_eq!(parent.extra_data.as_ref(), hex!("00000000fa00000006"), "{dir}");
        assert!(rollup.is_holocene_active(parent.timestamp), "{dir}");
        assert!(!rollup.is_isthmus_active(parent.timestamp), "{dir}");

        // The parent's own tx 0 when the previous fixture is the parent, else this block's
        // (same epoch: seq > 0).
        let payload = &v["executing_payload"];
        let number: u64 = dir.rsplit('-').next().unwrap().parse().unwrap();
        let tx0 = if dir.starts_with("op-sepolia-2620796") {
            let prev = json(&format!("executor/op-sepolia-{}/fixture.json", number - 1));
            hex_bytes(&prev["executing_payload"]["transactions"][0])
        } else {
            let raw = hex_bytes(&payload["transactions"][0]);
            let info = L1BlockInfo::decode(&decode_deposit(&raw).unwrap().input).unwrap();
            assert_ne!(info.sequence_number, 0, "{dir}: parent is in another epoch");
            raw
        };
        let info = L1BlockInfo::decode(&decode_deposit(&tx0).unwrap().input).unwrap();
        let fees = *info.ecotone_fees().unwrap();

        let cfg =
            system_config_from_l2_block(&rollup, &L2HeaderFields::from_header(&parent), Some(&tx0))
                .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(
            cfg,
            SystemConfig {
                batcher_address: info.batcher_address,
                overhead: B256::ZERO,
                scalar: EcotoneScalars {
                    base_fee_scalar: fees.base_fee_scalar,
                    blob_base_fee_scalar: fees.blob_base_fee_scalar,
                }
                .to_scalar(),
                gas_limit: parent.gas_limit,
                eip1559_params: Eip1559Params { denominator: 250, elasticity: 6 },
                ..Default::default()
            },
            "{dir}"
        );
        // The recovered config gives the child's attributes: same gas limit and EIP-1559
        // parameters (the child is in the same epoch, so no update intervenes).
        assert_eq!(cfg.gas_limit, quantity(&payload["gasLimit"]), "{dir}");
        assert_eq!(
            cfg.eip1559_params.to_u64(),
            u64::from_be_bytes(hex_bytes(&payload["eip1559Params"]).try_into().unwrap()),
            "{dir}"
        );
        assert_ne!(cfg.batcher_address, Address::ZERO, "{dir}");
    }
}

#[test]
fn rule_5_3_executor_parent_with_a_broken_header_is_an_error() {
    let v = json("executor/op-sepolia-26207962/fixture.json");
    let rollup = RollupConfig::by_name("op-sepolia").unwrap();
    let parent: Header = serde_json::from_value(v["parent_header"].clone()).unwrap();
    let tx0 = hex_bytes(&v["executing_payload"]["transactions"][0]);
    let fields = L2HeaderFields::from_header(&parent);
    for extra in [&[][..], &hex!("00000000fa0000000600")[..], &hex!("01000000fa00000006")[..]] {
        let broken = L2HeaderFields { extra_data: extra, ..fields };
        assert!(system_config_from_l2_block(&rollup, &broken, Some(&tx0)).is_err(), "{extra:?}");
    }
}
