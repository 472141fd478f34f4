//! The derivation pipeline: L1 data in, L2 payload attributes out.
//!
//! # Design: a deterministic core behind synchronous host traits
//!
//! The pipeline does no I/O. It reads the world through the traits in [`host`]
//! ([`L1Provider`], [`BlobProvider`], [`L2Provider`]), which are synchronous: a fault-proof guest
//! answers them from its preimage oracle, tests from in-memory fixtures. Hosts that must fetch
//! asynchronously (native RPC under tokio, a browser's `fetch`) keep a cache in front of the
//! trait and answer a miss with [`ProviderError::Missing`]; the pipeline surfaces it as a
//! temporary error naming the key, the driver fetches it and steps again. Stages are
//! resumable, so a retried step continues where it stopped and yields the same result. This is
//! revm's model (sync core, async hosts) and keeps derivation bit-for-bit identical everywhere.
//!
//! # Driver contract
//!
//! [`StepOutcome`] and [`PipelineError`] mirror op-node's driver: attributes ready or origin
//! advanced (progress), `Eof` (idle: wait for the next L1 block), `Temporary` (retry, with
//! backoff), `Reset` (e.g. an L1 reorg: reset the pipeline and find the sync start), `Critical`
//! (stop), `NotEnoughData` (step again at once).

pub mod attributes;
pub mod batch;
pub mod batch_source;
pub mod channel_reader;
pub mod channel_stage;
pub mod error;
pub mod frame_queue;
pub mod host;
pub mod offline;
pub mod pipeline;
pub mod retrieval;
pub mod synthetic;
pub mod traversal;
pub mod types;
pub mod upgrades;

pub use error::{PipelineError, ProviderError, StepOutcome};
pub use host::{BlobProvider, L1Provider, L2Provider};
pub use types::{L1BlockRef, L2BlockRef};
