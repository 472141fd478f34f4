//! Jovian NUTs (spec: jovian/derivation.md § Network Upgrade Transactions).
//!
//! Order: L1Block deployment, L1Block proxy update, GasPriceOracle deployment, GasPriceOracle
//! proxy update, `setJovian()`.
//!
//! **Intents follow op-node, not the spec text** (checklist §4.8 [DIVERGES]). The spec writes
//! `"Jovian: L1Block Deployment"`, `"Jovian: L1Block Proxy Update"`,
//! `"Jovian: GasPriceOracle Deployment"` and `"Jovian: GasPriceOracle Proxy Update"` (source
//! hashes `0x98faf23b…`, `0x08447273…`, `0xd939cca6…`, `0x46b597e2…`); op-node's
//! `jovian_upgrade_transactions.go` (and kona) use `"Jovian: L1 Block Deployment"` etc., as
//! below. The source hash is part of the transaction, so only one of them can match the chain;
//! the blocks op-node derives use op-node's. Both agree on `"Jovian: Gas Price Oracle Set
//! Jovian"`. The gas limits (447,315 and 1,750,714) and bytecode (contracts-bedrock 773798a6)
//! agree between the current spec and op-node.

use super::{
    GAS_PRICE_ORACLE_PROXY, L1_BLOCK_PROXY, UpgradeIntent, bytecode, deployment,
    gas_price_oracle_call, proxy_update,
};
use alloc::vec::Vec;
use alloy_primitives::{Address, address, b256};
use op_alloy_consensus::TxDeposit;

/// Deployer of the Jovian `L1Block`; the contract lands at
/// `0x3Ba4007f5C922FBb33C454B41ea7a1f11E83df2C`.
pub const L1_BLOCK_DEPLOYER: Address = address!("4210000000000000000000000000000000000006");
/// Deployer of the Jovian `GasPriceOracle`; the contract lands at
/// `0x4f1db3c6AbD250ba86E0928471A8F7DB3AFd88F1`.
pub const GAS_PRICE_ORACLE_DEPLOYER: Address = address!("4210000000000000000000000000000000000007");
/// `setJovian()`.
pub const SET_JOVIAN_SELECTOR: [u8; 4] = [0xb3, 0xd7, 0x20, 0x79];

/// Gas limit of the L1Block deployment.
pub const L1_BLOCK_DEPLOYMENT_GAS: u64 = 447_315;
/// Gas limit of the GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT_GAS: u64 = 1_750_714;
/// Gas limit of `setJovian()`.
pub const SET_JOVIAN_GAS: u64 = 90_000;

/// NUT 1: L1Block deployment (op-node intent).
pub const L1_BLOCK_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Jovian: L1 Block Deployment",
    source_hash: b256!("bb1a656f65401240fac3db12e7a79ebb954b11e62f7626eb11691539b798d3bf"),
};
/// NUT 2: L1Block proxy update (op-node intent).
pub const L1_BLOCK_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Jovian: L1 Block Proxy Update",
    source_hash: b256!("f3275f829340521028f9ad5bce4ecb1c64a45d448794effa2a77674627338e76"),
};
/// NUT 3: GasPriceOracle deployment (op-node intent).
pub const GAS_PRICE_ORACLE_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Jovian: Gas Price Oracle Deployment",
    source_hash: b256!("239b7021a6c2cf3a918481242bbb5a9499057f24501539467536c691bb133962"),
};
/// NUT 4: GasPriceOracle proxy update (op-node intent).
pub const GAS_PRICE_ORACLE_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Jovian: Gas Price Oracle Proxy Update",
    source_hash: b256!("a70c60aa53b8c1c0d52b39b1e901e7d7c09f7819595cb24048a6bb1983b401ff"),
};
/// NUT 5: `setJovian()` (same intent in spec and op-node).
pub const GAS_PRICE_ORACLE_SET_JOVIAN: UpgradeIntent = UpgradeIntent {
    intent: "Jovian: Gas Price Oracle Set Jovian",
    source_hash: b256!("e836db6a959371756f8941be3e962d000f7e12a32e49e2c9ca42ba177a92716c"),
};

/// Every Jovian intent, in transaction order.
pub const INTENTS: [UpgradeIntent; 5] = [
    L1_BLOCK_DEPLOYMENT,
    L1_BLOCK_PROXY_UPDATE,
    GAS_PRICE_ORACLE_DEPLOYMENT,
    GAS_PRICE_ORACLE_PROXY_UPDATE,
    GAS_PRICE_ORACLE_SET_JOVIAN,
];

/// The 5 Jovian NUTs, in order.
pub fn deposits() -> Vec<TxDeposit> {
    [
        deployment(
            L1_BLOCK_DEPLOYMENT,
            L1_BLOCK_DEPLOYER,
            L1_BLOCK_DEPLOYMENT_GAS,
            bytecode::JOVIAN_L1_BLOCK,
        ),
        proxy_update(L1_BLOCK_PROXY_UPDATE, L1_BLOCK_PROXY, L1_BLOCK_DEPLOYER),
        deployment(
            GAS_PRICE_ORACLE_DEPLOYMENT,
            GAS_PRICE_ORACLE_DEPLOYER,
            GAS_PRICE_ORACLE_DEPLOYMENT_GAS,
            bytecode::JOVIAN_GAS_PRICE_ORACLE,
        ),
        proxy_update(
            GAS_PRICE_ORACLE_PROXY_UPDATE,
            GAS_PRICE_ORACLE_PROXY,
            GAS_PRICE_ORACLE_DEPLOYER,
        ),
        gas_price_oracle_call(GAS_PRICE_ORACLE_SET_JOVIAN, SET_JOVIAN_SELECTOR, SET_JOVIAN_GAS),
    ]
    .into()
}
