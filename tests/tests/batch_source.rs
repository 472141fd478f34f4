//! The pipeline's front half (L1 traversal + batch source) on in-memory test chains: batcher
//! transactions in calldata and blobs, compression, batch types, frames across L1 blocks,
//! batcher authentication and changes, channel limits and timeouts, Holocene activation, L1
//! reorgs and host misses (checklist §1, §2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use alloy_primitives::{Address, Bytes, TxKind};
use keel_core::{
    batch::{Batch, SingularBatch},
    config::{Fork, RollupConfig},
    derive::{
        L1BlockRef, PipelineError, ProviderError,
        batch_source::BatchSource,
        error::{DataKey, ResetReason},
        traversal::L1Traversal,
    },
    frame::Frame,
    system_config_update::ConfigUpdate,
};
use keel_tests::chain::{
    CalldataTxType, Compression, FaultKind, HostCall, InMemoryHost, L1_BLOCK_TIME, L2Block,
    TestChannel, TestL1, TestL2, activate_at, batcher_key, blob_from_data, channel_id, l1_user_key,
    other_batcher_key, payload, set_fork, singular_batches, span_batch, test_rollup_config,
};

/// Traversal and batch source driven as the pipeline drives them.
struct FrontHalf {
    traversal: L1Traversal,
    source: BatchSource,
    /// Batches read so far, with their inclusion block numbers.
    out: Vec<(Batch, u64)>,
    /// Temporary errors seen (each was retried).
    temporaries: Vec<ProviderError>,
    /// L1 blocks at which the source reported Holocene activation.
    holocene_activations: Vec<u64>,
}

impl FrontHalf {
    /// Starts at L1 block `origin`.
    fn at(cfg: &RollupConfig, origin: L1BlockRef) -> Self {
        Self {
            traversal: L1Traversal::new(origin, cfg.genesis.system_config),
            source: BatchSource::new(cfg, origin),
            out: Vec::new(),
            temporaries: Vec::new(),
            holocene_activations: Vec::new(),
        }
    }

    /// Starts at the rollup's genesis L1 block.
    fn new(cfg: &RollupConfig, host: &InMemoryHost) -> Self {
        Self::at(cfg, host.l1.block_ref(cfg.genesis.l1.number).unwrap())
    }

    /// Reads batches into `out` until the host has no next L1 block. Temporary errors are
    /// retried when `retry` is set (at most 1000 times), otherwise returned like any error.
    fn run(
        &mut self,
        cfg: &RollupConfig,
        host: &InMemoryHost,
        retry: bool,
    ) -> Result<(), PipelineError> {
        for _ in 0..100_000 {
            let step = match self.source.next_batch(
                cfg,
                self.traversal.system_config(),
                &mut &*host,
                &mut &*host,
            ) {
                Ok((batch, inclusion)) => {
                    assert_eq!(inclusion, self.source.origin());
                    self.out.push((batch, inclusion.number));
                    Ok(())
                }
                Err(PipelineError::Eof) => match self.traversal.advance(&mut &*host, cfg) {
                    Ok(next) => {
                        if self.source.on_new_origin(cfg, next) {
                            self.holocene_activations.push(next.number);
                        }
                        Ok(())
                    }
                    Err(PipelineError::Eof) => return Ok(()),
                    Err(e) => Err(e),
                },
                Err(PipelineError::NotEnoughData) => Ok(()),
                Err(e) => Err(e),
            };
            match step {
                Ok(()) => {}
                Err(PipelineError::Temporary(e)) if retry && self.temporaries.len() < 1000 => {
                    self.temporaries.push(e);
                }
                Err(e) => return Err(e),
            }
        }
        panic!("front half did not reach the L1 head");
    }

    /// Runs to the head and takes the batches read.
    fn run_all(&mut self, cfg: &RollupConfig, host: &InMemoryHost) -> Vec<(Batch, u64)> {
        self.run(cfg, host, false).unwrap();
        std::mem::take(&mut self.out)
    }
}

/// Runs the front half from genesis to the head without retries.
fn derive_batches(cfg: &RollupConfig, host: &InMemoryHost) -> Vec<(Batch, u64)> {
    FrontHalf::new(cfg, host).run_all(cfg, host)
}

/// A fresh L1 (genesis 1000) with two empty blocks, its rollup config (edited by `tweak`), and
/// an L2 with `n` blocks of one transfer each on top of it.
fn chain(tweak: impl FnOnce(&mut RollupConfig, &TestL1)) -> (RollupConfig, TestL1, TestL2) {
    let mut l1 = TestL1::default();
    let mut cfg = test_rollup_config(&l1);
    l1.empty_blocks(2);
    tweak(&mut cfg, &l1);
    let l2 = TestL2::new(&cfg);
    (cfg, l1, l2)
}

/// The L2 timestamp of L1 block `number` of a chain made by [`chain`] (fork times are compared
/// with L1 block times in the front half).
fn l1_time(l1: &TestL1, number: u64) -> u64 {
    l1.genesis().timestamp + (number - l1.genesis().number) * L1_BLOCK_TIME
}

fn with_inclusion(batches: &[Batch], number: u64) -> Vec<(Batch, u64)> {
    batches.iter().map(|b| (b.clone(), number)).collect()
}

fn singular(blocks: &[L2Block]) -> Vec<Batch> {
    singular_batches(blocks)
}

/// Channel `n` carrying singular batches of `blocks`, zlib.
fn zlib_channel(n: u64, blocks: &[L2Block]) -> TestChannel {
    TestChannel::new(channel_id(n), &singular(blocks), Compression::Zlib)
}

