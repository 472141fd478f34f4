//! The L1-info (L1 attributes) deposit that opens every L2 block: its calldata layouts
//! (Bedrock, Ecotone, Isthmus, Jovian), the fee scalars and blob base fee it carries, and the
//! deposit transaction itself (spec: deposits.md § L1 Attributes Deposited Transaction;
//! ecotone/isthmus/jovian l1-attributes.md; checklist §4.4–§4.6).
//!
//! * [`L1BlockInfo`] encodes and decodes the calldata ([`L1BlockInfo::decode`] by selector,
//!   [`L1BlockInfo::decode_for_l2_block`] requiring the layout the block's fork prescribes).
//! * [`L1BlockInfo::for_l2_block`] / [`l1_info_deposit`] build it from the rollup config, the
//!   L1 origin, the SystemConfig and the sequence number.
//! * The layout follows the L2 block's timestamp; a fork's activation block keeps the previous
//!   layout ([`L1InfoFormat::for_l2_block`]).

mod blob_fee;
mod build;
mod layout;
mod scalars;

pub use blob_fee::{
    BPO1_BLOB_UPDATE_FRACTION, BPO2_BLOB_UPDATE_FRACTION, BlobFeeStep, CANCUN_BLOB_UPDATE_FRACTION,
    L1BlobSchedule, PRAGUE_BLOB_UPDATE_FRACTION, blob_base_fee, l1_info_blob_base_fee,
};
pub use build::{
    L1_BLOCK_PREDEPLOY, L1_INFO_DEPOSITOR, L1_INFO_GAS_PRE_REGOLITH, L1_INFO_GAS_REGOLITH,
    L1OriginInfo, l1_info_deposit, l1_info_deposit_bytes,
};
pub use layout::{EcotoneFees, L1BlockInfo, L1InfoFees, L1InfoFormat, OperatorFee};
pub use scalars::{
    DA_FOOTPRINT_GAS_SCALAR_DEFAULT, EcotoneScalars, da_footprint_gas_scalar_or_default,
};

use alloy_primitives::FixedBytes;

/// Why L1-info calldata cannot be decoded, or the L1-info deposit cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum L1InfoError {
    /// The calldata is shorter than a 4-byte selector.
    #[error("L1-info calldata of {0} bytes has no selector")]
    MissingSelector(usize),
    /// The selector is not one of the four L1-info setters.
    #[error("unknown L1-info selector {0}")]
    UnknownSelector(FixedBytes<4>),
    /// The calldata length is not the exact length of its layout.
    #[error("{format} L1-info calldata must be {expected} bytes, got {actual}")]
    WrongLength {
        /// The layout named by the selector (or required by the block).
        format: L1InfoFormat,
        /// Its length.
        expected: usize,
        /// The calldata's length.
        actual: usize,
    },
    /// The calldata's selector is not that of the layout the L2 block requires.
    #[error("L2 block requires {expected} L1-info calldata, found selector of {found:?}")]
    WrongFormat {
        /// The layout the block's fork prescribes.
        expected: L1InfoFormat,
        /// The layout the selector names, if any.
        found: Option<L1InfoFormat>,
    },
    /// An ABI word has non-zero bytes where a narrower value must be zero-padded.
    #[error("non-zero padding in L1-info field {field}")]
    NonZeroPadding {
        /// The field's name in the spec.
        field: &'static str,
    },
    /// The SystemConfig scalar has a version other than 0 or 1.
    #[error("unknown SystemConfig scalar version {0}")]
    UnknownScalarVersion(u8),
    /// A version-1 SystemConfig scalar has non-zero padding bytes.
    #[error("SystemConfig scalar version {version} has non-zero padding")]
    ScalarPaddingNotEmpty {
        /// The scalar's version byte.
        version: u8,
    },
    /// The L1 origin has blob fields but the blob schedule has no fraction at its time.
    #[error("no L1 blob fee update fraction known at L1 time {l1_time}")]
    NoBlobScheduleAt {
        /// The L1 origin's timestamp.
        l1_time: u64,
    },
    /// A custom blob schedule is unusable.
    #[error("invalid L1 blob schedule: {0}")]
    InvalidBlobSchedule(&'static str),
}
