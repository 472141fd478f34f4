//! End-to-end tests of `keel inspect`: the real binary on every batcher vector (vectors README
//! §2.1–2.7), input-format detection, and clean one-line failures on bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeSet,
    ffi::OsStr,
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::atomic::{AtomicUsize, Ordering},
};

use serde_json::Value;

const TX27: &str = "batcher/op-mainnet-span-27blocks.tx.bin";
const CHANNEL143: &str = "batcher/op-mainnet-span-143blocks.channel.hex";
const SINGULAR34: &str = "batcher/op-mainnet-singular-34batches.calldata.hex";
const SPAN84: &str = "batcher/op-sepolia-span-84blocks.calldata.hex";
const GOERLI6: &str = "batcher/op-goerli-singular-6batches.calldata.hex";
const BLOB9: &str = "batcher/op-sepolia-blob9.blob.hex";
const BLOB9_DECODED: &str = "batcher/op-sepolia-blob9.decoded.hex";
const UNICHAIN: [&str; 3] = [
    "batcher/unichain-brotli-span-540blocks/0.blob.bin",
    "batcher/unichain-brotli-span-540blocks/1.blob.bin",
    "batcher/unichain-brotli-span-540blocks/2.blob.bin",
];
const UNICHAIN_EPOCHS: &str =
    "batcher/unichain-brotli-span-540blocks/l1-epochs-24149341-24149386.EXTRACTED.json";
const OP_MAINNET_TOML: &str = "configs/op-mainnet.toml";
const OP_SEPOLIA_TOML: &str = "configs/op-sepolia.toml";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Path of a vector file; panics loudly when it is missing so no test passes vacuously.
fn vector(rel: &str) -> PathBuf {
    let path = keel_tests::vectors_dir().join(rel);
    assert!(path.is_file(), "missing vector {}", path.display());
    path
}

/// Runs the real `keel` binary with a clean logging environment.
fn keel<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .env_remove("RUST_LOG")
        // A panic would print its backtrace; the failure tests check none appears.
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("cannot run the keel binary")
}

fn show<S: AsRef<OsStr>>(args: &[S]) -> String {
    args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect::<Vec<_>>().join(" ")
}

/// Runs `keel` and returns its stdout, asserting success, an empty stderr and one JSON line.
fn inspect_raw<S: AsRef<OsStr>>(args: &[S]) -> String {
    let out = keel(args);
    let stdout = String::from_utf8(out.stdout).expect("stdout is not UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "keel {} failed ({}): {stderr}", show(args), out.status);
    assert!(stderr.is_empty(), "keel {} wrote to stderr: {stderr}", show(args));
    assert!(stdout.ends_with('\n'), "output must end with a newline");
    stdout
}

/// Runs `keel` (compact output) and parses its JSON, asserting it is exactly one line.
fn inspect<S: AsRef<OsStr>>(args: &[S]) -> Value {
    let stdout = inspect_raw(args);
    assert_eq!(stdout.matches('\n').count(), 1, "compact output must be one line");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("keel {}: bad JSON: {e}", show(args)))
}

/// Runs `keel`, asserting a clean failure: non-zero exit (not a panic), nothing on stdout and
/// exactly one stderr line starting with `error: `. Returns that line without its newline.
fn inspect_fails<S: AsRef<OsStr>>(args: &[S]) -> String {
    let out = keel(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let cmd = show(args);
    assert!(!out.status.success(), "keel {cmd} must fail");
    let code = out.status.code();
    assert!(code.is_some_and(|c| c != 0 && c != 101), "keel {cmd}: exit status {code:?}");
    assert!(!stderr.contains("panicked"), "keel {cmd} panicked: {stderr}");
    assert!(!stderr.contains("backtrace"), "keel {cmd} printed a backtrace: {stderr}");
    assert!(out.stdout.is_empty(), "keel {cmd} wrote to stdout on failure");
    assert!(
        stderr.starts_with("error: "),
        "keel {cmd}: stderr must start with `error: `: {stderr:?}"
    );
    assert!(
        stderr.ends_with('\n') && stderr.matches('\n').count() == 1,
        "keel {cmd}: stderr must be exactly one line, got {stderr:?}"
    );
    stderr.trim_end_matches('\n').to_string()
}

/// A file under the system temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str, contents: &[u8]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "keel-inspect-cli-{}-{}-{nanos}-{tag}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The value at a dot path (`a.b.0.c`), panicking with the path when it is missing.
fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    let mut cur = v;
    for key in path.split('.') {
        let next = match key.parse::<usize>() {
            Ok(i) => cur.get(i),
            Err(_) => cur.get(key),
        };
        cur = next.unwrap_or_else(|| panic!("JSON has no `{path}` (stuck at `{key}`)"));
    }
    cur
}

fn num(v: &Value, path: &str) -> u64 {
    at(v, path).as_u64().unwrap_or_else(|| panic!("`{path}` is not an unsigned integer"))
}

fn text<'a>(v: &'a Value, path: &str) -> &'a str {
    at(v, path).as_str().unwrap_or_else(|| panic!("`{path}` is not a string"))
}

fn flag(v: &Value, path: &str) -> bool {
    at(v, path).as_bool().unwrap_or_else(|| panic!("`{path}` is not a bool"))
}

fn list<'a>(v: &'a Value, path: &str) -> &'a Vec<Value> {
    at(v, path).as_array().unwrap_or_else(|| panic!("`{path}` is not an array"))
}

/// Asserts that an optional field is omitted (not `null`).
fn assert_absent(v: &Value, key: &str) {
    let obj = v.as_object().unwrap_or_else(|| panic!("not an object: {v}"));
    assert!(!obj.contains_key(key), "`{key}` must be omitted, got {}", obj[key]);
}

fn assert_hash32(s: &str) {
    assert!(
        s.len() == 66 && s.starts_with("0x") && s[2..].bytes().all(|b| b.is_ascii_hexdigit()),
        "not a 0x-prefixed 32-byte hex string: {s}"
    );
    assert_eq!(s, s.to_ascii_lowercase(), "hex must be lowercase");
}

