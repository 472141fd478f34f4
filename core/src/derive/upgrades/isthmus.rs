//! Isthmus NUTs (spec: isthmus/derivation.md § Network upgrade automation transactions).
//!
//! Order: L1Block, GasPriceOracle and OperatorFeeVault deployments; their three proxy updates;
//! `setIsthmus()`; EIP-2935 block-hash history deployment.
//!
//! Spec typos (the values here follow op-node): the `setIsthmus()` verification snippet prints
//! `0x8e98b106` (that is `setFjord()`; the data is `0x291b0383`), and the GasPriceOracle and
//! OperatorFeeVault `compute-address` snippets name the L1Block deployer.

use super::{
    GAS_PRICE_ORACLE_PROXY, L1_BLOCK_PROXY, OPERATOR_FEE_VAULT_PROXY, UpgradeIntent, bytecode,
    deployment, gas_price_oracle_call, proxy_update,
};
use alloc::vec::Vec;
use alloy_primitives::{Address, address, b256};
use op_alloy_consensus::TxDeposit;

/// Deployer of the Isthmus `L1Block`; the contract lands at
/// `0xFf256497D61dcd71a9e9Ff43967C13fdE1F72D12`.
pub const L1_BLOCK_DEPLOYER: Address = address!("4210000000000000000000000000000000000003");
/// Deployer of the Isthmus `GasPriceOracle`; the contract lands at
/// `0x93e57A196454CB919193fa9946f14943cf733845`.
pub const GAS_PRICE_ORACLE_DEPLOYER: Address = address!("4210000000000000000000000000000000000004");
/// Deployer of the `OperatorFeeVault`; the contract lands at
/// `0x4fa2Be8cd41504037F1838BcE3bCC93bC68Ff537`.
pub const OPERATOR_FEE_VAULT_DEPLOYER: Address =
    address!("4210000000000000000000000000000000000005");
/// The EIP-2935 keyless deployer (final EIP version); its nonce-0 contract is the history
/// contract `0x0000F90827F1C53a10cb7A02335B175320002935`. Older op-node and spec versions used
/// the draft EIP's `0xE9f0662359Bb2c8111840eFFD73B9AFA77CbDE10`.
pub const EIP2935_DEPLOYER: Address = address!("3462413Af4609098e1E27A490f554f260213D685");
/// `setIsthmus()`.
pub const SET_ISTHMUS_SELECTOR: [u8; 4] = [0x29, 0x1b, 0x03, 0x83];

/// Gas limit of the L1Block deployment.
pub const L1_BLOCK_DEPLOYMENT_GAS: u64 = 425_000;
/// Gas limit of the GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT_GAS: u64 = 1_625_000;
/// Gas limit of the OperatorFeeVault deployment.
pub const OPERATOR_FEE_VAULT_DEPLOYMENT_GAS: u64 = 500_000;
/// Gas limit of `setIsthmus()`.
pub const SET_ISTHMUS_GAS: u64 = 90_000;
/// Gas limit of the EIP-2935 deployment.
pub const EIP2935_DEPLOYMENT_GAS: u64 = 250_000;

