//! Unit tests for the batch stage: one per rule of checklist §3.3–3.6, pre-Holocene and Holocene
//! where they differ.

use super::*;
use crate::{
    batch::SpanBatchElement,
    derive::{ProviderError, error::DataKey},
};
use alloc::{collections::BTreeMap, collections::VecDeque, vec, vec::Vec};
use alloy_consensus::{Signed, TxEip1559};
use alloy_eips::{eip2718::Encodable2718, eip2930::AccessList};
use alloy_primitives::{Address, B256, Bytes, Signature, TxKind, U256, keccak256};

const CHAIN: u64 = 901;
const SWS: u64 = 10;

// ---------------------------------------------------------------- fixtures

fn base_cfg() -> RollupConfig {
    RollupConfig {
        block_time: 2,
        max_sequencer_drift: 600,
        seq_window_size: SWS,
        l2_chain_id: CHAIN,
        regolith_time: Some(0),
        canyon_time: Some(0),
        delta_time: Some(0),
        ecotone_time: Some(0),
        ..RollupConfig::default()
    }
}

/// Before Holocene (and before Fjord: drift 600).
fn pre() -> RollupConfig {
    base_cfg()
}

/// Holocene (and Fjord: drift 1800) from genesis.
fn holo() -> RollupConfig {
    RollupConfig {
        fjord_time: Some(0),
        granite_time: Some(0),
        holocene_time: Some(0),
        ..base_cfg()
    }
}

fn l1_hash(n: u64) -> B256 {
    keccak256([b"l1".as_slice(), &n.to_be_bytes()].concat())
}

fn l2_hash(n: u64) -> B256 {
    keccak256([b"l2".as_slice(), &n.to_be_bytes()].concat())
}

/// L1 block `n`: 12 s blocks, linked hashes.
fn l1(n: u64) -> L1BlockRef {
    L1BlockRef { hash: l1_hash(n), number: n, parent_hash: l1_hash(n - 1), timestamp: 12 * n }
}

fn l1s(range: core::ops::RangeInclusive<u64>) -> Vec<L1BlockRef> {
    range.map(l1).collect()
}

/// L2 block `n` at `ts` with L1 origin `origin`.
fn l2(n: u64, ts: u64, origin: u64) -> L2BlockRef {
    L2BlockRef {
        hash: l2_hash(n),
        number: n,
        parent_hash: l2_hash(n - 1),
        timestamp: ts,
        l1_origin: l1(origin).id(),
        seq_number: 0,
    }
}

/// The usual safe head: L2 #50 at 1204 (next 1206), origin L1 #100 (ts 1200; #101 is at 1212).
fn safe() -> L2BlockRef {
    l2(50, 1204, 100)
}

fn tx() -> Bytes {
    Bytes::from_static(&[0x02, 0xc0])
}

fn singular(ts: u64, epoch: u64, parent: B256, txs: Vec<Bytes>) -> SingularBatch {
    SingularBatch {
        parent_hash: parent,
        epoch_num: epoch,
        epoch_hash: l1_hash(epoch),
        timestamp: ts,
        transactions: txs,
    }
}

/// The next batch on `safe()`, in epoch 100, with one tx.
fn good() -> SingularBatch {
    singular(1206, 100, safe().hash, vec![tx()])
}

fn check(cfg: &RollupConfig, blocks: &[L1BlockRef], b: &SingularBatch) -> BatchValidity {
    check_singular_batch(cfg, blocks, &safe(), b, &l1(102))
}

fn drop(reason: DropReason) -> BatchValidity {
    BatchValidity::Drop(reason)
}

/// A real-looking signed EIP-1559 tx (signature not verified anywhere in derivation).
fn signed(i: u64) -> Bytes {
    let tx = TxEip1559 {
        chain_id: CHAIN,
        nonce: i,
        gas_limit: 21_000,
        max_fee_per_gas: 2_000,
        max_priority_fee_per_gas: 1,
        to: TxKind::Call(Address::with_last_byte(7)),
        value: U256::from(i),
        access_list: AccessList::default(),
        input: Bytes::new(),
    };
    let sig = Signature::new(U256::from(0x1000 + i) << 200, U256::from(0x2000 + i), i % 2 == 1);
    Signed::new_unhashed(tx, sig).encoded_2718().into()
}

fn element(ts: u64, epoch: u64, txs: Vec<Bytes>) -> SpanBatchElement {
    SpanBatchElement { timestamp: ts, epoch_num: epoch, transactions: txs }
}

fn check20(h: &B256) -> FixedBytes<20> {
    FixedBytes::from_slice(&h[..20])
}

/// An expanded span batch on `parent` (hash) whose last origin is `elements.last()`'s.
fn span(parent: B256, elements: Vec<SpanBatchElement>) -> SpanBatch {
    let last = elements.last().unwrap().epoch_num;
    SpanBatch { parent_check: check20(&parent), l1_origin_check: check20(&l1_hash(last)), elements }
}

/// The same span batch as a wire batch.
fn raw(s: &SpanBatch, cfg: &RollupConfig) -> Batch {
    let raw = RawSpanBatch::from_elements(
        &s.elements,
        s.parent_check,
        s.l1_origin_check,
        false,
        cfg.genesis.l2_time,
        cfg.l2_chain_id,
    )
    .unwrap();
    Batch::Span(alloc::boxed::Box::new(raw))
}

/// In-memory safe L2 chain.
#[derive(Default)]
struct TestL2 {
    blocks: BTreeMap<u64, (L2BlockRef, Vec<Bytes>)>,
}

impl TestL2 {
    fn with(blocks: impl IntoIterator<Item = (L2BlockRef, Vec<Bytes>)>) -> Self {
        Self { blocks: blocks.into_iter().map(|(r, t)| (r.number, (r, t))).collect() }
    }
}

fn missing(n: u64) -> ProviderError {
    ProviderError::Missing { what: "l2 block", key: DataKey::Number(n) }
}

impl L2Provider for TestL2 {
    fn l2_block_ref_by_number(&mut self, number: u64) -> Result<L2BlockRef, ProviderError> {
        self.blocks.get(&number).map(|b| b.0).ok_or(missing(number))
    }
    fn system_config_by_number(
        &mut self,
        number: u64,
    ) -> Result<crate::config::SystemConfig, ProviderError> {
        Err(missing(number))
    }
    fn transactions_by_number(&mut self, number: u64) -> Result<Vec<Bytes>, ProviderError> {
        self.blocks.get(&number).map(|b| b.1.clone()).ok_or(missing(number))
    }
}

