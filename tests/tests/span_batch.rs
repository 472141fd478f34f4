//! Span batch codec (checklist §3.2) against real chain data (vectors README §2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{FixedBytes, hex};
use keel_core::{
    batch::span::{RawSpanBatch, SpanBatchElement, SpanTxType},
    blob::decode_blob,
    compression::{StreamEnd, decompress},
    frame::{Frame, parse_frames},
};
use keel_tests::{read_hex_vector, read_vector};

const MAX_RLP_BYTES_PER_CHANNEL: usize = 100_000_000;

/// A chain's genesis L2 time, block time and chain id.
#[derive(Clone, Copy)]
struct Chain {
    l2_time: u64,
    block_time: u64,
    chain_id: u64,
}

const OP_MAINNET: Chain = Chain { l2_time: 1_686_068_903, block_time: 2, chain_id: 10 };
const OP_SEPOLIA: Chain = Chain { l2_time: 1_691_802_540, block_time: 2, chain_id: 11_155_420 };
const UNICHAIN: Chain = Chain { l2_time: 1_730_748_359, block_time: 1, chain_id: 130 };

/// Facts from the vectors README for one span batch.
struct Facts {
    decompressed_len: usize,
    body_len: Option<usize>,
    rel_timestamp: u64,
    l1_origin_num: u64,
    parent_check: &'static str,
    l1_origin_check: &'static str,
    block_count: u64,
    origin_bits_set: Option<usize>,
    first_origin: u64,
    last_origin: u64,
    txs: usize,
    type2: usize,
    type1: usize,
    type4: usize,
    legacy_protected: usize,
    legacy_unprotected: usize,
    creations: usize,
    max_txs_per_block: Option<usize>,
    empty_blocks: usize,
    first_timestamp: u64,
    last_timestamp: u64,
}

/// Decompresses a channel and splits it into its batches (`type_byte ++ body` each),
/// requiring the batch strings to cover the stream exactly.
fn channel_batches(channel: &[u8], facts: &Facts) -> Vec<Vec<u8>> {
    let out = decompress(channel, true, MAX_RLP_BYTES_PER_CHANNEL).unwrap();
    // Some batchers' channels stop without the zlib trailer; the data before it still counts.
    assert_ne!(out.end, StreamEnd::LimitReached);
    assert_eq!(out.data.len(), facts.decompressed_len);
    let mut rest = out.data.as_slice();
    let mut batches = Vec::new();
    while !rest.is_empty() {
        let header = alloy_rlp::Header::decode(&mut rest).unwrap();
        assert!(!header.list, "batches are RLP strings");
        let (batch, tail) = rest.split_at(header.payload_length);
        batches.push(batch.to_vec());
        rest = tail;
    }
    batches
}

/// The one frame of a calldata-style payload.
fn single_frame(payload: &[u8], channel_id: &str, len: usize) -> Frame {
    let frames = parse_frames(payload).unwrap();
    assert_eq!(frames.len(), 1);
    let frame = frames.into_iter().next().unwrap();
    assert_eq!(hex::encode(frame.channel_id), channel_id);
    assert_eq!((frame.number, frame.data.len(), frame.is_last), (0, len, true));
    frame
}

fn check20(actual: FixedBytes<20>, expected: &str) {
    assert_eq!(format!("{actual:#x}"), expected);
}

