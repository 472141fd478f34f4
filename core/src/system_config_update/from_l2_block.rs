//! Recovering the SystemConfig an L2 block was built with (checklist §5.3; op-node
//! `SystemConfigFromHeaderAndDeposit`).
//!
//! * batcher and L1 fee scalars: the L1-info deposit (tx 0), decoded in the layout of the
//!   block's fork. From the first block after Ecotone's activation block, the scalars are packed
//!   back into a version-1 `scalar` word and the overhead is 0; whether the L1 contract emitted
//!   a version-0 or version-1 scalar cannot be told from L2, and both give the same fees.
//! * `gasLimit`: the header.
//! * EIP-1559 parameters (Holocene) and `minBaseFee` (Jovian): the header's `extraData`
//!   (holocene/exec-engine.md, jovian/exec-engine.md). These are the values the engine used,
//!   so an L1 value of `0, 0` comes back as the chain's Canyon constants.
//! * operator fee (Isthmus) and DA footprint gas scalar (Jovian): the L1-info deposit, 0 in a
//!   fork's activation block, whose L1-info still has the previous layout. The DA scalar is the
//!   value written into L1-info, so an L1 value of 0 comes back as 400, which builds the same
//!   L1-info deposit.
//! * The genesis block has no L1-info deposit: its config is the rollup's genesis config.

use crate::config::{Eip1559Params, RollupConfig, SystemConfig};
use crate::deposit::{DepositError, decode_deposit};
use crate::l1_info::{EcotoneScalars, L1BlockInfo, L1InfoError, L1InfoFees};
use alloy_consensus::Header;
use alloy_primitives::B256;

/// Version byte of the 9-byte Holocene `extraData`.
pub const EXTRA_DATA_VERSION_HOLOCENE: u8 = 0;

/// Version byte of the 17-byte Jovian `extraData`.
pub const EXTRA_DATA_VERSION_JOVIAN: u8 = 1;

/// Why the SystemConfig cannot be recovered from an L2 block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SystemConfigRecoveryError {
    /// The block has the genesis number but not the genesis hash.
    #[error("L2 block {number} has hash {found}, but the rollup's genesis is {expected}")]
    GenesisHashMismatch {
        /// The block number (the genesis number).
        number: u64,
        /// The rollup's genesis hash.
        expected: B256,
        /// The block's hash.
        found: B256,
    },
    /// A non-genesis block without transactions: the L1-info deposit is missing.
    #[error("L2 block {0} has no L1-info deposit")]
    MissingL1InfoTx(u64),
    /// The first transaction is not a well-formed deposit.
    #[error("first transaction of the L2 block is not a deposit: {0}")]
    FirstTxNotDeposit(DepositError),
    /// The deposit's calldata is not the L1-info layout of the block's fork.
    #[error("L1-info deposit of the L2 block: {0}")]
    L1Info(L1InfoError),
    /// Before Holocene, `extraData` must be empty (the genesis block excepted).
    #[error("extraData must be empty before Holocene, got {0} bytes")]
    ExtraDataBeforeHolocene(usize),
    /// `extraData` does not have the length of the fork's format.
    #[error("{fork} extraData must be {expected} bytes, got {actual}")]
    ExtraDataLength {
        /// `"holocene"` or `"jovian"`.
        fork: &'static str,
        /// The format's length.
        expected: usize,
        /// The header's `extraData` length.
        actual: usize,
    },
    /// `extraData` has the wrong version byte for the fork.
    #[error("{fork} extraData version must be {expected}, got {found}")]
    ExtraDataVersion {
        /// `"holocene"` or `"jovian"`.
        fork: &'static str,
        /// The fork's version byte.
        expected: u8,
        /// The header's version byte.
        found: u8,
    },
    /// A header's EIP-1559 denominator or elasticity is zero (both must be non-zero).
    #[error(
        "extraData EIP-1559 parameters must be non-zero: denominator {denominator}, elasticity {elasticity}"
    )]
    ZeroEip1559Param {
        /// The denominator.
        denominator: u32,
        /// The elasticity.
        elasticity: u32,
    },
}

/// The header fields the recovery reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct L2HeaderFields<'a> {
    /// Block number.
    pub number: u64,
    /// Block hash; only compared with the genesis hash when `number` is the genesis number.
    pub hash: B256,
    /// Block timestamp: selects the L1-info layout and the `extraData` format.
    pub timestamp: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Header `extraData`.
    pub extra_data: &'a [u8],
}

impl<'a> L2HeaderFields<'a> {
    /// The fields of a full header; the hash is computed from it (keccak256 of its RLP).
    pub fn from_header(header: &'a Header) -> Self {
        Self {
            number: header.number,
            hash: header.hash_slow(),
            timestamp: header.timestamp,
            gas_limit: header.gas_limit,
            extra_data: header.extra_data.as_ref(),
        }
    }
}

