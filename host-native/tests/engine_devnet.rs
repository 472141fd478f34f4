//! `keel engine` end to end on a devnet (the multi-fork fixture's rollup config: Bedrock at
//! genesis, then Canyon, Ecotone, Holocene, Isthmus and Jovian): JWT, building, getPayload,
//! newPayload (re-executed by a second engine), forkchoice, reorgs, the txpool, eth_ queries
//! and Engine API error codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod engine_support;

use alloy_primitives::{Address, B256, U256, keccak256};
use engine_support::*;
use serde_json::{Value, json};

fn dev_engine(dir: &std::path::Path, http: bool) -> Engine {
    let mut args = devnet_args(dir);
    args.extend([
        "--dev".into(),
        "--genesis".into(),
        dir.join("genesis.json").display().to_string(),
    ]);
    if http {
        args.extend(["--http.port".into(), "0".into()]);
    }
    Engine::start(&args)
}

fn b256(value: &Value) -> B256 {
    serde_json::from_value(value.clone()).unwrap()
}

#[test]
fn jwt_is_required_and_checked() {
    let dir = temp_dir("engine-jwt");
    write_devnet(&dir);
    let engine = dev_engine(&dir, true);
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#;
    assert_eq!(engine.post(&engine.auth, body, None).0, 401, "missing token");
    let secret =
        alloy_rpc_types_engine::JwtSecret::from_hex(alloy_primitives::hex::encode(SECRET)).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let stale =
        secret.encode(&alloy_rpc_types_engine::Claims { iat: now - 120, exp: None }).unwrap();
    assert_eq!(engine.post(&engine.auth, body, Some(&stale)).0, 401, "stale iat");
    let future =
        secret.encode(&alloy_rpc_types_engine::Claims { iat: now + 120, exp: None }).unwrap();
    assert_eq!(engine.post(&engine.auth, body, Some(&future)).0, 401, "future iat");
    let other = alloy_rpc_types_engine::JwtSecret::random()
        .encode(&alloy_rpc_types_engine::Claims { iat: now, exp: None })
        .unwrap();
    assert_eq!(engine.post(&engine.auth, body, Some(&other)).0, 401, "wrong key");
    let (status, text) = engine.post(&engine.auth, body, Some(&Engine::token()));
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["result"], "0x385");

    // Batches: one response per call, in order.
    let batch = r#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},
                    {"jsonrpc":"2.0","id":2,"method":"eth_blockNumber","params":[]}]"#;
    let (status, text) = engine.post(&engine.auth, batch, Some(&Engine::token()));
    assert_eq!(status, 200);
    let responses: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(responses[0]["result"], "0x385");
    assert_eq!(responses[1]["id"], 2);
    assert_eq!(responses[1]["result"], "0x0");

    // The unauthenticated server answers eth_ only.
    assert_eq!(engine.http_rpc("eth_chainId", json!([]))["result"], "0x385");
    assert_eq!(
        engine.http_rpc("eth_gasPrice", json!([]))["result"],
        "0x3baa0c40",
        "base fee + tip"
    );
    assert_eq!(engine.http_rpc("eth_maxPriorityFeePerGas", json!([]))["result"], "0xf4240");
    let version = engine.call(
        "engine_getClientVersionV1",
        json!([{
            "code": "OP", "name": "op-node", "version": "v1", "commit": "0x01020304"
        }]),
    );
    assert_eq!(version[0]["name"], "keel");
    let response = engine.http_rpc("engine_exchangeCapabilities", json!([[]]));
    assert_eq!(response["error"]["code"], -32601, "{response}");
}

