//! The derivation pipeline: every stage composed behind one `step()` (op-node's
//! `DerivationPipeline` driven by its event loop).
//!
//! ```text
//! L1Traversal -> BatchSource (retrieval, frames, channels, channel reader)
//!             -> BatchProvider (pre-Holocene queue / Holocene stage)
//!             -> AttributesBuilder -> AttributesWithParent
//! ```
//!
//! The driver calls [`DerivationPipeline::step`] with the hosts and the current L2 safe head.
//! On [`StepOutcome::AttributesReady`] it takes the attributes with
//! [`DerivationPipeline::take_attributes`], has them executed (or, offline, appended to a
//! [`super::synthetic::SyntheticL2`]) and passes the new safe head to the next step.

use alloy_eips::BlockNumHash;

use super::{
    attributes::{AttributesBuilder, AttributesWithParent, with_batch_transactions},
    batch::{BatchProvider, BatchSource as BatchStageSource, NextBatch},
    batch_source::BatchSource,
    error::{PipelineError, StepOutcome},
    host::{BlobProvider, L1Provider, L2Provider},
    traversal::L1Traversal,
    types::{L1BlockRef, L2BlockRef},
};
use crate::{
    batch::Batch,
    config::{RollupConfig, SystemConfig},
    l1_info::L1BlobSchedule,
};

/// The whole derivation pipeline.
#[derive(Debug)]
pub struct DerivationPipeline {
    cfg: RollupConfig,
    attributes: AttributesBuilder,
    traversal: L1Traversal,
    source: BatchSource,
    batches: BatchProvider,
    /// The attributes stage's copy of the system config (the one the safe head was built with).
    system_config: SystemConfig,
    /// A batch taken from the batch stage whose attributes are not built yet (kept across a
    /// temporary error so it is not lost).
    pending: Option<(NextBatch, L1BlockRef)>,
    ready: Option<AttributesWithParent>,
}

/// Inputs to start (or reset) a pipeline.
#[derive(Clone, Debug)]
pub struct PipelineStart {
    /// The L1 block to start reading at (the pipeline base).
    pub l1_origin: L1BlockRef,
    /// The system config in force at that L1 block (authenticates batchers).
    pub l1_system_config: SystemConfig,
    /// The system config the L2 safe head was built with.
    pub l2_system_config: SystemConfig,
}

impl DerivationPipeline {
    /// A pipeline for `cfg` on an L1 with `blob_schedule`, starting at `start`.
    pub fn new(cfg: RollupConfig, blob_schedule: L1BlobSchedule, start: PipelineStart) -> Self {
        let origin = start.l1_origin;
        Self {
            attributes: AttributesBuilder::new(cfg.clone(), blob_schedule),
            traversal: L1Traversal::new(origin, start.l1_system_config),
            source: BatchSource::new(&cfg, origin),
            batches: BatchProvider::new(&cfg, origin),
            system_config: start.l2_system_config,
            pending: None,
            ready: None,
            cfg,
        }
    }

    /// Empties every stage and restarts at `start` (after a reset signal).
    pub fn reset(&mut self, start: PipelineStart) {
        let origin = start.l1_origin;
        self.traversal = L1Traversal::new(origin, start.l1_system_config);
        self.source.clear(&self.cfg, origin);
        self.batches.reset(&self.cfg, origin);
        self.system_config = start.l2_system_config;
        self.pending = None;
        self.ready = None;
    }

    /// The rollup config.
    pub fn rollup_config(&self) -> &RollupConfig {
        &self.cfg
    }

    /// The L1 block the pipeline is reading.
    pub fn origin(&self) -> L1BlockRef {
        self.traversal.origin()
    }

    /// The attributes stage's system config (after the last attributes built).
    pub fn system_config(&self) -> &SystemConfig {
        &self.system_config
    }

    /// Counters of the front half (channels, batches, retrieval).
    pub fn source(&self) -> &BatchSource {
        &self.source
    }