#[test]
fn rule_1_2_calldata_batcher_txs_singular_batches_zlib() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 12, 2);
    let (first, second) = blocks.split_at(6);
    let a = zlib_channel(0, first);
    let b = zlib_channel(1, second);
    // A transaction of every calldata type is a batcher transaction.
    let inbox = TxKind::Call(cfg.batch_inbox_address);
    let batcher = batcher_key();
    let b1 = l1
        .new_block()
        .calldata_tx(&l1_user_key(), CalldataTxType::Eip1559, TxKind::Call(Address::ZERO), b"x")
        .calldata_tx(&batcher, CalldataTxType::Legacy, inbox, a.single_payload())
        .build();
    let b2 = l1
        .new_block()
        .calldata_tx(&batcher, CalldataTxType::Eip2930, inbox, b.single_payload())
        .build();
    l1.empty_blocks(1);
    let host = InMemoryHost::new(l1, l2);
    let got = derive_batches(&cfg, &host);
    let mut want = with_inclusion(&singular(first), b1.number);
    want.extend(with_inclusion(&singular(second), b2.number));
    assert_eq!(got, want);
    assert_eq!(got.len(), 12);
}

#[test]
fn l1_head_growth_resumes_after_eof() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    let included =
        l1.new_block().batcher_calldata(zlib_channel(0, &blocks).single_payload()).build();
    let mut host = InMemoryHost::new(l1, l2);
    host.set_head(Some(included.number - 1));
    let mut front = FrontHalf::new(&cfg, &host);
    assert_eq!(front.run_all(&cfg, &host), vec![]);
    assert_eq!(front.traversal.origin().number, included.number - 1);
    host.set_head(None);
    assert_eq!(front.run_all(&cfg, &host), with_inclusion(&singular(&blocks), included.number));
    // Nothing new: the traversal stays put.
    assert_eq!(front.run_all(&cfg, &host), vec![]);
    assert_eq!(front.traversal.origin(), included);
}

#[test]
fn rule_1_5_blob_batcher_tx_after_ecotone() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 10, 3);
    let (first, second) = blocks.split_at(5);
    let a = zlib_channel(0, first);
    let b = TestChannel::new(channel_id(1), &singular(second), Compression::Brotli);
    // Channel A in two blobs of one tx (one frame each); a user's blob tx comes first so the
    // batcher's blobs have block-wide indices 1 and 2; channel B in a later blob tx's blob.
    let frames_a = a.frames(a.data.len() / 2 + 1);
    assert_eq!(frames_a.len(), 2);
    let user_blob = blob_from_data(b"not batcher data");
    let user = l1_user_key();
    let included = l1
        .new_block()
        .blob_tx(&user, Address::with_last_byte(9), vec![user_blob], Bytes::new())
        .batcher_blobs(&[payload(&frames_a[..1]), payload(&frames_a[1..])])
        .batcher_blobs(&[b.single_payload()])
        .build();
    let host = InMemoryHost::new(l1, l2);
    let mut front = FrontHalf::new(&cfg, &host);
    let got = front.run_all(&cfg, &host);
    let mut want = with_inclusion(&singular(first), included.number);
    want.extend(with_inclusion(&singular(second), included.number));
    assert_eq!(got, want);
    let stats = front.source.retrieval_stats();
    assert_eq!((stats.batcher_txs, stats.blobs, stats.invalid_blobs), (2, 3, 0));
}

#[test]
fn rule_1_5_blob_tx_calldata_before_ecotone_blobs_after() {
    let (cfg, mut l1, mut l2) = chain(|cfg, l1| {
        // Ecotone (and every later fork) from L1 block 1004's time.
        activate_at(cfg, Fork::Ecotone, l1_time(l1, 1004));
    });
    let blocks = l2.build_blocks(&l1, 8, 1);
    let chans: Vec<_> =
        blocks.chunks(2).enumerate().map(|(i, c)| zlib_channel(i as u64, c)).collect();
    let batcher = batcher_key();
    let inbox = cfg.batch_inbox_address;
    // Block 1003, before Ecotone: the blob tx's calldata (channel 0) is read, its blob
    // (channel 1) is not.
    let pre = l1
        .new_block()
        .blob_tx(
            &batcher,
            inbox,
            vec![blob_from_data(&chans[1].single_payload())],
            chans[0].single_payload().into(),
        )
        .build();
    // Block 1004, from Ecotone: the blob (channel 3) is read, the calldata (channel 2) is not.
    let post = l1
        .new_block()
        .blob_tx(
            &batcher,
            inbox,
            vec![blob_from_data(&chans[3].single_payload())],
            chans[2].single_payload().into(),
        )
        .build();
    assert_eq!((pre.number, post.number), (1003, 1004));
    assert!(!cfg.is_ecotone_active(pre.timestamp) && cfg.is_ecotone_active(post.timestamp));
    let host = InMemoryHost::new(l1, l2);
    let got = derive_batches(&cfg, &host);
    let mut want = with_inclusion(&singular(&blocks[0..2]), pre.number);
    want.extend(with_inclusion(&singular(&blocks[6..8]), post.number));
    assert_eq!(got, want);
}

#[test]
fn rule_1_5_invalid_blob_ignored_alone() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    let a = zlib_channel(0, &blocks[..2]);
    let b = zlib_channel(1, &blocks[2..]);
    let mut bad = blob_from_data(&a.single_payload());
    bad[1] = 1; // encoding version 1 does not exist
    let good = blob_from_data(&b.single_payload());
    let included = l1
        .new_block()
        .blob_tx(&batcher_key(), cfg.batch_inbox_address, vec![bad, good], Bytes::new())
        .build();
    let host = InMemoryHost::new(l1, l2);
    let mut front = FrontHalf::new(&cfg, &host);
    assert_eq!(
        front.run_all(&cfg, &host),
        with_inclusion(&singular(&blocks[2..]), included.number)
    );
    assert_eq!(front.source.retrieval_stats().invalid_blobs, 1);
}

