//! `keel engine`: an Engine API execution client on keel's stateless executor, for local
//! devnets and tests. State lives in a redb store of preimages (trie nodes, code, headers);
//! blocks are built and imported with `keel_core::executor::build_block`.
//!
//! * [`server`]: the authenticated Engine API server and the optional `eth_` server.
//! * [`jwt`]: bearer-token checks. [`rpc`]: JSON-RPC envelopes and error codes.
//! * [`api`]: the `engine_` methods. [`eth`]: the `eth_` methods.
//! * [`payload`]: fork/version rules, attributes, built payloads and envelopes.
//! * [`chain`]: imports, the canonical index and forkchoice. [`store`]: the redb tables.
//! * [`txpool`]: pooled transactions. [`genesis`]: genesis files.
//! * [`metrics`]: Prometheus metrics, served on `--metrics.port`.

mod api;
mod chain;
mod eth;
mod genesis;
mod jwt;
mod metrics;
mod payload;
mod rpc;
mod server;
mod store;
mod txpool;

use std::{
    io::Write,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    sync::{Arc, Mutex},
};

use alloy_primitives::B256;
use clap::Args;
use keel_core::{config::RollupConfig, executor::genesis_block};

use crate::{error::CliError, network};

/// Operator notes for `keel engine --help`.
pub(crate) const ENGINE_HELP: &str = "\
WHAT IT IS
  A real Engine API execution client for local devnets and tests: point op-node (or any
  rollup node) at --authrpc.* with the same JWT secret. Blocks are built and re-executed by
  keel's stateless OP executor; state is kept as preimages in a redb database.

STARTUP
  A new --datadir (or --dev, an in-memory store) needs --genesis: an op-geth genesis.json or
  a superchain-registry .json.zst with --genesis-dictionary. The genesis block hash must equal
  the rollup config's genesis.l2.hash when that is non-zero. An existing datadir resumes at
  its stored head, safe and finalized blocks; --genesis is then optional and must match.
  When the servers listen, one JSON line is printed to stdout:
    {\"event\":\"ready\",\"authrpc\":\"127.0.0.1:8551\",\"http\":null,\"metrics\":null,
     \"genesis\":\"0x..\",\"head\":\"0x..\",\"safe\":\"0x..\",\"finalized\":\"0x..\"}
  Logs go to stderr. SIGTERM or SIGINT stops the servers and closes the store.

METHODS
  authrpc (JWT HS256, iat within 60 s, else HTTP 401): engine_exchangeCapabilities,
    engine_getClientVersionV1, engine_forkchoiceUpdatedV1/V2/V3, engine_getPayloadV2/V3/V4,
    engine_newPayloadV2/V3/V4, and every eth_ method below.
  http (no auth, only when --http.addr or --http.port is given): eth_chainId,
    eth_blockNumber, eth_syncing, eth_gasPrice, eth_maxPriorityFeePerGas,
    eth_getBlockByNumber, eth_getBlockByHash, eth_getProof,
    eth_getBalance, eth_getTransactionCount, eth_getCode, eth_getStorageAt,
    eth_sendRawTransaction, eth_getTransactionByHash, eth_getTransactionReceipt.
  Method versions follow the payload's fork (Bedrock=V1/V2, Canyon=V2, Ecotone=V3,
  Isthmus=V4 for get/newPayload; forkchoiceUpdatedV3 from Ecotone). Errors: -32700 bad JSON,
  -32601 unknown method, -32602 bad params, -38001 unknown payload, -38002 invalid forkchoice
  state, -38003 invalid payload attributes, -38005 unsupported fork.

METRICS (--metrics.addr / --metrics.port, GET /metrics, Prometheus text format)
  keel_engine_rpc_requests_total{method,outcome}, keel_engine_rpc_request_duration_seconds,
  keel_engine_unauthorized_requests_total, keel_engine_blocks_built_total,
  keel_engine_blocks_imported_total, keel_engine_gas_executed_total,
  keel_engine_block_execution_duration_seconds, keel_engine_{head,safe,finalized}_block,
  keel_engine_txpool_transactions.

