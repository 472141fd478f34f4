//! Network-upgrade transactions (NUTs): the deposits a fork's activation block carries after the
//! user deposits (spec: ecotone, fjord, isthmus and jovian derivation.md § Network upgrade
//! automation transactions; checklist §4.8).
//!
//! Each NUT is a deposit with mint 0, value 0 and `isSystemTx = false`, identified by an
//! *intent* string whose upgrade-domain source hash ([`upgrade_source_hash`]) makes it unique.
//! Three shapes occur:
//! * **deployment**: `to = None`, data = init code, sent from a dedicated deployer whose nonce is
//!   0, so the contract lands at `CREATE(deployer, 0)` ([`Address::create`]);
//! * **proxy update**: `upgradeTo(CREATE(deployer, 0))` on the predeploy proxy, from the zero
//!   address (the proxy admin bypass for `address(0)`), gas 50,000;
//! * **activation call**: `setEcotone()` etc. on the GasPriceOracle, from the L1-info depositor.
//!
//! [`upgrade_transactions`] returns the NUTs of an L2 block: for every fork whose activation block
//! it is, in fork order Ecotone, Fjord, Isthmus, Jovian, concatenated (op-node's
//! `attributes.go` appends each fork's list in that order, so forks activating in the same block
//! contribute their NUTs one after the other). Skipped on purpose:
//! * **Karst**: newer op-node loads a NUT bundle (intents `Karst <i>: …`) at Karst activation;
//!   the Karst spec is experimental and the bundle is not specified (checklist §10);
//! * **Interop**: experimental; op-node appends its NUTs after Jovian's.
//!
//! The Jovian intents follow op-node, not the spec text (checklist §4.8 **[DIVERGES]**): see
//! [`jovian`].

mod bytecode;
pub mod ecotone;
pub mod fjord;
pub mod isthmus;
pub mod jovian;

use crate::{
    config::{Fork, RollupConfig},
    deposit::{TxDeposit, encode_deposit, upgrade_source_hash},
    l1_info::{L1_BLOCK_PREDEPLOY, L1_INFO_DEPOSITOR},
};
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, Bytes, TxKind, U256, address};

/// The `GasPriceOracle` predeploy proxy.
pub const GAS_PRICE_ORACLE_PROXY: Address = address!("420000000000000000000000000000000000000F");
/// The `L1Block` predeploy proxy.
pub const L1_BLOCK_PROXY: Address = L1_BLOCK_PREDEPLOY;
/// The `OperatorFeeVault` predeploy proxy (Isthmus).
pub const OPERATOR_FEE_VAULT_PROXY: Address = address!("420000000000000000000000000000000000001B");
/// `from` of the GasPriceOracle activation calls: the L1-info depositor account.
pub const DEPOSITOR_ACCOUNT: Address = L1_INFO_DEPOSITOR;
/// Selector of `upgradeTo(address)`, the ERC-1967 proxy implementation update.
pub const UPGRADE_TO_SELECTOR: [u8; 4] = [0x36, 0x59, 0xcf, 0xe6];
/// Gas limit of every proxy update.
pub const PROXY_UPDATE_GAS: u64 = 50_000;

/// The identity of one upgrade transaction: its intent string and the source hash derived from
/// it (`keccak256(bytes32(2) ++ keccak256(utf8(intent)))`). The hash is stored, not computed,
/// so it can be read and compared with the spec; tests check it against the intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UpgradeIntent {
    /// The intent string, e.g. `"Ecotone: L1 Block Deployment"`.
    pub intent: &'static str,
    /// The deposit's source hash.
    pub source_hash: B256,
}

impl UpgradeIntent {
    /// Whether [`Self::source_hash`] is the upgrade-domain hash of [`Self::intent`].
    pub fn is_consistent(&self) -> bool {
        upgrade_source_hash(self.intent) == self.source_hash
    }
}