#[test]
fn rule_2_4_brotli_ignored_before_fjord_read_after() {
    let (cfg, mut l1, mut l2) = chain(|cfg, l1| activate_at(cfg, Fork::Fjord, l1_time(l1, 1004)));
    let blocks = l2.build_blocks(&l1, 6, 2);
    let brotli =
        |n: u64, b: &[L2Block]| TestChannel::new(channel_id(n), &singular(b), Compression::Brotli);
    // 1003 (before Fjord): brotli channel 0 is dropped, zlib channel 1 is read.
    let pre = l1
        .new_block()
        .batcher_calldata(brotli(0, &blocks[0..2]).single_payload())
        .batcher_calldata(zlib_channel(1, &blocks[2..4]).single_payload())
        .build();
    // 1004 (Fjord): brotli is read.
    let post = l1.new_block().batcher_calldata(brotli(2, &blocks[4..6]).single_payload()).build();
    assert!(!cfg.is_fjord_active(pre.timestamp) && cfg.is_fjord_active(post.timestamp));
    let host = InMemoryHost::new(l1, l2);
    let mut front = FrontHalf::new(&cfg, &host);
    let got = front.run_all(&cfg, &host);
    let mut want = with_inclusion(&singular(&blocks[2..4]), pre.number);
    want.extend(with_inclusion(&singular(&blocks[4..6]), post.number));
    assert_eq!(got, want);
    assert_eq!(front.source.stats().channels, 3);
}

#[test]
fn rule_3_2_span_batches_in_channels() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 14, 2);
    // Two span batches in one brotli channel, then a span batch next to singular batches.
    let spans = vec![span_batch(&blocks[0..5], &cfg), span_batch(&blocks[5..9], &cfg)];
    let mut mixed = vec![span_batch(&blocks[9..12], &cfg)];
    mixed.extend(singular(&blocks[12..14]));
    let a = TestChannel::new(channel_id(0), &spans, Compression::Brotli);
    let b = TestChannel::new(channel_id(1), &mixed, Compression::Zlib);
    let included = l1.new_block().batcher_blobs(&[a.single_payload(), b.single_payload()]).build();
    let host = InMemoryHost::new(l1, l2);
    let got = derive_batches(&cfg, &host);
    let mut want = with_inclusion(&spans, included.number);
    want.extend(with_inclusion(&mixed, included.number));
    assert_eq!(got, want);
    // The span batches expand back to the blocks they were made from.
    let Batch::Span(first) = &got[0].0 else { panic!("not a span batch") };
    let elements = first.expand(cfg.genesis.l2_time, cfg.block_time, cfg.l2_chain_id).unwrap();
    let want_elements: Vec<_> = blocks[0..5].iter().map(L2Block::span_element).collect();
    assert_eq!(elements, want_elements);
}

#[test]
fn rule_0_2_span_batch_before_delta_dropped_by_channel_reader() {
    let (cfg, mut l1, mut l2) = chain(|cfg, l1| activate_at(cfg, Fork::Delta, l1_time(l1, 1004)));
    let blocks = l2.build_blocks(&l1, 8, 1);
    let channel = |n: u64, b: &[L2Block]| {
        let mut batches = singular(&b[..1]);
        batches.push(span_batch(&b[1..3], &cfg));
        batches.extend(singular(&b[3..4]));
        (TestChannel::new(channel_id(n), &batches, Compression::Zlib), batches)
    };
    let (pre_channel, _) = channel(0, &blocks[0..4]);
    let (post_channel, post_batches) = channel(1, &blocks[4..8]);
    let pre = l1.new_block().batcher_calldata(pre_channel.single_payload()).build();
    let post = l1.new_block().batcher_calldata(post_channel.single_payload()).build();
    assert!(!cfg.is_delta_active(pre.timestamp) && cfg.is_delta_active(post.timestamp));
    let host = InMemoryHost::new(l1, l2);
    let got = derive_batches(&cfg, &host);
    // Before Delta (by the inclusion block's time) the span batch is skipped and the singular
    // batches around it are kept.
    let mut want = with_inclusion(&singular(&blocks[0..1]), pre.number);
    want.extend(with_inclusion(&singular(&blocks[3..4]), pre.number));
    want.extend(with_inclusion(&post_batches, post.number));
    assert_eq!(got, want);
}

#[test]
fn rule_2_2_holocene_channel_split_across_l1_blocks() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 6, 3);
    let channel = zlib_channel(0, &blocks);
    let frames = channel.frames(channel.data.len() / 4 + 1);
    assert_eq!(frames.len(), 4);
    l1.new_block().batcher_calldata(payload(&frames[0..2])).build();
    l1.new_block().batcher_blobs(&[payload(&frames[2..3])]).build();
    l1.empty_blocks(1);
    let last = l1.new_block().batcher_calldata(payload(&frames[3..4])).build();
    l1.empty_blocks(1);
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(derive_batches(&cfg, &host), with_inclusion(&singular(&blocks), last.number));
}

#[test]
fn rule_2_1_bank_assembles_out_of_order_frames_across_l1_blocks() {
    let (cfg, mut l1, mut l2) = chain(|cfg, _| set_fork(cfg, Fork::Holocene, None));
    let blocks = l2.build_blocks(&l1, 6, 3);
    let a = zlib_channel(0, &blocks[..3]);
    let b = zlib_channel(1, &blocks[3..]);
    let fa = a.frames(a.data.len() / 3 + 1);
    let fb = b.frames(b.data.len() / 2 + 1);
    assert_eq!((fa.len(), fb.len()), (3, 2));
    // Channel A's closing frame first, B interleaved; B completes first.
    l1.new_block().batcher_calldata(payload([&fa[2], &fb[1]])).build();
    let b_done = l1.new_block().batcher_calldata(payload([&fa[0], &fb[0]])).build();
    let a_done = l1.new_block().batcher_calldata(payload(&fa[1..2])).build();
    let host = InMemoryHost::new(l1, l2);
    let mut want = with_inclusion(&singular(&blocks[3..]), b_done.number);
    want.extend(with_inclusion(&singular(&blocks[..3]), a_done.number));
    assert_eq!(derive_batches(&cfg, &host), want);
}