/// The channel reader, scripted.
struct TestSource {
    origin: L1BlockRef,
    batches: VecDeque<Batch>,
    flushes: usize,
}

impl TestSource {
    fn new(origin: L1BlockRef, batches: impl IntoIterator<Item = Batch>) -> Self {
        Self { origin, batches: batches.into_iter().collect(), flushes: 0 }
    }
}

impl BatchSource for TestSource {
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

fn sb(b: SingularBatch) -> Batch {
    Batch::Singular(b)
}

// ---------------------------------------------------------------- §3.3 singular batches

#[test]
fn rule_3_3_accepts_valid_batch() {
    assert_eq!(check(&pre(), &l1s(100..=102), &good()), BatchValidity::Accept);
    assert_eq!(check(&holo(), &l1s(100..=102), &good()), BatchValidity::Accept);
}

#[test]
fn rule_3_3_0_no_l1_blocks_is_undecided() {
    assert_eq!(check(&pre(), &[], &good()), BatchValidity::Undecided);
}

#[test]
fn rule_3_3_1_future_batch_pre_holocene() {
    let b = singular(1208, 100, safe().hash, vec![]);
    assert_eq!(check(&pre(), &l1s(100..=102), &b), BatchValidity::Future);
}

#[test]
fn rule_3_3_1_future_batch_holocene_dropped() {
    let b = singular(1208, 100, safe().hash, vec![]);
    assert_eq!(
        check(&holo(), &l1s(100..=102), &b),
        drop(DropReason::FutureTimestamp { timestamp: 1208, next: 1206 })
    );
}

#[test]
fn rule_3_3_1_holocene_by_inclusion_block_time() {
    // Holocene from L1 time 1224 (block 102): a batch included in 101 is still pre-Holocene.
    let cfg = RollupConfig { holocene_time: Some(1224), ..pre() };
    let b = singular(1208, 100, safe().hash, vec![]);
    assert_eq!(
        check_singular_batch(&cfg, &l1s(100..=102), &safe(), &b, &l1(101)),
        BatchValidity::Future
    );
    assert!(matches!(
        check_singular_batch(&cfg, &l1s(100..=102), &safe(), &b, &l1(102)),
        BatchValidity::Drop(DropReason::FutureTimestamp { .. })
    ));
}

#[test]
fn rule_3_3_2_past_batch_pre_holocene_dropped() {
    let b = singular(1204, 100, safe().parent_hash, vec![]);
    assert_eq!(
        check(&pre(), &l1s(100..=102), &b),
        drop(DropReason::PastTimestamp { timestamp: 1204, next: 1206 })
    );
}

#[test]
fn rule_3_3_2_past_batch_holocene() {
    let b = singular(1204, 100, safe().parent_hash, vec![]);
    assert_eq!(check(&holo(), &l1s(100..=102), &b), BatchValidity::Past);
}

#[test]
fn rule_3_3_3_parent_hash_mismatch() {
    let b = singular(1206, 100, B256::repeat_byte(9), vec![]);
    for cfg in [pre(), holo()] {
        assert_eq!(check(&cfg, &l1s(100..=102), &b), drop(DropReason::ParentHashMismatch));
    }
}

#[test]
fn rule_3_3_4_sequence_window_expired() {
    let b = good();
    let blocks = l1s(100..=110);
    // epoch + SWS == inclusion: still in the window.
    let at = check_singular_batch(&pre(), &blocks, &safe(), &b, &l1(100 + SWS));
    assert_eq!(at, BatchValidity::Accept);
    let late = check_singular_batch(&pre(), &blocks, &safe(), &b, &l1(101 + SWS));
    assert_eq!(late, drop(DropReason::SequenceWindowExpired { epoch: 100, inclusion: 111 }));
}

#[test]
fn rule_3_3_5_epoch_too_old() {
    let b = singular(1206, 99, safe().hash, vec![]);
    assert_eq!(
        check(&pre(), &l1s(100..=102), &b),
        drop(DropReason::EpochTooOld { epoch: 99, minimum: 100 })
    );
}

#[test]
fn rule_3_3_5_next_epoch_undecided_without_next_l1_block() {
    // Batch at 1212 adopting epoch 101 on a safe head at 1210.
    let s = l2(53, 1210, 100);
    let b = singular(1212, 101, s.hash, vec![tx()]);
    let v = check_singular_batch(&pre(), &l1s(100..=100), &s, &b, &l1(100));
    assert_eq!(v, BatchValidity::Undecided);
    let v = check_singular_batch(&pre(), &l1s(100..=101), &s, &b, &l1(101));
    assert_eq!(v, BatchValidity::Accept);
}

#[test]
fn rule_3_3_5_epoch_too_far_ahead() {
    let b = singular(1206, 102, safe().hash, vec![]);
    assert_eq!(
        check(&pre(), &l1s(100..=102), &b),
        drop(DropReason::EpochTooFarAhead { epoch: 102, maximum: 101 })
    );
}

#[test]
fn rule_3_3_6_epoch_hash_mismatch() {
    let mut b = good();
    b.epoch_hash = B256::repeat_byte(1);
    assert_eq!(
        check(&pre(), &l1s(100..=102), &b),
        drop(DropReason::EpochHashMismatch { epoch: 100 })
    );
}

#[test]
fn rule_3_3_7_timestamp_before_origin() {
    // Adopting epoch 101 (ts 1212) at L2 time 1206.
    let b = singular(1206, 101, safe().hash, vec![]);
    assert_eq!(
        check(&pre(), &l1s(100..=102), &b),
        drop(DropReason::TimestampBeforeOrigin { timestamp: 1206, origin_time: 1212 })
    );
}

#[test]
fn rule_3_3_8_jovian_activation_block_user_txs_dropped() {
    let cfg = RollupConfig { isthmus_time: Some(0), jovian_time: Some(1206), ..holo() };
    assert_eq!(
        check(&cfg, &l1s(100..=102), &good()),
        drop(DropReason::ActivationBlockHasTxs { timestamp: 1206 })
    );
    // Empty: fine.
    let empty = singular(1206, 100, safe().hash, vec![]);
    assert_eq!(check(&cfg, &l1s(100..=102), &empty), BatchValidity::Accept);
    // The block after the activation block may carry transactions.
    let cfg = RollupConfig { jovian_time: Some(1204), ..cfg };
    assert_eq!(check(&cfg, &l1s(100..=102), &good()), BatchValidity::Accept);
}

#[test]
fn rule_3_3_8_karst_and_interop_activation_blocks_like_op_node() {
    for cfg in [
        RollupConfig { karst_time: Some(1205), ..holo() },
        RollupConfig { interop_time: Some(1206), ..holo() },
    ] {
        assert_eq!(
            check(&cfg, &l1s(100..=102), &good()),
            drop(DropReason::ActivationBlockHasTxs { timestamp: 1206 })
        );
    }
    // Ecotone, Fjord, Isthmus activation blocks are not enforced by derivation.
    let cfg = RollupConfig { isthmus_time: Some(1206), ..holo() };
    assert_eq!(check(&cfg, &l1s(100..=102), &good()), BatchValidity::Accept);
}

/// A safe head far past its origin 100 (ts 1200) for the drift rules: at `ts`, next `ts + 2`.
fn drifted(ts: u64) -> L2BlockRef {
    l2(500, ts, 100)
}

#[test]
fn rule_3_3_9_singular_batch_drift() {
    // Pre-Fjord: origin time 1200 + 600 = 1800.
    let blocks = l1s(100..=101);
    let at_max = singular(1800, 100, drifted(1798).hash, vec![tx()]);
    let v = check_singular_batch(&pre(), &blocks, &drifted(1798), &at_max, &l1(101));
    assert_eq!(v, BatchValidity::Accept);
    let over = singular(1802, 100, drifted(1800).hash, vec![tx()]);
    let v = check_singular_batch(&pre(), &blocks, &drifted(1800), &over, &l1(101));
    assert_eq!(v, drop(DropReason::SequencerDriftExceeded { timestamp: 1802, max: 1800 }));
}

#[test]
fn rule_3_3_9_singular_batch_drift_fjord() {
    // Fjord by the origin's time: 1800 s from the origin.
    let blocks = l1s(100..=101);
    let cfg = RollupConfig { fjord_time: Some(1200), ..pre() };
    let b = singular(3000, 100, drifted(2998).hash, vec![tx()]);
    assert_eq!(
        check_singular_batch(&cfg, &blocks, &drifted(2998), &b, &l1(101)),
        BatchValidity::Accept
    );
    let b = singular(3002, 100, drifted(3000).hash, vec![tx()]);
    assert_eq!(
        check_singular_batch(&cfg, &blocks, &drifted(3000), &b, &l1(101)),
        drop(DropReason::SequencerDriftExceeded { timestamp: 3002, max: 3000 })
    );
    // Fjord active at the batch's time but not at its origin's: still 600.
    let cfg = RollupConfig { fjord_time: Some(1201), ..pre() };
    let b = singular(1802, 100, drifted(1800).hash, vec![tx()]);
    assert_eq!(
        check_singular_batch(&cfg, &blocks, &drifted(1800), &b, &l1(101)),
        drop(DropReason::SequencerDriftExceeded { timestamp: 1802, max: 1800 })
    );
}

#[test]
fn rule_3_3_9_empty_batch_past_drift() {
    // L1 #101 is late (ts 5000): an empty batch past the drift keeps epoch 100.
    let late_next = L1BlockRef { timestamp: 5000, ..l1(101) };
    let b = singular(1802, 100, drifted(1800).hash, vec![]);
    let blocks = [l1(100), late_next];
    assert_eq!(
        check_singular_batch(&pre(), &blocks, &drifted(1800), &b, &l1(101)),
        BatchValidity::Accept
    );
    // Without the next L1 block: undecided.
    assert_eq!(
        check_singular_batch(&pre(), &blocks[..1], &drifted(1800), &b, &l1(100)),
        BatchValidity::Undecided
    );
    // When the next L1 block could have been adopted: dropped.
    let b = singular(5000, 100, drifted(4998).hash, vec![]);
    assert_eq!(
        check_singular_batch(&pre(), &blocks, &drifted(4998), &b, &l1(101)),
        drop(DropReason::ShouldAdoptNextOrigin { timestamp: 5000 })
    );
}

#[test]
fn rule_3_3_9_empty_batch_adopting_next_origin_past_drift_accepted() {
    // Adopting epoch 101 (ts 1212) at 1814, past 1212 + 600, empty: accepted.
    let b = singular(1814, 101, drifted(1812).hash, vec![]);
    assert_eq!(
        check_singular_batch(&pre(), &l1s(100..=101), &drifted(1812), &b, &l1(101)),
        BatchValidity::Accept
    );
}

#[test]
fn rule_3_3_10_empty_transaction() {
    let b = singular(1206, 100, safe().hash, vec![tx(), Bytes::new()]);
    assert_eq!(check(&pre(), &l1s(100..=102), &b), drop(DropReason::EmptyTransaction { index: 1 }));
}

#[test]
fn rule_3_3_10_deposit_transaction() {
    let b = singular(1206, 100, safe().hash, vec![Bytes::from_static(&[0x7e, 0xc0])]);
    assert_eq!(
        check(&holo(), &l1s(100..=102), &b),
        drop(DropReason::DepositTransaction { index: 0 })
    );
}

#[test]
fn rule_3_3_10_set_code_tx_isthmus_by_batch_timestamp() {
    let b = singular(1206, 100, safe().hash, vec![tx(), Bytes::from_static(&[0x04, 0xc0])]);
    // Isthmus activates at the batch's own timestamp: allowed.
    let cfg = RollupConfig { isthmus_time: Some(1206), ..holo() };
    assert_eq!(check(&cfg, &l1s(100..=102), &b), BatchValidity::Accept);
    // One block later: dropped.
    let cfg = RollupConfig { isthmus_time: Some(1208), ..holo() };
    assert_eq!(
        check(&cfg, &l1s(100..=102), &b),
        drop(DropReason::SetCodeBeforeIsthmus { index: 1 })
    );
}

#[test]
fn rule_10_type3_tx_in_singular_batch_accepted_like_op_node() {
    // The spec drops "type > 2"; op-node does not (checklist §10). Blob txs reach the engine.
    let b = singular(1206, 100, safe().hash, vec![Bytes::from_static(&[0x03, 0xc0])]);
    assert_eq!(check(&pre(), &l1s(100..=102), &b), BatchValidity::Accept);
    assert_eq!(check(&holo(), &l1s(100..=102), &b), BatchValidity::Accept);
}

// ---------------------------------------------------------------- §3.4 span batches

/// Span checks on `safe()` with inclusion block 102.
fn check_span(
    cfg: &RollupConfig,
    blocks: &[L1BlockRef],
    s: &SpanBatch,
    l2p: &mut TestL2,
) -> Result<BatchValidity, PipelineError> {
    check_span_batch(cfg, blocks, &safe(), s, &l1(102), l2p)
}

/// Three blocks after `safe()`: 1206 and 1208 in epoch 100, 1212 in epoch 101.
fn good_span() -> SpanBatch {
    span(
        safe().hash,
        vec![
            element(1206, 100, vec![tx()]),
            element(1208, 100, vec![]),
            element(1212, 101, vec![tx()]),
        ],
    )
}

#[test]
fn rule_3_4_accepts_valid_span() {
    for cfg in [pre(), holo()] {
        assert_eq!(
            check_span(&cfg, &l1s(100..=102), &good_span(), &mut TestL2::default()),
            Ok(BatchValidity::Accept)
        );
    }
}

#[test]
fn rule_3_4_1_span_batch_before_delta_dropped() {
    let cfg = RollupConfig { delta_time: Some(1201), ..pre() };
    assert_eq!(
        check_span(&cfg, &l1s(100..=102), &good_span(), &mut TestL2::default()),
        Ok(drop(DropReason::SpanBeforeDelta))
    );
    // Delta by the origin's time: a span starting in epoch 101 (ts 1212) passes this step.
    let s = span(l2_hash(53), vec![element(1212, 101, vec![tx()])]);
    let safe = l2(53, 1210, 100);
    let v = check_span_batch(&cfg, &l1s(100..=102), &safe, &s, &l1(102), &mut TestL2::default());
    assert_eq!(v, Ok(BatchValidity::Accept));
}

#[test]
fn rule_3_4_1_span_next_epoch_undecided_without_next_l1_block() {
    let s = span(l2_hash(53), vec![element(1212, 101, vec![tx()])]);
    let safe = l2(53, 1210, 100);
    let v = check_span_batch(&pre(), &l1s(100..=100), &safe, &s, &l1(100), &mut TestL2::default());
    assert_eq!(v, Ok(BatchValidity::Undecided));
}

#[test]
fn rule_3_4_2_future_span_batch() {
    let s = span(safe().hash, vec![element(1208, 100, vec![])]);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(BatchValidity::Future)
    );
    assert_eq!(
        check_span(&holo(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::FutureTimestamp { timestamp: 1208, next: 1206 }))
    );
}