/// Decodes, checks every fact, expands, and round-trips one span batch.
fn check_span_batch(batch: &[u8], chain: Chain, facts: &Facts) -> Vec<SpanBatchElement> {
    let (&ty, body) = batch.split_first().unwrap();
    assert_eq!(ty, 0x01, "span batch type byte");
    if let Some(len) = facts.body_len {
        assert_eq!(body.len(), len);
    }
    let (raw, used) = RawSpanBatch::decode(body).unwrap();
    assert_eq!(used, body.len(), "the batch fills its RLP string exactly");

    let p = &raw.prefix;
    assert_eq!(p.rel_timestamp, facts.rel_timestamp);
    assert_eq!(p.l1_origin_num, facts.l1_origin_num);
    check20(p.parent_check, facts.parent_check);
    check20(p.l1_origin_check, facts.l1_origin_check);
    assert_eq!(raw.block_count(), facts.block_count);
    assert_eq!(raw.tx_count(), facts.txs as u64);
    let bits = &raw.payload.origin_bits;
    if let Some(set) = facts.origin_bits_set {
        assert_eq!(bits.count_ones(), set);
    }
    // The origin number moves once per set bit after bit 0.
    let changes = bits.count_ones() - usize::from(bits.get(0).unwrap());
    assert_eq!(changes as u64, facts.last_origin - facts.first_origin);
    assert_eq!(raw.start_epoch_num(), facts.first_origin);

    let txs = &raw.payload.txs;
    assert_eq!(txs.len(), facts.txs);
    let count = |t| (0..txs.len()).filter(|&i| txs.tx_type(i) == Some(t)).count();
    assert_eq!(count(SpanTxType::Eip1559), facts.type2);
    assert_eq!(count(SpanTxType::Eip2930), facts.type1);
    assert_eq!(count(SpanTxType::Eip7702), facts.type4);
    assert_eq!(txs.legacy_count(), facts.legacy_protected + facts.legacy_unprotected);
    assert_eq!(txs.protected_bits.count_ones(), facts.legacy_protected);
    assert_eq!(txs.contract_creation_count(), facts.creations);
    let counts = &raw.payload.block_tx_counts;
    if let Some(max) = facts.max_txs_per_block {
        assert_eq!(counts.iter().copied().max(), Some(max as u64));
    }
    assert_eq!(counts.iter().filter(|&&c| c == 0).count(), facts.empty_blocks);
    assert_eq!(raw.start_timestamp(chain.l2_time), facts.first_timestamp);
    assert_eq!(raw.final_timestamp(chain.l2_time, chain.block_time), facts.last_timestamp);

    // decode → encode reproduces the body byte for byte.
    let mut reencoded = Vec::new();
    raw.encode(&mut reencoded);
    assert!(reencoded == body, "decode → encode must reproduce the input");

    // Expansion: timestamps, epochs and fully signed transactions.
    let elements = raw.expand(chain.l2_time, chain.block_time, chain.chain_id).unwrap();
    assert_eq!(elements.len() as u64, facts.block_count);
    let first = elements.first().unwrap();
    let last = elements.last().unwrap();
    assert_eq!((first.timestamp, last.timestamp), (facts.first_timestamp, facts.last_timestamp));
    assert_eq!((first.epoch_num, last.epoch_num), (facts.first_origin, facts.last_origin));
    for pair in elements.windows(2) {
        assert_eq!(pair[1].timestamp, pair[0].timestamp + chain.block_time);
        assert!(pair[1].epoch_num - pair[0].epoch_num <= 1);
    }
    let distinct_epochs =
        1 + elements.windows(2).filter(|w| w[0].epoch_num != w[1].epoch_num).count();
    assert_eq!(distinct_epochs as u64, facts.last_origin - facts.first_origin + 1);
    let (mut protected, mut unprotected, mut creations) = (0, 0, 0);
    for tx in elements.iter().flat_map(|e| &e.transactions) {
        let envelope = TxEnvelope::decode_2718_exact(tx).unwrap();
        match &envelope {
            TxEnvelope::Legacy(signed) => match signed.tx().chain_id {
                Some(id) => {
                    assert_eq!(id, chain.chain_id);
                    protected += 1;
                }
                None => unprotected += 1,
            },
            TxEnvelope::Eip2930(s) => assert_eq!(s.tx().chain_id, chain.chain_id),
            TxEnvelope::Eip1559(s) => assert_eq!(s.tx().chain_id, chain.chain_id),
            TxEnvelope::Eip7702(s) => assert_eq!(s.tx().chain_id, chain.chain_id),
            TxEnvelope::Eip4844(_) => panic!("span batches carry no blob txs"),
        }
        creations += usize::from(alloy_consensus::Transaction::is_create(&envelope));
    }
    assert_eq!((protected, unprotected), (facts.legacy_protected, facts.legacy_unprotected));
    assert_eq!(creations, facts.creations);

    // expand → from_elements → encode reproduces the original bytes too.
    let rebuilt = RawSpanBatch::from_elements(
        &elements,
        p.parent_check,
        p.l1_origin_check,
        bits.get(0).unwrap(),
        chain.l2_time,
        chain.chain_id,
    )
    .unwrap();
    let mut rebuilt_bytes = Vec::new();
    rebuilt.encode(&mut rebuilt_bytes);
    assert!(rebuilt_bytes == body, "expand → from_elements → encode must reproduce the input");
    assert_eq!(rebuilt, raw);
    elements
}

