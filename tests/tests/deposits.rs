//! Deposit transactions on real data: source hashes (checklist §4.6) and a real
//! `TransactionDeposited` log turned into its L2 transaction (§4.7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_consensus::ReceiptEnvelope;
use alloy_primitives::{Address, B256, Bytes, Log, TxKind, U256, address, b256, hex};
use keel_core::deposit::{
    DepositError, TRANSACTION_DEPOSITED_TOPIC, TxDeposit, decode_deposit, deposit_from_log,
    deposit_tx_hash, deposits_from_receipts, encode_deposit, l1_info_source_hash,
    transaction_deposited_log, user_deposit_source_hash,
};
use keel_tests::{json_hex as hex_bytes, read_json_vector as json};
use serde_json::Value;

fn b256_of(v: &Value) -> B256 {
    B256::from_slice(&hex_bytes(v))
}

#[test]
fn rule_4_6_source_hash_vectors() {
    let v = json("deposits/deposit-vectors.EXTRACTED.json");
    let [user, l1_info] = v["source_hash_vectors"].as_array().unwrap().as_slice() else {
        panic!("expected 2 source hash vectors")
    };
    assert_eq!(
        user_deposit_source_hash(
            b256_of(&user["l1_block_hash"]),
            user["l1_log_index"].as_u64().unwrap()
        ),
        b256!("d0868c8764d81f1749edb7dec4a550966963540d9fe50aefce8cdb38ea7b2213")
    );
    assert_eq!(
        b256_of(&user["expected_source_hash"]),
        user_deposit_source_hash(
            b256!("9ba3933dc6ce43c145349770a39c30f9b647f17668f004bd2e05c80a2e7262f7"),
            196
        )
    );
    assert_eq!(
        l1_info_source_hash(
            b256_of(&l1_info["l1_block_hash"]),
            l1_info["sequence_number"].as_u64().unwrap()
        ),
        b256!("722c43232e2f9dc07ebc07a02a3056993a2ed1328a1c81377ea99d135af39536")
    );
    assert_eq!(
        b256_of(&l1_info["expected_source_hash"]),
        l1_info_source_hash(
            b256!("9ba3933dc6ce43c145349770a39c30f9b647f17668f004bd2e05c80a2e7262f7"),
            1
        )
    );
}

/// The vector's TransactionDeposited log, rebuilt from its topics and ABI-encoded opaque data.
fn vector_log(d: &Value, portal: Address) -> Log {
    let from = Address::from_slice(&hex_bytes(&d["from"]));
    let to = Address::from_slice(&hex_bytes(&d["to"]));
    let opaque = hex_bytes(&d["opaque_data"]);
    let mut data = Vec::new();
    data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(opaque.len()).to_be_bytes::<32>());
    data.extend_from_slice(&opaque);
    data.resize(64 + opaque.len().div_ceil(32) * 32, 0);
    let version = U256::from(d["version"].as_u64().unwrap());
    Log::new_unchecked(
        portal,
        vec![TRANSACTION_DEPOSITED_TOPIC, from.into_word(), to.into_word(), version.into()],
        data.into(),
    )
}

