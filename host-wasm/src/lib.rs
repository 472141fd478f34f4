//! keel's core for browsers: the `keel inspect` reports and offline derivation over a recorded
//! L1 fixture, exported to JavaScript with `wasm-bindgen` (`scripts/build-wasm.sh` builds the
//! `www/pkg` bundle the page loads).
//!
//! Every export is a thin wrapper over a plain Rust function of this crate ([`inspect`],
//! [`FixtureDeriver`]) so the same code is unit-tested natively. Results cross the boundary as
//! JSON strings: the reports are the exact JSON `keel inspect` prints (single-line form) and
//! derivation events carry the `keel derive` attributes JSON.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod deriver;
pub mod inspect;
pub mod kzg;
pub mod live;

pub use deriver::{BlobSchedule, DeriveEventJson, FixtureDeriver, StatsJson};
pub use keel_core;
pub use live::{BlockAdded, LiveDeriver, LiveError, LiveEventJson};

use wasm_bindgen::prelude::*;

/// What went wrong in a keel-wasm call; JavaScript sees the message as an `Error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WasmError {
    /// Not a built-in network name, nor a rollup config (JSON or superchain TOML).
    #[error("unknown network `{name}` (known: {known}); or paste an op-node rollup.json")]
    UnknownNetwork {
        /// What was given.
        name: String,
        /// The built-in names.
        known: String,
    },
    /// The rollup config did not parse.
    #[error("bad rollup config: {0}")]
    Config(String),
    /// The inspected data could not be framed (same messages as `keel inspect`).
    #[error("{0}")]
    Inspect(#[from] keel_core::inspect::InspectError),
    /// An input in a blob list was neither a string nor a `Uint8Array`.
    #[error("blob {index}: expected a hex string or a Uint8Array")]
    BlobType {
        /// Position in the list.
        index: usize,
    },
    /// The L1 fixture did not parse or is inconsistent.
    #[error("bad L1 fixture: {0}")]
    Fixture(String),
    /// The blob schedule name is unknown.
    #[error("unknown blob schedule `{0}` (known: mainnet, sepolia, cancun-from-genesis)")]
    BlobSchedule(String),
    /// The fixture does not hold the rollup's genesis L1 block.
    #[error("the fixture does not match the rollup's genesis: {0}")]
    Genesis(String),
    /// Derivation failed.
    #[error("derivation failed: {0}")]
    Derive(String),
    /// A report could not be serialized.
    #[error("JSON output failed: {0}")]
    Json(String),
    /// An L1 node's answer was refused (live mode).
    #[error("{0}")]
    Live(String),
    /// The progress callback threw.
    #[error("progress callback failed: {0}")]
    Callback(String),
}

/// The bytes of a JS input: a string is taken as text (hex, as `keel inspect` reads files), a
/// `Uint8Array` (or anything array-like of bytes) as raw bytes.
fn input_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Some(text.into_bytes());
    }
    value.dyn_ref::<js_sys::Uint8Array>().map(js_sys::Uint8Array::to_vec)
}

fn js_err(e: WasmError) -> JsError {
    JsError::new(&e.to_string())
}

fn single_input(value: &JsValue) -> Result<Vec<u8>, JsError> {
    input_bytes(value).ok_or_else(|| JsError::new("expected a hex string or a Uint8Array"))
}

/// `keel inspect tx`: a raw signed L1 transaction (hex string or bytes) to its JSON report.
/// `network` is a built-in network name or a rollup config (JSON or superchain TOML text).
#[wasm_bindgen(js_name = inspectTx)]
pub fn js_inspect_tx(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
    network: Option<String>,
) -> Result<String, JsError> {
    inspect::tx(&single_input(&input)?, network.as_deref()).map_err(js_err)
}

/// `keel inspect calldata`: batcher calldata (version byte, frames) to its JSON report.
#[wasm_bindgen(js_name = inspectCalldata)]
pub fn js_inspect_calldata(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
    network: Option<String>,
) -> Result<String, JsError> {
    inspect::calldata(&single_input(&input)?, network.as_deref()).map_err(js_err)
}

/// `keel inspect blob`: blobs in transaction order (an array of hex strings or byte arrays).
#[wasm_bindgen(js_name = inspectBlobs)]
pub fn js_inspect_blobs(
    #[wasm_bindgen(unchecked_param_type = "(Uint8Array | string)[]")] inputs: js_sys::Array,
    network: Option<String>,
) -> Result<String, JsError> {
    let blobs = inputs
        .iter()
        .enumerate()
        .map(|(index, v)| input_bytes(&v).ok_or(WasmError::BlobType { index }))
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_err)?;
    inspect::blobs(&blobs, network.as_deref()).map_err(js_err)
}

/// `keel inspect channel`: compressed channel data to its JSON report.
#[wasm_bindgen(js_name = inspectChannel)]
pub fn js_inspect_channel(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] input: JsValue,
    network: Option<String>,
) -> Result<String, JsError> {
    inspect::channel(&single_input(&input)?, network.as_deref()).map_err(js_err)
}

/// The built-in network names, for a picker (JSON array of strings).
#[wasm_bindgen(js_name = networkNames)]
pub fn js_network_names() -> String {
    inspect::network_names_json()
}