/// Calldata of `upgradeTo(implementation)`: selector ++ the address left-padded to 32 bytes.
pub fn upgrade_to_calldata(implementation: Address) -> Bytes {
    let mut data = Vec::with_capacity(4 + 32);
    data.extend_from_slice(&UPGRADE_TO_SELECTOR);
    data.extend_from_slice(implementation.into_word().as_slice());
    data.into()
}

/// A NUT with the common fields filled in.
const fn nut(
    id: UpgradeIntent,
    from: Address,
    to: TxKind,
    gas_limit: u64,
    input: Bytes,
) -> TxDeposit {
    TxDeposit {
        source_hash: id.source_hash,
        from,
        to,
        mint: 0,
        value: U256::ZERO,
        gas_limit,
        is_system_transaction: false,
        input,
    }
}

/// A contract deployment from `deployer` (nonce 0): lands at `deployer.create(0)`.
pub(crate) const fn deployment(
    id: UpgradeIntent,
    deployer: Address,
    gas_limit: u64,
    init_code: &'static [u8],
) -> TxDeposit {
    nut(id, deployer, TxKind::Create, gas_limit, Bytes::from_static(init_code))
}

/// Points `proxy` at the contract `deployer` created with nonce 0.
pub(crate) fn proxy_update(id: UpgradeIntent, proxy: Address, deployer: Address) -> TxDeposit {
    let calldata = upgrade_to_calldata(deployer.create(0));
    nut(id, Address::ZERO, TxKind::Call(proxy), PROXY_UPDATE_GAS, calldata)
}

/// A GasPriceOracle activation call (`setEcotone()` etc.) from the depositor account.
pub(crate) fn gas_price_oracle_call(
    id: UpgradeIntent,
    selector: [u8; 4],
    gas_limit: u64,
) -> TxDeposit {
    let input = Bytes::copy_from_slice(&selector);
    nut(id, DEPOSITOR_ACCOUNT, TxKind::Call(GAS_PRICE_ORACLE_PROXY), gas_limit, input)
}

/// Encodes deposits as EIP-2718 (`0x7E`) transactions.
fn encode_all(deposits: Vec<TxDeposit>) -> Vec<Bytes> {
    deposits.iter().map(encode_deposit).collect()
}

/// The 6 Ecotone NUTs, encoded ([`ecotone::deposits`]).
pub fn ecotone_upgrade_txs() -> Vec<Bytes> {
    encode_all(ecotone::deposits())
}

/// The 3 Fjord NUTs, encoded ([`fjord::deposits`]).
pub fn fjord_upgrade_txs() -> Vec<Bytes> {
    encode_all(fjord::deposits())
}

/// The 8 Isthmus NUTs, encoded ([`isthmus::deposits`]).
pub fn isthmus_upgrade_txs() -> Vec<Bytes> {
    encode_all(isthmus::deposits())
}

/// The 5 Jovian NUTs, encoded ([`jovian::deposits`]).
pub fn jovian_upgrade_txs() -> Vec<Bytes> {
    encode_all(jovian::deposits())
}

/// The forks that carry NUTs, in the order their lists are concatenated.
pub const FORKS_WITH_UPGRADE_TXS: [Fork; 4] =
    [Fork::Ecotone, Fork::Fjord, Fork::Isthmus, Fork::Jovian];

/// The NUTs of `fork`'s activation block, as deposits; empty for a fork without NUTs.
pub fn fork_upgrade_deposits(fork: Fork) -> Vec<TxDeposit> {
    match fork {
        Fork::Ecotone => ecotone::deposits(),
        Fork::Fjord => fjord::deposits(),
        Fork::Isthmus => isthmus::deposits(),
        Fork::Jovian => jovian::deposits(),
        _ => Vec::new(),
    }
}

/// The NUTs (as deposits) of the L2 block at `l2_timestamp`: for each fork in
/// [`FORKS_WITH_UPGRADE_TXS`] whose activation block this is, that fork's list, in fork order.
/// Empty for any other block, and for genesis and forks active at genesis (they have no
/// activation block: [`RollupConfig::is_activation_block`]).
pub fn upgrade_deposits(cfg: &RollupConfig, l2_timestamp: u64) -> Vec<TxDeposit> {
    FORKS_WITH_UPGRADE_TXS
        .into_iter()
        .filter(|&fork| cfg.is_activation_block(fork, l2_timestamp))
        .flat_map(fork_upgrade_deposits)
        .collect()
}

