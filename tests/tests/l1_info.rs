//! L1-info deposits on real chain data: calldata layouts (checklist §4.5), source hashes
//! (§4.6) and full rebuilds of L1-info deposits from their L1 origin and SystemConfig (§4.4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, address, b256};
use keel_core::config::{RollupConfig, SystemConfig};
use keel_core::deposit::{
    TxDeposit, decode_deposit, deposit_tx_hash, encode_deposit, l1_info_source_hash,
};
use keel_core::l1_info::{
    EcotoneFees, EcotoneScalars, L1_BLOCK_PREDEPLOY, L1_INFO_DEPOSITOR, L1BlobSchedule,
    L1BlockInfo, L1InfoFees, L1InfoFormat, L1OriginInfo, OperatorFee, l1_info_blob_base_fee,
    l1_info_deposit, l1_info_deposit_bytes,
};
use keel_tests::{json_hex as hex_bytes, json_quantity as quantity, read_json_vector as json};
use serde_json::Value;

fn decimal(v: &Value) -> u64 {
    v.as_str().unwrap().parse().unwrap()
}

/// The fields every L1-info deposit has (checklist §4.4, Regolith onwards).
fn assert_l1_info_envelope(tx: &TxDeposit) {
    assert_eq!(tx.from, L1_INFO_DEPOSITOR);
    assert_eq!(tx.to, TxKind::Call(L1_BLOCK_PREDEPLOY));
    assert_eq!((tx.mint, tx.value), (0, U256::ZERO));
    assert_eq!((tx.gas_limit, tx.is_system_transaction), (1_000_000, false));
}

