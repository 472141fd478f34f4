//! Batch validity rules (checklist §3.3, §3.4; op-node `checkSingularBatch`,
//! `checkSpanBatchPrefix`, `checkSpanBatch`), in op-node's order: where two rules fail, the
//! first one decides the verdict.
//!
//! `l1_blocks` is the batch stage's window of L1 blocks: the safe head's L1 origin (the current
//! epoch) first, then every later L1 block read so far, consecutive.

use alloy_primitives::Bytes;

use super::{BatchValidity, BatchWithInclusion, DropReason, SpanBatch, StageBatch};
use crate::{
    batch::SingularBatch,
    config::{Fork, RollupConfig},
    derive::{L2Provider, PipelineError, types::L1BlockRef, types::L2BlockRef},
};

/// Type byte of a deposit transaction.
const DEPOSIT_TX_TYPE: u8 = 0x7E;
/// Type byte of an EIP-7702 SetCode transaction.
const SET_CODE_TX_TYPE: u8 = 0x04;

/// Checks a batch of either kind (op-node `CheckBatch`).
pub fn check_batch(
    cfg: &RollupConfig,
    l1_blocks: &[L1BlockRef],
    l2_safe_head: &L2BlockRef,
    batch: &BatchWithInclusion,
    l2: &mut impl L2Provider,
) -> Result<BatchValidity, PipelineError> {
    match &batch.batch {
        StageBatch::Singular(b) => {
            Ok(check_singular_batch(cfg, l1_blocks, l2_safe_head, b, &batch.inclusion_block))
        }
        StageBatch::Span(b) => {
            check_span_batch(cfg, l1_blocks, l2_safe_head, b, &batch.inclusion_block, l2)
        }
    }
}

/// Checks a singular batch against the safe head (§3.3, steps 1–10).
///
/// Holocene's rules (future → drop, past) apply by the inclusion block's time. Per §10 a
/// transaction type above 2 other than 4 is *not* dropped here (op-node does not check it).
pub fn check_singular_batch(
    cfg: &RollupConfig,
    l1_blocks: &[L1BlockRef],
    l2_safe_head: &L2BlockRef,
    batch: &SingularBatch,
    inclusion: &L1BlockRef,
) -> BatchValidity {
    let Some(epoch) = l1_blocks.first() else { return BatchValidity::Undecided };
    let holocene = cfg.is_holocene_active(inclusion.timestamp);
    let next = l2_safe_head.timestamp.saturating_add(cfg.block_time);
    let ts = batch.timestamp;

    // 1, 2: timestamp.
    if ts > next {
        return if holocene {
            BatchValidity::Drop(DropReason::FutureTimestamp { timestamp: ts, next })
        } else {
            BatchValidity::Future
        };
    }
    if ts < next {
        return if holocene {
            BatchValidity::Past
        } else {
            BatchValidity::Drop(DropReason::PastTimestamp { timestamp: ts, next })
        };
    }
    // 3: parent.
    if batch.parent_hash != l2_safe_head.hash {
        return BatchValidity::Drop(DropReason::ParentHashMismatch);
    }
    // 4: sequencing window.
    if batch.epoch_num.saturating_add(cfg.seq_window_size) < inclusion.number {
        return BatchValidity::Drop(DropReason::SequenceWindowExpired {
            epoch: batch.epoch_num,
            inclusion: inclusion.number,
        });
    }
    // 5: the batch's origin is the current epoch or the next one.
    let next_epoch = l1_blocks.get(1);
    let origin = if batch.epoch_num < epoch.number {
        return BatchValidity::Drop(DropReason::EpochTooOld {
            epoch: batch.epoch_num,
            minimum: epoch.number,
        });
    } else if batch.epoch_num == epoch.number {
        epoch
    } else if batch.epoch_num == epoch.number.saturating_add(1) {
        match next_epoch {
            Some(next_epoch) => next_epoch,
            None => return BatchValidity::Undecided,
        }
    } else {
        return BatchValidity::Drop(DropReason::EpochTooFarAhead {
            epoch: batch.epoch_num,
            maximum: epoch.number.saturating_add(1),
        });
    };
    // 6: epoch hash.
    if batch.epoch_hash != origin.hash {
        return BatchValidity::Drop(DropReason::EpochHashMismatch { epoch: batch.epoch_num });
    }
    // 7: L2 time never runs behind L1 time.
    if ts < origin.timestamp {
        return BatchValidity::Drop(DropReason::TimestampBeforeOrigin {
            timestamp: ts,
            origin_time: origin.timestamp,
        });
    }
    // 8: activation blocks carry only the upgrade's own transactions.
    if !batch.transactions.is_empty() && is_user_tx_free_activation_block(cfg, ts) {
        return BatchValidity::Drop(DropReason::ActivationBlockHasTxs { timestamp: ts });
    }
    // 9: sequencer drift. An empty batch may exceed it while it keeps the current epoch and the
    // next L1 block is still later than the batch.
    let max = origin.timestamp.saturating_add(cfg.max_sequencer_drift(origin.timestamp));
    if ts > max {
        if !batch.transactions.is_empty() {
            return BatchValidity::Drop(DropReason::SequencerDriftExceeded { timestamp: ts, max });
        }
        if origin.number == epoch.number {
            match next_epoch {
                None => return BatchValidity::Undecided,
                Some(n) if ts >= n.timestamp => {
                    return BatchValidity::Drop(DropReason::ShouldAdoptNextOrigin {
                        timestamp: ts,
                    });
                }
                Some(_) => {}
            }
        }
    }
    // 10: transactions.
    if let Some(reason) = check_transactions(cfg, ts, &batch.transactions) {
        return BatchValidity::Drop(reason);
    }
    BatchValidity::Accept
}