/// Frame facts from the README: (channel id, number, data length, is_last).
type FrameFacts = (&'static str, u64, u64, bool);

fn assert_frame(frame: &Value, (id, number, len, last): FrameFacts) {
    assert_eq!(text(frame, "channel_id"), id);
    assert_eq!(num(frame, "number"), number);
    assert_eq!(num(frame, "data_len"), len);
    assert_eq!(flag(frame, "is_last"), last);
}

/// Channel-contents facts: codec, sizes, how the stream ended and the batch count.
struct ContentsFacts {
    compression: &'static str,
    compressed_size: u64,
    decompressed_size: u64,
    /// Verified independently (Python zlib `eof`): op-batcher's span-batch channels here have
    /// no zlib trailer, so their stream ends "truncated" with all data present.
    stream_end: &'static str,
    batch_count: u64,
}

/// Checks a `contents` object (or a channel report flattened into it). No `error` means the
/// batch reader consumed the decompressed data exactly (cursor == decompressed_size).
fn assert_contents(c: &Value, f: &ContentsFacts) {
    assert_eq!(text(c, "compression"), f.compression);
    assert_eq!(num(c, "compressed_size"), f.compressed_size);
    assert_eq!(num(c, "decompressed_size"), f.decompressed_size);
    assert_eq!(at(c, "stream_end"), &serde_json::json!({ "kind": f.stream_end }));
    assert_eq!(num(c, "batch_count"), f.batch_count);
    assert_eq!(list(c, "batches").len() as u64, f.batch_count);
    assert_absent(c, "error");
}

/// Payload-level facts: a single complete channel made of the given frames.
fn assert_single_channel(payload: &Value, kind: &str, frames: &[FrameFacts]) -> Value {
    assert_eq!(text(payload, "kind"), kind);
    let got = list(payload, "frames");
    assert_eq!(got.len(), frames.len(), "frame count");
    for (frame, facts) in got.iter().zip(frames) {
        assert_frame(frame, *facts);
    }
    let channels = list(payload, "channels");
    assert_eq!(channels.len(), 1, "exactly one channel");
    let channel = &channels[0];
    assert_eq!(text(channel, "id"), frames[0].0);
    assert_eq!(num(channel, "frames"), frames.len() as u64);
    assert!(flag(channel, "complete"));
    at(channel, "contents").clone()
}

/// Span batch facts from the README; `None` where the README states nothing.
struct SpanFacts {
    rel_timestamp: u64,
    l1_origin_num: u64,
    parent_check: &'static str,
    l1_origin_check: &'static str,
    block_count: u64,
    origin_bits_set: Option<u64>,
    first_origin: u64,
    last_origin: u64,
    tx_count: u64,
    /// legacy_protected, legacy_unprotected, eip2930, eip1559, eip7702.
    tx_types: [u64; 5],
    contract_creations: Option<u64>,
    max_txs_per_block: Option<u64>,
    empty_blocks: Option<u64>,
}

fn assert_span(batch: &Value, f: &SpanFacts) {
    assert_eq!(text(batch, "type"), "span");
    assert_eq!(num(batch, "rel_timestamp"), f.rel_timestamp);
    assert_eq!(num(batch, "l1_origin_num"), f.l1_origin_num);
    assert_eq!(text(batch, "parent_check"), f.parent_check);
    assert_eq!(text(batch, "l1_origin_check"), f.l1_origin_check);
    assert_eq!(num(batch, "block_count"), f.block_count);
    if let Some(bits) = f.origin_bits_set {
        assert_eq!(num(batch, "origin_bits_set"), bits);
    }
    assert_eq!(num(batch, "start_epoch_num"), f.first_origin);
    assert_eq!(num(batch, "tx_count"), f.tx_count);
    let types = ["legacy_protected", "legacy_unprotected", "eip2930", "eip1559", "eip7702"]
        .map(|k| num(batch, &format!("tx_types.{k}")));
    assert_eq!(types, f.tx_types, "tx_types (protected, unprotected, 2930, 1559, 7702)");
    assert_eq!(types.iter().sum::<u64>(), f.tx_count, "tx_types must add up to tx_count");
    if let Some(n) = f.contract_creations {
        assert_eq!(num(batch, "contract_creations"), n);
    }
    if let Some(n) = f.max_txs_per_block {
        assert_eq!(num(batch, "max_txs_per_block"), n);
    }
    if let Some(n) = f.empty_blocks {
        assert_eq!(num(batch, "empty_blocks"), n);
    }
    assert_absent(batch, "expand_error");
}

/// Expanded-block facts: first L2 number, first and last timestamp, block time.
struct BlockFacts {
    first_number: u64,
    last_number: u64,
    first_timestamp: u64,
    last_timestamp: u64,
    block_time: u64,
}

/// Checks the expanded blocks of a span batch against the README and against the span's own
/// summary counts (every count must agree with the blocks it summarises).
fn assert_blocks(batch: &Value, span: &SpanFacts, f: &BlockFacts) {
    let blocks = list(batch, "blocks");
    assert_eq!(blocks.len() as u64, span.block_count);
    let mut total = 0;
    let mut hashes = BTreeSet::new();
    let mut epochs = BTreeSet::new();
    let mut prev_epoch = span.first_origin;
    for (i, block) in blocks.iter().enumerate() {
        let i = i as u64;
        assert_eq!(num(block, "l2_block_number"), f.first_number + i, "block {i} number");
        assert_eq!(num(block, "timestamp"), f.first_timestamp + i * f.block_time, "block {i} ts");
        let epoch = num(block, "epoch_num");
        assert!(epoch == prev_epoch || epoch == prev_epoch + 1, "block {i}: epoch jumps");
        prev_epoch = epoch;
        epochs.insert(epoch);
        let txs = list(block, "transactions");
        assert_eq!(num(block, "tx_count"), txs.len() as u64, "block {i} tx_count");
        for tx in txs {
            let hash = tx.as_str().expect("tx hash is a string");
            assert_hash32(hash);
            assert!(hashes.insert(hash.to_string()), "duplicate tx hash {hash}");
        }
        total += txs.len() as u64;
    }
    let last = blocks.last().unwrap();
    assert_eq!(num(last, "l2_block_number"), f.last_number);
    assert_eq!(num(last, "timestamp"), f.last_timestamp);
    assert_eq!(num(&blocks[0], "epoch_num"), span.first_origin, "first origin");
    assert_eq!(num(last, "epoch_num"), span.last_origin, "last origin");
    assert_eq!(epochs, (span.first_origin..=span.last_origin).collect(), "origins form a range");
    assert_eq!(total, span.tx_count, "block tx counts must add up to tx_count");
    let counts: Vec<u64> = blocks.iter().map(|b| num(b, "tx_count")).collect();
    assert_eq!(num(batch, "max_txs_per_block"), counts.iter().copied().max().unwrap());
    assert_eq!(num(batch, "empty_blocks"), counts.iter().filter(|&&c| c == 0).count() as u64);
}

/// Singular batch facts from the README.
struct SingularFacts {
    first_timestamp: u64,
    first_epoch: u64,
    last_epoch: u64,
    first_parent_hash: &'static str,
    first_epoch_hash: &'static str,
    tx_counts: &'static [u64],
    chain_id: u64,
}

fn assert_singulars(batches: &[Value], f: &SingularFacts, first_l2_number: Option<u64>) {
    assert_eq!(batches.len(), f.tx_counts.len(), "batch count");
    assert_eq!(text(&batches[0], "parent_hash"), f.first_parent_hash);
    assert_eq!(text(&batches[0], "epoch_hash"), f.first_epoch_hash);
    assert_eq!(num(&batches[0], "epoch_num"), f.first_epoch);
    assert_eq!(num(batches.last().unwrap(), "epoch_num"), f.last_epoch);
    let mut prev_epoch = f.first_epoch;
    let mut hashes = BTreeSet::new();
    for (i, batch) in batches.iter().enumerate() {
        assert_eq!(text(batch, "type"), "singular");
        assert_hash32(text(batch, "parent_hash"));
        assert_hash32(text(batch, "epoch_hash"));
        assert_eq!(num(batch, "timestamp"), f.first_timestamp + 2 * i as u64, "batch {i} ts");
        let epoch = num(batch, "epoch_num");
        assert!((prev_epoch..=f.last_epoch).contains(&epoch), "batch {i} epoch {epoch}");
        prev_epoch = epoch;
        match first_l2_number {
            Some(n) => assert_eq!(num(batch, "l2_block_number"), n + i as u64, "batch {i}"),
            None => assert_absent(batch, "l2_block_number"),
        }
        let txs = list(batch, "transactions");
        assert_eq!(num(batch, "tx_count"), f.tx_counts[i], "batch {i} tx_count");
        assert_eq!(txs.len() as u64, f.tx_counts[i], "batch {i} transactions");
        for tx in txs {
            let hash = text(tx, "hash");
            assert_hash32(hash);
            assert!(hashes.insert(hash.to_string()), "duplicate tx hash {hash}");
            assert!(num(tx, "type") <= 2, "unexpected tx type in {tx}");
            assert_eq!(num(tx, "chain_id"), f.chain_id, "chain id of {tx}");
            assert_absent(tx, "error");
        }
    }
    assert_eq!(hashes.len() as u64, f.tx_counts.iter().sum::<u64>());
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("vector paths are UTF-8")
}

// ---------------------------------------------------------------------------------------------
// README facts
// ---------------------------------------------------------------------------------------------

const SPAN27_FACTS: SpanFacts = SpanFacts {
    rel_timestamp: 24269254,
    l1_origin_num: 19426585,
    parent_check: "0x4a78c6069d413ac5cd75401310076b7acbc10cea",
    l1_origin_check: "0x4fcd7915716bdcf8ba963e591577721000dd2bf7",
    block_count: 27,
    origin_bits_set: Some(3),
    first_origin: 19426582,
    last_origin: 19426585,
    tx_count: 209,
    tx_types: [36, 0, 0, 173, 0],
    contract_creations: Some(0),
    max_txs_per_block: Some(14),
    empty_blocks: Some(0),
};

const BLOCKS27: BlockFacts = BlockFacts {
    first_number: 117369690,
    last_number: 117369716,
    first_timestamp: 1710338157,
    last_timestamp: 1710338209,
    block_time: 2,
};

const SPAN143_FACTS: SpanFacts = SpanFacts {
    rel_timestamp: 32295734,
    l1_origin_num: 20089770,
    parent_check: "0xba1be7cfde4724e81290aa5ae3c082731ce44823",
    l1_origin_check: "0x4bd8da85bfabf4daa6a3f294d3d51dd927c6cbcb",
    block_count: 143,
    origin_bits_set: Some(24),
    first_origin: 20089746,
    last_origin: 20089770,
    tx_count: 1766,
    tx_types: [454, 0, 11, 1301, 0],
    contract_creations: Some(1),
    max_txs_per_block: Some(47),
    empty_blocks: None,
};

const SPAN84_FACTS: SpanFacts = SpanFacts {
    rel_timestamp: 11401892,
    l1_origin_num: 4933211,
    parent_check: "0xe0bc110ffac850cd0de7fe2b110eb717a68a9799",
    l1_origin_check: "0xc25c48e8976f87aae02678f4560c3889cfe04f1a",
    block_count: 84,
    origin_bits_set: None,
    first_origin: 4933199,
    last_origin: 4933211,
    tx_count: 9,
    tx_types: [3, 0, 0, 6, 0],
    contract_creations: None,
    max_txs_per_block: None,
    empty_blocks: Some(75),
};

const BLOB9_SPAN_FACTS: SpanFacts = SpanFacts {
    rel_timestamp: 16732870,
    l1_origin_num: 5335447,
    parent_check: "0x07209f379e90ea388298b985b293e59322c2c1a9",
    l1_origin_check: "0x83f62f0d8655d8d8ec412efe65f8202154140486",
    block_count: 22,
    origin_bits_set: None,
    first_origin: 5335444,
    last_origin: 5335447,
    tx_count: 20,
    tx_types: [11, 0, 0, 9, 0],
    contract_creations: None,
    max_txs_per_block: None,
    empty_blocks: Some(10),
};

const UNICHAIN_SPAN_FACTS: SpanFacts = SpanFacts {
    rel_timestamp: 36637400,
    l1_origin_num: 24149386,
    parent_check: "0x563113941c30e15704d522c04a47ce8c5b4be46a",
    l1_origin_check: "0x98270cc47c9ec388bdfc564f7cc2b96af7399814",
    block_count: 540,
    origin_bits_set: Some(45),
    first_origin: 24149341,
    last_origin: 24149386,
    tx_count: 3196,
    tx_types: [139, 0, 0, 3056, 1],
    contract_creations: Some(4),
    max_txs_per_block: Some(37),
    empty_blocks: Some(0),
};

const SINGULAR34_FACTS: SingularFacts = SingularFacts {
    first_timestamp: 1704888269,
    first_epoch: 18976424,
    last_epoch: 18976429,
    first_parent_hash: "0xcc519a842a3393f5423a9c756005b4dde21e4ae897a7cc4a5045fb35e9f67498",
    first_epoch_hash: "0x479a8a418daddda01a6176b40b6355c81e6954ea2e139807d9323d200501fce5",
    tx_counts: &[
        14, 15, 28, 27, 26, 16, 10, 20, 16, 21, 23, 23, 11, 7, 12, 7, 17, 7, 32, 35, 24, 26, 36,
        30, 30, 16, 21, 31, 30, 16, 19, 17, 18, 8,
    ],
    chain_id: 10,
};

const GOERLI6_FACTS: SingularFacts = SingularFacts {
    first_timestamp: 1676565100,
    first_epoch: 8502692,
    last_epoch: 8502692,
    first_parent_hash: "0x9a6d7cf81309515caed98e08edffe9a467a71a707910474b5fde43e2a6fc6454",
    first_epoch_hash: "0xf96fa95a6ce1953fc86cce0e16e46f9e31af307247ee581b4baae42d0ea23dbc",
    tx_counts: &[7, 2, 0, 2, 1, 2],
    chain_id: 420,
};

// ---------------------------------------------------------------------------------------------
// §2.1 op-mainnet-span-27blocks.tx.bin
// ---------------------------------------------------------------------------------------------

fn assert_tx27_header(report: &Value) {
    assert_eq!(text(report, "kind"), "tx");
    assert_eq!(
        text(report, "hash"),
        "0xe69d94330faafb4f716f7ad9b3b50ea8ff5ce57aea6d2f8be07afb7fe49cd6cf"
    );
    assert_eq!(num(report, "type"), 2);
    assert_eq!(num(report, "chain_id"), 1);
    assert_eq!(num(report, "nonce"), 1104454);
    assert_eq!(text(report, "to"), "0xff00000000000000000000000000000000000010");
    // README gives the checksummed form; the report prints lowercase hex.
    assert_eq!(text(report, "from"), "0x6887246668a3b87f54deb3b94ba47a6f63f32985");
    assert_eq!(num(report, "calldata_len"), 119823);
    assert_absent(report, "blob_hashes");
    assert_absent(report, "calldata_error");
}

fn assert_tx27_inbox(inbox: &Value, network: &str) {
    assert_eq!(text(inbox, "network"), network);
    assert_eq!(text(inbox, "batch_inbox"), "0xff00000000000000000000000000000000000010");
    assert_eq!(text(inbox, "genesis_batcher"), "0x6887246668a3b87f54deb3b94ba47a6f63f32985");
    assert!(flag(inbox, "to_inbox"));
    assert!(flag(inbox, "from_genesis_batcher"));
}

fn assert_tx27_payload(report: &Value) -> Value {
    let contents = assert_single_channel(
        at(report, "calldata"),
        "calldata",
        &[("0xac329933f5efdcc35ccd284232a376d3", 0, 119799, true)],
    );
    assert_absent(at(report, "calldata"), "blobs");
    assert_contents(
        &contents,
        &ContentsFacts {
            compression: "zlib",
            compressed_size: 119799,
            decompressed_size: 240308,
            stream_end: "truncated",
            batch_count: 1,
        },
    );
    let batch = at(&contents, "batches.0").clone();
    assert_span(&batch, &SPAN27_FACTS);
    batch
}

#[test]
fn inspect_op_mainnet_span_27blocks_tx_facts() {
    let file = vector(TX27);
    let report = inspect(&[OsStr::new("inspect"), OsStr::new("tx"), file.as_os_str()]);
    assert_tx27_header(&report);
    // Without a network every built-in whose inbox is the recipient is checked: only OP Mainnet.
    let inbox = list(&report, "inbox");
    assert_eq!(inbox.len(), 1);
    assert_tx27_inbox(&inbox[0], "op-mainnet");
    let batch = assert_tx27_payload(&report);
    // Expansion needs a rollup config.
    assert_absent(&batch, "blocks");
}

#[test]
fn inspect_op_mainnet_span_27blocks_tx_blocks_with_network() {
    let file = vector(TX27);
    let report = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("tx"),
        file.as_os_str(),
        OsStr::new("--network"),
        OsStr::new("op-mainnet"),
    ]);
    assert_tx27_header(&report);
    let inbox = list(&report, "inbox");
    assert_eq!(inbox.len(), 1);
    assert_tx27_inbox(&inbox[0], "op-mainnet");
    let batch = assert_tx27_payload(&report);
    assert_blocks(&batch, &SPAN27_FACTS, &BLOCKS27);
}

