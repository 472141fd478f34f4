//! `keel derive`: runs the derivation pipeline over a recorded L1 fixture and prints the payload
//! attributes as JSON lines.

use std::{
    io::{BufWriter, IsTerminal, Write},
    path::PathBuf,
    time::Instant,
};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use keel_core::{
    config::SystemConfig,
    derive::{
        L1BlockRef, L1Provider, L2BlockRef, PipelineError, ProviderError,
        offline::{DeriveEvent, OfflineDeriver},
    },
    fixture::{FixtureHost, L1Fixture},
    l1_info::{BlobFeeStep, CANCUN_BLOB_UPDATE_FRACTION, L1BlobSchedule},
};

use crate::{
    error::{CliError, read_file},
    network,
};

/// The L1 blob fee schedule to price blobs with in the L1-info deposit.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum BlobSchedule {
    /// Ethereum mainnet's Cancun, Prague and BPO forks.
    Mainnet,
    /// Sepolia's.
    Sepolia,
    /// Cancun's fraction from time 0 (devnets and keel's test chains).
    CancunFromGenesis,
}

/// Arguments of `keel derive`.
#[derive(Debug, Args)]
pub(crate) struct DeriveArgs {
    /// Built-in network (op-mainnet, op-sepolia, base-mainnet, base-sepolia, unichain-mainnet,
    /// unichain-sepolia).
    #[arg(long, conflicts_with = "rollup_config", required_unless_present = "rollup_config")]
    network: Option<String>,
    /// Rollup config file: op-node `rollup.json` or a superchain-registry chain TOML.
    #[arg(long, value_name = "FILE")]
    rollup_config: Option<PathBuf>,
    /// L1 fixture recorded by `keel record` (JSON).
    #[arg(long, value_name = "FIXTURE")]
    l1: PathBuf,
    /// L2 safe head to derive from: `genesis`, or a JSON file `{"head": L2REF, "systemConfig":
    /// SYSCFG}` where L2REF is `{"hash","number","parentHash","timestamp","l1Origin":{"number",
    /// "hash"},"seqNumber"}` and SYSCFG the system config the head was built with, in op-node's
    /// rollup.json `system_config` form (optional: the genesis system config if absent). The
    /// fixture must start at or before the head's L1 origin.
    #[arg(long, default_value = "genesis")]
    from: String,
    /// L1 blob fee schedule; by default chosen from the fixture's L1 chain id (mainnet,
    /// Sepolia), else Cancun from genesis.
    #[arg(long, value_enum, conflicts_with = "blob_update_fraction")]
    blob_schedule: Option<BlobSchedule>,
    /// A single blob base fee update fraction from time 0, for devnets (e.g. 5007716 for an L1
    /// at Prague, 8346193 at BPO1).
    #[arg(long, value_name = "FRACTION")]
    blob_update_fraction: Option<u64>,
    /// Write the JSON lines here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `keel derive`.
pub(crate) fn run(args: DeriveArgs) -> Result<(), CliError> {
    let chosen = network::resolve(args.network.as_deref(), args.rollup_config.as_deref())?
        .ok_or_else(|| CliError::Usage("give --network or --rollup-config".into()))?;
    let cfg = chosen.config;
    let bytes = read_file(&args.l1)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| CliError::bad_input(&args.l1, e))?;
    let fixture = L1Fixture::from_json(text).map_err(|e| CliError::bad_input(&args.l1, e))?;
    let host = FixtureHost::new(&fixture).map_err(|e| CliError::bad_input(&args.l1, e))?;
    let schedule = match args.blob_schedule {
        Some(BlobSchedule::Mainnet) => L1BlobSchedule::MAINNET,
        Some(BlobSchedule::Sepolia) => L1BlobSchedule::SEPOLIA,
        Some(BlobSchedule::CancunFromGenesis) => cancun_from_genesis(),
        None => {
            L1BlobSchedule::for_l1_chain_id(fixture.l1_chain_id).unwrap_or_else(cancun_from_genesis)
        }
    };

