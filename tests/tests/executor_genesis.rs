//! Genesis blocks from the superchain registry's genesis files (vectors README §1 "Genesis
//! files"): the exact state roots, and headers that hash to each chain's `genesis.l2.hash`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use alloy_primitives::{B256, keccak256};
use keel_core::{
    config::RollupConfig,
    executor::{
        GENESIS_BASE_FEE, GenesisError, LazyTrie, WitnessStore, genesis_block, parse_genesis,
    },
};

/// Decompresses `configs/genesis/<name>.json.zst` with the registry's zstd dictionary.
fn registry_genesis(name: &str) -> Vec<u8> {
    let dict = keel_tests::read_vector("configs/genesis/dictionary");
    let compressed = keel_tests::read_vector(&format!("configs/genesis/{name}.json.zst"));
    let mut decoder = ruzstd::decoding::FrameDecoder::new();
    decoder.add_dict(ruzstd::decoding::Dictionary::decode_dict(&dict).unwrap()).unwrap();
    let mut stream =
        ruzstd::decoding::StreamingDecoder::new_with_decoder(compressed.as_slice(), decoder)
            .unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    out
}

fn b256(hex: &str) -> B256 {
    hex.parse().unwrap()
}

/// README §1: the Bedrock genesis headers of three chains, with their accounts and state roots.
#[test]
fn registry_genesis_files_give_the_chains_genesis_blocks() {
    for (name, chain_id, accounts, state_root) in [
        (
            "op-sepolia",
            11_155_420,
            2066,
            "0x06787a17a3ed87c339a39dbbeeb311578a0c83ed29daa2db95da62b28efce8a9",
        ),
        (
            "base-mainnet",
            8453,
            2064,
            "0xb2afcb88cd1d0ab228f0415d99b0fb90a18e8515daf5eb31f55b5c4697e18328",
        ),
        (
            "base-sepolia",
            84_532,
            2322,
            "0x907f339ca16b3e45a89a7f4cc29d4430c8d4178d73b370ec9180e04a0dd7fcf3",
        ),
    ] {
        let genesis =
            parse_genesis(&registry_genesis(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(genesis.alloc.len(), accounts, "{name}");
        let config = RollupConfig::by_chain_id(chain_id).unwrap();
        let block = genesis_block(&config, &genesis).unwrap_or_else(|e| panic!("{name}: {e}"));
        let h = &block.header;
        assert_eq!(h.state_root, b256(state_root), "{name}");
        assert_eq!(block.hash, config.genesis.l2.hash, "{name}");
        assert_eq!(h.number, 0);
        assert_eq!(h.timestamp, config.genesis.l2_time, "{name}");
        assert_eq!(h.base_fee_per_gas, Some(GENESIS_BASE_FEE));
        assert_eq!(h.transactions_root, alloy_trie::EMPTY_ROOT_HASH);
        assert_eq!(h.receipts_root, alloy_trie::EMPTY_ROOT_HASH);
        assert_eq!(h.withdrawals_root, None, "{name}: Bedrock genesis");

        // The preimages make the whole state readable: every account and its code.
        let mut store = WitnessStore::new();
        for (key, value) in &block.preimages {
            assert_eq!(store.insert(value.clone()), *key, "{name}");
        }
        let mut state = LazyTrie::new(h.state_root);
        for (address, account) in &genesis.alloc {
            let rlp = state.get(keccak256(address).as_slice(), &store).unwrap().unwrap();
            let leaf: alloy_consensus::TrieAccount =
                alloy_rlp::Decodable::decode(&mut rlp.as_slice()).unwrap();
            assert_eq!(leaf.balance, account.balance, "{name}: {address}");
            if let Some(code) = account.code.as_ref().filter(|c| !c.is_empty()) {
                assert_eq!(store.get(&leaf.code_hash), Some(code), "{name}: {address}");
            }
            let mut storage = LazyTrie::new(leaf.storage_root);
            for (slot, value) in account.storage.iter().flatten() {
                let got = storage.get(keccak256(slot).as_slice(), &store).unwrap();
                let want = alloy_primitives::U256::from_be_bytes(value.0);
                match got {
                    Some(rlp) => assert_eq!(
                        <alloy_primitives::U256 as alloy_rlp::Decodable>::decode(
                            &mut rlp.as_slice()
                        )
                        .unwrap(),
                        want
                    ),
                    None => assert!(want.is_zero(), "{name}: {address} {slot}"),
                }
            }
        }
    }
}

/// README §1: OP Mainnet's file is a legacy stub with only a `stateHash`: no state to build.
#[test]
fn op_mainnet_state_hash_stub_is_refused() {
    let json = registry_genesis("op-mainnet");
    assert_eq!(json.len(), 741);
    assert_eq!(parse_genesis(&json), Err(GenesisError::StateHashOnly));
}
