//! Engine API conformance for `keel engine`, written from the specs (ethereum/execution-apis
//! `src/engine/{paris,shanghai,cancun,prague,authentication}.md` and the OP Stack's
//! `protocol/exec-engine.md`), against the real binary over HTTP:
//!
//! * JWT: HS256 with `iat` within 60 s, anything else answered 401.
//! * Method versions per fork (Bedrock/Canyon/Ecotone/Isthmus map to Paris/Shanghai/Cancun/
//!   Prague): the wrong version is `-38005 Unsupported fork` (`-32602` for a payload
//!   structure of the wrong version, as Shanghai says).
//! * Error codes: `-38001` unknown payload, `-38002` invalid forkchoice state, `-38003` invalid
//!   payload attributes, `-32700` / `-32601` / `-32602` JSON-RPC errors.
//! * Payload statuses: `VALID`, `INVALID` (bad block hash: `latestValidHash` null; bad state:
//!   the parent), `SYNCING` for an unknown parent.
//! * Derivation to execution: every block `keel derive` makes of the multi-fork fixture
//!   (Bedrock to Jovian) executes on the engine, every transaction succeeding.
//! * Building from OP attributes (deposits first, `noTxPool`, `gasLimit`, `eip1559Params`,
//!   `minBaseFee`), the transaction pool, reorgs through forkchoice, `eth_getProof` for the
//!   output root, and a restart on the same datadir keeping head, safe and finalized.
//!
//! Tests named `rule_6_*` check SPEC-CHECKLIST §6 (engine): 6.2 method versions per fork and the
//! fork-gated payload fields, 6.4 building from attributes (FCU with attributes, getPayload,
//! newPayload, FCU to the new block), 6.5 importing a payload built elsewhere (newPayload, FCU).
//!
//! The devnet is the real OP Sepolia genesis state (its predeploys) with a dev account added, a
//! fresh timestamp, and forks that activate one after another every few blocks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::{
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{
    Address, B256, Bytes, Signature, TxKind, U256, address, b256, hex, keccak256,
};
use alloy_rpc_types_engine::{Claims, ExecutionPayloadV3, JwtSecret};
use keel_core::{
    config::{Fork, RollupConfig},
    l1_info::{L1BlobSchedule, L1OriginInfo, l1_info_deposit_bytes},
};
use keel_tests::chain::{activate_at, activate_through};
use serde_json::{Value, json};

/// A dev account the test adds to the genesis alloc (anvil's first key).
const DEV_KEY: [u8; 32] = hex!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const DEV_ADDRESS: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
/// Receives the dev account's transfers.
const RECIPIENT: Address = address!("00000000000000000000000000000000000b0b00");
/// L2ToL1MessagePasser: its storage root is the output root's second word.
const MESSAGE_PASSER: Address = address!("4200000000000000000000000000000000000016");
/// OP Sepolia's genesis block, and its state root (vectors README §1).
const OP_SEPOLIA_GENESIS: B256 =
    b256!("102de6ffb001480cc9b8b548fd05c34cd4f46ae4aa91759393db90ea0409887d");
const OP_SEPOLIA_GENESIS_STATE_ROOT: B256 =
    b256!("06787a17a3ed87c339a39dbbeeb311578a0c83ed29daa2db95da62b28efce8a9");
const OP_SEPOLIA_CHAIN_ID: u64 = 11_155_420;
const JWT_SECRET: &str = "0x6b65656c2d656e67696e652d636f6e666f726d616e63652d7465737421212121";
const GAS_LIMIT: u64 = 30_000_000;
/// The engine_ methods an OP Stack execution client serves (Bedrock through Isthmus).
const ENGINE_METHODS: [&str; 9] = [
    "engine_forkchoiceUpdatedV1",
    "engine_forkchoiceUpdatedV2",
    "engine_forkchoiceUpdatedV3",
    "engine_getPayloadV2",
    "engine_getPayloadV3",
    "engine_getPayloadV4",
    "engine_newPayloadV2",
    "engine_newPayloadV3",
    "engine_newPayloadV4",
];
const BLOCK_TIME: u64 = 2;

// The devnet's fork schedule, as block numbers (timestamp = genesis + 2 s * number).
const CANYON_BLOCK: u64 = 2;
const ECOTONE_BLOCK: u64 = 4;
const HOLOCENE_BLOCK: u64 = 6;
const ISTHMUS_BLOCK: u64 = 8;
const JOVIAN_BLOCK: u64 = 10;