#[test]
fn rule_3_4_3_past_span_batch() {
    let s = span(l2_hash(48), vec![element(1202, 100, vec![]), element(1204, 100, vec![])]);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::PastTimestamp { timestamp: 1204, next: 1206 }))
    );
    assert_eq!(
        check_span(&holo(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(BatchValidity::Past)
    );
}

/// Safe chain #48..=#50 (ts 1200..=1204, origin 100) with one deposit and `user` txs each.
fn safe_chain(user: &[Vec<Bytes>]) -> TestL2 {
    let deposit = Bytes::from_static(&[0x7e, 0x01]);
    TestL2::with((48..=50).zip(user).map(|(n, txs)| {
        let mut all = vec![deposit.clone()];
        all.extend(txs.iter().cloned());
        (l2(n, 1200 + 2 * (n - 48), 100), all)
    }))
}

/// A span starting at #49 (ts 1202) overlapping #49 and #50, then #51 and #52.
fn overlapping_span(t49: Vec<Bytes>, epoch50: u64) -> SpanBatch {
    span(
        l2_hash(48),
        vec![
            element(1202, 100, t49),
            element(1204, epoch50, vec![]),
            element(1206, 100, vec![signed(3)]),
            element(1208, 100, vec![]),
        ],
    )
}

#[test]
fn rule_3_4_4_overlapping_span_aligned_accepted() {
    let mut chain = safe_chain(&[vec![], vec![signed(1)], vec![]]);
    let s = overlapping_span(vec![signed(1)], 100);
    assert_eq!(check_span(&pre(), &l1s(100..=102), &s, &mut chain), Ok(BatchValidity::Accept));
}

#[test]
fn rule_3_4_4_overlapping_span_misaligned_dropped() {
    let cfg = pre();
    // Starts at 1205: between the safe head (1204) and the next slot.
    let s = span(l2_hash(50), vec![element(1205, 100, vec![]), element(1207, 100, vec![])]);
    assert_eq!(
        check_span(&cfg, &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::MisalignedTimestamp { timestamp: 1205 }))
    );
    // Starts at 1203: off the 2 s grid.
    let s = span(
        l2_hash(48),
        vec![element(1203, 100, vec![]), element(1205, 100, vec![]), element(1207, 100, vec![])],
    );
    assert_eq!(
        check_span(&cfg, &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::MisalignedTimestamp { timestamp: 1203 }))
    );
}

