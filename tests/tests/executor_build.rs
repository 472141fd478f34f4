//! Block building (`build_block`) on the real executor fixtures (vectors README §7): the same
//! blocks as `execute_block`, pool transactions tried and rejected, and the exported post-state
//! preimages that make the new state readable.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_consensus::TrieAccount;
use alloy_eips::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, B256, Bytes, keccak256};
use alloy_trie::EMPTY_ROOT_HASH;
use keel_core::{
    config::RollupConfig,
    executor::{
        ExecError, ExecutorFixture, LazyTrie, PreimageSource, WitnessStore, build_block,
        execute_block,
    },
};
use op_alloy_consensus::OpTxEnvelope;

struct Case {
    dir: String,
    config: RollupConfig,
    fixture: ExecutorFixture,
    witness: WitnessStore,
}

fn case(dir: &str) -> Case {
    let text = keel_tests::read_vector(&format!("executor/{dir}/fixture.json"));
    let fixture = ExecutorFixture::from_json(std::str::from_utf8(&text).unwrap()).unwrap();
    let witness =
        WitnessStore::parse(&keel_tests::read_vector(&format!("executor/{dir}/witness.bin")))
            .unwrap();
    let config = RollupConfig::by_chain_id(fixture.rollup_config.l2_chain_id).unwrap();
    Case { dir: dir.to_string(), config, fixture, witness }
}