/// Whether the L2 block at `ts` is an activation block that must hold no user transactions:
/// Jovian's (spec), and Karst's and Interop's (op-node).
fn is_user_tx_free_activation_block(cfg: &RollupConfig, ts: u64) -> bool {
    [Fork::Jovian, Fork::Karst, Fork::Interop]
        .into_iter()
        .any(|fork| cfg.is_activation_block(fork, ts))
}

/// §3.3 step 10 for one block: no empty transaction, no deposit, no SetCode before Isthmus.
fn check_transactions(cfg: &RollupConfig, ts: u64, txs: &[Bytes]) -> Option<DropReason> {
    let isthmus = cfg.is_isthmus_active(ts);
    txs.iter().enumerate().find_map(|(index, tx)| match tx.first() {
        None => Some(DropReason::EmptyTransaction { index }),
        Some(&DEPOSIT_TX_TYPE) => Some(DropReason::DepositTransaction { index }),
        Some(&SET_CODE_TX_TYPE) if !isthmus => Some(DropReason::SetCodeBeforeIsthmus { index }),
        Some(_) => None,
    })
}

/// The span batch checks Holocene keeps (§3.4 steps 1–9).
///
/// On [`BatchValidity::Accept`] (and on drops after step 4) it also returns the span's parent:
/// the safe head, or the earlier safe block the span starts on when it overlaps the safe chain.
/// A host miss while looking that block up is returned as an error (op-node: undecided), so the
/// caller keeps the batch and retries.
pub fn check_span_batch_prefix(
    cfg: &RollupConfig,
    l1_blocks: &[L1BlockRef],
    l2_safe_head: &L2BlockRef,
    batch: &SpanBatch,
    inclusion: &L1BlockRef,
    l2: &mut impl L2Provider,
) -> Result<(BatchValidity, Option<L2BlockRef>), PipelineError> {
    let Some(epoch) = l1_blocks.first() else { return Ok((BatchValidity::Undecided, None)) };
    let (Some(first), Some(last)) = (batch.elements.first(), batch.elements.last()) else {
        return Ok((BatchValidity::Drop(DropReason::MalformedSpan), None));
    };
    let holocene = cfg.is_holocene_active(inclusion.timestamp);
    let start_epoch = first.epoch_num;

    // 1: the span's L1 origin must be from Delta on.
    let mut batch_origin = epoch;
    if start_epoch == epoch.number.saturating_add(1) {
        match l1_blocks.get(1) {
            Some(next) => batch_origin = next,
            None => return Ok((BatchValidity::Undecided, None)),
        }
    }
    if !cfg.is_delta_active(batch_origin.timestamp) {
        return Ok((BatchValidity::Drop(DropReason::SpanBeforeDelta), None));
    }

    // 2, 3: the span must reach exactly the next block and not start after it.
    let next = l2_safe_head.timestamp.saturating_add(cfg.block_time);
    if first.timestamp > next {
        let drop = DropReason::FutureTimestamp { timestamp: first.timestamp, next };
        let validity = if holocene { BatchValidity::Drop(drop) } else { BatchValidity::Future };
        return Ok((validity, None));
    }
    if last.timestamp < next {
        let validity = if holocene {
            BatchValidity::Past
        } else {
            BatchValidity::Drop(DropReason::PastTimestamp { timestamp: last.timestamp, next })
        };
        return Ok((validity, None));
    }

    // 4: an overlapping span must start right after an earlier safe block.
    let mut parent = *l2_safe_head;
    if first.timestamp < next {
        let misaligned =
            BatchValidity::Drop(DropReason::MisalignedTimestamp { timestamp: first.timestamp });
        if first.timestamp > l2_safe_head.timestamp {
            return Ok((misaligned, None));
        }
        let behind = l2_safe_head.timestamp - first.timestamp;
        if behind.checked_rem(cfg.block_time) != Some(0) {
            return Ok((misaligned, None));
        }
        let parent_num = behind
            .checked_div(cfg.block_time)
            .and_then(|blocks| l2_safe_head.number.checked_sub(blocks))
            .and_then(|n| n.checked_sub(1));
        let Some(parent_num) = parent_num else { return Ok((misaligned, None)) };
        parent = l2.l2_block_ref_by_number(parent_num)?;
    }
    // 5: parent check.
    if !batch.check_parent_hash(&parent.hash) {
        let drop = DropReason::ParentCheckMismatch { parent: parent.number };
        return Ok((BatchValidity::Drop(drop), Some(parent)));
    }
    // 6: sequencing window of the first block.
    if start_epoch.saturating_add(cfg.seq_window_size) < inclusion.number {
        let drop =
            DropReason::SequenceWindowExpired { epoch: start_epoch, inclusion: inclusion.number };
        return Ok((BatchValidity::Drop(drop), Some(parent)));
    }
    // 7: the first block's origin follows the parent's.
    let maximum = parent.l1_origin.number.saturating_add(1);
    if start_epoch > maximum {
        let drop = DropReason::EpochTooFarAhead { epoch: start_epoch, maximum };
        return Ok((BatchValidity::Drop(drop), Some(parent)));
    }
    // 8: the last block's origin is canonical.
    let end_epoch = last.epoch_num;
    match l1_blocks.iter().find(|b| b.number == end_epoch) {
        None => return Ok((BatchValidity::Undecided, Some(parent))),
        Some(block) if !batch.check_origin_hash(&block.hash) => {
            let drop = DropReason::OriginCheckMismatch { epoch: end_epoch };
            return Ok((BatchValidity::Drop(drop), Some(parent)));
        }
        Some(_) => {}
    }
    // 9: the first block's origin is not older than the parent's.
    if start_epoch < parent.l1_origin.number {
        let drop = DropReason::EpochTooOld { epoch: start_epoch, minimum: parent.l1_origin.number };
        return Ok((BatchValidity::Drop(drop), Some(parent)));
    }
    Ok((BatchValidity::Accept, Some(parent)))
}

