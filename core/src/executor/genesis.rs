//! The L2 genesis block from an op-geth `genesis.json`, built as op-geth builds it: the header
//! fields from the file, the secure-trie state root of `alloc`, and the fork-gated fields of
//! the forks active at the genesis timestamp. The state's trie nodes and code come back as
//! preimages, so a database host can execute block 1 on top.
//!
//! A genesis file is user input: nothing in it is trusted to be well-formed beyond what serde
//! already checked, and every rule op-geth leaves to a later block (a Holocene `extraData`
//! that could not be extended, say) is refused here instead.

use alloc::{string::String, vec::Vec};

use alloy_consensus::{EMPTY_OMMER_ROOT_HASH, Header, TrieAccount};
use alloy_eips::eip7685::EMPTY_REQUESTS_HASH;
use alloy_genesis::Genesis;
use alloy_primitives::{B64, B256, Bytes, U256, keccak256};
use alloy_trie::{EMPTY_ROOT_HASH, KECCAK_EMPTY};

use super::{
    ExecError, LazyTrie, MESSAGE_PASSER,
    block::{active, canyon_params},
    witness::WitnessStore,
};
use crate::config::RollupConfig;

/// op-geth's genesis base fee when the file sets none (EIP-1559's initial base fee, 1 gwei).
pub const GENESIS_BASE_FEE: u64 = 1_000_000_000;

/// geth's genesis gas limit when the file sets 0.
const GENESIS_GAS_LIMIT: u64 = 4_712_388;

/// Longest `extraData` a header may carry (geth's `MaximumExtraDataSize`; op-node's payloads
/// hold at most this much).
const MAX_EXTRA_DATA: usize = 32;

/// A genesis block with the preimages of its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenesisBlock {
    /// The sealed header.
    pub header: Header,
    /// keccak256 of the RLP header.
    pub hash: B256,
    /// `(keccak256(value), value)` for every trie node of the genesis state referenced by hash
    /// (account trie and every storage trie, roots included) and every contract's code.
    pub preimages: Vec<(B256, Bytes)>,
}

/// Why a genesis file does not give a genesis block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// The file is not genesis JSON.
    #[error("invalid genesis JSON: {0}")]
    Json(String),
    /// The file describes its state only by `stateHash` (OP Mainnet's legacy stub): the state,
    /// and so a block that can be executed on, cannot be built from it.
    #[error("genesis gives only a stateHash, no alloc to build the state from")]
    StateHashOnly,
    /// `alloc` is empty: an OP chain's genesis holds at least its predeploys.
    #[error("genesis alloc is empty")]
    EmptyAlloc,
    /// `extraData` is longer than a header may carry.
    #[error("genesis extraData is {0} bytes, at most 32 allowed")]
    ExtraDataTooLong(usize),
    /// With Holocene (or Jovian) active at genesis, `extraData` must hold the EIP-1559
    /// parameters block 1's base fee is computed from.
    #[error("genesis extraData is not a valid {fork} encoding: {reason}")]
    InvalidExtraData {
        /// The fork whose encoding is required.
        fork: &'static str,
        /// What was wrong.
        reason: &'static str,
    },
    /// The chain's Canyon EIP-1559 parameters do not fit the `extraData` encoding (u32 each).
    #[error("the chain's EIP-1559 parameters do not fit extraData")]
    Eip1559Params,
    /// `baseFeePerGas` does not fit a header's 64 bits.
    #[error("genesis baseFeePerGas {0} exceeds 64 bits")]
    BaseFeeOverflow(u128),
    /// Building the state trie failed (only possible with keys of the wrong length).
    #[error("genesis state trie: {0}")]
    State(ExecError),
}

