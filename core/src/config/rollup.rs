//! [`RollupConfig`] and its rollup.json (op-node) serde form.
//!
//! Reading accepts the dialects real files use: op-node's own output, and kona's serde output
//! (integers as `"0x32"` strings, `batcherAddress`, `chain_op_config` or the older
//! `base_fee_params` / `canyon_base_fee_params` pair). Writing always produces op-node's shape.

use super::{ConfigError, SystemConfig, lenient};
use alloc::string::{String, ToString};
use alloy_primitives::{Address, B256};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _, de::IgnoredAny};

/// An L1 or L2 block by number and hash.
pub type BlockId = alloy_eips::BlockNumHash;

/// The rollup's anchor: the L1 block it starts after and the L2 block it starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Genesis {
    /// The L1 block the rollup starts *after*: its data is never derived.
    pub l1: BlockId,
    /// The first L2 block (no transactions, pre-configured state).
    pub l2: BlockId,
    /// Timestamp of the L2 genesis block.
    pub l2_time: u64,
    /// The system config in force at genesis.
    pub system_config: SystemConfig,
}

/// The execution layer's EIP-1559 constants for the chain (op-geth `OptimismConfig`). Derivation
/// needs them to translate zero `eip1559Params` into the values the engine will use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ChainOpConfig {
    /// Gas-target elasticity multiplier.
    pub eip1559_elasticity: u64,
    /// Base-fee change denominator before Canyon.
    pub eip1559_denominator: u64,
    /// Base-fee change denominator from Canyon.
    pub eip1559_denominator_canyon: u64,
}

/// Everything a rollup node needs to know about one OP Stack chain (op-node `rollup.Config`).
///
/// Fork times are L2 timestamps (`None` = never active); which clock a given rule compares
/// against them is documented on the helpers in this module's fork section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RollupConfig {
    /// Genesis anchor.
    pub genesis: Genesis,
    /// Seconds per L2 block.
    pub block_time: u64,
    /// Maximum L2 timestamp lead over the L1 origin before Fjord (a constant 1800 after).
    pub max_sequencer_drift: u64,
    /// Number of L1 blocks in a sequencing window.
    pub seq_window_size: u64,
    /// Channel timeout in L1 blocks before Granite (a constant 50 after).
    pub channel_timeout: u64,
    /// L1 chain ID.
    pub l1_chain_id: u64,
    /// L2 chain ID.
    pub l2_chain_id: u64,
    /// Regolith activation time (registry chains: 0).
    pub regolith_time: Option<u64>,
    /// Canyon activation time.
    pub canyon_time: Option<u64>,
    /// Delta activation time.
    pub delta_time: Option<u64>,
    /// Ecotone activation time.
    pub ecotone_time: Option<u64>,
    /// Fjord activation time.
    pub fjord_time: Option<u64>,
    /// Granite activation time.
    pub granite_time: Option<u64>,
    /// Holocene activation time.
    pub holocene_time: Option<u64>,
    /// Pectra blob schedule fix time (compared with the L1 origin timestamp); optional.
    pub pectra_blob_schedule_time: Option<u64>,
    /// Isthmus activation time.
    pub isthmus_time: Option<u64>,
    /// Jovian activation time.
    pub jovian_time: Option<u64>,
    /// Karst activation time (experimental spec).
    pub karst_time: Option<u64>,
    /// Interop activation time (experimental).
    pub interop_time: Option<u64>,
    /// L1 address batcher transactions are sent to.
    pub batch_inbox_address: Address,
    /// L1 deposit contract (OptimismPortal proxy).
    pub deposit_contract_address: Address,
    /// L1 SystemConfig contract (proxy).
    pub l1_system_config_address: Address,
    /// L1 ProtocolVersions contract, if known.
    pub protocol_versions_address: Option<Address>,
    /// Execution-layer EIP-1559 constants.
    pub chain_op_config: ChainOpConfig,
}

impl RollupConfig {
    /// Parses an op-node `rollup.json` (or one of the kona dialects described in the module
    /// docs). Never panics; any defect is a [`ConfigError`].
    ///
    /// A file without `chain_op_config` (or `base_fee_params`) takes the EIP-1559 constants of
    /// the built-in network with the same L2 chain ID, as op-node does from its embedded
    /// registry; for other chains that is [`ConfigError::MissingField`].
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let raw: RawRollupConfig =
            serde_json::from_str(json).map_err(|e| ConfigError::Json(e.to_string()))?;
        raw.into_config()
    }

    /// Writes the config as pretty-printed op-node `rollup.json`.
    pub fn to_json(&self) -> Result<String, ConfigError> {
        serde_json::to_string_pretty(self).map_err(|e| ConfigError::Json(e.to_string()))
    }
}