#[test]
fn rule_1_2_wrong_batcher_sender_ignored() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 6, 1);
    let chans: Vec<_> =
        blocks.chunks(2).enumerate().map(|(i, c)| zlib_channel(i as u64, c)).collect();
    let included = l1
        .new_block()
        // Right inbox, wrong sender.
        .batcher_calldata_from(&other_batcher_key(), chans[0].single_payload())
        .batcher_blobs(&[chans[1].single_payload()])
        // Right sender, wrong recipient.
        .calldata_tx(
            &batcher_key(),
            CalldataTxType::Eip1559,
            TxKind::Call(Address::with_last_byte(0x99)),
            chans[2].single_payload(),
        )
        .build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(
        derive_batches(&cfg, &host),
        with_inclusion(&singular(&blocks[2..4]), included.number)
    );
}

#[test]
fn rule_1_1_batcher_change_applies_in_same_l1_block() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 8, 1);
    let chans: Vec<_> =
        blocks.chunks(2).enumerate().map(|(i, c)| zlib_channel(i as u64, c)).collect();
    let old = batcher_key();
    let new = other_batcher_key();
    // The update's log comes after both batcher txs in the block and still governs them.
    let change = l1
        .new_block()
        .batcher_calldata_from(&old, chans[0].single_payload())
        .batcher_calldata_from(&new, chans[1].single_payload())
        .config_update(ConfigUpdate::Batcher(new.address))
        .build();
    let after = l1
        .new_block()
        .batcher_calldata_from(&old, chans[2].single_payload())
        .batcher_calldata_from(&new, chans[3].single_payload())
        .build();
    let host = InMemoryHost::new(l1, l2);
    let mut front = FrontHalf::new(&cfg, &host);
    let got = front.run_all(&cfg, &host);
    let mut want = with_inclusion(&singular(&blocks[2..4]), change.number);
    want.extend(with_inclusion(&singular(&blocks[6..8]), after.number));
    assert_eq!(got, want);
    assert_eq!(front.traversal.system_config().batcher_address, new.address);
    assert!(front.traversal.skipped_updates().is_empty());
}

#[test]
fn rule_1_3_invalid_frame_drops_whole_payload() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 8, 1);
    let chans: Vec<_> =
        blocks.chunks(2).enumerate().map(|(i, c)| zlib_channel(i as u64, c)).collect();
    // A complete channel followed by a frame whose is_last byte is 2.
    let mut bad_is_last = chans[0].single_payload();
    let mut extra = Vec::new();
    Frame { channel_id: channel_id(9), number: 0, data: Bytes::from_static(b"x"), is_last: true }
        .encode(&mut extra);
    *extra.last_mut().unwrap() = 2;
    bad_is_last.extend(extra);
    // A complete channel followed by a truncated frame header.
    let mut truncated = chans[1].single_payload();
    truncated.extend_from_slice(&[0xab; 10]);
    // Unknown version byte.
    let mut bad_version = chans[2].single_payload();
    bad_version[0] = 2;
    let included = l1
        .new_block()
        .batcher_calldata(bad_is_last)
        .batcher_calldata(truncated)
        .batcher_calldata(bad_version)
        .batcher_calldata(Bytes::new())
        .batcher_calldata(chans[3].single_payload())
        .build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(
        derive_batches(&cfg, &host),
        with_inclusion(&singular(&blocks[6..8]), included.number)
    );
}

/// A zlib (stored) channel of exactly `len` bytes: singular batches of `blocks` plus a padding
/// transaction in the last one.
fn channel_of_len(n: u64, blocks: &[L2Block], len: usize) -> (TestChannel, Vec<Batch>) {
    let mut pad = len.saturating_sub(1_000);
    for _ in 0..50 {
        let mut batches = singular(blocks);
        let Batch::Singular(SingularBatch { transactions, .. }) = batches.last_mut().unwrap()
        else {
            unreachable!()
        };
        transactions.push(Bytes::from(vec![0x5a; pad]));
        let channel = TestChannel::new(channel_id(n), &batches, Compression::ZlibStored);
        match channel.data.len().cmp(&len) {
            std::cmp::Ordering::Equal => return (channel, batches),
            std::cmp::Ordering::Less => pad += len - channel.data.len(),
            std::cmp::Ordering::Greater => pad -= (channel.data.len() - len).min(pad),
        }
    }
    panic!("no stored channel of exactly {len} bytes");
}

/// `channel` in `frames` frames: all but the last carry one byte each.
fn split_in_tiny_frames(channel: &TestChannel, frames: usize) -> Vec<Frame> {
    assert!(channel.data.len() >= frames);
    let (head, tail) = channel.data.split_at(frames - 1);
    let mut out: Vec<_> = head
        .iter()
        .enumerate()
        .map(|(i, b)| Frame {
            channel_id: channel.id,
            number: i as u16,
            data: Bytes::copy_from_slice(&[*b]),
            is_last: false,
        })
        .collect();
    out.push(Frame {
        channel_id: channel.id,
        number: (frames - 1) as u16,
        data: Bytes::copy_from_slice(tail),
        is_last: true,
    });
    out
}

#[test]
fn rule_2_2_holocene_oversized_channel_dropped() {
    // Holocene without Fjord keeps MAX_RLP_BYTES_PER_CHANNEL at 10,000,000, which a channel of
    // ~49,000 frames reaches through the 200-byte per-frame overhead.
    let (cfg, mut l1, mut l2) = chain(|cfg, _| cfg.fjord_time = None);
    assert!(cfg.is_holocene_active(l1.head().timestamp));
    assert_eq!(cfg.max_rlp_bytes_per_channel(l1.head().timestamp), 10_000_000);
    let blocks = l2.build_blocks(&l1, 6, 1);
    const FRAMES: usize = 49_000;
    // Accounted size = data + 200 per frame: exactly at the limit, then one byte over it.
    let (at_limit, at_batches) = channel_of_len(0, &blocks[0..2], 10_000_000 - 200 * FRAMES);
    let (over, _) = channel_of_len(1, &blocks[2..4], 10_000_001 - 200 * FRAMES);
    let after = zlib_channel(2, &blocks[4..6]);
    let read =
        l1.new_block().batcher_calldata(payload(&split_in_tiny_frames(&at_limit, FRAMES))).build();
    l1.new_block().batcher_calldata(payload(&split_in_tiny_frames(&over, FRAMES))).build();
    let later = l1.new_block().batcher_calldata(after.single_payload()).build();
    let host = InMemoryHost::new(l1, l2);
    let mut want = with_inclusion(&at_batches, read.number);
    want.extend(with_inclusion(&singular(&blocks[4..6]), later.number));
    assert_eq!(derive_batches(&cfg, &host), want);
}

