//! The batcher side: L2 blocks, their batches, and channels split into frames, built with
//! keel's own encoders.

use alloy_consensus::{TxEip1559, TxEnvelope};
use alloy_eips::{BlockNumHash, eip2718::Encodable2718};
use alloy_primitives::{Address, B256, Bytes, FixedBytes, TxKind, U256};
use keel_core::{
    batch::{Batch, RawSpanBatch, SingularBatch, SpanBatchElement, encode_batches},
    compression::{compress_brotli, compress_zlib},
    config::{RollupConfig, SystemConfig},
    derive::synthetic::synthetic_block_hash,
    derive::{L1BlockRef, L2BlockRef},
    frame::{ChannelId, Frame, encode_frames},
};

use super::{
    config::label_hash,
    keys::{TestKey, l2_user_key},
    l1::TestL1,
};

/// How a channel is compressed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compression {
    /// zlib at the best level (as op-batcher's default).
    #[default]
    Zlib,
    /// zlib with stored (uncompressed) blocks: the channel's size tracks its data, for limits.
    ZlibStored,
    /// brotli (Fjord) at quality 10, with the `0x01` version byte.
    Brotli,
}

/// Compresses channel data.
pub fn compress(data: &[u8], compression: Compression) -> Vec<u8> {
    match compression {
        Compression::Zlib => compress_zlib(data, 9),
        Compression::ZlibStored => compress_zlib(data, 0),
        Compression::Brotli => compress_brotli(data, 10),
    }
}

/// A deterministic channel id for test channel `n`.
pub fn channel_id(n: u64) -> ChannelId {
    ChannelId::from_slice(&label_hash(&[b"channel", &n.to_be_bytes()])[..16])
}

/// A channel as a batcher closes it: its id and compressed data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestChannel {
    /// Channel id.
    pub id: ChannelId,
    /// Compressed channel data (what the frames carry).
    pub data: Vec<u8>,
}

impl TestChannel {
    /// Encodes `batches` as RLP strings and compresses them.
    pub fn new(id: ChannelId, batches: &[Batch], compression: Compression) -> Self {
        Self { id, data: compress(&encode_batches(batches), compression) }
    }

    /// A channel with arbitrary data (e.g. garbage, or data compressed elsewhere).
    pub fn raw(id: ChannelId, data: Vec<u8>) -> Self {
        Self { id, data }
    }

    /// Splits the data into frames of at most `max_frame_data` bytes each (at least one
    /// frame; the last one closes the channel).
    pub fn frames(&self, max_frame_data: usize) -> Vec<Frame> {
        assert!(max_frame_data > 0, "frames need room for data");
        let mut chunks: Vec<&[u8]> = self.data.chunks(max_frame_data).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        let last = chunks.len() - 1;
        chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| Frame {
                channel_id: self.id,
                number: u16::try_from(i).expect("at most 65536 frames"),
                data: Bytes::copy_from_slice(chunk),
                is_last: i == last,
            })
            .collect()
    }

    /// The whole channel as one closing frame, in a version-0 payload.
    pub fn single_payload(&self) -> Vec<u8> {
        payload(&self.frames(self.data.len().max(1)))
    }
}

/// Frames as a version-0 batcher payload (calldata or blob data).
pub fn payload<'a>(frames: impl IntoIterator<Item = &'a Frame>) -> Vec<u8> {
    encode_frames(frames)
}

/// One L2 block as the batcher sees it. Its hash is keel's synthetic block hash
/// ([`synthetic_block_hash`]), not an executed header, so offline derivation with a
/// `SyntheticL2` reproduces the chain exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L2Block {
    /// Block number.
    pub number: u64,
    /// Block hash.
    pub hash: B256,
    /// Parent hash.
    pub parent_hash: B256,
    /// Timestamp.
    pub timestamp: u64,
    /// L1 origin.
    pub l1_origin: BlockNumHash,
    /// Position in the epoch.
    pub seq_number: u64,
    /// EIP-2718 transactions (no deposits: batches never carry them).
    pub transactions: Vec<Bytes>,
}

impl L2Block {
    /// The pipeline's reference to the block.
    pub fn block_ref(&self) -> L2BlockRef {
        L2BlockRef {
            hash: self.hash,
            number: self.number,
            parent_hash: self.parent_hash,
            timestamp: self.timestamp,
            l1_origin: self.l1_origin,
            seq_number: self.seq_number,
        }
    }

    /// The block as a singular batch.
    pub fn singular_batch(&self) -> SingularBatch {
        SingularBatch {
            parent_hash: self.parent_hash,
            epoch_num: self.l1_origin.number,
            epoch_hash: self.l1_origin.hash,
            timestamp: self.timestamp,
            transactions: self.transactions.clone(),
        }
    }