#[derive(Deserialize)]
pub(crate) struct RawBlockId {
    hash: B256,
    #[serde(deserialize_with = "lenient::u64")]
    number: u64,
}

impl From<RawBlockId> for BlockId {
    fn from(raw: RawBlockId) -> Self {
        Self { number: raw.number, hash: raw.hash }
    }
}

/// `genesis` as written in rollup.json and in registry TOMLs (same keys in both).
#[derive(Deserialize)]
pub(crate) struct RawGenesis {
    l1: RawBlockId,
    l2: RawBlockId,
    #[serde(deserialize_with = "lenient::u64")]
    l2_time: u64,
    system_config: SystemConfig,
}

impl From<RawGenesis> for Genesis {
    fn from(raw: RawGenesis) -> Self {
        Self {
            l1: raw.l1.into(),
            l2: raw.l2.into(),
            l2_time: raw.l2_time,
            system_config: raw.system_config,
        }
    }
}

/// `chain_op_config` (camelCase, op-geth JSON tags) or the registry's `[optimism]` table
/// (snake_case).
#[derive(Deserialize)]
pub(crate) struct RawChainOpConfig {
    #[serde(
        rename = "eip1559Elasticity",
        alias = "eip1559_elasticity",
        deserialize_with = "lenient::u64"
    )]
    elasticity: u64,
    #[serde(
        rename = "eip1559Denominator",
        alias = "eip1559_denominator",
        deserialize_with = "lenient::u64"
    )]
    denominator: u64,
    #[serde(
        rename = "eip1559DenominatorCanyon",
        alias = "eip1559_denominator_canyon",
        deserialize_with = "lenient::u64"
    )]
    denominator_canyon: u64,
}

impl From<RawChainOpConfig> for ChainOpConfig {
    fn from(raw: RawChainOpConfig) -> Self {
        Self {
            eip1559_elasticity: raw.elasticity,
            eip1559_denominator: raw.denominator,
            eip1559_denominator_canyon: raw.denominator_canyon,
        }
    }
}

/// kona's older `base_fee_params` / `canyon_base_fee_params` objects.
#[derive(Deserialize)]
struct RawBaseFeeParams {
    #[serde(deserialize_with = "lenient::u64")]
    max_change_denominator: u64,
    #[serde(deserialize_with = "lenient::u64")]
    elasticity_multiplier: u64,
}

#[derive(Deserialize)]
struct RawRollupConfig {
    genesis: RawGenesis,
    #[serde(deserialize_with = "lenient::u64")]
    block_time: u64,
    #[serde(deserialize_with = "lenient::u64")]
    max_sequencer_drift: u64,
    #[serde(deserialize_with = "lenient::u64")]
    seq_window_size: u64,
    #[serde(deserialize_with = "lenient::u64")]
    channel_timeout: u64,
    #[serde(deserialize_with = "lenient::u64")]
    l1_chain_id: u64,
    #[serde(deserialize_with = "lenient::u64")]
    l2_chain_id: u64,
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
    batch_inbox_address: Address,
    deposit_contract_address: Address,
    l1_system_config_address: Address,
    #[serde(default)]
    protocol_versions_address: Option<Address>,
    #[serde(default)]
    chain_op_config: Option<RawChainOpConfig>,
    #[serde(default)]
    base_fee_params: Option<RawBaseFeeParams>,
    #[serde(default)]
    canyon_base_fee_params: Option<RawBaseFeeParams>,
    // Presence (non-null) is all that matters: keel does not implement alt-DA.
    #[serde(default, alias = "plasma_config")]
    alt_da: Option<IgnoredAny>,
}

