//! `keel record`: captures a range of L1 blocks (headers, transactions, receipts, and the blobs
//! of blob transactions) from an L1 execution node and beacon node into a keel L1 fixture.
//!
//! Everything recorded is checked before it is written: each header hashes to the hash the
//! node claims, transactions and receipts match the header's roots, blocks chain by parent
//! hash, and each blob's KZG commitment gives the versioned hash it was fetched for.

use std::{
    collections::HashSet,
    io::{IsTerminal, Write},
    path::{Path, PathBuf},
    time::Duration,
};

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip4844::{BYTES_PER_BLOB, kzg_to_versioned_hash};
use alloy_primitives::{B256, Bytes};
use alloy_rpc_types_eth::{BlockTransactions, TransactionReceipt};
use keel_core::{
    derive::L1BlockRef,
    fixture::{
        FixtureBlob, FixtureBlock, FixtureError, L1Fixture, ServedReceipt, check_follows,
        verify_block,
    },
};

use crate::{
    error::CliError,
    l1_client::{ClientError, L1Client},
};

/// Beacon slot length on Ethereum mainnet and its testnets.
const SECONDS_PER_SLOT: u64 = 12;
/// Blocks fetched at once: enough to hide request latency without hammering public endpoints.
const CONCURRENCY: u64 = 8;

/// Shown by `keel record --help`.
pub(crate) const FORMAT_HELP: &str = "\
Output: one JSON document (format \"keel-l1-fixture\", version 1):
  {\"format\", \"version\", \"l1ChainId\",
   \"blocks\": [{\"header\", \"transactions\": [EIP-2718 hex], \"receipts\": [EIP-2718 hex]}],
   \"blobs\": [{\"versionedHash\", \"data\": 131072-byte hex}]}
Blocks are consecutive and ascending; blobs are those referenced by the range's blob
(type-3) transactions, each verified against its KZG versioned hash. The beacon slot of a
block is (timestamp - beacon genesis time) / 12. The format is documented in keel-core's
core/src/fixture.rs; the file is written atomically (temporary file, then rename).";

/// Arguments of `keel record`.
#[derive(Debug, clap::Args)]
pub(crate) struct RecordArgs {
    /// L1 execution node JSON-RPC URL (http or https).
    #[arg(long, value_name = "URL")]
    l1_rpc: String,
    /// L1 beacon node REST URL (http or https), for blobs.
    #[arg(long, value_name = "URL")]
    l1_beacon: String,
    /// First L1 block number to record.
    #[arg(long, value_name = "N")]
    from: u64,
    /// Last L1 block number to record (inclusive).
    #[arg(long, value_name = "M")]
    to: u64,
    /// Fixture file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Timeout of each HTTP request, in seconds (failed requests are retried with backoff).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

/// Why `keel record` failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RecordError {
    /// `--from` is after `--to`.
    #[error("--from {from} is after --to {to}")]
    BadRange {
        /// First block.
        from: u64,
        /// Last block.
        to: u64,
    },
    /// A request to the L1 nodes failed.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The block does not hold together (number, header hash, transactions, receipts).
    #[error(transparent)]
    Block(#[from] FixtureError),
    /// The node gave transaction hashes instead of transactions.
    #[error("block {number}: the L1 RPC returned transaction hashes, not full transactions")]
    NotFull {
        /// Block number.
        number: u64,
    },
    /// The chain changed under the recorder.
    #[error(
        "block {number} does not build on block {previous} {previous_hash}: the L1 reorganized during recording; try again"
    )]
    Reorg {
        /// Block number.
        number: u64,
        /// The block before it.
        previous: u64,
        /// Hash of the block before it as recorded.
        previous_hash: B256,
    },
    /// A blob-carrying block's timestamp is not at a slot start.
    #[error(
        "block {number}: timestamp {timestamp} is not on a {SECONDS_PER_SLOT}-second slot after beacon genesis {genesis_time}"
    )]
    NotOnSlot {
        /// Block number.
        number: u64,
        /// Block timestamp.
        timestamp: u64,
        /// Beacon genesis time.
        genesis_time: u64,
    },
    /// The beacon node sent a blob of the wrong size.
    #[error("block {number} (slot {slot}): the beacon node sent a blob of {len} bytes")]
    BlobSize {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// Its size.
        len: usize,
    },
    /// The KZG library rejected a blob.
    #[error("block {number} (slot {slot}): cannot compute a blob's KZG commitment: {reason}")]
    Kzg {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// Library message.
        reason: String,
    },
    /// A blob's commitment matches none of the block's versioned hashes.
    #[error(
        "block {number} (slot {slot}): the beacon node sent a blob with versioned hash {hash}, which no transaction of the block references"
    )]
    BlobMismatch {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// The blob's versioned hash.
        hash: B256,
    },
    /// A referenced blob was not served.
    #[error(
        "block {number} (slot {slot}): the beacon node has no blob with versioned hash {hash} (pruned?)"
    )]
    BlobMissing {
        /// Block number.
        number: u64,
        /// Beacon slot.
        slot: u64,
        /// The missing blob's versioned hash.
        hash: B256,
    },
    /// The fixture could not be serialized.
    #[error("cannot encode the fixture: {0}")]
    Encode(String),
    /// The fixture could not be written.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// Output file.
        path: PathBuf,
        /// I/O error.
        reason: String,
    },
    /// The async runtime failed.
    #[error("internal error: {0}")]
    Runtime(String),
}