#[test]
fn inspect_op_mainnet_span_27blocks_tx_registry_toml_matches_network() {
    let file = vector(TX27);
    let toml = vector(OP_MAINNET_TOML);
    let by_network = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("tx"),
        file.as_os_str(),
        OsStr::new("--network"),
        OsStr::new("op-mainnet"),
    ]);
    let by_file = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("tx"),
        file.as_os_str(),
        OsStr::new("--rollup-config"),
        toml.as_os_str(),
    ]);
    // The inbox check names the config file instead of the built-in network.
    let inbox = list(&by_file, "inbox");
    assert_eq!(inbox.len(), 1);
    assert_tx27_inbox(&inbox[0], path_str(&toml));
    let batch = assert_tx27_payload(&by_file);
    assert_blocks(&batch, &SPAN27_FACTS, &BLOCKS27);
    // Everything else, including every expanded block and tx hash, is identical.
    let mut a = by_network.clone();
    let mut b = by_file.clone();
    a["inbox"][0]["network"] = Value::Null;
    b["inbox"][0]["network"] = Value::Null;
    assert_eq!(a, b);
}

#[test]
fn inspect_op_mainnet_span_27blocks_tx_pretty_equals_compact() {
    let file = vector(TX27);
    let compact = inspect(&[OsStr::new("inspect"), OsStr::new("tx"), file.as_os_str()]);
    let pretty = inspect_raw(&[
        OsStr::new("inspect"),
        OsStr::new("tx"),
        file.as_os_str(),
        OsStr::new("--pretty"),
    ]);
    assert!(pretty.lines().count() > 1, "--pretty must indent");
    assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), compact);
}

