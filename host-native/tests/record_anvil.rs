//! `keel record` against a real local L1: anvil (from npm `@foundry-rs/anvil`; `scripts/test.sh`
//! installs it and sets `KEEL_ANVIL`). The test builds a small chain with a calldata batcher
//! transaction, a blob batcher transaction and a log-emitting contract, records it with the
//! real `keel` binary, and checks the fixture against the chain; a second test posts a small
//! rollup's batches and a user deposit (from a stand-in portal contract) to anvil, records it
//! and derives it with the real `keel derive`.
//!
//! Without anvil the test fails (it never skips): CI must run it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy_consensus::{
    EthereumTxEnvelope, SignableTransaction, Signed, TxEip1559, TxEip4844, TxEip4844WithSidecar,
    TxEnvelope,
};
use alloy_eips::BlockNumHash;
use alloy_eips::{
    eip2718::{Decodable2718, Encodable2718},
    eip4844::kzg_to_versioned_hash,
    eip7594::{BlobTransactionSidecarEip7594, BlobTransactionSidecarVariant},
};
use alloy_primitives::{
    Address, B256, Bytes, FixedBytes, Signature, TxKind, U256, address, keccak256,
};
use keel_core::{
    batch::{Batch, RawSpanBatch, SingularBatch, SpanBatchElement, encode_batches},
    blob::{decode_blob, encode_blob},
    compression::compress_zlib,
    config::{Fork, RollupConfig},
    deposit::{
        TxDeposit, decode_deposit, encode_deposit, transaction_deposited_log,
        user_deposit_source_hash,
    },
    derive::{attributes::AttributesWithParent, synthetic::synthetic_block_hash},
    fixture::{FixtureHost, L1Fixture},
    frame::{Frame, encode_frames, parse_frames},
    l1_info::L1BlockInfo,
};
use keel_tests::chain::activate_through;
use serde_json::{Value, json};

/// Anvil's first funded dev account.
const DEV_KEY: [u8; 32] =
    alloy_primitives::hex!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const DEV_ADDRESS: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
/// Arbitrary batch inbox for the test chain.
const INBOX: Address = address!("ff00000000000000000000000000000000000042");
/// Anvil's default chain id.
const CHAIN_ID: u64 = 31337;
/// Beacon genesis time of the test chain; blocks are 12 s apart, so slot = block number.
const GENESIS_TIME: u64 = 1_700_000_000;