    let mut deriver = if args.from == "genesis" {
        let genesis_l1 = find_l1(&host, cfg.genesis.l1.number, &args.l1)?;
        if genesis_l1.hash != cfg.genesis.l1.hash {
            return Err(CliError::bad_input(
                &args.l1,
                format!(
                    "L1 block {} is {}, but the rollup's genesis L1 block is {}",
                    genesis_l1.number, genesis_l1.hash, cfg.genesis.l1.hash
                ),
            ));
        }
        OfflineDeriver::from_genesis(cfg.clone(), schedule, genesis_l1)
    } else {
        let path = PathBuf::from(&args.from);
        let raw = read_file(&path)?;
        let start: StartHead =
            serde_json::from_slice(&raw).map_err(|e| CliError::bad_input(&path, e))?;
        let origin = find_l1(&host, start.head.l1_origin.number, &args.l1)?;
        if origin.hash != start.head.l1_origin.hash {
            return Err(CliError::bad_input(
                &args.l1,
                format!("L1 block {} is not the safe head's L1 origin", origin.number),
            ));
        }
        let system_config = start.system_config.unwrap_or(cfg.genesis.system_config);
        OfflineDeriver::new(cfg.clone(), schedule, start.head, origin, system_config)
    };

    let total_l1 = fixture.blocks.len() as u64;
    let l1_bytes: u64 = fixture
        .blocks
        .iter()
        .flat_map(|b| b.transactions.iter())
        .map(|t| t.len() as u64)
        .chain(fixture.blobs.iter().map(|b| b.data.len() as u64))
        .sum();
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total_l1);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} L1 {pos}/{len} [{bar:30}] {msg} ({elapsed}, eta {eta})",
            )
            .map_err(|e| CliError::Output(std::io::Error::other(e)))?
            .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            std::fs::File::create(path)
                .map_err(|source| CliError::Read { path: path.clone(), source })?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let started = Instant::now();
    loop {
        match deriver.step(&mut &host, &mut &host) {
            Ok(DeriveEvent::Attributes(attrs, head)) => {
                let line = serde_json::to_string(&*attrs)
                    .map_err(|e| CliError::Output(std::io::Error::other(e)))?;
                writeln!(out, "{line}")?;
                progress.set_message(format!("L2 #{}", head.number));
            }
            Ok(DeriveEvent::OriginAdvanced(_)) => progress.inc(1),
            Ok(DeriveEvent::Reset(head)) => {
                tracing::warn!(safe_head = head.number, "L1 reorg: pipeline reset");
            }
            Err(PipelineError::Eof) => break,
            Err(PipelineError::Temporary(ProviderError::Missing { what: "l2 block", key })) => {
                progress.abandon();
                return Err(CliError::Derive(format!(
                    "a batch refers to L2 block {key}, before the start head #{}: start from an \
                     earlier safe head",
                    deriver.safe_head().number
                )));
            }
            Err(e) => {
                progress.abandon();
                return Err(CliError::Derive(e.to_string()));
            }
        }
    }
    out.flush()?;
    progress.finish_and_clear();

    let elapsed = started.elapsed().as_secs_f64();
    let stats = deriver.stats();
    let source = deriver.pipeline().source().stats();
    let per_second = |n: f64| if elapsed > 0.0 { n / elapsed } else { 0.0 };
    eprintln!(
        "derived {} L2 blocks from {} L1 blocks ({} channels, {} batches, {} resets) in {:.2} s: \
         {:.0} blocks/s, {:.2} MB/s of L1 data; safe head #{}",
        stats.l2_blocks,
        stats.l1_blocks + 1,
        source.channels,
        source.batches,
        stats.resets,
        elapsed,
        per_second(stats.l2_blocks as f64),
        per_second(l1_bytes as f64) / 1e6,
        deriver.safe_head().number,
    );
    Ok(())
}

/// The `--from` file: an L2 safe head and the system config it was built with.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StartHead {
    head: L2BlockRef,
    #[serde(default)]
    system_config: Option<SystemConfig>,
}

fn from_genesis(fraction: u64) -> Result<L1BlobSchedule, keel_core::l1_info::L1InfoError> {
    L1BlobSchedule::new(vec![BlobFeeStep { activation_time: 0, update_fraction: fraction }])
}

fn cancun_from_genesis() -> L1BlobSchedule {
    from_genesis(CANCUN_BLOB_UPDATE_FRACTION).unwrap_or(L1BlobSchedule::MAINNET)
}

fn find_l1(
    mut host: &FixtureHost,
    number: u64,
    path: &std::path::Path,
) -> Result<L1BlockRef, CliError> {
    host.block_ref_by_number(number)
        .map_err(|e| CliError::bad_input(path, e))?
        .ok_or_else(|| CliError::bad_input(path, format!("fixture has no L1 block {number}")))
}