/// One block as fetched and checked, with the blobs its transactions reference.
struct Fetched {
    block_ref: L1BlockRef,
    block: FixtureBlock,
    blobs: Vec<FixtureBlob>,
}

/// What was recorded, for the summary line.
#[derive(Debug, Default)]
struct Summary {
    blocks: u64,
    transactions: usize,
    blobs: usize,
}

/// Runs `keel record`.
pub(crate) fn run(args: RecordArgs) -> Result<(), CliError> {
    if args.from > args.to {
        return Err(RecordError::BadRange { from: args.from, to: args.to }.into());
    }
    let client =
        L1Client::new(&args.l1_rpc, &args.l1_beacon, Duration::from_secs(args.timeout.max(1)))
            .map_err(RecordError::from)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RecordError::Runtime(e.to_string()))?;
    let progress = progress_bar((args.to - args.from).saturating_add(1));
    let result = runtime.block_on(record(&client, args.from, args.to, &progress));
    progress.finish_and_clear();
    let (fixture, summary) = result?;
    let mut json = fixture.to_json().map_err(|e| RecordError::Encode(e.to_string()))?;
    json.push('\n');
    write_atomically(&args.out, json.as_bytes())?;
    eprintln!(
        "recorded L1 blocks {}..={} (chain {}): {} blocks, {} txs, {} blobs, {} bytes to {}",
        args.from,
        args.to,
        fixture.l1_chain_id,
        summary.blocks,
        summary.transactions,
        summary.blobs,
        json.len(),
        args.out.display()
    );
    Ok(())
}

const PROGRESS_TEMPLATE: &str = "recording {bar:40} {pos}/{len} blocks, {per_sec}, eta {eta}";

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE) {
        bar.set_style(style);
    }
    bar
}

/// Fetches, checks and assembles blocks `from..=to`.
async fn record(
    client: &L1Client,
    from: u64,
    to: u64,
    progress: &indicatif::ProgressBar,
) -> Result<(L1Fixture, Summary), RecordError> {
    let chain_id = client.chain_id().await?;
    // Asked up front so a wrong beacon URL fails at once, not after the first blob block.
    let genesis_time = client.beacon_genesis_time().await?;
    let mut fixture = L1Fixture::new(chain_id);
    let mut summary = Summary::default();
    let mut seen_blobs = HashSet::new();
    let mut previous: Option<L1BlockRef> = None;
    let mut start = from;
    loop {
        let end = start.saturating_add(CONCURRENCY - 1).min(to);
        let mut tasks = tokio::task::JoinSet::new();
        for number in start..=end {
            let client = client.clone();
            tasks.spawn(async move { (number, fetch_block(&client, number, genesis_time).await) });
        }
        let mut chunk = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            chunk.push(joined.map_err(|e| RecordError::Runtime(e.to_string()))?);
            progress.inc(1);
        }
        // In block order, so the error reported is the lowest block's, whatever finished first.
        chunk.sort_by_key(|(number, _)| *number);
        for (number, fetched) in chunk {
            let fetched = fetched?;
            if let Some(prev) = previous {
                check_follows(&prev, &fetched.block_ref).map_err(|_| RecordError::Reorg {
                    number,
                    previous: prev.number,
                    previous_hash: prev.hash,
                })?;
            }
            previous = Some(fetched.block_ref);
            summary.blocks += 1;
            summary.transactions += fetched.block.transactions.len();
            for blob in fetched.blobs {
                if seen_blobs.insert(blob.versioned_hash) {
                    fixture.blobs.push(blob);
                }
            }
            fixture.blocks.push(fetched.block);
        }
        if end >= to {
            break;
        }
        start = end + 1;
    }
    summary.blobs = fixture.blobs.len();
    Ok((fixture, summary))
}