#[test]
fn rule_3_2_span_batch_op_mainnet_27_blocks() {
    let raw_tx = read_vector("batcher/op-mainnet-span-27blocks.tx.bin");
    let tx = TxEnvelope::decode_2718_exact(&raw_tx).unwrap();
    let calldata = alloy_consensus::Transaction::input(&tx);
    assert_eq!(calldata.len(), 119_823);
    let frame = single_frame(calldata, "ac329933f5efdcc35ccd284232a376d3", 119_799);
    assert_eq!(frame.data.as_ref(), &calldata[1 + 22..1 + 22 + 119_799]);
    let facts = Facts {
        decompressed_len: 240_308,
        body_len: Some(240_303),
        rel_timestamp: 24_269_254,
        l1_origin_num: 19_426_585,
        parent_check: "0x4a78c6069d413ac5cd75401310076b7acbc10cea",
        l1_origin_check: "0x4fcd7915716bdcf8ba963e591577721000dd2bf7",
        block_count: 27,
        origin_bits_set: Some(3),
        first_origin: 19_426_582,
        last_origin: 19_426_585,
        txs: 209,
        type2: 173,
        type1: 0,
        type4: 0,
        legacy_protected: 36,
        legacy_unprotected: 0,
        creations: 0,
        max_txs_per_block: Some(14),
        empty_blocks: 0,
        first_timestamp: 1_710_338_157,
        last_timestamp: 1_710_338_209,
    };
    let batches = channel_batches(&frame.data, &facts);
    assert_eq!(batches.len(), 1);
    let elements = check_span_batch(&batches[0], OP_MAINNET, &facts);
    // L2 block numbers from OP Mainnet's genesis (L2 105235063).
    let number = |ts: u64| 105_235_063 + (ts - OP_MAINNET.l2_time) / OP_MAINNET.block_time;
    assert_eq!(number(elements[0].timestamp), 117_369_690);
    assert_eq!(number(elements[26].timestamp), 117_369_716);
}

#[test]
fn rule_3_2_span_batch_op_mainnet_143_blocks() {
    let channel = read_hex_vector("batcher/op-mainnet-span-143blocks.channel.hex");
    assert_eq!(channel.len(), 615_361);
    let facts = Facts {
        decompressed_len: 1_409_463,
        body_len: Some(1_409_458),
        rel_timestamp: 32_295_734,
        l1_origin_num: 20_089_770,
        parent_check: "0xba1be7cfde4724e81290aa5ae3c082731ce44823",
        l1_origin_check: "0x4bd8da85bfabf4daa6a3f294d3d51dd927c6cbcb",
        block_count: 143,
        origin_bits_set: Some(24),
        first_origin: 20_089_746,
        last_origin: 20_089_770,
        txs: 1766,
        type2: 1301,
        type1: 11,
        type4: 0,
        legacy_protected: 454,
        legacy_unprotected: 0,
        creations: 1,
        max_txs_per_block: Some(47),
        empty_blocks: 0,
        first_timestamp: 1_718_364_637,
        last_timestamp: 1_718_364_921,
    };
    let batches = channel_batches(&channel, &facts);
    assert_eq!(batches.len(), 1);
    check_span_batch(&batches[0], OP_MAINNET, &facts);
}

#[test]
fn rule_3_2_span_batch_op_sepolia_84_blocks() {
    let calldata = read_hex_vector("batcher/op-sepolia-span-84blocks.calldata.hex");
    assert_eq!(calldata.len(), 1524);
    let frame = single_frame(&calldata, "656531d7fca1ad32740ea3adca85922a", 1500);
    let facts = Facts {
        decompressed_len: 2813,
        body_len: None,
        rel_timestamp: 11_401_892,
        l1_origin_num: 4_933_211,
        parent_check: "0xe0bc110ffac850cd0de7fe2b110eb717a68a9799",
        l1_origin_check: "0xc25c48e8976f87aae02678f4560c3889cfe04f1a",
        block_count: 84,
        origin_bits_set: None,
        first_origin: 4_933_199,
        last_origin: 4_933_211,
        txs: 9,
        type2: 6,
        type1: 0,
        type4: 0,
        legacy_protected: 3,
        legacy_unprotected: 0,
        creations: 0,
        max_txs_per_block: None,
        empty_blocks: 75,
        first_timestamp: 1_703_204_432,
        last_timestamp: 1_703_204_598,
    };
    let batches = channel_batches(&frame.data, &facts);
    assert_eq!(batches.len(), 1);
    check_span_batch(&batches[0], OP_SEPOLIA, &facts);
}

#[test]
fn rule_3_2_span_batch_op_sepolia_blob9() {
    let data = read_hex_vector("batcher/op-sepolia-blob9.decoded.hex");
    assert_eq!(data.len(), 3220);
    let frame = single_frame(&data, "2f127415c9cb64ca077f23db3cfa302e", 3196);
    let facts = Facts {
        decompressed_len: 6095,
        body_len: None,
        rel_timestamp: 16_732_870,
        l1_origin_num: 5_335_447,
        parent_check: "0x07209f379e90ea388298b985b293e59322c2c1a9",
        l1_origin_check: "0x83f62f0d8655d8d8ec412efe65f8202154140486",
        block_count: 22,
        origin_bits_set: None,
        first_origin: 5_335_444,
        last_origin: 5_335_447,
        txs: 20,
        type2: 9,
        type1: 0,
        type4: 0,
        legacy_protected: 11,
        legacy_unprotected: 0,
        creations: 0,
        max_txs_per_block: None,
        empty_blocks: 10,
        first_timestamp: 1_708_535_410,
        last_timestamp: 1_708_535_410 + 21 * 2,
    };
    let batches = channel_batches(&frame.data, &facts);
    assert_eq!(batches.len(), 1);
    check_span_batch(&batches[0], OP_SEPOLIA, &facts);
}