/// Where `scripts/test.sh` installs anvil when `KEEL_ANVIL` is not set.
fn anvil_binary() -> PathBuf {
    let path = match std::env::var_os("KEEL_ANVIL") {
        Some(path) => PathBuf::from(path),
        None => {
            let home = std::env::var_os("HOME").unwrap_or_default();
            Path::new(&home)
                .join(".cache/keel-npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
        }
    };
    assert!(
        path.is_file(),
        "anvil not found at {} (this test needs it and does not skip): run scripts/test.sh, or \
         `npm install --prefix ~/.cache/keel-npm @foundry-rs/anvil@1.7.1` and set KEEL_ANVIL to \
         node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil under that prefix",
        path.display()
    );
    path
}

/// A running anvil, killed when dropped (also when the test panics).
struct Anvil {
    child: Child,
    url: String,
    http: reqwest::blocking::Client,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Anvil {
    fn start() -> Self {
        // Everything that can fail is done before anvil starts, so it is never left running.
        let binary = anvil_binary();
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http =
            reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--no-mining", "--silent"])
            .args(["--timestamp", &GENESIS_TIME.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start anvil");
        let anvil = Self { child, url: format!("http://127.0.0.1:{port}"), http };
        let deadline = Instant::now() + Duration::from_secs(30);
        while anvil.try_rpc("eth_chainId", json!([])).is_err() {
            assert!(Instant::now() < deadline, "anvil did not answer on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        anvil
    }

    fn try_rpc(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let response: Value = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .and_then(|r| r.json())
            .map_err(|e| e.to_string())?;
        match response.get("error") {
            Some(error) => Err(format!("{method}: {error}")),
            None => Ok(response["result"].clone()),
        }
    }

    fn rpc(&self, method: &str, params: Value) -> Value {
        self.try_rpc(method, params).unwrap_or_else(|e| panic!("{e}"))
    }

    fn mine(&self) {
        self.rpc("evm_mine", json!([]));
    }

    fn send_raw(&self, raw: &[u8]) -> B256 {
        let hash = self.rpc("eth_sendRawTransaction", json!([Bytes::copy_from_slice(raw)]));
        serde_json::from_value(hash).unwrap()
    }

    fn block(&self, number: u64) -> Value {
        self.rpc("eth_getBlockByNumber", json!([format!("{number:#x}"), false]))
    }
}

fn sign(hash: B256) -> Signature {
    let key = k256::ecdsa::SigningKey::from_slice(&DEV_KEY).unwrap();
    let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    Signature::from_signature_and_parity(sig, recid.is_y_odd())
}

fn eip1559(nonce: u64, to: TxKind, input: Vec<u8>) -> TxEnvelope {
    let tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: 1_000_000,
        max_fee_per_gas: 20_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to,
        value: U256::ZERO,
        access_list: Default::default(),
        input: input.into(),
    };
    let signature = sign(tx.signature_hash());
    TxEnvelope::Eip1559(tx.into_signed(signature))
}

/// A batcher payload: derivation version 0, then the frames of one single-frame channel
/// holding a zlib-compressed singular batch.
fn batcher_payload(channel: u8, epoch_num: u64, tx_count: u8) -> Vec<u8> {
    let batch = SingularBatch {
        parent_hash: B256::repeat_byte(channel),
        epoch_num,
        epoch_hash: B256::repeat_byte(0xee),
        timestamp: GENESIS_TIME + 2 * epoch_num,
        transactions: (0..tx_count).map(|i| Bytes::from(vec![0x02, channel, i])).collect(),
    };
    let compressed = compress_zlib(&encode_batches([&Batch::Singular(batch)]), 9);
    let frame = Frame {
        channel_id: FixedBytes::repeat_byte(channel),
        number: 0,
        data: compressed.into(),
        is_last: true,
    };
    encode_frames([&frame])
}

/// A signed type-3 transaction carrying `blob`, in the network (pooled) encoding with its
/// EIP-7594 sidecar (anvil's default hardfork is past Osaka), and the blob's versioned hash.
fn blob_tx(nonce: u64, blob: &[u8]) -> (Vec<u8>, B256) {
    let kzg = c_kzg::ethereum_kzg_settings(0);
    let kzg_blob = c_kzg::Blob::from_bytes(blob).unwrap();
    let commitment = kzg.blob_to_kzg_commitment(&kzg_blob).unwrap().to_bytes();
    let (_cells, proofs) = kzg.compute_cells_and_kzg_proofs(&kzg_blob).unwrap();
    let versioned_hash = kzg_to_versioned_hash(commitment.as_slice());
    let sidecar = BlobTransactionSidecarEip7594 {
        blobs: vec![FixedBytes::from_slice(blob)],
        commitments: vec![FixedBytes::from_slice(commitment.as_slice())],
        cell_proofs: proofs
            .iter()
            .map(|p| FixedBytes::from_slice(p.to_bytes().as_slice()))
            .collect(),
    };
    let tx = TxEip4844 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: 100_000,
        max_fee_per_gas: 20_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: INBOX,
        value: U256::ZERO,
        access_list: Default::default(),
        blob_versioned_hashes: vec![versioned_hash],
        max_fee_per_blob_gas: 1_000_000_000,
        input: Bytes::new(),
    };
    let with_sidecar = TxEip4844WithSidecar::from_tx_and_sidecar(
        tx,
        BlobTransactionSidecarVariant::Eip7594(sidecar),
    );
    let signature = sign(with_sidecar.signature_hash());
    let signed: Signed<_> = with_sidecar.into_signed(signature);
    let pooled =
        EthereumTxEnvelope::<TxEip4844WithSidecar<BlobTransactionSidecarVariant>>::Eip4844(signed);
    (pooled.encoded_2718(), versioned_hash)
}

/// Creation code for a contract whose every call emits `LOG1(topic 1, data 42)`.
const LOG_CONTRACT_INITCODE: &[u8] = &alloy_primitives::hex!(
    // codecopy(0, 12, 13); return(0, 13)
    "600d600c600039600d6000f3"
    // mstore(0, 42); log1(0, 32, 1); stop
    "602a600052600160206000a100"
);

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

/// A rollup on the anvil L1: genesis L1 block 1, batches from the dev account to [`INBOX`],
/// every fork through Isthmus from genesis.
fn anvil_rollup(l1_genesis: BlockNumHash, l2_time: u64) -> RollupConfig {
    let mut cfg = RollupConfig::by_name("op-sepolia").unwrap();
    cfg.genesis.l1 = l1_genesis;
    cfg.genesis.l2 = BlockNumHash { number: 0, hash: keccak256(b"keel anvil rollup genesis") };
    cfg.genesis.l2_time = l2_time;
    cfg.genesis.system_config.batcher_address = DEV_ADDRESS;
    cfg.batch_inbox_address = INBOX;
    cfg.deposit_contract_address = address!("00000000000000000000000000000000000dead1");
    cfg.l1_system_config_address = address!("00000000000000000000000000000000000dead2");
    cfg.l1_chain_id = CHAIN_ID;
    cfg.l2_chain_id = CHAIN_ID;
    activate_through(&mut cfg, Fork::Isthmus, 0);
    cfg
}

/// Version-0 calldata (`encode_frames` writes the version byte) of one single-frame zlib
/// channel holding `batches`.
fn channel_payload(channel: u8, batches: &[Batch]) -> Vec<u8> {
    let frame = Frame {
        channel_id: FixedBytes::repeat_byte(channel),
        number: 0,
        data: compress_zlib(&encode_batches(batches), 9).into(),
        is_last: true,
    };
    encode_frames([&frame])
}

/// Creation code of a contract whose every call emits `LOG4(topics, data)`: a stand-in
/// OptimismPortal emitting one fixed `TransactionDeposited` event.
fn log4_emitter_initcode(topics: &[B256], data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap().to_be_bytes();
    // codecopy(0, data_offset, len); log4(0, len, t0, t1, t2, t3); stop
    let code_len = 9 + 33 * topics.len() + 7;
    let offset = u16::try_from(code_len).unwrap().to_be_bytes();
    let mut runtime = vec![0x61, len[0], len[1], 0x61, offset[0], offset[1], 0x60, 0x00, 0x39];
    for topic in topics.iter().rev() {
        runtime.push(0x7f);
        runtime.extend_from_slice(topic.as_slice());
    }
    runtime.extend_from_slice(&[0x61, len[0], len[1], 0x60, 0x00, 0xa4, 0x00]);
    assert_eq!(runtime.len(), code_len);
    runtime.extend_from_slice(data);
    // codecopy(0, 15, runtime_len); return(0, runtime_len)
    let rt_len = u16::try_from(runtime.len()).unwrap().to_be_bytes();
    let mut init = vec![0x61, rt_len[0], rt_len[1], 0x61, 0x00, 0x0f, 0x60, 0x00, 0x39];
    init.extend_from_slice(&[0x61, rt_len[0], rt_len[1], 0x60, 0x00, 0xf3]);
    assert_eq!(init.len(), 15);
    init.extend(runtime);
    init
}

#[test]
fn recorded_anvil_rollup_derives_to_the_posted_l2_blocks() {
    let anvil = Anvil::start();
    anvil.rpc("anvil_setBlockTimestampInterval", json!([12]));
    // The rollup's portal: a contract emitting one user deposit per call (nonce 0, block 1).
    let portal = DEV_ADDRESS.create(0);
    let deposit = TxDeposit {
        source_hash: B256::ZERO,
        from: Address::with_last_byte(0xd0),
        to: TxKind::Call(Address::with_last_byte(0xd1)),
        mint: 1_000,
        value: U256::from(7),
        gas_limit: 100_000,
        is_system_transaction: false,
        input: Bytes::from_static(b"deposit via anvil"),
    };
    let log = transaction_deposited_log(portal, &deposit);
    let initcode = log4_emitter_initcode(log.topics(), &log.data.data);
    anvil.send_raw(&eip1559(0, TxKind::Create, initcode).encoded_2718());
    anvil.mine(); // block 1: the rollup's genesis L1 block (and the portal's deployment)
    let hash_of =
        |n: u64| -> B256 { serde_json::from_value(anvil.block(n)["hash"].clone()).unwrap() };
    let genesis_hash = hash_of(1);
    let l2_time = GENESIS_TIME + 12;
    let mut cfg = anvil_rollup(BlockNumHash { number: 1, hash: genesis_hash }, l2_time);
    cfg.deposit_contract_address = portal;

    // L2 blocks 1..5 in epoch 1 (the genesis L1 block), block 6 opens epoch 2 at L1 block 2's
    // time; named with keel's synthetic hashes (offline derivation).
    let l2_block = |parent: B256, i: u64| {
        let timestamp = l2_time + 2 * i;
        let tx = eip1559(100 + i, TxKind::Call(Address::with_last_byte(7)), vec![i as u8]);
        let txs = vec![Bytes::from(tx.encoded_2718())];
        let hash = synthetic_block_hash(parent, timestamp, &txs);
        (parent, timestamp, txs, hash)
    };
    let mut blocks: Vec<(B256, u64, Vec<Bytes>, B256)> = Vec::new();
    let mut parent = cfg.genesis.l2.hash;
    for i in 1..=6u64 {
        let block = l2_block(parent, i);
        parent = block.3;
        blocks.push(block);
    }
    let singular: Vec<Batch> = blocks[..3]
        .iter()
        .map(|(parent, timestamp, txs, _)| {
            Batch::Singular(SingularBatch {
                parent_hash: *parent,
                epoch_num: 1,
                epoch_hash: genesis_hash,
                timestamp: *timestamp,
                transactions: txs.clone(),
            })
        })
        .collect();
    anvil.send_raw(
        &eip1559(1, TxKind::Call(INBOX), channel_payload(0xc1, &singular)).encoded_2718(),
    );
    anvil.send_raw(&eip1559(2, TxKind::Call(portal), Vec::new()).encoded_2718());
    anvil.mine(); // block 2: singular batches 1..3 in calldata, and the user deposit
    let epoch_2 = hash_of(2);

    let elements: Vec<SpanBatchElement> = blocks[3..]
        .iter()
        .zip([1, 1, 2])
        .map(|((_, timestamp, txs, _), epoch_num)| SpanBatchElement {
            timestamp: *timestamp,
            epoch_num,
            transactions: txs.clone(),
        })
        .collect();
    let span = RawSpanBatch::from_elements(
        &elements,
        FixedBytes::from_slice(&blocks[3].0[..20]),
        FixedBytes::from_slice(&epoch_2[..20]),
        false,
        cfg.genesis.l2_time,
        cfg.l2_chain_id,
    )
    .unwrap();
    let span_payload = channel_payload(0xc2, &[Batch::Span(Box::new(span))]);
    let (raw_blob_tx, _) = blob_tx(3, &encode_blob(&span_payload).unwrap());
    anvil.send_raw(&raw_blob_tx);
    anvil.mine(); // block 3: span batch 4..6 in a blob
    anvil.mine(); // block 4: empty

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
