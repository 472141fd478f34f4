//! HTTP clients for an L1 execution node (JSON-RPC) and an L1 beacon node (REST), with timeouts
//! and retries on transient failures.
//!
//! Error messages name the RPC method or beacon path but never the endpoint URL, which often
//! carries an API key.

use std::{sync::Arc, time::Duration};

use alloy_primitives::{B256, Bytes};
use alloy_rpc_types_eth::{Block, TransactionReceipt};
use serde::{Deserialize, de::DeserializeOwned};

/// How many times a request is tried before a transient failure is reported.
const ATTEMPTS: u32 = 5;
/// Delay before the first retry; doubled for each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Bound on error bodies quoted in messages, so one line stays readable.
const MAX_QUOTED_BODY: usize = 200;

/// Why an L1 request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ClientError {
    /// An endpoint URL is not usable.
    #[error("invalid {which} URL: {reason}")]
    BadUrl {
        /// `--l1-rpc` or `--l1-beacon`.
        which: &'static str,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// No answer (connection, timeout) after all attempts.
    #[error("{what}: request failed after {attempts} attempts: {reason}")]
    Transport {
        /// RPC method or beacon path.
        what: String,
        /// Attempts made.
        attempts: u32,
        /// Last failure.
        reason: String,
    },
    /// The server answered with an HTTP error status.
    #[error("{what}: HTTP {status}: {body}")]
    Status {
        /// RPC method or beacon path.
        what: String,
        /// HTTP status code.
        status: u16,
        /// Start of the response body.
        body: String,
    },
    /// The JSON-RPC server answered with an error object.
    #[error("{what}: JSON-RPC error {code}: {message}")]
    Rpc {
        /// RPC method.
        what: String,
        /// JSON-RPC error code.
        code: i64,
        /// Error message.
        message: String,
    },
    /// The answer is not of the expected shape.
    #[error("{what}: unexpected response: {reason}")]
    Decode {
        /// RPC method or beacon path.
        what: String,
        /// Decoder message.
        reason: String,
    },
    /// The node does not have the requested item.
    #[error("{what} not found")]
    NotFound {
        /// The request.
        what: String,
    },
}

/// Talks to one L1 execution node and one L1 beacon node.
#[derive(Clone, Debug)]
pub(crate) struct L1Client {
    http: reqwest::Client,
    rpc_url: Arc<reqwest::Url>,
    beacon_url: Arc<reqwest::Url>,
}

#[derive(Deserialize)]
struct RpcResponse<T> {
    #[serde(default = "Option::default")]
    result: Option<T>,
    #[serde(default)]
    error: Option<RpcErrorObject>,
}

#[derive(Deserialize)]
struct RpcErrorObject {
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct BeaconGenesis {
    data: BeaconGenesisData,
}

#[derive(Deserialize)]
struct BeaconGenesisData {
    #[serde(with = "decimal_u64")]
    genesis_time: u64,
}

#[derive(Deserialize)]
struct BeaconBlobs {
    data: Vec<Bytes>,
}

/// The beacon API writes integers as decimal strings.
mod decimal_u64 {
    use serde::{Deserialize, Deserializer, de::Error};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|_| D::Error::custom(format!("not a decimal integer: {text:?}")))
    }
}

/// One failed attempt, and whether trying again may help.
struct Attempt {
    error: ClientError,
    transient: bool,
}

impl L1Client {
    /// A client for the given endpoints; `timeout` bounds each HTTP request.
    pub(crate) fn new(rpc: &str, beacon: &str, timeout: Duration) -> Result<Self, ClientError> {
        let rpc_url = parse_url(rpc, "--l1-rpc")?;
        let mut beacon_url = parse_url(beacon, "--l1-beacon")?;
        // Paths are joined onto the beacon URL; a trailing slash keeps any base path.
        if !beacon_url.path().ends_with('/') {
            let path = format!("{}/", beacon_url.path());
            beacon_url.set_path(&path);
        }
        // reqwest is built without a bundled crypto provider: install ring's for HTTPS. An
        // error means one is already installed, which is just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("keel/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Setup(e.without_url().to_string()))?;
        Ok(Self { http, rpc_url: Arc::new(rpc_url), beacon_url: Arc::new(beacon_url) })
    }