fn vectors() -> PathBuf {
    keel_tests::vectors_dir()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keel-engine-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The OP Sepolia genesis file decompressed (superchain-registry zstd with its dictionary).
fn op_sepolia_genesis_json() -> Value {
    let dict = std::fs::read(vectors().join("configs/genesis/dictionary")).unwrap();
    let compressed = std::fs::read(vectors().join("configs/genesis/op-sepolia.json.zst")).unwrap();
    let mut decoder = ruzstd::decoding::FrameDecoder::new();
    decoder.add_dict(ruzstd::decoding::Dictionary::decode_dict(&dict).unwrap()).unwrap();
    let mut input = compressed.as_slice();
    let mut stream =
        ruzstd::decoding::StreamingDecoder::new_with_decoder(&mut input, decoder).unwrap();
    let mut json = Vec::new();
    stream.read_to_end(&mut json).unwrap();
    serde_json::from_slice(&json).unwrap()
}

/// A devnet: the OP Sepolia genesis state plus a funded dev account, genesis `time`, and the
/// forks activating at the blocks above. Writes `genesis.json` and `rollup.json` into `dir`.
fn devnet(dir: &Path, time: u64) -> RollupConfig {
    let mut genesis = op_sepolia_genesis_json();
    genesis["timestamp"] = json!(format!("{time:#x}"));
    genesis["alloc"][format!("{DEV_ADDRESS:x}").trim_start_matches("0x")] =
        json!({ "balance": "0x56bc75e2d63100000" }); // 100 ether
    std::fs::write(dir.join("genesis.json"), serde_json::to_vec(&genesis).unwrap()).unwrap();

    let mut cfg = RollupConfig::by_name("op-sepolia").unwrap();
    cfg.genesis.l2.number = 0;
    // Unknown until the engine computes it: zero tells `keel engine` not to check it.
    cfg.genesis.l2.hash = B256::ZERO;
    cfg.genesis.l2_time = time;
    cfg.block_time = BLOCK_TIME;
    activate_through(&mut cfg, Fork::Regolith, time);
    let at = |block: u64| time + BLOCK_TIME * block;
    activate_at(&mut cfg, Fork::Canyon, at(CANYON_BLOCK));
    activate_at(&mut cfg, Fork::Delta, at(CANYON_BLOCK));
    activate_at(&mut cfg, Fork::Ecotone, at(ECOTONE_BLOCK));
    activate_at(&mut cfg, Fork::Fjord, at(ECOTONE_BLOCK));
    activate_at(&mut cfg, Fork::Granite, at(ECOTONE_BLOCK));
    activate_at(&mut cfg, Fork::Holocene, at(HOLOCENE_BLOCK));
    activate_at(&mut cfg, Fork::Isthmus, at(ISTHMUS_BLOCK));
    activate_at(&mut cfg, Fork::Jovian, at(JOVIAN_BLOCK));
    std::fs::write(dir.join("rollup.json"), cfg.to_json().unwrap()).unwrap();
    cfg
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A running `keel engine`, stopped (SIGTERM, then kill) when dropped.
struct Engine {
    child: Child,
    auth_url: String,
    http_url: Option<String>,
    ready: Value,
    http: reqwest::blocking::Client,
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Engine {
    /// Starts `keel engine` with `args` (plus the JWT secret and a free auth port) and waits
    /// for its ready line.
    fn start(dir: &Path, args: &[&str]) -> Self {
        let secret = dir.join("jwt.hex");
        std::fs::write(&secret, format!("{JWT_SECRET}\n")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
            .arg("engine")
            .args(args)
            .args(["--authrpc.port", "0", "--authrpc.jwtsecret"])
            .arg(&secret)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Keep stderr drained (logs); echo it so a failure shows why.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[keel engine] {line}");
            }
        });
        let ready = loop {
            match rx.recv_timeout(Duration::from_secs(120)) {
                Ok(line) => {
                    if let Ok(value) = serde_json::from_str::<Value>(&line)
                        && value["event"] == "ready"
                    {
                        break value;
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let status = child.wait().unwrap();
                    panic!("keel engine {args:?} printed no ready line (exit: {status})");
                }
            }
        };
        let auth_url = format!("http://{}", ready["authrpc"].as_str().unwrap());
        let http_url = ready["http"].as_str().map(|a| format!("http://{a}"));
        // reqwest is built on rustls without a default crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http =
            reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        Self { child, auth_url, http_url, ready, http }
    }

    fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM first, so the store is closed as an operator would stop it.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn token(secret: &str, iat: u64) -> String {
        JwtSecret::from_hex(secret).unwrap().encode(&Claims { iat, exp: None }).unwrap()
    }

    /// POSTs `body` with `token` (if any) and returns the HTTP status and the JSON body.
    fn post(&self, url: &str, token: Option<String>, body: &str) -> (u16, Option<Value>) {
        let mut request =
            self.http.post(url).header("content-type", "application/json").body(body.to_owned());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, serde_json::from_str(&response.text().unwrap()).ok())
    }

    /// A JSON-RPC call on the authenticated server: the result, or the error object.
    fn try_call(&self, method: &str, params: Value) -> Result<Value, Value> {
        let body = json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
        let (status, response) =
            self.post(&self.auth_url, Some(Self::token(JWT_SECRET, now())), &body.to_string());
        assert_eq!(status, 200, "{method}: HTTP {status}");
        let response = response.unwrap();
        assert_eq!(response["jsonrpc"], "2.0");
        assert_eq!(response["id"], 7);
        match response.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(response["result"].clone()),
        }
    }

    fn call(&self, method: &str, params: Value) -> Value {
        self.try_call(method, params).unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// The error code of a call that must fail.
    fn error_code(&self, method: &str, params: Value) -> i64 {
        match self.try_call(method, params) {
            Ok(result) => panic!("{method} succeeded with {result}, expected an error"),
            Err(error) => error["code"].as_i64().unwrap(),
        }
    }

    fn block(&self, tag: &str) -> Value {
        self.call("eth_getBlockByNumber", json!([tag, false]))
    }

    fn block_hash(&self, tag: &str) -> B256 {
        serde_json::from_value(self.block(tag)["hash"].clone()).unwrap()
    }
}

/// A `--dev` engine on a fresh devnet (see [`devnet`]) with `extra` arguments.
fn dev_engine(name: &str, extra: &[&str]) -> (RollupConfig, Engine) {
    let dir = scratch(name);
    let cfg = devnet(&dir, now() - 1000);
    let rollup = dir.join("rollup.json");
    let genesis = dir.join("genesis.json");
    let mut args = vec![
        "--rollup-config",
        rollup.to_str().unwrap(),
        "--genesis",
        genesis.to_str().unwrap(),
        "--dev",
    ];
    args.extend_from_slice(extra);
    let engine = Engine::start(&dir, &args);
    (cfg, engine)
}

fn quantity(v: u64) -> String {
    format!("{v:#x}")
}

fn as_u64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn as_b256(v: &Value) -> B256 {
    serde_json::from_value(v.clone()).unwrap()
}

/// The L1-info deposit of the L2 block at `time` with a made-up L1 origin `number`, in the
/// layout the devnet's forks ask for (keel's own derivation code builds it).
fn l1_info_tx(cfg: &RollupConfig, number: u64, time: u64) -> Bytes {
    let origin = L1OriginInfo {
        number,
        timestamp: time - 1,
        base_fee: U256::from(7_000_000_000u64),
        hash: keccak256(number.to_be_bytes()),
        excess_blob_gas: Some(0),
    };
    l1_info_deposit_bytes(
        cfg,
        &L1BlobSchedule::SEPOLIA,
        &cfg.genesis.system_config,
        &origin,
        0,
        time,
    )
    .unwrap()
}

/// A signed EIP-1559 transfer from the dev account.
fn transfer(nonce: u64, value: u64) -> Bytes {
    let tx = TxEip1559 {
        chain_id: OP_SEPOLIA_CHAIN_ID,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 10_000_000_000,
        max_priority_fee_per_gas: 1_000_000,
        to: TxKind::Call(RECIPIENT),
        value: U256::from(value),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let key = k256::ecdsa::SigningKey::from_slice(&DEV_KEY).unwrap();
    let (sig, recid) = key.sign_prehash_recoverable(tx.signature_hash().as_slice()).unwrap();
    let signature = Signature::from_signature_and_parity(sig, recid.is_y_odd());
    TxEnvelope::Eip1559(tx.into_signed(signature)).encoded_2718().into()
}

/// The forks' engine method versions for a block at `number` of the devnet.
struct Versions {
    fcu: u8,
    get: u8,
    new: u8,
}

fn versions(number: u64) -> Versions {
    match number {
        n if n >= ISTHMUS_BLOCK => Versions { fcu: 3, get: 4, new: 4 },
        n if n >= ECOTONE_BLOCK => Versions { fcu: 3, get: 3, new: 3 },
        n if n >= CANYON_BLOCK => Versions { fcu: 2, get: 2, new: 2 },
        _ => Versions { fcu: 2, get: 2, new: 2 },
    }
}

/// OP payload attributes for block `number` of the devnet: the L1-info deposit, then `txs`,
/// with every fork-gated field present exactly from its fork.
fn attributes(cfg: &RollupConfig, number: u64, txs: &[Bytes], no_tx_pool: bool) -> Value {
    let time = cfg.genesis.l2_time + BLOCK_TIME * number;
    let mut transactions = vec![l1_info_tx(cfg, number, time)];
    transactions.extend_from_slice(txs);
    let mut attrs = json!({
        "timestamp": quantity(time),
        "prevRandao": keccak256(format!("randao {number}")),
        "suggestedFeeRecipient": "0x4200000000000000000000000000000000000011",
        "transactions": transactions,
        "noTxPool": no_tx_pool,
        "gasLimit": quantity(GAS_LIMIT),
    });
    if number >= CANYON_BLOCK {
        attrs["withdrawals"] = json!([]);
    }
    if number >= ECOTONE_BLOCK {
        attrs["parentBeaconBlockRoot"] = json!(keccak256(format!("beacon {number}")));
    }
    if number >= HOLOCENE_BLOCK {
        // denominator 250, elasticity 6
        attrs["eip1559Params"] = json!("0x000000fa00000006");
    }
    if number >= JOVIAN_BLOCK {
        attrs["minBaseFee"] = json!(quantity(1_000));
    }
    attrs
}

fn forkchoice(head: B256, safe: B256, finalized: B256) -> Value {
    json!({ "headBlockHash": head, "safeBlockHash": safe, "finalizedBlockHash": finalized })
}

/// Asks for a block on `head` with `attrs` and returns the payload id.
fn start_build(engine: &Engine, version: u8, head: B256, attrs: Value) -> String {
    let result = engine.call(
        &format!("engine_forkchoiceUpdatedV{version}"),
        json!([forkchoice(head, head, head), attrs]),
    );
    assert_eq!(result["payloadStatus"]["status"], "VALID", "{result}");
    assert_eq!(as_b256(&result["payloadStatus"]["latestValidHash"]), head);
    let id = result["payloadId"].as_str().expect("a payload id").to_owned();
    assert_eq!(id.len(), 2 + 16, "payload ids are 8 bytes: {id}");
    id
}

/// The `newPayloadV{version}` parameters for an envelope returned by getPayload.
fn new_payload_params(version: u8, envelope: &Value, beacon_root: &Value) -> Value {
    let payload = &envelope["executionPayload"];
    match version {
        2 => json!([payload]),
        3 => json!([payload, [], beacon_root]),
        _ => json!([payload, [], beacon_root, []]),
    }
}

/// Builds block `number` on `head` with `txs` (and the pool unless `no_tx_pool`), imports it
/// and makes it the head; returns the envelope.
fn build_and_import(
    engine: &Engine,
    cfg: &RollupConfig,
    head: B256,
    number: u64,
    txs: &[Bytes],
    no_tx_pool: bool,
) -> Value {
    let v = versions(number);
    let attrs = attributes(cfg, number, txs, no_tx_pool);
    let id = start_build(engine, v.fcu, head, attrs.clone());
    let envelope = engine.call(&format!("engine_getPayloadV{}", v.get), json!([id]));
    let payload = &envelope["executionPayload"];
    assert_eq!(as_b256(&payload["parentHash"]), head);
    assert_eq!(as_u64(&payload["blockNumber"]), number);
    assert_eq!(payload["timestamp"], attrs["timestamp"]);
    assert_eq!(payload["prevRandao"], attrs["prevRandao"]);
    assert_eq!(as_u64(&payload["gasLimit"]), GAS_LIMIT);
    // Deposits and forced transactions come first, exactly as given.
    let given = attrs["transactions"].as_array().unwrap();
    let built = payload["transactions"].as_array().unwrap();
    assert!(built.len() >= given.len());
    assert_eq!(&built[..given.len()], given.as_slice());
    if number >= CANYON_BLOCK {
        assert_eq!(payload["withdrawals"], json!([]));
    }
    if number >= ECOTONE_BLOCK {
        assert_eq!(envelope["parentBeaconBlockRoot"], attrs["parentBeaconBlockRoot"]);
        assert_eq!(as_u64(&payload["excessBlobGas"]), 0);
    }
    if number >= ISTHMUS_BLOCK {
        assert_eq!(envelope["executionRequests"], json!([]));
        // The OP Isthmus payload carries the message passer's storage root.
        assert!(payload["withdrawalsRoot"].is_string(), "{payload}");
    }
    if number >= HOLOCENE_BLOCK {
        let extra = payload["extraData"].as_str().unwrap();
        let expected = if number >= JOVIAN_BLOCK {
            format!("0x01000000fa00000006{:016x}", 1_000)
        } else {
            "0x00000000fa00000006".to_owned()
        };
        assert_eq!(extra, expected);
    }
    let hash = as_b256(&payload["blockHash"]);
    let status = engine.call(
        &format!("engine_newPayloadV{}", v.new),
        new_payload_params(v.new, &envelope, &attrs["parentBeaconBlockRoot"]),
    );
    assert_eq!(status["status"], "VALID", "{status}");
    assert_eq!(as_b256(&status["latestValidHash"]), hash);
    let result = engine.call(
        &format!("engine_forkchoiceUpdatedV{}", v.fcu),
        json!([forkchoice(hash, head, head), null]),
    );
    assert_eq!(result["payloadStatus"]["status"], "VALID", "{result}");
    assert_eq!(result["payloadId"], Value::Null);
    assert_eq!(engine.block_hash("latest"), hash);
    envelope
}

#[test]
fn jwt_authentication_rejects_missing_wrong_and_stale_tokens() {
    let (_cfg, engine) = dev_engine("jwt", &[]);
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": [] });
    let body = body.to_string();
    let url = engine.auth_url.clone();
    let other = "0x1111111111111111111111111111111111111111111111111111111111111111";
    assert_eq!(engine.post(&url, None, &body).0, 401, "no token");
    assert_eq!(engine.post(&url, Some("not-a-jwt".into()), &body).0, 401, "garbage token");
    assert_eq!(engine.post(&url, Some(Engine::token(other, now())), &body).0, 401, "wrong key");
    assert_eq!(
        engine.post(&url, Some(Engine::token(JWT_SECRET, now() - 120)), &body).0,
        401,
        "iat two minutes old"
    );
    assert_eq!(
        engine.post(&url, Some(Engine::token(JWT_SECRET, now() + 120)), &body).0,
        401,
        "iat two minutes ahead"
    );
    let (status, response) = engine.post(&url, Some(Engine::token(JWT_SECRET, now() - 30)), &body);
    assert_eq!(status, 200, "iat 30 s old is within the window");
    assert_eq!(as_u64(&response.unwrap()["result"]), OP_SEPOLIA_CHAIN_ID);
}

#[test]
fn real_op_sepolia_genesis_is_block_zero_with_a_verifiable_message_passer_proof() {
    let dir = scratch("op-sepolia");
    let genesis_dir = vectors().join("configs/genesis");
    let engine = Engine::start(
        &dir,
        &[
            "--network",
            "op-sepolia",
            "--genesis",
            genesis_dir.join("op-sepolia.json.zst").to_str().unwrap(),
            "--genesis-dictionary",
            genesis_dir.join("dictionary").to_str().unwrap(),
            "--dev",
        ],
    );
    assert_eq!(as_b256(&engine.ready["genesis"]), OP_SEPOLIA_GENESIS);
    for tag in ["head", "safe", "finalized"] {
        assert_eq!(as_b256(&engine.ready[tag]), OP_SEPOLIA_GENESIS, "{tag} starts at genesis");
    }
    assert_eq!(as_u64(&engine.call("eth_chainId", json!([]))), OP_SEPOLIA_CHAIN_ID);
    assert_eq!(as_u64(&engine.call("eth_blockNumber", json!([]))), 0);
    let block = engine.block("0x0");
    assert_eq!(as_b256(&block["hash"]), OP_SEPOLIA_GENESIS);
    assert_eq!(as_b256(&block["stateRoot"]), OP_SEPOLIA_GENESIS_STATE_ROOT);
    assert_eq!(as_u64(&block["timestamp"]), 1_691_802_540);
    for tag in ["latest", "safe", "finalized", "earliest"] {
        assert_eq!(engine.block_hash(tag), OP_SEPOLIA_GENESIS, "{tag}");
    }
    let by_hash = engine.call("eth_getBlockByHash", json!([OP_SEPOLIA_GENESIS, false]));
    assert_eq!(by_hash, block);
    assert_eq!(engine.call("eth_getBlockByNumber", json!(["0x1", false])), Value::Null);

    // The proof op-node asks for to compute an output root, checked against the state root.
    let proof = engine.call("eth_getProof", json!([MESSAGE_PASSER, [], "latest"]));
    verify_account_proof(&proof, OP_SEPOLIA_GENESIS_STATE_ROOT);
    assert_eq!(proof["storageProof"], json!([]));
    // An absent account proves its absence.
    let absent = engine.call("eth_getProof", json!([RECIPIENT, [B256::ZERO], "latest"]));
    assert_eq!(absent["balance"], "0x0");
    verify_account_proof(&absent, OP_SEPOLIA_GENESIS_STATE_ROOT);
}

/// Checks an EIP-1186 response: the account proof against `state_root` and each storage
/// proof against the account's storage root.
fn verify_account_proof(proof: &Value, state_root: B256) {
    let address: Address = serde_json::from_value(proof["address"].clone()).unwrap();
    let nodes: Vec<Bytes> = serde_json::from_value(proof["accountProof"].clone()).unwrap();
    let storage_root = as_b256(&proof["storageHash"]);
    let account = alloy_consensus::TrieAccount {
        nonce: as_u64(&proof["nonce"]),
        balance: serde_json::from_value(proof["balance"].clone()).unwrap(),
        storage_root,
        code_hash: as_b256(&proof["codeHash"]),
    };
    let empty = account.nonce == 0
        && account.balance.is_zero()
        && account.code_hash == alloy_trie::KECCAK_EMPTY
        && storage_root == alloy_trie::EMPTY_ROOT_HASH;
    let expected = (!empty).then(|| alloy_rlp::encode(account));
    alloy_trie::proof::verify_proof(
        state_root,
        alloy_trie::Nibbles::unpack(keccak256(address)),
        expected,
        &nodes,
    )
    .unwrap_or_else(|e| panic!("account proof of {address} does not verify: {e}"));
    for slot in proof["storageProof"].as_array().unwrap() {
        let key = as_b256(&slot["key"]);
        let value: U256 = serde_json::from_value(slot["value"].clone()).unwrap();
        let nodes: Vec<Bytes> = serde_json::from_value(slot["proof"].clone()).unwrap();
        let expected = (!value.is_zero()).then(|| alloy_rlp::encode(value));
        alloy_trie::proof::verify_proof(
            storage_root,
            alloy_trie::Nibbles::unpack(keccak256(key)),
            expected,
            &nodes,
        )
        .unwrap_or_else(|e| panic!("storage proof of {address} slot {key} does not verify: {e}"));
    }
}

#[test]
fn rule_6_2_method_versions_and_payload_fields_through_every_fork() {
    let (cfg, engine) = dev_engine("forks", &[]);
    let capabilities = engine.call(
        "engine_exchangeCapabilities",
        json!([["engine_forkchoiceUpdatedV3", "engine_newPayloadV4", "engine_getPayloadV4"]]),
    );
    let capabilities: Vec<String> = serde_json::from_value(capabilities).unwrap();
    for method in ENGINE_METHODS {
        assert!(capabilities.iter().any(|c| c == method), "{method} missing: {capabilities:?}");
    }

    let genesis = as_b256(&engine.ready["genesis"]);
    let mut head = genesis;
    for number in 1..=JOVIAN_BLOCK + 1 {
        let time = cfg.genesis.l2_time + BLOCK_TIME * number;
        let v = versions(number);
        let attrs = attributes(&cfg, number, &[], true);
        // A wrong forkchoiceUpdated version for these attributes is refused, with no build.
        if number >= ECOTONE_BLOCK {
            let code = engine.error_code(
                "engine_forkchoiceUpdatedV2",
                json!([forkchoice(head, head, head), attrs]),
            );
            assert_eq!(code, -38005, "FCUv2 with Ecotone attributes (block {number})");
        } else if number >= CANYON_BLOCK {
            // (Before Canyon the attributes lack withdrawals, a -38003 structure error first.)
            let mut with_root = attrs.clone();
            with_root["parentBeaconBlockRoot"] = json!(B256::ZERO);
            let code = engine.error_code(
                "engine_forkchoiceUpdatedV3",
                json!([forkchoice(head, head, head), with_root]),
            );
            assert_eq!(code, -38005, "FCUv3 with pre-Ecotone attributes (block {number})");
        }
        if number >= CANYON_BLOCK {
            // Shanghai: attributes without withdrawals are the wrong structure.
            let mut v1 = attrs.clone();
            v1.as_object_mut().unwrap().remove("withdrawals");
            let code = engine.error_code(
                &format!("engine_forkchoiceUpdatedV{}", v.fcu),
                json!([forkchoice(head, head, head), v1]),
            );
            assert!(
                code == -38003 || code == -32602,
                "withdrawals missing from Canyon attributes: {code}"
            );
        }

        let id = start_build(&engine, v.fcu, head, attrs.clone());
        // getPayload of another fork's version is refused.
        let wrong_get = if v.get == 2 { 3 } else { v.get - 1 };
        let code = engine.error_code(&format!("engine_getPayloadV{wrong_get}"), json!([id]));
        assert_eq!(code, -38005, "getPayloadV{wrong_get} for block {number}");
        let envelope = engine.call(&format!("engine_getPayloadV{}", v.get), json!([id]));
        let payload = &envelope["executionPayload"];
        assert_eq!(as_u64(&payload["timestamp"]), time);
        assert!(envelope["blockValue"].is_string());

        // newPayload of another fork's version is refused.
        let wrong_new = if v.new == 2 { 3 } else { v.new - 1 };
        let beacon = &attrs["parentBeaconBlockRoot"];
        let beacon = if beacon.is_null() { json!(B256::ZERO) } else { beacon.clone() };
        let code = engine.error_code(
            &format!("engine_newPayloadV{wrong_new}"),
            new_payload_params(wrong_new, &envelope, &beacon),
        );
        // -38005, or -32602 where the payload's structure already belongs to another version
        // (blob gas fields, the Isthmus withdrawalsRoot).
        assert!(
            code == -38005 || code == -32602,
            "newPayloadV{wrong_new} for block {number}: {code}"
        );

        let imported = build_and_import(&engine, &cfg, head, number, &[], true);
        // Same attributes, same block: the build is deterministic.
        assert_eq!(imported["executionPayload"], *payload);
        head = as_b256(&payload["blockHash"]);
        let block = engine.block(&quantity(number));
        assert_eq!(as_b256(&block["hash"]), head);
        assert_eq!(block["stateRoot"], payload["stateRoot"]);
        assert_eq!(block["receiptsRoot"], payload["receiptsRoot"]);
        assert_eq!(as_u64(&block["timestamp"]), time);
        if number >= ISTHMUS_BLOCK {
            // The Isthmus withdrawalsRoot is the message passer's storage root, which the
            // proof op-node uses for output roots must agree with.
            let proof = engine.call("eth_getProof", json!([MESSAGE_PASSER, [], quantity(number)]));
            verify_account_proof(&proof, as_b256(&block["stateRoot"]));
            assert_eq!(proof["storageHash"], block["withdrawalsRoot"]);
            assert_eq!(payload["withdrawalsRoot"], block["withdrawalsRoot"]);
        }
    }
    assert_eq!(as_u64(&engine.call("eth_blockNumber", json!([]))), JOVIAN_BLOCK + 1);
    // The full-transaction view lists the L1-info deposit first.
    let full = engine.call("eth_getBlockByNumber", json!(["latest", true]));
    let first = &full["transactions"][0];
    assert_eq!(first["type"], "0x7e");
    assert_eq!(first["from"], "0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001");
}

#[test]
fn error_codes_and_payload_statuses_follow_the_spec() {
    let (cfg, engine) = dev_engine("errors", &[]);
    let genesis = as_b256(&engine.ready["genesis"]);
    let mut head = genesis;
    for number in 1..=ECOTONE_BLOCK {
        let envelope = build_and_import(&engine, &cfg, head, number, &[], true);
        head = as_b256(&envelope["executionPayload"]["blockHash"]);
    }
    // The next block is an Ecotone block too, so only the checked fault differs.
    let number = ECOTONE_BLOCK + 1;
    let unknown = keccak256("no such block");

    // JSON-RPC level errors.
    let token = Some(Engine::token(JWT_SECRET, now()));
    let (status, body) = engine.post(&engine.auth_url, token.clone(), "{not json");
    assert_eq!(status, 200);
    assert_eq!(body.unwrap()["error"]["code"], -32700);
    assert_eq!(engine.error_code("engine_noSuchMethodV9", json!([])), -32601);
    assert_eq!(engine.error_code("engine_getPayloadV3", json!(["not an id"])), -32602);

    // -38001: unknown payload id.
    assert_eq!(engine.error_code("engine_getPayloadV3", json!(["0x0123456789abcdef"])), -38001);

    // -38002: safe / finalized not on the head's chain.
    let code = engine.error_code(
        "engine_forkchoiceUpdatedV2",
        json!([forkchoice(head, unknown, genesis), null]),
    );
    assert_eq!(code, -38002, "unknown safe block");
    let code = engine.error_code(
        "engine_forkchoiceUpdatedV2",
        json!([forkchoice(head, genesis, unknown), null]),
    );
    assert_eq!(code, -38002, "unknown finalized block");

    // An unknown head: SYNCING, no payload, forkchoice unchanged.
    let result = engine.call(
        "engine_forkchoiceUpdatedV3",
        json!([forkchoice(unknown, genesis, genesis), attributes(&cfg, number, &[], true)]),
    );
    assert_eq!(result["payloadStatus"]["status"], "SYNCING", "{result}");
    assert_eq!(result["payloadId"], Value::Null);
    assert_eq!(engine.block_hash("latest"), head);

    // -38003: attributes not after the head, without a gas limit, or with an invalid tx.
    let mut stale = attributes(&cfg, number, &[], true);
    stale["timestamp"] = engine.block("latest")["timestamp"].clone();
    assert_eq!(
        engine
            .error_code("engine_forkchoiceUpdatedV3", json!([forkchoice(head, head, head), stale])),
        -38003,
        "timestamp not after the head"
    );
    // Shanghai: PayloadAttributesV2 of the wrong structure (here with a beacon root) is -38003.
    let mut pre_ecotone = attributes(&cfg, ECOTONE_BLOCK - 1, &[], true);
    pre_ecotone["timestamp"] = json!(quantity(as_u64(&engine.block("latest")["timestamp"]) + 1));
    pre_ecotone["parentBeaconBlockRoot"] = json!(B256::ZERO);
    let v2 = engine.error_code(
        "engine_forkchoiceUpdatedV2",
        json!([forkchoice(head, head, head), pre_ecotone]),
    );
    assert!(v2 == -38003 || v2 == -38005, "FCUv2 attributes with a beacon root: {v2}");
    let mut no_gas = attributes(&cfg, number, &[], true);
    no_gas.as_object_mut().unwrap().remove("gasLimit");
    assert_eq!(
        engine.error_code(
            "engine_forkchoiceUpdatedV3",
            json!([forkchoice(head, head, head), no_gas])
        ),
        -38003,
        "OP attributes need gasLimit"
    );
    let garbage = attributes(&cfg, number, &[Bytes::from_static(&[0x02, 0xff, 0x00])], true);
    match engine
        .try_call("engine_forkchoiceUpdatedV3", json!([forkchoice(head, head, head), garbage]))
    {
        Err(error) => assert_eq!(error["code"], -38003, "{error}"),
        Ok(result) => {
            // A node may accept the call and fail the build: then no payload may carry it.
            if let Some(id) = result["payloadId"].as_str() {
                assert!(
                    engine.try_call("engine_getPayloadV3", json!([id])).is_err(),
                    "a payload was built from attributes with an undecodable transaction"
                );
            }
        }
    }
    // A failed attributes check does not roll back the forkchoice update.
    assert_eq!(engine.block_hash("latest"), head);

    // Payload statuses.
    let attrs = attributes(&cfg, number, &[], true);
    let id = start_build(&engine, 3, head, attrs.clone());
    let envelope = engine.call("engine_getPayloadV3", json!([id]));
    let beacon = attrs["parentBeaconBlockRoot"].clone();
    let good = envelope["executionPayload"].clone();

    // A block hash that does not match the contents: INVALID, latestValidHash null.
    let mut bad_hash = good.clone();
    bad_hash["blockHash"] = json!(unknown);
    let status = engine.call("engine_newPayloadV3", json!([bad_hash, [], beacon]));
    assert_eq!(status["status"], "INVALID", "{status}");
    assert_eq!(status["latestValidHash"], Value::Null);

    // Versioned hashes must be [] for OP payloads (no blob transactions).
    let status = engine.call("engine_newPayloadV3", json!([good, [unknown], beacon]));
    assert_eq!(status["status"], "INVALID", "{status}");

    // A well-formed block whose state root is wrong: INVALID, latestValidHash = parent.
    let mut payload: ExecutionPayloadV3 = serde_json::from_value(good.clone()).unwrap();
    payload.payload_inner.payload_inner.state_root = keccak256("wrong state");
    let mut block = payload.clone().try_into_block::<op_alloy_consensus::OpTxEnvelope>().unwrap();
    block.header.parent_beacon_block_root = Some(as_b256(&beacon));
    payload.payload_inner.payload_inner.block_hash = block.header.hash_slow();
    let status = engine.call("engine_newPayloadV3", json!([payload, [], beacon]));
    assert_eq!(status["status"], "INVALID", "{status}");
    assert_eq!(as_b256(&status["latestValidHash"]), head);
    assert!(status["validationError"].is_string());

    // A payload whose parent is unknown: SYNCING (the engine cannot validate it).
    let mut orphan: ExecutionPayloadV3 = serde_json::from_value(good.clone()).unwrap();
    orphan.payload_inner.payload_inner.parent_hash = unknown;
    let mut block = orphan.clone().try_into_block::<op_alloy_consensus::OpTxEnvelope>().unwrap();
    block.header.parent_beacon_block_root = Some(as_b256(&beacon));
    orphan.payload_inner.payload_inner.block_hash = block.header.hash_slow();
    let status = engine.call("engine_newPayloadV3", json!([orphan, [], beacon]));
    assert!(
        status["status"] == "SYNCING" || status["status"] == "ACCEPTED",
        "unknown parent: {status}"
    );

    // The good payload is still VALID, and an invalid one never becomes the head.
    let status = engine.call("engine_newPayloadV3", json!([good, [], beacon]));
    assert_eq!(status["status"], "VALID", "{status}");
    let bad = payload.payload_inner.payload_inner.block_hash;
    let result =
        engine.call("engine_forkchoiceUpdatedV3", json!([forkchoice(bad, head, head), null]));
    assert_ne!(result["payloadStatus"]["status"], "VALID", "{result}");
    assert_eq!(engine.block_hash("latest"), head);
}

#[test]
fn forkchoice_reorgs_between_sibling_branches_and_tags_follow() {
    let (cfg, engine) = dev_engine("reorg", &[]);
    let genesis = as_b256(&engine.ready["genesis"]);
    let a1 = build_and_import(&engine, &cfg, genesis, 1, &[], true);
    let a1 = as_b256(&a1["executionPayload"]["blockHash"]);
    let a2 = build_and_import(&engine, &cfg, a1, 2, &[], true);
    let a2 = as_b256(&a2["executionPayload"]["blockHash"]);

    // A sibling branch from genesis: block 1 with a user transaction.
    let b1 = build_and_import(&engine, &cfg, genesis, 1, &[transfer(0, 5)], true);
    let b1 = as_b256(&b1["executionPayload"]["blockHash"]);
    assert_ne!(a1, b1);
    assert_eq!(engine.block_hash("latest"), b1);
    assert_eq!(engine.block_hash("0x1"), b1);
    assert_eq!(engine.call("eth_getBlockByNumber", json!(["0x2", false])), Value::Null);
    assert_eq!(
        engine.call("eth_getBalance", json!([RECIPIENT, "latest"])),
        json!("0x5"),
        "B's state"
    );
    // The A branch is still known by hash.
    assert_eq!(as_b256(&engine.call("eth_getBlockByHash", json!([a2, false]))["hash"]), a2);

    // Safe on the other branch is an invalid forkchoice state.
    let code =
        engine.error_code("engine_forkchoiceUpdatedV2", json!([forkchoice(b1, a1, genesis), null]));
    assert_eq!(code, -38002);

    // Back to A, with safe and finalized set: the canonical index and tags follow.
    let result =
        engine.call("engine_forkchoiceUpdatedV2", json!([forkchoice(a2, a1, genesis), null]));
    assert_eq!(result["payloadStatus"]["status"], "VALID");
    assert_eq!(engine.block_hash("latest"), a2);
    assert_eq!(engine.block_hash("0x1"), a1);
    assert_eq!(engine.block_hash("safe"), a1);
    assert_eq!(engine.block_hash("finalized"), genesis);
    assert_eq!(engine.call("eth_getBalance", json!([RECIPIENT, "latest"])), json!("0x0"));
    // The transaction of the abandoned branch is not on the canonical chain.
    let by_number = engine.call("eth_getBlockByNumber", json!(["0x1", true]));
    assert_eq!(by_number["transactions"].as_array().unwrap().len(), 1);
}

#[test]
fn pool_transactions_are_included_unless_no_tx_pool() {
    let (cfg, engine) = dev_engine("txpool", &["--http.port", "0"]);
    let genesis = as_b256(&engine.ready["genesis"]);
    let http_url = engine.http_url.clone().expect("an http server when --http.port is given");
    // The public server serves eth_ without a token, and no engine_ methods.
    let send = |raw: &Bytes| -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": [raw] });
        let (status, response) = engine.post(&http_url, None, &body.to_string());
        assert_eq!(status, 200);
        response.unwrap()
    };
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "engine_getPayloadV3", "params": ["0x0000000000000000"] });
    let (status, response) = engine.post(&http_url, None, &body.to_string());
    assert!(
        status == 401 || status == 403 || response.is_some_and(|r| r["error"]["code"] == -32601),
        "engine_ methods are not public"
    );

    let first = transfer(0, 1_000);
    let second = transfer(1, 2_000);
    let sent = send(&first);
    assert_eq!(as_b256(&sent["result"]), keccak256(&first), "{sent}");
    // Sent out of order; the pool orders a sender's transactions by nonce.
    let future = transfer(3, 4_000);
    assert_eq!(as_b256(&send(&future)["result"]), keccak256(&future));
    assert_eq!(as_b256(&send(&second)["result"]), keccak256(&second));
    // Garbage and deposits are refused.
    assert!(send(&Bytes::from_static(&[0x02, 0x01])).get("error").is_some());
    let deposit = l1_info_tx(&cfg, 1, cfg.genesis.l2_time + 2);
    assert!(send(&deposit).get("error").is_some(), "a deposit cannot come from the pool");

    // noTxPool: true keeps the pool out.
    let sealed = build_and_import(&engine, &cfg, genesis, 1, &[], true);
    assert_eq!(sealed["executionPayload"]["transactions"].as_array().unwrap().len(), 1);
    let head = as_b256(&sealed["executionPayload"]["blockHash"]);

    // noTxPool: false packs the pool after the deposits: nonces 0 and 1, not the gapped 3.
    let open = build_and_import(&engine, &cfg, head, 2, &[], false);
    let txs: Vec<Bytes> =
        serde_json::from_value(open["executionPayload"]["transactions"].clone()).unwrap();
    assert_eq!(txs.len(), 3, "deposit + two pool transactions");
    assert_eq!(txs[1], first);
    assert_eq!(txs[2], second);
    assert_eq!(
        engine.call("eth_getTransactionCount", json!([DEV_ADDRESS, "latest"])),
        json!("0x2")
    );
    assert_eq!(engine.call("eth_getBalance", json!([RECIPIENT, "latest"])), json!(quantity(3_000)));
    let head = as_b256(&open["executionPayload"]["blockHash"]);

    // Included transactions left the pool; the gapped one waits until nonce 2 arrives.
    let third = transfer(2, 3_000);
    send(&third);
    let next = build_and_import(&engine, &cfg, head, 3, &[], false);
    let txs: Vec<Bytes> =
        serde_json::from_value(next["executionPayload"]["transactions"].clone()).unwrap();
    assert_eq!(&txs[1..], &[third, future]);
    assert_eq!(
        engine.call("eth_getBalance", json!([RECIPIENT, "latest"])),
        json!(quantity(10_000))
    );
}