    /// The block as a span batch element.
    pub fn span_element(&self) -> SpanBatchElement {
        SpanBatchElement {
            timestamp: self.timestamp,
            epoch_num: self.l1_origin.number,
            transactions: self.transactions.clone(),
        }
    }
}

/// Singular batches of `blocks`.
pub fn singular_batches(blocks: &[L2Block]) -> Vec<Batch> {
    blocks.iter().map(|b| Batch::Singular(b.singular_batch())).collect()
}

/// One span batch of consecutive `blocks` (origin bit 0 set when the first block opens its
/// epoch, as op-batcher does).
pub fn span_batch(blocks: &[L2Block], cfg: &RollupConfig) -> Batch {
    let first = blocks.first().expect("a span batch needs blocks");
    let last = blocks.last().expect("a span batch needs blocks");
    let elements: Vec<_> = blocks.iter().map(L2Block::span_element).collect();
    let raw = RawSpanBatch::from_elements(
        &elements,
        FixedBytes::<20>::from_slice(&first.parent_hash[..20]),
        FixedBytes::<20>::from_slice(&last.l1_origin.hash[..20]),
        first.seq_number == 0,
        cfg.genesis.l2_time,
        cfg.l2_chain_id,
    )
    .expect("test blocks make a valid span batch");
    Batch::Span(Box::new(raw))
}

/// A simple L2 chain: consecutive blocks with L1 origins chosen as a sequencer would, signed
/// transfers, and the system config after each block.
#[derive(Clone, Debug)]
pub struct TestL2 {
    cfg: RollupConfig,
    blocks: Vec<L2Block>,
    system_configs: Vec<SystemConfig>,
    user: TestKey,
    nonce: u64,
}

impl TestL2 {
    /// The chain holding only `cfg`'s genesis block.
    pub fn new(cfg: &RollupConfig) -> Self {
        let genesis = L2Block {
            number: cfg.genesis.l2.number,
            hash: cfg.genesis.l2.hash,
            parent_hash: B256::ZERO,
            timestamp: cfg.genesis.l2_time,
            l1_origin: cfg.genesis.l1,
            seq_number: 0,
            transactions: Vec::new(),
        };
        Self {
            cfg: cfg.clone(),
            blocks: vec![genesis],
            system_configs: vec![cfg.genesis.system_config],
            user: l2_user_key(),
            nonce: 0,
        }
    }

    /// Every block, genesis first.
    pub fn blocks(&self) -> &[L2Block] {
        &self.blocks
    }

    /// The latest block.
    pub fn head(&self) -> &L2Block {
        self.blocks.last().expect("the genesis block is always there")
    }

    /// The block at `number`.
    pub fn block(&self, number: u64) -> Option<&L2Block> {
        let i = number.checked_sub(self.blocks.first()?.number)?;
        self.blocks.get(usize::try_from(i).ok()?)
    }

    /// The system config after block `number`.
    pub fn system_config(&self, number: u64) -> Option<SystemConfig> {
        let i = number.checked_sub(self.blocks.first()?.number)?;
        self.system_configs.get(usize::try_from(i).ok()?).copied()
    }

    /// A signed EIP-1559 transfer of 1 wei from the L2 user (next nonce) to `to`, encoded.
    pub fn transfer(&mut self, to: Address) -> Bytes {
        let tx = TxEip1559 {
            chain_id: self.cfg.l2_chain_id,
            nonce: self.nonce,
            gas_limit: 21_000,
            max_fee_per_gas: 1_000_000_000,
            max_priority_fee_per_gas: 1_000,
            to: TxKind::Call(to),
            value: U256::from(1),
            access_list: Default::default(),
            input: Bytes::new(),
        };
        self.nonce += 1;
        TxEnvelope::from(self.user.sign(tx)).encoded_2718().into()
    }

    /// Appends the next block (timestamp + block time) with L1 origin `origin` and
    /// `transactions`; the system config carries over.
    pub fn push_block(&mut self, origin: &L1BlockRef, transactions: Vec<Bytes>) -> L2Block {
        let parent = self.head().clone();
        let seq_number =
            if origin.number == parent.l1_origin.number { parent.seq_number + 1 } else { 0 };
        let number = parent.number + 1;
        let timestamp = parent.timestamp + self.cfg.block_time;
        let block = L2Block {
            number,
            hash: synthetic_block_hash(parent.hash, timestamp, &transactions),
            parent_hash: parent.hash,
            timestamp,
            l1_origin: origin.id(),
            seq_number,
            transactions,
        };
        self.blocks.push(block.clone());
        let config = *self.system_configs.last().expect("genesis config");
        self.system_configs.push(config);
        block
    }