/// Channels 0 and 1 open (frame 0) in block 1003; channel 0 closes `ok_after` blocks later and
/// channel 1 `late_after` blocks later. Returns the derived batches, channel 0's batches and
/// the block channel 0 closed in.
fn timeout_run(
    cfg: &RollupConfig,
    mut l1: TestL1,
    mut l2: TestL2,
    ok_after: u64,
    late_after: u64,
) -> (Vec<(Batch, u64)>, Vec<Batch>, u64) {
    let blocks = l2.build_blocks(&l1, 4, 1);
    let a = zlib_channel(0, &blocks[..2]);
    let b = zlib_channel(1, &blocks[2..]);
    let fa = a.frames(a.data.len() / 2 + 1);
    let fb = b.frames(b.data.len() / 2 + 1);
    let open = l1
        .new_block()
        .batcher_calldata(payload(&fa[..1]))
        .batcher_calldata(payload(&fb[..1]))
        .build();
    let mut closed = 0;
    for i in 1..=late_after {
        let mut builder = l1.new_block();
        if i == ok_after {
            closed = builder.number();
            builder = builder.batcher_calldata(payload(&fa[1..]));
        }
        if i == late_after {
            builder = builder.batcher_calldata(payload(&fb[1..]));
        }
        builder.build();
    }
    assert_eq!(open.number, 1003);
    let host = InMemoryHost::new(l1, l2);
    (derive_batches(cfg, &host), singular(&blocks[..2]), closed)
}

#[test]
fn rule_2_1_channel_timeout_bank_config_value() {
    let (mut cfg, l1, l2) = chain(|cfg, _| set_fork(cfg, Fork::Granite, None));
    cfg.channel_timeout = 3;
    assert_eq!(cfg.channel_timeout(l1.head().timestamp + 100), 3);
    // Interleaved: channel 1 opened in the same block, so channel 0 is not at the bank's head
    // alone; both rely on Canyon's first-ready read.
    let (got, want, closed) = timeout_run(&cfg, l1, l2, 3, 4);
    assert_eq!(got, with_inclusion(&want, closed));
}

#[test]
fn rule_2_1_channel_timeout_granite_is_50() {
    let (mut cfg, l1, l2) = chain(|cfg, _| set_fork(cfg, Fork::Holocene, None));
    cfg.channel_timeout = 3; // ignored from Granite
    assert!(cfg.is_granite_active(l1.head().timestamp));
    let (got, want, closed) = timeout_run(&cfg, l1, l2, 50, 51);
    assert_eq!(got, with_inclusion(&want, closed));
}

#[test]
fn rule_2_2_holocene_staging_channel_timeout() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    assert!(cfg.is_holocene_active(l1.head().timestamp));
    let blocks = l2.build_blocks(&l1, 4, 1);
    let a = zlib_channel(0, &blocks[..2]);
    let b = zlib_channel(1, &blocks[2..]);
    let fa = a.frames(a.data.len() / 2 + 1);
    let fb = b.frames(b.data.len() / 2 + 1);
    // One staging channel at a time: A opens in 1003 and closes 50 blocks later (in time); B
    // opens next and closes 51 blocks after it opened (timed out).
    l1.new_block().batcher_calldata(payload(&fa[..1])).build();
    l1.empty_blocks(49);
    let a_done = l1.new_block().batcher_calldata(payload(&fa[1..])).build();
    assert_eq!(a_done.number, 1003 + 50);
    l1.new_block().batcher_calldata(payload(&fb[..1])).build();
    l1.empty_blocks(50);
    l1.new_block().batcher_calldata(payload(&fb[1..])).build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(derive_batches(&cfg, &host), with_inclusion(&singular(&blocks[..2]), a_done.number));
}

#[test]
fn rule_2_3_holocene_activation_discards_buffered_frames() {
    let run = |holocene: bool| {
        let (cfg, mut l1, mut l2) = chain(|cfg, l1| {
            set_fork(cfg, Fork::Holocene, None);
            if holocene {
                activate_at(cfg, Fork::Holocene, l1_time(l1, 1005));
            }
        });
        let blocks = l2.build_blocks(&l1, 6, 1);
        let a = zlib_channel(0, &blocks[..3]);
        let b = zlib_channel(1, &blocks[3..]);
        let fa = a.frames(a.data.len() / 2 + 1);
        // Channel A's first frame is banked before Holocene, its last frame arrives in the
        // first Holocene block, then channel B comes whole.
        l1.new_block().batcher_calldata(payload(&fa[..1])).build();
        l1.empty_blocks(1);
        let first_holocene = l1.new_block().batcher_calldata(payload(&fa[1..])).build();
        let b_block = l1.new_block().batcher_calldata(b.single_payload()).build();
        assert_eq!(first_holocene.number, 1005);
        let host = InMemoryHost::new(l1, l2);
        let mut front = FrontHalf::new(&cfg, &host);
        let got = front.run_all(&cfg, &host);
        (got, front.holocene_activations, blocks, first_holocene, b_block)
    };
    let (got, activations, blocks, first_holocene, b_block) = run(false);
    let mut want = with_inclusion(&singular(&blocks[..3]), first_holocene.number);
    want.extend(with_inclusion(&singular(&blocks[3..]), b_block.number));
    assert_eq!((got, activations), (want, vec![]));

    let (got, activations, blocks, first_holocene, b_block) = run(true);
    assert_eq!(activations, vec![first_holocene.number]);
    assert_eq!(got, with_inclusion(&singular(&blocks[3..]), b_block.number));
}