#[test]
fn restart_on_the_same_datadir_keeps_head_safe_and_finalized() {
    let dir = scratch("restart");
    let cfg = devnet(&dir, now() - 1000);
    let datadir = dir.join("data");
    let rollup = dir.join("rollup.json");
    let genesis_file = dir.join("genesis.json");
    let (genesis, blocks) = {
        let engine = Engine::start(
            &dir,
            &[
                "--rollup-config",
                rollup.to_str().unwrap(),
                "--genesis",
                genesis_file.to_str().unwrap(),
                "--datadir",
                datadir.to_str().unwrap(),
            ],
        );
        let genesis = as_b256(&engine.ready["genesis"]);
        let mut blocks = vec![genesis];
        for number in 1..=5 {
            let envelope =
                build_and_import(&engine, &cfg, *blocks.last().unwrap(), number, &[], true);
            blocks.push(as_b256(&envelope["executionPayload"]["blockHash"]));
        }
        let result = engine.call(
            "engine_forkchoiceUpdatedV3",
            json!([forkchoice(blocks[5], blocks[3], blocks[2]), null]),
        );
        assert_eq!(result["payloadStatus"]["status"], "VALID");
        (genesis, blocks)
        // Dropping the engine stops it with SIGTERM.
    };

    // No --genesis: the datadir has it.
    let engine = Engine::start(
        &dir,
        &["--rollup-config", rollup.to_str().unwrap(), "--datadir", datadir.to_str().unwrap()],
    );
    assert_eq!(as_b256(&engine.ready["genesis"]), genesis);
    assert_eq!(as_b256(&engine.ready["head"]), blocks[5]);
    assert_eq!(as_b256(&engine.ready["safe"]), blocks[3]);
    assert_eq!(as_b256(&engine.ready["finalized"]), blocks[2]);
    assert_eq!(engine.block_hash("latest"), blocks[5]);
    assert_eq!(engine.block_hash("safe"), blocks[3]);
    assert_eq!(engine.block_hash("finalized"), blocks[2]);
    for (number, hash) in blocks.iter().enumerate() {
        assert_eq!(engine.block_hash(&quantity(number as u64)), *hash);
    }
    // The state survived too: the chain goes on from the stored head.
    let envelope = build_and_import(&engine, &cfg, blocks[5], 6, &[transfer(0, 9)], true);
    assert_eq!(as_u64(&envelope["executionPayload"]["blockNumber"]), 6);
    assert_eq!(engine.call("eth_getBalance", json!([RECIPIENT, "latest"])), json!("0x9"));
    drop(engine);

    // A different genesis for the same datadir is refused.
    let mut other: Value = serde_json::from_slice(&std::fs::read(&genesis_file).unwrap()).unwrap();
    other["alloc"][format!("{RECIPIENT:x}").trim_start_matches("0x")] = json!({ "balance": "0x1" });
    let other_file = dir.join("other-genesis.json");
    std::fs::write(&other_file, serde_json::to_vec(&other).unwrap()).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["engine", "--rollup-config", rollup.to_str().unwrap()])
        .args(["--genesis", other_file.to_str().unwrap()])
        .args(["--datadir", datadir.to_str().unwrap()])
        .args(["--authrpc.port", "0", "--authrpc.jwtsecret"])
        .arg(dir.join("jwt.hex"))
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(!status.status.success(), "a mismatching genesis must be refused");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(stderr.contains("genesis"), "the error names the genesis: {stderr}");
}

