//! The stateless executor on the real executor fixtures (vectors README §7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::{B256, keccak256};
use keel_core::executor::{PreimageSource, WitnessStore};

/// The 17 fixture directories of README §7 with their record counts and parent state roots.
const FIXTURES: [(&str, usize, &str); 17] = [
    (
        "op-mainnet-132795025",
        2218,
        "0xc057c7daeb77bf0ea6ed6fe9d7cd9b287123f5990c5b43732ea437f5ac0f3777",
    ),
    (
        "op-mainnet-132796000",
        2478,
        "0x26341238cb3edeafd7e710a700d84633098e0fe65321fd867af0c6864401642b",
    ),
    (
        "op-mainnet-132796100",
        2845,
        "0x871fc2e46eed1cf9f2a29b4d17b542308dd0b3217ca1c18d921136c095234b31",
    ),
    (
        "op-mainnet-132797000",
        3852,
        "0x28cf079506cda6f52e6250712c3d63bb20400b66a48256746eeb95547e54fdcf",
    ),
    (
        "op-mainnet-132798000",
        2323,
        "0xa3d8e88bde90086f82d97c015bd5b645a08094f1063c094c03fd81bf7e317708",
    ),
    (
        "op-mainnet-132799000",
        4934,
        "0x05957e7ff226780f124952896a4511a9206b40cd81caf39b608a799600c05230",
    ),
    (
        "unichain-10211000",
        231,
        "0x3069f17423999849fd69720e2062b36bb74f5fe77d73dc882c02b5cb064a16e2",
    ),
    (
        "unichain-10215000",
        256,
        "0xd10b3c683d7d215fb21ce61a54362e5da3e9bd2ca56a48d4d44975d93c8a5953",
    ),
    (
        "unichain-10311000",
        320,
        "0x7e9c0236da25e4289254eae94aa79876cc75bf564e83f74b370df9ec38ee796c",
    ),
    (
        "op-sepolia-26207960",
        331,
        "0x3eca587529d13f62e6e9f9eaab218a6380a435e94a0315aece34e4ea7bd0964f",
    ),
    (
        "op-sepolia-26207961",
        2415,
        "0x2eef5d480dcb78a71b7d85a2d6026a03caf87f6cb2477bcb37aa63da757a6e11",
    ),
    (
        "op-sepolia-26207962",
        1742,
        "0x756d661d5c99adf3fc7a77e259a734b15769e0a95cfb3279f4645d2b6fab1af2",
    ),
    (
        "op-sepolia-26207963",
        674,
        "0x708e551806163d31661132eefd9133b7e05cae774cc2df1f473c69050c86f74d",
    ),
    (
        "op-sepolia-26208384",
        3528,
        "0x63e5fba85270aaae2a3a17bdcfa6bebb7c956898453809cdcf81199141d89672",
    ),
    (
        "op-sepolia-26208858",
        1535,
        "0x0a1973ce8b80a3654a57de6f4dd5ba006582cc1662b87ff3c67944b80b43a923",
    ),
    (
        "op-sepolia-26208927",
        2338,
        "0x28a404cb9583b61b4f74d364fd0fb619c5b74ac01928ef85cd962813ceeb5f0f",
    ),
    (
        "op-sepolia-26211680",
        2091,
        "0x91fa6dca06df7f249c265ffedc7f772b7cd78fcf529a7ef2f43d1abd251b2648",
    ),
];

fn witness(dir: &str) -> WitnessStore {
    let bytes = keel_tests::read_vector(&format!("executor/{dir}/witness.bin"));
    WitnessStore::parse(&bytes).unwrap_or_else(|e| panic!("{dir}: {e}"))
}

fn parent_state_root(dir: &str) -> B256 {
    let text = keel_tests::read_vector(&format!("executor/{dir}/fixture.json"));
    let json: serde_json::Value = serde_json::from_slice(&text).expect("fixture.json is JSON");
    json["parent_header"]["stateRoot"].as_str().expect("stateRoot").parse().expect("B256")
}