fn all_cases() -> Vec<Case> {
    let mut dirs: Vec<String> = std::fs::read_dir(keel_tests::vectors_dir().join("executor"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 17, "the 17 executor fixtures");
    dirs.iter().map(|d| case(d)).collect()
}

/// The accounts a block certainly touched: the L1-info and fee predeploys, the fee recipient
/// and every transaction's sender and recipient.
fn touched_accounts(c: &Case) -> Vec<Address> {
    let mut out: Vec<Address> = [
        "0x4200000000000000000000000000000000000015",
        "0x4200000000000000000000000000000000000011",
        "0x4200000000000000000000000000000000000019",
        "0x420000000000000000000000000000000000001a",
    ]
    .iter()
    .map(|a| a.parse().unwrap())
    .collect();
    out.push(c.fixture.executing_payload.payload_attributes.suggested_fee_recipient);
    for raw in c.fixture.executing_payload.transactions.iter().flatten() {
        let tx = OpTxEnvelope::decode_2718(&mut raw.as_ref()).unwrap();
        let from = match &tx {
            OpTxEnvelope::Deposit(d) => d.from,
            other => {
                alloy_consensus::transaction::SignerRecoverable::recover_signer(other).unwrap()
            }
        };
        out.push(from);
        if let Some(to) = alloy_consensus::Transaction::to(&tx) {
            out.push(to);
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn build_block_reproduces_every_fixture_and_exports_a_readable_post_state() {
    for c in all_cases() {
        let dir = &c.dir;
        let attrs = &c.fixture.executing_payload;
        let built = build_block(&c.config, &c.fixture.parent_header, attrs, &[], &c.witness)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(built.hash, c.fixture.expected_block_hash, "{dir}");
        let executed =
            execute_block(&c.config, &c.fixture.parent_header, attrs, &c.witness).unwrap();
        assert_eq!(built.header, executed.header, "{dir}");
        assert_eq!(built.transactions, *attrs.transactions.as_ref().unwrap(), "{dir}");
        assert_eq!(built.receipts, executed.receipts, "{dir}");
        assert!(built.rejected.is_empty(), "{dir}");
        // All fixtures are pre-Isthmus and none touches the message passer, whose path the
        // witnesses lack (README §7): its root, and so the output root, are unknown here.
        assert_eq!(built.message_passer_storage_root, None, "{dir}");
        assert_eq!(built.output_root(), None, "{dir}");

        // Exported preimages: keyed by their hash, sorted, unique, holding the new root.
        assert!(built.preimages.windows(2).all(|w| w[0].0 < w[1].0), "{dir}: sorted unique");
        for (key, value) in &built.preimages {
            assert_eq!(keccak256(value), *key, "{dir}");
        }
        let state_root = built.header.state_root;
        assert!(built.preimages.iter().any(|(k, _)| *k == state_root), "{dir}: root");

        // Witness + export read the post-state: every touched account, its code and (if
        // changed) its storage root resolve, and the trie re-encodes to the new root.
        let mut store = c.witness.clone();
        for (_, value) in &built.preimages {
            store.insert(value.clone());
        }
        let mut post = LazyTrie::new(state_root);
        let mut read = 0;
        for address in touched_accounts(&c) {
            let Some(rlp) = post
                .get(keccak256(address).as_slice(), &store)
                .unwrap_or_else(|e| panic!("{dir}: {address}: {e}"))
            else {
                continue;
            };
            let account: TrieAccount = alloy_rlp::Decodable::decode(&mut rlp.as_slice()).unwrap();
            if account.code_hash != alloy_trie::KECCAK_EMPTY {
                assert!(store.preimage(account.code_hash).is_ok(), "{dir}: {address} code");
            }
            if account.storage_root != EMPTY_ROOT_HASH
                && built.preimages.iter().any(|(k, _)| *k == account.storage_root)
            {
                assert!(store.preimage(account.storage_root).is_ok());
            }
            read += 1;
        }
        assert!(read >= 5, "{dir}: read {read} accounts");
        assert_eq!(post.root(), state_root, "{dir}");
        // The export alone reads every touched account: the commit resolved their paths.
        let mut export_only = WitnessStore::new();
        for (_, value) in &built.preimages {
            export_only.insert(value.clone());
        }
        let mut post = LazyTrie::new(state_root);
        for address in touched_accounts(&c) {
            post.get(keccak256(address).as_slice(), &export_only)
                .unwrap_or_else(|e| panic!("{dir}: {address} from the export alone: {e}"));
        }
    }
}

/// Changed storage tries are exported: L1Block (written by every L1-info deposit) has its new
/// storage root in the export, and its slots read back from witness + export.
#[test]
fn build_block_exports_changed_storage_tries() {
    let c = case("op-sepolia-26207961");
    let built = build_block(
        &c.config,
        &c.fixture.parent_header,
        &c.fixture.executing_payload,
        &[],
        &c.witness,
    )
    .unwrap();
    let mut store = c.witness.clone();
    for (_, value) in &built.preimages {
        store.insert(value.clone());
    }
    let l1_block: Address = "0x4200000000000000000000000000000000000015".parse().unwrap();
    let rlp = LazyTrie::new(built.header.state_root)
        .get(keccak256(l1_block).as_slice(), &store)
        .unwrap()
        .unwrap();
    let account: TrieAccount = alloy_rlp::Decodable::decode(&mut rlp.as_slice()).unwrap();
    assert!(built.preimages.iter().any(|(k, _)| *k == account.storage_root));
    // Slot 0 (number, timestamp) and slot 2 (basefee) are rewritten by every L1-info deposit.
    let mut storage = LazyTrie::new(account.storage_root);
    for slot in [0u8, 2] {
        let key = keccak256(B256::with_last_byte(slot));
        let value = storage.get(key.as_slice(), &store).unwrap();
        assert!(value.is_some(), "slot {slot}");
    }
}

fn is_deposit(raw: &Bytes) -> bool {
    raw.first() == Some(&0x7e)
}

/// The same transactions from the pool instead of the attributes give the same block; bad
/// pool transactions are rejected with the state untouched.
#[test]
fn build_block_from_pool_matches_and_rejects_invalid_transactions() {
    for dir in ["op-sepolia-26207962", "op-mainnet-132797000", "unichain-10215000"] {
        let c = case(dir);
        let all = c.fixture.executing_payload.transactions.clone().unwrap();
        let (deposits, pool): (Vec<Bytes>, Vec<Bytes>) = all.iter().cloned().partition(is_deposit);
        assert!(!pool.is_empty(), "{dir}");
        let mut attrs = c.fixture.executing_payload.clone();
        attrs.transactions = Some(deposits.clone());
        attrs.no_tx_pool = Some(false);

        let built = build_block(&c.config, &c.fixture.parent_header, &attrs, &pool, &c.witness)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(built.hash, c.fixture.expected_block_hash, "{dir}");
        assert_eq!(built.transactions, all, "{dir}");
        assert!(built.rejected.is_empty(), "{dir}");

        // Garbage first, the first pool tx twice (the copy's nonce is then too low), a deposit
        // and a transaction whose chain id was changed (same signature) at the end.
        let garbage = Bytes::from_static(&[0x02, 0xc1, 0x80]);
        let deposit = deposits[0].clone();
        let wrong_chain = pool
            .iter()
            .find_map(|raw| match OpTxEnvelope::decode_2718(&mut raw.as_ref()).unwrap() {
                OpTxEnvelope::Eip1559(signed) => {
                    let mut tx = signed.tx().clone();
                    tx.chain_id = 1;
                    let tx = OpTxEnvelope::Eip1559(alloy_consensus::Signed::new_unhashed(
                        tx,
                        *signed.signature(),
                    ));
                    Some(Bytes::from(tx.encoded_2718()))
                }
                _ => None,
            })
            .unwrap();
        let mut noisy = vec![garbage.clone(), pool[0].clone(), pool[0].clone()];
        noisy.extend(pool[1..].iter().cloned());
        noisy.push(deposit.clone());
        noisy.push(wrong_chain.clone());
        let built = build_block(&c.config, &c.fixture.parent_header, &attrs, &noisy, &c.witness)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(built.hash, c.fixture.expected_block_hash, "{dir}");
        assert_eq!(built.transactions, all, "{dir}");
        let rejected: Vec<(B256, &str)> =
            built.rejected.iter().map(|r| (r.hash, r.reason.as_str())).collect();
        assert_eq!(rejected.len(), 4, "{dir}: {rejected:?}");
        assert_eq!(rejected[0].0, keccak256(&garbage));
        assert!(rejected[0].1.contains("does not decode"), "{}", rejected[0].1);
        assert_eq!(rejected[1].0, keccak256(&pool[0]));
        assert!(rejected[1].1.to_lowercase().contains("nonce"), "{}", rejected[1].1);
        assert_eq!(rejected[2].0, keccak256(&deposit));
        assert!(rejected[2].1.contains("deposit"), "{}", rejected[2].1);
        assert_eq!(rejected[3].0, keccak256(&wrong_chain));
        assert!(rejected[3].1.contains("chain id 1"), "{}", rejected[3].1);

        // `noTxPool` ignores the pool entirely: a deposits-only block.
        attrs.no_tx_pool = Some(true);
        let deposits_only =
            build_block(&c.config, &c.fixture.parent_header, &attrs, &noisy, &c.witness).unwrap();
        assert_eq!(deposits_only.transactions, deposits, "{dir}");
        assert!(deposits_only.rejected.is_empty());
        assert_eq!(
            deposits_only.hash,
            execute_block(&c.config, &c.fixture.parent_header, &attrs, &c.witness).unwrap().hash
        );
    }
}

/// An invalid attributes transaction is an error (the attributes are invalid), not a rejection;
/// a state-source failure while trying a pool transaction aborts with the typed error.
#[test]
fn build_block_errors_on_invalid_attributes_and_missing_state() {
    let c = case("unichain-10211000");
    let mut attrs = c.fixture.executing_payload.clone();
    attrs.transactions.as_mut().unwrap().push(Bytes::from_static(&[0x02, 0xc1, 0x80]));
    let err =
        build_block(&c.config, &c.fixture.parent_header, &attrs, &[], &c.witness).unwrap_err();
    assert!(matches!(err, ExecError::InvalidTransaction { index: 2, .. }), "{err:?}");

    // A pool transaction calling a contract whose code the source lacks: the state is
    // unreadable, which is no fault of the transaction, so building aborts naming the code.
    let c = case("op-sepolia-26207962");
    let all = c.fixture.executing_payload.transactions.clone().unwrap();
    let (deposits, pool): (Vec<Bytes>, Vec<Bytes>) = all.iter().cloned().partition(is_deposit);
    let mut attrs = c.fixture.executing_payload.clone();
    attrs.transactions = Some(deposits);
    attrs.no_tx_pool = Some(false);
    let mut parent_state = LazyTrie::new(c.fixture.parent_header.state_root);
    let mut checked = false;
    for raw in &pool {
        let tx = OpTxEnvelope::decode_2718(&mut raw.as_ref()).unwrap();
        let Some(to) = alloy_consensus::Transaction::to(&tx) else { continue };
        let Some(rlp) = parent_state.get(keccak256(to).as_slice(), &c.witness).unwrap() else {
            continue;
        };
        let account: TrieAccount = alloy_rlp::Decodable::decode(&mut rlp.as_slice()).unwrap();
        if account.code_hash == alloy_trie::KECCAK_EMPTY {
            continue;
        }
        let mut partial = WitnessStore::new();
        for (_, value) in c.witness.iter().filter(|(k, _)| **k != account.code_hash) {
            partial.insert(value.clone());
        }
        // Only a contract the deposits do not run will do.
        if build_block(&c.config, &c.fixture.parent_header, &attrs, &[], &partial).is_err() {
            continue;
        }
        let result = build_block(&c.config, &c.fixture.parent_header, &attrs, &pool, &partial);
        assert_eq!(result.unwrap_err(), ExecError::MissingPreimage(account.code_hash));
        checked = true;
        break;
    }
    assert!(checked, "a pool transaction calls a contract");
}

/// A chain built from a synthetic Isthmus genesis: each block's deposit calls a contract that
/// stores BLOCKHASH(number - 3) and BLOCKHASH(number - 1), so hashes older than the parent are
/// read by walking the header preimages the host stored (keyed by block hash).
#[test]
fn blockhash_walks_stored_headers_on_a_built_chain() {
    use alloy_consensus::Header;
    use alloy_primitives::{Bytes, TxKind, U256};
    use keel_core::executor::{account_proof, genesis_block};
    use op_alloy_consensus::TxDeposit;

    let mut config = RollupConfig::by_chain_id(11_155_420).unwrap();
    keel_tests::chain::activate_through(&mut config, keel_core::config::Fork::Isthmus, 0);

    let contract = Address::repeat_byte(0xc0);
    let sender = Address::repeat_byte(0x5e);
    // NUMBER 3 SWAP1 SUB BLOCKHASH 0 SSTORE; NUMBER 1 SWAP1 SUB BLOCKHASH 1 SSTORE; STOP
    let code = Bytes::from_static(&[
        0x43, 0x60, 0x03, 0x90, 0x03, 0x40, 0x60, 0x00, 0x55, 0x43, 0x60, 0x01, 0x90, 0x03, 0x40,
        0x60, 0x01, 0x55, 0x00,
    ]);
    let mut genesis =
        alloy_genesis::Genesis { gas_limit: 30_000_000, timestamp: 0, ..Default::default() };
    genesis
        .alloc
        .insert(contract, alloy_genesis::GenesisAccount { code: Some(code), ..Default::default() });
    genesis.alloc.insert(
        sender,
        alloy_genesis::GenesisAccount {
            balance: U256::from(10u64).pow(U256::from(18)),
            ..Default::default()
        },
    );
    let genesis = genesis_block(&config, &genesis).unwrap();
    let mut store = WitnessStore::new();
    for (_, value) in &genesis.preimages {
        store.insert(value.clone());
    }
    let store_header = |store: &mut WitnessStore, header: &Header| {
        store.insert(Bytes::from(alloy_rlp::encode(header)));
    };
    store_header(&mut store, &genesis.header);

    let attrs_for = |number: u64| {
        let deposit = TxDeposit {
            source_hash: B256::with_last_byte(number as u8),
            from: sender,
            to: TxKind::Call(contract),
            mint: 0,
            value: U256::ZERO,
            gas_limit: 200_000,
            is_system_transaction: false,
            input: Bytes::new(),
        };
        let raw = alloy_primitives::hex::encode_prefixed(deposit.encoded_2718());
        serde_json::from_value::<op_alloy_rpc_types_engine::OpPayloadAttributes>(
            serde_json::json!({
                "timestamp": format!("{:#x}", number * 2),
                "prevRandao": B256::ZERO,
                "suggestedFeeRecipient": Address::ZERO,
                "withdrawals": [],
                "parentBeaconBlockRoot": B256::ZERO,
                "transactions": [raw],
                "noTxPool": true,
                "gasLimit": "0x1c9c380",
                "eip1559Params": "0x0000000000000000",
            }),
        )
        .unwrap()
    };

    let mut headers = vec![genesis.header.clone()];
    for number in 1..=5u64 {
        let parent = headers.last().unwrap().clone();
        let built = build_block(&config, &parent, &attrs_for(number), &[], &store)
            .unwrap_or_else(|e| panic!("block {number}: {e}"));
        assert_eq!(built.header.number, number);
        // Isthmus: the message passer has no storage, so its root is the empty root.
        assert_eq!(built.header.withdrawals_root, Some(EMPTY_ROOT_HASH));
        assert_eq!(built.message_passer_storage_root, Some(EMPTY_ROOT_HASH));
        for (_, value) in &built.preimages {
            store.insert(value.clone());
        }
        store_header(&mut store, &built.header);
        let slots = [B256::ZERO, B256::with_last_byte(1)];
        let p = account_proof(built.header.state_root, contract, &slots, &store).unwrap();
        let word = |i: usize| B256::from(p.storage_proofs[i].value.to_be_bytes::<32>());
        // BLOCKHASH(number - 1) is the parent's, known without a lookup; BLOCKHASH(number - 3)
        // walks two stored headers back (before block 3 it is out of range: zero).
        assert_eq!(word(1), parent.hash_slow(), "block {number}");
        let expected =
            if number >= 3 { headers[number as usize - 3].hash_slow() } else { B256::ZERO };
        assert_eq!(word(0), expected, "block {number}");
        headers.push(built.header);
    }

    // Block 6 asks BLOCKHASH(3), named by block 4's header (its parentHash): without that
    // header the walk stops with a typed error.
    let mut partial = WitnessStore::new();
    let header4 = keccak256(alloy_rlp::encode(&headers[4]));
    for (key, value) in store.iter().filter(|(k, _)| **k != header4) {
        partial.insert(value.clone());
        assert_eq!(*key, keccak256(value));
    }
    let err = build_block(&config, &headers[5], &attrs_for(6), &[], &partial).unwrap_err();
    assert_eq!(err, ExecError::MissingBlockHash(3));
}
