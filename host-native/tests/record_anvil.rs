//! `keel record` against a real local L1: anvil (from npm `@foundry-rs/anvil`; `scripts/test.sh`
//! installs it and sets `KEEL_ANVIL`). The test builds a small chain with a calldata batcher
//! transaction, a blob batcher transaction and a log-emitting contract, records it with the
//! real `keel` binary, and checks the fixture against the chain; a second test posts a small
//! rollup's batches and a user deposit (from a stand-in portal contract) to anvil, records it
//! and derives it with the real `keel derive`.
//!
//! Without anvil the test fails (it never skips): CI must run it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::{path::Path, process::Command};

use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{B256, Bytes, FixedBytes, TxKind};
use keel_core::{
    blob::{decode_blob, encode_blob},
    deposit::{decode_deposit, encode_deposit, user_deposit_source_hash},
    derive::attributes::AttributesWithParent,
    fixture::{FixtureHost, L1Fixture},
    frame::parse_frames,
    l1_info::L1BlockInfo,
};
use serde_json::json;
use support::anvil::*;

/// Hashes of the fixture's transactions in block `i` (decoded: anvil records blob
/// transactions with their sidecars, whose bytes are not what the hash covers).
fn host_tx_hashes(fixture: &L1Fixture, i: usize) -> Vec<B256> {
    fixture.blocks[i]
        .transactions
        .iter()
        .map(|raw| *TxEnvelope::decode_2718(&mut raw.as_ref()).unwrap().tx_hash())
        .collect()
}

fn record(anvil: &Anvil, from: u64, to: u64, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["record", "--l1-rpc", &anvil.url, "--l1-beacon", &anvil.url])
        .args(["--from", &from.to_string(), "--to", &to.to_string()])
        .arg("--out")
        .arg(out)
        .output()
        .expect("cannot run keel")
}

