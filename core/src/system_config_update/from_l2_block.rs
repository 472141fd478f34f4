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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BlockId;
    use crate::l1_info::{L1BlobSchedule, L1OriginInfo, l1_info_deposit_bytes};
    use alloc::vec::Vec;
    use alloy_primitives::{Bytes, U256, address};

    const ECOTONE: u64 = 2000;
    const HOLOCENE: u64 = 3000;
    const ISTHMUS: u64 = 4000;
    const JOVIAN: u64 = 5000;
    const GENESIS_HASH: B256 = B256::repeat_byte(0x22);

    /// A chain with Bedrock at genesis (time 1000) and every later fork 1000 s apart.
    fn rollup() -> RollupConfig {
        RollupConfig {
            genesis: crate::config::Genesis {
                l1: BlockId { number: 100, hash: B256::repeat_byte(0x11) },
                l2: BlockId { number: 0, hash: GENESIS_HASH },
                l2_time: 1000,
                system_config: SystemConfig {
                    batcher_address: address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985"),
                    overhead: B256::from(U256::from(188)),
                    scalar: B256::from(U256::from(684_000)),
                    gas_limit: 30_000_000,
                    ..Default::default()
                },
            },
            block_time: 2,
            regolith_time: Some(0),
            canyon_time: Some(0),
            delta_time: Some(0),
            ecotone_time: Some(ECOTONE),
            fjord_time: Some(ECOTONE),
            granite_time: Some(ECOTONE),
            holocene_time: Some(HOLOCENE),
            isthmus_time: Some(ISTHMUS),
            jovian_time: Some(JOVIAN),
            ..Default::default()
        }
    }

    /// The config an L1 contract would hold late in the chain's life.
    fn l1_config() -> SystemConfig {
        SystemConfig {
            batcher_address: address!("fc56e7272eebbba5bc6c544e159483c4a38f8ba3"),
            overhead: B256::ZERO,
            scalar: crate::l1_info::EcotoneScalars {
                base_fee_scalar: 1101,
                blob_base_fee_scalar: 659_851,
            }
            .to_scalar(),
            gas_limit: 60_000_000,
            eip1559_params: Eip1559Params { denominator: 50, elasticity: 4 },
            operator_fee_scalar: 7,
            operator_fee_constant: 9,
            min_base_fee: 200_000,
            da_footprint_gas_scalar: 312,
        }
    }

    fn l1_info_tx(rollup: &RollupConfig, cfg: &SystemConfig, l2_time: u64) -> Bytes {
        let origin = L1OriginInfo {
            number: 77,
            timestamp: l2_time - 10,
            base_fee: U256::from(1_000_000_000u64),
            hash: B256::repeat_byte(0x33),
            excess_blob_gas: None,
        };
        l1_info_deposit_bytes(rollup, &L1BlobSchedule::MAINNET, cfg, &origin, 1, l2_time).unwrap()
    }

    fn holocene_extra(d: u32, e: u32) -> Vec<u8> {
        let mut v = alloc::vec![EXTRA_DATA_VERSION_HOLOCENE];
        v.extend_from_slice(&d.to_be_bytes());
        v.extend_from_slice(&e.to_be_bytes());
        v
    }

    fn jovian_extra(d: u32, e: u32, min_base_fee: u64) -> Vec<u8> {
        let mut v = holocene_extra(d, e);
        v[0] = EXTRA_DATA_VERSION_JOVIAN;
        v.extend_from_slice(&min_base_fee.to_be_bytes());
        v
    }

    fn header(timestamp: u64, gas_limit: u64, extra_data: &[u8]) -> L2HeaderFields<'_> {
        L2HeaderFields {
            number: (timestamp - 1000) / 2,
            hash: B256::repeat_byte(0x44),
            timestamp,
            gas_limit,
            extra_data,
        }
    }

    fn recover(
        rollup: &RollupConfig,
        cfg: &SystemConfig,
        l2_time: u64,
        extra: &[u8],
    ) -> Result<SystemConfig, SystemConfigRecoveryError> {
        let tx = l1_info_tx(rollup, cfg, l2_time);
        system_config_from_l2_block(rollup, &header(l2_time, cfg.gas_limit, extra), Some(&tx))
    }

    #[test]
    fn rule_5_3_genesis_block_is_the_genesis_config() {
        let rollup = rollup();
        let h = L2HeaderFields {
            number: 0,
            hash: GENESIS_HASH,
            timestamp: 1000,
            gas_limit: 1,
            extra_data: b"anything",
        };
        assert_eq!(
            system_config_from_l2_block(&rollup, &h, None),
            Ok(rollup.genesis.system_config)
        );
        let wrong = L2HeaderFields { hash: B256::ZERO, ..h };
        assert_eq!(
            system_config_from_l2_block(&rollup, &wrong, None),
            Err(SystemConfigRecoveryError::GenesisHashMismatch {
                number: 0,
                expected: GENESIS_HASH,
                found: B256::ZERO
            })
        );
    }

    #[test]
    fn rule_5_3_bedrock_block_keeps_overhead_and_scalar() {
        let rollup = rollup();
        let cfg = rollup.genesis.system_config;
        assert_eq!(recover(&rollup, &cfg, 1500, &[]), Ok(cfg));
        // The Ecotone activation block still has the Bedrock layout.
        assert_eq!(recover(&rollup, &cfg, ECOTONE, &[]), Ok(cfg));
    }

    #[test]
    fn rule_5_3_ecotone_scalar_repacked_as_version_1() {
        let rollup = rollup();
        // A version-0 scalar on L1 comes back as the equivalent version-1 word, overhead 0.
        let cfg = rollup.genesis.system_config;
        let got = recover(&rollup, &cfg, ECOTONE + 2, &[]).unwrap();
        let mut v1 = [0u8; 32];
        v1[0] = 1;
        v1[28..].copy_from_slice(&684_000u32.to_be_bytes());
        assert_eq!(got, SystemConfig { overhead: B256::ZERO, scalar: B256::from(v1), ..cfg });
        // Rebuilding the L1-info deposit from the recovered config gives the same bytes.
        assert_eq!(l1_info_tx(&rollup, &got, ECOTONE + 4), l1_info_tx(&rollup, &cfg, ECOTONE + 4));
    }

    #[test]
    fn rule_5_3_extra_data_before_holocene_must_be_empty() {
        let rollup = rollup();
        let cfg = rollup.genesis.system_config;
        assert_eq!(
            recover(&rollup, &cfg, ECOTONE + 2, &holocene_extra(250, 6)),
            Err(SystemConfigRecoveryError::ExtraDataBeforeHolocene(9))
        );
        assert_eq!(
            recover(&rollup, &cfg, HOLOCENE - 2, &[0]),
            Err(SystemConfigRecoveryError::ExtraDataBeforeHolocene(1))
        );
    }

    #[test]
    fn rule_5_3_holocene_extra_data() {
        let rollup = rollup();
        let l1 = l1_config();
        // Pre-Isthmus: no operator fee, no min base fee, no DA scalar.
        let expected = SystemConfig {
            operator_fee_scalar: 0,
            operator_fee_constant: 0,
            min_base_fee: 0,
            da_footprint_gas_scalar: 0,
            ..l1
        };
        // The Holocene activation block already carries the new extraData.
        for t in [HOLOCENE, HOLOCENE + 2] {
            assert_eq!(recover(&rollup, &l1, t, &holocene_extra(50, 4)), Ok(expected), "{t}");
        }
        let t = HOLOCENE + 2;
        assert_eq!(
            recover(&rollup, &l1, t, &[]),
            Err(SystemConfigRecoveryError::ExtraDataLength {
                fork: "holocene",
                expected: 9,
                actual: 0
            })
        );
        assert_eq!(
            recover(&rollup, &l1, t, &jovian_extra(50, 4, 1)),
            Err(SystemConfigRecoveryError::ExtraDataLength {
                fork: "holocene",
                expected: 9,
                actual: 17
            })
        );
        let mut v1 = holocene_extra(50, 4);
        v1[0] = 1;
        assert_eq!(
            recover(&rollup, &l1, t, &v1),
            Err(SystemConfigRecoveryError::ExtraDataVersion {
                fork: "holocene",
                expected: 0,
                found: 1
            })
        );
        for (d, e) in [(0, 4), (50, 0), (0, 0)] {
            assert_eq!(
                recover(&rollup, &l1, t, &holocene_extra(d, e)),
                Err(SystemConfigRecoveryError::ZeroEip1559Param { denominator: d, elasticity: e })
            );
        }
    }

    #[test]
    fn rule_5_3_isthmus_operator_fee_from_l1_info() {
        let rollup = rollup();
        let l1 = l1_config();
        let extra = holocene_extra(50, 4);
        let pre_jovian = SystemConfig { min_base_fee: 0, da_footprint_gas_scalar: 0, ..l1 };
        // The Isthmus activation block has the Ecotone layout: operator fee 0.
        assert_eq!(
            recover(&rollup, &l1, ISTHMUS, &extra),
            Ok(SystemConfig { operator_fee_scalar: 0, operator_fee_constant: 0, ..pre_jovian })
        );
        assert_eq!(recover(&rollup, &l1, ISTHMUS + 2, &extra), Ok(pre_jovian));
    }

    #[test]
    fn rule_5_3_jovian_extra_data_and_da_scalar() {
        let rollup = rollup();
        let l1 = l1_config();
        let extra = jovian_extra(50, 4, 200_000);
        // The Jovian activation block: Jovian extraData but the Isthmus L1-info layout.
        assert_eq!(
            recover(&rollup, &l1, JOVIAN, &extra),
            Ok(SystemConfig { da_footprint_gas_scalar: 0, ..l1 })
        );
        assert_eq!(recover(&rollup, &l1, JOVIAN + 2, &extra), Ok(l1));
        // An L1 DA scalar of 0 is written as 400 and recovered as 400.
        let zero_da = SystemConfig { da_footprint_gas_scalar: 0, ..l1 };
        assert_eq!(
            recover(&rollup, &zero_da, JOVIAN + 2, &extra),
            Ok(SystemConfig { da_footprint_gas_scalar: 400, ..l1 })
        );
        let t = JOVIAN + 2;
        assert_eq!(
            recover(&rollup, &l1, t, &holocene_extra(50, 4)),
            Err(SystemConfigRecoveryError::ExtraDataLength {
                fork: "jovian",
                expected: 17,
                actual: 9
            })
        );
        let mut v0 = extra.clone();
        v0[0] = 0;
        assert_eq!(
            recover(&rollup, &l1, t, &v0),
            Err(SystemConfigRecoveryError::ExtraDataVersion {
                fork: "jovian",
                expected: 1,
                found: 0
            })
        );
        assert_eq!(
            recover(&rollup, &l1, t, &jovian_extra(0, 4, 1)),
            Err(SystemConfigRecoveryError::ZeroEip1559Param { denominator: 0, elasticity: 4 })
        );
        let mut long = extra;
        long.push(0);
        assert!(matches!(
            recover(&rollup, &l1, t, &long),
            Err(SystemConfigRecoveryError::ExtraDataLength { actual: 18, .. })
        ));
        // Minimum base fee 0 is a valid value.
        assert_eq!(
            recover(&rollup, &l1, t, &jovian_extra(50, 4, 0)),
            Ok(SystemConfig { min_base_fee: 0, ..l1 })
        );
    }

    #[test]
    fn rule_5_3_bad_first_transaction() {
        let rollup = rollup();
        let l1 = l1_config();
        let extra = jovian_extra(50, 4, 1);
        let h = header(JOVIAN + 2, 1, &extra);
        assert_eq!(
            system_config_from_l2_block(&rollup, &h, None),
            Err(SystemConfigRecoveryError::MissingL1InfoTx(h.number))
        );
        for raw in [&[][..], &[0x02, 0xc0][..], &[0x7e][..], &[0x7e, 0xc0][..]] {
            assert!(
                matches!(
                    system_config_from_l2_block(&rollup, &h, Some(raw)),
                    Err(SystemConfigRecoveryError::FirstTxNotDeposit(_))
                ),
                "{raw:?}"
            );
        }
        // An L1-info deposit in the layout of another fork.
        let isthmus_tx = l1_info_tx(&rollup, &l1, ISTHMUS + 2);
        assert!(matches!(
            system_config_from_l2_block(&rollup, &h, Some(&isthmus_tx)),
            Err(SystemConfigRecoveryError::L1Info(L1InfoError::WrongLength { .. }))
        ));
        // Truncations of a valid deposit never panic.
        let good = l1_info_tx(&rollup, &l1, JOVIAN + 2);
        for cut in 0..good.len() {
            assert!(system_config_from_l2_block(&rollup, &h, Some(&good[..cut])).is_err());
        }
    }

    #[test]
    fn rule_5_3_from_header() {
        let h = Header {
            number: 9,
            timestamp: 1018,
            gas_limit: 5,
            extra_data: Bytes::from_static(&[1, 2]),
            ..Default::default()
        };
        let f = L2HeaderFields::from_header(&h);
        assert_eq!((f.number, f.timestamp, f.gas_limit, f.extra_data), (9, 1018, 5, &[1u8, 2][..]));
        assert_eq!(f.hash, h.hash_slow());
    }
}
