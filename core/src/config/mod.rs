//! Rollup configuration: chain parameters, fork times and the genesis system config.
//!
//! A [`RollupConfig`] comes from one of three places:
//! * [`RollupConfig::from_json`]: an op-node `rollup.json` (kona's dialects accepted too);
//! * [`RollupConfig::from_superchain_toml`]: a superchain-registry chain TOML plus its
//!   superchain TOML;
//! * [`RollupConfig::by_name`] / [`RollupConfig::by_chain_id`]: the built-in networks listed in
//!   [`NETWORK_NAMES`].
//!
//! Fork helpers (`is_<fork>_active`, [`RollupConfig::is_activation_block`]) and the protocol
//! constants that change at forks ([`RollupConfig::channel_timeout`],
//! [`RollupConfig::max_sequencer_drift`], ...) take the timestamp of the clock each rule uses
//! (checklist §0): L2 block time, L1 block time, or the batch's L1 origin time.

mod forks;
mod lenient;
mod networks;
mod registry;
mod rollup;
mod system_config;

pub use forks::{
    FJORD_MAX_SEQUENCER_DRIFT, Fork, GRANITE_CHANNEL_TIMEOUT, MAX_CHANNEL_BANK_SIZE_BEDROCK,
    MAX_CHANNEL_BANK_SIZE_FJORD, MAX_RLP_BYTES_PER_CHANNEL_BEDROCK,
    MAX_RLP_BYTES_PER_CHANNEL_FJORD,
};
pub use networks::NETWORK_NAMES;
pub use rollup::{BlockId, ChainOpConfig, Genesis, RollupConfig};
pub use system_config::{Eip1559Params, SystemConfig};

use alloc::string::String;