    /// Appends `count` blocks with `txs_per_block` transfers each. Each block's L1 origin is
    /// its parent's, or the next canonical L1 block of `l1` once that block's time is at or
    /// before the L2 block's time (so epochs advance one L1 block at a time).
    pub fn build_blocks(
        &mut self,
        l1: &TestL1,
        count: usize,
        txs_per_block: usize,
    ) -> Vec<L2Block> {
        (0..count)
            .map(|_| {
                let parent = self.head().clone();
                let timestamp = parent.timestamp + self.cfg.block_time;
                let current = l1
                    .block_ref(parent.l1_origin.number)
                    .expect("the L2 head's origin is on the L1 chain");
                let origin = match l1.block_ref(current.number + 1) {
                    Some(next) if next.timestamp <= timestamp => next,
                    _ => current,
                };
                let recipient = Address::with_last_byte(0x42);
                let txs = (0..txs_per_block).map(|_| self.transfer(recipient)).collect();
                self.push_block(&origin, txs)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::{
        batch::{BatchReader, decode_batch},
        compression::decompress,
        frame::parse_frames,
    };

    use crate::chain::{L1_BLOCK_TIME, test_rollup_config};

    #[test]
    fn l2_blocks_follow_l1_epochs() {
        let mut l1 = TestL1::default();
        let cfg = test_rollup_config(&l1);
        l1.empty_blocks(2);
        let mut l2 = TestL2::new(&cfg);
        let blocks = l2.build_blocks(&l1, 14, 1);
        let genesis = l1.genesis();
        for (i, block) in blocks.iter().enumerate() {
            let i = i as u64 + 1;
            assert_eq!(block.number, i);
            assert_eq!(block.timestamp, cfg.genesis.l2_time + i * cfg.block_time);
            // L1 blocks every 12 s and L2 blocks every 2 s: a new epoch every 6 blocks, up to
            // the L1 head.
            let epoch = (block.timestamp - genesis.timestamp) / L1_BLOCK_TIME;
            let epoch = epoch.min(2);
            assert_eq!(block.l1_origin, l1.block_ref(genesis.number + epoch).unwrap().id());
            let parent = l2.block(i - 1).unwrap();
            assert_eq!(block.parent_hash, parent.hash);
            let want_seq =
                if block.l1_origin == parent.l1_origin { parent.seq_number + 1 } else { 0 };
            assert_eq!(block.seq_number, want_seq);
        }
        assert_eq!(blocks[5].seq_number, 0);
        assert_eq!(blocks[13].seq_number, 2);
        assert_eq!(l2.head(), &blocks[13]);
        assert_eq!(l2.system_config(14), Some(cfg.genesis.system_config));
    }

    #[test]
    fn channels_round_trip_through_keel_decoders() {
        let mut l1 = TestL1::default();
        let cfg = test_rollup_config(&l1);
        l1.empty_blocks(1);
        let mut l2 = TestL2::new(&cfg);
        let blocks = l2.build_blocks(&l1, 8, 2);
        let mut batches = singular_batches(&blocks[..2]);
        batches.push(span_batch(&blocks[2..], &cfg));
        for compression in [Compression::Zlib, Compression::ZlibStored, Compression::Brotli] {
            let channel = TestChannel::new(channel_id(3), &batches, compression);
            let frames = channel.frames(100);
            assert_eq!(frames.len(), channel.data.len().div_ceil(100));
            assert!(
                frames.iter().rev().skip(1).all(|f| !f.is_last) && frames.last().unwrap().is_last
            );
            let parsed = parse_frames(&payload(&frames)).unwrap();
            assert_eq!(parsed, frames);
            let data: Vec<u8> = parsed.iter().flat_map(|f| f.data.to_vec()).collect();
            let out = decompress(&data, true, 10_000_000).unwrap();
            let decoded: Vec<_> = BatchReader::new(&out.data).map(Result::unwrap).collect();
            assert_eq!(decoded, batches);
        }
        let Batch::Span(span) = &batches[2] else { panic!() };
        assert_eq!(span.block_count(), 6);
        assert_eq!(
            span.expand(cfg.genesis.l2_time, cfg.block_time, cfg.l2_chain_id).unwrap(),
            blocks[2..].iter().map(L2Block::span_element).collect::<Vec<_>>()
        );
        assert_eq!(decode_batch(&batches[0].encode()).unwrap(), batches[0]);
        // An empty channel still has a closing frame.
        assert_eq!(TestChannel::raw(channel_id(4), vec![]).frames(10).len(), 1);
    }
}
