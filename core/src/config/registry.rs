//! Loading a chain from superchain-registry TOML (`superchain/configs/<target>/<chain>.toml`).
//!
//! Mapping (as op-node builds a rollup config from the registry): `chain_id` → L2 chain ID,
//! `batch_inbox_addr`, `[hardforks]`, `[optimism]` → [`ChainOpConfig`], `[genesis]` as in
//! rollup.json, `[addresses] OptimismPortalProxy` → deposit contract, `SystemConfigProxy` → L1
//! system config. Registry chains all run Regolith from genesis (`regolith_time = 0`) and use
//! the pre-Granite channel timeout 300. The superchain TOML gives `[l1] chain_id` and, on old
//! registries, `protocol_versions_addr`.
//!
//! Hardforks: since registry v2 the superchain-wide times are copied into each chain file, so a
//! chain's `[hardforks]` table is authoritative as written. Only a chain file with no
//! `[hardforks]` table at all inherits from the superchain, by the registry's documented rule:
//! the chain must set `superchain_time`, a fork inherits only if its time is `>=
//! superchain_time`, and a time at or before the chain's genesis becomes 0.

use super::rollup::{RawChainOpConfig, RawGenesis};
use super::{ChainOpConfig, ConfigError, Genesis, RollupConfig, lenient};
use alloc::string::ToString;
use alloy_primitives::Address;
use serde::{Deserialize, de::IgnoredAny};

/// Channel timeout op-node uses for every registry chain (pre-Granite).
const REGISTRY_CHANNEL_TIMEOUT: u64 = 300;

#[derive(Deserialize, Default)]
struct HardforksToml {
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    regolith_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    canyon_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    delta_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    ecotone_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    fjord_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    granite_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    holocene_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pectra_blob_schedule_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    isthmus_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    jovian_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    karst_time: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    interop_time: Option<u64>,
}

impl HardforksToml {
    fn times_mut(&mut self) -> [&mut Option<u64>; 12] {
        [
            &mut self.regolith_time,
            &mut self.canyon_time,
            &mut self.delta_time,
            &mut self.ecotone_time,
            &mut self.fjord_time,
            &mut self.granite_time,
            &mut self.holocene_time,
            &mut self.pectra_blob_schedule_time,
            &mut self.isthmus_time,
            &mut self.jovian_time,
            &mut self.karst_time,
            &mut self.interop_time,
        ]
    }

    /// The registry's inheritance rule, applied to a chain with no `[hardforks]` of its own.
    fn inherited(
        mut superchain: HardforksToml,
        superchain_time: Option<u64>,
        genesis_time: u64,
    ) -> Self {
        for time in superchain.times_mut() {
            *time = match (*time, superchain_time) {
                (Some(t), Some(joined)) if t >= joined => {
                    Some(if t <= genesis_time { 0 } else { t })
                }
                _ => None,
            };
        }
        superchain
    }
}

#[derive(Deserialize)]
struct AddressesToml {
    #[serde(rename = "OptimismPortalProxy", default)]
    optimism_portal_proxy: Option<Address>,
    #[serde(rename = "SystemConfigProxy", default)]
    system_config_proxy: Option<Address>,
}

