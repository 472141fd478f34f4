//! The genesis [`SystemConfig`]: the L1 SystemConfig contract's values as of the rollup's start.
//!
//! Spec: system-config.md and the Holocene/Isthmus/Jovian system-config changes. Derivation
//! later updates a copy of it from `ConfigUpdate` logs; this module only holds the values and
//! reads/writes them in the rollup.json shape (`genesis.system_config`).

use super::lenient;
use alloy_primitives::{Address, B64, B256, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

/// EIP-1559 parameters set through the SystemConfig (Holocene). Zero means "not set": the
/// execution layer then uses the chain's Canyon constants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Eip1559Params {
    /// Base-fee change denominator.
    pub denominator: u32,
    /// Gas-target elasticity multiplier.
    pub elasticity: u32,
}

impl Eip1559Params {
    /// Splits the packed word `denominator << 32 | elasticity` used by the L1 contract, the
    /// `eip1559Params` payload-attributes field and rollup.json.
    pub const fn from_u64(packed: u64) -> Self {
        Self { denominator: (packed >> 32) as u32, elasticity: packed as u32 }
    }

    /// Packs the parameters as `denominator << 32 | elasticity`.
    pub const fn to_u64(self) -> u64 {
        ((self.denominator as u64) << 32) | self.elasticity as u64
    }

    /// Whether both parameters are zero, i.e. unset.
    pub const fn is_unset(self) -> bool {
        self.denominator == 0 && self.elasticity == 0
    }
}

/// The system configuration at the rollup's genesis (op-node `eth.SystemConfig`).
///
/// Fields added by later forks default to zero, which is their value before the L1 contract
/// first emits an update for them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SystemConfig {
    /// Address whose L1 transactions to the batch inbox are accepted as batcher data.
    pub batcher_address: Address,
    /// Pre-Ecotone L1 fee overhead (zero from Ecotone).
    pub overhead: B256,
    /// L1 fee scalar; from Ecotone a versioned word holding the base-fee and blob-base-fee
    /// scalars.
    pub scalar: B256,
    /// L2 block gas limit.
    pub gas_limit: u64,
    /// Holocene EIP-1559 parameters (zero = unset).
    pub eip1559_params: Eip1559Params,
    /// Isthmus operator fee scalar.
    pub operator_fee_scalar: u32,
    /// Isthmus operator fee constant.
    pub operator_fee_constant: u64,
    /// Jovian minimum base fee.
    pub min_base_fee: u64,
    /// Jovian DA footprint gas scalar.
    pub da_footprint_gas_scalar: u16,
}

impl SystemConfig {
    /// The operator fee as the contract's packed word `scalar << 64 | constant`.
    pub fn operator_fee_params(&self) -> B256 {
        let word =
            (U256::from(self.operator_fee_scalar) << 64) | U256::from(self.operator_fee_constant);
        B256::from(word)
    }
}

/// The rollup.json shape. Both op-node's packed fields (`eip1559Params`, `operatorFeeParams`)
/// and kona's split ones (`eip1559Denominator`, `operatorFeeScalar`, ...) are accepted.
#[derive(Deserialize)]
struct RawSystemConfig {
    #[serde(rename = "batcherAddr", alias = "batcherAddress")]
    batcher: Address,
    #[serde(deserialize_with = "lenient::b256")]
    overhead: B256,
    #[serde(deserialize_with = "lenient::b256")]
    scalar: B256,
    #[serde(rename = "gasLimit", deserialize_with = "lenient::u64")]
    gas_limit: u64,
    #[serde(rename = "eip1559Params", default, deserialize_with = "lenient::opt_u64")]
    eip1559_params: Option<u64>,
    #[serde(rename = "eip1559Denominator", default, deserialize_with = "lenient::opt_u64")]
    eip1559_denominator: Option<u64>,
    #[serde(rename = "eip1559Elasticity", default, deserialize_with = "lenient::opt_u64")]
    eip1559_elasticity: Option<u64>,
    #[serde(rename = "operatorFeeParams", default, deserialize_with = "lenient::opt_b256")]
    operator_fee_params: Option<B256>,
    #[serde(rename = "operatorFeeScalar", default, deserialize_with = "lenient::opt_u64")]
    operator_fee_scalar: Option<u64>,
    #[serde(rename = "operatorFeeConstant", default, deserialize_with = "lenient::opt_u64")]
    operator_fee_constant: Option<u64>,
    #[serde(rename = "minBaseFee", default, deserialize_with = "lenient::opt_u64")]
    min_base_fee: Option<u64>,
    #[serde(rename = "daFootprintGasScalar", default, deserialize_with = "lenient::opt_u64")]
    da_footprint_gas_scalar: Option<u64>,
}