/// Parses an op-geth `genesis.json` (as the superchain registry ships them: `"config": null`,
/// extra `gasUsed` / `stateHash` keys) into alloy's [`Genesis`].
pub fn parse_genesis(json: &[u8]) -> Result<Genesis, GenesisError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| GenesisError::Json(alloc::format!("{e}")))?;
    let object = value.as_object_mut().ok_or(GenesisError::Json("not an object".into()))?;
    if object.get("stateHash").is_some_and(|h| !h.is_null()) {
        return Err(GenesisError::StateHashOnly);
    }
    // alloy's chain config is no Option; the registry's files carry none (the rollup config
    // has the forks), so a null one stands for the default.
    if object.get("config").is_some_and(serde_json::Value::is_null) {
        object.remove("config");
    }
    serde_json::from_value(value).map_err(|e| GenesisError::Json(alloc::format!("{e}")))
}

/// The Holocene/Jovian `extraData` of the genesis block: the file's if it is a valid encoding
/// for the fork active at genesis, the chain's Canyon parameters (and a zero `minBaseFee`) if
/// the file has none, else an error. op-geth copies the file's bytes verbatim (op-chain-ops
/// writes the encoding when it creates the file), so for every file op-geth can extend the
/// result is the same.
fn genesis_extra_data(config: &RollupConfig, genesis: &Genesis) -> Result<Bytes, GenesisError> {
    let extra = &genesis.extra_data;
    if extra.len() > MAX_EXTRA_DATA {
        return Err(GenesisError::ExtraDataTooLong(extra.len()));
    }
    let ts = genesis.timestamp;
    let jovian = active(config.jovian_time, ts);
    if !jovian && !active(config.holocene_time, ts) {
        return Ok(extra.clone());
    }
    let fork = if jovian { "Jovian" } else { "Holocene" };
    if extra.is_empty() {
        let encoded = if jovian {
            op_alloy_consensus::encode_jovian_extra_data(B64::ZERO, canyon_params(config), 0)
        } else {
            op_alloy_consensus::encode_holocene_extra_data(B64::ZERO, canyon_params(config))
        };
        return encoded.map_err(|_| GenesisError::Eip1559Params);
    }
    let invalid = |reason| GenesisError::InvalidExtraData { fork, reason };
    let (_, denominator) = if jovian {
        let (elasticity, denominator, _) = op_alloy_consensus::decode_jovian_extra_data(extra)
            .map_err(|_| invalid("not version 1 with 16 bytes of parameters"))?;
        (elasticity, denominator)
    } else {
        op_alloy_consensus::decode_holocene_extra_data(extra)
            .map_err(|_| invalid("not version 0 with 8 bytes of parameters"))?
    };
    // A zero denominator would make block 1's base fee a division by zero.
    if denominator == 0 {
        return Err(invalid("zero base fee change denominator"));
    }
    Ok(extra.clone())
}

