//! Cross-crate and end-to-end tests for keel, plus helpers to reach `../shared/vectors`.

pub mod chain;

use std::path::PathBuf;

/// Directory of the shared real-chain test vectors (`../shared/vectors` beside the clone).
///
/// `KEEL_VECTORS` overrides it. Panics with a clear message when the directory is missing:
/// tests on real data must fail loudly, never pass vacuously.
pub fn vectors_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KEEL_VECTORS") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors");
    assert!(
        dir.join("README.md").is_file(),
        "shared test vectors not found at {}: put ../shared beside the clone or set KEEL_VECTORS",
        dir.display()
    );
    dir
}

/// Reads a vector file by path relative to the vectors directory, panicking loudly if absent.
pub fn read_vector(rel: &str) -> Vec<u8> {
    let path = vectors_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("missing vector {}: {e}", path.display()))
}

/// Reads a hex vector (with or without `0x`, surrounding whitespace ignored) as bytes.
pub fn read_hex_vector(rel: &str) -> Vec<u8> {
    let text = read_vector(rel);
    let text = std::str::from_utf8(&text).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"));
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    alloy_primitives::hex::decode(text).unwrap_or_else(|e| panic!("{rel} is not hex: {e}"))
}

/// Reads a JSON vector file, panicking with its path when it does not parse.
pub fn read_json_vector(rel: &str) -> serde_json::Value {
    serde_json::from_slice(&read_vector(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The bytes of a `0x` hex string in a JSON vector.
pub fn json_hex(v: &serde_json::Value) -> Vec<u8> {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    alloy_primitives::hex::decode(s.trim_start_matches("0x"))
        .unwrap_or_else(|e| panic!("not hex ({e}): {v}"))
}

/// A `0x` hex quantity in a JSON vector.
pub fn json_quantity(v: &serde_json::Value) -> u64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    u64::from_str_radix(s.trim_start_matches("0x"), 16)
        .unwrap_or_else(|e| panic!("not a quantity ({e}): {v}"))
}