/// Narrows an optional integer field, naming it when out of range.
fn narrow<T: TryFrom<u64>>(
    value: Option<u64>,
    field: &str,
) -> Result<Option<T>, alloc::string::String> {
    match value {
        None => Ok(None),
        Some(v) => {
            T::try_from(v).map(Some).map_err(|_| alloc::format!("{field} {v} is out of range"))
        }
    }
}

impl RawSystemConfig {
    fn into_config(self) -> Result<SystemConfig, alloc::string::String> {
        let split = Eip1559Params {
            denominator: narrow::<u32>(self.eip1559_denominator, "eip1559Denominator")?
                .unwrap_or(0),
            elasticity: narrow::<u32>(self.eip1559_elasticity, "eip1559Elasticity")?.unwrap_or(0),
        };
        let eip1559_params = match self.eip1559_params.map(Eip1559Params::from_u64) {
            Some(packed) if !split.is_unset() && packed != split => {
                return Err(
                    "eip1559Params disagrees with eip1559Denominator/eip1559Elasticity".into()
                );
            }
            Some(packed) => packed,
            None => split,
        };

        let split_scalar =
            narrow::<u32>(self.operator_fee_scalar, "operatorFeeScalar")?.unwrap_or(0);
        let split_constant = self.operator_fee_constant.unwrap_or(0);
        let (operator_fee_scalar, operator_fee_constant) = match self.operator_fee_params {
            Some(word) => {
                let v = U256::from_be_bytes(word.0);
                // Layout `scalar(u32) << 64 | constant(u64)`; any higher bit is malformed.
                let scalar = u32::try_from(v >> 64)
                    .map_err(|_| "operatorFeeParams has bits above the 32-bit scalar")?;
                let constant = u64::try_from(v & U256::from(u64::MAX)).unwrap_or(0);
                if (split_scalar, split_constant) != (0, 0)
                    && (split_scalar, split_constant) != (scalar, constant)
                {
                    return Err(
                        "operatorFeeParams disagrees with operatorFeeScalar/operatorFeeConstant"
                            .into(),
                    );
                }
                (scalar, constant)
            }
            None => (split_scalar, split_constant),
        };

        Ok(SystemConfig {
            batcher_address: self.batcher,
            overhead: self.overhead,
            scalar: self.scalar,
            gas_limit: self.gas_limit,
            eip1559_params,
            operator_fee_scalar,
            operator_fee_constant,
            min_base_fee: self.min_base_fee.unwrap_or(0),
            da_footprint_gas_scalar: narrow::<u16>(
                self.da_footprint_gas_scalar,
                "daFootprintGasScalar",
            )?
            .unwrap_or(0),
        })
    }
}

impl<'de> Deserialize<'de> for SystemConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawSystemConfig::deserialize(d)?.into_config().map_err(D::Error::custom)
    }
}

/// op-node's output shape (`eth.SystemConfig` JSON tags).
#[derive(Serialize)]
struct OutSystemConfig {
    #[serde(rename = "batcherAddr")]
    batcher: Address,
    overhead: B256,
    scalar: B256,
    #[serde(rename = "gasLimit")]
    gas_limit: u64,
    #[serde(rename = "eip1559Params")]
    eip1559_params: B64,
    #[serde(rename = "operatorFeeParams")]
    operator_fee_params: B256,
    #[serde(rename = "minBaseFee")]
    min_base_fee: u64,
    #[serde(rename = "daFootprintGasScalar")]
    da_footprint_gas_scalar: u16,
}