/// NUT 1: L1Block deployment.
pub const L1_BLOCK_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: L1 Block Deployment",
    source_hash: b256!("3b2d0821ca2411ad5cd3595804d1213d15737188ae4cbd58aa19c821a6c211bf"),
};
/// NUT 2: GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: Gas Price Oracle Deployment",
    source_hash: b256!("fc70b48424763fa3fab9844253b4f8d508f91eb1f7cb11a247c9baec0afb8035"),
};
/// NUT 3: OperatorFeeVault deployment.
pub const OPERATOR_FEE_VAULT_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: Operator Fee Vault Deployment",
    source_hash: b256!("107a570d3db75e6110817eb024f09f3172657e920634111ce9875d08a16daa96"),
};
/// NUT 4: L1Block proxy update.
pub const L1_BLOCK_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: L1 Block Proxy Update",
    source_hash: b256!("ebe8b5cb10ca47e0d8bda8f5355f2d66711a54ddeb0ef1d30e29418c9bf17a0e"),
};
/// NUT 5: GasPriceOracle proxy update.
pub const GAS_PRICE_ORACLE_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: Gas Price Oracle Proxy Update",
    source_hash: b256!("ecf2d9161d26c54eda6b7bfdd9142719b1e1199a6e5641468d1bf705bc531ab0"),
};
/// NUT 6: OperatorFeeVault proxy update.
pub const OPERATOR_FEE_VAULT_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: Operator Fee Vault Proxy Update",
    source_hash: b256!("ad74e1adb877ccbe176b8fa1cc559388a16e090ddbe8b512f5b37d07d887a927"),
};
/// NUT 7: `setIsthmus()`.
pub const GAS_PRICE_ORACLE_SET_ISTHMUS: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: Gas Price Oracle Set Isthmus",
    source_hash: b256!("3ddf4b1302548dd92939826e970f260ba36167f4c25f18390a5e8b194b295319"),
};
/// NUT 8: EIP-2935 contract deployment.
pub const EIP2935_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Isthmus: EIP-2935 Contract Deployment",
    source_hash: b256!("bfb734dae514c5974ddf803e54c1bc43d5cdb4a48ae27e1d9b875a5a150b553a"),
};

/// Every Isthmus intent, in transaction order.
pub const INTENTS: [UpgradeIntent; 8] = [
    L1_BLOCK_DEPLOYMENT,
    GAS_PRICE_ORACLE_DEPLOYMENT,
    OPERATOR_FEE_VAULT_DEPLOYMENT,
    L1_BLOCK_PROXY_UPDATE,
    GAS_PRICE_ORACLE_PROXY_UPDATE,
    OPERATOR_FEE_VAULT_PROXY_UPDATE,
    GAS_PRICE_ORACLE_SET_ISTHMUS,
    EIP2935_DEPLOYMENT,
];

/// The 8 Isthmus NUTs, in order.
pub fn deposits() -> Vec<TxDeposit> {
    [
        deployment(
            L1_BLOCK_DEPLOYMENT,
            L1_BLOCK_DEPLOYER,
            L1_BLOCK_DEPLOYMENT_GAS,
            bytecode::ISTHMUS_L1_BLOCK,
        ),
        deployment(
            GAS_PRICE_ORACLE_DEPLOYMENT,
            GAS_PRICE_ORACLE_DEPLOYER,
            GAS_PRICE_ORACLE_DEPLOYMENT_GAS,
            bytecode::ISTHMUS_GAS_PRICE_ORACLE,
        ),
        deployment(
            OPERATOR_FEE_VAULT_DEPLOYMENT,
            OPERATOR_FEE_VAULT_DEPLOYER,
            OPERATOR_FEE_VAULT_DEPLOYMENT_GAS,
            bytecode::ISTHMUS_OPERATOR_FEE_VAULT,
        ),
        proxy_update(L1_BLOCK_PROXY_UPDATE, L1_BLOCK_PROXY, L1_BLOCK_DEPLOYER),
        proxy_update(
            GAS_PRICE_ORACLE_PROXY_UPDATE,
            GAS_PRICE_ORACLE_PROXY,
            GAS_PRICE_ORACLE_DEPLOYER,
        ),
        proxy_update(
            OPERATOR_FEE_VAULT_PROXY_UPDATE,
            OPERATOR_FEE_VAULT_PROXY,
            OPERATOR_FEE_VAULT_DEPLOYER,
        ),
        gas_price_oracle_call(GAS_PRICE_ORACLE_SET_ISTHMUS, SET_ISTHMUS_SELECTOR, SET_ISTHMUS_GAS),
        deployment(
            EIP2935_DEPLOYMENT,
            EIP2935_DEPLOYER,
            EIP2935_DEPLOYMENT_GAS,
            bytecode::EIP2935_INIT_CODE,
        ),
    ]
    .into()
}