    /// Takes the attributes produced by the last [`StepOutcome::AttributesReady`].
    pub fn take_attributes(&mut self) -> Option<AttributesWithParent> {
        self.ready.take()
    }

    /// Runs the pipeline until it produces attributes on `safe_head`, moves to a new L1 block,
    /// or cannot go on (see [`PipelineError`] for what the driver does then).
    ///
    /// Attributes not yet taken are returned again as ready.
    pub fn step(
        &mut self,
        l1: &mut impl L1Provider,
        blobs: &mut impl BlobProvider,
        l2: &mut impl L2Provider,
        safe_head: &L2BlockRef,
    ) -> Result<StepOutcome, PipelineError> {
        if self.ready.is_some() {
            return Ok(StepOutcome::AttributesReady);
        }
        loop {
            if let Some((next, derived_from)) = self.pending.take() {
                return self.build_attributes(l1, safe_head, next, derived_from);
            }
            let mut stage_source = StageSource {
                source: &mut self.source,
                cfg: &self.cfg,
                system_config: self.traversal.system_config(),
                l1: &mut *l1,
                blobs: &mut *blobs,
            };
            match self.batches.next_batch(&self.cfg, &mut stage_source, safe_head, l2) {
                Ok(next) => self.pending = Some((next, self.source.origin())),
                Err(PipelineError::NotEnoughData) => {}
                Err(PipelineError::Eof) => return self.advance_origin(l1),
                Err(e) => return Err(e),
            }
        }
    }

    fn build_attributes(
        &mut self,
        l1: &mut impl L1Provider,
        safe_head: &L2BlockRef,
        next: NextBatch,
        derived_from: L1BlockRef,
    ) -> Result<StepOutcome, PipelineError> {
        let batch = &next.batch;
        let epoch = BlockNumHash { number: batch.epoch_num, hash: batch.epoch_hash };
        let prepared = self.attributes.prepare_payload_attributes(
            l1,
            &mut self.system_config,
            safe_head,
            epoch,
            batch.timestamp,
        );
        let attributes = match prepared {
            Ok(attributes) => attributes,
            Err(e) => {
                if matches!(e, PipelineError::Temporary(_)) {
                    // Keep the batch: a retry must build the same attributes.
                    self.pending = Some((next, derived_from));
                }
                return Err(e);
            }
        };
        let attributes = with_batch_transactions(attributes, next.batch.transactions);
        self.ready = Some(AttributesWithParent {
            attributes,
            parent: *safe_head,
            derived_from: Some(derived_from),
            is_last_in_span: next.is_last_in_span,
        });
        Ok(StepOutcome::AttributesReady)
    }

    fn advance_origin(&mut self, l1: &mut impl L1Provider) -> Result<StepOutcome, PipelineError> {
        let next = self.traversal.advance(l1, &self.cfg)?;
        if self.source.on_new_origin(&self.cfg, next) {
            // Holocene activation: buffered batches are discarded with frames and channels.
            self.batches.transform_holocene();
        }
        Ok(StepOutcome::OriginAdvanced(next))
    }
}

/// The front half as the batch stage reads it: borrows the hosts for one step.
struct StageSource<'a, L1, B> {
    source: &'a mut BatchSource,
    cfg: &'a RollupConfig,
    system_config: &'a SystemConfig,
    l1: &'a mut L1,
    blobs: &'a mut B,
}

impl<L1: L1Provider, B: BlobProvider> BatchStageSource for StageSource<'_, L1, B> {
    fn origin(&self) -> L1BlockRef {
        self.source.origin()
    }

    fn next_batch(&mut self) -> Result<Batch, PipelineError> {
        self.source.next_batch(self.cfg, self.system_config, self.l1, self.blobs).map(|(b, _)| b)
    }

    fn flush_channel(&mut self) {
        self.source.flush_channel();
    }
}
