//! Init code (creation bytecode) of the predeploy implementations the upgrade transactions
//! deploy, one hex file each under `bytecode/`.
//!
//! The hex is protocol data, as published with the specs (`specs/static/bytecode/*.txt` in
//! ethereum-optimism/specs) and embedded by op-node. It is decoded at compile time: a malformed
//! file is a build error, so nothing here can fail at run time.

use alloy_primitives::hex;

/// Declares a `&'static [u8]` decoded at compile time from a hex file (no `0x`, surrounding
/// whitespace ignored).
macro_rules! bytecode {
    ($(#[$doc:meta])* $name:ident = $file:literal) => {
        $(#[$doc])*
        pub(crate) static $name: &[u8] = {
            const HEX: &[u8] = include_str!($file).as_bytes().trim_ascii();
            const CODE: [u8; HEX.len() / 2] = match hex::const_decode_to_array(HEX) {
                Ok(code) => code,
                Err(_) => panic!(concat!("invalid hex in ", $file)),
            };
            &CODE
        };
    };
}

bytecode!(
    /// Ecotone `L1Block` (contracts-bedrock 5996d0bc; runtime 0x53e bytes).
    ECOTONE_L1_BLOCK = "bytecode/ecotone_l1_block.hex"
);
bytecode!(
    /// Ecotone `GasPriceOracle` (contracts-bedrock 5996d0bc).
    ECOTONE_GAS_PRICE_ORACLE = "bytecode/ecotone_gas_price_oracle.hex"
);
bytecode!(
    /// Fjord `GasPriceOracle` (FastLZ L1 fee; contracts-bedrock 52abfb50).
    FJORD_GAS_PRICE_ORACLE = "bytecode/fjord_gas_price_oracle.hex"
);
bytecode!(
    /// Isthmus `L1Block` (operator fee; contracts-bedrock 9436dba8).
    ISTHMUS_L1_BLOCK = "bytecode/isthmus_l1_block.hex"
);
bytecode!(
    /// Isthmus `GasPriceOracle` (operator fee; contracts-bedrock 9436dba8).
    ISTHMUS_GAS_PRICE_ORACLE = "bytecode/isthmus_gas_price_oracle.hex"
);
bytecode!(
    /// Isthmus `OperatorFeeVault` (recipient = BaseFeeVault, min withdrawal 0, network L2,
    /// set as immutables by its constructor).
    ISTHMUS_OPERATOR_FEE_VAULT = "bytecode/isthmus_operator_fee_vault.hex"
);
bytecode!(
    /// Jovian `L1Block` (DA footprint scalar; contracts-bedrock 773798a6).
    JOVIAN_L1_BLOCK = "bytecode/jovian_l1_block.hex"
);
bytecode!(
    /// Jovian `GasPriceOracle` (operator fee fix; contracts-bedrock 773798a6).
    JOVIAN_GAS_PRICE_ORACLE = "bytecode/jovian_gas_price_oracle.hex"
);

/// EIP-4788 beacon-roots contract init code, as published in the EIP.
pub(crate) static EIP4788_INIT_CODE: &[u8] = &hex!(
    "60618060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500"
);

/// EIP-2935 block-hash history contract init code, as published in the EIP (final version,
/// deployed by `0x3462413Af4609098e1E27A490f554f260213D685`).
pub(crate) static EIP2935_INIT_CODE: &[u8] = &hex!(
    "60538060095f395ff33373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500"
);