#[test]
fn malformed_params_get_json_rpc_errors_and_the_engine_keeps_serving() {
    let (_cfg, engine) = dev_engine("malformed", &[]);
    let genesis = as_b256(&engine.ready["genesis"]);
    let eth_methods = [
        "eth_chainId",
        "eth_blockNumber",
        "eth_getBlockByNumber",
        "eth_getBlockByHash",
        "eth_getProof",
        "eth_getBalance",
        "eth_getTransactionCount",
        "eth_getCode",
        "eth_getStorageAt",
        "eth_sendRawTransaction",
        "eth_getTransactionByHash",
        "eth_getTransactionReceipt",
    ];
    let methods: Vec<&str> = ["engine_exchangeCapabilities"]
        .into_iter()
        .chain(ENGINE_METHODS)
        .chain(eth_methods)
        .collect();
    let huge = format!("0x{}", "f".repeat(80));
    let garbage = [
        json!(null),
        json!({}),
        json!([]),
        json!([null]),
        json!([null, null, null, null, null]),
        json!(["0x"]),
        json!(["0xzz"]),
        json!([huge]),
        json!([-1]),
        json!([1.5]),
        json!([{}]),
        json!([[]]),
        json!([{ "headBlockHash": "0x12" }, {}]),
        json!([forkchoice(genesis, genesis, genesis), { "timestamp": huge }]),
        json!([forkchoice(genesis, genesis, genesis), { "timestamp": "0x1", "gasLimit": "0x" }]),
        json!([{ "parentHash": genesis, "transactions": ["0x"] }, [], genesis, []]),
        json!([{ "blockNumber": huge, "transactions": [huge] }]),
        json!([genesis, ["0x00"], "latest"]),
        json!([genesis, [huge], huge]),
        json!(["0x7e", "latest"]),
        json!(["0x02f8", "latest"]),
        json!([genesis, "pending", true, 7]),
    ];
    for method in methods {
        for params in &garbage {
            let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
            let (status, response) = engine.post(
                &engine.auth_url,
                Some(Engine::token(JWT_SECRET, now())),
                &body.to_string(),
            );
            assert_eq!(status, 200, "{method} {params}: HTTP {status}");
            let response = response.unwrap_or_else(|| panic!("{method} {params}: no JSON"));
            assert!(
                response.get("result").is_some() || response["error"]["code"].is_i64(),
                "{method} {params}: {response}"
            );
        }
    }
    // Still serving, state untouched.
    assert_eq!(engine.block_hash("latest"), genesis);
    assert_eq!(as_u64(&engine.call("eth_blockNumber", json!([]))), 0);
}

