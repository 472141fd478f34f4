//! SystemConfig updates in derivation (spec: system-config.md § System Config Updates;
//! holocene/isthmus/jovian system-config.md; derivation.md § Payload Attributes Derivation;
//! checklist §5).
//!
//! Derivation keeps two copies of the [`SystemConfig`](crate::config::SystemConfig): L1
//! traversal's, which authenticates batchers, and the attributes stage's, which is recovered
//! from the L2 parent block and then advanced with the new L1 origin's receipts when the epoch
//! changes. This module provides both operations:
//!
//! * [`ConfigUpdate::decode`] reads one `ConfigUpdate` log of the L1 SystemConfig contract;
//!   [`ConfigUpdate::apply`] applies it; [`apply_receipts`] scans a whole L1 block, applying
//!   every valid update in log order and **skipping** (returning) the malformed ones, as the
//!   spec and op-node (since Nov 2025) do.
//! * [`system_config_from_l2_block`] recovers the config an L2 block was built with, from its
//!   header (`gasLimit`, `extraData`) and its L1-info deposit.

mod from_l2_block;
mod update;

pub use from_l2_block::{
    EXTRA_DATA_VERSION_HOLOCENE, EXTRA_DATA_VERSION_JOVIAN, L2HeaderFields,
    SystemConfigRecoveryError, decode_extra_data, system_config_from_l2_block,
};
pub use update::{
    CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, ConfigUpdate, ConfigUpdateError,
    ConfigUpdateType, apply_receipts, is_config_update_log,
};