#[derive(Deserialize)]
struct ChainToml {
    #[serde(deserialize_with = "lenient::u64")]
    chain_id: u64,
    batch_inbox_addr: Address,
    #[serde(deserialize_with = "lenient::u64")]
    block_time: u64,
    #[serde(deserialize_with = "lenient::u64")]
    seq_window_size: u64,
    #[serde(deserialize_with = "lenient::u64")]
    max_sequencer_drift: u64,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    superchain_time: Option<u64>,
    #[serde(default)]
    hardforks: Option<HardforksToml>,
    #[serde(default)]
    optimism: Option<RawChainOpConfig>,
    genesis: RawGenesis,
    #[serde(default)]
    addresses: Option<AddressesToml>,
    #[serde(default)]
    alt_da: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct L1Toml {
    #[serde(deserialize_with = "lenient::u64")]
    chain_id: u64,
}

#[derive(Deserialize)]
struct SuperchainToml {
    #[serde(default)]
    hardforks: Option<HardforksToml>,
    l1: L1Toml,
    #[serde(default)]
    protocol_versions_addr: Option<Address>,
}

impl RollupConfig {
    /// Builds a chain's config from its superchain-registry TOML and, optionally, the
    /// `superchain.toml` of its superchain target (see the module docs for the mapping).
    ///
    /// Without a superchain TOML the L1 chain ID comes from the built-in network with the same
    /// L2 chain ID; for other chains that is [`ConfigError::MissingField`]. A chain with an
    /// `[alt_da]` table is [`ConfigError::AltDaUnsupported`].
    pub fn from_superchain_toml(
        chain_toml: &str,
        superchain_toml: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let chain: ChainToml =
            toml::from_str(chain_toml).map_err(|e| ConfigError::Toml(e.to_string()))?;
        let superchain: Option<SuperchainToml> = superchain_toml
            .map(toml::from_str)
            .transpose()
            .map_err(|e| ConfigError::Toml(e.to_string()))?;
        if chain.alt_da.is_some() {
            return Err(ConfigError::AltDaUnsupported);
        }

        let genesis: Genesis = chain.genesis.into();
        let (l1_chain_id, protocol_versions_address, superchain_forks) = match superchain {
            Some(s) => {
                (s.l1.chain_id, s.protocol_versions_addr.filter(|a| !a.is_zero()), s.hardforks)
            }
            None => {
                let builtin = RollupConfig::by_chain_id(chain.chain_id)
                    .ok_or(ConfigError::MissingField("l1.chain_id (superchain TOML)"))?;
                (builtin.l1_chain_id, None, None)
            }
        };
        let forks = match (chain.hardforks, superchain_forks) {
            (Some(own), _) => own,
            (None, Some(s)) => HardforksToml::inherited(s, chain.superchain_time, genesis.l2_time),
            (None, None) => HardforksToml::default(),
        };
        let addresses = chain.addresses.ok_or(ConfigError::MissingField("addresses"))?;
        let chain_op_config: ChainOpConfig =
            chain.optimism.ok_or(ConfigError::MissingField("optimism"))?.into();

        Ok(RollupConfig {
            genesis,
            block_time: chain.block_time,
            max_sequencer_drift: chain.max_sequencer_drift,
            seq_window_size: chain.seq_window_size,
            channel_timeout: REGISTRY_CHANNEL_TIMEOUT,
            l1_chain_id,
            l2_chain_id: chain.chain_id,
            // op-node gives every registry chain Regolith at genesis.
            regolith_time: Some(forks.regolith_time.unwrap_or(0)),
            canyon_time: forks.canyon_time,
            delta_time: forks.delta_time,
            ecotone_time: forks.ecotone_time,
            fjord_time: forks.fjord_time,
            granite_time: forks.granite_time,
            holocene_time: forks.holocene_time,
            pectra_blob_schedule_time: forks.pectra_blob_schedule_time,
            isthmus_time: forks.isthmus_time,
            jovian_time: forks.jovian_time,
            karst_time: forks.karst_time,
            interop_time: forks.interop_time,
            batch_inbox_address: chain.batch_inbox_addr,
            deposit_contract_address: addresses
                .optimism_portal_proxy
                .ok_or(ConfigError::MissingField("addresses.OptimismPortalProxy"))?,
            l1_system_config_address: addresses
                .system_config_proxy
                .ok_or(ConfigError::MissingField("addresses.SystemConfigProxy"))?,
            protocol_versions_address,
            chain_op_config,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN: &str = r#"
chain_id = 4242
batch_inbox_addr = "0xff00000000000000000000000000000000004242"
block_time = 2
seq_window_size = 3600
max_sequencer_drift = 600
superchain_time = 1700000000

[optimism]
  eip1559_elasticity = 6
  eip1559_denominator = 50
  eip1559_denominator_canyon = 250

[genesis]
  l2_time = 1710000000
  [genesis.l1]
    hash = "0x438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108"
    number = 1
  [genesis.l2]
    hash = "0xdbf6a80fef073de06add9b0d14026d6e5a86c85f6d102c36d3d8e9cf89c2afd3"
    number = 0
  [genesis.system_config]
    batcherAddress = "0x6887246668a3b87F54DeB3b94Ba47a6f63F32985"
    overhead = "0x00000000000000000000000000000000000000000000000000000000000000bc"
    scalar = "0x00000000000000000000000000000000000000000000000000000000000a6fe0"
    gasLimit = 30000000

[addresses]
  OptimismPortalProxy = "0xbEb5Fc579115071764c7423A4f12eDde41f106Ed"
  SystemConfigProxy = "0x229047fed2591dbec1eF1118d64F7aF3dB9EB290"
"#;

    const SUPERCHAIN: &str = r#"
name = "Test"
protocol_versions_addr = "0x8062AbC286f5e7D9428a0Ccb9AbD71e50d93b935"
[hardforks]
canyon_time = 1600000000
ecotone_time = 1705000000
fjord_time = 1720000000
[l1]
  chain_id = 1
"#;

    #[test]
    fn inherits_only_without_own_hardforks() {
        let c = RollupConfig::from_superchain_toml(CHAIN, Some(SUPERCHAIN)).unwrap();
        assert_eq!(c.l1_chain_id, 1);
        assert_eq!(c.l2_chain_id, 4242);
        assert_eq!(c.channel_timeout, 300);
        assert_eq!(c.regolith_time, Some(0));
        // Canyon predates superchain_time: not inherited. Ecotone predates genesis: 0.
        assert_eq!(c.canyon_time, None);
        assert_eq!(c.ecotone_time, Some(0));
        assert_eq!(c.fjord_time, Some(1_720_000_000));
        assert!(c.protocol_versions_address.is_some());

        let own = alloc::format!("{CHAIN}\n[hardforks]\n  granite_time = 1730000000\n");
        let c = RollupConfig::from_superchain_toml(&own, Some(SUPERCHAIN)).unwrap();
        assert_eq!(c.fjord_time, None);
        assert_eq!(c.granite_time, Some(1_730_000_000));
    }

    #[test]
    fn typed_errors() {
        assert!(matches!(
            RollupConfig::from_superchain_toml(CHAIN, None),
            Err(ConfigError::MissingField(_))
        ));
        assert!(matches!(
            RollupConfig::from_superchain_toml("chain_id = [", Some(SUPERCHAIN)),
            Err(ConfigError::Toml(_))
        ));
        assert!(matches!(
            RollupConfig::from_superchain_toml(CHAIN, Some("[l1]\n")),
            Err(ConfigError::Toml(_))
        ));
        let no_portal = CHAIN.replace("OptimismPortalProxy", "Other");
        assert_eq!(
            RollupConfig::from_superchain_toml(&no_portal, Some(SUPERCHAIN)),
            Err(ConfigError::MissingField("addresses.OptimismPortalProxy"))
        );
        let no_optimism = CHAIN.replace("[optimism]", "[other]");
        assert_eq!(
            RollupConfig::from_superchain_toml(&no_optimism, Some(SUPERCHAIN)),
            Err(ConfigError::MissingField("optimism"))
        );
        let alt_da =
            alloc::format!("{CHAIN}\n[alt_da]\n  da_commitment_type = \"KeccakCommitment\"\n");
        assert_eq!(
            RollupConfig::from_superchain_toml(&alt_da, Some(SUPERCHAIN)),
            Err(ConfigError::AltDaUnsupported)
        );
        let negative = CHAIN.replace("block_time = 2", "block_time = -2");
        assert!(matches!(
            RollupConfig::from_superchain_toml(&negative, Some(SUPERCHAIN)),
            Err(ConfigError::Toml(_))
        ));
    }
}
