//! `keel inspect` for JavaScript: the same reports (`keel_core::inspect`) as single-line JSON.

use keel_core::{
    config::{NETWORK_NAMES, RollupConfig},
    inspect::{InspectError, Inspector, decode_input, to_json},
};
use serde::Serialize;

use crate::WasmError;

/// Resolves a network argument: a built-in name, an op-node `rollup.json` (text starting with
/// `{`) or a superchain-registry chain TOML. Returns the config and the name reports use.
pub fn resolve_config(network: &str) -> Result<(RollupConfig, String), WasmError> {
    let text = network.trim();
    if text.starts_with('{') {
        let cfg = RollupConfig::from_json(text).map_err(|e| WasmError::Config(e.to_string()))?;
        return Ok((cfg, "rollup config".into()));
    }
    if let Some(cfg) = RollupConfig::by_name(text) {
        return Ok((cfg, text.into()));
    }
    // A chain TOML has `key = value` lines; a mistyped name has neither `=` nor a newline.
    if text.contains('=') {
        let cfg = RollupConfig::from_superchain_toml(text, None)
            .map_err(|e| WasmError::Config(e.to_string()))?;
        return Ok((cfg, "rollup config".into()));
    }
    Err(WasmError::UnknownNetwork { name: text.into(), known: NETWORK_NAMES.join(", ") })
}

/// Runs `f` with an inspector for `network` (none, or empty: no chain-specific fields).
fn with_inspector<T: Serialize>(
    network: Option<&str>,
    f: impl FnOnce(&Inspector<'_>) -> Result<T, InspectError>,
) -> Result<String, WasmError> {
    let chosen = network.filter(|n| !n.trim().is_empty()).map(resolve_config).transpose()?;
    let inspector =
        Inspector::new(chosen.as_ref().map(|c| &c.0), chosen.as_ref().map(|c| c.1.as_str()));
    let report = f(&inspector)?;
    to_json(&report, false).map_err(|e| WasmError::Json(e.to_string()))
}

/// `keel inspect tx` on `input` (raw or hex bytes).
pub fn tx(input: &[u8], network: Option<&str>) -> Result<String, WasmError> {
    let raw = decode_input(input)?;
    with_inspector(network, |i| i.transaction(&raw))
}

/// `keel inspect calldata` on `input` (raw or hex bytes).
pub fn calldata(input: &[u8], network: Option<&str>) -> Result<String, WasmError> {
    let data = decode_input(input)?;
    with_inspector(network, |i| i.calldata(&data))
}

/// `keel inspect blob` on `inputs` (each raw or hex bytes), in transaction order.
pub fn blobs(inputs: &[Vec<u8>], network: Option<&str>) -> Result<String, WasmError> {
    let blobs = inputs.iter().map(|b| decode_input(b)).collect::<Result<Vec<_>, _>>()?;
    let slices: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
    with_inspector(network, |i| i.blobs(&slices))
}

/// `keel inspect channel` on `input` (raw or hex bytes).
pub fn channel(input: &[u8], network: Option<&str>) -> Result<String, WasmError> {
    let data = decode_input(input)?;
    with_inspector(network, |i| i.channel(&data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(rel: &str) -> Vec<u8> {
        keel_tests::read_vector(rel)
    }

    /// What `keel inspect` prints for these bytes (its single-line JSON, without the newline).
    fn native<T: Serialize>(
        network: Option<&str>,
        f: impl FnOnce(&Inspector<'_>) -> Result<T, InspectError>,
    ) -> String {
        let cfg = network.map(|n| RollupConfig::by_name(n).unwrap());
        let report = f(&Inspector::new(cfg.as_ref(), network)).unwrap();
        to_json(&report, false).unwrap()
    }

    #[test]
    fn tx_report_equals_keel_inspect_for_hex_and_raw() {
        let raw = vector("batcher/op-mainnet-span-27blocks.tx.bin");
        let expected = native(Some("op-mainnet"), |i| i.transaction(&raw));
        assert_eq!(tx(&raw, Some("op-mainnet")).unwrap(), expected);
        let hex = format!("0x{}", alloy_primitives::hex::encode(&raw));
        assert_eq!(tx(hex.as_bytes(), Some("op-mainnet")).unwrap(), expected);
        assert!(expected.contains("\"to_inbox\":true") || expected.contains("\"toInbox\":true"));
    }

    #[test]
    fn calldata_channel_and_blob_reports_equal_keel_inspect() {
        let calldata =
            decode_input(&vector("batcher/op-sepolia-span-84blocks.calldata.hex")).unwrap();
        assert_eq!(
            super::calldata(&calldata, Some("op-sepolia")).unwrap(),
            native(Some("op-sepolia"), |i| i.calldata(&calldata))
        );
        let channel =
            decode_input(&vector("batcher/op-mainnet-span-143blocks.channel.hex")).unwrap();
        assert_eq!(
            super::channel(&channel, Some("op-mainnet")).unwrap(),
            native(Some("op-mainnet"), |i| i.channel(&channel))
        );
        let blob_hex = vector("batcher/op-sepolia-blob9.blob.hex");
        let blob = decode_input(&blob_hex).unwrap();
        assert_eq!(
            blobs(&[blob_hex], None).unwrap(),
            native(None, |i| i.blobs(&[blob.as_slice()]))
        );
    }

    #[test]
    fn rollup_json_config_is_accepted_like_a_network() {
        let json = RollupConfig::by_name("op-mainnet").unwrap().to_json().unwrap();
        let (cfg, name) = resolve_config(&json).unwrap();
        assert_eq!(cfg, RollupConfig::by_name("op-mainnet").unwrap());
        assert_eq!(name, "rollup config");
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert_eq!(tx(b"", None), Err(WasmError::Inspect(InspectError::Empty)));
        assert!(matches!(tx(b"0xabc", None), Err(WasmError::Inspect(_))));
        assert!(matches!(calldata(&[0x01, 0x02], None), Err(WasmError::Inspect(_))));
        assert!(matches!(channel(&[0x02; 8], None), Err(WasmError::Inspect(_))));
        assert!(matches!(blobs(&[vec![0u8; 100]], None), Err(WasmError::Inspect(_))));
        assert!(matches!(
            tx(&[0x02, 0xc0], Some("no-such-net")),
            Err(WasmError::UnknownNetwork { .. })
        ));
        assert!(matches!(resolve_config("{not json"), Err(WasmError::Config(_))));
    }

    #[test]
    fn network_names_are_the_built_in_ones() {
        let names = crate::js_network_names();
        assert_eq!(names, NETWORK_NAMES);
        assert!(names.iter().any(|n| n == "op-mainnet"));
    }
}