#[test]
fn rule_3_4_4_overlap_parent_lookup_miss_is_temporary() {
    let s = overlapping_span(vec![signed(1)], 100);
    let v = check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default());
    assert_eq!(v, Err(PipelineError::Temporary(missing(48))));
}

#[test]
fn rule_3_4_5_parent_check_mismatch() {
    let mut s = good_span();
    s.parent_check = FixedBytes::repeat_byte(3);
    for cfg in [pre(), holo()] {
        assert_eq!(
            check_span(&cfg, &l1s(100..=102), &s, &mut TestL2::default()),
            Ok(drop(DropReason::ParentCheckMismatch { parent: 50 }))
        );
    }
}

#[test]
fn rule_3_4_5_parent_check_uses_only_20_bytes() {
    let mut hash = safe().hash;
    hash[31] ^= 0xff;
    let mut s = good_span();
    s.parent_check = check20(&hash);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(BatchValidity::Accept)
    );
}

#[test]
fn rule_3_4_6_sequence_window_expired() {
    let blocks = l1s(100..=111);
    let mut l2p = TestL2::default();
    let v = check_span_batch(&pre(), &blocks, &safe(), &good_span(), &l1(110), &mut l2p);
    assert_eq!(v, Ok(BatchValidity::Accept));
    let v = check_span_batch(&holo(), &blocks, &safe(), &good_span(), &l1(111), &mut l2p);
    assert_eq!(v, Ok(drop(DropReason::SequenceWindowExpired { epoch: 100, inclusion: 111 })));
}