// ---------------------------------------------------------------------------------------------
// §2.2 op-mainnet-span-143blocks.channel.hex
// ---------------------------------------------------------------------------------------------

const CONTENTS143: ContentsFacts = ContentsFacts {
    compression: "zlib",
    compressed_size: 615361,
    decompressed_size: 1409463,
    stream_end: "complete",
    batch_count: 1,
};

const BLOCKS143: BlockFacts = BlockFacts {
    first_number: 121382930,
    last_number: 121383072,
    first_timestamp: 1718364637,
    last_timestamp: 1718364921,
    block_time: 2,
};

#[test]
fn inspect_op_mainnet_span_143blocks_channel_facts() {
    let file = vector(CHANNEL143);
    let report = inspect(&[OsStr::new("inspect"), OsStr::new("channel"), file.as_os_str()]);
    assert_eq!(text(&report, "kind"), "channel");
    assert_contents(&report, &CONTENTS143);
    let batch = at(&report, "batches.0");
    assert_span(batch, &SPAN143_FACTS);
    assert_absent(batch, "blocks");
}

#[test]
fn inspect_op_mainnet_span_143blocks_channel_blocks_with_network() {
    let file = vector(CHANNEL143);
    let report = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("channel"),
        file.as_os_str(),
        OsStr::new("--network"),
        OsStr::new("op-mainnet"),
    ]);
    assert_contents(&report, &CONTENTS143);
    let batch = at(&report, "batches.0");
    assert_span(batch, &SPAN143_FACTS);
    assert_blocks(batch, &SPAN143_FACTS, &BLOCKS143);
}

#[test]
fn inspect_op_mainnet_span_143blocks_channel_registry_toml_matches_network() {
    let file = vector(CHANNEL143);
    let toml = vector(OP_MAINNET_TOML);
    let args = |opt: &'static str, value: &OsStr| {
        vec![
            OsStr::new("inspect").to_os_string(),
            OsStr::new("channel").to_os_string(),
            file.clone().into_os_string(),
            OsStr::new(opt).to_os_string(),
            value.to_os_string(),
        ]
    };
    let by_network = inspect_raw(&args("--network", OsStr::new("op-mainnet")));
    let by_file = inspect_raw(&args("--rollup-config", toml.as_os_str()));
    assert_eq!(by_network, by_file, "channel reports carry no network name: byte-identical");
}

// ---------------------------------------------------------------------------------------------
// §2.3 op-mainnet-singular-34batches.calldata.hex
// ---------------------------------------------------------------------------------------------