/// Fetches one block, its receipts and its blobs, and checks them against the header.
async fn fetch_block(
    client: &L1Client,
    number: u64,
    genesis_time: u64,
) -> Result<Fetched, RecordError> {
    let block = client.block_by_number(number).await?;
    let hash = block.header.hash;
    let served: Vec<TxEnvelope> = match block.transactions {
        BlockTransactions::Full(txs) => txs.into_iter().map(|tx| tx.into_inner()).collect(),
        BlockTransactions::Hashes(hashes) if hashes.is_empty() => Vec::new(),
        _ => return Err(RecordError::NotFull { number }),
    };
    let receipts = if served.is_empty() {
        Vec::new()
    } else {
        client.block_receipts(hash).await?.into_iter().map(served_receipt).collect()
    };
    let verified = verify_block(number, hash, block.header.inner, served, receipts)?;
    if verified.sidecars_in_root() {
        tracing::warn!(
            number,
            "the header's transactions root includes blob sidecars (as anvil makes it); \
             recording the blob transactions with their sidecars"
        );
    }

    let mut wanted: Vec<B256> = Vec::new();
    for hash in verified.transactions().iter().filter_map(|tx| tx.blob_versioned_hashes()).flatten()
    {
        if !wanted.contains(hash) {
            wanted.push(*hash);
        }
    }
    let blobs = if wanted.is_empty() {
        Vec::new()
    } else {
        let slot = slot_of(number, verified.header().timestamp, genesis_time)?;
        let served = client.blobs(slot, &wanted).await?;
        match_blobs(number, slot, &wanted, served)?
    };
    Ok(Fetched { block_ref: verified.block_ref(), block: verified.to_fixture_block(), blobs })
}

/// A receipt as the JSON-RPC serves it, with where it says it belongs.
fn served_receipt(receipt: TransactionReceipt) -> ServedReceipt {
    ServedReceipt {
        block_hash: receipt.block_hash,
        transaction_index: receipt.transaction_index,
        transaction_hash: receipt.transaction_hash,
        receipt: receipt.into_primitives_receipt().inner,
    }
}

/// The beacon slot of a block: blocks of post-merge Ethereum are one per slot.
fn slot_of(number: u64, timestamp: u64, genesis_time: u64) -> Result<u64, RecordError> {
    match timestamp.checked_sub(genesis_time) {
        Some(since) if since % SECONDS_PER_SLOT == 0 => Ok(since / SECONDS_PER_SLOT),
        _ => Err(RecordError::NotOnSlot { number, timestamp, genesis_time }),
    }
}