/// The L1Block predeploy: the L1-info deposit writes the origin into its storage.
const L1_BLOCK: Address = address!("4200000000000000000000000000000000000015");

/// Derivation and execution end to end: `keel derive` turns the committed multi-fork L1
/// fixture (Bedrock through Jovian: L1-info deposits of every layout, user deposits, the
/// network-upgrade transactions of each activation block, batched user transactions) into
/// payload attributes, and `keel engine` executes every one of them, in order, on the real OP
/// Sepolia predeploys, as op-node would drive op-geth.
#[test]
fn rule_6_4_and_6_5_derived_multi_fork_chain_builds_and_a_follower_imports_it() {
    let dir = scratch("derived");
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/multi-fork");
    let out = Command::new(env!("CARGO_BIN_EXE_keel"))
        .arg("derive")
        .arg("--rollup-config")
        .arg(fixture.join("rollup.json"))
        .arg("--l1")
        .arg(fixture.join("l1.json"))
        .args(["--blob-schedule", "cancun-from-genesis"])
        .output()
        .unwrap();
    assert!(out.status.success(), "keel derive: {}", String::from_utf8_lossy(&out.stderr));
    let derived: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(derived.len(), 269);

    // The batched transactions' senders get funds in the genesis (the fixture's L2 state is
    // otherwise the real OP Sepolia genesis, moved to the fixture's genesis time).
    let cfg =
        RollupConfig::from_json(&std::fs::read_to_string(fixture.join("rollup.json")).unwrap())
            .unwrap();
    let mut senders = std::collections::BTreeSet::new();
    for line in &derived {
        for raw in line["attributes"]["transactions"].as_array().unwrap() {
            let raw: Bytes = serde_json::from_value(raw.clone()).unwrap();
            if raw.first() == Some(&0x7e) {
                continue;
            }
            let tx = <op_alloy_consensus::OpTxEnvelope as alloy_eips::Decodable2718>::decode_2718(
                &mut raw.as_ref(),
            )
            .unwrap();
            senders.insert(
                alloy_consensus::transaction::SignerRecoverable::recover_signer(&tx).unwrap(),
            );
        }
    }
    assert!(!senders.is_empty());
    let mut genesis = op_sepolia_genesis_json();
    genesis["timestamp"] = json!(quantity(cfg.genesis.l2_time));
    for sender in &senders {
        genesis["alloc"][format!("{sender:x}").trim_start_matches("0x")] =
            json!({ "balance": "0x3635c9adc5dea00000" }); // 1000 ether
    }
    std::fs::write(dir.join("genesis.json"), serde_json::to_vec(&genesis).unwrap()).unwrap();
    let mut engine_cfg = cfg.clone();
    // The fixture names its L2 genesis synthetically; the engine computes the real one.
    engine_cfg.genesis.l2.hash = B256::ZERO;
    std::fs::write(dir.join("rollup.json"), engine_cfg.to_json().unwrap()).unwrap();

    let (rollup, genesis_file) = (dir.join("rollup.json"), dir.join("genesis.json"));
    let args = [
        "--rollup-config",
        rollup.to_str().unwrap(),
        "--genesis",
        genesis_file.to_str().unwrap(),
        "--dev",
    ];
    let engine = Engine::start(&dir, &args);
    let mut head = as_b256(&engine.ready["genesis"]);
    let mut envelopes = Vec::new();
    let at = |fork: Option<u64>, time: u64| fork.is_some_and(|t| time >= t);
    let started = std::time::Instant::now();
    for (i, line) in derived.iter().enumerate() {
        let attrs = &line["attributes"];
        let time = as_u64(&attrs["timestamp"]);
        let (fcu, get, new) = if at(cfg.isthmus_time, time) {
            (3, 4, 4)
        } else if at(cfg.ecotone_time, time) {
            (3, 3, 3)
        } else {
            (2, 2, 2)
        };
        let id = start_build(&engine, fcu, head, attrs.clone());
        let envelope = engine.call(&format!("engine_getPayloadV{get}"), json!([id]));
        let payload = &envelope["executionPayload"];
        assert_eq!(
            payload["transactions"],
            attrs["transactions"],
            "block {}: exactly the derived transactions",
            i + 1
        );
        let status = engine.call(
            &format!("engine_newPayloadV{new}"),
            new_payload_params(new, &envelope, &attrs["parentBeaconBlockRoot"]),
        );
        assert_eq!(status["status"], "VALID", "block {}: {status}", i + 1);
        head = as_b256(&payload["blockHash"]);
        envelopes.push((new, envelope.clone(), attrs["parentBeaconBlockRoot"].clone()));
        let result = engine.call(
            &format!("engine_forkchoiceUpdatedV{fcu}"),
            json!([forkchoice(head, head, head), null]),
        );
        assert_eq!(result["payloadStatus"]["status"], "VALID");
    }
    assert_eq!(as_u64(&engine.call("eth_blockNumber", json!([]))), 269);
    // Informational (no timing assertions): the README quotes the release-build figures.
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "engine: 269 blocks built, fetched, imported and made head over HTTP in {took:.2} s \
         ({:.0} blocks/s)",
        269.0 / took
    );

    // A second engine that did not build them re-executes every payload (the path of blocks
    // from gossip) and reaches the same head.
    let follower_dir = scratch("derived-follower");
    let follower = Engine::start(&follower_dir, &args);
    let started = std::time::Instant::now();
    for (number, (version, envelope, beacon)) in envelopes.iter().enumerate() {
        let status = follower.call(
            &format!("engine_newPayloadV{version}"),
            new_payload_params(*version, envelope, beacon),
        );
        assert_eq!(status["status"], "VALID", "follower, block {}: {status}", number + 1);
        let hash = as_b256(&envelope["executionPayload"]["blockHash"]);
        let fcu = if *version >= 3 { 3 } else { 2 };
        let result = follower.call(
            &format!("engine_forkchoiceUpdatedV{fcu}"),
            json!([forkchoice(hash, hash, hash), null]),
        );
        assert_eq!(result["payloadStatus"]["status"], "VALID");
    }
    let took = started.elapsed().as_secs_f64();
    eprintln!(
        "engine: 269 payloads re-executed and made head by a follower over HTTP in {took:.2} s \
         ({:.0} blocks/s)",
        269.0 / took
    );
    assert_eq!(follower.block_hash("latest"), head);
    drop(follower);

    // Every transaction landed, and succeeded.
    let mut user_txs = 0;
    for number in 1..=269u64 {
        let block = engine.call("eth_getBlockByNumber", json!([quantity(number), true]));
        for tx in block["transactions"].as_array().unwrap() {
            let receipt = engine.call("eth_getTransactionReceipt", json!([tx["hash"]]));
            // Deposits too: L1-info deposits of every layout, user deposits and the upgrade
            // transactions all succeed on the real predeploys.
            assert_eq!(receipt["status"], "0x1", "block {number}: {tx}");
            user_txs += usize::from(tx["type"] != "0x7e");
        }
    }
    assert!(user_txs > 100, "{user_txs} batched user transactions");

    // The last L1-info deposit wrote its origin's hash into L1Block's storage.
    let last = derived.last().unwrap();
    let info: Bytes =
        serde_json::from_value(last["attributes"]["transactions"][0].clone()).unwrap();
    let op_alloy_consensus::OpTxEnvelope::Deposit(deposit) =
        <op_alloy_consensus::OpTxEnvelope as alloy_eips::Decodable2718>::decode_2718(
            &mut info.as_ref(),
        )
        .unwrap()
    else {
        panic!("the first transaction is the L1-info deposit");
    };
    let origin = keel_core::l1_info::L1BlockInfo::decode_for_l2_block(
        &cfg,
        as_u64(&last["attributes"]["timestamp"]),
        &deposit.input,
    )
    .unwrap();
    let slots: Vec<B256> = (0u8..8).map(B256::with_last_byte).collect();
    let proof = engine.call("eth_getProof", json!([L1_BLOCK, slots, "latest"]));
    verify_account_proof(&proof, as_b256(&engine.block("latest")["stateRoot"]));
    let values: Vec<B256> = proof["storageProof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| serde_json::from_value::<U256>(s["value"].clone()).unwrap().into())
        .collect();
    assert!(values.contains(&origin.block_hash), "L1Block storage {values:?} lacks {origin:?}");
}