#[test]
fn rule_3_2_span_batch_unichain_brotli_540_blocks_with_eip7702() {
    let mut channel = Vec::new();
    let lens = [(130_044, 130_020, false), (130_044, 130_020, false), (62_752, 62_728, true)];
    for (i, (data_len, frame_len, is_last)) in lens.into_iter().enumerate() {
        let blob = read_vector(&format!("batcher/unichain-brotli-span-540blocks/{i}.blob.bin"));
        let data = decode_blob(&blob).unwrap();
        assert_eq!(data.len(), data_len);
        let frames = parse_frames(&data).unwrap();
        assert_eq!(frames.len(), 1);
        let frame = &frames[0];
        assert_eq!(hex::encode(frame.channel_id), "0cd2fbf2cf47542dc209f38baa4fd48f");
        assert_eq!(
            (frame.number as usize, frame.data.len(), frame.is_last),
            (i, frame_len, is_last)
        );
        channel.extend_from_slice(&frame.data);
    }
    assert_eq!(channel.len(), 322_768);
    assert_eq!(channel[0], 0x01, "brotli channel");
    let facts = Facts {
        decompressed_len: 962_554,
        body_len: Some(962_549),
        rel_timestamp: 36_637_400,
        l1_origin_num: 24_149_386,
        parent_check: "0x563113941c30e15704d522c04a47ce8c5b4be46a",
        l1_origin_check: "0x98270cc47c9ec388bdfc564f7cc2b96af7399814",
        block_count: 540,
        origin_bits_set: Some(45),
        first_origin: 24_149_341,
        last_origin: 24_149_386,
        txs: 3196,
        type2: 3056,
        type1: 0,
        type4: 1,
        legacy_protected: 139,
        legacy_unprotected: 0,
        creations: 4,
        max_txs_per_block: Some(37),
        empty_blocks: 0,
        first_timestamp: 1_767_385_759,
        last_timestamp: 1_767_386_298,
    };
    let batches = channel_batches(&channel, &facts);
    assert_eq!(batches.len(), 1);
    let elements = check_span_batch(&batches[0], UNICHAIN, &facts);
    assert_eq!(elements.iter().filter(|e| e.has_set_code_tx()).count(), 1);
    // L2 numbers from Unichain's genesis (L2 0, 1 s blocks).
    assert_eq!(elements[0].timestamp - UNICHAIN.l2_time, 36_637_400);
    assert_eq!(elements[539].timestamp - UNICHAIN.l2_time, 36_637_939);
}

#[test]
fn rule_3_2_span_batch_synthetic_roundtrip() {
    let body = read_vector("batcher/SYNTHETIC-raw-span-batch.bin");
    assert_eq!(body.len(), 23_886);
    let (raw, used) = RawSpanBatch::decode(&body).unwrap();
    assert_eq!(used, 23_886);
    assert_eq!(raw.prefix.rel_timestamp, 1_639_845_645);
    assert_eq!(raw.prefix.l1_origin_num, 16_988_980_031_808_077_784);
    assert_eq!(raw.block_count(), 4);
    let txs = &raw.payload.txs;
    assert_eq!(txs.len(), 39);
    let count = |t| (0..txs.len()).filter(|&i| txs.tx_type(i) == Some(t)).count();
    assert_eq!(count(SpanTxType::Legacy), 20);
    assert_eq!(txs.protected_bits.count_ones(), 10);
    assert_eq!(count(SpanTxType::Eip2930), 10);
    assert_eq!(count(SpanTxType::Eip1559), 9);
    assert_eq!(txs.contract_creation_count(), 19);
    let mut out = Vec::new();
    raw.encode(&mut out);
    assert!(out == body, "decode → encode must reproduce the synthetic batch");

    // Its values are random, but its tx_datas are well-formed: expansion under any chain id and
    // rebuilding from the expansion must give back the same bytes (unprotected legacy included).
    let elements = raw.expand(0, 2, 10).unwrap();
    assert_eq!(elements.iter().map(|e| e.transactions.len()).sum::<usize>(), 39);
    let first_bit = raw.payload.origin_bits.get(0).unwrap();
    let p = raw.prefix;
    let rebuilt =
        RawSpanBatch::from_elements(&elements, p.parent_check, p.l1_origin_check, first_bit, 0, 10)
            .unwrap();
    assert_eq!(rebuilt, raw);
}