/// Verifies served blobs by KZG commitment and orders them as `wanted`; every wanted blob must
/// be served, and every served blob must be wanted.
fn match_blobs(
    number: u64,
    slot: u64,
    wanted: &[B256],
    served: Vec<Bytes>,
) -> Result<Vec<FixtureBlob>, RecordError> {
    let kzg = c_kzg::ethereum_kzg_settings(0);
    let mut found: Vec<Option<Bytes>> = vec![None; wanted.len()];
    for data in served {
        if data.len() != BYTES_PER_BLOB {
            return Err(RecordError::BlobSize { number, slot, len: data.len() });
        }
        let kzg_error = |e: c_kzg::Error| RecordError::Kzg { number, slot, reason: e.to_string() };
        let blob = c_kzg::Blob::from_bytes(&data).map_err(kzg_error)?;
        let commitment = kzg.blob_to_kzg_commitment(&blob).map_err(kzg_error)?;
        let hash = kzg_to_versioned_hash(commitment.to_bytes().as_slice());
        match wanted.iter().position(|w| *w == hash).and_then(|i| found.get_mut(i)) {
            Some(slot_entry) => *slot_entry = Some(data),
            None => return Err(RecordError::BlobMismatch { number, slot, hash }),
        }
    }
    wanted
        .iter()
        .zip(found)
        .map(|(hash, data)| match data {
            Some(data) => Ok(FixtureBlob { versioned_hash: *hash, data }),
            None => Err(RecordError::BlobMissing { number, slot, hash: *hash }),
        })
        .collect()
}

/// Writes `data` to a temporary file beside `path`, then renames it over `path`, so readers
/// never see a partial fixture.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), RecordError> {
    let write_error =
        |e: std::io::Error| RecordError::Write { path: path.to_path_buf(), reason: e.to_string() };
    let name =
        path.file_name().ok_or_else(|| write_error(std::io::Error::other("not a file name")))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = std::fs::File::create(&tmp).and_then(|mut file| {
        file.write_all(data)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(write_error)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_genesis_time() {
        assert_eq!(slot_of(5, 1_606_824_023 + 24, 1_606_824_023), Ok(2));
        assert_eq!(
            slot_of(5, 1_606_824_023 + 13, 1_606_824_023),
            Err(RecordError::NotOnSlot {
                number: 5,
                timestamp: 1_606_824_036,
                genesis_time: 1_606_824_023
            })
        );
        assert!(matches!(slot_of(5, 10, 20), Err(RecordError::NotOnSlot { .. })));
    }

    #[test]
    fn blobs_are_verified_against_versioned_hashes() {
        let kzg = c_kzg::ethereum_kzg_settings(0);
        let mut raw = vec![0u8; BYTES_PER_BLOB];
        raw[1] = 7; // a field element well below the modulus
        let blob = c_kzg::Blob::from_bytes(&raw).unwrap();
        let commitment = kzg.blob_to_kzg_commitment(&blob).unwrap();
        let hash = kzg_to_versioned_hash(commitment.to_bytes().as_slice());
        let data = Bytes::from(raw);

        let got = match_blobs(1, 1, &[hash], vec![data.clone()]).unwrap();
        assert_eq!(got, vec![FixtureBlob { versioned_hash: hash, data: data.clone() }]);

        let other = B256::repeat_byte(1);
        assert_eq!(
            match_blobs(1, 1, &[other], vec![data.clone()]),
            Err(RecordError::BlobMismatch { number: 1, slot: 1, hash })
        );
        assert_eq!(
            match_blobs(1, 1, &[hash, other], vec![data]),
            Err(RecordError::BlobMissing { number: 1, slot: 1, hash: other })
        );
        assert_eq!(
            match_blobs(1, 1, &[hash], vec![Bytes::from_static(b"short")]),
            Err(RecordError::BlobSize { number: 1, slot: 1, len: 5 })
        );
        // Not a canonical field element: the KZG library refuses it.
        let bad = Bytes::from(vec![0xff; BYTES_PER_BLOB]);
        assert!(matches!(match_blobs(1, 1, &[hash], vec![bad]), Err(RecordError::Kzg { .. })));
    }

    #[test]
    fn reversed_range_is_refused_before_any_request() {
        let args = RecordArgs {
            l1_rpc: "http://127.0.0.1:1".into(),
            l1_beacon: "http://127.0.0.1:1".into(),
            from: 5,
            to: 3,
            out: PathBuf::from("unused.json"),
            timeout: 1,
        };
        let err = run(args).unwrap_err();
        assert_eq!(err.to_string(), "--from 5 is after --to 3");
    }

    #[test]
    fn progress_template_is_valid() {
        assert!(indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE).is_ok());
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("keel-record-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        assert!(matches!(
            write_atomically(&dir.join("missing/out.json"), b"x"),
            Err(RecordError::Write { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
