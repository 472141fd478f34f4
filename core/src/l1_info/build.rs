//! Building the L1-info deposit of an L2 block (spec: deposits.md § L1 Attributes Deposited
//! Transaction; derivation.md § Building Individual Payload Attributes; checklist §4.4, §4.5).

use super::{
    EcotoneScalars, L1BlobSchedule, L1BlockInfo, L1InfoError, L1InfoFees, L1InfoFormat,
    OperatorFee, blob_fee::l1_info_blob_base_fee, da_footprint_gas_scalar_or_default,
    layout::EcotoneFees,
};
use crate::{
    config::{Fork, RollupConfig, SystemConfig},
    deposit::l1_info_source_hash,
};
use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, address};
use op_alloy_consensus::TxDeposit;

/// The L1-info depositor account, `from` of every L1-info deposit.
pub const L1_INFO_DEPOSITOR: Address = address!("deaddeaddeaddeaddeaddeaddeaddeaddead0001");
/// The `L1Block` predeploy, `to` of every L1-info deposit.
pub const L1_BLOCK_PREDEPLOY: Address = address!("4200000000000000000000000000000000000015");
/// L1-info deposit gas limit before Regolith (with `isSystemTx = true`).
pub const L1_INFO_GAS_PRE_REGOLITH: u64 = 150_000_000;
/// L1-info deposit gas limit from Regolith (with `isSystemTx = false`).
pub const L1_INFO_GAS_REGOLITH: u64 = 1_000_000;

/// What the L1-info deposit needs from the L2 block's L1 origin header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct L1OriginInfo {
    /// Block number.
    pub number: u64,
    /// Block timestamp.
    pub timestamp: u64,
    /// Base fee (0 for a pre-London header).
    pub base_fee: U256,
    /// Block hash.
    pub hash: B256,
    /// Excess blob gas; `None` for a pre-Cancun header.
    pub excess_blob_gas: Option<u64>,
}

impl L1OriginInfo {
    /// Takes the fields from a header with a known hash.
    pub fn from_header_with_hash(header: &Header, hash: B256) -> Self {
        Self {
            number: header.number,
            timestamp: header.timestamp,
            base_fee: U256::from(header.base_fee_per_gas.unwrap_or_default()),
            hash,
            excess_blob_gas: header.excess_blob_gas,
        }
    }

    /// Takes the fields from a header, hashing it (keccak256 of its RLP).
    pub fn from_header(header: &Header) -> Self {
        Self::from_header_with_hash(header, header.hash_slow())
    }
}

impl L1InfoFormat {
    /// The layout of the L1-info deposit in the L2 block at `l2_time`: that of the newest active
    /// fork, except that a fork's activation block still uses the previous layout (the `L1Block`
    /// contract is upgraded by that block's own upgrade transactions).
    pub fn for_l2_block(rollup: &RollupConfig, l2_time: u64) -> Self {
        let past = |fork: Fork| {
            rollup.is_fork_active(fork, l2_time) && !rollup.is_activation_block(fork, l2_time)
        };
        if past(Fork::Jovian) {
            L1InfoFormat::Jovian
        } else if past(Fork::Isthmus) {
            L1InfoFormat::Isthmus
        } else if past(Fork::Ecotone) {
            L1InfoFormat::Ecotone
        } else {
            L1InfoFormat::Bedrock
        }
    }
}

impl L1BlockInfo {
    /// The L1-info values for the L2 block at `l2_time` with L1 origin `origin` and sequence
    /// number `sequence_number`, from the attributes stage's `system_config` (already updated
    /// with the origin's receipts when the epoch changes).
    ///
    /// Fails only if the SystemConfig scalar has an unusable version (Ecotone layouts) or the
    /// blob schedule does not cover an origin with blob fields.
    pub fn for_l2_block(
        rollup: &RollupConfig,
        blob_schedule: &L1BlobSchedule,
        system_config: &SystemConfig,
        origin: &L1OriginInfo,
        sequence_number: u64,
        l2_time: u64,
    ) -> Result<Self, L1InfoError> {
        let format = L1InfoFormat::for_l2_block(rollup, l2_time);
        let fees = if format == L1InfoFormat::Bedrock {
            L1InfoFees::Bedrock {
                l1_fee_overhead: U256::from_be_bytes(system_config.overhead.0),
                l1_fee_scalar: U256::from_be_bytes(system_config.scalar.0),
            }
        } else {
            let scalars = EcotoneScalars::from_scalar(system_config.scalar)?;
            let ecotone = EcotoneFees {
                blob_base_fee: l1_info_blob_base_fee(
                    rollup,
                    blob_schedule,
                    origin.timestamp,
                    origin.excess_blob_gas,
                )?,
                base_fee_scalar: scalars.base_fee_scalar,
                blob_base_fee_scalar: scalars.blob_base_fee_scalar,
            };
            let operator_fee = OperatorFee {
                scalar: system_config.operator_fee_scalar,
                constant: system_config.operator_fee_constant,
            };
            match format {
                L1InfoFormat::Ecotone => L1InfoFees::Ecotone(ecotone),
                L1InfoFormat::Isthmus => L1InfoFees::Isthmus { ecotone, operator_fee },
                _ => L1InfoFees::Jovian {
                    ecotone,
                    operator_fee,
                    da_footprint_gas_scalar: da_footprint_gas_scalar_or_default(
                        system_config.da_footprint_gas_scalar,
                    ),
                },
            }
        };
        Ok(Self {
            number: origin.number,
            time: origin.timestamp,
            base_fee: origin.base_fee,
            block_hash: origin.hash,
            sequence_number,
            batcher_address: system_config.batcher_address,
            fees,
        })
    }