#[test]
fn record_captures_an_anvil_chain_with_calldata_blob_and_log_transactions() {
    let anvil = Anvil::start();
    // One block per 12-second slot from the beacon genesis, so slot = block number.
    anvil.rpc("anvil_setBlockTimestampInterval", json!([12]));

    anvil.mine(); // block 1: empty
    let calldata = batcher_payload(0xa1, 1, 3);
    let batcher_tx = eip1559(0, TxKind::Call(INBOX), calldata.clone());
    let batcher_hash = anvil.send_raw(&batcher_tx.encoded_2718());
    let deploy_hash =
        anvil.send_raw(&eip1559(1, TxKind::Create, LOG_CONTRACT_INITCODE.to_vec()).encoded_2718());
    anvil.mine(); // block 2: calldata batcher tx, contract deployment
    let contract = DEV_ADDRESS.create(1);
    let blob_payload = batcher_payload(0xb2, 2, 5);
    let (raw_blob_tx, versioned_hash) = blob_tx(2, &encode_blob(&blob_payload).unwrap());
    let blob_hash = anvil.send_raw(&raw_blob_tx);
    let call_hash = anvil.send_raw(&eip1559(3, TxKind::Call(contract), Vec::new()).encoded_2718());
    anvil.mine(); // block 3: blob batcher tx, log-emitting call
    anvil.mine(); // block 4: empty

    let dir = std::env::temp_dir().join(format!("keel-record-anvil-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("fixture.json");
    let output = record(&anvil, 1, 4, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "keel record failed: {stderr}");
    assert!(stderr.contains("4 blocks, 4 txs, 1 blobs"), "summary: {stderr}");

    let json = std::fs::read_to_string(&out).unwrap();
    let fixture = L1Fixture::from_json(&json).unwrap();
    let host = FixtureHost::new(&fixture).expect("fixture roots and links verify");
    assert_eq!(fixture.l1_chain_id, CHAIN_ID);

    // Same blocks as anvil's, with the right slot-aligned timestamps.
    let refs: Vec<_> = host.block_refs().collect();
    assert_eq!(refs.len(), 4);
    for (i, block_ref) in refs.iter().enumerate() {
        let number = i as u64 + 1;
        let expected = anvil.block(number);
        assert_eq!(block_ref.number, number);
        assert_eq!(
            block_ref.hash.to_string(),
            expected["hash"].as_str().unwrap(),
            "block {number}"
        );
        assert_eq!(block_ref.timestamp, GENESIS_TIME + 12 * number);
    }

    // Transactions in place (the calldata batcher transaction byte for byte).
    let tx_hashes = |i: usize| -> Vec<B256> {
        let hash = host_tx_hashes(&fixture, i);
        let listed: Vec<B256> =
            serde_json::from_value(anvil.block(i as u64 + 1)["transactions"].clone()).unwrap();
        assert_eq!(hash, listed, "transactions of block {}", i + 1);
        hash
    };
    assert!(fixture.blocks[0].transactions.is_empty());
    assert_eq!(tx_hashes(1), vec![batcher_hash, deploy_hash]);
    assert_eq!(tx_hashes(2), vec![blob_hash, call_hash]);
    assert!(fixture.blocks[3].transactions.is_empty());
    assert_eq!(fixture.blocks[1].transactions[0], Bytes::from(batcher_tx.encoded_2718()));
    let frames = parse_frames(&calldata).unwrap();
    assert_eq!(frames[0].channel_id, FixedBytes::repeat_byte(0xa1));

    // Receipts: all succeeded, and the contract call's log was recorded.
    let receipts: Vec<alloy_consensus::ReceiptEnvelope> = fixture.blocks[2]
        .receipts
        .iter()
        .map(|raw| alloy_consensus::ReceiptEnvelope::decode_2718(&mut raw.as_ref()).unwrap())
        .collect();
    assert!(receipts.iter().all(|r| r.status()));
    let logs = receipts[1].logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, contract);
    assert_eq!(logs[0].topics(), &[B256::with_last_byte(1)]);
    assert_eq!(logs[0].data.data, Bytes::from(B256::with_last_byte(42).to_vec()));

    // The blob round-trips to the batcher's frames.
    assert_eq!(fixture.blobs.len(), 1);
    assert_eq!(fixture.blobs[0].versioned_hash, versioned_hash);
    assert_eq!(decode_blob(&fixture.blobs[0].data).unwrap(), blob_payload);

    // Recording again gives the same bytes.
    let again = dir.join("again.json");
    let output = record(&anvil, 1, 4, &again);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read(&again).unwrap(), json.as_bytes(), "recording is not stable");

    // Asking beyond the head fails with one clear line and leaves no file.
    let beyond = dir.join("beyond.json");
    let output = record(&anvil, 3, 9, &beyond);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stderr.lines().last(), Some("error: L1 block 5 not found"), "{stderr}");
    assert!(!beyond.exists());

    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn recorded_anvil_rollup_derives_to_the_posted_l2_blocks() {
    let anvil = Anvil::start();
    let PostedRollup { cfg, genesis_hash, epoch_2, l2_time, deposit, blocks } =
        populate_rollup(&anvil);

    let dir = std::env::temp_dir().join(format!("keel-derive-anvil-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let l1 = dir.join("l1.json");
    let output = record(&anvil, 1, 4, &l1);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rollup = dir.join("rollup.json");
    std::fs::write(&rollup, cfg.to_json().unwrap()).unwrap();
    let derive = || {
        Command::new(env!("CARGO_BIN_EXE_keel"))
            .args(["derive", "--blob-update-fraction", "8346193", "--rollup-config"])
            .arg(&rollup)
            .arg("--l1")
            .arg(&l1)
            .output()
            .expect("cannot run keel")
    };
    let first = derive();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "keel derive failed: {stderr}");
    assert!(stderr.contains("derived 6 L2 blocks from 4 L1 blocks"), "summary: {stderr}");
    let lines: Vec<AttributesWithParent> = String::from_utf8(first.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    for (i, (a, (parent, timestamp, txs, _))) in lines.iter().zip(&blocks).enumerate() {
        assert_eq!(a.parent.hash, *parent, "block {}", i + 1);
        assert_eq!(a.parent.number, i as u64);
        assert_eq!(a.attributes.payload_attributes.timestamp, *timestamp);
        let all = a.attributes.transactions.as_ref().unwrap();
        // The L1-info deposit names the origin: L2 genesis is sequence number 0 of epoch 1, so
        // blocks 1..5 are 1..5; block 6 opens epoch 2 and carries the user deposit.
        let info = L1BlockInfo::decode(&decode_deposit(&all[0]).unwrap().input).unwrap();
        if i < 5 {
            assert_eq!((info.number, info.block_hash), (1, genesis_hash));
            assert_eq!((info.time, info.sequence_number), (l2_time, i as u64 + 1));
            assert_eq!(&all[1..], txs.as_slice(), "batch transactions of block {}", i + 1);
        } else {
            assert_eq!((info.number, info.block_hash, info.sequence_number), (2, epoch_2, 0));
            let mut expected = deposit.clone();
            expected.source_hash = user_deposit_source_hash(epoch_2, 0);
            assert_eq!(all[1], encode_deposit(&expected), "the anvil portal's deposit");
            assert_eq!(&all[2..], txs.as_slice(), "batch transactions of block 6");
        }
        assert_eq!(info.batcher_address, DEV_ADDRESS);
        let span_block = i >= 3;
        assert_eq!(a.derived_from.unwrap().number, if span_block { 3 } else { 2 });
    }
    // Stable output across runs.
    assert_eq!(derive().stdout, first.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}
