//! Batch stage (checklist §3.4, §3.5) on real chain data: the Unichain 540-block span batch
//! (vectors README §2.7) checked and unrolled on a safe head at L2 36637399.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;

use alloy_primitives::{B256, Bytes, FixedBytes, hex, keccak256};
use keel_core::{
    batch::{Batch, BatchReader},
    blob::decode_blob,
    compression::decompress,
    config::{RollupConfig, SystemConfig},
    derive::{
        L2Provider, PipelineError, ProviderError,
        batch::{
            BatchQueue, BatchSource, BatchStage, BatchValidity, NextBatch, SpanBatch,
            check_span_batch, check_span_batch_prefix,
        },
        error::DataKey,
        types::{L1BlockRef, L2BlockRef},
    },
    frame::parse_frames,
};
use keel_tests::read_vector;

const DIR: &str = "batcher/unichain-brotli-span-540blocks";
const PARENT_CHECK: &str = "563113941c30e15704d522c04a47ce8c5b4be46a";
const L1_ORIGIN_CHECK: &str = "98270cc47c9ec388bdfc564f7cc2b96af7399814";
const FIRST_EPOCH: u64 = 24_149_341;
const LAST_EPOCH: u64 = 24_149_386;
/// The L1 block the batcher tx landed in (claimed by the source, README §2.7).
const INCLUSION: u64 = 24_149_392;
const INCLUSION_TIME: u64 = 1_767_386_303;
const SAFE_NUMBER: u64 = 36_637_399;
const SAFE_TIME: u64 = 1_767_385_758;

/// The channel's single span batch, as read from the three blobs.
fn span_batch() -> Batch {
    let mut channel = Vec::new();
    for i in 0..3 {
        let data = decode_blob(&read_vector(&format!("{DIR}/{i}.blob.bin"))).unwrap();
        for frame in parse_frames(&data).unwrap() {
            channel.extend_from_slice(&frame.data);
        }
    }
    let out = decompress(&channel, true, 100_000_000).unwrap();
    let mut batches: Vec<Batch> = BatchReader::new(&out.data).map(Result::unwrap).collect();
    assert_eq!(batches.len(), 1);
    batches.pop().unwrap()
}

/// The L1 epoch table (24149341 ..= 24149386), then blocks up to the inclusion block with
/// fabricated hashes (only their numbers and times matter here).
fn l1_chain() -> Vec<L1BlockRef> {
    let json: serde_json::Value = serde_json::from_slice(&read_vector(&format!(
        "{DIR}/l1-epochs-24149341-24149386.EXTRACTED.json"
    )))
    .unwrap();
    let mut chain: Vec<L1BlockRef> = Vec::new();
    for b in json["blocks"].as_array().unwrap() {
        let hash: B256 = b["hash"].as_str().unwrap().parse().unwrap();
        let parent_hash = chain.last().map_or(B256::ZERO, |p| p.hash);
        chain.push(L1BlockRef {
            hash,
            number: b["number"].as_u64().unwrap(),
            parent_hash,
            timestamp: b["timestamp"].as_u64().unwrap(),
        });
    }
    assert_eq!(chain.len() as u64, LAST_EPOCH - FIRST_EPOCH + 1);
    assert_eq!(chain.first().unwrap().number, FIRST_EPOCH);
    while chain.last().unwrap().number < INCLUSION {
        let p = *chain.last().unwrap();
        chain.push(L1BlockRef {
            hash: keccak256(p.hash),
            number: p.number + 1,
            parent_hash: p.hash,
            timestamp: p.timestamp + 12,
        });
    }
    // The real inclusion block's time.
    chain.last_mut().unwrap().timestamp = INCLUSION_TIME;
    chain
}

/// L2 36637399: its hash begins with the span's parent_check; the rest is made up.
fn safe_head(chain: &[L1BlockRef]) -> L2BlockRef {
    let mut hash = [0xabu8; 32];
    hash[..20].copy_from_slice(&hex::decode(PARENT_CHECK).unwrap());
    L2BlockRef {
        hash: B256::from(hash),
        number: SAFE_NUMBER,
        parent_hash: B256::ZERO,
        timestamp: SAFE_TIME,
        l1_origin: chain[0].id(),
        seq_number: 67,
    }
}