#[test]
fn rule_4_5_op_mainnet_calldata_decode_and_reencode() {
    let v = json("l1info/op-mainnet-l1info-calldata.EXTRACTED.json");
    let vectors = v["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 2);
    for vector in vectors {
        let calldata = hex_bytes(&vector["calldata_hex"]);
        assert_eq!(calldata.len() as u64, vector["len"].as_u64().unwrap());
        let info = L1BlockInfo::decode(&calldata).unwrap();
        let d = &vector["decoded"];
        assert_eq!(info.format().selector().to_vec(), hex_bytes(&d["selector"]));
        assert_eq!(info.number, d["number"].as_u64().unwrap());
        assert_eq!(info.time, d["timestamp"].as_u64().unwrap());
        assert_eq!(info.base_fee, U256::from(d["base_fee"].as_u64().unwrap()));
        assert_eq!(info.block_hash.to_vec(), hex_bytes(&d["block_hash"]));
        assert_eq!(info.sequence_number, d["sequence_number"].as_u64().unwrap());
        assert_eq!(info.batcher_address.to_vec(), hex_bytes(&d["batcher"]));
        assert_eq!(info.encode().as_ref(), &calldata[..], "re-encodes byte for byte");
    }
    let bedrock = L1BlockInfo::decode(&hex_bytes(&vectors[0]["calldata_hex"])).unwrap();
    assert_eq!(
        (bedrock.number, bedrock.time, bedrock.sequence_number),
        (18_334_955, 1_697_121_143, 4)
    );
    assert_eq!(bedrock.base_fee, U256::from(10_419_034_451u64));
    assert_eq!(bedrock.batcher_address, address!("6887246668a3b87f54deb3b94ba47a6f63f32985"));
    assert_eq!(
        bedrock.fees,
        L1InfoFees::Bedrock {
            l1_fee_overhead: U256::from(188),
            l1_fee_scalar: U256::from(684_000)
        }
    );
    let ecotone = L1BlockInfo::decode(&hex_bytes(&vectors[1]["calldata_hex"])).unwrap();
    assert_eq!(
        (ecotone.number, ecotone.time, ecotone.sequence_number),
        (19_655_712, 1_713_121_139, 5)
    );
    assert_eq!(ecotone.base_fee, U256::from(10_445_852_825u64));
    assert_eq!(
        ecotone.fees,
        L1InfoFees::Ecotone(EcotoneFees {
            blob_base_fee: U256::from(1),
            base_fee_scalar: 1368,
            blob_base_fee_scalar: 810_949,
        })
    );
}

#[test]
fn rule_4_4_base_sepolia_37312300_jovian_l1_info_rebuilt() {
    let v = json("l1info/base-sepolia-37312300.block-fixture.json");
    let header: Header = serde_json::from_value(v["l1Origin"].clone()).unwrap();
    let origin = L1OriginInfo::from_header(&header);
    assert_eq!(
        origin.hash,
        b256!("585505921588ef811d89ffe45ccbbeb1200d737f6375eb374c9173d60bca07e3")
    );
    assert_eq!((origin.number, origin.timestamp), (10_204_429, 1_770_392_568));
    assert_eq!(origin.base_fee, U256::from(1_102_185_061u64));
    assert_eq!(origin.excess_blob_gas, Some(208_805_160));

    let rollup = RollupConfig::by_name("base-sepolia").unwrap();
    let l2_time = quantity(&v["blockHeader"]["timestamp"]);
    assert_eq!(l2_time, 1_770_392_888);
    assert_eq!(L1InfoFormat::for_l2_block(&rollup, l2_time), L1InfoFormat::Jovian);
    let schedule = L1BlobSchedule::for_l1_chain_id(rollup.l1_chain_id).unwrap();
    assert_eq!(schedule, L1BlobSchedule::SEPOLIA);
    // Sepolia BPO2; the Pectra blob schedule fix time (1742486400) is long past.
    assert_eq!(
        l1_info_blob_base_fee(&rollup, &schedule, origin.timestamp, origin.excess_blob_gas),
        Ok(U256::from(57_656_159))
    );

    let system_config = SystemConfig {
        batcher_address: address!("fc56e7272eebbba5bc6c544e159483c4a38f8ba3"),
        scalar: EcotoneScalars { base_fee_scalar: 1101, blob_base_fee_scalar: 659_851 }.to_scalar(),
        operator_fee_scalar: 0,
        operator_fee_constant: 0,
        da_footprint_gas_scalar: 312,
        ..Default::default()
    };
    let rebuilt =
        l1_info_deposit_bytes(&rollup, &schedule, &system_config, &origin, 3, l2_time).unwrap();
    let actual = hex_bytes(&v["actualBlockTxs"][0]);
    assert_eq!(rebuilt.as_ref(), &actual[..], "L1-info deposit rebuilt byte for byte");

    let tx = decode_deposit(&actual).unwrap();
    assert_l1_info_envelope(&tx);
    assert_eq!(
        tx.source_hash,
        b256!("415c59520024bfa62fc7daebe6d5ff81dbff013bed069162ee6f7ee404d6ad9d")
    );
    assert_eq!(tx.source_hash, l1_info_source_hash(origin.hash, 3));
    let info = L1BlockInfo::decode_for_l2_block(&rollup, l2_time, &tx.input).unwrap();
    assert_eq!(
        info.fees,
        L1InfoFees::Jovian {
            ecotone: EcotoneFees {
                blob_base_fee: U256::from(57_656_159),
                base_fee_scalar: 1101,
                blob_base_fee_scalar: 659_851,
            },
            operator_fee: OperatorFee { scalar: 0, constant: 0 },
            da_footprint_gas_scalar: 312,
        }
    );
    assert_eq!(info.block_hash, origin.hash);
    assert_eq!((info.number, info.time, info.sequence_number), (10_204_429, 1_770_392_568, 3));

    // The parent block (L1-info seq 2, same origin) decodes with the same L1 fields.
    let parent = hex_bytes(&v["previousBlockTxs"][0]);
    let parent_info = L1BlockInfo::decode_for_l2_block(
        &rollup,
        l2_time - 2,
        &decode_deposit(&parent).unwrap().input,
    )
    .unwrap();
    assert_eq!(parent_info, L1BlockInfo { sequence_number: 2, ..info });
    assert_eq!(
        l1_info_deposit_bytes(&rollup, &schedule, &system_config, &origin, 2, l2_time - 2)
            .unwrap()
            .as_ref(),
        &parent[..]
    );
}

#[test]
fn rule_4_4_base_mainnet_43127820_jovian_l1_info_rebuilt() {
    let c = json("l1info/base-mainnet-43127820.constants.EXTRACTED.json");
    let k = &c["constants"];
    let attrs = json("l1info/base-mainnet-43127820.payload-attributes.json");
    let tx0 = hex_bytes(&attrs["OpPayloadAttributes"]["transactions"][0]);
    let l2_time = quantity(&attrs["OpPayloadAttributes"]["timestamp"]);
    assert_eq!(l2_time, k["L2_PARENT_TIMESTAMP"].as_u64().unwrap() + 2);

    let origin = L1OriginInfo {
        number: k["L1_BLOCK_NUMBER"].as_u64().unwrap(),
        timestamp: k["L1_BLOCK_TIMESTAMP"].as_u64().unwrap(),
        base_fee: U256::from(k["L1_BASE_FEE"].as_u64().unwrap()),
        // The constants' L1 header is partial; the real hash is the one in the L1-info tx.
        hash: b256!("2849b9d96a4ed110348a629ba2526858df4433934a2c033f99e6e88feb50f673"),
        excess_blob_gas: Some(k["L1_EXCESS_BLOB_GAS"].as_u64().unwrap()),
    };
    assert_eq!(origin.excess_blob_gas, Some(170_294_236));
    let rollup = RollupConfig::by_name("base-mainnet").unwrap();
    let schedule = L1BlobSchedule::MAINNET;
    assert_eq!(
        l1_info_blob_base_fee(&rollup, &schedule, origin.timestamp, origin.excess_blob_gas),
        Ok(U256::from(2_135_385))
    );
    assert_eq!(k["EXPECTED_BLOB_BASE_FEE"].as_u64(), Some(2_135_385));

    let system_config = SystemConfig {
        batcher_address: address!("5050f69a9786f081509234f1a7f4684b5e5b76c9"),
        scalar: EcotoneScalars { base_fee_scalar: 2269, blob_base_fee_scalar: 1_055_762 }
            .to_scalar(),
        da_footprint_gas_scalar: 139,
        gas_limit: 375_000_000,
        ..Default::default()
    };
    let seq = k["L2_PARENT_SEQ_NUM"].as_u64().unwrap() + 1;
    let tx = l1_info_deposit(&rollup, &schedule, &system_config, &origin, seq, l2_time).unwrap();
    assert_eq!(encode_deposit(&tx).as_ref(), &tx0[..], "L1-info deposit rebuilt byte for byte");
    assert_l1_info_envelope(&tx);
    assert_eq!(
        tx.source_hash,
        b256!("9171b6e9002d939b641146050c9a7d1b433638d5858b88cafbd4fd0e69c39c0e")
    );

    // Every field of the L1BlockInfo section of the JSON.
    let j = &attrs["L1BlockInfo"]["Jovian"];
    let (isthmus, ecotone, base) = (&j["base"], &j["base"]["base"], &j["base"]["base"]["base"]);
    let info = L1BlockInfo::decode(&tx.input).unwrap();
    assert_eq!(info.number, base["number"].as_u64().unwrap());
    assert_eq!(info.time, base["time"].as_u64().unwrap());
    assert_eq!(info.base_fee, U256::from(base["base_fee"].as_u64().unwrap()));
    assert_eq!(info.block_hash.to_vec(), hex_bytes(&base["block_hash"]));
    assert_eq!(info.sequence_number, base["sequence_number"].as_u64().unwrap());
    assert_eq!(info.batcher_address.to_vec(), hex_bytes(&base["batcher_address"]));
    let fees = info.ecotone_fees().unwrap();
    assert_eq!(fees.blob_base_fee, U256::from(ecotone["blob_base_fee"].as_u64().unwrap()));
    assert_eq!(u64::from(fees.base_fee_scalar), ecotone["base_fee_scalar"].as_u64().unwrap());
    assert_eq!(
        u64::from(fees.blob_base_fee_scalar),
        ecotone["blob_base_fee_scalar"].as_u64().unwrap()
    );
    let op_fee = info.operator_fee().unwrap();
    assert_eq!(u64::from(op_fee.scalar), isthmus["operator_fee_scalar"].as_u64().unwrap());
    assert_eq!(op_fee.constant, isthmus["operator_fee_constant"].as_u64().unwrap());
    assert_eq!(
        info.da_footprint_gas_scalar().map(u64::from),
        j["da_footprint_gas_scalar"].as_u64()
    );
}

/// (directory, L1 origin number, sequence number) from the vectors README §7 table.
const EXECUTOR_FIXTURES: [(&str, u64, u64); 17] = [
    ("op-mainnet-132795025", 21_981_599, 3),
    ("op-mainnet-132796000", 21_981_760, 4),
    ("op-mainnet-132796100", 21_981_777, 2),
    ("op-mainnet-132797000", 21_981_927, 1),
    ("op-mainnet-132798000", 21_982_092, 4),
    ("op-mainnet-132799000", 21_982_258, 7),
    ("unichain-10211000", 21_962_577, 3),
    ("unichain-10215000", 21_962_910, 8),
    ("unichain-10311000", 21_970_871, 8),
    ("op-sepolia-26207960", 8_085_313, 0),
    ("op-sepolia-26207961", 8_085_313, 1),
    ("op-sepolia-26207962", 8_085_313, 2),
    ("op-sepolia-26207963", 8_085_313, 3),
    ("op-sepolia-26208384", 8_085_381, 2),
    ("op-sepolia-26208858", 8_085_451, 1),
    ("op-sepolia-26208927", 8_085_459, 4),
    ("op-sepolia-26211680", 8_085_895, 1),
];

#[test]
fn rule_4_5_executor_fixtures_ecotone_l1_info() {
    for (dir, l1_number, seq) in EXECUTOR_FIXTURES {
        let v = json(&format!("executor/{dir}/fixture.json"));
        let payload = &v["executing_payload"];
        let raw = hex_bytes(&payload["transactions"][0]);
        let tx = decode_deposit(&raw).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(encode_deposit(&tx).as_ref(), &raw[..], "{dir}: deposit re-encodes");
        assert_l1_info_envelope(&tx);

        let network = match dir.split('-').next() {
            Some("op") if dir.starts_with("op-mainnet") => "op-mainnet",
            Some("op") => "op-sepolia",
            _ => "unichain-mainnet",
        };
        let rollup = RollupConfig::by_name(network).unwrap();
        let l2_time = quantity(&payload["timestamp"]);
        let info = L1BlockInfo::decode_for_l2_block(&rollup, l2_time, &tx.input)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(info.format(), L1InfoFormat::Ecotone, "{dir}");
        assert_eq!(info.encode(), tx.input, "{dir}: calldata re-encodes");
        assert_eq!((info.number, info.sequence_number), (l1_number, seq), "{dir}");
        assert_eq!(tx.source_hash, l1_info_source_hash(info.block_hash, seq), "{dir}");
        // The origin is not after the L2 block.
        assert!(info.time <= l2_time, "{dir}");
    }
}

#[test]
fn rule_4_5_consecutive_executor_blocks_share_the_epoch() {
    // OP Sepolia 26207960..63 are seq 0..3 of one epoch: identical L1 fields.
    let infos: Vec<L1BlockInfo> = (26_207_960..=26_207_963)
        .map(|n| {
            let v = json(&format!("executor/op-sepolia-{n}/fixture.json"));
            let raw = hex_bytes(&v["executing_payload"]["transactions"][0]);
            L1BlockInfo::decode(&decode_deposit(&raw).unwrap().input).unwrap()
        })
        .collect();
    for (seq, info) in infos.iter().enumerate() {
        assert_eq!(*info, L1BlockInfo { sequence_number: seq as u64, ..infos[0] });
    }
}

/// Rebuilds a deposit from the RPC JSON of a 0x7e transaction.
fn deposit_from_rpc(tx: &Value) -> TxDeposit {
    let address = |v: &Value| Address::from_slice(&hex_bytes(v));
    TxDeposit {
        source_hash: B256::from_slice(&hex_bytes(&tx["sourceHash"])),
        from: address(&tx["from"]),
        to: TxKind::Call(address(&tx["to"])),
        mint: u128::from(quantity(&tx["mint"])),
        value: U256::from(quantity(&tx["value"])),
        gas_limit: quantity(&tx["gas"]),
        is_system_transaction: tx.get("isSystemTx").and_then(Value::as_bool).unwrap_or(false),
        input: Bytes::from(hex_bytes(&tx["input"])),
    }
}

#[test]
fn rule_4_6_op_sepolia_11065316_l1_info_deposit() {
    let v = json("l2/op-sepolia-11065316.rpc-block.json");
    let block = &v["result"];
    let rpc_tx = &block["transactions"][0];
    let tx = deposit_from_rpc(rpc_tx);
    assert_l1_info_envelope(&tx);
    assert_eq!(deposit_tx_hash(&tx).to_vec(), hex_bytes(&rpc_tx["hash"]), "tx hash recomputes");
    assert_eq!(
        tx.source_hash,
        b256!("b526f7d7fbabb79a10077d83d78d036fbb0e066f363b6a0434d009809c4dbe7a")
    );
    let rollup = RollupConfig::by_name("op-sepolia").unwrap();
    let info = L1BlockInfo::decode_for_l2_block(&rollup, quantity(&block["timestamp"]), &tx.input)
        .unwrap();
    assert_eq!(info.format(), L1InfoFormat::Ecotone);
    assert_eq!((info.number, info.sequence_number), (5_764_890, 3));
    assert_eq!(tx.source_hash, l1_info_source_hash(info.block_hash, 3));
    assert_eq!(info.encode(), tx.input);
}

#[test]
fn rule_4_6_op_sepolia_11318753_l1_info_deposit() {
    let v = json("l2/op-sepolia-11318753.rpc-block.json");
    let rpc_tx = &v["result"]["transactions"][0];
    let tx = deposit_from_rpc(rpc_tx);
    assert_eq!(deposit_tx_hash(&tx).to_vec(), hex_bytes(&rpc_tx["hash"]));
    let info = L1BlockInfo::decode(&tx.input).unwrap();
    assert_eq!((info.number, info.sequence_number), (5_805_821, 0));
    assert_eq!(tx.source_hash, l1_info_source_hash(info.block_hash, 0));
}

#[test]
fn rule_4_5_headinfo_vectors() {
    for (file, format, seq, batcher) in [
        (
            "l2/op-goerli-8381743.headinfo.json",
            L1InfoFormat::Bedrock,
            5,
            Some(address!("7431310e026b69bfc676c0013e12a1a11411eec9")),
        ),
        ("l2/op-sepolia-8790919.headinfo.json", L1InfoFormat::Ecotone, 1, None),
    ] {
        let v = json(file);
        let block = &v["test_block_data"];
        assert_eq!(quantity(&block["number"]), decimal(&v["assert_l2_block_number"]), "{file}");
        assert_eq!(quantity(&block["timestamp"]), decimal(&v["assert_l2_block_timestamp"]));
        let rpc_tx = &block["transactions"][0];
        let tx = deposit_from_rpc(rpc_tx);
        assert_eq!(deposit_tx_hash(&tx).to_vec(), hex_bytes(&rpc_tx["hash"]), "{file}");
        let info = L1BlockInfo::decode(&tx.input).unwrap();
        assert_eq!(info.format(), format, "{file}");
        assert_eq!(info.number, decimal(&v["assert_l1_block_number"]), "{file}");
        assert_eq!(info.time, decimal(&v["assert_l1_block_timestamp"]), "{file}");
        assert_eq!(info.block_hash.to_vec(), hex_bytes(&v["assert_l1_block_hash"]), "{file}");
        assert_eq!(info.sequence_number, seq, "{file}");
        if let Some(batcher) = batcher {
            assert_eq!(info.batcher_address, batcher);
        }
        assert_eq!(tx.source_hash, l1_info_source_hash(info.block_hash, seq), "{file}");
        assert_eq!(info.encode(), tx.input, "{file}");
    }
    // OP Sepolia 8790919 is past Ecotone: the block's fork demands this layout.
    let v = json("l2/op-sepolia-8790919.headinfo.json");
    let block = &v["test_block_data"];
    let rollup = RollupConfig::by_name("op-sepolia").unwrap();
    let input = hex_bytes(&block["transactions"][0]["input"]);
    assert!(
        L1BlockInfo::decode_for_l2_block(&rollup, quantity(&block["timestamp"]), &input).is_ok()
    );
}