fn singular34_batches(report: &Value) -> Vec<Value> {
    assert_absent(report, "blobs");
    let contents = assert_single_channel(
        report,
        "calldata",
        &[("0xdc0da7c1a3f3c429b8668e2ca31014d9", 0, 116281, true)],
    );
    assert_contents(
        &contents,
        &ContentsFacts {
            compression: "zlib",
            compressed_size: 116281,
            decompressed_size: 248253,
            stream_end: "complete",
            batch_count: 34,
        },
    );
    list(&contents, "batches").clone()
}

#[test]
fn inspect_op_mainnet_singular_34batches_calldata_facts() {
    let file = vector(SINGULAR34);
    let report = inspect(&[OsStr::new("inspect"), OsStr::new("calldata"), file.as_os_str()]);
    let batches = singular34_batches(&report);
    assert_singulars(&batches, &SINGULAR34_FACTS, None);
    assert_eq!(num(batches.last().unwrap(), "timestamp"), 1704888335);
    let total: usize = batches.iter().map(|b| list(b, "transactions").len()).sum();
    assert_eq!(total, 689);
}

#[test]
fn inspect_op_mainnet_singular_34batches_calldata_block_numbers_with_network() {
    let file = vector(SINGULAR34);
    let toml = vector(OP_MAINNET_TOML);
    for (opt, value) in
        [("--network", OsStr::new("op-mainnet")), ("--rollup-config", toml.as_os_str())]
    {
        let report = inspect(&[
            OsStr::new("inspect"),
            OsStr::new("calldata"),
            file.as_os_str(),
            OsStr::new(opt),
            value,
        ]);
        let batches = singular34_batches(&report);
        assert_singulars(&batches, &SINGULAR34_FACTS, Some(114644746));
        assert_eq!(num(batches.last().unwrap(), "l2_block_number"), 114644779);
    }
}

// ---------------------------------------------------------------------------------------------
// §2.4 op-sepolia-span-84blocks.calldata.hex
// ---------------------------------------------------------------------------------------------

fn span84_batch(report: &Value) -> Value {
    let contents = assert_single_channel(
        report,
        "calldata",
        &[("0x656531d7fca1ad32740ea3adca85922a", 0, 1500, true)],
    );
    assert_contents(
        &contents,
        &ContentsFacts {
            compression: "zlib",
            compressed_size: 1500,
            decompressed_size: 2813,
            stream_end: "truncated",
            batch_count: 1,
        },
    );
    let batch = at(&contents, "batches.0").clone();
    assert_span(&batch, &SPAN84_FACTS);
    batch
}

const BLOCKS84: BlockFacts = BlockFacts {
    first_number: 5700946,
    last_number: 5701029,
    first_timestamp: 1703204432,
    last_timestamp: 1703204598,
    block_time: 2,
};

#[test]
fn inspect_op_sepolia_span_84blocks_calldata_facts() {
    let file = vector(SPAN84);
    let report = inspect(&[OsStr::new("inspect"), OsStr::new("calldata"), file.as_os_str()]);
    let batch = span84_batch(&report);
    assert_absent(&batch, "blocks");
}

#[test]
fn inspect_op_sepolia_span_84blocks_calldata_blocks_with_network_and_toml() {
    let file = vector(SPAN84);
    let toml = vector(OP_SEPOLIA_TOML);
    let mut outputs = Vec::new();
    for (opt, value) in
        [("--network", OsStr::new("op-sepolia")), ("--rollup-config", toml.as_os_str())]
    {
        let args = [
            OsStr::new("inspect"),
            OsStr::new("calldata"),
            file.as_os_str(),
            OsStr::new(opt),
            value,
        ];
        let report = inspect(&args);
        let batch = span84_batch(&report);
        assert_blocks(&batch, &SPAN84_FACTS, &BLOCKS84);
        outputs.push(inspect_raw(&args));
    }
    assert_eq!(outputs[0], outputs[1], "registry TOML and built-in network must agree");
}

// ---------------------------------------------------------------------------------------------
// §2.5 op-goerli-singular-6batches.calldata.hex (no built-in network: OP Goerli is gone)
// ---------------------------------------------------------------------------------------------

fn goerli6_batches(report: &Value) -> Vec<Value> {
    let contents = assert_single_channel(
        report,
        "calldata",
        &[("0xb3ec7df691dc58384222fbdc05891b08", 0, 3028, true)],
    );
    assert_contents(
        &contents,
        &ContentsFacts {
            compression: "zlib",
            compressed_size: 3028,
            decompressed_size: 6958,
            stream_end: "complete",
            batch_count: 6,
        },
    );
    list(&contents, "batches").clone()
}

#[test]
fn inspect_op_goerli_singular_6batches_calldata_facts_without_config() {
    let file = vector(GOERLI6);
    let report = inspect(&[OsStr::new("inspect"), OsStr::new("calldata"), file.as_os_str()]);
    let batches = goerli6_batches(&report);
    // Everything but the L2 block number needs no rollup config.
    assert_singulars(&batches, &GOERLI6_FACTS, None);
    assert_eq!(num(batches.last().unwrap(), "timestamp"), 1676565110);
    for batch in &batches {
        assert_eq!(
            text(batch, "epoch_hash"),
            "0xf96fa95a6ce1953fc86cce0e16e46f9e31af307247ee581b4baae42d0ea23dbc"
        );
    }
}

#[test]
fn inspect_op_goerli_singular_6batches_before_genesis_has_no_block_number() {
    // Under OP Mainnet (Bedrock genesis 2023-06-06) these 2023-02 timestamps precede genesis,
    // so no L2 block number exists and the field is omitted.
    let file = vector(GOERLI6);
    let report = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("calldata"),
        file.as_os_str(),
        OsStr::new("--network"),
        OsStr::new("op-mainnet"),
    ]);
    assert_singulars(&goerli6_batches(&report), &GOERLI6_FACTS, None);
}

// ---------------------------------------------------------------------------------------------
// §2.6 op-sepolia-blob9.blob.hex
// ---------------------------------------------------------------------------------------------

const BLOCKS_BLOB9: BlockFacts = BlockFacts {
    first_number: 8366435,
    last_number: 8366456,
    first_timestamp: 1708535410,
    last_timestamp: 1708535452,
    block_time: 2,
};

fn blob9_batch(report: &Value) -> Value {
    let blobs = list(report, "blobs");
    assert_eq!(blobs.len(), 1);
    assert_eq!(num(&blobs[0], "data_len"), 3220);
    assert_eq!(num(&blobs[0], "frames"), 1);
    let contents = assert_single_channel(
        report,
        "blob",
        &[("0x2f127415c9cb64ca077f23db3cfa302e", 0, 3196, true)],
    );
    assert_contents(
        &contents,
        &ContentsFacts {
            compression: "zlib",
            compressed_size: 3196,
            decompressed_size: 6095,
            stream_end: "truncated",
            batch_count: 1,
        },
    );
    let batch = at(&contents, "batches.0").clone();
    assert_span(&batch, &BLOB9_SPAN_FACTS);
    batch
}