/// Why a rollup config could not be loaded or is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The JSON is malformed or does not fit the rollup.json shape (serde's message).
    #[error("invalid rollup config JSON: {0}")]
    Json(String),
    /// The TOML is malformed or does not fit the registry shape (the toml crate's message).
    #[error("invalid registry TOML: {0}")]
    Toml(String),
    /// A required field or table is absent.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A field is present but its value cannot be used.
    #[error("invalid field `{field}`: {reason}")]
    InvalidField {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The config enables alt-DA, which keel does not implement.
    #[error("alt-DA chains are not supported")]
    AltDaUnsupported,
    /// No built-in network has this name.
    #[error("unknown network {0:?}")]
    UnknownNetwork(String),
    /// The config loaded but fails a sanity check ([`RollupConfig::validate`]).
    #[error("invalid rollup config: {0}")]
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloy_primitives::{address, b256};

    const OP_NODE_JSON: &str = r#"{
      "genesis": {
        "l1": {"hash": "0x438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108", "number": 17422590},
        "l2": {"hash": "0xdbf6a80fef073de06add9b0d14026d6e5a86c85f6d102c36d3d8e9cf89c2afd3", "number": 105235063},
        "l2_time": 1686068903,
        "system_config": {
          "batcherAddr": "0x6887246668a3b87f54deb3b94ba47a6f63f32985",
          "overhead": "0x00000000000000000000000000000000000000000000000000000000000000bc",
          "scalar": "0x00000000000000000000000000000000000000000000000000000000000a6fe0",
          "gasLimit": 30000000,
          "eip1559Params": "0x0000000000000000",
          "operatorFeeParams": "0x0000000000000000000000000000000000000000000000000000000000000000",
          "minBaseFee": 0,
          "daFootprintGasScalar": 0
        }
      },
      "block_time": 2, "max_sequencer_drift": 600, "seq_window_size": 3600, "channel_timeout": 300,
      "l1_chain_id": 1, "l2_chain_id": 10,
      "regolith_time": 0, "canyon_time": 1704992401, "delta_time": 1708560000,
      "ecotone_time": 1710374401, "fjord_time": 1720627201, "granite_time": 1726070401,
      "holocene_time": 1736445601, "isthmus_time": 1746806401, "jovian_time": 1764691201,
      "karst_time": 1783526401,
      "batch_inbox_address": "0xff00000000000000000000000000000000000010",
      "deposit_contract_address": "0xbeb5fc579115071764c7423a4f12edde41f106ed",
      "l1_system_config_address": "0x229047fed2591dbec1ef1118d64f7af3db9eb290",
      "protocol_versions_address": "0x8062abc286f5e7d9428a0ccb9abd71e50d93b935",
      "chain_op_config": {"eip1559Elasticity": 6, "eip1559Denominator": 50, "eip1559DenominatorCanyon": 250}
    }"#;

    #[test]
    fn op_node_rollup_json_equals_builtin() {
        let c = RollupConfig::from_json(OP_NODE_JSON).unwrap();
        assert_eq!(Some(c.clone()), RollupConfig::by_name("op-mainnet"));
        assert_eq!(
            c.genesis.system_config.batcher_address,
            address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985")
        );
        assert_eq!(
            c.genesis.l1.hash,
            b256!("438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108")
        );
    }

    #[test]
    fn to_json_round_trips_every_builtin() {
        for name in NETWORK_NAMES {
            let c = RollupConfig::by_name(name).unwrap();
            let json = c.to_json().unwrap();
            assert!(json.contains("\"batcherAddr\""), "{json}");
            assert!(json.contains("\"l2_chain_id\""), "{json}");
            assert!(json.contains("\"eip1559DenominatorCanyon\""), "{json}");
            assert!(!json.contains("interop_time"), "unset forks are omitted");
            assert_eq!(RollupConfig::from_json(&json).unwrap(), c, "{name}");
        }
    }

    #[test]
    fn hex_string_integers_and_aliases() {
        let json = OP_NODE_JSON
            .replace("\"block_time\": 2", "\"block_time\": \"0x2\"")
            .replace("\"l2_chain_id\": 10", "\"l2_chain_id\": \"10\"")
            .replace("\"batcherAddr\"", "\"batcherAddress\"")
            .replace("\"eip1559Denominator\": 50", "\"eip1559Denominator\": \"0x32\"")
            .replace("\"number\": 17422590", "\"number\": \"0x109d8fe\"");
        let c = RollupConfig::from_json(&json).unwrap();
        assert_eq!(Some(c), RollupConfig::by_name("op-mainnet"));
    }

    #[test]
    fn missing_chain_op_config_falls_back_to_builtin_only() {
        let start = OP_NODE_JSON.find(",\n      \"chain_op_config\"").unwrap();
        let json = alloc::format!("{}\n}}", &OP_NODE_JSON[..start]);
        let c = RollupConfig::from_json(&json).unwrap();
        assert_eq!(c.chain_op_config.eip1559_denominator_canyon, 250);
        let other = json.replace("\"l2_chain_id\": 10", "\"l2_chain_id\": 4242");
        assert_eq!(
            RollupConfig::from_json(&other),
            Err(ConfigError::MissingField("chain_op_config"))
        );
    }

    #[test]
    fn base_fee_params_dialect() {
        let start = OP_NODE_JSON.find("\"chain_op_config\"").unwrap();
        let json = alloc::format!(
            "{}\"base_fee_params\": {{\"max_change_denominator\": \"0x32\", \"elasticity_multiplier\": \"0x6\"}},\n\
             \"canyon_base_fee_params\": {{\"max_change_denominator\": \"0xfa\", \"elasticity_multiplier\": \"0x6\"}}\n}}",
            &OP_NODE_JSON[..start]
        );
        let c = RollupConfig::from_json(&json).unwrap();
        assert_eq!(
            c.chain_op_config,
            ChainOpConfig {
                eip1559_elasticity: 6,
                eip1559_denominator: 50,
                eip1559_denominator_canyon: 250
            }
        );
        let bad = json.replacen(
            "\"elasticity_multiplier\": \"0x6\"}\n",
            "\"elasticity_multiplier\": \"0x7\"}\n",
            1,
        );
        assert!(matches!(RollupConfig::from_json(&bad), Err(ConfigError::InvalidField { .. })));
    }

    #[test]
    fn malformed_json_is_a_typed_error() {
        let cases = [
            String::new(),
            "{".to_string(),
            "[]".to_string(),
            "null".to_string(),
            OP_NODE_JSON.replace("\"block_time\": 2,", ""),
            OP_NODE_JSON.replace("\"block_time\": 2", "\"block_time\": -2"),
            OP_NODE_JSON.replace("\"block_time\": 2", "\"block_time\": \"0x\""),
            OP_NODE_JSON.replace("\"block_time\": 2", "\"block_time\": 1e3"),
            OP_NODE_JSON.replace("\"canyon_time\": 1704992401", "\"canyon_time\": \"soon\""),
            OP_NODE_JSON.replace("0xff00000000000000000000000000000000000010", "0xff"),
            OP_NODE_JSON.replace("0x438335a2", "0x38335a2"),
            OP_NODE_JSON.replace("\"eip1559Elasticity\": 6,", ""),
            OP_NODE_JSON[..OP_NODE_JSON.len() / 2].to_string(),
        ];
        for json in cases {
            assert!(matches!(RollupConfig::from_json(&json), Err(ConfigError::Json(_))), "{json}");
        }
        let alt_da = OP_NODE_JSON.replacen('{', "{\"alt_da\": {\"da_commitment_type\": \"x\"},", 1);
        assert_eq!(RollupConfig::from_json(&alt_da), Err(ConfigError::AltDaUnsupported));
        let null_alt_da = OP_NODE_JSON.replacen('{', "{\"alt_da\": null,", 1);
        assert!(RollupConfig::from_json(&null_alt_da).is_ok());
    }

    #[test]
    fn zero_protocol_versions_address_is_none() {
        let json = OP_NODE_JSON.replace(
            "0x8062abc286f5e7d9428a0ccb9abd71e50d93b935",
            "0x0000000000000000000000000000000000000000",
        );
        assert_eq!(RollupConfig::from_json(&json).unwrap().protocol_versions_address, None);
    }

    #[test]
    fn random_bytes_never_panic() {
        // xorshift: deterministic junk, some of it near-JSON.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let alphabet = br#"{}[]":,0x123abcdef-e. nultrs_"#;
        for len in 0..200usize {
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let i = (x % alphabet.len() as u64) as usize;
                s.push(alphabet[i] as char);
            }
            let _ = RollupConfig::from_json(&s);
            let _ = RollupConfig::from_superchain_toml(&s, Some(&s));
            // Truncations of a valid file.
            let cut = len * OP_NODE_JSON.len() / 200;
            let _ = RollupConfig::from_json(&OP_NODE_JSON[..cut]);
        }
    }
}