#[test]
fn rule_3_4_7_start_epoch_too_far_ahead() {
    // Start epoch 101 on a parent in epoch 99 (the safe head #50 moved on: overlapping span).
    let mut chain = TestL2::with([(l2(48, 1200, 99), vec![])]);
    let s = span(
        l2_hash(48),
        vec![element(1202, 101, vec![]), element(1204, 101, vec![]), element(1206, 101, vec![])],
    );
    let safe = l2(50, 1204, 100);
    let v = check_span_batch(&pre(), &l1s(100..=102), &safe, &s, &l1(102), &mut chain);
    assert_eq!(v, Ok(drop(DropReason::EpochTooFarAhead { epoch: 101, maximum: 100 })));
}

#[test]
fn rule_3_4_8_origin_check() {
    let mut s = good_span();
    s.l1_origin_check = FixedBytes::repeat_byte(4);
    assert_eq!(
        check_span(&holo(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::OriginCheckMismatch { epoch: 101 }))
    );
    // The last block's origin not read yet: undecided.
    let s = span(safe().hash, vec![element(1206, 100, vec![]), element(1236, 103, vec![])]);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(BatchValidity::Undecided)
    );
}

#[test]
fn rule_3_4_9_start_epoch_too_old() {
    // Start epoch 99 while the safe head (the parent) is in epoch 100.
    let s = span(safe().hash, vec![element(1206, 99, vec![]), element(1208, 100, vec![])]);
    let blocks = l1s(99..=102);
    for cfg in [pre(), holo()] {
        assert_eq!(
            check_span_batch(&cfg, &blocks[1..], &safe(), &s, &l1(102), &mut TestL2::default()),
            Ok(drop(DropReason::EpochTooOld { epoch: 99, minimum: 100 }))
        );
    }
}

#[test]
fn rule_3_4_10_block_timestamp_before_origin_pre_holocene() {
    // Block 1208 claims epoch 101 (ts 1212).
    let s = span(safe().hash, vec![element(1206, 100, vec![]), element(1208, 101, vec![])]);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::TimestampBeforeOrigin { timestamp: 1208, origin_time: 1212 }))
    );
    // Holocene stops at step 9: the prefix passes; the unrolled block is checked later.
    let v = check_span_batch_prefix(
        &holo(),
        &l1s(100..=102),
        &safe(),
        &s,
        &l1(102),
        &mut TestL2::default(),
    );
    assert_eq!(v.map(|v| v.0), Ok(BatchValidity::Accept));
}

#[test]
fn rule_3_4_10_block_drift_pre_holocene() {
    // A span from the drifted safe head at 1798: 1800 ok, 1802 with a tx past 1200 + 600.
    let s = span(
        drifted(1798).hash,
        vec![element(1800, 100, vec![tx()]), element(1802, 100, vec![tx()])],
    );
    let v = check_span_batch(
        &pre(),
        &l1s(100..=101),
        &drifted(1798),
        &s,
        &l1(101),
        &mut TestL2::default(),
    );
    assert_eq!(v, Ok(drop(DropReason::SequencerDriftExceeded { timestamp: 1802, max: 1800 })));
    // Empty and the next origin (1212) adoptable: dropped.
    let s = span(drifted(1798).hash, vec![element(1800, 100, vec![]), element(1802, 100, vec![])]);
    let v = check_span_batch(
        &pre(),
        &l1s(100..=101),
        &drifted(1798),
        &s,
        &l1(101),
        &mut TestL2::default(),
    );
    assert_eq!(v, Ok(drop(DropReason::ShouldAdoptNextOrigin { timestamp: 1802 })));
    // Empty without the next L1 block: undecided.
    let v = check_span_batch(
        &pre(),
        &l1s(100..=100),
        &drifted(1798),
        &s,
        &l1(100),
        &mut TestL2::default(),
    );
    assert_eq!(v, Ok(BatchValidity::Undecided));
}

#[test]
fn rule_3_4_10_block_transactions_pre_holocene() {
    let deposit = Bytes::from_static(&[0x7e, 0xc0]);
    let s = span(
        safe().hash,
        vec![element(1206, 100, vec![]), element(1208, 100, vec![tx(), deposit])],
    );
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::DepositTransaction { index: 1 }))
    );
    let s = span(safe().hash, vec![element(1206, 100, vec![Bytes::new()])]);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::EmptyTransaction { index: 0 }))
    );
    // SetCode before Isthmus (by each block's time), in a span too.
    let set_code = Bytes::from_static(&[0x04, 0xc0]);
    let s = span(safe().hash, vec![element(1206, 100, vec![]), element(1208, 100, vec![set_code])]);
    let cfg = RollupConfig { isthmus_time: Some(1210), ..pre() };
    assert_eq!(
        check_span(&cfg, &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::SetCodeBeforeIsthmus { index: 0 }))
    );
    let cfg = RollupConfig { isthmus_time: Some(1208), ..pre() };
    assert_eq!(
        check_span(&cfg, &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(BatchValidity::Accept)
    );
}

#[test]
fn rule_3_4_10_overlap_must_match_safe_chain() {
    // Different user tx in the overlapped #49.
    let mut chain = safe_chain(&[vec![], vec![signed(1)], vec![]]);
    let s = overlapping_span(vec![signed(2)], 100);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut chain),
        Ok(drop(DropReason::OverlapMismatch { number: 49 }))
    );
    // Missing tx.
    let s = overlapping_span(vec![], 100);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut chain),
        Ok(drop(DropReason::OverlapMismatch { number: 49 }))
    );
    // Different L1 origin number for #50.
    let s = overlapping_span(vec![signed(1)], 101);
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut chain),
        Ok(drop(DropReason::OverlapMismatch { number: 50 }))
    );
    // Holocene's prefix check does not look at overlapped blocks.
    let s = overlapping_span(vec![signed(2)], 100);
    let v = check_span_batch_prefix(&holo(), &l1s(100..=102), &safe(), &s, &l1(102), &mut chain);
    assert_eq!(v.map(|v| v.0), Ok(BatchValidity::Accept));
}

