//! Decode throughput on real channels: decompression alone next to the full decode
//! (decompress + batch decode + span expansion into signed transactions) of the same bytes.
//!
//! Reads `../shared/vectors` (or `KEEL_VECTORS`). Run: `cargo bench -p keel-core --bench decode`.

#![allow(
    clippy::expect_used,
    reason = "a benchmark on fixed vectors should stop loudly on bad data"
)]

mod common;

use common::{hex_vector, read};

use std::{hint::black_box, time::Duration};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keel_core::{
    batch::{Batch, BatchReader},
    blob::decode_blob,
    channel::Channel,
    compression::decompress,
    config::{MAX_RLP_BYTES_PER_CHANNEL_FJORD, RollupConfig},
    frame::parse_frames,
};

/// The 3-blob brotli channel: blobs -> frames -> channel data.
fn unichain_channel() -> Vec<u8> {
    let mut channel = None;
    for i in 0..3 {
        let blob = read(&format!("batcher/unichain-brotli-span-540blocks/{i}.blob.bin"));
        let data = decode_blob(&blob).expect("blob decodes");
        for frame in parse_frames(&data).expect("frames parse") {
            let ch = channel.get_or_insert_with(|| Channel::new(frame.channel_id, 0, true));
            ch.add_frame(frame, 0).expect("frame fits");
        }
    }
    channel.expect("three frames").data()
}

/// Decompress, read every batch and expand span batches into blocks; returns blocks decoded.
fn full_decode(channel: &[u8], config: &RollupConfig) -> usize {
    let limit = MAX_RLP_BYTES_PER_CHANNEL_FJORD as usize;
    let decompressed = decompress(channel, true, limit).expect("known compression");
    let mut blocks = 0;
    for batch in BatchReader::new(&decompressed.data) {
        match batch.expect("batch decodes") {
            Batch::Singular(_) => blocks += 1,
            Batch::Span(span) => {
                let elements = span
                    .expand(config.genesis.l2_time, config.block_time, config.l2_chain_id)
                    .expect("span expands");
                blocks += elements.len();
            }
        }
    }
    blocks
}

fn bench_channel(c: &mut Criterion, name: &str, channel: &[u8], network: &str, blocks: usize) {
    let config = RollupConfig::by_name(network).expect("built-in network");
    assert_eq!(full_decode(channel, &config), blocks, "{name}: block count");
    let limit = MAX_RLP_BYTES_PER_CHANNEL_FJORD as usize;

    let mut group = c.benchmark_group(format!("{name}/channel_bytes"));
    group.throughput(Throughput::Bytes(channel.len() as u64));
    group.bench_function("decompress", |b| {
        b.iter(|| decompress(black_box(channel), true, limit).expect("decompresses").data.len())
    });
    group.bench_function("full_decode", |b| b.iter(|| full_decode(black_box(channel), &config)));
    group.finish();

    let mut group = c.benchmark_group(format!("{name}/blocks"));
    group.throughput(Throughput::Elements(blocks as u64));
    group.bench_function("full_decode", |b| b.iter(|| full_decode(black_box(channel), &config)));
    group.finish();
}

fn decode_benches(c: &mut Criterion) {
    let op_mainnet = hex_vector("batcher/op-mainnet-span-143blocks.channel.hex");
    bench_channel(c, "op-mainnet-143-zlib", &op_mainnet, "op-mainnet", 143);
    let unichain = unichain_channel();
    bench_channel(c, "unichain-540-brotli", &unichain, "unichain-mainnet", 540);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = decode_benches
}
criterion_main!(benches);
