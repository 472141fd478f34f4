//! `keel execute`: re-execute a recorded L2 block from its parent state witness.

use std::{io::Write, path::PathBuf};

use alloy_primitives::B256;
use clap::Args;
use keel_core::{
    config::RollupConfig,
    executor::{ExecError, ExecutorFixture, WitnessStore, execute_block_or_deposits_only},
};
use serde::Serialize;

use crate::{
    error::{CliError, read_file},
    network,
};

/// The fixture layout, for `keel execute --help`.
pub(crate) const FORMAT_HELP: &str = "\
FIXTURE LAYOUT
  DIR/fixture.json  {\"rollup_config\": {\"l2_chain_id\": N, ...},
                     \"parent_header\": <RPC block header of the parent>,
                     \"executing_payload\": <OpPayloadAttributes, Engine API JSON>,
                     \"expected_block_hash\": \"0x...\"}
  DIR/witness.bin   record*, sorted by key, keys unique; every integer big-endian:
                      key_len:u32 key[key_len] value_len:u32 value[value_len]
                    key = keccak256(value), 32 bytes. Values are the RLP trie nodes
                    (account and storage tries) and contract bytecodes execution reads,
                    starting from the parent's stateRoot.

Unless --network or --rollup-config is given, the built-in config of the fixture's
l2_chain_id is used (a fixture's own rollup_config may lack fork times).

OUTPUT
  One JSON object: block number and hash, expected hash and whether it matches, state,
  receipts and transactions roots, gas used, the version-0 output root (null, with the
  reason, when the witness lacks the L2ToL1MessagePasser account), and, if the payload
  was invalid, why it was replaced by its deposits (Holocene). A missing preimage is an
  error naming its hash. Exit status 1 when the hash does not match.";

/// Arguments of `keel execute`.
#[derive(Debug, Args)]
pub(crate) struct ExecuteArgs {
    /// Fixture directory holding fixture.json and witness.bin.
    #[arg(long, value_name = "DIR")]
    fixture: PathBuf,
    /// Built-in network whose rollup config to use instead of the fixture's chain id.
    #[arg(long, conflicts_with = "rollup_config")]
    network: Option<String>,
    /// Rollup config file (op-node rollup.json or superchain-registry TOML).
    #[arg(long, value_name = "FILE")]
    rollup_config: Option<PathBuf>,
    /// Pretty-print the JSON output.
    #[arg(long)]
    pretty: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    block_number: u64,
    block_hash: B256,
    expected_block_hash: B256,
    matches: bool,
    state_root: B256,
    receipts_root: B256,
    transactions_root: B256,
    gas_used: u64,
    transactions: usize,
    output_root: Option<B256>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_root_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deposits_only_because: Option<String>,
}

/// Runs `keel execute`.
pub(crate) fn run(args: ExecuteArgs) -> Result<(), CliError> {
    let fixture_path = args.fixture.join("fixture.json");
    let witness_path = args.fixture.join("witness.bin");
    let text = read_file(&fixture_path)?;
    let text = std::str::from_utf8(&text).map_err(|e| CliError::bad_input(&fixture_path, e))?;
    let fixture =
        ExecutorFixture::from_json(text).map_err(|e| CliError::bad_input(&fixture_path, e))?;
    let witness = WitnessStore::parse(&read_file(&witness_path)?)
        .map_err(|e| CliError::bad_input(&witness_path, e))?;
    let config = match network::resolve(args.network.as_deref(), args.rollup_config.as_deref())? {
        Some(chosen) => chosen.config,
        None => {
            let chain_id = fixture.rollup_config.l2_chain_id;
            RollupConfig::by_chain_id(chain_id).ok_or_else(|| {
                CliError::Usage(format!(
                    "no built-in rollup config for chain id {chain_id}; pass --rollup-config"
                ))
            })?
        }
    };
    let (mut block, fallback) = execute_block_or_deposits_only(
        &config,
        &fixture.parent_header,
        &fixture.executing_payload,
        &witness,
    )
    .map_err(|e| CliError::Execute(e.to_string()))?;
    let (output_root, output_root_error) = match block.output_root(&witness) {
        Ok(root) => (Some(root), None),
        Err(e @ ExecError::MissingPreimage(_)) => (None, Some(e.to_string())),
        Err(e) => return Err(CliError::Execute(e.to_string())),
    };
    let report = Report {
        block_number: block.header.number,
        block_hash: block.hash,
        expected_block_hash: fixture.expected_block_hash,
        matches: block.hash == fixture.expected_block_hash,
        state_root: block.header.state_root,
        receipts_root: block.header.receipts_root,
        transactions_root: block.header.transactions_root,
        gas_used: block.header.gas_used,
        transactions: block.receipts.len(),
        output_root,
        output_root_error,
        deposits_only_because: fallback.map(|e| e.to_string()),
    };
    let json = if args.pretty {
        serde_json::to_string_pretty(&report)
    } else {
        serde_json::to_string(&report)
    }
    .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    writeln!(std::io::stdout().lock(), "{json}")?;
    if report.matches {
        Ok(())
    } else {
        Err(CliError::Execute(format!(
            "block hash {} does not match the expected {}",
            report.block_hash, report.expected_block_hash
        )))
    }
}
