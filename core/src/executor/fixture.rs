//! The executor fixture format (`fixture.json` beside `witness.bin`, vectors README §7), so
//! hosts and users can re-execute recorded blocks.

use alloc::{format, string::String};

use alloy_consensus::Header;
use alloy_primitives::B256;
use op_alloy_rpc_types_engine::OpPayloadAttributes;
use serde::Deserialize;

/// `fixture.json`: a parent header, the payload attributes of the block built on it, and the
/// hash that block must have.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ExecutorFixture {
    /// The parent block's header (RPC form; extra RPC fields are ignored).
    pub parent_header: Header,
    /// The block's payload attributes (Engine API serde).
    pub executing_payload: OpPayloadAttributes,
    /// The hash the executed block must have.
    pub expected_block_hash: B256,
    /// Only the chain id is used from the fixture's own rollup config: its fork keys are
    /// incomplete (README §7), so hosts pick the built-in config of this chain.
    pub rollup_config: FixtureChain,
}

/// The part of a fixture's rollup config that is used: its L2 chain id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct FixtureChain {
    /// The L2 chain id.
    pub l2_chain_id: u64,
}

/// Why `fixture.json` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    /// The JSON does not have the fixture's shape.
    #[error("invalid executor fixture: {0}")]
    Json(String),
}

impl ExecutorFixture {
    /// Parses `fixture.json`.
    pub fn from_json(json: &str) -> Result<Self, FixtureError> {
        serde_json::from_str(json).map_err(|e| FixtureError::Json(format!("{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_fixture_is_typed() {
        assert!(matches!(ExecutorFixture::from_json("{}"), Err(FixtureError::Json(_))));
        assert!(matches!(ExecutorFixture::from_json("not json"), Err(FixtureError::Json(_))));
    }
}