#[test]
fn builds_every_fork_and_a_second_engine_reexecutes_the_chain() {
    let dir = temp_dir("engine-forks");
    write_devnet(&dir);
    let engine = dev_engine(&dir, true);
    let follower = dev_engine(&dir, false);
    let genesis = b256(&engine.ready["genesis"]);
    for key in ["head", "safe", "finalized"] {
        assert_eq!(b256(&engine.ready[key]), genesis, "{key}");
    }
    assert_eq!(follower.ready["genesis"], engine.ready["genesis"]);
    let caps = engine.call("engine_exchangeCapabilities", json!([["engine_newPayloadV4"]]));
    assert!(caps.as_array().unwrap().iter().any(|c| c == "engine_getPayloadV4"));
    assert!(!caps.as_array().unwrap().iter().any(|c| c == "engine_exchangeCapabilities"));
    let block0 = engine.call("eth_getBlockByNumber", json!(["0x0", false]));
    assert_eq!(b256(&block0["hash"]), genesis);

    // A pool transaction goes into the first block.
    let recipient = Address::repeat_byte(0xab);
    let tx = transfer(0, recipient, 1_000);
    let tx_hash = engine.http_rpc("eth_sendRawTransaction", json!([tx]))["result"].clone();
    assert_eq!(b256(&tx_hash), keccak256(&tx));
    // A nonce gap: left out of every block (and kept) until nonce 1 arrives.
    let gapped = transfer(2, recipient, 2);
    assert!(engine.http_rpc("eth_sendRawTransaction", json!([gapped]))["result"].is_string());

    let fee_recipient = Address::repeat_byte(0xfe);
    let times = [GENESIS_TIME + 2, CANYON, ECOTONE, HOLOCENE, ISTHMUS, JOVIAN, JOVIAN + 2];
    let mut head = genesis;
    let mut envelopes = Vec::new();
    let deposit_to = Address::repeat_byte(0xd0);
    let deposit_tx = deposit(deposit_to, 7);
    for (i, ts) in times.into_iter().enumerate() {
        let mut attrs = attributes(ts, fee_recipient, false);
        if ts == CANYON {
            attrs["transactions"] = json!([deposit_tx]);
        }
        let result = forkchoice(&engine, ts, head, B256::ZERO, B256::ZERO, Some(attrs));
        let id = result["payloadId"].clone();
        let envelope =
            engine.call(&format!("engine_getPayloadV{}", payload_version(ts)), json!([id]));
        let payload = &envelope["executionPayload"];
        assert_eq!(quantity(&payload["timestamp"]), ts);
        assert_eq!(quantity(&payload["blockNumber"]), i as u64 + 1);
        assert_eq!(b256(&payload["parentHash"]), head);
        assert_eq!(payload.get("withdrawals").is_some(), ts >= CANYON, "ts {ts}: {payload}");
        assert_eq!(payload.get("blobGasUsed").is_some(), ts >= ECOTONE);
        assert_eq!(payload.get("withdrawalsRoot").is_some(), ts >= ISTHMUS);
        assert_eq!(envelope.get("parentBeaconBlockRoot").is_some(), ts >= ECOTONE);
        assert_eq!(envelope.get("executionRequests").is_some(), ts >= ISTHMUS);
        if i == 0 {
            assert_eq!(payload["transactions"], json!([tx]), "the pool tx is included");
            assert_ne!(envelope["blockValue"], "0x0", "priority fees count");
        } else if ts == CANYON {
            assert_eq!(payload["transactions"], json!([deposit_tx]), "attributes txs first");
        } else {
            assert_eq!(payload["transactions"], json!([]));
        }
        let extra = payload["extraData"].as_str().unwrap();
        if ts >= JOVIAN {
            assert_eq!(extra, "0x01000000fa00000006000000003b9aca00");
        } else if ts >= HOLOCENE {
            assert_eq!(extra, "0x00000000fa00000006");
        } else {
            assert_eq!(extra, "0x");
        }
        let hash = hash_of(&envelope);
        let status = new_payload(&engine, &envelope);
        assert_eq!(status["status"], "VALID", "{status}");
        assert_eq!(b256(&status["latestValidHash"]), hash);
        let status = new_payload(&follower, &envelope);
        assert_eq!(
            status["status"],
            "VALID",
            "follower re-execution at ts {ts}: {status}\n{}",
            follower.log()
        );
        let result = forkchoice(&engine, ts, hash, head, genesis, None);
        assert_eq!(result["payloadStatus"]["status"], "VALID");
        assert_eq!(b256(&result["payloadStatus"]["latestValidHash"]), hash);
        assert_eq!(result["payloadId"], Value::Null);
        let result = forkchoice(&follower, ts, hash, head, genesis, None);
        assert_eq!(result["payloadStatus"]["status"], "VALID");
        envelopes.push(envelope);
        head = hash;
    }

    let filler = transfer(1, recipient, 3);
    engine.call("eth_sendRawTransaction", json!([filler]));
    let envelope = build(&engine, head, JOVIAN + 4, fee_recipient, false);
    assert_eq!(envelope["executionPayload"]["transactions"], json!([filler, gapped]));
    assert_eq!(new_payload(&engine, &envelope)["status"], "VALID");

    // eth_ views of the chain.
    assert_eq!(engine.call("eth_blockNumber", json!([])), "0x7");
    assert_eq!(follower.call("eth_blockNumber", json!([])), "0x7");
    let latest = engine.call("eth_getBlockByNumber", json!(["latest", true]));
    assert_eq!(b256(&latest["hash"]), head);
    assert!(latest["withdrawalsRoot"].is_string());
    assert_eq!(latest["withdrawals"], json!([]));
    let safe = engine.call("eth_getBlockByNumber", json!(["safe", false]));
    assert_eq!(quantity(&safe["number"]), 6);
    let finalized = engine.call("eth_getBlockByNumber", json!(["finalized", false]));
    assert_eq!(b256(&finalized["hash"]), genesis);
    let earliest = engine.call("eth_getBlockByNumber", json!(["earliest", false]));
    assert_eq!(b256(&earliest["hash"]), genesis);
    assert_eq!(engine.call("eth_getBlockByNumber", json!(["0x8", false])), Value::Null);
    let block1 = engine.call("eth_getBlockByHash", json!([hash_of(&envelopes[0]), true]));
    assert_eq!(block1["transactions"][0]["hash"], tx_hash);
    assert_eq!(block1["transactions"][0]["from"], json!(funded()));
    let receipt = engine.call("eth_getTransactionReceipt", json!([tx_hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["gasUsed"], "0x5208");
    assert_eq!(receipt["blockHash"], json!(hash_of(&envelopes[0])));
    let by_hash = engine.call("eth_getTransactionByHash", json!([tx_hash]));
    assert_eq!(by_hash["blockNumber"], "0x1");
    assert_eq!(engine.call("eth_getBalance", json!([recipient, "latest"])), "0x3e8");
    assert_eq!(engine.call("eth_getBalance", json!([recipient, "0x0"])), "0x0");
    assert_eq!(engine.call("eth_getTransactionCount", json!([funded(), "latest"])), "0x1");
    assert_eq!(follower.call("eth_getBalance", json!([recipient, "latest"])), "0x3e8");
    // The deposit: OP transaction and receipt fields (Canyon receipt version 1).
    let deposit_hash = keccak256(&deposit_tx);
    let block2 = engine.call("eth_getBlockByNumber", json!(["0x2", true]));
    assert_eq!(block2["transactions"][0]["type"], "0x7e");
    assert_eq!(block2["transactions"][0]["sourceHash"], json!(B256::repeat_byte(0x5e)));
    assert_eq!(block2["transactions"][0]["depositReceiptVersion"], "0x1");
    let receipt = engine.call("eth_getTransactionReceipt", json!([deposit_hash]));
    assert_eq!(receipt["type"], "0x7e");
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["depositNonce"], "0x0");
    assert_eq!(receipt["depositReceiptVersion"], "0x1");
    assert_eq!(engine.call("eth_getBalance", json!([deposit_to, "latest"])), "0x7");
    assert!(engine.ready["http"].is_string());
    assert_eq!(follower.ready["http"], Value::Null);
    let passer = "0x4200000000000000000000000000000000000016";
    assert_eq!(engine.call("eth_getCode", json!([passer, "latest"])), "0x00");

    // eth_getProof verifies against the state root; the message passer's storageHash is the
    // Isthmus withdrawalsRoot.
    let proof = engine.call("eth_getProof", json!([passer, ["0x1"], "latest"]));
    assert_eq!(proof["storageHash"], latest["withdrawalsRoot"]);
    assert_eq!(proof["storageProof"][0]["value"], "0x5");
    let account = alloy_consensus::TrieAccount {
        nonce: quantity(&proof["nonce"]),
        balance: serde_json::from_value::<U256>(proof["balance"].clone()).unwrap(),
        storage_root: b256(&proof["storageHash"]),
        code_hash: b256(&proof["codeHash"]),
    };
    let nodes: Vec<alloy_primitives::Bytes> =
        serde_json::from_value(proof["accountProof"].clone()).unwrap();
    alloy_trie::proof::verify_proof(
        b256(&latest["stateRoot"]),
        alloy_trie::Nibbles::unpack(keccak256(passer.parse::<Address>().unwrap())),
        Some(alloy_rlp::encode(account)),
        &nodes,
    )
    .expect("account proof verifies against the state root");
}

#[test]
fn reorgs_error_codes_and_invalid_payloads() {
    let dir = temp_dir("engine-errors");
    write_devnet(&dir);
    let engine = dev_engine(&dir, false);
    let genesis = b256(&engine.ready["genesis"]);
    let ts = GENESIS_TIME + 2;

    // Two competing blocks on genesis, both including the same pool transaction; the canonical
    // index and the transaction's location follow the forkchoice.
    let tx = transfer(0, Address::repeat_byte(0xab), 5);
    let tx_hash = engine.call("eth_sendRawTransaction", json!([tx]));
    let a = build(&engine, genesis, ts, Address::repeat_byte(1), false);
    let b = build(&engine, genesis, ts, Address::repeat_byte(2), false);
    assert_eq!(a["executionPayload"]["transactions"], json!([tx]));
    assert_eq!(b["executionPayload"]["transactions"], json!([tx]));
    let (ha, hb) = (hash_of(&a), hash_of(&b));
    assert_ne!(ha, hb);
    assert_eq!(new_payload(&engine, &a)["status"], "VALID");
    assert_eq!(new_payload(&engine, &b)["status"], "VALID");
    forkchoice(&engine, ts, ha, genesis, genesis, None);
    let one = engine.call("eth_getBlockByNumber", json!(["0x1", false]));
    assert_eq!(b256(&one["hash"]), ha);
    let receipt = engine.call("eth_getTransactionReceipt", json!([tx_hash]));
    assert_eq!(b256(&receipt["blockHash"]), ha);
    // Included in a canonical block: gone from the pool, and a replay is refused.
    let replay = engine.rpc("eth_sendRawTransaction", json!([tx]));
    assert_eq!(replay["error"]["code"], -32000, "{replay}");
    assert!(replay["error"]["message"].as_str().unwrap().contains("nonce too low"), "{replay}");
    let a2 = build(&engine, ha, ts + 2, Address::repeat_byte(1), true);
    assert_eq!(new_payload(&engine, &a2)["status"], "VALID");
    forkchoice(&engine, ts, hash_of(&a2), ha, genesis, None);
    assert_eq!(engine.call("eth_blockNumber", json!([])), "0x2");
    let result = forkchoice(&engine, ts, hb, genesis, genesis, None);
    assert_eq!(result["payloadStatus"]["status"], "VALID");
    assert_eq!(engine.call("eth_blockNumber", json!([])), "0x1");
    let one = engine.call("eth_getBlockByNumber", json!(["0x1", false]));
    assert_eq!(b256(&one["hash"]), hb);
    let receipt = engine.call("eth_getTransactionReceipt", json!([tx_hash]));
    assert_eq!(b256(&receipt["blockHash"]), hb, "the canonical block's copy");
    assert_eq!(engine.call("eth_getBlockByNumber", json!(["0x2", false])), Value::Null);

    // -38002: safe on the other branch; nothing changes.
    let fcu = |head: B256, safe: B256| json!([{ "headBlockHash": head, "safeBlockHash": safe, "finalizedBlockHash": genesis }, null]);
    assert_eq!(engine.error_code("engine_forkchoiceUpdatedV2", fcu(hb, ha)), -38002);
    assert_eq!(b256(&engine.call("eth_getBlockByNumber", json!(["latest", false]))["hash"]), hb);
    // Unknown head: SYNCING.
    let result = engine.call("engine_forkchoiceUpdatedV2", fcu(B256::repeat_byte(9), genesis));
    assert_eq!(result["payloadStatus"]["status"], "SYNCING");
    assert_eq!(result["payloadId"], Value::Null);

    // -38003: timestamp not after the head; -38005: V3 before Ecotone and V2 from Ecotone.
    let attrs_at = |t: u64| {
        json!([{ "headBlockHash": hb, "safeBlockHash": genesis, "finalizedBlockHash": genesis },
               attributes(t, Address::ZERO, true)])
    };
    assert_eq!(engine.error_code("engine_forkchoiceUpdatedV2", attrs_at(ts)), -38003);
    assert_eq!(engine.error_code("engine_forkchoiceUpdatedV3", attrs_at(ts + 2)), -32602);
    let mut v3_early = attrs_at(ts + 2);
    v3_early[1]["withdrawals"] = json!([]);
    v3_early[1]["parentBeaconBlockRoot"] = json!(B256::ZERO);
    assert_eq!(engine.error_code("engine_forkchoiceUpdatedV3", v3_early), -38005);
    assert_eq!(engine.error_code("engine_forkchoiceUpdatedV2", attrs_at(ECOTONE)), -38005);
    // -38001 unknown payload id; -38005 getPayload of the wrong version.
    assert_eq!(engine.error_code("engine_getPayloadV2", json!(["0x0000000000000001"])), -38001);
    let result = engine.call("engine_forkchoiceUpdatedV2", attrs_at(ts + 2));
    let id = result["payloadId"].clone();
    assert_eq!(engine.error_code("engine_getPayloadV3", json!([id])), -38005);
    assert_eq!(engine.error_code("engine_getPayloadV4", json!([id])), -38005);
    // -38005 newPayloadV3 with a pre-Ecotone payload; -32602 bad params.
    let payload = a2["executionPayload"].clone();
    assert_eq!(engine.error_code("engine_newPayloadV3", json!([payload, [], B256::ZERO])), -32602);
    assert_eq!(engine.error_code("engine_newPayloadV2", json!([{"blockHash": 5}])), -32602);
    assert_eq!(engine.error_code("engine_forkchoiceUpdatedV2", json!(["x"])), -32602);
    assert_eq!(engine.error_code("engine_nope", json!([])), -32601);
    let (status, text) = engine.post(&engine.auth, "{bad json", Some(&Engine::token()));
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["error"]["code"], -32700);

    // newPayload: known block VALID; wrong block hash INVALID (latestValidHash null); unknown
    // parent SYNCING; a wrong state root (hash recomputed) INVALID with latestValidHash = parent.
    assert_eq!(new_payload(&engine, &a2)["status"], "VALID");
    let mut wrong_hash = a2.clone();
    wrong_hash["executionPayload"]["blockHash"] = json!(B256::repeat_byte(3));
    let status = new_payload(&engine, &wrong_hash);
    assert_eq!(status["status"], "INVALID");
    assert_eq!(status["latestValidHash"], Value::Null);
    assert!(status["validationError"].is_string());
    let orphan = rehash(&a2, |p| p["parentHash"] = json!(B256::repeat_byte(4)));
    assert_eq!(new_payload(&engine, &orphan)["status"], "SYNCING");
    let bad_state = rehash(&a2, |p| p["stateRoot"] = json!(B256::repeat_byte(5)));
    let status = new_payload(&engine, &bad_state);
    assert_eq!(status["status"], "INVALID", "{status}");
    assert_eq!(b256(&status["latestValidHash"]), ha);
    assert!(status["validationError"].as_str().unwrap().contains("stateRoot"), "{status}");
    // L1 withdrawals in an OP payload: INVALID.
    let canyon_parent = build(&engine, hb, CANYON, Address::ZERO, true);
    assert_eq!(new_payload(&engine, &canyon_parent)["status"], "VALID");
    let with_withdrawals = {
        let mut envelope = build(&engine, hash_of(&canyon_parent), CANYON + 2, Address::ZERO, true);
        let payload = &mut envelope["executionPayload"];
        payload["withdrawals"] = json!([{
            "index": "0x0", "validatorIndex": "0x0", "address": Address::ZERO, "amount": "0x1"
        }]);
        let v2: alloy_rpc_types_engine::ExecutionPayloadV2 =
            serde_json::from_value(payload.clone()).unwrap();
        payload["blockHash"] = json!(v2.into_block_raw().unwrap().header.hash_slow());
        envelope
    };
    let status = new_payload(&engine, &with_withdrawals);
    assert_eq!(status["status"], "INVALID", "{status}");
    assert_eq!(b256(&status["latestValidHash"]), hash_of(&canyon_parent));
    // Structure and fork checks of newPayload.
    let canyon_payload = canyon_parent["executionPayload"].clone();
    let mut no_withdrawals = canyon_payload.clone();
    no_withdrawals.as_object_mut().unwrap().remove("withdrawals");
    assert_eq!(engine.error_code("engine_newPayloadV2", json!([no_withdrawals])), -32602);
    let mut early_withdrawals = a2["executionPayload"].clone();
    early_withdrawals["withdrawals"] = json!([]);
    assert_eq!(engine.error_code("engine_newPayloadV2", json!([early_withdrawals])), -32602);
    let ecotone = build(&engine, hash_of(&canyon_parent), ECOTONE, Address::ZERO, true);
    let eco_payload = ecotone["executionPayload"].clone();
    let eco_root = ecotone["parentBeaconBlockRoot"].clone();
    assert_eq!(engine.error_code("engine_newPayloadV2", json!([eco_payload])), -38005);
    assert_eq!(
        engine.error_code("engine_newPayloadV4", json!([eco_payload, [], eco_root, []])),
        -32602,
        "a V3 payload lacks withdrawalsRoot"
    );
    let mut eco_v4 = eco_payload.clone();
    eco_v4["withdrawalsRoot"] = json!(B256::ZERO);
    assert_eq!(engine.error_code("engine_newPayloadV4", json!([eco_v4, [], eco_root, []])), -38005);
    let status =
        engine.call("engine_newPayloadV3", json!([eco_payload, [B256::repeat_byte(1)], eco_root]));
    assert_eq!(status["status"], "INVALID", "blob hashes on L2: {status}");
    assert_eq!(
        engine.call("engine_newPayloadV3", json!([eco_payload, [], eco_root]))["status"],
        "VALID"
    );
    let isthmus = build(&engine, hash_of(&ecotone), ISTHMUS, Address::ZERO, true);
    let isthmus_payload = isthmus["executionPayload"].clone();
    let isthmus_root = isthmus["parentBeaconBlockRoot"].clone();
    assert_eq!(
        engine.error_code("engine_newPayloadV3", json!([isthmus_payload, [], isthmus_root])),
        -38005
    );
    assert_eq!(
        engine.error_code(
            "engine_newPayloadV4",
            json!([isthmus_payload, [], isthmus_root, ["0x0001"]])
        ),
        -32602,
        "OP executionRequests must be empty"
    );
    assert_eq!(new_payload(&engine, &isthmus)["status"], "VALID");

    // Remembered: again INVALID, a child INVALID, a forkchoice to it INVALID.
    let bad_hash = hash_of(&bad_state);
    assert_eq!(b256(&new_payload(&engine, &bad_state)["latestValidHash"]), ha);
    let child = rehash(&a2, |p| {
        p["parentHash"] = json!(bad_hash);
        p["blockNumber"] = json!("0x3");
    });
    let status = new_payload(&engine, &child);
    assert_eq!(status["status"], "INVALID", "{status}");
    assert_eq!(b256(&status["latestValidHash"]), ha);
    let result = engine.call("engine_forkchoiceUpdatedV2", fcu(bad_hash, genesis));
    assert_eq!(result["payloadStatus"]["status"], "INVALID", "{result}");
    assert_eq!(b256(&result["payloadStatus"]["latestValidHash"]), ha);
    assert_eq!(result["payloadId"], Value::Null);
    // Standard messages, details in data.
    let response = engine.rpc("engine_getPayloadV2", json!(["0x0000000000000002"]));
    assert_eq!(response["error"]["message"], "Unknown payload");
    assert!(response["error"]["data"]["err"].is_string());

    // A reorg to a branch without the transaction puts it back in the pool.
    let c = build(&engine, genesis, ts, Address::repeat_byte(3), true);
    assert_eq!(c["executionPayload"]["transactions"], json!([]));
    assert_eq!(new_payload(&engine, &c)["status"], "VALID");
    forkchoice(&engine, ts, hash_of(&c), genesis, genesis, None);
    assert_eq!(engine.call("eth_getTransactionReceipt", json!([tx_hash])), Value::Null);
    let d = build(&engine, hash_of(&c), ts + 2, Address::repeat_byte(3), false);
    assert_eq!(d["executionPayload"]["transactions"], json!([tx]));
}

/// An envelope with `edit` applied to its payload and the block hash recomputed.
fn rehash(envelope: &Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut envelope = envelope.clone();
    edit(&mut envelope["executionPayload"]);
    let payload: alloy_rpc_types_engine::ExecutionPayloadV1 =
        serde_json::from_value(envelope["executionPayload"].clone()).unwrap();
    let hash = payload.into_block_raw().unwrap().header.hash_slow();
    envelope["executionPayload"]["blockHash"] = json!(hash);
    envelope
}
