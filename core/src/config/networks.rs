//! Built-in networks, typed in from the superchain registry's published values.
//!
//! Sources: registry chain TOMLs (OP at registry commit 8336d2ae, Base at 5b055be4, the last
//! before Base left the registry), kona's registry dump for Unichain, and the registry's
//! superchain `protocol_versions_addr`. keel-tests compares every field with those files.
//! Karst is set only where the registry schedules it (OP Mainnet, OP Sepolia); Base's files end
//! at Jovian and Unichain's source predates Karst.

use super::{BlockId, ChainOpConfig, Eip1559Params, Genesis, RollupConfig, SystemConfig};
use alloy_primitives::{Address, B256, address, b256};

/// Names accepted by [`RollupConfig::by_name`].
pub const NETWORK_NAMES: &[&str] = &[
    "op-mainnet",
    "op-sepolia",
    "base-mainnet",
    "base-sepolia",
    "unichain-mainnet",
    "unichain-sepolia",
];

const PROTOCOL_VERSIONS_MAINNET: Address = address!("8062abc286f5e7d9428a0ccb9abd71e50d93b935");
const PROTOCOL_VERSIONS_SEPOLIA: Address = address!("79add5713b383daa0a138d3c4780c7a1804a8090");

const L1_MAINNET: u64 = 1;
const L1_SEPOLIA: u64 = 11_155_111;

/// Pre-Ecotone fee parameters shared by the OP and Base genesis configs.
const OVERHEAD_BC: B256 = b256!("00000000000000000000000000000000000000000000000000000000000000bc");
const SCALAR_A6FE0: B256 =
    b256!("00000000000000000000000000000000000000000000000000000000000a6fe0");
/// Unichain launched post-Ecotone: version-1 scalar word, blob-base-fee scalar 900000 and
/// base-fee scalar 2000.
const UNICHAIN_SCALAR: B256 =
    b256!("010000000000000000000000000000000000000000000000000dbba0000007d0");

const OP_STACK_EIP1559: ChainOpConfig = ChainOpConfig {
    eip1559_elasticity: 6,
    eip1559_denominator: 50,
    eip1559_denominator_canyon: 250,
};

/// Genesis system config with only the four pre-Holocene fields set.
const fn genesis_system_config(
    batcher: Address,
    overhead: B256,
    scalar: B256,
    gas_limit: u64,
) -> SystemConfig {
    SystemConfig {
        batcher_address: batcher,
        overhead,
        scalar,
        gas_limit,
        eip1559_params: Eip1559Params { denominator: 0, elasticity: 0 },
        operator_fee_scalar: 0,
        operator_fee_constant: 0,
        min_base_fee: 0,
        da_footprint_gas_scalar: 0,
    }
}

/// Common shape of a registry chain: Regolith at genesis, channel timeout 300, 2 s blocks.
const REGISTRY_BASE: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId { number: 0, hash: B256::ZERO },
        l2: BlockId { number: 0, hash: B256::ZERO },
        l2_time: 0,
        system_config: genesis_system_config(Address::ZERO, B256::ZERO, B256::ZERO, 0),
    },
    block_time: 2,
    max_sequencer_drift: 600,
    seq_window_size: 3600,
    channel_timeout: 300,
    l1_chain_id: 0,
    l2_chain_id: 0,
    regolith_time: Some(0),
    canyon_time: None,
    delta_time: None,
    ecotone_time: None,
    fjord_time: None,
    granite_time: None,
    holocene_time: None,
    pectra_blob_schedule_time: None,
    isthmus_time: None,
    jovian_time: None,
    karst_time: None,
    interop_time: None,
    batch_inbox_address: Address::ZERO,
    deposit_contract_address: Address::ZERO,
    l1_system_config_address: Address::ZERO,
    protocol_versions_address: None,
    chain_op_config: OP_STACK_EIP1559,
};

/// Superchain mainnet fork times (OP Mainnet and Base share them through Jovian).
const MAINNET_FORKS: RollupConfig = RollupConfig {
    canyon_time: Some(1_704_992_401),
    delta_time: Some(1_708_560_000),
    ecotone_time: Some(1_710_374_401),
    fjord_time: Some(1_720_627_201),
    granite_time: Some(1_726_070_401),
    holocene_time: Some(1_736_445_601),
    isthmus_time: Some(1_746_806_401),
    jovian_time: Some(1_764_691_201),
    l1_chain_id: L1_MAINNET,
    protocol_versions_address: Some(PROTOCOL_VERSIONS_MAINNET),
    ..REGISTRY_BASE
};