#[test]
fn inspect_op_sepolia_blob9_blob_facts() {
    let file = vector(BLOB9);
    let report = inspect(&[OsStr::new("inspect"), OsStr::new("blob"), file.as_os_str()]);
    let batch = blob9_batch(&report);
    assert_absent(&batch, "blocks");
    // The blob's decoded data length equals the decoded vector.
    assert_eq!(keel_tests::read_hex_vector(BLOB9_DECODED).len(), 3220);
}

#[test]
fn inspect_op_sepolia_blob9_blob_blocks_with_network() {
    let file = vector(BLOB9);
    let report = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("blob"),
        file.as_os_str(),
        OsStr::new("--network"),
        OsStr::new("op-sepolia"),
    ]);
    let batch = blob9_batch(&report);
    assert_blocks(&batch, &BLOB9_SPAN_FACTS, &BLOCKS_BLOB9);
}

#[test]
fn inspect_op_sepolia_blob9_decoded_calldata_matches_blob() {
    // The decoded blob is calldata-style data: inspecting it as calldata gives the same frames
    // and channels as inspecting the blob.
    let blob = vector(BLOB9);
    let decoded = vector(BLOB9_DECODED);
    let from_blob = inspect(&[OsStr::new("inspect"), OsStr::new("blob"), blob.as_os_str()]);
    let from_calldata =
        inspect(&[OsStr::new("inspect"), OsStr::new("calldata"), decoded.as_os_str()]);
    assert_eq!(text(&from_calldata, "kind"), "calldata");
    assert_absent(&from_calldata, "blobs");
    assert_eq!(at(&from_blob, "frames"), at(&from_calldata, "frames"));
    assert_eq!(at(&from_blob, "channels"), at(&from_calldata, "channels"));
}

// ---------------------------------------------------------------------------------------------
// §2.7 unichain-brotli-span-540blocks/{0,1,2}.blob.bin
// ---------------------------------------------------------------------------------------------

const UNICHAIN_FRAMES: [FrameFacts; 3] = [
    ("0x0cd2fbf2cf47542dc209f38baa4fd48f", 0, 130020, false),
    ("0x0cd2fbf2cf47542dc209f38baa4fd48f", 1, 130020, false),
    ("0x0cd2fbf2cf47542dc209f38baa4fd48f", 2, 62728, true),
];

const BLOCKS_UNICHAIN: BlockFacts = BlockFacts {
    first_number: 36637400,
    last_number: 36637939,
    first_timestamp: 1767385759,
    last_timestamp: 1767386298,
    block_time: 1,
};

fn unichain_args(extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args = vec!["inspect".into(), "blob".into()];
    args.extend(UNICHAIN.iter().map(|rel| vector(rel).into_os_string()));
    args.extend(extra.iter().map(Into::into));
    args
}

fn unichain_batch(report: &Value) -> Value {
    let blobs = list(report, "blobs");
    let lens: Vec<(u64, u64)> =
        blobs.iter().map(|b| (num(b, "data_len"), num(b, "frames"))).collect();
    assert_eq!(lens, [(130044, 1), (130044, 1), (62752, 1)], "decoded blob lengths");
    let contents = assert_single_channel(report, "blob", &UNICHAIN_FRAMES);
    assert_contents(
        &contents,
        &ContentsFacts {
            compression: "brotli",
            compressed_size: 322768,
            decompressed_size: 962554,
            stream_end: "complete",
            batch_count: 1,
        },
    );
    let batch = at(&contents, "batches.0").clone();
    assert_span(&batch, &UNICHAIN_SPAN_FACTS);
    batch
}

#[test]
fn inspect_unichain_brotli_span_540blocks_blobs_facts() {
    let report = inspect(&unichain_args(&[]));
    let batch = unichain_batch(&report);
    assert_absent(&batch, "blocks");
}

#[test]
fn inspect_unichain_brotli_span_540blocks_blobs_blocks_with_network() {
    let report = inspect(&unichain_args(&["--network", "unichain-mainnet"]));
    let batch = unichain_batch(&report);
    assert_blocks(&batch, &UNICHAIN_SPAN_FACTS, &BLOCKS_UNICHAIN);
    let blocks = list(&batch, "blocks");
    let distinct: BTreeSet<u64> = blocks.iter().map(|b| num(b, "epoch_num")).collect();
    assert_eq!(distinct.len(), 46, "46 distinct L1 origins");

    // The epoch table holds exactly the referenced origins; the last origin's hash begins with
    // l1_origin_check, and the first L2 block is 68 s after its L1 origin.
    let table: Value = serde_json::from_slice(&keel_tests::read_vector(UNICHAIN_EPOCHS)).unwrap();
    let table = list(&table, "blocks");
    let numbers: BTreeSet<u64> = table.iter().map(|b| num(b, "number")).collect();
    assert_eq!(numbers, distinct);
    let last = table.iter().find(|b| num(b, "number") == 24149386).unwrap();
    assert!(text(last, "hash").starts_with(UNICHAIN_SPAN_FACTS.l1_origin_check));
    let first = table.iter().find(|b| num(b, "number") == 24149341).unwrap();
    assert_eq!(num(&blocks[0], "timestamp") - num(first, "timestamp"), 68);
}

#[test]
fn inspect_unichain_brotli_span_540blocks_blobs_any_order_same_channel() {
    // Frames carry their numbers, so the channel is the same whatever the blob order; only the
    // per-blob and per-frame lists follow the input order.
    let in_order = inspect(&unichain_args(&[]));
    let reversed = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("blob"),
        vector(UNICHAIN[2]).as_os_str(),
        vector(UNICHAIN[1]).as_os_str(),
        vector(UNICHAIN[0]).as_os_str(),
    ]);
    assert_eq!(at(&in_order, "channels"), at(&reversed, "channels"));
    let numbers: Vec<u64> = list(&reversed, "frames").iter().map(|f| num(f, "number")).collect();
    assert_eq!(numbers, [2, 1, 0]);
}

#[test]
fn inspect_unichain_brotli_span_540blocks_missing_blob_leaves_channel_incomplete() {
    let report = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("blob"),
        vector(UNICHAIN[0]).as_os_str(),
        vector(UNICHAIN[1]).as_os_str(),
    ]);
    let channel = at(&report, "channels.0");
    assert_eq!(text(channel, "id"), UNICHAIN_FRAMES[0].0);
    assert_eq!(num(channel, "frames"), 2);
    assert!(!flag(channel, "complete"));
    assert_absent(channel, "contents");
}

// ---------------------------------------------------------------------------------------------
// Input forms: raw bytes, hex and 0x-hex give identical reports
// ---------------------------------------------------------------------------------------------