impl Serialize for SystemConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        OutSystemConfig {
            batcher: self.batcher_address,
            overhead: self.overhead,
            scalar: self.scalar,
            gas_limit: self.gas_limit,
            eip1559_params: B64::from(self.eip1559_params.to_u64()),
            operator_fee_params: self.operator_fee_params(),
            min_base_fee: self.min_base_fee,
            da_footprint_gas_scalar: self.da_footprint_gas_scalar,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256};

    #[test]
    fn eip1559_params_pack() {
        let p = Eip1559Params::from_u64(0x0000_00fa_0000_0006);
        assert_eq!(p, Eip1559Params { denominator: 250, elasticity: 6 });
        assert_eq!(p.to_u64(), 0x0000_00fa_0000_0006);
        assert!(Eip1559Params::default().is_unset());
        assert!(!p.is_unset());
    }

    #[test]
    fn reads_op_node_shape_and_round_trips() {
        let json = r#"{"batcherAddr":"0x6887246668a3b87f54deb3b94ba47a6f63f32985",
            "overhead":"0xbc","scalar":"0xa6fe0","gasLimit":30000000,
            "eip1559Params":"0x000000fa00000006",
            "operatorFeeParams":"0x0000000000000000000000000000000000000000000000070000000000000009",
            "minBaseFee":"0x10","daFootprintGasScalar":139}"#;
        let sc: SystemConfig = serde_json::from_str(json).unwrap();
        assert_eq!(sc.batcher_address, address!("6887246668a3b87f54deb3b94ba47a6f63f32985"));
        assert_eq!(
            sc.overhead,
            b256!("00000000000000000000000000000000000000000000000000000000000000bc")
        );
        assert_eq!(sc.gas_limit, 30_000_000);
        assert_eq!(sc.eip1559_params, Eip1559Params { denominator: 250, elasticity: 6 });
        assert_eq!((sc.operator_fee_scalar, sc.operator_fee_constant), (7, 9));
        assert_eq!(sc.min_base_fee, 16);
        assert_eq!(sc.da_footprint_gas_scalar, 139);
        let back: SystemConfig =
            serde_json::from_str(&serde_json::to_string(&sc).unwrap()).unwrap();
        assert_eq!(back, sc);
    }

    #[test]
    fn reads_kona_shape_with_nulls() {
        let json = r#"{"batcherAddress":"0x2f60a5184c63ca94f82a27100643dbabe4f3f7fd",
            "overhead":"0x0","scalar":"0x10000000000000000000000000000000000000000000000000dbba0000007d0",
            "gasLimit":30000000,"baseFeeScalar":null,"blobBaseFeeScalar":null,
            "eip1559Denominator":null,"eip1559Elasticity":null,
            "operatorFeeScalar":null,"operatorFeeConstant":null}"#;
        let sc: SystemConfig = serde_json::from_str(json).unwrap();
        assert_eq!(sc.overhead, B256::ZERO);
        assert_eq!(
            sc.scalar,
            b256!("010000000000000000000000000000000000000000000000000dbba0000007d0")
        );
        assert!(sc.eip1559_params.is_unset());
        assert_eq!(sc.min_base_fee, 0);
    }

    #[test]
    fn rejects_bad_values() {
        let base = r#""batcherAddr":"0x6887246668a3b87f54deb3b94ba47a6f63f32985","overhead":"0x0","scalar":"0x0","gasLimit":1"#;
        for extra in [
            r#","eip1559Denominator":4294967296"#,
            r#","daFootprintGasScalar":65536"#,
            r#","operatorFeeParams":"0x0000000000000000000000000000000000000001000000000000000000000000""#,
            r#","eip1559Params":"0x000000fa00000006","eip1559Denominator":50"#,
            r#","gasLimit":2"#,
        ] {
            let json = alloc::format!("{{{base}{extra}}}");
            assert!(serde_json::from_str::<SystemConfig>(&json).is_err(), "{json}");
        }
        for bad in [
            r#"{"batcherAddr":"0x6887","overhead":"0x0","scalar":"0x0","gasLimit":1}"#,
            r#"{"batcherAddr":"0x6887246668a3b87f54deb3b94ba47a6f63f32985","scalar":"0x0","gasLimit":1}"#,
            r#"{"batcherAddr":"0x6887246668a3b87f54deb3b94ba47a6f63f32985","overhead":"0x0","scalar":"0x0","gasLimit":-1}"#,
            r#"{"batcherAddr":"0x6887246668a3b87f54deb3b94ba47a6f63f32985","overhead":"0x0","scalar":"0x0","gasLimit":1.5}"#,
        ] {
            assert!(serde_json::from_str::<SystemConfig>(bad).is_err(), "{bad}");
        }
    }
}