#[test]
fn rule_3_4_empty_span_dropped() {
    let s = SpanBatch::default();
    assert_eq!(
        check_span(&pre(), &l1s(100..=102), &s, &mut TestL2::default()),
        Ok(drop(DropReason::MalformedSpan))
    );
}

// ---------------------------------------------------------------- §3.5 Holocene batch stage

/// A Holocene stage reset to L1 #100, its source at L1 #101.
fn holocene_stage(batches: Vec<Batch>) -> (BatchStage, TestSource) {
    (BatchStage::reset_at(l1(100)), TestSource::new(l1(101), batches))
}

fn step_holo(
    stage: &mut BatchStage,
    src: &mut TestSource,
    safe: &L2BlockRef,
) -> Result<NextBatch, PipelineError> {
    stage.next_batch(&holo(), src, safe, &mut TestL2::default())
}

/// The L2 block a batch makes.
fn applied(parent: &L2BlockRef, b: &SingularBatch) -> L2BlockRef {
    L2BlockRef {
        hash: l2_hash(parent.number + 1),
        number: parent.number + 1,
        parent_hash: parent.hash,
        timestamp: b.timestamp,
        l1_origin: l1(b.epoch_num).id(),
        seq_number: 0,
    }
}

#[test]
fn rule_3_5_span_unrolled_into_checked_singular_batches() {
    let cfg = holo();
    let s = span(
        safe().hash,
        vec![
            element(1206, 100, vec![signed(1)]),
            element(1208, 100, vec![]),
            element(1210, 100, vec![]),
            element(1212, 101, vec![signed(2)]),
        ],
    );
    let (mut stage, mut src) = holocene_stage(vec![raw(&s, &cfg)]);
    let mut head = safe();
    let mut got = Vec::new();
    for _ in 0..4 {
        let next = step_holo(&mut stage, &mut src, &head).unwrap();
        assert!(next.is_last_in_span, "from Holocene every block is safe at once");
        assert_eq!(next.batch.parent_hash, head.hash);
        assert_eq!(next.batch.epoch_hash, l1_hash(next.batch.epoch_num));
        head = applied(&head, &next.batch);
        got.push((next.batch.timestamp, next.batch.epoch_num, next.batch.transactions));
    }
    assert_eq!(
        got,
        vec![
            (1206, 100, vec![signed(1)]),
            (1208, 100, vec![]),
            (1210, 100, vec![]),
            (1212, 101, vec![signed(2)])
        ]
    );
    // Source empty, window not expired: wait for L1.
    assert_eq!(step_holo(&mut stage, &mut src, &head), Err(PipelineError::Eof));
    assert_eq!(src.flushes, 0);
}

#[test]
fn rule_3_5_dropped_singular_in_span_flushes_channel() {
    // Jovian activates at 1208: the span's second block carries a tx there.
    let cfg = RollupConfig { isthmus_time: Some(0), jovian_time: Some(1208), ..holo() };
    let s = span(
        safe().hash,
        vec![
            element(1206, 100, vec![signed(1)]),
            element(1208, 100, vec![signed(2)]),
            element(1210, 100, vec![]),
        ],
    );
    let after = sb(singular(1208, 100, l2_hash(51), vec![]));
    let mut stage = BatchStage::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg), after]);
    let mut l2p = TestL2::default();
    let first = stage.next_batch(&cfg, &mut src, &safe(), &mut l2p).unwrap();
    assert_eq!(first.batch.timestamp, 1206);
    let head = applied(&safe(), &first.batch);
    assert_eq!(
        stage.next_batch(&cfg, &mut src, &head, &mut l2p),
        Err(PipelineError::NotEnoughData)
    );
    assert_eq!(src.flushes, 1, "the rest of the channel is discarded");
    assert!(src.batches.is_empty());
    // The span's third block is gone too.
    assert_eq!(stage.next_batch(&cfg, &mut src, &head, &mut l2p), Err(PipelineError::Eof));
}

#[test]
fn rule_3_5_past_singular_batch_skipped_without_flush() {
    let past = sb(singular(1204, 100, l2_hash(49), vec![]));
    let (mut stage, mut src) = holocene_stage(vec![past, sb(good())]);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(src.flushes, 0);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()).unwrap().batch, good());
}

#[test]
fn rule_3_5_invalid_singular_batch_flushes_channel() {
    let future = sb(singular(1208, 100, safe().hash, vec![]));
    let (mut stage, mut src) = holocene_stage(vec![future, sb(good())]);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(src.flushes, 1);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::Eof));
}

#[test]
fn rule_3_5_span_prefix_drop_flushes_channel() {
    let cfg = holo();
    let mut s = span(safe().hash, vec![element(1206, 100, vec![])]);
    s.parent_check = FixedBytes::repeat_byte(5);
    let (mut stage, mut src) = holocene_stage(vec![raw(&s, &cfg), sb(good())]);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(src.flushes, 1);
}

#[test]
fn rule_3_5_past_span_skipped_without_flush() {
    let cfg = holo();
    let s = span(l2_hash(48), vec![element(1202, 100, vec![]), element(1204, 100, vec![])]);
    let (mut stage, mut src) = holocene_stage(vec![raw(&s, &cfg), sb(good())]);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(src.flushes, 0);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()).unwrap().batch, good());
}

#[test]
fn rule_3_5_overlapping_span_skips_past_blocks() {
    // Holocene does not compare overlapped blocks: they are simply not handed out.
    let cfg = holo();
    let s = overlapping_span(vec![signed(9)], 100);
    let mut chain = safe_chain(&[vec![], vec![], vec![]]);
    let mut stage = BatchStage::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg)]);
    let next = stage.next_batch(&cfg, &mut src, &safe(), &mut chain).unwrap();
    assert_eq!((next.batch.timestamp, next.batch.parent_hash), (1206, safe().hash));
}

