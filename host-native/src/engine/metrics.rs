//! Prometheus metrics of `keel engine` (text exposition format on `--metrics.port`):
//! JSON-RPC calls by method and outcome with their latency, blocks built and imported, gas
//! executed and execution time, rejected (unauthenticated) requests, and at scrape time the
//! head / safe / finalized block numbers and the pool size.

use std::time::Duration;

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Latency buckets (seconds): a cached `eth_` read is well under a millisecond, a block build
/// or import of a full block can take a second.
const SECONDS_BUCKETS: [f64; 12] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.0];

/// Labels of a JSON-RPC call: the method, and `ok` or the error code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    method: String,
    outcome: String,
}

/// Label of the per-method latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabel {
    method: String,
}

/// What a block execution was for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Execution {
    /// Building a payload from forkchoiceUpdated attributes.
    Build,
    /// Re-executing a newPayload block keel did not build.
    Import,
}

/// Every metric of the engine (the types are atomic; no lock needed to update them).
#[derive(Debug)]
pub(crate) struct EngineMetrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    call_seconds: Family<MethodLabel, Histogram>,
    unauthorized: Counter,
    blocks_built: Counter,
    blocks_imported: Counter,
    gas_executed: Counter,
    execution_seconds: Histogram,
    head: Gauge,
    safe: Gauge,
    finalized: Gauge,
    pool: Gauge,
}

fn seconds_histogram() -> Histogram {
    Histogram::new(SECONDS_BUCKETS)
}

impl Default for EngineMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("keel_engine");
        let calls = Family::<CallLabels, Counter>::default();
        registry.register(
            "rpc_requests",
            "JSON-RPC calls by method and outcome (ok, or the error code)",
            calls.clone(),
        );
        let call_seconds =
            Family::<MethodLabel, Histogram>::new_with_constructor(seconds_histogram as fn() -> _);
        registry.register(
            "rpc_request_duration_seconds",
            "Time to answer a JSON-RPC call",
            call_seconds.clone(),
        );
        let unauthorized = Counter::default();
        registry.register(
            "unauthorized_requests",
            "Engine API requests refused with HTTP 401 (missing, bad or stale JWT)",
            unauthorized.clone(),
        );
        let blocks_built = Counter::default();
        registry.register("blocks_built", "Payloads built from attributes", blocks_built.clone());
        let blocks_imported = Counter::default();
        registry.register(
            "blocks_imported",
            "Blocks newPayload found valid and stored",
            blocks_imported.clone(),
        );
        let gas_executed = Counter::default();
        registry.register(
            "gas_executed",
            "Gas of every block executed (builds and re-executed imports)",
            gas_executed.clone(),
        );
        let execution_seconds = seconds_histogram();
        registry.register(
            "block_execution_duration_seconds",
            "Time to execute one block (build or import) including the state commit",
            execution_seconds.clone(),
        );
        let head = Gauge::default();
        registry.register("head_block", "Number of the head (unsafe) block", head.clone());
        let safe = Gauge::default();
        registry.register("safe_block", "Number of the safe block", safe.clone());
        let finalized = Gauge::default();
        registry.register("finalized_block", "Number of the finalized block", finalized.clone());
        let pool = Gauge::default();
        registry.register("txpool_transactions", "Transactions in the pool", pool.clone());
        Self {
            registry,
            calls,
            call_seconds,
            unauthorized,
            blocks_built,
            blocks_imported,
            gas_executed,
            execution_seconds,
            head,
            safe,
            finalized,
            pool,
        }
    }
}

/// A block number or size as a gauge value (saturating: gauges are signed).
fn gauge_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl EngineMetrics {
    /// Records one JSON-RPC call: `error` is its error code, if it failed.
    pub(crate) fn call(&self, method: &str, error: Option<i64>, took: Duration) {
        let outcome = error.map_or_else(|| "ok".to_string(), |code| code.to_string());
        self.calls.get_or_create(&CallLabels { method: method.to_string(), outcome }).inc();
        self.call_seconds
            .get_or_create(&MethodLabel { method: method.to_string() })
            .observe(took.as_secs_f64());
    }

    /// Records a request refused for its token.
    pub(crate) fn unauthorized(&self) {
        self.unauthorized.inc();
    }

    /// Records an executed block.
    pub(crate) fn executed(&self, kind: Execution, gas_used: u64, took: Duration) {
        self.gas_executed.inc_by(gas_used);
        self.execution_seconds.observe(took.as_secs_f64());
        if let Execution::Build = kind {
            self.blocks_built.inc();
        }
    }

    /// Records a block stored by newPayload.
    pub(crate) fn imported(&self) {
        self.blocks_imported.inc();
    }

    /// Sets the chain gauges (read at scrape time).
    pub(crate) fn set_chain(&self, head: u64, safe: u64, finalized: u64, pool: usize) {
        self.head.set(gauge_value(head));
        self.safe.set(gauge_value(safe));
        self.finalized.set(gauge_value(finalized));
        self.pool.set(gauge_value(u64::try_from(pool).unwrap_or(u64::MAX)));
    }

    /// The metrics in the Prometheus text format.
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_calls_blocks_and_chain_gauges() {
        let metrics = EngineMetrics::default();
        metrics.call("engine_newPayloadV4", None, Duration::from_millis(3));
        metrics.call("engine_getPayloadV4", Some(-38001), Duration::from_micros(50));
        metrics.unauthorized();
        metrics.executed(Execution::Build, 21_000, Duration::from_millis(2));
        metrics.executed(Execution::Import, 42_000, Duration::from_millis(4));
        metrics.imported();
        metrics.set_chain(12, 10, 8, 3);
        let text = metrics.encode();
        for line in [
            "keel_engine_rpc_requests_total{method=\"engine_newPayloadV4\",outcome=\"ok\"} 1",
            "keel_engine_rpc_requests_total{method=\"engine_getPayloadV4\",outcome=\"-38001\"} 1",
            "keel_engine_unauthorized_requests_total 1",
            "keel_engine_blocks_built_total 1",
            "keel_engine_blocks_imported_total 1",
            "keel_engine_gas_executed_total 63000",
            "keel_engine_block_execution_duration_seconds_count 2",
            "keel_engine_head_block 12",
            "keel_engine_safe_block 10",
            "keel_engine_finalized_block 8",
            "keel_engine_txpool_transactions 3",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
        }
    }
}
