//! `keel engine` startup: restarting on a datadir keeps the forkchoice, genesis checks against
//! the datadir and the rollup config, and the OP Sepolia registry genesis (zstd + dictionary)
//! giving block 0 = the rollup config's genesis.l2.hash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod engine_support;

use alloy_primitives::{Address, B256};
use engine_support::*;
use serde_json::json;

fn b256(value: &serde_json::Value) -> B256 {
    serde_json::from_value(value.clone()).unwrap()
}

#[test]
fn restart_on_the_datadir_keeps_head_safe_and_finalized() {
    let dir = temp_dir("engine-restart");
    write_devnet(&dir);
    let datadir = dir.join("data");
    let mut args = devnet_args(&dir);
    args.extend(["--datadir".into(), datadir.display().to_string()]);
    let genesis_arg = ["--genesis".to_string(), dir.join("genesis.json").display().to_string()];

    // A new datadir needs --genesis.
    match Engine::try_start(&args) {
        Started::Exited(status, stderr) => {
            assert!(!status.success());
            assert!(stderr.contains("--genesis is required"), "{stderr}");
        }
        Started::Ready(_) => panic!("started without a genesis"),
    }

    let first = Engine::start(&[args.clone(), genesis_arg.to_vec()].concat());
    let genesis = b256(&first.ready["genesis"]);
    let mut head = genesis;
    let mut hashes = vec![genesis];
    for ts in [GENESIS_TIME + 2, GENESIS_TIME + 4] {
        let envelope = build(&first, head, ts, Address::ZERO, true);
        assert_eq!(new_payload(&first, &envelope)["status"], "VALID");
        head = hash_of(&envelope);
        hashes.push(head);
    }
    forkchoice(&first, GENESIS_TIME + 4, head, hashes[1], genesis, None);
    assert!(first.stop().success(), "clean exit on SIGTERM");

    // Without --genesis: resumes.
    let second = Engine::start(&args);
    assert_eq!(b256(&second.ready["genesis"]), genesis);
    assert_eq!(b256(&second.ready["head"]), head);
    assert_eq!(b256(&second.ready["safe"]), hashes[1]);
    assert_eq!(b256(&second.ready["finalized"]), genesis);
    assert_eq!(second.call("eth_blockNumber", json!([])), "0x2");
    // The state survived: building on the head works.
    let envelope = build(&second, head, GENESIS_TIME + 6, Address::ZERO, true);
    assert_eq!(new_payload(&second, &envelope)["status"], "VALID");
    assert!(second.stop().success());

    // With the same --genesis: fine; with another genesis: refused, naming both hashes.
    let third = Engine::start(&[args.clone(), genesis_arg.to_vec()].concat());
    assert_eq!(b256(&third.ready["head"]), head);
    drop(third);
    let mut other: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("genesis.json")).unwrap()).unwrap();
    other["extraData"] = json!("0x01");
    let other_path = dir.join("other.json");
    std::fs::write(&other_path, other.to_string()).unwrap();
    match Engine::try_start(
        &[args, vec!["--genesis".into(), other_path.display().to_string()]].concat(),
    ) {
        Started::Exited(status, stderr) => {
            assert!(!status.success());
            assert!(stderr.contains(&genesis.to_string()), "{stderr}");
            assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "{stderr}");
        }
        Started::Ready(_) => panic!("started with a different genesis"),
    }
}