#[test]
fn rule_1_1_l1_reorg_resets() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    let a = zlib_channel(0, &blocks[..2]);
    let b = zlib_channel(1, &blocks[2..]);
    let old_1003 = l1.new_block().batcher_calldata(a.single_payload()).build();
    let mut host = InMemoryHost::new(l1, l2);
    let mut front = FrontHalf::new(&cfg, &host);
    assert_eq!(front.run_all(&cfg, &host), with_inclusion(&singular(&blocks[..2]), 1003));
    assert_eq!(front.traversal.origin(), old_1003);

    // L1 replaces block 1003 and builds 1004 on the new branch.
    let new_1003 = host.l1.reorg_at(1003).batcher_calldata(b.single_payload()).build();
    let new_1004 = host.l1.new_block().build();
    assert_ne!(new_1003.hash, old_1003.hash);
    assert_eq!(new_1003.parent_hash, old_1003.parent_hash);
    assert_eq!(new_1004.parent_hash, new_1003.hash);
    let err = front.run(&cfg, &host, false).unwrap_err();
    assert_eq!(
        err,
        PipelineError::Reset(ResetReason::L1Reorg {
            number: 1004,
            parent: new_1003.hash,
            expected: old_1003.hash,
        })
    );
    // The orphaned block is still served by hash, the new one by number.
    assert_eq!(host.l1.block_by_hash(old_1003.hash).unwrap().block_ref(), old_1003);
    assert_eq!(host.l1.block_ref(1003), Some(new_1003));

    // Restarting from the common ancestor reads the new branch.
    let ancestor = host.l1.block_ref(1002).unwrap();
    let mut front = FrontHalf::at(&cfg, ancestor);
    assert_eq!(front.run_all(&cfg, &host), with_inclusion(&singular(&blocks[2..]), 1003));
}

/// A chain exercising every host call the front half makes: calldata and blob channels over
/// several blocks, a batcher change, deposits.
fn busy_chain() -> (RollupConfig, TestL1, TestL2) {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 12, 2);
    let chans: Vec<_> =
        blocks.chunks(3).enumerate().map(|(i, c)| zlib_channel(i as u64, c)).collect();
    let frames = chans[1].frames(chans[1].data.len() / 2 + 1);
    let deposit = keel_core::deposit::TxDeposit {
        from: Address::with_last_byte(1),
        to: TxKind::Call(Address::with_last_byte(2)),
        gas_limit: 100_000,
        ..Default::default()
    };
    l1.new_block().batcher_calldata(chans[0].single_payload()).deposit(&deposit).build();
    l1.new_block().batcher_blobs(&[payload(&frames[..1])]).build();
    l1.new_block()
        .batcher_blobs(&[payload(&frames[1..])])
        .config_update(ConfigUpdate::GasLimit(60_000_000))
        .build();
    let new = other_batcher_key();
    l1.new_block().config_update(ConfigUpdate::Batcher(new.address)).build();
    l1.set_batcher(new);
    l1.new_block().batcher_blobs(&[chans[2].single_payload(), chans[3].single_payload()]).build();
    (cfg, l1, l2)
}

#[test]
fn missing_data_is_temporary_and_retry_gives_identical_batches() {
    let (cfg, l1, l2) = busy_chain();
    let clean = InMemoryHost::new(l1.clone(), l2.clone());
    let want = derive_batches(&cfg, &clean);
    assert_eq!(want.len(), 12);
    let calls =
        [HostCall::L1BlockRef, HostCall::L1Transactions, HostCall::L1Receipts, HostCall::Blobs];
    for call in calls {
        let total = clean.calls(call);
        assert!(total > 0, "{call:?} never called");
        for skip in 0..total {
            for kind in [FaultKind::Missing, FaultKind::Temporary] {
                let ctx = format!("{call:?} call #{skip} {kind:?}");
                // One miss: it surfaces as a temporary error naming the item, and stepping the
                // same stages again continues to exactly the clean run's batches.
                let host = InMemoryHost::new(l1.clone(), l2.clone());
                host.fail_after(call, skip, kind, 1);
                let mut front = FrontHalf::new(&cfg, &host);
                let err = front.run(&cfg, &host, false).unwrap_err();
                match (kind, &err) {
                    (
                        FaultKind::Missing,
                        PipelineError::Temporary(ProviderError::Missing { key, .. }),
                    ) => match call {
                        HostCall::L1BlockRef => assert!(matches!(key, DataKey::Number(_)), "{ctx}"),
                        _ => assert!(matches!(key, DataKey::Hash(_)), "{ctx}"),
                    },
                    (
                        FaultKind::Temporary,
                        PipelineError::Temporary(ProviderError::Temporary(_)),
                    ) => {}
                    _ => panic!("{ctx}: unexpected {err:?}"),
                }
                front.run(&cfg, &host, false).unwrap();
                assert_eq!(front.out, want, "{ctx}");

                // Two misses in a row, retried by the loop.
                let host = InMemoryHost::new(l1.clone(), l2.clone());
                host.fail_after(call, skip, kind, 2);
                let mut front = FrontHalf::new(&cfg, &host);
                front.run(&cfg, &host, true).unwrap();
                assert_eq!(front.out, want, "{ctx}");
                assert_eq!(front.temporaries.len(), 2, "{ctx}");
            }
        }
    }
}

/// Frames of channel `id` carrying `blocks`' singular batches, split into `n` frames.
fn frames_of(id: u64, blocks: &[L2Block], n: usize) -> Vec<Frame> {
    let channel = zlib_channel(id, blocks);
    let frames = channel.frames(channel.data.len().div_ceil(n));
    assert_eq!(frames.len(), n);
    frames
}