/// Superchain Sepolia fork times (OP Sepolia and Base Sepolia share them through Jovian).
const SEPOLIA_FORKS: RollupConfig = RollupConfig {
    canyon_time: Some(1_699_981_200),
    delta_time: Some(1_703_203_200),
    ecotone_time: Some(1_708_534_800),
    fjord_time: Some(1_716_998_400),
    granite_time: Some(1_723_478_400),
    holocene_time: Some(1_732_633_200),
    pectra_blob_schedule_time: Some(1_742_486_400),
    isthmus_time: Some(1_744_905_600),
    jovian_time: Some(1_763_568_001),
    l1_chain_id: L1_SEPOLIA,
    protocol_versions_address: Some(PROTOCOL_VERSIONS_SEPOLIA),
    ..REGISTRY_BASE
};

const OP_MAINNET: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId {
            number: 17_422_590,
            hash: b256!("438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108"),
        },
        l2: BlockId {
            number: 105_235_063,
            hash: b256!("dbf6a80fef073de06add9b0d14026d6e5a86c85f6d102c36d3d8e9cf89c2afd3"),
        },
        l2_time: 1_686_068_903,
        system_config: genesis_system_config(
            address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985"),
            OVERHEAD_BC,
            SCALAR_A6FE0,
            30_000_000,
        ),
    },
    l2_chain_id: 10,
    karst_time: Some(1_783_526_401),
    batch_inbox_address: address!("FF00000000000000000000000000000000000010"),
    deposit_contract_address: address!("bEb5Fc579115071764c7423A4f12eDde41f106Ed"),
    l1_system_config_address: address!("229047fed2591dbec1eF1118d64F7aF3dB9EB290"),
    ..MAINNET_FORKS
};

const OP_SEPOLIA: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId {
            number: 4_071_408,
            hash: b256!("48f520cf4ddaf34c8336e6e490632ea3cf1e5e93b0b2bc6e917557e31845371b"),
        },
        l2: BlockId {
            number: 0,
            hash: b256!("102de6ffb001480cc9b8b548fd05c34cd4f46ae4aa91759393db90ea0409887d"),
        },
        l2_time: 1_691_802_540,
        system_config: genesis_system_config(
            address!("8F23BB38F531600e5d8FDDaAEC41F13FaB46E98c"),
            OVERHEAD_BC,
            SCALAR_A6FE0,
            30_000_000,
        ),
    },
    l2_chain_id: 11_155_420,
    karst_time: Some(1_781_712_001),
    batch_inbox_address: address!("ff00000000000000000000000000000011155420"),
    deposit_contract_address: address!("16Fc5058F25648194471939df75CF27A2fdC48BC"),
    l1_system_config_address: address!("034edD2A225f7f429A63E0f1D2084B9E0A93b538"),
    ..SEPOLIA_FORKS
};

const BASE_MAINNET: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId {
            number: 17_481_768,
            hash: b256!("5c13d307623a926cd31415036c8b7fa14572f9dac64528e857a470511fc30771"),
        },
        l2: BlockId {
            number: 0,
            hash: b256!("f712aa9241cc24369b143cf6dce85f0902a9731e70d66818a3a5845b296c73dd"),
        },
        l2_time: 1_686_789_347,
        system_config: genesis_system_config(
            address!("5050F69a9786F081509234F1a7F4684b5E5b76C9"),
            OVERHEAD_BC,
            SCALAR_A6FE0,
            30_000_000,
        ),
    },
    l2_chain_id: 8453,
    batch_inbox_address: address!("Ff00000000000000000000000000000000008453"),
    deposit_contract_address: address!("49048044D57e1C92A77f79988d21Fa8fAF74E97e"),
    l1_system_config_address: address!("73a79Fab69143498Ed3712e519A88a918e1f4072"),
    ..MAINNET_FORKS
};

const BASE_SEPOLIA: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId {
            number: 4_370_868,
            hash: b256!("cac9a83291d4dec146d6f7f69ab2304f23f5be87b1789119a0c5b1e4482444ed"),
        },
        l2: BlockId {
            number: 0,
            hash: b256!("0dcc9e089e30b90ddfc55be9a37dd15bc551aeee999d2e2b51414c54eaf934e4"),
        },
        l2_time: 1_695_768_288,
        system_config: genesis_system_config(
            address!("6CDEbe940BC0F26850285cacA097C11c33103E47"),
            b256!("0000000000000000000000000000000000000000000000000000000000000834"),
            b256!("00000000000000000000000000000000000000000000000000000000000f4240"),
            25_000_000,
        ),
    },
    l2_chain_id: 84_532,
    batch_inbox_address: address!("fF00000000000000000000000000000000084532"),
    deposit_contract_address: address!("49f53e41452C74589E85cA1677426Ba426459e85"),
    l1_system_config_address: address!("f272670eb55e895584501d564AfEB048bEd26194"),
    chain_op_config: ChainOpConfig {
        eip1559_elasticity: 10,
        eip1559_denominator: 50,
        eip1559_denominator_canyon: 250,
    },
    ..SEPOLIA_FORKS
};