/// The EIP-2718 encoded NUTs the L2 block at `l2_timestamp` must carry after its user deposits
/// (see [`upgrade_deposits`]).
pub fn upgrade_transactions(cfg: &RollupConfig, l2_timestamp: u64) -> Vec<Bytes> {
    encode_all(upgrade_deposits(cfg, l2_timestamp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{hex, keccak256};

    fn all_intents() -> Vec<UpgradeIntent> {
        [&ecotone::INTENTS[..], &fjord::INTENTS, &isthmus::INTENTS, &jovian::INTENTS].concat()
    }

    #[test]
    fn rule_4_8_intent_constants_match_their_source_hash() {
        for id in all_intents() {
            assert!(
                id.is_consistent(),
                "{}: {} != {}",
                id.intent,
                id.source_hash,
                upgrade_source_hash(id.intent)
            );
        }
    }

    #[test]
    fn rule_4_8_deposits_carry_their_intents_in_order() {
        for (fork, intents) in [
            (Fork::Ecotone, &ecotone::INTENTS[..]),
            (Fork::Fjord, &fjord::INTENTS),
            (Fork::Isthmus, &isthmus::INTENTS),
            (Fork::Jovian, &jovian::INTENTS),
        ] {
            let deposits = fork_upgrade_deposits(fork);
            let hashes: Vec<B256> = deposits.iter().map(|d| d.source_hash).collect();
            let expected: Vec<B256> = intents.iter().map(|i| i.source_hash).collect();
            assert_eq!(hashes, expected, "{fork:?}");
            for d in &deposits {
                assert_eq!((d.mint, d.value, d.is_system_transaction), (0, U256::ZERO, false));
            }
        }
        assert!(fork_upgrade_deposits(Fork::Holocene).is_empty());
        assert!(fork_upgrade_deposits(Fork::Karst).is_empty());
    }

    #[test]
    fn rule_4_8_selectors_are_the_named_functions() {
        for (sig, sel) in [
            ("upgradeTo(address)", UPGRADE_TO_SELECTOR),
            ("setEcotone()", ecotone::SET_ECOTONE_SELECTOR),
            ("setFjord()", fjord::SET_FJORD_SELECTOR),
            ("setIsthmus()", isthmus::SET_ISTHMUS_SELECTOR),
            ("setJovian()", jovian::SET_JOVIAN_SELECTOR),
        ] {
            assert_eq!(keccak256(sig)[..4], sel, "{sig}");
        }
    }

    #[test]
    fn upgrade_to_calldata_layout() {
        let data = upgrade_to_calldata(address!("07dbe8500fc591d1852B76feE44d5a05e13097Ff"));
        assert_eq!(
            data.as_ref(),
            hex!("3659cfe600000000000000000000000007dbe8500fc591d1852b76fee44d5a05e13097ff")
        );
    }

    #[test]
    fn bytecode_decodes_to_solidity_init_code() {
        for code in [
            bytecode::ECOTONE_L1_BLOCK,
            bytecode::ECOTONE_GAS_PRICE_ORACLE,
            bytecode::FJORD_GAS_PRICE_ORACLE,
            bytecode::ISTHMUS_L1_BLOCK,
            bytecode::ISTHMUS_GAS_PRICE_ORACLE,
            bytecode::JOVIAN_L1_BLOCK,
            bytecode::JOVIAN_GAS_PRICE_ORACLE,
        ] {
            assert!(code.starts_with(&hex!("6080604052")));
            // Solidity metadata trailer (solc 0.8.15).
            assert!(code.ends_with(&hex!("64736f6c634300080f000a")));
        }
        // The OperatorFeeVault constructor allocates more memory for its immutables.
        assert!(bytecode::ISTHMUS_OPERATOR_FEE_VAULT.starts_with(&hex!("60e0604052")));
    }
}