/// Builds the genesis block `genesis` describes for the chain `config`.
///
/// Header: number, timestamp, extraData, gasLimit (4712388 if 0), difficulty, mixHash,
/// coinbase, nonce and parentHash from the file; the secure-trie state root of `alloc` (every
/// account, even an empty one; storage slots as given, zero values omitted); empty
/// transaction, receipt and ommer roots; a zero bloom; `baseFeePerGas` from the file or
/// [`GENESIS_BASE_FEE`]. By the forks active at the genesis timestamp: Canyon (Shanghai)
/// adds an empty `withdrawalsRoot` (from Isthmus the L2ToL1MessagePasser's storage root),
/// Ecotone (Cancun) a zero `parentBeaconBlockRoot` and `blobGasUsed` / `excessBlobGas` (from
/// the file or 0), Isthmus (Prague) the empty `requestsHash`, Holocene / Jovian an
/// `extraData` holding EIP-1559 parameters (see [`GenesisError::InvalidExtraData`]).
pub fn genesis_block(
    config: &RollupConfig,
    genesis: &Genesis,
) -> Result<GenesisBlock, GenesisError> {
    if genesis.alloc.is_empty() {
        return Err(GenesisError::EmptyAlloc);
    }
    let extra_data = genesis_extra_data(config, genesis)?;
    let base_fee = match genesis.base_fee_per_gas {
        Some(fee) => u64::try_from(fee).map_err(|_| GenesisError::BaseFeeOverflow(fee))?,
        None => GENESIS_BASE_FEE,
    };

    // Tries built in memory from nothing never fetch: an empty source answers nothing.
    let none = WitnessStore::new();
    let mut preimages = Vec::new();
    let mut accounts = LazyTrie::empty();
    let mut message_passer_root = EMPTY_ROOT_HASH;
    for (address, account) in &genesis.alloc {
        let mut storage = LazyTrie::empty();
        for (slot, value) in account.storage.iter().flatten() {
            let value = U256::from_be_bytes(value.0);
            if value.is_zero() {
                continue;
            }
            let key = keccak256(slot);
            storage
                .insert(key.as_slice(), alloy_rlp::encode(value), &none)
                .map_err(GenesisError::State)?;
        }
        preimages.extend(storage.hashed_nodes());
        let code_hash = match account.code.as_ref().filter(|code| !code.is_empty()) {
            Some(code) => {
                let hash = keccak256(code);
                preimages.push((hash, code.clone()));
                hash
            }
            None => KECCAK_EMPTY,
        };
        let leaf = TrieAccount {
            nonce: account.nonce.unwrap_or_default(),
            balance: account.balance,
            storage_root: storage.root(),
            code_hash,
        };
        if *address == MESSAGE_PASSER {
            message_passer_root = leaf.storage_root;
        }
        accounts
            .insert(keccak256(address).as_slice(), alloy_rlp::encode(leaf), &none)
            .map_err(GenesisError::State)?;
    }
    preimages.extend(accounts.hashed_nodes());
    preimages.sort_unstable_by_key(|(hash, _)| *hash);
    preimages.dedup_by_key(|(hash, _)| *hash);

    let ts = genesis.timestamp;
    let isthmus = active(config.isthmus_time, ts);
    let ecotone = active(config.ecotone_time, ts);
    let withdrawals_root = if isthmus {
        Some(message_passer_root)
    } else {
        active(config.canyon_time, ts).then_some(EMPTY_ROOT_HASH)
    };
    let header = Header {
        parent_hash: genesis.parent_hash.unwrap_or_default(),
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: genesis.coinbase,
        state_root: accounts.root(),
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        logs_bloom: Default::default(),
        difficulty: genesis.difficulty,
        number: genesis.number.unwrap_or_default(),
        gas_limit: if genesis.gas_limit == 0 { GENESIS_GAS_LIMIT } else { genesis.gas_limit },
        gas_used: 0,
        timestamp: ts,
        extra_data,
        mix_hash: genesis.mix_hash,
        nonce: genesis.nonce.into(),
        base_fee_per_gas: Some(base_fee),
        withdrawals_root,
        blob_gas_used: ecotone.then(|| genesis.blob_gas_used.unwrap_or_default()),
        excess_blob_gas: ecotone.then(|| genesis.excess_blob_gas.unwrap_or_default()),
        parent_beacon_block_root: ecotone.then_some(B256::ZERO),
        requests_hash: isthmus.then_some(EMPTY_REQUESTS_HASH),
        block_access_list_hash: None,
        slot_number: None,
    };
    let hash = header.hash_slow();
    Ok(GenesisBlock { header, hash, preimages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_genesis::GenesisAccount;
    use alloy_primitives::{Address, address};

    fn config() -> RollupConfig {
        RollupConfig::by_chain_id(11_155_420).unwrap()
    }

    fn small_genesis() -> Genesis {
        let mut genesis = Genesis { gas_limit: 30_000_000, ..Default::default() };
        let mut storage = alloc::collections::BTreeMap::new();
        storage.insert(B256::with_last_byte(1), B256::with_last_byte(7));
        storage.insert(B256::with_last_byte(2), B256::ZERO);
        genesis.alloc.insert(
            MESSAGE_PASSER,
            GenesisAccount {
                code: Some(Bytes::from_static(&[0x60, 0x00])),
                storage: Some(storage),
                ..Default::default()
            },
        );
        genesis.alloc.insert(
            address!("0x00000000000000000000000000000000000000aa"),
            GenesisAccount { balance: U256::from(5), nonce: Some(1), ..Default::default() },
        );
        genesis.alloc.insert(Address::repeat_byte(0xbb), GenesisAccount::default());
        genesis
    }

    #[test]
    fn state_root_matches_hash_builder() {
        let genesis = small_genesis();
        let block = genesis_block(&config(), &genesis).unwrap();
        let mut storage = alloy_trie::HashBuilder::default();
        storage.add_leaf(
            alloy_trie::Nibbles::unpack(keccak256(B256::with_last_byte(1))),
            &alloy_rlp::encode(U256::from(7)),
        );
        let storage_root = storage.root();
        let mut leaves: Vec<(B256, Vec<u8>)> = genesis
            .alloc
            .iter()
            .map(|(address, account)| {
                let code_hash = account.code.as_ref().map_or(KECCAK_EMPTY, keccak256);
                let leaf = TrieAccount {
                    nonce: account.nonce.unwrap_or_default(),
                    balance: account.balance,
                    storage_root: if *address == MESSAGE_PASSER {
                        storage_root
                    } else {
                        EMPTY_ROOT_HASH
                    },
                    code_hash,
                };
                (keccak256(address), alloy_rlp::encode(leaf))
            })
            .collect();
        leaves.sort();
        let mut hb = alloy_trie::HashBuilder::default();
        for (key, value) in &leaves {
            hb.add_leaf(alloy_trie::Nibbles::unpack(key), value);
        }
        assert_eq!(block.header.state_root, hb.root());
        // Bedrock header at this config's genesis timestamp 0... (before every fork time).
        assert_eq!(block.header.withdrawals_root, None);
        assert_eq!(block.header.base_fee_per_gas, Some(GENESIS_BASE_FEE));
        assert!(block.preimages.iter().any(|(k, _)| *k == block.header.state_root));
        assert!(block.preimages.iter().any(|(k, _)| *k == keccak256([0x60, 0x00])));
    }

    #[test]
    fn malformed_genesis_is_typed() {
        let config = config();
        assert_eq!(genesis_block(&config, &Genesis::default()), Err(GenesisError::EmptyAlloc));
        let mut genesis = small_genesis();
        genesis.extra_data = Bytes::from(alloc::vec![1u8; 33]);
        assert_eq!(genesis_block(&config, &genesis), Err(GenesisError::ExtraDataTooLong(33)));
        let mut genesis = small_genesis();
        genesis.base_fee_per_gas = Some(u128::from(u64::MAX) + 1);
        assert_eq!(
            genesis_block(&config, &genesis),
            Err(GenesisError::BaseFeeOverflow(u128::from(u64::MAX) + 1))
        );
        assert!(matches!(parse_genesis(b"[1]"), Err(GenesisError::Json(_))));
        assert!(matches!(parse_genesis(b"{\"alloc\": 5}"), Err(GenesisError::Json(_))));
        assert!(matches!(parse_genesis(b"\xff"), Err(GenesisError::Json(_))));
        assert_eq!(
            parse_genesis(br#"{"config": null, "alloc": {}, "stateHash": "0x01"}"#),
            Err(GenesisError::StateHashOnly)
        );
        let parsed = parse_genesis(br#"{"config": null, "gasUsed": "0x0", "alloc": {}}"#);
        assert_eq!(parsed.unwrap().alloc.len(), 0);
    }

    /// A config with every fork through `last` active at time 0 (and the rest never).
    fn forks_at_genesis(jovian: bool) -> RollupConfig {
        let mut config = config();
        for fork in [
            &mut config.regolith_time,
            &mut config.canyon_time,
            &mut config.delta_time,
            &mut config.ecotone_time,
            &mut config.fjord_time,
            &mut config.granite_time,
            &mut config.holocene_time,
            &mut config.isthmus_time,
        ] {
            *fork = Some(0);
        }
        config.jovian_time = jovian.then_some(0);
        config.karst_time = None;
        config.interop_time = None;
        config
    }

    #[test]
    fn isthmus_and_jovian_at_genesis_set_their_fields() {
        let genesis = small_genesis();
        for jovian in [false, true] {
            let config = forks_at_genesis(jovian);
            let block = genesis_block(&config, &genesis).unwrap();
            let h = &block.header;
            // Isthmus: withdrawalsRoot is the message passer's storage root (slot 1 = 7).
            let mut expected = LazyTrie::empty();
            let key = keccak256(B256::with_last_byte(1));
            expected
                .insert(key.as_slice(), alloy_rlp::encode(U256::from(7)), &WitnessStore::new())
                .unwrap();
            assert_eq!(h.withdrawals_root, Some(expected.root()));
            assert_ne!(h.withdrawals_root, Some(EMPTY_ROOT_HASH));
            assert!(block.preimages.iter().any(|(k, _)| *k == expected.root()));
            assert_eq!(h.requests_hash, Some(EMPTY_REQUESTS_HASH));
            assert_eq!((h.blob_gas_used, h.excess_blob_gas), (Some(0), Some(0)));
            assert_eq!(h.parent_beacon_block_root, Some(B256::ZERO));
            // No extraData in the file: the chain's Canyon parameters (250, 6), encoded.
            let mut want = alloc::vec![u8::from(jovian)];
            want.extend_from_slice(&250u32.to_be_bytes());
            want.extend_from_slice(&6u32.to_be_bytes());
            if jovian {
                want.extend_from_slice(&0u64.to_be_bytes());
            }
            assert_eq!(h.extra_data.as_ref(), want.as_slice(), "jovian {jovian}");
            if jovian {
                assert_eq!(
                    op_alloy_consensus::decode_jovian_extra_data(&h.extra_data),
                    Ok((6, 250, 0))
                );
            } else {
                assert_eq!(
                    op_alloy_consensus::decode_holocene_extra_data(&h.extra_data),
                    Ok((6, 250))
                );
            }
            assert_eq!(block.hash, h.hash_slow());
            // A file's own valid encoding is kept as is.
            let mut own = genesis.clone();
            let mut params = alloc::vec![u8::from(jovian), 0, 0, 0, 50, 0, 0, 0, 10];
            if jovian {
                params.extend_from_slice(&1000u64.to_be_bytes());
            }
            own.extra_data = Bytes::from(params.clone());
            let block = genesis_block(&config, &own).unwrap();
            assert_eq!(block.header.extra_data.as_ref(), params.as_slice());
        }
    }

    #[test]
    fn invalid_eip1559_extra_data_at_genesis_is_typed() {
        let genesis =
            |extra: &[u8]| Genesis { extra_data: Bytes::copy_from_slice(extra), ..small_genesis() };
        let holocene = forks_at_genesis(false);
        let jovian = forks_at_genesis(true);
        let v0 = [0u8, 0, 0, 0, 50, 0, 0, 0, 10];
        let v1 = [1u8, 0, 0, 0, 50, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0];
        for (config, extra, fork) in [
            (&holocene, &b"BEDROCK"[..], "Holocene"),
            (&holocene, &v1[..], "Holocene"),
            (&jovian, &v0[..], "Jovian"),
            (&jovian, &v1[..16], "Jovian"),
        ] {
            let err = genesis_block(config, &genesis(extra)).unwrap_err();
            assert!(
                matches!(err, GenesisError::InvalidExtraData { fork: f, .. } if f == fork),
                "{extra:?}: {err:?}"
            );
        }
        let zero = [0u8, 0, 0, 0, 0, 0, 0, 0, 10];
        assert_eq!(
            genesis_block(&holocene, &genesis(&zero)),
            Err(GenesisError::InvalidExtraData {
                fork: "Holocene",
                reason: "zero base fee change denominator"
            })
        );
        // Before Holocene any extraData up to 32 bytes is the file's.
        let block = genesis_block(&config(), &genesis(b"BEDROCK")).unwrap();
        assert_eq!(block.header.extra_data.as_ref(), b"BEDROCK");
    }
}