#[test]
fn rule_1_7_holocene_pruning_ignores_frames_already_taken_out_of_order() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    let a = frames_of(0, &blocks[..2], 2);
    // A stray frame 2 of channel A (not closing), sent before A's real closing frame 1.
    let stray = Frame { number: 2, is_last: false, ..a[1].clone() };
    l1.new_block().batcher_calldata(payload(&a[..1])).build();
    l1.new_block().batcher_calldata(payload([&stray, &a[1]])).build();
    let b = zlib_channel(1, &blocks[2..]);
    let later = l1.new_block().batcher_calldata(b.single_payload()).build();
    let host = InMemoryHost::new(l1, l2);
    // op-node prunes [A2, A1] on its own: A1 does not follow A2 and is dropped; A2 then reaches
    // the staging channel out of order and is dropped too, so channel A never closes. keel
    // compares A2 with the A0 it already handed out, drops A2, keeps A1 and reads channel A.
    assert_eq!(derive_batches(&cfg, &host), with_inclusion(&singular(&blocks[2..]), later.number));
}

#[test]
fn rule_1_7_holocene_first_frame_after_taken_frames_restarts_channel() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    // Two different channels under the same id: the batcher restarts channel 0.
    let first = frames_of(0, &blocks[..2], 2);
    let restart = frames_of(0, &blocks[2..], 2);
    l1.new_block().batcher_calldata(payload(&first[..1])).build();
    let included = l1.new_block().batcher_calldata(payload(&restart)).build();
    let host = InMemoryHost::new(l1, l2);
    // op-node keeps the new frame 0 (nothing precedes it in its queue) and the channel
    // assembler restarts on it; keel drops it as a repeat of the frame 0 it already took and
    // glues the old frame 0 to the new frame 1.
    assert_eq!(
        derive_batches(&cfg, &host),
        with_inclusion(&singular(&blocks[2..]), included.number)
    );
}

#[test]
fn rule_2_1_bank_before_canyon_reads_only_the_head_channel() {
    let run = |canyon: bool| {
        let (cfg, mut l1, mut l2) = chain(|cfg, _| {
            // The bank is pre-Holocene.
            set_fork(cfg, if canyon { Fork::Holocene } else { Fork::Canyon }, None);
        });
        let blocks = l2.build_blocks(&l1, 4, 1);
        let fa = frames_of(0, &blocks[..2], 2);
        let b = zlib_channel(1, &blocks[2..]);
        // Channel A opens first and stays open for a block; channel B is complete at once.
        let open = l1
            .new_block()
            .batcher_calldata(payload(&fa[..1]))
            .batcher_calldata(b.single_payload())
            .build();
        let close = l1.new_block().batcher_calldata(payload(&fa[1..])).build();
        let host = InMemoryHost::new(l1, l2);
        (
            derive_batches(&cfg, &host),
            singular(&blocks[..2]),
            singular(&blocks[2..]),
            open.number,
            close.number,
        )
    };
    // From Canyon the first ready channel is read: B at once, A when it closes.
    let (got, a, b, open, close) = run(true);
    let mut want = with_inclusion(&b, open);
    want.extend(with_inclusion(&a, close));
    assert_eq!(got, want);
    // Before Canyon only the head channel may be read: B waits behind A.
    let (got, a, b, _, close) = run(false);
    let mut want = with_inclusion(&a, close);
    want.extend(with_inclusion(&b, close));
    assert_eq!(got, want);
}

#[test]
fn rule_2_1_bank_drops_duplicate_frames() {
    let (cfg, mut l1, mut l2) = chain(|cfg, _| set_fork(cfg, Fork::Holocene, None));
    let blocks = l2.build_blocks(&l1, 4, 1);
    let fa = frames_of(0, &blocks[..2], 2);
    let other = frames_of(0, &blocks[2..], 2);
    // A second frame 0 (other data, same channel and number) and a frame after the closing one
    // are dropped; the channel is read from the first frames.
    let late = Frame { number: 2, ..other[1].clone() };
    let included = l1
        .new_block()
        .batcher_calldata(payload(&fa[..1]))
        .batcher_calldata(payload(&other[..1]))
        .batcher_calldata(payload([&fa[1], &late]))
        .build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(
        derive_batches(&cfg, &host),
        with_inclusion(&singular(&blocks[..2]), included.number)
    );
}

#[test]
fn rule_1_7_holocene_frame_queue_prunes_within_a_payload() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 8, 1);
    let fa = frames_of(0, &blocks[0..2], 2);
    let fb = frames_of(1, &blocks[2..4], 2);
    let fc = frames_of(2, &blocks[4..6], 2);
    let fd = frames_of(3, &blocks[6..8], 2);
    let first = l1
        .new_block()
        // B1 is a non-first frame of another channel than A0's: dropped.
        .batcher_calldata(payload([&fa[0], &fb[1], &fa[1]]))
        .build();
    let second = l1
        .new_block()
        // C0 is left unclosed by D0: C's frames are dropped, D is read.
        .batcher_calldata(payload([&fc[0], &fd[0], &fd[1]]))
        .build();
    // C's closing frame now has no staging channel.
    l1.new_block().batcher_calldata(payload(&fc[1..])).build();
    let host = InMemoryHost::new(l1, l2);
    let mut want = with_inclusion(&singular(&blocks[0..2]), first.number);
    want.extend(with_inclusion(&singular(&blocks[6..8]), second.number));
    assert_eq!(derive_batches(&cfg, &host), want);
}

#[test]
fn rule_1_2_receipt_status_not_checked_for_batcher_txs() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 2, 1);
    let inbox = TxKind::Call(cfg.batch_inbox_address);
    let payload = zlib_channel(0, &blocks).single_payload();
    let tx = l1.sign_calldata_tx(&batcher_key(), CalldataTxType::Eip1559, inbox, payload.into());
    let included = l1.new_block().tx_with_receipt(tx, false, vec![]).build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(derive_batches(&cfg, &host), with_inclusion(&singular(&blocks), included.number));
}

