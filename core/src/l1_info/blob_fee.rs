//! The L1 blob base fee written into L1-info calldata (spec: ecotone/l1-attributes.md §
//! Overview; pectra-blob-schedule/derivation.md; checklist §4.5).
//!
//! `blobBaseFee = fake_exponential(1, excessBlobGas, F)` (EIP-4844), where the update fraction
//! `F` is set by the L1 fork active at the L1 origin's timestamp. L1's fork times are not in the
//! rollup config, so the caller passes an [`L1BlobSchedule`]; mainnet and Sepolia are built in.

use super::L1InfoError;
use crate::config::RollupConfig;
use alloc::{borrow::Cow, vec::Vec};
use alloy_eips::{eip4844, eip7691, eip7892};
use alloy_primitives::U256;
use core::num::NonZeroU64;

/// `BLOB_BASE_FEE_UPDATE_FRACTION` from Cancun (EIP-4844): 3,338,477.
pub const CANCUN_BLOB_UPDATE_FRACTION: u64 = eip4844::BLOB_GASPRICE_UPDATE_FRACTION as u64;
/// From Prague (EIP-7691), unchanged by Osaka: 5,007,716.
pub const PRAGUE_BLOB_UPDATE_FRACTION: u64 = eip7691::BLOB_GASPRICE_UPDATE_FRACTION_PECTRA as u64;
/// From BPO1 (EIP-7892 schedule): 8,346,193.
pub const BPO1_BLOB_UPDATE_FRACTION: u64 = eip7892::BPO1_BASE_UPDATE_FRACTION;
/// From BPO2: 11,684,671.
pub const BPO2_BLOB_UPDATE_FRACTION: u64 = eip7892::BPO2_BASE_UPDATE_FRACTION;

/// One L1 fork that sets the blob base fee update fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlobFeeStep {
    /// L1 timestamp from which the fraction applies.
    pub activation_time: u64,
    /// `BLOB_BASE_FEE_UPDATE_FRACTION` from then on.
    pub update_fraction: u64,
}

const fn step(activation_time: u64, update_fraction: u64) -> BlobFeeStep {
    BlobFeeStep { activation_time, update_fraction }
}

/// The blob base fee update fractions of an L1 chain over time: Cancun, then every fork that
/// changes the fraction, by L1 timestamp. Before the first step the chain has no blobs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct L1BlobSchedule {
    steps: Cow<'static, [BlobFeeStep]>,
}

impl L1BlobSchedule {
    /// Ethereum mainnet: Cancun 1710338135, Prague 1746612311, Osaka 1764798551 (same fraction
    /// as Prague), BPO1 1765290071, BPO2 1767747671.
    pub const MAINNET: L1BlobSchedule = L1BlobSchedule {
        steps: Cow::Borrowed(&[
            step(1_710_338_135, CANCUN_BLOB_UPDATE_FRACTION),
            step(1_746_612_311, PRAGUE_BLOB_UPDATE_FRACTION),
            step(1_764_798_551, PRAGUE_BLOB_UPDATE_FRACTION),
            step(1_765_290_071, BPO1_BLOB_UPDATE_FRACTION),
            step(1_767_747_671, BPO2_BLOB_UPDATE_FRACTION),
        ]),
    };

    /// Sepolia (geth's `SepoliaChainConfig`): Cancun 1706655072, Prague 1741159776, Osaka
    /// 1760427360, BPO1 1761017184, BPO2 1761607008.
    pub const SEPOLIA: L1BlobSchedule = L1BlobSchedule {
        steps: Cow::Borrowed(&[
            step(1_706_655_072, CANCUN_BLOB_UPDATE_FRACTION),
            step(1_741_159_776, PRAGUE_BLOB_UPDATE_FRACTION),
            step(1_760_427_360, PRAGUE_BLOB_UPDATE_FRACTION),
            step(1_761_017_184, BPO1_BLOB_UPDATE_FRACTION),
            step(1_761_607_008, BPO2_BLOB_UPDATE_FRACTION),
        ]),
    };