STORE (DIR/keel.redb)
  preimages (hash -> trie node | code | RLP header), blocks (hash -> header, txs, receipts),
  canonical (number -> hash), txs (tx hash -> block, index), meta (genesis, head, safe,
  finalized). Block imports and forkchoice changes are atomic transactions.";

/// Arguments of `keel engine`.
#[derive(Debug, Args)]
pub(crate) struct EngineArgs {
    /// Built-in network (op-mainnet, op-sepolia, base-mainnet, base-sepolia, ...).
    #[arg(long, conflicts_with = "rollup_config", required_unless_present = "rollup_config")]
    network: Option<String>,
    /// Rollup config file: op-node rollup.json or a superchain-registry chain TOML.
    #[arg(long, value_name = "FILE")]
    rollup_config: Option<PathBuf>,
    /// L2 genesis: op-geth genesis.json, or a superchain-registry .json.zst (with
    /// --genesis-dictionary). Required for a new datadir and with --dev.
    #[arg(long, value_name = "FILE")]
    genesis: Option<PathBuf>,
    /// zstd dictionary of the superchain registry, for a .json.zst genesis.
    #[arg(long, value_name = "FILE")]
    genesis_dictionary: Option<PathBuf>,
    /// Data directory; the store is DIR/keel.redb. Restarting on it resumes the forkchoice.
    #[arg(long, value_name = "DIR", conflicts_with = "dev", required_unless_present = "dev")]
    datadir: Option<PathBuf>,
    /// Keep everything in memory (nothing survives the process).
    #[arg(long)]
    dev: bool,
    /// Engine API listen address.
    #[arg(long = "authrpc.addr", value_name = "IP", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    authrpc_addr: IpAddr,
    /// Engine API port (0 = any free port; the ready line reports it).
    #[arg(long = "authrpc.port", value_name = "N", default_value_t = 8551)]
    authrpc_port: u16,
    /// File holding the 32-byte JWT secret as hex (optional 0x, whitespace ignored).
    #[arg(long = "authrpc.jwtsecret", value_name = "FILE")]
    authrpc_jwtsecret: PathBuf,
    /// Unauthenticated eth_ server address (enables it; default 127.0.0.1).
    #[arg(long = "http.addr", value_name = "IP")]
    http_addr: Option<IpAddr>,
    /// Unauthenticated eth_ server port (enables it; default 8545, 0 = any free port).
    #[arg(long = "http.port", value_name = "N")]
    http_port: Option<u16>,
    /// Prometheus metrics address (enables `GET /metrics`; default 127.0.0.1).
    #[arg(long = "metrics.addr", value_name = "IP")]
    metrics_addr: Option<IpAddr>,
    /// Prometheus metrics port (enables `GET /metrics`; default 7300, 0 = any free port).
    #[arg(long = "metrics.port", value_name = "N")]
    metrics_port: Option<u16>,
}

/// Why `keel engine` could not start or stopped with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EngineError {
    /// The JWT secret file is unusable.
    #[error(transparent)]
    Jwt(#[from] jwt::JwtError),
    /// The genesis file is unusable.
    #[error(transparent)]
    GenesisFile(#[from] genesis::GenesisFileError),
    /// The genesis block cannot be computed.
    #[error("cannot build the genesis block: {0}")]
    GenesisBlock(String),
    /// The computed genesis differs from the rollup config's.
    #[error(
        "genesis hash mismatch: the genesis file gives {computed}, the rollup config's genesis.l2.hash is {expected}"
    )]
    GenesisMismatch {
        /// Hash of the block built from the genesis file.
        computed: B256,
        /// The rollup config's `genesis.l2.hash`.
        expected: B256,
    },
    /// The genesis file differs from the datadir's.
    #[error("genesis hash mismatch: the genesis file gives {given}, the datadir holds {stored}")]
    StoredGenesisMismatch {
        /// Hash of the block built from the genesis file.
        given: B256,
        /// The datadir's genesis.
        stored: B256,
    },
    /// A new store needs a genesis.
    #[error("--genesis is required for a new datadir and with --dev")]
    GenesisRequired,
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] store::StoreError),
    /// The stored chain is inconsistent.
    #[error("chain: {0}")]
    Chain(#[from] chain::ChainError),
    /// A server could not bind or failed.
    #[error("{0}")]
    Io(String),
}