    /// The L1-info deposit carrying this value: from the depositor to the `L1Block` predeploy,
    /// mint and value 0, source hash from (L1 hash, sequence number); gas 1,000,000 and
    /// `isSystemTx = false` from Regolith, 150,000,000 and `true` before.
    pub fn to_deposit(&self, regolith_active: bool) -> TxDeposit {
        TxDeposit {
            source_hash: l1_info_source_hash(self.block_hash, self.sequence_number),
            from: L1_INFO_DEPOSITOR,
            to: TxKind::Call(L1_BLOCK_PREDEPLOY),
            mint: 0,
            value: U256::ZERO,
            gas_limit: if regolith_active {
                L1_INFO_GAS_REGOLITH
            } else {
                L1_INFO_GAS_PRE_REGOLITH
            },
            is_system_transaction: !regolith_active,
            input: self.encode(),
        }
    }

    /// Decodes the calldata of the L1-info deposit of the L2 block at `l2_time`, requiring the
    /// layout that block must use ([`L1InfoFormat::for_l2_block`]).
    pub fn decode_for_l2_block(
        rollup: &RollupConfig,
        l2_time: u64,
        calldata: &[u8],
    ) -> Result<Self, L1InfoError> {
        Self::decode_format(L1InfoFormat::for_l2_block(rollup, l2_time), calldata)
    }
}

/// The L1-info deposit transaction for the L2 block at `l2_time` (see
/// [`L1BlockInfo::for_l2_block`] and [`L1BlockInfo::to_deposit`]).
pub fn l1_info_deposit(
    rollup: &RollupConfig,
    blob_schedule: &L1BlobSchedule,
    system_config: &SystemConfig,
    origin: &L1OriginInfo,
    sequence_number: u64,
    l2_time: u64,
) -> Result<TxDeposit, L1InfoError> {
    let info = L1BlockInfo::for_l2_block(
        rollup,
        blob_schedule,
        system_config,
        origin,
        sequence_number,
        l2_time,
    )?;
    Ok(info.to_deposit(rollup.is_regolith_active(l2_time)))
}