/// No safe blocks below the head are needed: the span does not overlap.
struct NoL2;

impl L2Provider for NoL2 {
    fn l2_block_ref_by_number(&mut self, n: u64) -> Result<L2BlockRef, ProviderError> {
        Err(ProviderError::Missing { what: "l2 block", key: DataKey::Number(n) })
    }
    fn system_config_by_number(&mut self, n: u64) -> Result<SystemConfig, ProviderError> {
        Err(ProviderError::Missing { what: "system config", key: DataKey::Number(n) })
    }
    fn transactions_by_number(&mut self, n: u64) -> Result<Vec<Bytes>, ProviderError> {
        Err(ProviderError::Missing { what: "transactions", key: DataKey::Number(n) })
    }
}

/// The channel reader: the span batch appears at the inclusion block.
struct Source {
    origin: L1BlockRef,
    batches: VecDeque<Batch>,
    flushes: usize,
}

impl BatchSource for Source {
    fn origin(&self) -> L1BlockRef {
        self.origin
    }
    fn next_batch(&mut self) -> Result<Batch, PipelineError> {
        self.batches.pop_front().ok_or(PipelineError::Eof)
    }
    fn flush_channel(&mut self) {
        self.flushes += 1;
        self.batches.clear();
    }
}

fn cfg() -> RollupConfig {
    let cfg = RollupConfig::by_name("unichain-mainnet").unwrap();
    assert!(cfg.is_holocene_active(INCLUSION_TIME));
    assert!(cfg.is_isthmus_active(SAFE_TIME + 1), "the span carries a type-4 tx");
    cfg
}

fn expanded(cfg: &RollupConfig) -> SpanBatch {
    let Batch::Span(raw) = span_batch() else { panic!("not a span batch") };
    SpanBatch::from_raw(&raw, cfg).unwrap()
}

#[test]
fn rule_3_4_unichain_540_block_span_batch_accepted() {
    let cfg = cfg();
    let chain = l1_chain();
    let span = expanded(&cfg);
    assert_eq!(span.elements.len(), 540);
    let safe = safe_head(&chain);
    let inclusion = chain.last().unwrap();
    let (v, parent) =
        check_span_batch_prefix(&cfg, &chain, &safe, &span, inclusion, &mut NoL2).unwrap();
    assert_eq!(v, BatchValidity::Accept);
    assert_eq!(parent, Some(safe));
    // The full pre-Holocene check (every block's drift, origin time and txs) passes too.
    assert_eq!(
        check_span_batch(&cfg, &chain, &safe, &span, inclusion, &mut NoL2),
        Ok(BatchValidity::Accept)
    );

    // One more block of safe chain: now the whole span is in the past.
    let later = L2BlockRef { timestamp: SAFE_TIME + 540, number: SAFE_NUMBER + 540, ..safe };
    let (v, _) =
        check_span_batch_prefix(&cfg, &chain, &later, &span, inclusion, &mut NoL2).unwrap();
    assert_eq!(v, BatchValidity::Past);
    // A different parent: dropped.
    let other = L2BlockRef { hash: B256::repeat_byte(1), ..safe };
    let (v, _) =
        check_span_batch_prefix(&cfg, &chain, &other, &span, inclusion, &mut NoL2).unwrap();
    assert!(matches!(v, BatchValidity::Drop(_)));
}

/// The L2 block a batch makes (hash fabricated).
fn applied(parent: &L2BlockRef, next: &NextBatch) -> L2BlockRef {
    let b = &next.batch;
    let seq = if b.epoch_num == parent.l1_origin.number { parent.seq_number + 1 } else { 0 };
    L2BlockRef {
        hash: keccak256((parent.number + 1).to_be_bytes()),
        number: parent.number + 1,
        parent_hash: parent.hash,
        timestamp: b.timestamp,
        l1_origin: alloy_eips::BlockNumHash { number: b.epoch_num, hash: b.epoch_hash },
        seq_number: seq,
    }
}