/// Decodes the EIP-1559 parameters and minimum base fee from the `extraData` of the L2 block at
/// `timestamp`, validating the format of its fork:
/// * before Holocene: empty, giving unset parameters and 0;
/// * Holocene: `0x00 ++ denominator u32 ++ elasticity u32` (9 bytes), minimum base fee 0;
/// * Jovian: `0x01 ++ denominator u32 ++ elasticity u32 ++ minBaseFee u64` (17 bytes).
///
/// From Holocene both parameters must be non-zero. No exception is made for the genesis block
/// here: [`system_config_from_l2_block`] never reads a genesis header.
pub fn decode_extra_data(
    rollup: &RollupConfig,
    timestamp: u64,
    extra_data: &[u8],
) -> Result<(Eip1559Params, u64), SystemConfigRecoveryError> {
    let (fork, version, len) = if rollup.is_jovian_active(timestamp) {
        ("jovian", EXTRA_DATA_VERSION_JOVIAN, 17)
    } else if rollup.is_holocene_active(timestamp) {
        ("holocene", EXTRA_DATA_VERSION_HOLOCENE, 9)
    } else if extra_data.is_empty() {
        return Ok((Eip1559Params::default(), 0));
    } else {
        return Err(SystemConfigRecoveryError::ExtraDataBeforeHolocene(extra_data.len()));
    };
    let length_error = SystemConfigRecoveryError::ExtraDataLength {
        fork,
        expected: len,
        actual: extra_data.len(),
    };
    if extra_data.len() != len {
        return Err(length_error);
    }
    let (&found, rest) = extra_data.split_first().ok_or(length_error.clone())?;
    if found != version {
        return Err(SystemConfigRecoveryError::ExtraDataVersion { fork, expected: version, found });
    }
    let (params, rest) = rest.split_first_chunk::<8>().ok_or(length_error.clone())?;
    let params = Eip1559Params::from_u64(u64::from_be_bytes(*params));
    if params.denominator == 0 || params.elasticity == 0 {
        return Err(SystemConfigRecoveryError::ZeroEip1559Param {
            denominator: params.denominator,
            elasticity: params.elasticity,
        });
    }
    let min_base_fee = match rest.first_chunk::<8>() {
        Some(fee) => u64::from_be_bytes(*fee),
        None => 0,
    };
    Ok((params, min_base_fee))
}

/// Recovers the SystemConfig the L2 block `header` was built with, from its header and its
/// first transaction `first_tx` (the raw L1-info deposit; `None` if the block has no
/// transactions). See the module docs for where each field comes from.
///
/// The genesis block (by number) returns the rollup's genesis config after checking its hash;
/// its transactions and `extraData` are not read.
pub fn system_config_from_l2_block(
    rollup: &RollupConfig,
    header: &L2HeaderFields<'_>,
    first_tx: Option<&[u8]>,
) -> Result<SystemConfig, SystemConfigRecoveryError> {
    let genesis = &rollup.genesis;
    if header.number == genesis.l2.number {
        if header.hash != genesis.l2.hash {
            return Err(SystemConfigRecoveryError::GenesisHashMismatch {
                number: header.number,
                expected: genesis.l2.hash,
                found: header.hash,
            });
        }
        return Ok(genesis.system_config);
    }

    let raw = first_tx.ok_or(SystemConfigRecoveryError::MissingL1InfoTx(header.number))?;
    let deposit = decode_deposit(raw).map_err(SystemConfigRecoveryError::FirstTxNotDeposit)?;
    let info = L1BlockInfo::decode_for_l2_block(rollup, header.timestamp, &deposit.input)
        .map_err(SystemConfigRecoveryError::L1Info)?;

    let (overhead, scalar) = match (info.fees, info.ecotone_fees()) {
        (L1InfoFees::Bedrock { l1_fee_overhead, l1_fee_scalar }, _) => {
            (B256::from(l1_fee_overhead), B256::from(l1_fee_scalar))
        }
        (_, fees) => {
            let fees = fees.copied().unwrap_or_default();
            let scalars = EcotoneScalars {
                base_fee_scalar: fees.base_fee_scalar,
                blob_base_fee_scalar: fees.blob_base_fee_scalar,
            };
            (B256::ZERO, scalars.to_scalar())
        }
    };

    let (eip1559_params, min_base_fee) =
        decode_extra_data(rollup, header.timestamp, header.extra_data)?;

    let operator_fee = if rollup.is_isthmus_active(header.timestamp) {
        info.operator_fee().unwrap_or_default()
    } else {
        Default::default()
    };
    let da_footprint_gas_scalar = if rollup.is_jovian_active(header.timestamp) {
        info.da_footprint_gas_scalar().unwrap_or(0)
    } else {
        0
    };

    Ok(SystemConfig {
        batcher_address: info.batcher_address,
        overhead,
        scalar,
        gas_limit: header.gas_limit,
        eip1559_params,
        operator_fee_scalar: operator_fee.scalar,
        operator_fee_constant: operator_fee.constant,
        min_base_fee,
        da_footprint_gas_scalar,
    })
}
