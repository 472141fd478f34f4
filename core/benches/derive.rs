//! Whole-pipeline derivation throughput: L1 blocks in, payload attributes out, through
//! [`OfflineDeriver`] (traversal, retrieval, frames, channels, decompression, batch checks,
//! span expansion and attributes building, with a synthetic L2 as the engine).
//!
//! * `unichain-540-brotli`: the 3 real Unichain blobs (vectors README §2.7) in a blob batcher
//!   transaction at L1 24149392, on L1 blocks 24149341..=24149386 with the real hashes, times,
//!   base fees and excess blob gas of the epoch table; Holocene, Isthmus and Jovian rules.
//! * `op-mainnet-143-zlib`: the real 143-block channel (README §2.2) as one calldata frame, on
//!   fabricated L1 origins 20089746..=20089770 (the last one's hash begins with the span's
//!   `l1_origin_check`); pre-Holocene rules (Ecotone).
//! * `multi-fork-fixture`: `fixtures/multi-fork/{l1,rollup}.json` from genesis, when present.
//!
//! The L1 hosts are in-memory [`FixtureHost`]s. The synthetic chains' blocks are pushed
//! unverified, so headers served under the real hashes need only be consistent with what the
//! pipeline reads (number, parent, time, fees). The batcher
//! cannot be signed for, so each config's genesis batcher is replaced by a bench key's address.
//!
//! Throughput is reported twice: L2 blocks (attributes) per second and L1 batcher bytes per
//! second, where the bytes are what retrieval fetches (whole blobs, or the calldata).
//!
//! Reads `../shared/vectors` (or `KEEL_VECTORS`). Run: `cargo bench -p keel-core --bench derive`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark on fixed vectors should stop loudly on bad data"
)]

mod common;

use common::{hex_vector, read};

use std::{hint::black_box, path::PathBuf, time::Duration};

use alloy_consensus::{
    Header, SignableTransaction, TxEip1559, TxEip4844, TxEnvelope, crypto::secp256k1::sign_message,
};
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, keccak256};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keel_core::{
    batch::{Batch, BatchReader, SpanBatchElement},
    blob::BLOB_SIZE,
    compression::decompress,
    config::{MAX_RLP_BYTES_PER_CHANNEL_FJORD, RollupConfig},
    derive::{
        BlobProvider, L1BlockRef, L1Provider, L2BlockRef, PipelineError,
        host::Blob,
        offline::{DeriveEvent, OfflineDeriver},
    },
    fixture::{FixtureHost, L1Fixture},
    frame::{ChannelId, Frame, encode_frames},
    l1_info::{BlobFeeStep, CANCUN_BLOB_UPDATE_FRACTION, L1BlobSchedule},
};

/// `prefix` (a hex check value) followed by fabricated bytes up to 32.
fn hash_with_prefix(prefix: &str, fill: u8) -> B256 {
    let prefix = alloy_primitives::hex::decode(prefix).expect("valid hex");
    let mut hash = [fill; 32];
    hash[..prefix.len()].copy_from_slice(&prefix);
    B256::from(hash)
}

/// The bench batcher: a fixed secret and the address it signs for.
struct BenchKey {
    secret: B256,
    address: Address,
}

impl BenchKey {
    fn new() -> Self {
        let secret = keccak256(b"keel/bench/batcher");
        let digest = keccak256(b"address");
        let sig = sign_message(secret, digest).expect("valid secret");
        let address = sig.recover_address_from_prehash(&digest).expect("own signature recovers");
        Self { secret, address }
    }

    fn sign<T: SignableTransaction<alloy_primitives::Signature>>(
        &self,
        tx: T,
    ) -> alloy_consensus::Signed<T> {
        let sig = sign_message(self.secret, tx.signature_hash()).expect("signing");
        tx.into_signed(sig)
    }
}

/// What a bench L1 block carries beyond its number.
struct BlockSpec {
    /// `None`: the header's own hash.
    hash: Option<B256>,
    timestamp: u64,
    base_fee: u64,
    excess_blob_gas: u64,
    transactions: Vec<TxEnvelope>,
}