#[test]
fn all_witnesses_parse_with_verified_hashes() {
    let mut total = 0;
    for (dir, records, root) in FIXTURES {
        let store = witness(dir);
        assert_eq!(store.len(), records, "{dir}");
        for (key, value) in store.iter() {
            assert_eq!(keccak256(value), *key, "{dir}");
        }
        let root: B256 = root.parse().unwrap();
        assert_eq!(parent_state_root(dir), root, "{dir}");
        // README §7: the parent stateRoot itself is a key in every witness.
        assert!(store.preimage(root).is_ok(), "{dir}: state root preimage");
        total += store.len();
    }
    assert_eq!(total, 34111);
}

/// Predeploys every OP block touches: the L1-info deposit writes L1Block, fees go to the vaults.
const PREDEPLOYS: [&str; 4] = [
    "0x4200000000000000000000000000000000000015", // L1Block
    "0x4200000000000000000000000000000000000011", // SequencerFeeVault
    "0x4200000000000000000000000000000000000019", // BaseFeeVault
    "0x420000000000000000000000000000000000001a", // L1FeeVault
];

#[test]
fn lazy_trie_reads_predeploy_accounts_and_keeps_the_parent_root() {
    use alloy_consensus::TrieAccount;
    use alloy_primitives::Address;
    use keel_core::executor::LazyTrie;

    for (dir, _, root) in FIXTURES {
        let store = witness(dir);
        let root: B256 = root.parse().unwrap();
        let mut trie = LazyTrie::new(root);
        for address in PREDEPLOYS {
            let address: Address = address.parse().unwrap();
            let key = keccak256(address);
            let rlp = trie
                .get(key.as_slice(), &store)
                .unwrap_or_else(|e| panic!("{dir}: {address}: {e}"))
                .unwrap_or_else(|| panic!("{dir}: {address} has no account"));
            let account: TrieAccount = alloy_rlp::Decodable::decode(&mut rlp.as_slice()).unwrap();
            // Predeploys are proxies with code; L1Block's storage is written by the L1-info
            // deposit, so its storage root node is in the witness (the vaults' need not be).
            assert!(store.preimage(account.code_hash).is_ok(), "{dir}: {address} code");
            if address == PREDEPLOYS[0].parse::<Address>().unwrap() {
                assert!(store.preimage(account.storage_root).is_ok(), "{dir}: L1Block storage");
            }
            // Re-inserting the same value is a no-op on the root.
            trie.insert(key.as_slice(), rlp, &store).unwrap();
        }
        // The resolved nodes re-encode to exactly the parent state root.
        assert_eq!(trie.root(), root, "{dir}");
    }
}

/// The built-in rollup config of a fixture's chain (README §7: the fixtures' own configs lack
/// fork keys; the registry configs are sufficient).
fn rollup_config(dir: &str) -> keel_core::config::RollupConfig {
    let chain_id = if dir.starts_with("op-mainnet") {
        10
    } else if dir.starts_with("op-sepolia") {
        11_155_420
    } else {
        130
    };
    keel_core::config::RollupConfig::by_chain_id(chain_id).unwrap()
}

struct Fixture {
    parent: alloy_consensus::Header,
    attrs: op_alloy_rpc_types_engine::OpPayloadAttributes,
    expected: B256,
}

fn fixture(dir: &str) -> Fixture {
    let text = keel_tests::read_vector(&format!("executor/{dir}/fixture.json"));
    let json: serde_json::Value = serde_json::from_slice(&text).unwrap();
    Fixture {
        parent: serde_json::from_value(json["parent_header"].clone())
            .unwrap_or_else(|e| panic!("{dir}: parent_header: {e}")),
        attrs: serde_json::from_value(json["executing_payload"].clone())
            .unwrap_or_else(|e| panic!("{dir}: executing_payload: {e}")),
        expected: json["expected_block_hash"].as_str().unwrap().parse().unwrap(),
    }
}

