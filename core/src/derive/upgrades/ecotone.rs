//! Ecotone NUTs (spec: ecotone/derivation.md § Network upgrade automation transactions).
//!
//! Order: L1Block deployment, GasPriceOracle deployment, L1Block proxy update, GasPriceOracle
//! proxy update, `setEcotone()`, EIP-4788 beacon-roots deployment.

use super::{
    GAS_PRICE_ORACLE_PROXY, L1_BLOCK_PROXY, UpgradeIntent, bytecode, deployment,
    gas_price_oracle_call, proxy_update,
};
use alloc::vec::Vec;
use alloy_primitives::{Address, address, b256};
use op_alloy_consensus::TxDeposit;

/// Deployer of the Ecotone `L1Block`; the contract lands at
/// `0x07dbe8500fc591d1852B76feE44d5a05e13097Ff`.
pub const L1_BLOCK_DEPLOYER: Address = address!("4210000000000000000000000000000000000000");
/// Deployer of the Ecotone `GasPriceOracle`; the contract lands at
/// `0xb528D11cC114E026F138fE568744c6D45ce6Da7A`.
pub const GAS_PRICE_ORACLE_DEPLOYER: Address = address!("4210000000000000000000000000000000000001");
/// The EIP-4788 keyless deployer; its nonce-0 contract is the beacon-roots contract
/// `0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02`. If a user already sent the EIP's own
/// transaction, the NUT deploys a second, unused copy at nonce 1.
pub const EIP4788_DEPLOYER: Address = address!("0B799C86a49DEeb90402691F1041aa3AF2d3C875");
/// `setEcotone()`.
pub const SET_ECOTONE_SELECTOR: [u8; 4] = [0x22, 0xb9, 0x0a, 0xb3];

/// Gas limit of the L1Block deployment.
pub const L1_BLOCK_DEPLOYMENT_GAS: u64 = 375_000;
/// Gas limit of the GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT_GAS: u64 = 1_000_000;
/// Gas limit of `setEcotone()`.
pub const SET_ECOTONE_GAS: u64 = 80_000;
/// Gas limit of the EIP-4788 deployment (`0x3d090`, the EIP's value).
pub const EIP4788_DEPLOYMENT_GAS: u64 = 250_000;

/// NUT 1: L1Block deployment.
pub const L1_BLOCK_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Ecotone: L1 Block Deployment",
    source_hash: b256!("877a6077205782ea15a6dc8699fa5ebcec5e0f4389f09cb8eda09488231346f8"),
};
/// NUT 2: GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Ecotone: Gas Price Oracle Deployment",
    source_hash: b256!("a312b4510adf943510f05fcc8f15f86995a5066bd83ce11384688ae20e6ecf42"),
};
/// NUT 3: L1Block proxy update.
pub const L1_BLOCK_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Ecotone: L1 Block Proxy Update",
    source_hash: b256!("18acb38c5ff1c238a7460ebc1b421fa49ec4874bdf1e0a530d234104e5e67dbc"),
};
/// NUT 4: GasPriceOracle proxy update.
pub const GAS_PRICE_ORACLE_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Ecotone: Gas Price Oracle Proxy Update",
    source_hash: b256!("ee4f9385eceef498af0be7ec5862229f426dec41c8d42397c7257a5117d9230a"),
};
/// NUT 5: `setEcotone()`.
pub const GAS_PRICE_ORACLE_SET_ECOTONE: UpgradeIntent = UpgradeIntent {
    intent: "Ecotone: Gas Price Oracle Set Ecotone",
    source_hash: b256!("0c1cb38e99dbc9cbfab3bb80863380b0905290b37eb3d6ab18dc01c1f3e75f93"),
};
/// NUT 6: EIP-4788 beacon-roots contract deployment (note the lower-case intent).
pub const BEACON_ROOTS_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Ecotone: beacon block roots contract deployment",
    source_hash: b256!("69b763c48478b9dc2f65ada09b3d92133ec592ea715ec65ad6e7f3dc519dc00c"),
};

/// Every Ecotone intent, in transaction order.
pub const INTENTS: [UpgradeIntent; 6] = [
    L1_BLOCK_DEPLOYMENT,
    GAS_PRICE_ORACLE_DEPLOYMENT,
    L1_BLOCK_PROXY_UPDATE,
    GAS_PRICE_ORACLE_PROXY_UPDATE,
    GAS_PRICE_ORACLE_SET_ECOTONE,
    BEACON_ROOTS_DEPLOYMENT,
];

/// The 6 Ecotone NUTs, in order.
pub fn deposits() -> Vec<TxDeposit> {
    [
        deployment(
            L1_BLOCK_DEPLOYMENT,
            L1_BLOCK_DEPLOYER,
            L1_BLOCK_DEPLOYMENT_GAS,
            bytecode::ECOTONE_L1_BLOCK,
        ),
        deployment(
            GAS_PRICE_ORACLE_DEPLOYMENT,
            GAS_PRICE_ORACLE_DEPLOYER,
            GAS_PRICE_ORACLE_DEPLOYMENT_GAS,
            bytecode::ECOTONE_GAS_PRICE_ORACLE,
        ),
        proxy_update(L1_BLOCK_PROXY_UPDATE, L1_BLOCK_PROXY, L1_BLOCK_DEPLOYER),
        proxy_update(
            GAS_PRICE_ORACLE_PROXY_UPDATE,
            GAS_PRICE_ORACLE_PROXY,
            GAS_PRICE_ORACLE_DEPLOYER,
        ),
        gas_price_oracle_call(GAS_PRICE_ORACLE_SET_ECOTONE, SET_ECOTONE_SELECTOR, SET_ECOTONE_GAS),
        deployment(
            BEACON_ROOTS_DEPLOYMENT,
            EIP4788_DEPLOYER,
            EIP4788_DEPLOYMENT_GAS,
            bytecode::EIP4788_INIT_CODE,
        ),
    ]
    .into()
}
