//! Errors the `keel` command reports to its user, one line each.

use std::path::PathBuf;

/// A failure of a `keel` command.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file's contents are not what the command expects.
    #[error("{path}: {message}")]
    BadInput {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// `--network` names no built-in network.
    #[error("unknown network {name:?}; known networks: {known}")]
    UnknownNetwork {
        /// The name given.
        name: String,
        /// Comma-separated built-in names.
        known: String,
    },
    /// `keel record` failed.
    #[error(transparent)]
    Record(#[from] crate::record::RecordError),
    /// The command line is incomplete or contradictory.
    #[error("{0}")]
    Usage(String),
    /// Derivation stopped on an error it cannot recover from.
    #[error("derivation failed: {0}")]
    Derive(String),
    /// `keel execute` could not execute the block, or its hash differs from the fixture's.
    #[error("execution failed: {0}")]
    Execute(String),
    /// `keel engine` could not start or failed.
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    /// Output could not be written.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// A bad-input error for `path` with a displayable cause.
    pub(crate) fn bad_input(path: &std::path::Path, message: impl std::fmt::Display) -> Self {
        Self::BadInput { path: path.to_path_buf(), message: message.to_string() }
    }
}

/// Reads a whole file, naming it in the error.
pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read { path: path.to_path_buf(), source })
}
