//! Resolving `--network NAME` / `--rollup-config FILE` into a rollup config.

use std::path::Path;

use keel_core::config::{NETWORK_NAMES, RollupConfig};

use crate::error::{CliError, read_file};

/// A rollup config and the name to report it under.
pub(crate) struct ChosenConfig {
    /// The config.
    pub(crate) config: RollupConfig,
    /// Built-in network name, or the file it came from.
    pub(crate) name: String,
}

/// Loads the config the user asked for, if any.
pub(crate) fn resolve(
    network: Option<&str>,
    rollup_config: Option<&Path>,
) -> Result<Option<ChosenConfig>, CliError> {
    if let Some(name) = network {
        let config = RollupConfig::by_name(name).ok_or_else(|| CliError::UnknownNetwork {
            name: name.to_string(),
            known: NETWORK_NAMES.join(", "),
        })?;
        return Ok(Some(ChosenConfig { config, name: name.to_string() }));
    }
    let Some(path) = rollup_config else { return Ok(None) };
    let bytes = read_file(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| CliError::bad_input(path, e))?;
    // op-node rollup.json is JSON; superchain-registry chain configs are TOML.
    let config = if text.trim_start().starts_with('{') {
        RollupConfig::from_json(text)
    } else {
        RollupConfig::from_superchain_toml(text, None)
    }
    .map_err(|e| CliError::bad_input(path, e))?;
    Ok(Some(ChosenConfig { config, name: path.display().to_string() }))
}
