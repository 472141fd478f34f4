//! `keel inspect`: batcher data to JSON.

use std::io::Write;

use keel_core::inspect::{Inspector, decode_input, to_json};
use serde::Serialize;

use crate::{
    cli::{InspectCommand, InspectOpts},
    error::{CliError, read_file},
    network,
};

/// Runs an inspect subcommand and prints its JSON report on stdout.
pub(crate) fn run(cmd: InspectCommand) -> Result<(), CliError> {
    match cmd {
        InspectCommand::Tx { file, opts } => {
            let raw =
                decode_input(&read_file(&file)?).map_err(|e| CliError::bad_input(&file, e))?;
            with_inspector(&opts, |inspector| {
                let report =
                    inspector.transaction(&raw).map_err(|e| CliError::bad_input(&file, e))?;
                print(&report, opts.pretty)
            })
        }
        InspectCommand::Calldata { file, opts } => {
            let data =
                decode_input(&read_file(&file)?).map_err(|e| CliError::bad_input(&file, e))?;
            with_inspector(&opts, |inspector| {
                let report =
                    inspector.calldata(&data).map_err(|e| CliError::bad_input(&file, e))?;
                print(&report, opts.pretty)
            })
        }
        InspectCommand::Blob { files, opts } => {
            let blobs = files
                .iter()
                .map(|f| decode_input(&read_file(f)?).map_err(|e| CliError::bad_input(f, e)))
                .collect::<Result<Vec<_>, _>>()?;
            let slices: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
            with_inspector(&opts, |inspector| {
                let report = inspector.blobs(&slices).map_err(|e| {
                    // Name the blob that failed; errors without an index concern the first.
                    let index = match e {
                        keel_core::inspect::InspectError::Blob { index, .. } => index,
                        _ => 0,
                    };
                    let path = files.get(index).map_or(std::path::Path::new("blob"), |p| p);
                    CliError::bad_input(path, e)
                })?;
                print(&report, opts.pretty)
            })
        }
        InspectCommand::Channel { file, opts } => {
            let data =
                decode_input(&read_file(&file)?).map_err(|e| CliError::bad_input(&file, e))?;
            with_inspector(&opts, |inspector| {
                let report = inspector.channel(&data).map_err(|e| CliError::bad_input(&file, e))?;
                print(&report, opts.pretty)
            })
        }
    }
}

fn with_inspector(
    opts: &InspectOpts,
    f: impl FnOnce(Inspector<'_>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let chosen = network::resolve(opts.network.as_deref(), opts.rollup_config.as_deref())?;
    let inspector = Inspector::new(
        chosen.as_ref().map(|c| &c.config),
        chosen.as_ref().map(|c| c.name.as_str()),
    );
    f(inspector)
}

fn print<T: Serialize>(report: &T, pretty: bool) -> Result<(), CliError> {
    let json = to_json(report, pretty).map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{json}")?;
    Ok(())
}