/// Appends block `number` to a bench L1 (a trusted in-memory host) on its tip (the first block
/// gets a made-up parent). Headers carry only what the pipeline reads, so a given hash is served
/// as is; no receipts, so no deposits and no SystemConfig updates.
fn push_block(l1: &mut FixtureHost, number: u64, spec: BlockSpec) {
    let parent_hash = l1.tip().map_or_else(|| keccak256(number.to_be_bytes()), |b| b.hash);
    let header = Header {
        parent_hash,
        number,
        timestamp: spec.timestamp,
        gas_limit: 45_000_000,
        base_fee_per_gas: Some(spec.base_fee),
        mix_hash: keccak256([b"randao".as_slice(), &number.to_be_bytes()].concat()),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(spec.excess_blob_gas),
        parent_beacon_block_root: Some(keccak256(
            [b"beacon".as_slice(), &number.to_be_bytes()].concat(),
        )),
        ..Default::default()
    };
    let hash = spec.hash.unwrap_or_else(|| header.hash_slow());
    let block_ref = L1BlockRef { hash, number, parent_hash, timestamp: spec.timestamp };
    l1.push_unverified_block(block_ref, header, spec.transactions, Vec::new())
        .expect("consecutive blocks");
}

fn block_ref(mut l1: &FixtureHost, number: u64) -> L1BlockRef {
    l1.block_ref_by_number(number).expect("host answers").expect("block in range")
}

/// Steps to the end of the L1 data; returns the number of attributes derived and the final
/// safe head.
fn derive_all<L1: L1Provider, B: BlobProvider>(
    mut deriver: OfflineDeriver,
    l1: &mut L1,
    blobs: &mut B,
) -> (u64, L2BlockRef) {
    let mut attributes = 0;
    loop {
        match deriver.step(l1, blobs) {
            Ok(DeriveEvent::Attributes(a, _)) => {
                black_box(&a);
                attributes += 1;
            }
            Ok(DeriveEvent::OriginAdvanced(_)) => {}
            Ok(DeriveEvent::Reset(head)) => panic!("unexpected reset to {}", head.number),
            Err(PipelineError::Eof) => return (attributes, deriver.safe_head()),
            Err(e) => panic!("derivation failed at L1 {}: {e}", deriver.pipeline().origin().number),
        }
    }
}

/// One benchmark case: how to build a fresh deriver, and the host.
struct Case {
    name: &'static str,
    cfg: RollupConfig,
    schedule: L1BlobSchedule,
    safe_head: L2BlockRef,
    l1_origin: L1BlockRef,
    l1_bytes: u64,
}

impl Case {
    fn deriver(&self) -> OfflineDeriver {
        OfflineDeriver::new(
            self.cfg.clone(),
            self.schedule.clone(),
            self.safe_head,
            self.l1_origin,
            self.cfg.genesis.system_config,
        )
    }
}

