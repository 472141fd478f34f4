//! Shared helpers of the `keel engine` tests: a devnet (rollup config, genesis, JWT secret),
//! spawning the binary and waiting for its ready line, authenticated JSON-RPC calls, signed
//! transactions and per-fork Engine API requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, dead_code)]

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_eips::Encodable2718;
use alloy_primitives::{Address, B256, Bytes, Signature, TxKind, U256};
use alloy_rpc_types_engine::{Claims, JwtSecret};
use k256::ecdsa::SigningKey;
use op_alloy_consensus::OpTxEnvelope;
use serde_json::{Value, json};

/// L2 chain id of the devnet.
pub(crate) const CHAIN_ID: u64 = 901;
/// Genesis time of the devnet (the multi-fork fixture's).
pub(crate) const GENESIS_TIME: u64 = 1_700_000_000;
/// Fork times of the multi-fork fixture's rollup config.
pub(crate) const CANYON: u64 = 1_700_000_062;
pub(crate) const ECOTONE: u64 = 1_700_000_182;
pub(crate) const HOLOCENE: u64 = 1_700_000_360;
pub(crate) const ISTHMUS: u64 = 1_700_000_422;
pub(crate) const JOVIAN: u64 = 1_700_000_480;
/// The devnet's JWT secret.
pub(crate) const SECRET: [u8; 32] = [0x42; 32];

/// The funded devnet key.
pub(crate) fn key() -> SigningKey {
    SigningKey::from_slice(&[7u8; 32]).unwrap()
}

/// Its address.
pub(crate) fn funded() -> Address {
    Address::from_private_key(&key())
}

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh temporary directory.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("keel-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the devnet files into `dir`: rollup.json (the multi-fork fixture's config with chain
/// id 901 and no pinned genesis hash), genesis.json (a funded account and a message passer with
/// one storage slot) and jwt.hex.
pub(crate) fn write_devnet(dir: &Path) {
    let mut rollup: Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/multi-fork/rollup.json")).unwrap(),
    )
    .unwrap();
    rollup["l2_chain_id"] = json!(CHAIN_ID);
    rollup["genesis"]["l2"]["hash"] = json!(B256::ZERO);
    std::fs::write(dir.join("rollup.json"), rollup.to_string()).unwrap();
    let genesis = json!({
        "config": { "chainId": CHAIN_ID },
        "nonce": "0x0",
        "timestamp": format!("{GENESIS_TIME:#x}"),
        "extraData": "0x",
        "gasLimit": "0x1c9c380",
        "difficulty": "0x0",
        "mixHash": B256::ZERO,
        "coinbase": "0x4200000000000000000000000000000000000011",
        "baseFeePerGas": "0x3b9aca00",
        "alloc": {
            funded().to_string(): { "balance": "0x3635c9adc5dea00000" },
            "0x4200000000000000000000000000000000000016": {
                "balance": "0x0",
                "code": "0x00",
                "storage": { "0x0000000000000000000000000000000000000000000000000000000000000001":
                    "0x0000000000000000000000000000000000000000000000000000000000000005" }
            }
        }
    });
    std::fs::write(dir.join("genesis.json"), genesis.to_string()).unwrap();
    std::fs::write(dir.join("jwt.hex"), format!("0x{}\n", alloy_primitives::hex::encode(SECRET)))
        .unwrap();
}

/// Common arguments for the devnet in `dir`.
pub(crate) fn devnet_args(dir: &Path) -> Vec<String> {
    vec![
        "--rollup-config".into(),
        dir.join("rollup.json").display().to_string(),
        "--authrpc.port".into(),
        "0".into(),
        "--authrpc.jwtsecret".into(),
        dir.join("jwt.hex").display().to_string(),
    ]
}

/// A running `keel engine`.
pub(crate) struct Engine {
    child: Option<Child>,
    /// The Engine API address.
    pub(crate) auth: String,
    /// The eth_ server address, if enabled.
    pub(crate) http: Option<String>,
    /// The ready line.
    pub(crate) ready: Value,
    stderr: PathBuf,
    client: reqwest::blocking::Client,
}

/// How a start attempt ended.
pub(crate) enum Started {
    /// Ready line seen.
    Ready(Engine),
    /// Exited first: status and stderr.
    Exited(ExitStatus, String),
}