#[test]
fn rule_3_5_host_miss_keeps_span_for_retry() {
    let cfg = holo();
    let s = overlapping_span(vec![], 100);
    let mut stage = BatchStage::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg)]);
    let v = stage.next_batch(&cfg, &mut src, &safe(), &mut TestL2::default());
    assert_eq!(v, Err(PipelineError::Temporary(missing(48))));
    assert!(src.batches.is_empty(), "the span was read");
    let mut chain = safe_chain(&[vec![], vec![], vec![]]);
    let next = stage.next_batch(&cfg, &mut src, &safe(), &mut chain).unwrap();
    assert_eq!(next.batch.timestamp, 1206);
}

#[test]
fn rule_3_5_span_block_with_unbuffered_origin_is_drop() {
    // The stage moved its epoch to 101 after deriving all empty batches of epoch 100, while the
    // safe head is still in 100: a span block claiming epoch 100 has no buffered origin.
    let cfg = holo();
    let head = l2(50, 1210, 100);
    let mut stage = BatchStage::reset_at(l1(100));
    stage.tracker.l1_blocks = l1s(101..=102);
    stage.tracker.origin = l1(102);
    let s = span(head.hash, vec![element(1212, 100, vec![]), element(1214, 101, vec![])]);
    let mut src = TestSource::new(l1(102), [raw(&s, &cfg), sb(good())]);
    let v = stage.next_batch(&cfg, &mut src, &head, &mut TestL2::default());
    assert_eq!(v, Err(PipelineError::NotEnoughData));
    assert_eq!(src.flushes, 1);
}

#[test]
fn rule_3_5_drains_batches_at_the_safe_heads_origin() {
    // Source still at the safe head's origin: whatever it holds is past; drained.
    let mut stage = BatchStage::reset_at(l1(100));
    let mut src = TestSource::new(l1(100), [sb(good())]);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert!(src.batches.is_empty());
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::Eof));
}

#[test]
fn rule_3_5_epoch_mismatch_resets() {
    let mut stage = BatchStage::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [sb(good())]);
    let mut head = safe();
    head.l1_origin.hash = B256::repeat_byte(7);
    assert!(matches!(step_holo(&mut stage, &mut src, &head), Err(PipelineError::Reset(_))));
}

// ---------------------------------------------------------------- pre-Holocene batch queue

fn step_pre(
    q: &mut BatchQueue,
    src: &mut TestSource,
    safe: &L2BlockRef,
) -> Result<NextBatch, PipelineError> {
    q.next_batch(&pre(), src, safe, &mut TestL2::default())
}

#[test]
fn rule_3_3_1_queue_buffers_future_batches_until_their_turn() {
    let b2 = singular(1208, 100, l2_hash(51), vec![]);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [sb(b2.clone()), sb(good())]);
    // Reads the future batch, buffers it, nothing to hand out yet.
    assert_eq!(step_pre(&mut q, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(q.buffered(), 1);
    let first = step_pre(&mut q, &mut src, &safe()).unwrap();
    assert_eq!(first.batch, good());
    let head = applied(&safe(), &first.batch);
    let second = step_pre(&mut q, &mut src, &head).unwrap();
    assert_eq!(second.batch, b2);
    assert_eq!(q.buffered(), 0);
}

#[test]
fn rule_3_3_queue_drops_invalid_batches() {
    let bad = singular(1206, 100, B256::repeat_byte(1), vec![]);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [sb(bad), sb(good())]);
    assert_eq!(step_pre(&mut q, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(q.buffered(), 0, "dropped as it was read");
    assert_eq!(step_pre(&mut q, &mut src, &safe()).unwrap().batch, good());
    assert_eq!(src.flushes, 0, "no channel flush before Holocene");
}

#[test]
fn rule_3_4_queue_unrolls_accepted_span() {
    let cfg = pre();
    let s = span(
        safe().hash,
        vec![
            element(1206, 100, vec![signed(1)]),
            element(1208, 100, vec![]),
            element(1210, 100, vec![]),
            element(1212, 101, vec![]),
        ],
    );
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg)]);
    let mut head = safe();
    let mut lasts = Vec::new();
    for ts in [1206, 1208, 1210, 1212] {
        let next = step_pre(&mut q, &mut src, &head).unwrap();
        assert_eq!((next.batch.timestamp, next.batch.parent_hash), (ts, head.hash));
        lasts.push(next.is_last_in_span);
        head = applied(&head, &next.batch);
    }
    assert_eq!(lasts, vec![false, false, false, true]);
}

#[test]
fn rule_3_4_queue_discards_span_rest_when_a_block_was_not_applied() {
    let cfg = pre();
    let s = span(safe().hash, vec![element(1206, 100, vec![]), element(1208, 100, vec![])]);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg)]);
    let first = step_pre(&mut q, &mut src, &safe()).unwrap();
    assert!(!first.is_last_in_span);
    // The engine did not apply it: the safe head stays; the rest of the span is discarded.
    assert_eq!(step_pre(&mut q, &mut src, &safe()), Err(PipelineError::Eof));
}

#[test]
fn rule_3_3_5_queue_waits_on_undecided_batch() {
    // A batch adopting epoch 101 while only L1 #100 is known: undecided, kept.
    let head = l2(53, 1210, 100);
    let b = singular(1212, 101, head.hash, vec![tx()]);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(100), [sb(b.clone())]);
    assert_eq!(step_pre(&mut q, &mut src, &head), Err(PipelineError::NotEnoughData));
    assert_eq!(step_pre(&mut q, &mut src, &head), Err(PipelineError::Eof));
    assert_eq!(q.buffered(), 1);
    // L1 #101 arrives.
    src.origin = l1(101);
    assert_eq!(step_pre(&mut q, &mut src, &head).unwrap().batch, b);
}

// ---------------------------------------------------------------- §3.6 empty batches

#[test]
fn rule_3_6_no_empty_batch_inside_the_window() {
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), []);
    assert_eq!(step_pre(&mut q, &mut src, &safe()), Err(PipelineError::Eof));
}

/// A queue whose L1 view is #100..=#`to` with its source at `to`.
fn queue_at(to: u64) -> (BatchQueue, TestSource) {
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(100), []);
    for n in 101..=to {
        src.origin = l1(n);
        let _ = step_pre(&mut q, &mut src, &safe());
    }
    (q, src)
}

