//! Reading the shared real-chain vectors from benchmarks.
#![allow(
    dead_code,
    clippy::expect_used,
    reason = "each benchmark uses a subset; fixed vectors fail loudly"
)]

use std::path::PathBuf;

/// `../shared/vectors` beside the clone, or `KEEL_VECTORS`.
pub(crate) fn vectors() -> PathBuf {
    std::env::var_os("KEEL_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"))
}

/// A vector file's bytes; panics loudly when it is missing.
pub(crate) fn read(rel: &str) -> Vec<u8> {
    let path = vectors().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("missing vector {}: {e}", path.display()))
}

/// A hex vector (with or without `0x`) as bytes.
pub(crate) fn hex_vector(rel: &str) -> Vec<u8> {
    let text = String::from_utf8(read(rel)).expect("hex vector is text");
    let text = text.trim();
    alloy_primitives::hex::decode(text.strip_prefix("0x").unwrap_or(text)).expect("valid hex")
}