const UNICHAIN_MAINNET: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId {
            number: 21_116_363,
            hash: b256!("8c799ed21bd97471f76ba48ea54b30f8169c7e4e4a22acfba06951b571e0f4b6"),
        },
        l2: BlockId {
            number: 0,
            hash: b256!("3425162ddf41a0a1f0106d67b71828c9a9577e6ddeb94e4f33d2cde1fdc3befe"),
        },
        l2_time: 1_730_748_359,
        system_config: genesis_system_config(
            address!("2f60a5184c63ca94f82a27100643dbabe4f3f7fd"),
            B256::ZERO,
            UNICHAIN_SCALAR,
            30_000_000,
        ),
    },
    block_time: 1,
    l2_chain_id: 130,
    // Launched after Granite: those forks are active from genesis.
    canyon_time: Some(0),
    delta_time: Some(0),
    ecotone_time: Some(0),
    fjord_time: Some(0),
    granite_time: Some(0),
    batch_inbox_address: address!("ff00000000000000000000000000000000000130"),
    deposit_contract_address: address!("0bd48f6b86a26d3a217d0fa6ffe2b491b956a7a2"),
    l1_system_config_address: address!("c407398d063f942febbcc6f80a156b47f3f1bda6"),
    ..MAINNET_FORKS
};

const UNICHAIN_SEPOLIA: RollupConfig = RollupConfig {
    genesis: Genesis {
        l1: BlockId {
            number: 6_728_364,
            hash: b256!("81719966c43c08d616a832331500633db68006f5e8c0b575a6faf1704ad350c0"),
        },
        l2: BlockId {
            number: 0,
            hash: b256!("b7fe0bc9f98ca03294ca0094ff9374cc3e64130b6ec85850d6e260191f48bfe7"),
        },
        l2_time: 1_726_852_428,
        system_config: genesis_system_config(
            address!("4ab3387810ef500bfe05a49dc53a44c222cbab3e"),
            B256::ZERO,
            UNICHAIN_SCALAR,
            30_000_000,
        ),
    },
    block_time: 1,
    l2_chain_id: 1301,
    canyon_time: Some(0),
    delta_time: Some(0),
    ecotone_time: Some(0),
    fjord_time: Some(0),
    granite_time: Some(0),
    // Unichain Sepolia joined the superchain at Holocene, earlier than OP Sepolia's time.
    holocene_time: Some(1_734_559_200),
    batch_inbox_address: address!("ff00000000000000000000000000000000001301"),
    deposit_contract_address: address!("0d83dab629f0e0f9d36c0cbc89b69a489f0751bd"),
    l1_system_config_address: address!("aee94b9ab7752d3f7704bde212c0c6a0b701571d"),
    ..SEPOLIA_FORKS
};

impl RollupConfig {
    /// A built-in network by name (one of [`NETWORK_NAMES`]).
    pub fn by_name(name: &str) -> Option<Self> {
        let config = match name {
            "op-mainnet" => OP_MAINNET,
            "op-sepolia" => OP_SEPOLIA,
            "base-mainnet" => BASE_MAINNET,
            "base-sepolia" => BASE_SEPOLIA,
            "unichain-mainnet" => UNICHAIN_MAINNET,
            "unichain-sepolia" => UNICHAIN_SEPOLIA,
            _ => return None,
        };
        Some(config)
    }

    /// A built-in network by L2 chain ID.
    pub fn by_chain_id(l2_chain_id: u64) -> Option<Self> {
        let config = match l2_chain_id {
            10 => OP_MAINNET,
            11_155_420 => OP_SEPOLIA,
            8453 => BASE_MAINNET,
            84_532 => BASE_SEPOLIA,
            130 => UNICHAIN_MAINNET,
            1301 => UNICHAIN_SEPOLIA,
            _ => return None,
        };
        Some(config)
    }

    /// Like [`RollupConfig::by_name`], but an unknown name is [`super::ConfigError::UnknownNetwork`].
    pub fn from_network_name(name: &str) -> Result<Self, super::ConfigError> {
        Self::by_name(name).ok_or_else(|| super::ConfigError::UnknownNetwork(name.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_chain_ids_agree() {
        for name in NETWORK_NAMES {
            let c = RollupConfig::by_name(name).unwrap();
            assert_eq!(RollupConfig::by_chain_id(c.l2_chain_id), Some(c));
        }
        assert_eq!(RollupConfig::by_name("op-goerli"), None);
        assert_eq!(RollupConfig::by_chain_id(420), None);
        assert_eq!(
            RollupConfig::from_network_name("nope"),
            Err(super::super::ConfigError::UnknownNetwork("nope".into()))
        );
    }
}