    /// `eth_chainId`.
    pub(crate) async fn chain_id(&self) -> Result<u64, ClientError> {
        let id: alloy_primitives::U64 =
            self.rpc_required("eth_chainId", serde_json::json!([])).await?;
        Ok(id.to::<u64>())
    }

    /// `eth_getBlockByNumber(number, true)`: the block with full transactions.
    pub(crate) async fn block_by_number(&self, number: u64) -> Result<Block, ClientError> {
        let params = serde_json::json!([format!("{number:#x}"), true]);
        let what = format!("L1 block {number}");
        self.rpc::<Block>("eth_getBlockByNumber", params)
            .await?
            .ok_or(ClientError::NotFound { what })
    }

    /// `eth_getBlockReceipts(hash)`: by hash, so the receipts belong to the block fetched even
    /// if the chain reorganizes meanwhile.
    pub(crate) async fn block_receipts(
        &self,
        hash: B256,
    ) -> Result<Vec<TransactionReceipt>, ClientError> {
        let what = format!("receipts of L1 block {hash}");
        self.rpc::<Vec<TransactionReceipt>>("eth_getBlockReceipts", serde_json::json!([hash]))
            .await?
            .ok_or(ClientError::NotFound { what })
    }

    /// The beacon chain's genesis time (`GET /eth/v1/beacon/genesis`).
    pub(crate) async fn beacon_genesis_time(&self) -> Result<u64, ClientError> {
        let genesis: BeaconGenesis = self.beacon_get("eth/v1/beacon/genesis", &[]).await?;
        Ok(genesis.data.genesis_time)
    }

    /// The blobs of the block at `slot` (`GET /eth/v1/beacon/blobs/{slot}`), restricted to
    /// `hashes` where the node supports the filter. Unverified: the caller matches each blob
    /// to its versioned hash.
    pub(crate) async fn blobs(
        &self,
        slot: u64,
        hashes: &[B256],
    ) -> Result<Vec<Bytes>, ClientError> {
        let query: Vec<(&str, String)> =
            hashes.iter().map(|h| ("versioned_hashes", h.to_string())).collect();
        let blobs: BeaconBlobs =
            self.beacon_get(&format!("eth/v1/beacon/blobs/{slot}"), &query).await?;
        Ok(blobs.data)
    }

    async fn rpc_required<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<T, ClientError> {
        self.rpc(method, params)
            .await?
            .ok_or_else(|| ClientError::NotFound { what: method.to_string() })
    }

    /// One JSON-RPC call; `None` for a `null` result.
    async fn rpc<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<Option<T>, ClientError> {
        let body =
            serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let what = method.to_string();
        retry(&what, || async {
            let response = self
                .http
                .post((*self.rpc_url).clone())
                .json(&body)
                .send()
                .await
                .map_err(|e| transport(&what, e))?;
            let bytes = checked_body(&what, response).await?;
            let parsed: RpcResponse<T> = serde_json::from_slice(&bytes).map_err(|e| {
                permanent(ClientError::Decode { what: what.clone(), reason: e.to_string() })
            })?;
            if let Some(err) = parsed.error {
                // -32005: the node's rate limit; worth waiting for.
                let transient = err.code == -32005;
                return Err(Attempt {
                    error: ClientError::Rpc {
                        what: what.clone(),
                        code: err.code,
                        message: err.message,
                    },
                    transient,
                });
            }
            Ok(parsed.result)
        })
        .await
    }

