//! EIP-1186 account and storage proofs (`account_proof`) against real state roots: the OP
//! Sepolia genesis state (vectors README §1) and the executor fixtures' parent and built
//! post-states (README §7), each checked with alloy-trie's proof verifier.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use alloy_consensus::TrieAccount;
use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_trie::{EMPTY_ROOT_HASH, KECCAK_EMPTY, Nibbles, proof::verify_proof};
use keel_core::{
    config::RollupConfig,
    executor::{
        AccountProof, ExecError, ExecutorFixture, MESSAGE_PASSER, WitnessStore, account_proof,
        build_block, genesis_block, parse_genesis, read_account,
    },
};

fn op_sepolia_genesis() -> (alloy_genesis::Genesis, B256, WitnessStore) {
    let dict = keel_tests::read_vector("configs/genesis/dictionary");
    let compressed = keel_tests::read_vector("configs/genesis/op-sepolia.json.zst");
    let mut decoder = ruzstd::decoding::FrameDecoder::new();
    decoder.add_dict(ruzstd::decoding::Dictionary::decode_dict(&dict).unwrap()).unwrap();
    let mut json = Vec::new();
    ruzstd::decoding::StreamingDecoder::new_with_decoder(compressed.as_slice(), decoder)
        .unwrap()
        .read_to_end(&mut json)
        .unwrap();
    let genesis = parse_genesis(&json).unwrap();
    let block = genesis_block(&RollupConfig::by_chain_id(11_155_420).unwrap(), &genesis).unwrap();
    let mut store = WitnessStore::new();
    for (_, value) in block.preimages {
        store.insert(value);
    }
    (genesis, block.header.state_root, store)
}

/// Checks an [`AccountProof`] with alloy-trie's verifier against `state_root`.
fn verify(state_root: B256, p: &AccountProof) {
    let key = Nibbles::unpack(keccak256(p.address));
    let absent = p.nonce == 0
        && p.balance.is_zero()
        && p.code_hash == KECCAK_EMPTY
        && p.storage_root == EMPTY_ROOT_HASH;
    let leaf = TrieAccount {
        nonce: p.nonce,
        balance: p.balance,
        storage_root: p.storage_root,
        code_hash: p.code_hash,
    };
    // An empty account may exist (genesis keeps them): accept either proof for it.
    let present = verify_proof(state_root, key, Some(alloy_rlp::encode(leaf)), &p.account_proof);
    if !(absent && verify_proof(state_root, key, None, &p.account_proof).is_ok()) {
        present.unwrap_or_else(|e| panic!("{}: {e:?}", p.address));
    }
    for s in &p.storage_proofs {
        let value = (!s.value.is_zero()).then(|| alloy_rlp::encode(s.value));
        verify_proof(p.storage_root, Nibbles::unpack(keccak256(s.key)), value, &s.proof)
            .unwrap_or_else(|e| panic!("{} slot {}: {e:?}", p.address, s.key));
    }
}