#[test]
fn rule_3_6_empty_batches_at_window_end_once_fully_read() {
    // Origin 110 == epoch 100 + SWS: only with the source out of data (it is, here).
    let (mut q, mut src) = queue_at(100 + SWS);
    let next = step_pre(&mut q, &mut src, &safe()).unwrap();
    assert_eq!(next.batch, singular(1206, 100, safe().hash, vec![]));
    assert!(next.is_last_in_span);
    // With data still to read at 110: no empty batch (the data is read first).
    let (mut q, mut src) = queue_at(100 + SWS);
    src.batches.push_back(sb(singular(1300, 100, safe().hash, vec![])));
    assert_eq!(step_pre(&mut q, &mut src, &safe()), Err(PipelineError::NotEnoughData));
}

#[test]
fn rule_3_6_empty_batches_fill_epoch_then_advance() {
    let (mut q, mut src) = queue_at(101 + SWS);
    let mut head = safe();
    let mut made = Vec::new();
    // Epoch 100 until L1 #101's time (1212), then epoch 101.
    while made.len() < 5 {
        match step_pre(&mut q, &mut src, &head) {
            Ok(next) => {
                assert!(next.batch.transactions.is_empty());
                assert_eq!(next.batch.parent_hash, head.hash);
                made.push((next.batch.timestamp, next.batch.epoch_num));
                head = applied(&head, &next.batch);
            }
            Err(PipelineError::Eof | PipelineError::NotEnoughData) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(made, vec![(1206, 100), (1208, 100), (1210, 100), (1212, 101), (1214, 101)]);
}

#[test]
fn rule_3_6_first_block_of_epoch_always_made() {
    // Epoch 101's next L1 block (#102, ts 1224) is already before the next L2 time: still one
    // block in epoch 101 so that no epoch is empty.
    let mut t = OriginTracker::reset_at(l1(101));
    t.l1_blocks = l1s(101..=112);
    t.origin = l1(112);
    let head = l2(60, 1230, 100);
    let b = t.derive_empty_batch(&pre(), false, &head).unwrap();
    assert_eq!((b.timestamp, b.epoch_num), (1232, 101));
    // Not first of epoch: the epoch moves on instead.
    let head = l2(61, 1232, 101);
    assert_eq!(t.derive_empty_batch(&pre(), false, &head), Err(PipelineError::Eof));
    assert_eq!(t.l1_blocks()[0].number, 102);
}

#[test]
fn rule_3_6_needs_the_next_epoch() {
    let mut t = OriginTracker::reset_at(l1(100));
    t.origin = l1(100 + SWS + 5);
    assert_eq!(t.derive_empty_batch(&pre(), true, &safe()), Err(PipelineError::Eof));
}

#[test]
fn rule_3_6_holocene_empty_batches() {
    let cfg = holo();
    let mut stage = BatchStage::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), []);
    let mut l2p = TestL2::default();
    for n in 101..=101 + SWS {
        src.origin = l1(n);
        let _ = stage.next_batch(&cfg, &mut src, &safe(), &mut l2p);
    }
    let next = stage.next_batch(&cfg, &mut src, &safe(), &mut l2p).unwrap();
    assert_eq!(next.batch, singular(1206, 100, safe().hash, vec![]));
}

// ---------------------------------------------------------------- mux

#[test]
fn batch_provider_picks_stage_by_holocene() {
    assert!(matches!(BatchProvider::new(&pre(), l1(100)), BatchProvider::Queue(_)));
    assert!(matches!(BatchProvider::new(&holo(), l1(100)), BatchProvider::Stage(_)));
    let mut p = BatchProvider::new(&pre(), l1(100));
    p.transform_holocene();
    let BatchProvider::Stage(s) = &p else { panic!("not transformed") };
    assert_eq!(s.tracker().l1_blocks(), &[l1(100)]);
    let mut src = TestSource::new(l1(101), [sb(good())]);
    let next = p.next_batch(&holo(), &mut src, &safe(), &mut TestL2::default()).unwrap();
    assert_eq!(next.batch, good());
}

#[test]
fn span_batch_before_delta_inclusion_is_discarded_on_read() {
    let cfg = RollupConfig { delta_time: Some(5000), ..pre() };
    let s = span(safe().hash, vec![element(1206, 100, vec![])]);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg)]);
    assert_eq!(
        q.next_batch(&cfg, &mut src, &safe(), &mut TestL2::default()),
        Err(PipelineError::NotEnoughData)
    );
    assert_eq!(q.buffered(), 0);
}

#[test]
fn malformed_span_batch_is_dropped_on_read() {
    // Counts that disagree with the columns: the span does not expand.
    let cfg = pre();
    let s = span(safe().hash, vec![element(1206, 100, vec![signed(1)])]);
    let Batch::Span(mut bad) = raw(&s, &cfg) else { unreachable!() };
    bad.payload.block_count = 2;
    let bad = Batch::Span(bad);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [bad.clone(), sb(good())]);
    assert_eq!(step_pre(&mut q, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(q.buffered(), 0);
    assert_eq!(step_pre(&mut q, &mut src, &safe()).unwrap().batch, good());
    // Holocene: skipped like op-node's channel reader does, without flushing the channel.
    let (mut stage, mut src) = holocene_stage(vec![bad, sb(good())]);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()), Err(PipelineError::NotEnoughData));
    assert_eq!(src.flushes, 0);
    assert_eq!(step_holo(&mut stage, &mut src, &safe()).unwrap().batch, good());
}

#[test]
fn rule_3_4_queue_host_miss_keeps_batch_for_retry() {
    let cfg = pre();
    let s = overlapping_span(vec![signed(1)], 100);
    let mut q = BatchQueue::reset_at(l1(100));
    let mut src = TestSource::new(l1(101), [raw(&s, &cfg)]);
    let v = q.next_batch(&cfg, &mut src, &safe(), &mut TestL2::default());
    assert_eq!(v, Err(PipelineError::Temporary(missing(48))));
    assert!(src.batches.is_empty(), "the span was read");
    let mut chain = safe_chain(&[vec![], vec![signed(1)], vec![]]);
    let next = q.next_batch(&cfg, &mut src, &safe(), &mut chain).unwrap();
    assert_eq!((next.batch.timestamp, next.is_last_in_span), (1206, false));
}