#[test]
fn rule_4_7_transaction_deposited_log_to_l2_tx() {
    let v = json("deposits/deposit-vectors.EXTRACTED.json");
    let d = &v["deposit_tx_vectors"][0];
    // The vector does not state the portal; any address works for a single log.
    let portal = address!("bEb5Fc579115071764c7423A4f12eDde41f106Ed");
    let log = vector_log(d, portal);
    let block_hash = b256_of(&d["l1_block_hash"]);
    let log_index = d["log_index"].as_u64().unwrap();
    assert_eq!(log_index, 109);
    let tx = deposit_from_log(&log, block_hash, log_index).unwrap();

    let from = address!("1a1E021A302C237453D3D45c7B82B19cEEB7E2e6");
    assert_eq!(
        tx,
        TxDeposit {
            source_hash: user_deposit_source_hash(block_hash, 109),
            from,
            to: TxKind::Call(from),
            mint: 0,
            value: U256::from(69),
            gas_limit: 21_000,
            is_system_transaction: false,
            input: Bytes::new(),
        }
    );
    let raw = hex!(
        "7ef852a02b20821e4d5b3903456a7f19d5a8e867a503b2f1e82ed9b083cc71a7b6437b72941a1e021a302c237453d3d45c7b82b19ceeb7e2e6941a1e021a302c237453d3d45c7b82b19ceeb7e2e680458252088080"
    );
    assert_eq!(encode_deposit(&tx).as_ref(), &raw[..]);
    assert_eq!(
        deposit_tx_hash(&tx),
        b256!("0a60b983815ed475c5919609025204a479654d93afc610feca7d99ae0befc329")
    );
    assert_eq!(deposit_tx_hash(&tx), b256_of(&d["expected_l2_tx_hash"]));
    assert_eq!(decode_deposit(&raw), Ok(tx.clone()));
    // The builder helper produces the same log.
    assert_eq!(transaction_deposited_log(portal, &tx), log);

    // Found at block-wide index 109 when scanning receipts: 109 earlier logs spread over
    // receipts, one failed receipt among them.
    let filler = |n: usize| {
        (0..n)
            .map(|i| Log::new_unchecked(portal, vec![B256::with_last_byte(i as u8)], Bytes::new()))
            .collect::<Vec<_>>()
    };
    let receipt = |ok: bool, logs: Vec<Log>| alloy_consensus::Receipt {
        status: alloy_consensus::Eip658Value::Eip658(ok),
        cumulative_gas_used: 0,
        logs,
    };
    let mut last = filler(9);
    last.push(log.clone());
    let receipts = vec![receipt(true, filler(60)), receipt(false, filler(40)), receipt(true, last)];
    assert_eq!(deposits_from_receipts(&receipts, portal, block_hash), Ok(vec![tx]));
}

#[test]
fn rule_4_7_malformed_vector_log_is_critical() {
    let v = json("deposits/deposit-vectors.EXTRACTED.json");
    let d = &v["deposit_tx_vectors"][0];
    let portal = Address::repeat_byte(0x42);
    let good = vector_log(d, portal);
    // Version 1.
    let mut topics = good.topics().to_vec();
    topics[3] = B256::with_last_byte(1);
    let bad = Log::new_unchecked(portal, topics, good.data.data.clone());
    let receipts = vec![alloy_consensus::Receipt {
        status: alloy_consensus::Eip658Value::Eip658(true),
        cumulative_gas_used: 0,
        logs: vec![bad],
    }];
    let err = deposits_from_receipts(&receipts, portal, B256::ZERO).unwrap_err();
    assert!(err.to_string().starts_with("critical:"), "{err}");
    assert!(matches!(
        err,
        DepositError::InBlock { receipt_index: 0, log_index: 0, ref defect }
            if **defect == DepositError::UnsupportedVersion(B256::with_last_byte(1))
    ));
}

#[test]
fn rule_4_7_base_sepolia_l1_receipts_have_no_deposits() {
    // The 104 receipts of Sepolia block 10204429: no TransactionDeposited logs (README §4.2).
    let v = json("l1info/base-sepolia-37312300.block-fixture.json");
    let receipts: Vec<ReceiptEnvelope> = serde_json::from_value(v["l1Receipts"].clone()).unwrap();
    assert_eq!(receipts.len(), 104);
    let portal = address!("49f53e41452c74589e85ca1677426ba426459e85");
    let block_hash = b256!("585505921588ef811d89ffe45ccbbeb1200d737f6375eb374c9173d60bca07e3");
    assert_eq!(deposits_from_receipts(&receipts, portal, block_hash), Ok(vec![]));
    // Every portal-address log with the deposit topic is what the scan looks at; none here.
    let logs: usize = receipts.iter().map(|r| r.logs().len()).sum();
    assert_eq!(logs, 178);
    assert!(
        receipts
            .iter()
            .flat_map(|r| r.logs())
            .all(|l| l.topics().first() != Some(&TRANSACTION_DEPOSITED_TOPIC))
    );
}
