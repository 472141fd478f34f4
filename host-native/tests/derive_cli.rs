//! `keel derive` end to end: the committed multi-fork fixture derived by the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::{path::PathBuf, process::Command};

use keel_core::derive::attributes::AttributesWithParent;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn derive(extra: &[&str]) -> std::process::Output {
    let fixture = repo().join("fixtures/multi-fork");
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .arg("derive")
        .arg("--rollup-config")
        .arg(fixture.join("rollup.json"))
        .arg("--l1")
        .arg(fixture.join("l1.json"))
        .arg("--blob-schedule")
        .arg("cancun-from-genesis")
        .args(extra)
        .output()
        .expect("keel runs")
}

#[test]
fn derive_multi_fork_fixture_prints_every_block_as_json_lines() {
    let out = derive(&[]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<AttributesWithParent> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line per block")).collect();
    assert_eq!(lines.len(), 269, "the fixture README's 269 L2 blocks");
    for (i, a) in lines.iter().enumerate() {
        assert_eq!(a.parent.number, i as u64, "consecutive parents");
        if let Some(prev) = i.checked_sub(1) {
            assert_eq!(a.parent.parent_hash, lines[prev].parent.hash);
        }
        let txs = a.attributes.transactions.as_ref().unwrap();
        assert_eq!(txs[0][0], 0x7e, "the L1-info deposit comes first");
        assert_eq!(a.attributes.no_tx_pool, Some(true));
    }
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(
        summary.contains("derived 269 L2 blocks from 48 L1 blocks") && summary.contains("0 resets"),
        "summary: {summary}"
    );
    assert_eq!(summary.lines().count(), 1, "one summary line: {summary}");
}

#[test]
fn derive_output_is_stable_across_runs_and_out_file_matches_stdout() {
    let first = derive(&[]);
    let second = derive(&[]);
    assert!(first.status.success() && second.status.success());
    assert_eq!(first.stdout, second.stdout);
    let path = std::env::temp_dir().join(format!("keel-derive-{}.jsonl", std::process::id()));
    let to_file = derive(&["--out", path.to_str().unwrap()]);
    assert!(to_file.status.success());
    assert!(to_file.stdout.is_empty());
    let written = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(written, first.stdout);
}

#[test]
fn derive_bad_inputs_fail_with_one_line() {
    let missing = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["derive", "--network", "op-mainnet", "--l1", "/nonexistent/l1.json"])
        .output()
        .unwrap();
    let garbage = std::env::temp_dir().join(format!("keel-derive-bad-{}.json", std::process::id()));
    std::fs::write(&garbage, b"{\"format\":\"other\",\"version\":1}").unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["derive", "--network", "op-mainnet", "--l1", garbage.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_file(&garbage).unwrap();
    // The multi-fork fixture is not OP Mainnet's L1: its genesis L1 block is not there.
    let wrong_chain = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["derive", "--network", "op-mainnet", "--l1"])
        .arg(repo().join("fixtures/multi-fork/l1.json"))
        .output()
        .unwrap();
    for out in [missing, bad, wrong_chain] {
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: ") && !stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn derive_from_a_mid_chain_safe_head_gives_the_same_tail() {
    let full = derive(&[]);
    assert!(full.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&full.stdout).unwrap().lines().collect();
    let attrs: Vec<AttributesWithParent> =
        lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    // Start at a block whose successor came from a later L1 block than its own, so no batch
    // straddles the start (an offline run does not know the L2 blocks before it), after Delta
    // and before the chain's first SystemConfig update, so the genesis config applies.
    let first = (1..attrs.len())
        .find(|&i| {
            (70..120).contains(&attrs[i].parent.number)
                && attrs[i].derived_from != attrs[i - 1].derived_from
        })
        .expect("a batch boundary between Delta and the first config update");
    let head = attrs[first].parent;
    let json = serde_json::json!({ "head": head });
    let start = std::env::temp_dir().join(format!("keel-derive-from-{}.json", std::process::id()));
    std::fs::write(&start, json.to_string()).unwrap();
    let tail = derive(&["--from", start.to_str().unwrap()]);
    std::fs::remove_file(&start).unwrap();
    let stderr = String::from_utf8_lossy(&tail.stderr);
    assert!(tail.status.success(), "{stderr}");
    let tail: Vec<&str> = std::str::from_utf8(&tail.stdout).unwrap().lines().collect();
    assert_eq!(tail.len(), lines.len() - first, "blocks after #{}: {stderr}", head.number);
    assert!(tail == lines[first..], "the tail differs from the full run's");
}