#[test]
fn executes_all_fixtures_to_their_block_hash() {
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    let mut output_roots = 0;
    for (dir, _, _) in FIXTURES {
        let f = fixture(dir);
        let store = witness(dir);
        match keel_core::executor::execute_block(&rollup_config(dir), &f.parent, &f.attrs, &store) {
            Ok(mut block) if block.hash == f.expected => {
                // Pre-Isthmus the message passer is read from the post-state; a witness that
                // lacks its path names the missing node.
                match block.output_root(&store) {
                    Ok(_) => output_roots += 1,
                    Err(keel_core::executor::ExecError::MissingPreimage(_)) => {}
                    Err(e) => panic!("{dir}: output root: {e}"),
                }
                let txs = f.attrs.transactions.as_ref().map_or(0, Vec::len);
                assert_eq!(block.receipts.len(), txs, "{dir}");
                assert_eq!(block.header.parent_hash, f.parent.hash_slow(), "{dir}");
                assert_eq!(block.header.number, f.parent.number + 1, "{dir}");
                passed.push((dir, block.header.state_root));
            }
            Ok(block) => failures.push(format!("{dir}: hash {} != {}", block.hash, f.expected)),
            Err(e) => failures.push(format!("{dir}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{} of 17 failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(passed.len(), 17);
    // The witnesses hold only what execution read (README §7), and no block touched the
    // message passer, so none can give the pre-Isthmus output root: the error names the node.
    assert_eq!(output_roots, 0);
    // README §7: consecutive OP Sepolia blocks chain through their computed state roots.
    for pair in passed.windows(2) {
        let [(dir, root), (next, _)] = pair else { unreachable!() };
        if dir.starts_with("op-sepolia-2620796") && next.starts_with("op-sepolia-2620796") {
            assert_eq!(*root, parent_state_root(next), "{dir} -> {next}");
        }
    }
}

#[test]
fn missing_preimage_is_a_typed_error_naming_the_key() {
    use keel_core::executor::{ExecError, execute_block};
    let dir = "unichain-10211000";
    let f = fixture(dir);
    let root = f.parent.state_root;
    let err =
        execute_block(&rollup_config(dir), &f.parent, &f.attrs, &WitnessStore::new()).unwrap_err();
    assert_eq!(err, ExecError::MissingPreimage(root));
    // Drop one non-root record: execution reads every record, so it must name that key.
    let full = witness(dir);
    let (dropped, _) = full.iter().find(|(k, _)| **k != root).unwrap();
    let mut partial = WitnessStore::new();
    for (key, value) in full.iter().filter(|(k, _)| *k != dropped) {
        partial.insert(value.clone());
        assert!(partial.get(key).is_some());
    }
    let err = execute_block(&rollup_config(dir), &f.parent, &f.attrs, &partial).unwrap_err();
    assert_eq!(err, ExecError::MissingPreimage(*dropped));
}

/// README §4.2: Base Sepolia 37312300 (Jovian, Isthmus) re-executed from its geth witness. Its
/// header lacks blobGasUsed/excessBlobGas/requestsHash, so the block hash is not checkable, but
/// every root and field that is must match.
#[test]
fn base_sepolia_jovian_block_reproduces_its_roots() {
    use alloy_primitives::Bytes;
    let text = keel_tests::read_vector("l1info/base-sepolia-37312300.block-fixture.json");
    let json: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let mut store = WitnessStore::new();
    for map in ["State", "Codes"] {
        for value in json["witness"][map].as_object().unwrap().values() {
            store.insert(value.as_str().unwrap().parse::<Bytes>().unwrap());
        }
    }
    let parent: alloy_consensus::Header =
        serde_json::from_value(json["witness"]["Headers"][0].clone()).unwrap();
    let header = &json["blockHeader"];
    let hex = |key: &str| header[key].as_str().unwrap().to_string();
    assert_eq!(parent.hash_slow(), hex("parentHash").parse::<B256>().unwrap());
    let extra: Bytes = hex("extraData").parse().unwrap();
    let min_base_fee = u64::from_be_bytes(extra[9..17].try_into().unwrap());
    let attrs: op_alloy_rpc_types_engine::OpPayloadAttributes =
        serde_json::from_value(serde_json::json!({
            "timestamp": hex("timestamp"),
            "prevRandao": hex("mixHash"),
            "suggestedFeeRecipient": hex("miner"),
            "withdrawals": [],
            "parentBeaconBlockRoot": hex("parentBeaconBlockRoot"),
            "transactions": json["actualBlockTxs"],
            "noTxPool": true,
            "gasLimit": hex("gasLimit"),
            "eip1559Params": format!("0x{}", alloy_primitives::hex::encode(&extra[1..9])),
            "minBaseFee": min_base_fee,
        }))
        .unwrap();
    let config = keel_core::config::RollupConfig::by_chain_id(84_532).unwrap();
    let mut block = keel_core::executor::execute_block(&config, &parent, &attrs, &store).unwrap();
    let withdrawals_root = block.header.withdrawals_root.unwrap();
    // README §4.2: `messageAccount` proves the post-state L2ToL1MessagePasser storage root.
    assert_eq!(block.message_passer_storage_root(&store).unwrap(), withdrawals_root);
    let mut preimage = [0u8; 128];
    preimage[32..64].copy_from_slice(block.header.state_root.as_slice());
    preimage[64..96].copy_from_slice(withdrawals_root.as_slice());
    preimage[96..].copy_from_slice(block.hash.as_slice());
    assert_eq!(block.output_root(&store).unwrap(), keccak256(preimage));
    let h = &block.header;
    let b256 = |key: &str| hex(key).parse::<B256>().unwrap();
    let u64_of = |key: &str| u64::from_str_radix(hex(key).trim_start_matches("0x"), 16).unwrap();
    assert_eq!(h.state_root, json["expectedStateRoot"].as_str().unwrap().parse::<B256>().unwrap());
    assert_eq!(
        h.receipts_root,
        json["expectedReceiptsRoot"].as_str().unwrap().parse::<B256>().unwrap()
    );
    assert_eq!(h.transactions_root, b256("transactionsRoot"));
    // Isthmus: withdrawalsRoot is the L2ToL1MessagePasser storage root.
    assert_eq!(h.withdrawals_root, Some(b256("withdrawalsRoot")));
    assert_eq!(h.logs_bloom, hex("logsBloom").parse::<alloy_primitives::Bloom>().unwrap());
    assert_eq!(h.gas_used, u64_of("gasUsed"));
    assert_eq!(h.base_fee_per_gas, Some(u64_of("baseFeePerGas")));
    assert_eq!(h.extra_data, extra);
    assert_eq!(h.number, 37_312_300);
}

fn quantity(value: &serde_json::Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// README §5: 202 Base mainnet receipts (no logsBloom in the JSON: computed from the logs) give
/// the receipts root 0x0381a869…0062; the deposit receipt carries its nonce and version 1.
#[test]
fn base_mainnet_receipts_root() {
    use alloy_consensus::{Eip658Value, Receipt, ReceiptWithBloom};
    use alloy_primitives::{Address, Bytes, Log};
    use op_alloy_consensus::{OpDepositReceipt, OpDepositReceiptWithBloom, OpReceiptEnvelope};

    let text = keel_tests::read_vector("receipts/base-mainnet-42969982.receipts.json");
    let json: Vec<serde_json::Value> = serde_json::from_slice(&text).unwrap();
    assert_eq!(json.len(), 202);
    let receipts: Vec<OpReceiptEnvelope> = json
        .iter()
        .map(|r| {
            let logs = r["logs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|log| {
                    let topics = log["topics"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap().parse::<B256>().unwrap())
                        .collect();
                    Log::new_unchecked(
                        log["address"].as_str().unwrap().parse::<Address>().unwrap(),
                        topics,
                        log["data"].as_str().unwrap().parse::<Bytes>().unwrap(),
                    )
                })
                .collect();
            let receipt = Receipt {
                status: Eip658Value::Eip658(quantity(&r["status"]) == 1),
                cumulative_gas_used: quantity(&r["cumulativeGasUsed"]),
                logs,
            };
            match quantity(&r["type"]) {
                0 => OpReceiptEnvelope::Legacy(ReceiptWithBloom::from(receipt)),
                1 => OpReceiptEnvelope::Eip2930(ReceiptWithBloom::from(receipt)),
                2 => OpReceiptEnvelope::Eip1559(ReceiptWithBloom::from(receipt)),
                0x7e => {
                    OpReceiptEnvelope::Deposit(OpDepositReceiptWithBloom::from(OpDepositReceipt {
                        inner: receipt,
                        deposit_nonce: Some(quantity(&r["depositNonce"])),
                        deposit_receipt_version: Some(quantity(&r["depositReceiptVersion"])),
                    }))
                }
                other => panic!("unexpected receipt type {other}"),
            }
        })
        .collect();
    let deposit = receipts.iter().find_map(|r| match r {
        OpReceiptEnvelope::Deposit(d) => Some(&d.receipt),
        _ => None,
    });
    assert_eq!(deposit.unwrap().deposit_nonce, Some(0x28fab81));
    assert_eq!(receipts.last().unwrap().cumulative_gas_used(), 57_524_629);
    assert_eq!(
        keel_core::executor::receipts_root(&receipts),
        "0x0381a86904da6c6fa3def4c47be5e63e3a88eff6eb96131995ad174426a20062"
            .parse::<B256>()
            .unwrap()
    );
}

/// Holocene: an invalid payload is replaced by its deposits only (the L1-info deposit here).
#[test]
fn invalid_payload_falls_back_to_deposits_only() {
    use alloy_primitives::Bytes;
    use keel_core::executor::{ExecError, execute_block, execute_block_or_deposits_only};
    let dir = "unichain-10211000";
    let mut f = fixture(dir);
    let store = witness(dir);
    let config = rollup_config(dir);
    let txs = f.attrs.transactions.as_mut().unwrap();
    assert_eq!(txs.len(), 2);
    // An EIP-1559 transaction that does not decode.
    txs.push(Bytes::from_static(&[0x02, 0xc1, 0x80]));
    let err = execute_block(&config, &f.parent, &f.attrs, &store).unwrap_err();
    assert!(matches!(err, ExecError::InvalidTransaction { index: 2, .. }), "{err:?}");
    let (block, why) =
        execute_block_or_deposits_only(&config, &f.parent, &f.attrs, &store).unwrap();
    assert_eq!(why, Some(err));
    assert_eq!(block.receipts.len(), 1);
    assert_eq!(block.header.number, f.parent.number + 1);
    // A state-source failure is no invalid payload: it never falls back.
    assert_eq!(
        execute_block_or_deposits_only(&config, &f.parent, &f.attrs, &WitnessStore::new())
            .unwrap_err(),
        ExecError::MissingPreimage(f.parent.state_root)
    );
    assert_ne!(block.hash, f.expected);
    // A valid payload executes unchanged.
    f.attrs.transactions.as_mut().unwrap().pop();
    let (block, why) =
        execute_block_or_deposits_only(&config, &f.parent, &f.attrs, &store).unwrap();
    assert_eq!((block.hash, why), (f.expected, None));
}

#[test]
fn executor_fixture_parses_every_fixture_json() {
    use keel_core::executor::ExecutorFixture;
    for (dir, _, _) in FIXTURES {
        let text = keel_tests::read_vector(&format!("executor/{dir}/fixture.json"));
        let parsed = ExecutorFixture::from_json(std::str::from_utf8(&text).unwrap())
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        let f = fixture(dir);
        assert_eq!(parsed.parent_header, f.parent, "{dir}");
        assert_eq!(parsed.executing_payload, f.attrs, "{dir}");
        assert_eq!(parsed.expected_block_hash, f.expected, "{dir}");
        assert_eq!(parsed.rollup_config.l2_chain_id, rollup_config(dir).l2_chain_id, "{dir}");
    }
}