    /// A custom schedule. Steps must be non-empty, strictly increasing in time, with non-zero
    /// fractions; the first is the chain's Cancun.
    pub fn new(steps: Vec<BlobFeeStep>) -> Result<Self, L1InfoError> {
        if steps.is_empty() {
            return Err(L1InfoError::InvalidBlobSchedule("no steps"));
        }
        if steps.iter().any(|s| s.update_fraction == 0) {
            return Err(L1InfoError::InvalidBlobSchedule("zero update fraction"));
        }
        if steps.windows(2).any(|w| matches!(w, [a, b] if a.activation_time >= b.activation_time)) {
            return Err(L1InfoError::InvalidBlobSchedule("steps not in increasing time order"));
        }
        Ok(Self { steps: Cow::Owned(steps) })
    }

    /// The built-in schedule of an L1 chain ID (1 = mainnet, 11155111 = Sepolia).
    pub fn for_l1_chain_id(chain_id: u64) -> Option<Self> {
        match chain_id {
            1 => Some(Self::MAINNET),
            11_155_111 => Some(Self::SEPOLIA),
            _ => None,
        }
    }

    /// The steps, oldest first.
    pub fn steps(&self) -> &[BlobFeeStep] {
        &self.steps
    }

    /// The update fraction in force at L1 timestamp `l1_time`; `None` before the first step.
    pub fn update_fraction_at(&self, l1_time: u64) -> Option<u64> {
        self.steps.iter().rev().find(|s| l1_time >= s.activation_time).map(|s| s.update_fraction)
    }

    /// The first step's fraction (the chain's Cancun fraction).
    fn cancun_fraction(&self) -> Option<u64> {
        self.steps.first().map(|s| s.update_fraction)
    }
}

/// `fake_exponential(1, excess_blob_gas, update_fraction)`: the EIP-4844 blob base fee.
///
/// alloy's implementation saturates at `u128::MAX`; a real fee is many orders of magnitude below.
pub fn blob_base_fee(excess_blob_gas: u64, update_fraction: NonZeroU64) -> U256 {
    U256::from(eip4844::fake_exponential(
        1,
        u128::from(excess_blob_gas),
        u128::from(update_fraction.get()),
    ))
}