fn bench_case<L1: L1Provider, B: BlobProvider>(
    c: &mut Criterion,
    case: &Case,
    blocks: u64,
    last: (u64, u64),
    mut hosts: impl FnMut() -> (L1, B),
) {
    let (mut l1, mut blobs) = hosts();
    let (derived, head) = derive_all(case.deriver(), &mut l1, &mut blobs);
    assert_eq!(derived, blocks, "{}: attributes", case.name);
    assert_eq!((head.number, head.timestamp), last, "{}: last L2 block", case.name);

    let mut group = c.benchmark_group(format!("{}/l2_blocks", case.name));
    group.throughput(Throughput::Elements(blocks));
    group.bench_function("derive", |b| {
        b.iter(|| {
            let (mut l1, mut blobs) = hosts();
            derive_all(case.deriver(), &mut l1, &mut blobs)
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{}/l1_bytes", case.name));
    group.throughput(Throughput::Bytes(case.l1_bytes));
    group.bench_function("derive", |b| {
        b.iter(|| {
            let (mut l1, mut blobs) = hosts();
            derive_all(case.deriver(), &mut l1, &mut blobs)
        })
    });
    group.finish();
}

// ---- unichain-540-brotli ----

const UNI_DIR: &str = "batcher/unichain-brotli-span-540blocks";
const UNI_PARENT_CHECK: &str = "563113941c30e15704d522c04a47ce8c5b4be46a";
const UNI_INCLUSION: u64 = 24_149_392;
const UNI_INCLUSION_TIME: u64 = 1_767_386_303;

fn unichain(key: &BenchKey) -> (Case, FixtureHost) {
    let mut cfg = RollupConfig::by_name("unichain-mainnet").expect("built-in network");
    cfg.genesis.system_config.batcher_address = key.address;
    let mut l1 = FixtureHost::default();

    let table: serde_json::Value = serde_json::from_slice(&read(&format!(
        "{UNI_DIR}/l1-epochs-24149341-24149386.EXTRACTED.json"
    )))
    .expect("epoch table is JSON");
    let mut last = (0, 0, 0);
    for b in table["blocks"].as_array().expect("blocks") {
        let number = b["number"].as_u64().expect("number");
        let spec = BlockSpec {
            hash: Some(b["hash"].as_str().expect("hash").parse().expect("hash hex")),
            timestamp: b["timestamp"].as_u64().expect("timestamp"),
            base_fee: b["base_fee_per_gas"].as_u64().expect("base fee"),
            excess_blob_gas: b["excess_blob_gas"].as_u64().expect("excess blob gas"),
            transactions: Vec::new(),
        };
        last = (number, spec.base_fee, spec.excess_blob_gas);
        push_block(&mut l1, number, spec);
    }
    let (last_epoch, base_fee, excess_blob_gas) = last;
    assert_eq!(last_epoch, 24_149_386);

    let meta: serde_json::Value =
        serde_json::from_slice(&read(&format!("{UNI_DIR}/blobs.json"))).expect("blobs.json");
    let mut hashes = Vec::new();
    for (i, b) in meta["blobs"].as_array().expect("blobs").iter().enumerate() {
        let hash: B256 = b["versioned_hash"].as_str().expect("hash").parse().expect("hash hex");
        let data = read(&format!("{UNI_DIR}/{i}.blob.bin"));
        let blob: Box<Blob> = data.into_boxed_slice().try_into().expect("blob size");
        l1.add_blobs([(hash, blob)]);
        hashes.push(hash);
    }
    let tx: TxEnvelope = key
        .sign(TxEip4844 {
            chain_id: cfg.l1_chain_id,
            nonce: 0,
            gas_limit: 21_000,
            max_fee_per_gas: 1_000_000_000,
            max_priority_fee_per_gas: 1_000_000,
            to: cfg.batch_inbox_address,
            value: U256::ZERO,
            access_list: Default::default(),
            blob_versioned_hashes: hashes.clone(),
            max_fee_per_blob_gas: 1_000_000_000,
            input: Bytes::new(),
        })
        .into();
    let mut tx = Some(tx);
    for number in last_epoch + 1..=UNI_INCLUSION {
        let timestamp = UNI_INCLUSION_TIME - 12 * (UNI_INCLUSION - number);
        let transactions =
            if number == UNI_INCLUSION { tx.take().into_iter().collect() } else { Vec::new() };
        push_block(
            &mut l1,
            number,
            BlockSpec { hash: None, timestamp, base_fee, excess_blob_gas, transactions },
        );
    }

    let l1_origin = block_ref(&l1, 24_149_341);
    let safe_head = L2BlockRef {
        hash: hash_with_prefix(UNI_PARENT_CHECK, 0xab),
        number: 36_637_399,
        parent_hash: keccak256(b"parent of the safe head"),
        timestamp: 1_767_385_758,
        l1_origin: l1_origin.id(),
        // The first span block is 68 s after its origin: 67 one-second blocks before it.
        seq_number: 67,
    };
    assert_eq!(safe_head.timestamp, l1_origin.timestamp + 67);
    let case = Case {
        name: "unichain-540-brotli",
        cfg,
        schedule: L1BlobSchedule::MAINNET,
        safe_head,
        l1_origin,
        l1_bytes: (hashes.len() * BLOB_SIZE) as u64,
    };
    (case, l1)
}

// ---- op-mainnet-143-zlib ----

const OP_PARENT_CHECK: &str = "ba1be7cfde4724e81290aa5ae3c082731ce44823";
const OP_ORIGIN_CHECK: &str = "4bd8da85bfabf4daa6a3f294d3d51dd927c6cbcb";
const OP_FIRST_EPOCH: u64 = 20_089_746;
const OP_LAST_EPOCH: u64 = 20_089_770;

/// The span batch's blocks (timestamps and origins), to fabricate a consistent L1.
fn op_elements(channel: &[u8], cfg: &RollupConfig) -> Vec<SpanBatchElement> {
    let data = decompress(channel, false, MAX_RLP_BYTES_PER_CHANNEL_FJORD as usize)
        .expect("zlib channel")
        .data;
    let mut batches = BatchReader::new(&data);
    let Some(Ok(Batch::Span(span))) = batches.next() else { panic!("one span batch") };
    span.expand(cfg.genesis.l2_time, cfg.block_time, cfg.l2_chain_id).expect("span expands")
}

fn op_mainnet(key: &BenchKey) -> (Case, FixtureHost) {
    let mut cfg = RollupConfig::by_name("op-mainnet").expect("built-in network");
    cfg.genesis.system_config.batcher_address = key.address;
    let channel = hex_vector("batcher/op-mainnet-span-143blocks.channel.hex");
    let elements = op_elements(&channel, &cfg);
    assert_eq!(elements.len(), 143);
    let first = &elements[0];
    assert_eq!((first.timestamp, first.epoch_num), (1_718_364_637, OP_FIRST_EPOCH));
    assert_eq!(elements[142].epoch_num, OP_LAST_EPOCH);
    let safe_time = first.timestamp - cfg.block_time;

    // Origins 12 s apart, as late as every L2 block (and the safe head, whose origin is the
    // first block's: the span's first origin bit is clear) allows: L2 time >= origin time.
    let base = elements
        .iter()
        .map(|e| e.timestamp - 12 * (e.epoch_num - OP_FIRST_EPOCH))
        .chain([safe_time])
        .min()
        .expect("non-empty");
    let origin_time = |number: u64| base + 12 * (number - OP_FIRST_EPOCH);

    let frame = Frame {
        channel_id: ChannelId::from_slice(&keccak256(b"op-mainnet-143")[..16]),
        number: 0,
        data: Bytes::from(channel),
        is_last: true,
    };
    let calldata = Bytes::from(encode_frames([&frame]));
    let l1_bytes = calldata.len() as u64;
    let tx: TxEnvelope = key
        .sign(TxEip1559 {
            chain_id: cfg.l1_chain_id,
            nonce: 0,
            gas_limit: 30_000_000,
            max_fee_per_gas: 1_000_000_000,
            max_priority_fee_per_gas: 1_000_000,
            to: TxKind::Call(cfg.batch_inbox_address),
            value: U256::ZERO,
            access_list: Default::default(),
            input: calldata,
        })
        .into();

    let inclusion = OP_LAST_EPOCH + 1;
    let mut tx = Some(tx);
    let mut l1 = FixtureHost::default();
    for number in OP_FIRST_EPOCH..=inclusion {
        let hash = (number == OP_LAST_EPOCH).then(|| hash_with_prefix(OP_ORIGIN_CHECK, 0xcd));
        let transactions =
            if number == inclusion { tx.take().into_iter().collect() } else { Vec::new() };
        let spec = BlockSpec {
            hash,
            timestamp: origin_time(number),
            base_fee: 5_000_000_000,
            excess_blob_gas: 0,
            transactions,
        };
        push_block(&mut l1, number, spec);
    }
    let l1_origin = block_ref(&l1, OP_FIRST_EPOCH);
    let safe_head = L2BlockRef {
        hash: hash_with_prefix(OP_PARENT_CHECK, 0xab),
        number: 121_382_929,
        parent_hash: keccak256(b"parent of the safe head"),
        timestamp: safe_time,
        l1_origin: l1_origin.id(),
        seq_number: (safe_time - l1_origin.timestamp) / cfg.block_time,
    };
    let case = Case {
        name: "op-mainnet-143-zlib",
        cfg,
        schedule: L1BlobSchedule::MAINNET,
        safe_head,
        l1_origin,
        l1_bytes,
    };
    (case, l1)
}

// ---- multi-fork-fixture ----

fn multi_fork(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/multi-fork");
    let (Ok(l1_json), Ok(rollup_json)) = (
        std::fs::read_to_string(dir.join("l1.json")),
        std::fs::read_to_string(dir.join("rollup.json")),
    ) else {
        eprintln!("multi-fork-fixture: {} not found, skipped", dir.display());
        return;
    };
    let cfg = RollupConfig::from_json(&rollup_json).expect("rollup.json");
    let fixture = L1Fixture::from_json(&l1_json).expect("l1.json");
    let host = FixtureHost::new(&fixture).expect("valid fixture");
    let schedule = L1BlobSchedule::new(vec![BlobFeeStep {
        activation_time: 0,
        update_fraction: CANCUN_BLOB_UPDATE_FRACTION,
    }])
    .expect("valid schedule");
    let genesis_l1 = (&host)
        .block_ref_by_number(cfg.genesis.l1.number)
        .expect("host answers")
        .expect("genesis L1 block in the fixture");
    let l1_bytes: u64 = fixture
        .blocks
        .iter()
        .flat_map(|b| &b.transactions)
        .filter_map(|raw| {
            let tx =
                <TxEnvelope as alloy_eips::eip2718::Decodable2718>::decode_2718(&mut raw.as_ref())
                    .ok()?;
            (alloy_consensus::Transaction::to(&tx) == Some(cfg.batch_inbox_address)).then(|| {
                let blobs = alloy_consensus::Transaction::blob_versioned_hashes(&tx)
                    .map_or(0, <[B256]>::len);
                if blobs > 0 {
                    (blobs * BLOB_SIZE) as u64
                } else {
                    alloy_consensus::Transaction::input(&tx).len() as u64
                }
            })
        })
        .sum();
    let deriver = || OfflineDeriver::from_genesis(cfg.clone(), schedule.clone(), genesis_l1);
    // The fixture's README: L2 blocks 0..=269, every 2 s from 1700000000.
    let (blocks, head) = derive_all(deriver(), &mut &host, &mut &host);
    assert_eq!(blocks, 269, "multi-fork-fixture: attributes");
    assert_eq!((head.number, head.timestamp), (269, 1_700_000_538), "multi-fork-fixture: last");
    eprintln!("multi-fork-fixture: {blocks} L2 blocks from {l1_bytes} L1 batcher bytes");

    let mut group = c.benchmark_group("multi-fork-fixture/l2_blocks");
    group.throughput(Throughput::Elements(blocks));
    group.bench_function("derive", |b| b.iter(|| derive_all(deriver(), &mut &host, &mut &host)));
    group.finish();
    let mut group = c.benchmark_group("multi-fork-fixture/l1_bytes");
    group.throughput(Throughput::Bytes(l1_bytes));
    group.bench_function("derive", |b| b.iter(|| derive_all(deriver(), &mut &host, &mut &host)));
    group.finish();
}

fn derive_benches(c: &mut Criterion) {
    let key = BenchKey::new();
    let (case, l1) = unichain(&key);
    // README §2.7: L2 36637400..=36637939, timestamps 1767385759..=1767386298.
    bench_case(c, &case, 540, (36_637_939, 1_767_386_298), || (&l1, &l1));
    let (case, l1) = op_mainnet(&key);
    // README §2.2: L2 121382930..=121383072, timestamps 1718364637..=1718364921.
    bench_case(c, &case, 143, (121_383_072, 1_718_364_921), || (&l1, &l1));
    multi_fork(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = derive_benches
}
criterion_main!(benches);
