//! Step outcomes and errors: the driver's contract (op-node's driver event loop).

use alloc::string::String;
use alloy_primitives::B256;

use super::types::L1BlockRef;

/// What a host could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The host does not have this item yet; fetch it and step again (temporary).
    #[error("{what} {key} not available yet")]
    Missing {
        /// Kind of item (`"l1 block"`, `"receipts"`, `"blob"`, ...).
        what: &'static str,
        /// Its number or hash, for the host to fetch.
        key: DataKey,
    },
    /// The source failed in a way a retry may fix (network, rate limit).
    #[error("temporary provider failure: {0}")]
    Temporary(String),
    /// The source returned data that contradicts itself or the chain (e.g. a blob that does not
    /// match its versioned hash, receipts that do not match the header).
    #[error("provider returned invalid data: {0}")]
    Invalid(String),
}

/// Identifies a missing item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKey {
    /// A block number.
    Number(u64),
    /// A block hash, blob versioned hash or other 32-byte key.
    Hash(B256),
}

impl core::fmt::Display for DataKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Number(n) => write!(f, "#{n}"),
            Self::Hash(h) => write!(f, "{h}"),
        }
    }
}

/// Why a step did not make progress.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    /// No more L1 data for now: wait for the next L1 block (idle).
    #[error("end of L1 data")]
    Eof,
    /// A stage consumed input without producing output: step again at once.
    #[error("not enough data yet")]
    NotEnoughData,
    /// Retry later, with backoff.
    #[error("temporary: {0}")]
    Temporary(ProviderError),
    /// The pipeline's view is inconsistent with L1 (a reorg): reset and find the sync start.
    #[error("reset required: {0}")]
    Reset(ResetReason),
    /// Unrecoverable: stop the node.
    #[error("critical: {0}")]
    Critical(String),
}

/// Why the pipeline must reset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResetReason {
    /// The next L1 block does not build on the current one.
    #[error("L1 reorg: block {number} has parent {parent}, expected {expected}")]
    L1Reorg {
        /// The new block's number.
        number: u64,
        /// Its parent hash.
        parent: B256,
        /// The hash of the block the pipeline is on.
        expected: B256,
    },
    /// The next epoch does not build on the current L2 head's origin.
    #[error("L1 origin {origin} does not build on the L2 parent's origin {parent_origin}")]
    OriginMismatch {
        /// The new origin.
        origin: B256,
        /// The L2 parent's origin.
        parent_origin: B256,
    },
    /// The L2 block would be older than its L1 origin.
    #[error("L2 timestamp {l2_time} is before its L1 origin {origin}'s time {origin_time}")]
    TimeBeforeOrigin {
        /// The L2 block's timestamp.
        l2_time: u64,
        /// The L1 origin's hash.
        origin: B256,
        /// The L1 origin's timestamp.
        origin_time: u64,
    },
    /// The engine rejected the forkchoice the pipeline derived.
    #[error("engine forkchoice error: {0}")]
    Forkchoice(String),
}

impl From<ProviderError> for PipelineError {
    fn from(e: ProviderError) -> Self {
        match e {
            ProviderError::Invalid(msg) => Self::Critical(msg),
            other => Self::Temporary(other),
        }
    }
}

/// Progress a step made.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// New payload attributes are ready for the engine.
    AttributesReady,
    /// The pipeline moved to a new L1 origin.
    OriginAdvanced(L1BlockRef),
}