/// [`l1_info_deposit`], encoded as the raw transaction that opens the payload's list.
pub fn l1_info_deposit_bytes(
    rollup: &RollupConfig,
    blob_schedule: &L1BlobSchedule,
    system_config: &SystemConfig,
    origin: &L1OriginInfo,
    sequence_number: u64,
    l2_time: u64,
) -> Result<Bytes, L1InfoError> {
    let tx =
        l1_info_deposit(rollup, blob_schedule, system_config, origin, sequence_number, l2_time)?;
    Ok(crate::deposit::encode_deposit(&tx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::b256;

    fn op() -> RollupConfig {
        RollupConfig::by_name("op-mainnet").unwrap()
    }

    fn origin() -> L1OriginInfo {
        L1OriginInfo {
            number: 19_655_712,
            timestamp: 1_713_121_139,
            base_fee: U256::from(10_445_852_825u64),
            hash: b256!("1c4c84c50740386c7dc081efddd644405f04cde73e30a2e381737acce9f5add3"),
            excess_blob_gas: Some(0),
        }
    }

    #[test]
    fn rule_4_5_format_by_fork_with_activation_blocks() {
        let c = op();
        let ecotone = 1_710_374_401; // an activation block (odd, like all OP Mainnet blocks)
        let isthmus = 1_746_806_401;
        let jovian = 1_764_691_201;
        let cases = [
            (ecotone - 2, L1InfoFormat::Bedrock),
            (ecotone, L1InfoFormat::Bedrock),
            (ecotone + 2, L1InfoFormat::Ecotone),
            (isthmus, L1InfoFormat::Ecotone),
            (isthmus + 2, L1InfoFormat::Isthmus),
            (jovian, L1InfoFormat::Isthmus),
            (jovian + 2, L1InfoFormat::Jovian),
        ];
        for (t, f) in cases {
            assert_eq!(L1InfoFormat::for_l2_block(&c, t), f, "t={t}");
        }
        // Forks active at genesis have no activation block: the first block uses their layout.
        let mut g = op();
        g.ecotone_time = Some(0);
        g.isthmus_time = Some(0);
        g.jovian_time = Some(0);
        assert_eq!(L1InfoFormat::for_l2_block(&g, g.genesis.l2_time + 2), L1InfoFormat::Jovian);
    }

    #[test]
    fn rule_4_4_l1_info_deposit_fields() {
        let c = op();
        let sys = SystemConfig {
            batcher_address: Address::repeat_byte(7),
            scalar: EcotoneScalars { base_fee_scalar: 1368, blob_base_fee_scalar: 810_949 }
                .to_scalar(),
            ..Default::default()
        };
        let l2_time = 1_713_121_141;
        let tx =
            l1_info_deposit(&c, &L1BlobSchedule::MAINNET, &sys, &origin(), 5, l2_time).unwrap();
        assert_eq!(tx.from, L1_INFO_DEPOSITOR);
        assert_eq!(tx.to, TxKind::Call(L1_BLOCK_PREDEPLOY));
        assert_eq!((tx.mint, tx.value), (0, U256::ZERO));
        assert_eq!((tx.gas_limit, tx.is_system_transaction), (1_000_000, false));
        assert_eq!(tx.source_hash, l1_info_source_hash(origin().hash, 5));
        let info = L1BlockInfo::decode(&tx.input).unwrap();
        assert_eq!(info.format(), L1InfoFormat::Ecotone);
        assert_eq!(info.batcher_address, Address::repeat_byte(7));
        assert_eq!(info.ecotone_fees().unwrap().blob_base_fee, U256::from(1));
        assert_eq!(L1BlockInfo::decode_for_l2_block(&c, l2_time, &tx.input), Ok(info));
        assert_eq!(
            L1BlockInfo::decode_for_l2_block(&c, 1_764_691_203, &tx.input),
            Err(L1InfoError::WrongLength {
                format: L1InfoFormat::Jovian,
                expected: 178,
                actual: 164
            })
        );
    }

    #[test]
    fn rule_4_4_pre_regolith_gas_and_system_flag() {
        let mut c = op();
        c.regolith_time = None;
        c.ecotone_time = None;
        let sys = SystemConfig {
            overhead: B256::with_last_byte(188),
            scalar: B256::from(U256::from(684_000)),
            ..Default::default()
        };
        let tx = l1_info_deposit(&c, &L1BlobSchedule::MAINNET, &sys, &origin(), 0, 1_700_000_001)
            .unwrap();
        assert_eq!((tx.gas_limit, tx.is_system_transaction), (150_000_000, true));
        let info = L1BlockInfo::decode(&tx.input).unwrap();
        assert_eq!(
            info.fees,
            L1InfoFees::Bedrock {
                l1_fee_overhead: U256::from(188),
                l1_fee_scalar: U256::from(684_000)
            }
        );
    }

    #[test]
    fn rule_4_5_jovian_da_scalar_zero_written_as_400() {
        let c = op();
        let sys =
            SystemConfig { operator_fee_scalar: 3, operator_fee_constant: 4, ..Default::default() };
        let t = 1_764_691_203;
        let mut o = origin();
        o.timestamp = 1_764_691_000;
        let info = L1BlockInfo::for_l2_block(&c, &L1BlobSchedule::MAINNET, &sys, &o, 1, t).unwrap();
        assert_eq!(info.da_footprint_gas_scalar(), Some(400));
        assert_eq!(info.operator_fee(), Some(OperatorFee { scalar: 3, constant: 4 }));
        // The Jovian activation block uses the Isthmus layout, which has no DA scalar.
        let info =
            L1BlockInfo::for_l2_block(&c, &L1BlobSchedule::MAINNET, &sys, &o, 1, t - 2).unwrap();
        assert_eq!(info.format(), L1InfoFormat::Isthmus);
    }

    #[test]
    fn rule_4_5_bad_scalar_version_is_an_error_after_ecotone_only() {
        let c = op();
        let mut word = [0u8; 32];
        word[0] = 2;
        let sys = SystemConfig { scalar: B256::from(word), ..Default::default() };
        let s = L1BlobSchedule::MAINNET;
        assert_eq!(
            L1BlockInfo::for_l2_block(&c, &s, &sys, &origin(), 0, 1_713_121_141),
            Err(L1InfoError::UnknownScalarVersion(2))
        );
        // Bedrock layout copies the word verbatim.
        assert!(L1BlockInfo::for_l2_block(&c, &s, &sys, &origin(), 0, 1_710_374_401).is_ok());
    }

    #[test]
    fn origin_from_header() {
        let header = Header {
            number: 5,
            timestamp: 6,
            base_fee_per_gas: Some(7),
            excess_blob_gas: Some(8),
            ..Default::default()
        };
        let o = L1OriginInfo::from_header(&header);
        assert_eq!(o.hash, header.hash_slow());
        assert_eq!(
            (o.number, o.timestamp, o.base_fee, o.excess_blob_gas),
            (5, 6, U256::from(7), Some(8))
        );
        let legacy = L1OriginInfo::from_header(&Header::default());
        assert_eq!((legacy.base_fee, legacy.excess_blob_gas), (U256::ZERO, None));
    }
}