/// The engine's state, shared by both servers (behind one lock: calls are serialised).
#[derive(Debug)]
pub(crate) struct Node {
    /// The rollup config (fork times, chain id, EIP-1559 constants).
    pub(crate) config: RollupConfig,
    /// The database.
    pub(crate) store: store::Store,
    /// Pending transactions.
    pub(crate) pool: txpool::TxPool,
    /// Payloads built by forkchoiceUpdated.
    pub(crate) payloads: payload::PayloadCache,
    /// Blocks newPayload found invalid.
    pub(crate) invalid: payload::InvalidBlocks,
    /// Prometheus metrics (also held by the servers, which update them without the lock).
    pub(crate) metrics: Arc<metrics::EngineMetrics>,
}

/// Opens the store and makes sure it holds the chain's genesis.
fn open_node(args: &EngineArgs, config: RollupConfig) -> Result<Node, EngineError> {
    let store = match &args.datadir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| EngineError::Io(format!("cannot create {}: {e}", dir.display())))?;
            store::Store::open(&dir.join("keel.redb"))?
        }
        None => store::Store::in_memory()?,
    };
    let stored = store.read()?.meta(store::MetaKey::Genesis)?;
    let from_file = match &args.genesis {
        Some(path) => {
            let genesis = genesis::load(path, args.genesis_dictionary.as_deref())?;
            let block = genesis_block(&config, &genesis)
                .map_err(|e| EngineError::GenesisBlock(e.to_string()))?;
            let expected = config.genesis.l2.hash;
            if !expected.is_zero() && expected != block.hash {
                return Err(EngineError::GenesisMismatch { computed: block.hash, expected });
            }
            Some(block)
        }
        None => None,
    };
    match (stored, from_file) {
        (None, None) => return Err(EngineError::GenesisRequired),
        (None, Some(block)) => {
            let stored = store::StoredBlock {
                header: block.header,
                transactions: Vec::new(),
                receipts: Vec::new(),
            };
            let write = store.write()?;
            chain::init_genesis(&write, block.hash, &stored, &block.preimages)?;
            write.commit()?;
            tracing::info!(hash = %block.hash, number = stored.header.number, "initialised genesis");
        }
        (Some(stored), Some(block)) if stored != block.hash => {
            return Err(EngineError::StoredGenesisMismatch { given: block.hash, stored });
        }
        (Some(stored), _) => {
            let expected = config.genesis.l2.hash;
            if !expected.is_zero() && expected != stored {
                return Err(EngineError::GenesisMismatch { computed: stored, expected });
            }
        }
    }
    Ok(Node {
        config,
        store,
        pool: txpool::TxPool::default(),
        payloads: payload::PayloadCache::default(),
        invalid: payload::InvalidBlocks::default(),
        metrics: Arc::default(),
    })
}

/// The ready line, with keys in the documented order.
fn ready_line(
    auth: SocketAddr,
    http: Option<SocketAddr>,
    metrics: Option<SocketAddr>,
    genesis: B256,
    fc: chain::Forkchoice,
) -> String {
    let quoted =
        |a: Option<SocketAddr>| a.map_or_else(|| "null".to_string(), |a| format!("\"{a}\""));
    format!(
        "{{\"event\":\"ready\",\"authrpc\":\"{auth}\",\"http\":{},\"metrics\":{},\"genesis\":\"{genesis}\",\"head\":\"{}\",\"safe\":\"{}\",\"finalized\":\"{}\"}}",
        quoted(http),
        quoted(metrics),
        fc.head,
        fc.safe,
        fc.finalized
    )
}