#[test]
fn rule_1_1_config_update_in_failed_receipt_not_applied() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    let new = other_batcher_key();
    let log = keel_tests::chain::config_update_log(
        cfg.l1_system_config_address,
        &ConfigUpdate::Batcher(new.address),
    );
    let call = TxKind::Call(cfg.l1_system_config_address);
    let tx = l1.sign_calldata_tx(
        &keel_tests::chain::owner_key(),
        CalldataTxType::Eip1559,
        call,
        Bytes::new(),
    );
    let included = l1
        .new_block()
        .tx_with_receipt(tx, false, vec![log])
        .batcher_calldata_from(&new, zlib_channel(0, &blocks[..2]).single_payload())
        .batcher_calldata(zlib_channel(1, &blocks[2..]).single_payload())
        .build();
    let host = InMemoryHost::new(l1, l2);
    let mut front = FrontHalf::new(&cfg, &host);
    assert_eq!(
        front.run_all(&cfg, &host),
        with_inclusion(&singular(&blocks[2..]), included.number)
    );
    assert_eq!(front.traversal.system_config().batcher_address, batcher_key().address);
}

#[test]
fn rule_1_2_set_code_tx_to_inbox_ignored() {
    use alloy_consensus::{TxEip7702, TxEnvelope};
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 4, 1);
    let set_code = TxEip7702 {
        chain_id: l1.chain_id(),
        nonce: 0,
        gas_limit: 1_000_000,
        max_fee_per_gas: 100_000_000_000,
        to: cfg.batch_inbox_address,
        input: zlib_channel(0, &blocks[..2]).single_payload().into(),
        ..Default::default()
    };
    let included = l1
        .new_block()
        .tx(TxEnvelope::from(batcher_key().sign(set_code)))
        .batcher_calldata(zlib_channel(1, &blocks[2..]).single_payload())
        .build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(
        derive_batches(&cfg, &host),
        with_inclusion(&singular(&blocks[2..]), included.number)
    );
}

/// Singular batch of `block` with one extra opaque transaction of `pad` zero bytes.
fn padded_batch(block: &L2Block, pad: usize) -> Batch {
    let mut batch = block.singular_batch();
    batch.transactions.push(Bytes::from(vec![0u8; pad]));
    Batch::Singular(batch)
}

#[test]
fn rule_2_4_decompressed_channel_capped_at_max_rlp_bytes() {
    let run = |fjord: bool| {
        let (cfg, mut l1, mut l2) = chain(|cfg, _| {
            if !fjord {
                set_fork(cfg, Fork::Fjord, None);
            }
        });
        let blocks = l2.build_blocks(&l1, 3, 1);
        // 4 MB, then a batch that crosses 10,000,000 bytes, then a small one.
        let batches = vec![
            padded_batch(&blocks[0], 4_000_000),
            padded_batch(&blocks[1], 7_000_000),
            padded_batch(&blocks[2], 0),
        ];
        let data =
            keel_core::compression::compress_zlib(&keel_core::batch::encode_batches(&batches), 1);
        let channel = TestChannel::raw(channel_id(0), data);
        let included = l1.new_block().batcher_calldata(channel.single_payload()).build();
        let host = InMemoryHost::new(l1, l2);
        (derive_batches(&cfg, &host), batches, included.number)
    };
    // Before Fjord the cap is 10,000,000: the batch decoded within it is kept, the rest dropped.
    let (got, batches, included) = run(false);
    assert_eq!(got, with_inclusion(&batches[..1], included));
    // From Fjord the cap is 100,000,000.
    let (got, batches, included) = run(true);
    assert_eq!(got, with_inclusion(&batches, included));
}

#[test]
fn rule_2_4_truncated_channel_keeps_batches_decoded_before_the_fault() {
    let (cfg, mut l1, mut l2) = chain(|_, _| {});
    let blocks = l2.build_blocks(&l1, 3, 1);
    let batches: Vec<_> = blocks.iter().map(|b| padded_batch(b, 1_000)).collect();
    // Stored zlib keeps the stream in order: cutting 500 bytes before the end loses only part
    // of the last batch (and the checksum).
    let mut channel = TestChannel::new(channel_id(0), &batches, Compression::ZlibStored);
    channel.data.truncate(channel.data.len() - 500);
    let included = l1.new_block().batcher_calldata(channel.single_payload()).build();
    let host = InMemoryHost::new(l1, l2);
    assert_eq!(derive_batches(&cfg, &host), with_inclusion(&batches[..2], included.number));
}

#[test]
fn rule_2_1_bank_prunes_oldest_channel_over_max_size() {
    // Open channels of 65,000 frames each count 65,000 × 201 = 13,065,000 bytes apiece: eight
    // pass MAX_CHANNEL_BANK_SIZE (100,000,000 before Fjord). (About 10 s in debug builds, mostly
    // keccak over the 12 MB of frames.)
    const FRAMES: usize = 65_000;
    let run = |open_channels: u64| {
        let (cfg, mut l1, mut l2) = chain(|cfg, _| set_fork(cfg, Fork::Fjord, None));
        assert_eq!(cfg.max_channel_bank_size(l1.head().timestamp), 100_000_000);
        let blocks = l2.build_blocks(&l1, 2, 1);
        let (oldest, batches) = channel_of_len(0, &blocks, FRAMES + 100);
        let frames = split_in_tiny_frames(&oldest, FRAMES + 1);
        l1.new_block().batcher_calldata(payload(&frames[..FRAMES])).build();
        let mut block = l1.new_block();
        for n in 1..open_channels {
            let garbage = TestChannel::raw(channel_id(n), vec![0xee; FRAMES + 1]);
            let mut open = split_in_tiny_frames(&garbage, FRAMES + 1);
            open.pop();
            block = block.batcher_calldata(payload(&open));
        }
        block.build();
        let closed = l1.new_block().batcher_calldata(payload(&frames[FRAMES..])).build();
        let host = InMemoryHost::new(l1, l2);
        (derive_batches(&cfg, &host), batches, closed.number)
    };
    // Alone, the oldest channel (65,001 one-byte frames) is read when it closes.
    let (got, batches, closed) = run(1);
    assert_eq!(got, with_inclusion(&batches, closed));
    // Seven more open channels push the bank over its limit: the oldest is pruned, and its
    // closing frame later opens a new channel that never completes.
    let (got, _, _) = run(8);
    assert_eq!(got, vec![]);
}
