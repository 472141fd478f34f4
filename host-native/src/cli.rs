//! Command-line interface definition.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::error::CliError;

/// keel: an OP Stack rollup node.
#[derive(Debug, Parser)]
#[command(name = "keel", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Log filter (e.g. `info`, `debug`, `keel=trace`); `RUST_LOG` overrides it.
    #[arg(long, global = true, default_value = "warn")]
    pub(crate) log_level: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode batcher data (L1 transactions, calldata, blobs, channels) into JSON.
    #[command(subcommand)]
    Inspect(InspectCommand),
    /// Derive L2 payload attributes from a recorded L1 fixture, as JSON lines.
    Derive(crate::derive::DeriveArgs),
    /// Record an L1 block range (headers, transactions, receipts, blobs) into a fixture file.
    #[command(after_long_help = crate::record::FORMAT_HELP)]
    Record(crate::record::RecordArgs),
    /// Re-execute a recorded L2 block (fixture.json + witness.bin) and check its hash.
    #[command(after_long_help = crate::execute::FORMAT_HELP)]
    Execute(crate::execute::ExecuteArgs),
    /// Run an Engine API execution client (local devnets and tests) on keel's executor.
    #[command(after_long_help = crate::engine::ENGINE_HELP)]
    Engine(crate::engine::EngineArgs),
}

/// What `keel inspect` decodes. Inputs may be raw bytes or hex text (with or without `0x`);
/// the format is detected automatically.
#[derive(Debug, Subcommand)]
pub(crate) enum InspectCommand {
    /// A raw signed L1 transaction: hash, sender, batch-inbox check, frames and channels.
    Tx {
        /// File holding the EIP-2718 encoded transaction.
        file: PathBuf,
        #[command(flatten)]
        opts: InspectOpts,
    },
    /// Batcher transaction calldata (`version ++ frames`): frames, then channels.
    Calldata {
        /// File holding the calldata.
        file: PathBuf,
        #[command(flatten)]
        opts: InspectOpts,
    },
    /// One or more L1 blobs (131072 bytes each), in transaction order: frames, then channels.
    Blob {
        /// Blob files, in the order of the transaction's blob hashes.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        opts: InspectOpts,
    },
    /// Compressed channel bytes: compression kind, sizes and batches.
    Channel {
        /// File holding the channel data (no frame headers).
        file: PathBuf,
        #[command(flatten)]
        opts: InspectOpts,
    },
}

/// Options shared by all `keel inspect` commands.
#[derive(Debug, Args)]
pub(crate) struct InspectOpts {
    /// Built-in network whose genesis and chain id expand span batches into L2 blocks
    /// (op-mainnet, op-sepolia, base-mainnet, base-sepolia, unichain-mainnet, ...).
    #[arg(long, conflicts_with = "rollup_config")]
    pub(crate) network: Option<String>,
    /// Rollup config file: op-node `rollup.json` or a superchain-registry chain TOML.
    #[arg(long, value_name = "FILE")]
    pub(crate) rollup_config: Option<PathBuf>,
    /// Pretty-print the JSON output.
    #[arg(long)]
    pub(crate) pretty: bool,
}

impl Cli {
    /// Runs the chosen command.
    pub(crate) fn run(self) -> Result<(), CliError> {
        match self.command {
            Command::Inspect(cmd) => crate::inspect::run(cmd),
            Command::Derive(args) => crate::derive::run(args),
            Command::Record(args) => crate::record::run(args),
            Command::Execute(args) => crate::execute::run(args),
            Command::Engine(args) => crate::engine::run(args),
        }
    }
}