/// The `blobBaseFee` of the L1-info calldata for an L1 origin at `origin_time` with
/// `excess_blob_gas` (`None` when the header has no blob fields):
/// * no blob fields: 1 (EIP-4844 `MIN_BLOB_GASPRICE`);
/// * the rollup config sets `pectra_blob_schedule_time` and the origin is before it: the Cancun
///   fraction, whatever L1 fork is active (OP Sepolia-like chains kept Cancun's after L1 Prague);
/// * otherwise the fraction of the L1 fork active at `origin_time`.
///
/// An origin with blob fields before the schedule's first step is an error (the schedule does
/// not fit the L1 chain).
pub fn l1_info_blob_base_fee(
    rollup: &RollupConfig,
    schedule: &L1BlobSchedule,
    origin_time: u64,
    excess_blob_gas: Option<u64>,
) -> Result<U256, L1InfoError> {
    let Some(excess) = excess_blob_gas else { return Ok(U256::from(1)) };
    let pre_pectra_fix =
        rollup.pectra_blob_schedule_time.is_some_and(|fix_time| origin_time < fix_time);
    let fraction = if pre_pectra_fix {
        schedule.cancun_fraction()
    } else {
        schedule.update_fraction_at(origin_time)
    };
    let fraction = fraction
        .and_then(NonZeroU64::new)
        .ok_or(L1InfoError::NoBlobScheduleAt { l1_time: origin_time })?;
    Ok(blob_base_fee(excess, fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(v: u64) -> NonZeroU64 {
        NonZeroU64::new(v).unwrap()
    }

    #[test]
    fn rule_4_5_fraction_constants() {
        assert_eq!(CANCUN_BLOB_UPDATE_FRACTION, 3_338_477);
        assert_eq!(PRAGUE_BLOB_UPDATE_FRACTION, 5_007_716);
        assert_eq!(BPO1_BLOB_UPDATE_FRACTION, 8_346_193);
        assert_eq!(BPO2_BLOB_UPDATE_FRACTION, 11_684_671);
    }

    #[test]
    fn rule_4_5_blob_base_fee_values() {
        // Real values: Base Sepolia 37312300's origin (Sepolia BPO2) and Base 43127820's (BPO2).
        assert_eq!(blob_base_fee(208_805_160, nz(11_684_671)), U256::from(57_656_159));
        assert_eq!(blob_base_fee(170_294_236, nz(11_684_671)), U256::from(2_135_385));
        assert_eq!(blob_base_fee(0, nz(3_338_477)), U256::from(1));
        // Saturates instead of overflowing.
        assert_eq!(blob_base_fee(u64::MAX, nz(1)), U256::from(u128::MAX));
    }

    #[test]
    fn rule_4_5_builtin_schedules_are_valid() {
        for s in [L1BlobSchedule::MAINNET, L1BlobSchedule::SEPOLIA] {
            assert_eq!(L1BlobSchedule::new(s.steps().to_vec()).unwrap(), s);
        }
        assert_eq!(L1BlobSchedule::for_l1_chain_id(1), Some(L1BlobSchedule::MAINNET));
        assert_eq!(L1BlobSchedule::for_l1_chain_id(11_155_111), Some(L1BlobSchedule::SEPOLIA));
        assert_eq!(L1BlobSchedule::for_l1_chain_id(17_000), None);
    }

    #[test]
    fn rule_4_5_mainnet_fork_boundaries() {
        let m = L1BlobSchedule::MAINNET;
        let cases = [
            (1_710_338_134, None),
            (1_710_338_135, Some(3_338_477)),
            (1_746_612_310, Some(3_338_477)),
            (1_746_612_311, Some(5_007_716)),
            (1_765_290_070, Some(5_007_716)),
            (1_765_290_071, Some(8_346_193)),
            (1_767_747_670, Some(8_346_193)),
            (1_767_747_671, Some(11_684_671)),
            (u64::MAX, Some(11_684_671)),
        ];
        for (t, f) in cases {
            assert_eq!(m.update_fraction_at(t), f, "t={t}");
        }
        let s = L1BlobSchedule::SEPOLIA;
        assert_eq!(s.update_fraction_at(1_741_159_775), Some(3_338_477));
        assert_eq!(s.update_fraction_at(1_741_159_776), Some(5_007_716));
        assert_eq!(s.update_fraction_at(1_761_607_008), Some(11_684_671));
    }

    #[test]
    fn rule_4_5_pectra_blob_schedule_rule() {
        let sepolia = RollupConfig::by_name("op-sepolia").unwrap();
        let fix = sepolia.pectra_blob_schedule_time.unwrap();
        assert_eq!(fix, 1_742_486_400);
        let s = L1BlobSchedule::SEPOLIA;
        let excess = 10_000_000;
        // After L1 Prague but before the fix: the Cancun fraction.
        let prague_origin = 1_741_159_776 + 100;
        assert_eq!(
            l1_info_blob_base_fee(&sepolia, &s, prague_origin, Some(excess)),
            Ok(blob_base_fee(excess, nz(3_338_477)))
        );
        assert_eq!(
            l1_info_blob_base_fee(&sepolia, &s, fix, Some(excess)),
            Ok(blob_base_fee(excess, nz(5_007_716)))
        );
        // Without the fix time the L1 fork decides.
        let mainnet = RollupConfig::by_name("op-mainnet").unwrap();
        assert_eq!(
            l1_info_blob_base_fee(&mainnet, &s, prague_origin, Some(excess)),
            Ok(blob_base_fee(excess, nz(5_007_716)))
        );
    }

    #[test]
    fn rule_4_5_no_blob_fields_is_one() {
        let c = RollupConfig::by_name("op-mainnet").unwrap();
        assert_eq!(l1_info_blob_base_fee(&c, &L1BlobSchedule::MAINNET, 0, None), Ok(U256::from(1)));
        assert_eq!(
            l1_info_blob_base_fee(&c, &L1BlobSchedule::MAINNET, 1_700_000_000, Some(5)),
            Err(L1InfoError::NoBlobScheduleAt { l1_time: 1_700_000_000 })
        );
    }

    #[test]
    fn rule_4_5_invalid_custom_schedules() {
        assert!(L1BlobSchedule::new(Vec::new()).is_err());
        assert!(L1BlobSchedule::new(alloc::vec![step(5, 0)]).is_err());
        assert!(L1BlobSchedule::new(alloc::vec![step(5, 1), step(5, 2)]).is_err());
        assert!(L1BlobSchedule::new(alloc::vec![step(6, 1), step(5, 2)]).is_err());
        let ok = L1BlobSchedule::new(alloc::vec![step(5, 1), step(6, 2)]).unwrap();
        assert_eq!(ok.update_fraction_at(5), Some(1));
    }
}
