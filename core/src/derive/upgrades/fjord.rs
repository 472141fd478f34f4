//! Fjord NUTs (spec: fjord/derivation.md § Network upgrade automation transactions).
//!
//! Order: GasPriceOracle deployment, GasPriceOracle proxy update, `setFjord()`.

use super::{
    GAS_PRICE_ORACLE_PROXY, UpgradeIntent, bytecode, deployment, gas_price_oracle_call,
    proxy_update,
};
use alloc::vec::Vec;
use alloy_primitives::{Address, address, b256};
use op_alloy_consensus::TxDeposit;

/// Deployer of the Fjord `GasPriceOracle`; the contract lands at
/// `0xa919894851548179A0750865e7974DA599C0Fac7`.
pub const GAS_PRICE_ORACLE_DEPLOYER: Address = address!("4210000000000000000000000000000000000002");
/// `setFjord()`.
pub const SET_FJORD_SELECTOR: [u8; 4] = [0x8e, 0x98, 0xb1, 0x06];

/// Gas limit of the GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT_GAS: u64 = 1_450_000;
/// Gas limit of `setFjord()`.
pub const SET_FJORD_GAS: u64 = 90_000;

/// NUT 1: GasPriceOracle deployment.
pub const GAS_PRICE_ORACLE_DEPLOYMENT: UpgradeIntent = UpgradeIntent {
    intent: "Fjord: Gas Price Oracle Deployment",
    source_hash: b256!("86122c533fdcb89b16d8713174625e44578a89751d96c098ec19ab40a51a8ea3"),
};
/// NUT 2: GasPriceOracle proxy update.
pub const GAS_PRICE_ORACLE_PROXY_UPDATE: UpgradeIntent = UpgradeIntent {
    intent: "Fjord: Gas Price Oracle Proxy Update",
    source_hash: b256!("1e6bb0c28bfab3dc9b36ffb0f721f00d6937f33577606325692db0965a7d58c6"),
};
/// NUT 3: `setFjord()`.
pub const GAS_PRICE_ORACLE_SET_FJORD: UpgradeIntent = UpgradeIntent {
    intent: "Fjord: Gas Price Oracle Set Fjord",
    source_hash: b256!("bac7bb0d5961cad209a345408b0280a0d4686b1b20665e1b0f9cdafd73b19b6b"),
};

/// Every Fjord intent, in transaction order.
pub const INTENTS: [UpgradeIntent; 3] =
    [GAS_PRICE_ORACLE_DEPLOYMENT, GAS_PRICE_ORACLE_PROXY_UPDATE, GAS_PRICE_ORACLE_SET_FJORD];

/// The 3 Fjord NUTs, in order.
pub fn deposits() -> Vec<TxDeposit> {
    [
        deployment(
            GAS_PRICE_ORACLE_DEPLOYMENT,
            GAS_PRICE_ORACLE_DEPLOYER,
            GAS_PRICE_ORACLE_DEPLOYMENT_GAS,
            bytecode::FJORD_GAS_PRICE_ORACLE,
        ),
        proxy_update(
            GAS_PRICE_ORACLE_PROXY_UPDATE,
            GAS_PRICE_ORACLE_PROXY,
            GAS_PRICE_ORACLE_DEPLOYER,
        ),
        gas_price_oracle_call(GAS_PRICE_ORACLE_SET_FJORD, SET_FJORD_SELECTOR, SET_FJORD_GAS),
    ]
    .into()
}