    async fn beacon_get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let what = format!("beacon /{path}");
        let mut url = self
            .beacon_url
            .join(path)
            .map_err(|e| ClientError::BadUrl { which: "--l1-beacon", reason: e.to_string() })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        retry(&what, || async {
            let response = self
                .http
                .get(url.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|e| transport(&what, e))?;
            if response.status() == reqwest::StatusCode::NOT_FOUND {
                return Err(permanent(ClientError::NotFound { what: what.clone() }));
            }
            let bytes = checked_body(&what, response).await?;
            serde_json::from_slice(&bytes).map_err(|e| {
                permanent(ClientError::Decode { what: what.clone(), reason: e.to_string() })
            })
        })
        .await
    }
}

fn parse_url(text: &str, which: &'static str) -> Result<reqwest::Url, ClientError> {
    let url = reqwest::Url::parse(text)
        .map_err(|e| ClientError::BadUrl { which, reason: e.to_string() })?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => {
            Err(ClientError::BadUrl { which, reason: format!("unsupported scheme {other:?}") })
        }
    }
}

fn permanent(error: ClientError) -> Attempt {
    Attempt { error, transient: false }
}

fn transport(what: &str, e: reqwest::Error) -> Attempt {
    Attempt {
        error: ClientError::Transport {
            what: what.to_string(),
            attempts: 1,
            reason: error_chain(e),
        },
        transient: true,
    }
}

/// The error and its causes on one line, without the URL.
fn error_chain(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The response body, or the HTTP error status (429 and 5xx are transient).
async fn checked_body(what: &str, response: reqwest::Response) -> Result<Vec<u8>, Attempt> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| transport(what, e))?;
    if status.is_success() {
        return Ok(bytes.to_vec());
    }
    let body: String = String::from_utf8_lossy(&bytes).chars().take(MAX_QUOTED_BODY).collect();
    Err(Attempt {
        error: ClientError::Status { what: what.to_string(), status: status.as_u16(), body },
        transient: status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
    })
}

/// Runs `attempt` until it succeeds, fails permanently, or [`ATTEMPTS`] transient failures,
/// waiting with exponential backoff in between.
async fn retry<T, F, Fut>(what: &str, mut attempt: F) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Attempt>>,
{
    let mut delay = FIRST_BACKOFF;
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Attempt { error, transient }) if !transient || tries >= ATTEMPTS => {
                return Err(match error {
                    ClientError::Transport { reason, .. } => {
                        ClientError::Transport { what: what.to_string(), attempts: tries, reason }
                    }
                    other => other,
                });
            }
            Err(Attempt { error, .. }) => {
                tracing::debug!(%error, attempt = tries, "retrying L1 request");
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_beacon_base_path_kept() {
        let client =
            L1Client::new("http://127.0.0.1:1", "http://127.0.0.1:2/base", Duration::from_secs(1))
                .unwrap();
        assert_eq!(
            client.beacon_url.join("eth/v1/beacon/genesis").unwrap().as_str(),
            "http://127.0.0.1:2/base/eth/v1/beacon/genesis"
        );
        assert!(matches!(
            L1Client::new("ftp://x", "http://y", Duration::from_secs(1)),
            Err(ClientError::BadUrl { which: "--l1-rpc", .. })
        ));
        assert!(matches!(
            L1Client::new("http://x", "not a url", Duration::from_secs(1)),
            Err(ClientError::BadUrl { which: "--l1-beacon", .. })
        ));
    }

    #[test]
    fn unreachable_endpoint_is_a_transport_error_after_retries() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        // Port 1 on loopback: connection refused at once, so the retries are quick.
        let client = L1Client::new(
            "http://127.0.0.1:1/secret-key",
            "http://127.0.0.1:1",
            Duration::from_secs(1),
        )
        .unwrap();
        let err = runtime.block_on(client.chain_id()).unwrap_err();
        assert!(
            matches!(&err, ClientError::Transport { what, attempts: ATTEMPTS, .. } if what == "eth_chainId"),
            "{err}"
        );
        assert!(!err.to_string().contains("secret-key"), "{err}");
    }
}
