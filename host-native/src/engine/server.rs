//! The HTTP servers: the JWT-authenticated Engine API server (`engine_` and `eth_`), the
//! optional unauthenticated `eth_` server (both POST JSON-RPC to `/`), and the optional
//! Prometheus metrics server (`GET /metrics`).

use std::sync::{Arc, Mutex};

use alloy_rpc_types_engine::JwtSecret;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use tokio::{net::TcpListener, sync::watch};

use super::{Node, api, chain, eth, jwt, metrics::EngineMetrics, rpc};

/// Largest request body accepted (an execution payload at a high gas limit is a few MiB).
const MAX_BODY_BYTES: usize = 64 << 20;

/// Which server a request reached.
#[derive(Clone)]
struct ServerState {
    node: Arc<Mutex<Node>>,
    /// `Some` on the authenticated Engine API server.
    secret: Option<Arc<JwtSecret>>,
    /// The node's metrics, updated without taking the node's lock.
    metrics: Arc<EngineMetrics>,
}

/// Serves JSON-RPC on `listener` until `shutdown` turns true. With a secret, requests need a
/// valid JWT and may call `engine_` methods; without, only `eth_` methods are available.
pub(crate) async fn serve(
    listener: TcpListener,
    node: Arc<Mutex<Node>>,
    secret: Option<JwtSecret>,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let metrics = node.lock().unwrap_or_else(std::sync::PoisonError::into_inner).metrics.clone();
    let state = ServerState { node, secret: secret.map(Arc::new), metrics };
    let router = Router::new()
        .route("/", post(handle))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            // Either a true value or a dropped sender ends the server.
            let _ = shutdown.wait_for(|stop| *stop).await;
        })
        .await
}

async fn handle(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(secret) = &state.secret
        && let Err(e) = jwt::authorize(secret, &headers)
    {
        tracing::warn!(error = %e, "rejected Engine API request");
        state.metrics.unauthorized();
        return (StatusCode::UNAUTHORIZED, e.to_string()).into_response();
    }
    let authenticated = state.secret.is_some();
    let node = state.node.clone();
    let metrics = state.metrics.clone();
    // Execution is CPU-bound and the store is synchronous: run calls off the async workers,
    // one at a time (the engine's state changes are strictly ordered).
    let result = tokio::task::spawn_blocking(move || {
        let mut node = node.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        rpc::handle_body(&body, |call| {
            let started = std::time::Instant::now();
            let method = call.method.clone();
            let result = if authenticated {
                api::dispatch(&mut node, call)
            } else {
                eth::dispatch(&mut node, call)
            };
            let error = result.as_ref().err().map(|e| e.code);
            metrics.call(&method, error, started.elapsed());
            result
        })
    })
    .await;
    match result {
        Ok(Some(value)) => {
            let mut response = value.to_string().into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Ok(None) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "request handler failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown` turns true.
pub(crate) async fn serve_metrics(
    listener: TcpListener,
    node: Arc<Mutex<Node>>,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let router = Router::new().route("/metrics", get(scrape)).with_state(node);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        })
        .await
}

/// Reads the chain gauges (block numbers of the forkchoice, pool size) and encodes every metric.
async fn scrape(State(node): State<Arc<Mutex<Node>>>) -> Response {
    let result = tokio::task::spawn_blocking(move || {
        let node = node.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let read = node.store.read().map_err(|e| e.to_string())?;
        let fc = chain::forkchoice(&read).map_err(|e| e.to_string())?;
        let number = |hash| -> Result<u64, String> {
            let block = read.block(hash).map_err(|e| e.to_string())?;
            Ok(block.map_or(0, |b| b.header.number))
        };
        node.metrics.set_chain(
            number(fc.head)?,
            number(fc.safe)?,
            number(fc.finalized)?,
            node.pool.len(),
        );
        Ok::<_, String>(node.metrics.encode())
    })
    .await;
    match result {
        Ok(Ok(text)) => {
            let mut response = text.into_response();
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            response
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "metrics scrape failed");
            (StatusCode::INTERNAL_SERVER_ERROR, e).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "metrics scrape failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
