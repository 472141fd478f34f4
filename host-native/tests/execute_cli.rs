//! End-to-end tests of `keel execute` on the real executor fixtures (vectors README §7).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::PathBuf,
    process::{Command, Output},
};

use serde_json::Value;

fn fixture_dir(name: &str) -> PathBuf {
    let dir = keel_tests::vectors_dir().join("executor").join(name);
    assert!(dir.join("witness.bin").is_file(), "missing fixture {}", dir.display());
    dir
}

fn keel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .env_remove("RUST_LOG")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("cannot run the keel binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A scratch directory under the target dir, unique per test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("execute-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn executes_fixtures_and_reports_matching_hashes() {
    for (name, hash, txs) in [
        (
            "op-sepolia-26207960",
            "0xdb32d9ddfa5fd26c9fb0260bbfa53da88326aa2a465e34d75180564aa31b851e",
            10,
        ),
        (
            "unichain-10211000",
            "0x62b2830a235317b16c210de250b2e2a63532f77bbb1d130275fbccea6beeb334",
            2,
        ),
        (
            "op-mainnet-132795025",
            "0x9120de2b818f1dbb7435ba7b880f0d12240436d83ca97231a2230a645e827382",
            18,
        ),
    ] {
        let dir = fixture_dir(name);
        let out = keel(&["execute", "--fixture", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{name}: {}", stderr(&out));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(stdout.lines().count(), 1, "{name}: one JSON line");
        let report: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(report["block_hash"], hash, "{name}");
        assert_eq!(report["expected_block_hash"], hash, "{name}");
        assert_eq!(report["matches"], true, "{name}");
        assert_eq!(report["transactions"], txs, "{name}");
        // The witness holds only what the block read: the message passer is not in it.
        assert_eq!(report["output_root"], Value::Null, "{name}");
        assert!(report["output_root_error"].as_str().unwrap().contains("missing preimage"));
    }
}

#[test]
fn help_documents_the_fixture_layout() {
    let out = keel(&["execute", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["fixture.json", "witness.bin", "key_len:u32", "keccak256(value)"] {
        assert!(help.contains(needle), "help lacks {needle}");
    }
}

#[test]
fn missing_preimage_names_the_key() {
    let src = fixture_dir("unichain-10211000");
    let dir = scratch("missing");
    std::fs::copy(src.join("fixture.json"), dir.join("fixture.json")).unwrap();
    std::fs::write(dir.join("witness.bin"), []).unwrap();
    let out = keel(&["execute", "--fixture", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(
            "missing preimage for 0x3069f17423999849fd69720e2062b36bb74f5fe77d73dc882c02b5cb064a16e2"
        ),
        "{err}"
    );
}

#[test]
fn bad_inputs_fail_with_one_line() {
    let src = fixture_dir("unichain-10211000");
    // Truncated witness.
    let dir = scratch("truncated");
    std::fs::copy(src.join("fixture.json"), dir.join("fixture.json")).unwrap();
    let witness = std::fs::read(src.join("witness.bin")).unwrap();
    std::fs::write(dir.join("witness.bin"), &witness[..witness.len() - 1]).unwrap();
    let out = keel(&["execute", "--fixture", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("witness truncated"), "{}", stderr(&out));
    // Missing directory.
    let out = keel(&["execute", "--fixture", "/nonexistent/keel-fixture"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    // Not a fixture.
    let dir = scratch("badjson");
    std::fs::write(dir.join("fixture.json"), "{}").unwrap();
    std::fs::write(dir.join("witness.bin"), []).unwrap();
    let out = keel(&["execute", "--fixture", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("invalid executor fixture"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}