/// The full pre-Holocene span batch check (§3.4 steps 1–10): the prefix, then every block
/// after the safe head against §3.3 steps 7, 9 and 10, then every overlapped block against the
/// safe chain (its L1 origin number and its non-deposit transactions, read through `l2`).
pub fn check_span_batch(
    cfg: &RollupConfig,
    l1_blocks: &[L1BlockRef],
    l2_safe_head: &L2BlockRef,
    batch: &SpanBatch,
    inclusion: &L1BlockRef,
    l2: &mut impl L2Provider,
) -> Result<BatchValidity, PipelineError> {
    let (validity, parent) =
        check_span_batch_prefix(cfg, l1_blocks, l2_safe_head, batch, inclusion, l2)?;
    let (BatchValidity::Accept, Some(parent)) = (validity, parent) else { return Ok(validity) };

    if let Some(v) = check_span_blocks(cfg, l1_blocks, l2_safe_head, batch, &parent) {
        return Ok(v);
    }
    check_overlap(cfg, l2_safe_head, batch, &parent, l2)
}

/// §3.4 step 10, first part: the blocks after the safe head. `None` if they all pass.
fn check_span_blocks(
    cfg: &RollupConfig,
    l1_blocks: &[L1BlockRef],
    l2_safe_head: &L2BlockRef,
    batch: &SpanBatch,
    parent: &L2BlockRef,
) -> Option<BatchValidity> {
    let start_epoch = batch.elements.first()?.epoch_num;
    let mut origin_idx = 0usize;
    let mut origin_advanced = start_epoch == parent.l1_origin.number.saturating_add(1);
    let mut prev_epoch: Option<u64> = None;
    for (i, block) in batch.elements.iter().enumerate() {
        let previous = prev_epoch.replace(block.epoch_num);
        if block.timestamp <= l2_safe_head.timestamp {
            continue;
        }
        // op-node searches forward from the last origin found; a block whose origin is not
        // buffered is checked against a zero L1 block, as there.
        let mut origin = L1BlockRef::default();
        if let Some((j, found)) =
            l1_blocks.iter().enumerate().skip(origin_idx).find(|(_, b)| b.number == block.epoch_num)
        {
            origin = *found;
            origin_idx = j;
        }
        if i > 0 {
            origin_advanced = previous.is_some_and(|p| block.epoch_num > p);
        }
        let ts = block.timestamp;
        if ts < origin.timestamp {
            let drop =
                DropReason::TimestampBeforeOrigin { timestamp: ts, origin_time: origin.timestamp };
            return Some(BatchValidity::Drop(drop));
        }
        let max = origin.timestamp.saturating_add(cfg.max_sequencer_drift(origin.timestamp));
        if ts > max {
            if !block.transactions.is_empty() {
                let drop = DropReason::SequencerDriftExceeded { timestamp: ts, max };
                return Some(BatchValidity::Drop(drop));
            }
            if !origin_advanced {
                match l1_blocks.get(origin_idx.saturating_add(1)) {
                    None => return Some(BatchValidity::Undecided),
                    Some(n) if ts >= n.timestamp => {
                        let drop = DropReason::ShouldAdoptNextOrigin { timestamp: ts };
                        return Some(BatchValidity::Drop(drop));
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(reason) = check_transactions(cfg, ts, &block.transactions) {
            return Some(BatchValidity::Drop(reason));
        }
    }
    None
}

/// §3.4 step 10, second part: each overlapped block must equal the safe block at its height.
fn check_overlap(
    cfg: &RollupConfig,
    l2_safe_head: &L2BlockRef,
    batch: &SpanBatch,
    parent: &L2BlockRef,
    l2: &mut impl L2Provider,
) -> Result<BatchValidity, PipelineError> {
    let next = l2_safe_head.timestamp.saturating_add(cfg.block_time);
    let Some(first) = batch.elements.first() else {
        return Ok(BatchValidity::Drop(DropReason::MalformedSpan));
    };
    if first.timestamp >= next {
        return Ok(BatchValidity::Accept);
    }
    let overlapped = l2_safe_head.number.saturating_sub(parent.number);
    for (i, number) in (1..=overlapped).filter_map(|k| parent.number.checked_add(k)).enumerate() {
        let mismatch = BatchValidity::Drop(DropReason::OverlapMismatch { number });
        let Some(block) = batch.elements.get(i) else { return Ok(mismatch) };
        let safe_txs = l2.transactions_by_number(number)?;
        let deposits = safe_txs.iter().filter(|tx| tx.first() == Some(&DEPOSIT_TX_TYPE)).count();
        let user_txs = safe_txs.get(deposits..).unwrap_or_default();
        if safe_txs.len() - deposits != block.transactions.len() || user_txs != block.transactions {
            return Ok(mismatch);
        }
        if l2.l2_block_ref_by_number(number)?.l1_origin.number != block.epoch_num {
            return Ok(mismatch);
        }
    }
    Ok(BatchValidity::Accept)
}