#[test]
fn op_sepolia_registry_genesis_gives_the_configured_block_zero() {
    let expected: B256 =
        "0x102de6ffb001480cc9b8b548fd05c34cd4f46ae4aa91759393db90ea0409887d".parse().unwrap();
    let vectors = keel_tests::vectors_dir().join("configs/genesis");
    let dir = temp_dir("engine-op-sepolia");
    write_devnet(&dir);
    let args = vec![
        "--network".to_string(),
        "op-sepolia".into(),
        "--genesis".into(),
        vectors.join("op-sepolia.json.zst").display().to_string(),
        "--genesis-dictionary".into(),
        vectors.join("dictionary").display().to_string(),
        "--dev".into(),
        "--authrpc.port".into(),
        "0".into(),
        "--authrpc.jwtsecret".into(),
        dir.join("jwt.hex").display().to_string(),
    ];
    let engine = Engine::start(&args);
    assert_eq!(b256(&engine.ready["genesis"]), expected);
    assert_eq!(b256(&engine.ready["head"]), expected);
    assert_eq!(engine.call("eth_chainId", json!([])), "0xaa37dc");
    let block = engine.call("eth_getBlockByNumber", json!(["0x0", false]));
    assert_eq!(b256(&block["hash"]), expected);
    assert_eq!(
        b256(&block["stateRoot"]),
        "0x06787a17a3ed87c339a39dbbeeb311578a0c83ed29daa2db95da62b28efce8a9"
            .parse::<B256>()
            .unwrap()
    );

    // Block 1 as op-node would ask for it: the L1-info deposit (executed by the real L1Block
    // predeploy of the registry genesis), then re-imported and made canonical.
    let config = keel_core::config::RollupConfig::by_name("op-sepolia").unwrap();
    let ts = config.genesis.l2_time + 2;
    let origin = keel_core::l1_info::L1OriginInfo {
        number: config.genesis.l1.number,
        timestamp: config.genesis.l2_time,
        base_fee: alloy_primitives::U256::from(1_000_000_000u64),
        hash: config.genesis.l1.hash,
        excess_blob_gas: None,
    };
    let deposit = keel_core::l1_info::l1_info_deposit_bytes(
        &config,
        &keel_core::l1_info::L1BlobSchedule::for_l1_chain_id(config.l1_chain_id).unwrap(),
        &config.genesis.system_config,
        &origin,
        1,
        ts,
    )
    .unwrap();
    let attrs = json!({
        "timestamp": format!("{ts:#x}"),
        "prevRandao": B256::repeat_byte(1),
        "suggestedFeeRecipient": "0x4200000000000000000000000000000000000011",
        "transactions": [deposit],
        "noTxPool": true,
        "gasLimit": "0x1c9c380",
    });
    let state = |head: B256| json!({ "headBlockHash": head, "safeBlockHash": expected, "finalizedBlockHash": expected });
    let result = engine.call("engine_forkchoiceUpdatedV2", json!([state(expected), attrs]));
    let envelope = engine.call("engine_getPayloadV2", json!([result["payloadId"]]));
    assert_eq!(envelope["executionPayload"]["transactions"], json!([deposit]));
    assert_eq!(new_payload(&engine, &envelope)["status"], "VALID");
    let hash = hash_of(&envelope);
    let result = engine.call("engine_forkchoiceUpdatedV2", json!([state(hash)]));
    assert_eq!(result["payloadStatus"]["status"], "VALID");
    // L1Block (Bedrock layout): slot 2 holds the origin's hash.
    let l1_hash = engine.call(
        "eth_getStorageAt",
        json!(["0x4200000000000000000000000000000000000015", "0x2", "latest"]),
    );
    assert_eq!(b256(&l1_hash), config.genesis.l1.hash);
    let receipt =
        engine.call("eth_getTransactionReceipt", json!([alloy_primitives::keccak256(&deposit)]));
    assert_eq!(receipt["status"], "0x1");
    drop(engine);

    // The devnet genesis under the op-sepolia config: refused, naming both hashes.
    let mut wrong = args.clone();
    wrong[3] = dir.join("genesis.json").display().to_string();
    match Engine::try_start(&wrong) {
        Started::Exited(status, stderr) => {
            assert!(!status.success());
            assert!(stderr.contains(&expected.to_string()), "{stderr}");
            assert!(stderr.contains("genesis hash mismatch"), "{stderr}");
        }
        Started::Ready(_) => panic!("started with a mismatching genesis"),
    }
}
