//! Shared by the anvil tests (`record_anvil.rs`) and the `populate_anvil` example (which the
//! browser test runs): starting anvil, signing and sending L1 transactions, and posting a small
//! rollup (calldata and blob batches, a user deposit) whose derivation is known.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

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
    eip2718::Encodable2718,
    eip4844::kzg_to_versioned_hash,
    eip7594::{BlobTransactionSidecarEip7594, BlobTransactionSidecarVariant},
};
use alloy_primitives::{
    Address, B256, Bytes, FixedBytes, Signature, TxKind, U256, address, keccak256,
};
use keel_core::{
    batch::{Batch, RawSpanBatch, SingularBatch, SpanBatchElement, encode_batches},
    blob::encode_blob,
    compression::compress_zlib,
    config::{Fork, RollupConfig},
    deposit::{TxDeposit, transaction_deposited_log},
    derive::synthetic::synthetic_block_hash,
    frame::{Frame, encode_frames},
};
use keel_tests::chain::activate_through;
use serde_json::{Value, json};

/// Anvil's first funded dev account.
pub const DEV_KEY: [u8; 32] =
    alloy_primitives::hex!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
pub const DEV_ADDRESS: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
/// Arbitrary batch inbox for the test chain.
pub const INBOX: Address = address!("ff00000000000000000000000000000000000042");
/// Anvil's default chain id.
pub const CHAIN_ID: u64 = 31337;
/// Beacon genesis time of the test chain; blocks are 12 s apart, so slot = block number.
pub const GENESIS_TIME: u64 = 1_700_000_000;

/// Where `scripts/test.sh` installs anvil when `KEEL_ANVIL` is not set.
pub fn anvil_binary() -> PathBuf {
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
pub struct Anvil {
    child: Option<Child>,
    /// JSON-RPC (and beacon) URL.
    pub url: String,
    http: reqwest::blocking::Client,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Anvil {
    /// An anvil someone else started and stops (the browser test's script).
    pub fn connect(url: &str) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http =
            reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let anvil = Self { child: None, url: url.to_string(), http };
        let deadline = Instant::now() + Duration::from_secs(30);
        while anvil.try_rpc("eth_chainId", json!([])).is_err() {
            assert!(Instant::now() < deadline, "anvil did not answer at {url} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        anvil
    }

    pub fn start() -> Self {
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
        let anvil = Self { child: Some(child), url: format!("http://127.0.0.1:{port}"), http };
        let deadline = Instant::now() + Duration::from_secs(30);
        while anvil.try_rpc("eth_chainId", json!([])).is_err() {
            assert!(Instant::now() < deadline, "anvil did not answer on port {port} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        anvil
    }

    pub fn try_rpc(&self, method: &str, params: Value) -> Result<Value, String> {
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

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        self.try_rpc(method, params).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn mine(&self) {
        self.rpc("evm_mine", json!([]));
    }

    pub fn send_raw(&self, raw: &[u8]) -> B256 {
        let hash = self.rpc("eth_sendRawTransaction", json!([Bytes::copy_from_slice(raw)]));
        serde_json::from_value(hash).unwrap()
    }

    pub fn block(&self, number: u64) -> Value {
        self.rpc("eth_getBlockByNumber", json!([format!("{number:#x}"), false]))
    }
}

pub fn sign(hash: B256) -> Signature {
    let key = k256::ecdsa::SigningKey::from_slice(&DEV_KEY).unwrap();
    let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    Signature::from_signature_and_parity(sig, recid.is_y_odd())
}

pub fn eip1559(nonce: u64, to: TxKind, input: Vec<u8>) -> TxEnvelope {
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
pub fn batcher_payload(channel: u8, epoch_num: u64, tx_count: u8) -> Vec<u8> {
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
pub fn blob_tx(nonce: u64, blob: &[u8]) -> (Vec<u8>, B256) {
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
pub const LOG_CONTRACT_INITCODE: &[u8] = &alloy_primitives::hex!(
    // codecopy(0, 12, 13); return(0, 13)
    "600d600c600039600d6000f3"
    // mstore(0, 42); log1(0, 32, 1); stop
    "602a600052600160206000a100"
);

/// A rollup on the anvil L1: genesis L1 block 1, batches from the dev account to [`INBOX`],
/// every fork through Isthmus from genesis.
pub fn anvil_rollup(l1_genesis: BlockNumHash, l2_time: u64) -> RollupConfig {
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
pub fn channel_payload(channel: u8, batches: &[Batch]) -> Vec<u8> {
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
pub fn log4_emitter_initcode(topics: &[B256], data: &[u8]) -> Vec<u8> {
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

/// What [`populate_rollup`] posted: the rollup config and the L2 blocks its batches describe.
pub struct PostedRollup {
    /// The rollup (genesis L1 block 1).
    pub cfg: RollupConfig,
    /// Hash of L1 block 1, the rollup's genesis L1 block.
    pub genesis_hash: B256,
    /// Hash of L1 block 2 (epoch 2).
    pub epoch_2: B256,
    /// L2 genesis time.
    pub l2_time: u64,
    /// The user deposit the stand-in portal emits (source hash zero).
    pub deposit: TxDeposit,
    /// L2 blocks 1..=6: (parent hash, timestamp, batch transactions, synthetic hash).
    pub blocks: Vec<(B256, u64, Vec<Bytes>, B256)>,
}

/// Posts a small rollup to a fresh anvil (blocks 12 s apart, so slot = block number): L1 block
/// 1 deploys the stand-in portal (the rollup's genesis L1 block), block 2 carries singular
/// batches for L2 blocks 1..3 in calldata and a user deposit, block 3 a span batch for L2
/// blocks 4..6 in a blob, block 4 is empty.
pub fn populate_rollup(anvil: &Anvil) -> PostedRollup {
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

    PostedRollup { cfg, genesis_hash, epoch_2, l2_time, deposit, blocks }
}