#[test]
fn prometheus_metrics_count_calls_blocks_and_rejections() {
    let (cfg, engine) = dev_engine("metrics", &["--metrics.port", "0"]);
    let url = format!("http://{}/metrics", engine.ready["metrics"].as_str().unwrap());
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": [] });
    assert_eq!(engine.post(&engine.auth_url, None, &body.to_string()).0, 401);
    let genesis = as_b256(&engine.ready["genesis"]);
    let one = build_and_import(&engine, &cfg, genesis, 1, &[], true);
    let one = as_b256(&one["executionPayload"]["blockHash"]);
    build_and_import(&engine, &cfg, one, 2, &[transfer(0, 1)], true);
    assert_eq!(engine.error_code("engine_getPayloadV2", json!(["0x0000000000000001"])), -38001);

    let response = engine.http.get(&url).send().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
    };
    assert_eq!(value("keel_engine_unauthorized_requests_total"), 1.0);
    assert_eq!(value("keel_engine_blocks_built_total"), 2.0);
    // Blocks keel built itself are imported without re-execution.
    assert_eq!(value("keel_engine_blocks_imported_total"), 2.0);
    assert_eq!(value("keel_engine_block_execution_duration_seconds_count"), 2.0);
    assert!(value("keel_engine_gas_executed_total") > 21_000.0);
    assert_eq!(value("keel_engine_head_block"), 2.0);
    assert_eq!(value("keel_engine_txpool_transactions"), 0.0);
    assert_eq!(
        value("keel_engine_rpc_requests_total{method=\"engine_getPayloadV2\",outcome=\"-38001\"}"),
        1.0
    );
    assert_eq!(
        value("keel_engine_rpc_requests_total{method=\"engine_newPayloadV2\",outcome=\"ok\"}"),
        2.0
    );
    assert!(text.contains("# TYPE keel_engine_rpc_request_duration_seconds histogram"));
}