/// Runs a stage from the safe head's origin to the inclusion block and collects every batch.
fn run(
    mut step: impl FnMut(&mut Source, &L2BlockRef) -> Result<NextBatch, PipelineError>,
) -> (Vec<NextBatch>, usize) {
    let chain = l1_chain();
    let mut head = safe_head(&chain);
    let mut src = Source { origin: chain[0], batches: VecDeque::new(), flushes: 0 };
    let mut out = Vec::new();
    for block in &chain[1..] {
        src.origin = *block;
        if block.number == INCLUSION {
            src.batches.push_back(span_batch());
        }
        loop {
            match step(&mut src, &head) {
                Ok(next) => {
                    head = applied(&head, &next);
                    out.push(next);
                }
                Err(PipelineError::NotEnoughData) => {}
                Err(PipelineError::Eof) => break,
                Err(e) => panic!("at L1 {}: {e}", block.number),
            }
        }
    }
    (out, src.flushes)
}

/// Every fact of README §2.7 about the unrolled blocks.
fn check_unrolled(batches: &[NextBatch]) {
    let chain = l1_chain();
    assert_eq!(batches.len(), 540);
    let mut parent_ts = SAFE_TIME;
    let mut epoch = FIRST_EPOCH;
    let mut txs = 0;
    for next in batches {
        let b = &next.batch;
        assert_eq!(b.timestamp, parent_ts + 1);
        parent_ts = b.timestamp;
        assert!(b.epoch_num == epoch || b.epoch_num == epoch + 1);
        epoch = b.epoch_num;
        let table = &chain[(b.epoch_num - FIRST_EPOCH) as usize];
        assert_eq!(b.epoch_hash, table.hash, "epoch {}", b.epoch_num);
        assert!(b.timestamp >= table.timestamp);
        txs += b.transactions.len();
    }
    assert_eq!(batches[0].batch.timestamp, 1_767_385_759);
    assert_eq!(batches[539].batch.timestamp, 1_767_386_298);
    assert_eq!(batches[0].batch.epoch_num, FIRST_EPOCH);
    let last = &batches[539].batch;
    assert_eq!(last.epoch_num, LAST_EPOCH);
    assert_eq!(
        FixedBytes::<20>::from_slice(&last.epoch_hash[..20]),
        FixedBytes::<20>::from_slice(&hex::decode(L1_ORIGIN_CHECK).unwrap())
    );
    let epochs: std::collections::BTreeSet<u64> =
        batches.iter().map(|n| n.batch.epoch_num).collect();
    assert_eq!(epochs.len(), 46);
    assert_eq!(txs, 3196);
    assert_eq!(
        batches
            .iter()
            .filter(|n| n.batch.transactions.iter().any(|t| t.first() == Some(&0x04)))
            .count(),
        1
    );
}

#[test]
fn rule_3_5_unichain_span_batch_unrolls_into_540_singular_batches() {
    let cfg = cfg();
    let chain = l1_chain();
    let mut stage = BatchStage::reset_at(chain[0]);
    let (batches, flushes) = run(|src, head| stage.next_batch(&cfg, src, head, &mut NoL2));
    assert_eq!(flushes, 0);
    check_unrolled(&batches);
    assert!(batches.iter().all(|n| n.is_last_in_span), "Holocene: every block is safe at once");
}

#[test]
fn rule_3_4_unichain_span_batch_through_the_pre_holocene_queue() {
    let cfg = cfg();
    let chain = l1_chain();
    let mut queue = BatchQueue::reset_at(chain[0]);
    let (batches, _) = run(|src, head| queue.next_batch(&cfg, src, head, &mut NoL2));
    check_unrolled(&batches);
    let lasts: Vec<usize> =
        batches.iter().enumerate().filter(|(_, n)| n.is_last_in_span).map(|(i, _)| i).collect();
    assert_eq!(lasts, vec![539]);
}