/// Runs `keel engine` until SIGTERM or SIGINT.
pub(crate) fn run(args: EngineArgs) -> Result<(), CliError> {
    let chosen = network::resolve(args.network.as_deref(), args.rollup_config.as_deref())?
        .ok_or_else(|| CliError::Usage("pass --network or --rollup-config".into()))?;
    let secret = jwt::load_secret(&args.authrpc_jwtsecret).map_err(EngineError::from)?;
    let node = open_node(&args, chosen.config)?;
    let read = node.store.read().map_err(EngineError::from)?;
    let fc = chain::forkchoice(&read).map_err(EngineError::from)?;
    let genesis = read
        .meta(store::MetaKey::Genesis)
        .map_err(EngineError::from)?
        .ok_or(EngineError::GenesisRequired)?;
    drop(read);
    let node = Arc::new(Mutex::new(node));
    let shared = node.clone();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::Io(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let io = |what: &str, e: std::io::Error| EngineError::Io(format!("{what}: {e}"));
        let auth_addr = SocketAddr::new(args.authrpc_addr, args.authrpc_port);
        let auth = tokio::net::TcpListener::bind(auth_addr)
            .await
            .map_err(|e| io(&format!("cannot listen on {auth_addr}"), e))?;
        let http = listen_optional(args.http_addr, args.http_port, 8545).await?;
        let metrics = listen_optional(args.metrics_addr, args.metrics_port, 7300).await?;
        let auth_local = auth.local_addr().map_err(|e| io("authrpc address", e))?;
        let http_local = match &http {
            Some(l) => Some(l.local_addr().map_err(|e| io("http address", e))?),
            None => None,
        };
        let metrics_local = match &metrics {
            Some(l) => Some(l.local_addr().map_err(|e| io("metrics address", e))?),
            None => None,
        };
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let metrics_task =
            metrics.map(|l| tokio::spawn(server::serve_metrics(l, shared.clone(), stopped.clone())));
        let auth_task =
            tokio::spawn(server::serve(auth, shared.clone(), Some(secret), stopped.clone()));
        let http_task = http.map(|l| tokio::spawn(server::serve(l, shared, None, stopped)));
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", ready_line(auth_local, http_local, metrics_local, genesis, fc))
                .and_then(|()| out.flush())
                .map_err(|e| io("cannot write the ready line", e))?;
        }
        tracing::info!(authrpc = %auth_local, http = ?http_local, head = %fc.head, "keel engine ready");
        wait_for_signal().await;
        tracing::info!("stopping");
        let _ = stop.send(true);
        for task in std::iter::once(auth_task).chain(http_task).chain(metrics_task) {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(io("server failed", e)),
                Err(e) => return Err(EngineError::Io(format!("server task failed: {e}"))),
            }
        }
        Ok::<(), EngineError>(())
    })?;
    // Dropping the last handle closes the redb database; every commit is already durable.
    drop(node);
    Ok(())
}

/// Binds an optional server: enabled when its address or port is given (loopback and
/// `default_port` fill in the other).
async fn listen_optional(
    addr: Option<IpAddr>,
    port: Option<u16>,
    default_port: u16,
) -> Result<Option<tokio::net::TcpListener>, EngineError> {
    if addr.is_none() && port.is_none() {
        return Ok(None);
    }
    let addr = SocketAddr::new(
        addr.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        port.unwrap_or(default_port),
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| EngineError::Io(format!("cannot listen on {addr}: {e}")))?;
    Ok(Some(listener))
}

/// Resolves on SIGINT or (on Unix) SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch SIGTERM; only SIGINT stops the engine");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