#[test]
fn genesis_state_proofs_verify() {
    let (genesis, root, store) = op_sepolia_genesis();
    assert_eq!(
        root,
        "0x06787a17a3ed87c339a39dbbeeb311578a0c83ed29daa2db95da62b28efce8a9"
            .parse::<B256>()
            .unwrap()
    );

    // The message passer: a predeploy proxy with code and storage at genesis.
    let want = &genesis.alloc[&MESSAGE_PASSER];
    let slots: Vec<B256> = want.storage.iter().flatten().map(|(k, _)| *k).collect();
    assert!(!slots.is_empty());
    let mut asked = slots.clone();
    asked.push(B256::repeat_byte(0x77)); // absent slot
    let p = account_proof(root, MESSAGE_PASSER, &asked, &store).unwrap();
    verify(root, &p);
    assert_eq!(p.balance, want.balance);
    assert_eq!(p.code_hash, keccak256(want.code.as_ref().unwrap()));
    assert_ne!(p.storage_root, EMPTY_ROOT_HASH);
    assert_eq!(p.storage_proofs.len(), asked.len());
    for s in &p.storage_proofs[..slots.len()] {
        let value = U256::from_be_bytes(want.storage.as_ref().unwrap()[&s.key].0);
        assert_eq!(s.value, value, "slot {}", s.key);
    }
    let absent_slot = p.storage_proofs.last().unwrap();
    assert_eq!(absent_slot.value, U256::ZERO);
    assert!(!absent_slot.proof.is_empty());
    let read = read_account(root, MESSAGE_PASSER, &store).unwrap().unwrap();
    assert_eq!(
        (read.balance, read.code_hash, read.storage_root),
        (p.balance, p.code_hash, p.storage_root)
    );

    // An absent account: zero fields, a proof of absence, empty storage proofs.
    let nobody = Address::repeat_byte(0xde);
    let p = account_proof(root, nobody, &[B256::ZERO], &store).unwrap();
    assert_eq!((p.balance, p.nonce), (U256::ZERO, 0));
    assert_eq!((p.code_hash, p.storage_root), (KECCAK_EMPTY, EMPTY_ROOT_HASH));
    assert!(!p.account_proof.is_empty());
    verify_proof(root, Nibbles::unpack(keccak256(nobody)), None, &p.account_proof).unwrap();
    assert_eq!(p.storage_proofs[0].value, U256::ZERO);
    assert!(p.storage_proofs[0].proof.is_empty());
    verify(root, &p);
    assert_eq!(read_account(root, nobody, &store).unwrap(), None);

    // Every genesis account proves, and a proof does not verify against another value.
    for (address, account) in genesis.alloc.iter().take(300) {
        let p = account_proof(root, *address, &[], &store).unwrap();
        assert_eq!(p.balance, account.balance);
        verify(root, &p);
    }
    let p = account_proof(root, MESSAGE_PASSER, &[], &store).unwrap();
    let wrong = TrieAccount {
        nonce: p.nonce + 1,
        balance: p.balance,
        storage_root: p.storage_root,
        code_hash: p.code_hash,
    };
    assert!(
        verify_proof(
            root,
            Nibbles::unpack(keccak256(MESSAGE_PASSER)),
            Some(alloy_rlp::encode(wrong)),
            &p.account_proof
        )
        .is_err()
    );
}

#[test]
fn fixture_state_proofs_verify_before_and_after_the_block() {
    let dir = "op-sepolia-26207961";
    let text = keel_tests::read_vector(&format!("executor/{dir}/fixture.json"));
    let f = ExecutorFixture::from_json(std::str::from_utf8(&text).unwrap()).unwrap();
    let witness =
        WitnessStore::parse(&keel_tests::read_vector(&format!("executor/{dir}/witness.bin")))
            .unwrap();
    let config = RollupConfig::by_chain_id(f.rollup_config.l2_chain_id).unwrap();
    let l1_block: Address = "0x4200000000000000000000000000000000000015".parse().unwrap();
    // L1Block slots the L1-info deposit rewrites (number, timestamp, basefee, hash, sequence).
    let slots: Vec<B256> = (0u8..5).map(B256::with_last_byte).collect();

    let parent_root = f.parent_header.state_root;
    let before = account_proof(parent_root, l1_block, &slots, &witness).unwrap();
    verify(parent_root, &before);
    assert!(before.storage_proofs.iter().any(|s| !s.value.is_zero()));

    let built =
        build_block(&config, &f.parent_header, &f.executing_payload, &[], &witness).unwrap();
    assert_eq!(built.hash, f.expected_block_hash);
    let mut store = witness.clone();
    for (_, value) in &built.preimages {
        store.insert(value.clone());
    }
    let post_root = built.header.state_root;
    let after = account_proof(post_root, l1_block, &slots, &store).unwrap();
    verify(post_root, &after);
    assert_ne!(after.storage_root, before.storage_root);
    assert_eq!(after.code_hash, before.code_hash);
    // Slot 0 packs the L1 block number and timestamp: the new origin's (or the same one).
    assert_ne!(after.storage_proofs, before.storage_proofs);

    // The witness alone lacks the message passer's path: a typed error naming the node.
    let err = account_proof(parent_root, MESSAGE_PASSER, &[], &witness).unwrap_err();
    assert!(matches!(err, ExecError::MissingPreimage(_)), "{err:?}");
}