impl Engine {
    /// Spawns `keel engine ARGS` and waits for its ready line (or its exit).
    pub(crate) fn try_start(args: &[String]) -> Started {
        let stderr = temp_dir("engine-log").join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
            .arg("engine")
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("keel runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = tx.send(first.and_then(Result::ok));
            // Anything more on stdout would break the contract: one line only.
            if let Some(Ok(line)) = lines.next() {
                panic!("unexpected second stdout line: {line}");
            }
        });
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(Some(line)) => {
                let ready: Value = serde_json::from_str(&line).expect("ready line is JSON");
                assert_eq!(ready["event"], "ready", "{line}");
                Started::Ready(Engine {
                    child: Some(child),
                    auth: ready["authrpc"].as_str().unwrap().to_string(),
                    http: ready["http"].as_str().map(str::to_string),
                    ready,
                    stderr,
                    client: {
                        // reqwest is built without a bundled crypto provider.
                        let _ = rustls::crypto::ring::default_provider().install_default();
                        reqwest::blocking::Client::builder()
                            .timeout(Duration::from_secs(600))
                            .build()
                            .unwrap()
                    },
                })
            }
            Ok(None) | Err(_) => {
                let status = match child.try_wait().unwrap() {
                    Some(status) => status,
                    None => {
                        let _ = child.kill();
                        child.wait().unwrap()
                    }
                };
                Started::Exited(status, std::fs::read_to_string(&stderr).unwrap_or_default())
            }
        }
    }

    /// Spawns and requires the ready line.
    pub(crate) fn start(args: &[String]) -> Engine {
        match Self::try_start(args) {
            Started::Ready(engine) => engine,
            Started::Exited(status, stderr) => panic!("keel engine exited ({status}): {stderr}"),
        }
    }

    /// The log so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// A fresh token for the devnet secret.
    pub(crate) fn token() -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        JwtSecret::from_hex(alloy_primitives::hex::encode(SECRET))
            .unwrap()
            .encode(&Claims { iat: now, exp: None })
            .unwrap()
    }

    /// POSTs `body` to `addr` with an optional bearer token: (HTTP status, body).
    pub(crate) fn post(&self, addr: &str, body: &str, token: Option<&str>) -> (u16, String) {
        let mut request = self
            .client
            .post(format!("http://{addr}/"))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().unwrap();
        (response.status().as_u16(), response.text().unwrap())
    }

    /// An authenticated JSON-RPC call: the whole response object.
    pub(crate) fn rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let (status, text) = self.post(&self.auth, &body.to_string(), Some(&Self::token()));
        assert_eq!(status, 200, "{method}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// An authenticated call that must succeed: its result.
    pub(crate) fn call(&self, method: &str, params: Value) -> Value {
        let response = self.rpc(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}\nlog: {}", self.log());
        response["result"].clone()
    }

    /// An authenticated call that must fail: its error code.
    pub(crate) fn error_code(&self, method: &str, params: Value) -> i64 {
        let response = self.rpc(method, params);
        response["error"]["code"].as_i64().unwrap_or_else(|| panic!("{method}: {response}"))
    }

    /// A call on the unauthenticated server: the whole response.
    pub(crate) fn http_rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let (status, text) = self.post(self.http.as_ref().unwrap(), &body.to_string(), None);
        assert_eq!(status, 200, "{method}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Sends SIGTERM and waits for the exit.
    pub(crate) fn stop(mut self) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        assert!(status.unwrap().success());
        child.wait().unwrap()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(dir) = self.stderr.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A signed EIP-1559 transfer of `value` wei from the funded key.
pub(crate) fn transfer(nonce: u64, to: Address, value: u64) -> Bytes {
    let tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 10_000_000_000,
        max_priority_fee_per_gas: 1_000,
        to: TxKind::Call(to),
        value: U256::from(value),
        ..Default::default()
    };
    let hash = tx.signature_hash();
    let (sig, recid) = key().sign_prehash_recoverable(hash.as_slice()).unwrap();
    let signature = Signature::from_signature_and_parity(sig, recid.is_y_odd());
    let envelope: OpTxEnvelope = tx.into_signed(signature).into();
    envelope.encoded_2718().into()
}

/// A deposit minting `mint` wei to `to` (and sending it on), as the rollup node would put in
/// payload attributes.
pub(crate) fn deposit(to: Address, mint: u128) -> Bytes {
    let tx = op_alloy_consensus::TxDeposit {
        source_hash: B256::repeat_byte(0x5e),
        from: Address::repeat_byte(0xde),
        to: TxKind::Call(to),
        mint,
        value: U256::from(mint),
        gas_limit: 100_000,
        is_system_transaction: false,
        input: Bytes::new(),
    };
    tx.encoded_2718().into()
}

/// The forkchoiceUpdated version op-node uses for a timestamp.
pub(crate) fn fcu_version(ts: u64) -> u8 {
    if ts >= ECOTONE { 3 } else { 2 }
}

/// The getPayload / newPayload version of a timestamp.
pub(crate) fn payload_version(ts: u64) -> u8 {
    if ts >= ISTHMUS {
        4
    } else if ts >= ECOTONE {
        3
    } else {
        2
    }
}

/// The beacon root the devnet's attributes carry.
pub(crate) fn beacon_root(ts: u64) -> B256 {
    B256::from(U256::from(ts))
}

/// Payload attributes for `ts` in the shape of its fork.
pub(crate) fn attributes(ts: u64, fee_recipient: Address, no_tx_pool: bool) -> Value {
    let mut attrs = json!({
        "timestamp": format!("{ts:#x}"),
        "prevRandao": B256::with_last_byte(7),
        "suggestedFeeRecipient": fee_recipient,
        "gasLimit": "0x1c9c380",
        "noTxPool": no_tx_pool,
    });
    if ts >= CANYON {
        attrs["withdrawals"] = json!([]);
    }
    if ts >= ECOTONE {
        attrs["parentBeaconBlockRoot"] = json!(beacon_root(ts));
    }
    if ts >= HOLOCENE {
        attrs["eip1559Params"] = json!("0x000000fa00000006");
    }
    if ts >= JOVIAN {
        attrs["minBaseFee"] = json!("0x3b9aca00");
    }
    attrs
}

/// forkchoiceUpdated with the version of `ts` (the attributes' or, without, the head's).
pub(crate) fn forkchoice(
    engine: &Engine,
    ts: u64,
    head: B256,
    safe: B256,
    finalized: B256,
    attrs: Option<Value>,
) -> Value {
    engine.call(
        &format!("engine_forkchoiceUpdatedV{}", fcu_version(ts)),
        json!([
            { "headBlockHash": head, "safeBlockHash": safe, "finalizedBlockHash": finalized },
            attrs,
        ]),
    )
}

/// Builds a block on `head` at `ts`, fetches it with the fork's getPayload: the envelope.
pub(crate) fn build(
    engine: &Engine,
    head: B256,
    ts: u64,
    fee_recipient: Address,
    no_tx_pool: bool,
) -> Value {
    let result = forkchoice(
        engine,
        ts,
        head,
        B256::ZERO,
        B256::ZERO,
        Some(attributes(ts, fee_recipient, no_tx_pool)),
    );
    assert_eq!(result["payloadStatus"]["status"], "VALID", "{result}");
    let id = result["payloadId"].clone();
    assert!(id.is_string(), "{result}");
    engine.call(&format!("engine_getPayloadV{}", payload_version(ts)), json!([id]))
}

/// newPayload of the fork's version for an envelope: the status object.
pub(crate) fn new_payload(engine: &Engine, envelope: &Value) -> Value {
    let payload = &envelope["executionPayload"];
    let ts =
        u64::from_str_radix(payload["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16)
            .unwrap();
    let params = match payload_version(ts) {
        2 => json!([payload]),
        3 => json!([payload, [], envelope["parentBeaconBlockRoot"]]),
        _ => json!([payload, [], envelope["parentBeaconBlockRoot"], []]),
    };
    engine.call(&format!("engine_newPayloadV{}", payload_version(ts)), params)
}

/// The block hash of an envelope.
pub(crate) fn hash_of(envelope: &Value) -> B256 {
    serde_json::from_value(envelope["executionPayload"]["blockHash"].clone()).unwrap()
}

/// Parses a hex quantity.
pub(crate) fn quantity(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}