impl RawRollupConfig {
    fn into_config(self) -> Result<RollupConfig, ConfigError> {
        if self.alt_da.is_some() {
            return Err(ConfigError::AltDaUnsupported);
        }
        let chain_op_config =
            match (self.chain_op_config, self.base_fee_params, self.canyon_base_fee_params) {
                (Some(c), _, _) => c.into(),
                (None, Some(pre), Some(canyon)) => {
                    if pre.elasticity_multiplier != canyon.elasticity_multiplier {
                        return Err(ConfigError::InvalidField {
                            field: "canyon_base_fee_params.elasticity_multiplier",
                            reason: "differs from base_fee_params.elasticity_multiplier".into(),
                        });
                    }
                    ChainOpConfig {
                        eip1559_elasticity: pre.elasticity_multiplier,
                        eip1559_denominator: pre.max_change_denominator,
                        eip1559_denominator_canyon: canyon.max_change_denominator,
                    }
                }
                (None, Some(_), None) => {
                    return Err(ConfigError::MissingField("canyon_base_fee_params"));
                }
                (None, None, _) => RollupConfig::by_chain_id(self.l2_chain_id)
                    .map(|c| c.chain_op_config)
                    .ok_or(ConfigError::MissingField("chain_op_config"))?,
            };
        Ok(RollupConfig {
            genesis: self.genesis.into(),
            block_time: self.block_time,
            max_sequencer_drift: self.max_sequencer_drift,
            seq_window_size: self.seq_window_size,
            channel_timeout: self.channel_timeout,
            l1_chain_id: self.l1_chain_id,
            l2_chain_id: self.l2_chain_id,
            regolith_time: self.regolith_time,
            canyon_time: self.canyon_time,
            delta_time: self.delta_time,
            ecotone_time: self.ecotone_time,
            fjord_time: self.fjord_time,
            granite_time: self.granite_time,
            holocene_time: self.holocene_time,
            pectra_blob_schedule_time: self.pectra_blob_schedule_time,
            isthmus_time: self.isthmus_time,
            jovian_time: self.jovian_time,
            karst_time: self.karst_time,
            interop_time: self.interop_time,
            batch_inbox_address: self.batch_inbox_address,
            deposit_contract_address: self.deposit_contract_address,
            l1_system_config_address: self.l1_system_config_address,
            // op-node writes the zero address for "none".
            protocol_versions_address: self.protocol_versions_address.filter(|a| !a.is_zero()),
            chain_op_config,
        })
    }
}

impl<'de> Deserialize<'de> for RollupConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawRollupConfig::deserialize(d)?.into_config().map_err(D::Error::custom)
    }
}

#[derive(Serialize)]
struct OutChainOpConfig {
    #[serde(rename = "eip1559Elasticity")]
    elasticity: u64,
    #[serde(rename = "eip1559Denominator")]
    denominator: u64,
    #[serde(rename = "eip1559DenominatorCanyon")]
    denominator_canyon: u64,
}

#[derive(Serialize)]
struct OutGenesis<'a> {
    l1: &'a BlockId,
    l2: &'a BlockId,
    l2_time: u64,
    system_config: &'a SystemConfig,
}

/// op-node's `rollup.Config` JSON tags, unset fork times omitted as op-node does.
#[derive(Serialize)]
struct OutRollupConfig<'a> {
    genesis: OutGenesis<'a>,
    block_time: u64,
    max_sequencer_drift: u64,
    seq_window_size: u64,
    channel_timeout: u64,
    l1_chain_id: u64,
    l2_chain_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    regolith_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    canyon_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delta_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ecotone_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fjord_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    granite_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holocene_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pectra_blob_schedule_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    isthmus_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jovian_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    karst_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interop_time: Option<u64>,
    batch_inbox_address: &'a Address,
    deposit_contract_address: &'a Address,
    l1_system_config_address: &'a Address,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol_versions_address: Option<&'a Address>,
    chain_op_config: OutChainOpConfig,
}

impl Serialize for RollupConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        OutRollupConfig {
            genesis: OutGenesis {
                l1: &self.genesis.l1,
                l2: &self.genesis.l2,
                l2_time: self.genesis.l2_time,
                system_config: &self.genesis.system_config,
            },
            block_time: self.block_time,
            max_sequencer_drift: self.max_sequencer_drift,
            seq_window_size: self.seq_window_size,
            channel_timeout: self.channel_timeout,
            l1_chain_id: self.l1_chain_id,
            l2_chain_id: self.l2_chain_id,
            regolith_time: self.regolith_time,
            canyon_time: self.canyon_time,
            delta_time: self.delta_time,
            ecotone_time: self.ecotone_time,
            fjord_time: self.fjord_time,
            granite_time: self.granite_time,
            holocene_time: self.holocene_time,
            pectra_blob_schedule_time: self.pectra_blob_schedule_time,
            isthmus_time: self.isthmus_time,
            jovian_time: self.jovian_time,
            karst_time: self.karst_time,
            interop_time: self.interop_time,
            batch_inbox_address: &self.batch_inbox_address,
            deposit_contract_address: &self.deposit_contract_address,
            l1_system_config_address: &self.l1_system_config_address,
            protocol_versions_address: self.protocol_versions_address.as_ref(),
            chain_op_config: OutChainOpConfig {
                elasticity: self.chain_op_config.eip1559_elasticity,
                denominator: self.chain_op_config.eip1559_denominator,
                denominator_canyon: self.chain_op_config.eip1559_denominator_canyon,
            },
        }
        .serialize(s)
    }
}