/// The vector as raw bytes, plain hex with LF, 0x-hex without LF, and uppercase hex with
/// surrounding whitespace.
fn input_forms(bytes: &[u8]) -> [(&'static str, Vec<u8>); 4] {
    let hex = alloy_primitives::hex::encode(bytes);
    [
        ("raw", bytes.to_vec()),
        ("hex", format!("{hex}\n").into_bytes()),
        ("0xhex", format!("0x{hex}").into_bytes()),
        ("spaced-upper", format!("  {}\r\n", hex.to_ascii_uppercase()).into_bytes()),
    ]
}

/// Runs `keel inspect <sub>` on the vector file itself and on each input form of its bytes;
/// all outputs must be byte-identical.
fn assert_forms_agree(sub: &str, rel: &str, bytes: Vec<u8>, extra: &[&str]) {
    let run = |file: &Path| {
        let mut args = vec![OsStr::new("inspect"), OsStr::new(sub), file.as_os_str()];
        args.extend(extra.iter().map(OsStr::new));
        inspect_raw(&args)
    };
    let expected = run(&vector(rel));
    for (form, contents) in input_forms(&bytes) {
        let tmp = TempFile::new(form, &contents);
        assert_eq!(run(tmp.path()), expected, "{rel} as {form} gives a different report");
    }
}

#[test]
fn inspect_op_mainnet_span_27blocks_tx_input_forms_identical() {
    assert_forms_agree("tx", TX27, keel_tests::read_vector(TX27), &["--network", "op-mainnet"]);
}

#[test]
fn inspect_op_mainnet_span_143blocks_channel_input_forms_identical() {
    assert_forms_agree("channel", CHANNEL143, keel_tests::read_hex_vector(CHANNEL143), &[]);
}

#[test]
fn inspect_calldata_vectors_input_forms_identical() {
    assert_forms_agree("calldata", SINGULAR34, keel_tests::read_hex_vector(SINGULAR34), &[]);
    assert_forms_agree(
        "calldata",
        SPAN84,
        keel_tests::read_hex_vector(SPAN84),
        &["--network", "op-sepolia"],
    );
    assert_forms_agree("calldata", GOERLI6, keel_tests::read_hex_vector(GOERLI6), &[]);
}

#[test]
fn inspect_op_sepolia_blob9_blob_input_forms_identical() {
    assert_forms_agree("blob", BLOB9, keel_tests::read_hex_vector(BLOB9), &[]);
}

#[test]
fn inspect_unichain_blobs_mixed_input_forms_identical() {
    let expected = inspect_raw(&unichain_args(&["--network", "unichain-mainnet"]));
    // One blob per form, mixed in one command.
    let tmps: Vec<TempFile> = UNICHAIN
        .iter()
        .zip(["hex", "0xhex", "spaced-upper"])
        .map(|(rel, form)| {
            let (_, contents) = input_forms(&keel_tests::read_vector(rel))
                .into_iter()
                .find(|(f, _)| *f == form)
                .unwrap();
            TempFile::new(form, &contents)
        })
        .collect();
    let mut args = vec![OsStr::new("inspect"), OsStr::new("blob")];
    args.extend(tmps.iter().map(|t| t.path().as_os_str()));
    args.extend([OsStr::new("--network"), OsStr::new("unichain-mainnet")]);
    assert_eq!(inspect_raw(&args), expected);
}

// ---------------------------------------------------------------------------------------------
// Bad input: non-zero exit, one `error: ` line on stderr, nothing on stdout, no panic
// ---------------------------------------------------------------------------------------------

const SUBCOMMANDS: [&str; 4] = ["tx", "calldata", "blob", "channel"];

/// Runs `keel inspect <sub> <file>` and checks a clean failure that names the file.
fn fails_on_file(sub: &str, file: &Path) -> String {
    let line = inspect_fails(&[OsStr::new("inspect"), OsStr::new(sub), file.as_os_str()]);
    assert!(line.contains(path_str(file)), "error must name {}: {line}", file.display());
    line
}

/// Deterministic pseudo-random bytes (xorshift64).
fn pseudo_random(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn inspect_empty_file_fails_cleanly() {
    let tmp = TempFile::new("empty", b"");
    for sub in SUBCOMMANDS {
        fails_on_file(sub, tmp.path());
    }
    // Whitespace only is empty too.
    let tmp = TempFile::new("blank", b" \n");
    for sub in SUBCOMMANDS {
        fails_on_file(sub, tmp.path());
    }
}

#[test]
fn inspect_random_bytes_fail_cleanly() {
    for (seed, len) in [(1u64, 1000usize), (0x5eed, 131072), (42, 7)] {
        let mut bytes = pseudo_random(len, seed);
        // Channel inspection is forgiving once the first byte names a codec (it reports the
        // corruption instead), so make the first byte name none: 0x42 is neither zlib (low
        // nibble 8 or 15) nor brotli (0x01), nor a tx type, RLP list or calldata version.
        bytes[0] = 0x42;
        let tmp = TempFile::new("random", &bytes);
        for sub in SUBCOMMANDS {
            fails_on_file(sub, tmp.path());
        }
        // The same bytes as hex text fail the same way.
        let hex = TempFile::new("random-hex", alloy_primitives::hex::encode(&bytes).as_bytes());
        for sub in SUBCOMMANDS {
            fails_on_file(sub, hex.path());
        }
    }
}

#[test]
fn inspect_truncated_tx_fails_cleanly() {
    let raw = keel_tests::read_vector(TX27);
    for cut in [1, 2, 100, raw.len() / 2, raw.len() - 1] {
        let tmp = TempFile::new("truncated-tx", &raw[..cut]);
        fails_on_file("tx", tmp.path());
    }
    // A trailing byte after the transaction is rejected too.
    let mut longer = raw.clone();
    longer.push(0);
    let tmp = TempFile::new("long-tx", &longer);
    fails_on_file("tx", tmp.path());
}

#[test]
fn inspect_truncated_calldata_frame_fails_cleanly() {
    let calldata = keel_tests::read_hex_vector(SPAN84);
    for cut in [1, 10, 22, 23, 1000, calldata.len() - 1] {
        let tmp = TempFile::new("truncated-calldata", &calldata[..cut]);
        fails_on_file("calldata", tmp.path());
    }
}

#[test]
fn inspect_bad_calldata_version_byte_fails_cleanly() {
    let calldata = keel_tests::read_hex_vector(SPAN84);
    for version in [0x01, 0x02, 0xff] {
        let mut bad = calldata.clone();
        bad[0] = version;
        let tmp = TempFile::new("bad-version", &bad);
        let line = fails_on_file("calldata", tmp.path());
        assert!(line.contains("version"), "error must say what is wrong: {line}");
        let hex = TempFile::new("bad-version-hex", alloy_primitives::hex::encode(&bad).as_bytes());
        fails_on_file("calldata", hex.path());
    }
}

#[test]
fn inspect_blob_of_wrong_size_fails_cleanly() {
    let blob = keel_tests::read_vector(UNICHAIN[0]);
    for len in [1, 1000, blob.len() - 1] {
        let tmp = TempFile::new("short-blob", &blob[..len]);
        let line = fails_on_file("blob", tmp.path());
        assert!(line.contains("131072"), "error must give the expected size: {line}");
    }
    let mut long = blob.clone();
    long.push(0);
    let tmp = TempFile::new("long-blob", &long);
    fails_on_file("blob", tmp.path());
    let hex = TempFile::new("short-blob-hex", alloy_primitives::hex::encode(&blob[1..]).as_bytes());
    fails_on_file("blob", hex.path());
}

#[test]
fn inspect_blob_with_high_bits_set_fails_cleanly() {
    let good = vector(UNICHAIN[0]);
    // Element 0 is not here: like op-node and kona, its top bits are masked, not rejected
    // (the decoder only reads that byte's low 6 bits).
    for (element, bits) in [(1usize, 0x80u8), (5, 0x40), (4095, 0xc0)] {
        let mut blob = keel_tests::read_vector(UNICHAIN[0]);
        blob[element * 32] |= bits;
        let tmp = TempFile::new("high-bits-blob", &blob);
        fails_on_file("blob", tmp.path());
        // As the second blob, the error names the second file.
        let line = inspect_fails(&[
            OsStr::new("inspect"),
            OsStr::new("blob"),
            good.as_os_str(),
            tmp.path().as_os_str(),
        ]);
        assert!(line.contains(path_str(tmp.path())), "error must name the bad blob: {line}");
        assert!(!line.contains(path_str(&good)), "error must not name the good blob: {line}");
    }
}

#[test]
fn inspect_blob_with_unknown_encoding_version_fails_cleanly() {
    let mut blob = keel_tests::read_vector(UNICHAIN[0]);
    blob[1] = 1;
    let tmp = TempFile::new("version-blob", &blob);
    fails_on_file("blob", tmp.path());
    let zero = TempFile::new("zero-blob", &[0u8; 131072]);
    fails_on_file("blob", zero.path());
}

#[test]
fn inspect_unknown_network_fails_cleanly() {
    let file = vector(TX27);
    for sub in ["tx", "calldata", "channel", "blob"] {
        let line = inspect_fails(&[
            OsStr::new("inspect"),
            OsStr::new(sub),
            file.as_os_str(),
            OsStr::new("--network"),
            OsStr::new("op-goerli"),
        ]);
        assert!(line.contains("op-goerli"), "error must name the network: {line}");
        assert!(line.contains("op-mainnet"), "error must list the known networks: {line}");
    }
}

#[test]
fn inspect_missing_file_fails_cleanly() {
    let missing =
        std::env::temp_dir().join(format!("keel-inspect-cli-missing-{}", std::process::id()));
    assert!(!missing.exists());
    for sub in SUBCOMMANDS {
        fails_on_file(sub, &missing);
    }
    // A missing second blob.
    let good = vector(UNICHAIN[0]);
    let line = inspect_fails(&[
        OsStr::new("inspect"),
        OsStr::new("blob"),
        good.as_os_str(),
        missing.as_os_str(),
    ]);
    assert!(line.contains(path_str(&missing)), "error must name the missing file: {line}");
    // A missing rollup config.
    let line = inspect_fails(&[
        OsStr::new("inspect"),
        OsStr::new("tx"),
        vector(TX27).as_os_str(),
        OsStr::new("--rollup-config"),
        missing.as_os_str(),
    ]);
    assert!(line.contains(path_str(&missing)), "error must name the missing config: {line}");
}

/// Runs `keel inspect tx` with a rollup config file holding `contents`; must fail cleanly
/// naming the config file.
fn fails_with_rollup_config(tag: &str, contents: &[u8]) {
    let config = TempFile::new(tag, contents);
    let line = inspect_fails(&[
        OsStr::new("inspect"),
        OsStr::new("tx"),
        vector(TX27).as_os_str(),
        OsStr::new("--rollup-config"),
        config.path().as_os_str(),
    ]);
    assert!(line.contains(path_str(config.path())), "error must name the config: {line}");
}

#[test]
fn inspect_bad_rollup_config_toml_syntax_fails_cleanly() {
    fails_with_rollup_config("bad-syntax.toml", b"name = \"x\"\nchain_id = [1, 2\n");
}

#[test]
fn inspect_bad_rollup_config_toml_missing_fields_fails_cleanly() {
    fails_with_rollup_config("missing-fields.toml", b"name = \"x\"\n");
}

#[test]
fn inspect_bad_rollup_config_json_fails_cleanly() {
    fails_with_rollup_config("bad.json", b"{\"genesis\": ");
    fails_with_rollup_config("wrong-shape.json", b"{\"genesis\": 5}");
}

#[test]
fn inspect_bad_rollup_config_not_utf8_fails_cleanly() {
    fails_with_rollup_config("binary.toml", &[0xff, 0xfe, 0x00, 0x80]);
}

#[test]
fn inspect_rollup_config_is_a_batcher_vector_fails_cleanly() {
    // A real file that is not a config at all (hex text).
    let config = vector(SPAN84);
    let line = inspect_fails(&[
        OsStr::new("inspect"),
        OsStr::new("calldata"),
        config.as_os_str(),
        OsStr::new("--rollup-config"),
        config.as_os_str(),
    ]);
    assert!(line.contains(path_str(&config)), "error must name the config: {line}");
}

// ---------------------------------------------------------------------------------------------
// docs/inspect.md examples are real output
// ---------------------------------------------------------------------------------------------

#[test]
fn inspect_docs_examples_match_real_output() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/inspect.md");
    let doc = std::fs::read_to_string(&doc_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", doc_path.display()));
    let examples: Vec<Value> = doc
        .split("```json\n")
        .skip(1)
        .map(|rest| {
            let block = rest.split("```").next().unwrap();
            serde_json::from_str(block).unwrap_or_else(|e| panic!("bad JSON example: {e}"))
        })
        .collect();
    assert_eq!(examples.len(), 4, "one example per subcommand");

    let tx = inspect(&[OsStr::new("inspect"), OsStr::new("tx"), vector(TX27).as_os_str()]);
    assert_eq!(examples[0], tx, "tx example (complete)");

    // Abridged as the doc says: first batch only, its first two transactions.
    let mut calldata =
        inspect(&[OsStr::new("inspect"), OsStr::new("calldata"), vector(GOERLI6).as_os_str()]);
    let batches = calldata["channels"][0]["contents"]["batches"].as_array_mut().unwrap();
    batches.truncate(1);
    batches[0]["transactions"].as_array_mut().unwrap().truncate(2);
    assert_eq!(examples[1], calldata, "calldata example (abridged)");

    // Abridged: first two blocks only.
    let mut blob = inspect(&[
        OsStr::new("inspect"),
        OsStr::new("blob"),
        vector(BLOB9).as_os_str(),
        OsStr::new("--network"),
        OsStr::new("op-sepolia"),
    ]);
    blob["channels"][0]["contents"]["batches"][0]["blocks"].as_array_mut().unwrap().truncate(2);
    assert_eq!(examples[2], blob, "blob example (abridged)");

    let channel =
        inspect(&[OsStr::new("inspect"), OsStr::new("channel"), vector(CHANNEL143).as_os_str()]);
    assert_eq!(examples[3], channel, "channel example (complete)");
}
