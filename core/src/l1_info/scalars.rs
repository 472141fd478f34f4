//! Post-Ecotone fee scalars from the SystemConfig `scalar` word (spec: system-config.md §
//! Post-Ecotone Scalar Encoding; checklist §4.5).

use super::L1InfoError;
use alloy_primitives::B256;

/// The DA footprint gas scalar written into Jovian L1-info calldata when the SystemConfig value
/// is 0 (jovian/l1-attributes.md).
pub const DA_FOOTPRINT_GAS_SCALAR_DEFAULT: u16 = 400;

/// The DA footprint gas scalar to write for a SystemConfig value: 0 becomes
/// [`DA_FOOTPRINT_GAS_SCALAR_DEFAULT`].
pub const fn da_footprint_gas_scalar_or_default(system_config_value: u16) -> u16 {
    if system_config_value == 0 { DA_FOOTPRINT_GAS_SCALAR_DEFAULT } else { system_config_value }
}

/// The Ecotone L1 fee scalars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EcotoneScalars {
    /// Scalar on the L1 base fee.
    pub base_fee_scalar: u32,
    /// Scalar on the L1 blob base fee.
    pub blob_base_fee_scalar: u32,
}

impl EcotoneScalars {
    /// Reads the versioned `scalar` word:
    /// * version 0: blob scalar 0, base scalar = bytes `[28, 32)`; if padding bytes `[1, 28)` are
    ///   not all zero, the base scalar is `u32::MAX` (the spec's rule, not an error);
    /// * version 1: blob scalar = bytes `[24, 28)`, base scalar = bytes `[28, 32)`; padding
    ///   `[1, 24)` must be zero.
    ///
    /// Any other version, or non-zero version-1 padding, is an error, as in op-node (such a
    /// scalar can only come from a pre-Ecotone update: Ecotone-time updates with it are ignored).
    pub fn from_scalar(scalar: B256) -> Result<Self, L1InfoError> {
        let bytes = scalar.0;
        let (&version, rest) = bytes.split_first().ok_or(L1InfoError::UnknownScalarVersion(0))?;
        let (_, tail) =
            bytes.split_last_chunk::<8>().ok_or(L1InfoError::UnknownScalarVersion(0))?;
        let (blob, base) = tail.split_at(4);
        let read_u32 = |b: &[u8]| b.try_into().map(u32::from_be_bytes).unwrap_or(u32::MAX);
        let base = read_u32(base);
        match version {
            0 => {
                // Bytes [1, 28): everything between the version and the base scalar.
                let padding_clean = rest.iter().take(27).all(|b| *b == 0);
                Ok(Self {
                    base_fee_scalar: if padding_clean { base } else { u32::MAX },
                    blob_base_fee_scalar: 0,
                })
            }
            1 => {
                if rest.iter().take(23).any(|b| *b != 0) {
                    return Err(L1InfoError::ScalarPaddingNotEmpty { version });
                }
                Ok(Self { base_fee_scalar: base, blob_base_fee_scalar: read_u32(blob) })
            }
            _ => Err(L1InfoError::UnknownScalarVersion(version)),
        }
    }

    /// The version-1 scalar word holding these scalars (what `setGasConfigEcotone` emits).
    pub fn to_scalar(self) -> B256 {
        let mut word = [0u8; 32];
        word[0] = 1;
        word[24..28].copy_from_slice(&self.blob_base_fee_scalar.to_be_bytes());
        word[28..32].copy_from_slice(&self.base_fee_scalar.to_be_bytes());
        B256::from(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{U256, b256};

    #[test]
    fn rule_4_5_scalar_version_0() {
        // OP Mainnet's genesis scalar 684000 (0x0a6fe0).
        let s = b256!("00000000000000000000000000000000000000000000000000000000000a6fe0");
        assert_eq!(
            EcotoneScalars::from_scalar(s),
            Ok(EcotoneScalars { base_fee_scalar: 684_000, blob_base_fee_scalar: 0 })
        );
        // Non-zero padding anywhere in [1, 28) gives u32::MAX, not an error.
        for at in [1usize, 13, 27] {
            let mut w = s.0;
            w[at] = 1;
            assert_eq!(
                EcotoneScalars::from_scalar(B256::from(w)),
                Ok(EcotoneScalars { base_fee_scalar: u32::MAX, blob_base_fee_scalar: 0 }),
                "padding byte {at}"
            );
        }
        assert_eq!(EcotoneScalars::from_scalar(B256::ZERO), Ok(EcotoneScalars::default()));
    }

    #[test]
    fn rule_4_5_scalar_version_1() {
        // Base mainnet: (1 << 248) | (1055762 << 32) | 2269.
        let word = (U256::from(1) << 248) | (U256::from(1_055_762u64) << 32) | U256::from(2269u64);
        let scalars = EcotoneScalars::from_scalar(B256::from(word)).unwrap();
        assert_eq!(
            scalars,
            EcotoneScalars { base_fee_scalar: 2269, blob_base_fee_scalar: 1_055_762 }
        );
        assert_eq!(scalars.to_scalar(), B256::from(word));
        for at in [1usize, 12, 23] {
            let mut w = scalars.to_scalar().0;
            w[at] = 1;
            assert_eq!(
                EcotoneScalars::from_scalar(B256::from(w)),
                Err(L1InfoError::ScalarPaddingNotEmpty { version: 1 }),
                "padding byte {at}"
            );
        }
    }

    #[test]
    fn rule_4_5_scalar_unknown_version() {
        for v in [2u8, 0x80, 0xff] {
            let mut w = [0u8; 32];
            w[0] = v;
            assert_eq!(
                EcotoneScalars::from_scalar(B256::from(w)),
                Err(L1InfoError::UnknownScalarVersion(v))
            );
        }
    }

    #[test]
    fn rule_4_5_da_footprint_default() {
        assert_eq!(da_footprint_gas_scalar_or_default(0), 400);
        assert_eq!(da_footprint_gas_scalar_or_default(312), 312);
        assert_eq!(da_footprint_gas_scalar_or_default(u16::MAX), u16::MAX);
    }
}
