//! Stateless block execution throughput on the 17 real executor fixtures (vectors README §7):
//! each iteration re-executes every block from its parent header, payload attributes and
//! witness (lazy trie reads, EVM, state commit, roots, sealed header).
//!
//! Reported twice: blocks per second and executed gas per second (criterion's "elements" are
//! gas units in the `gas` group). Witnesses and fixtures are parsed once, outside the timing.
//!
//! Reads `../shared/vectors` (or `KEEL_VECTORS`). Run: `cargo bench -p keel-core --bench executor`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a benchmark on fixed vectors should stop loudly on bad data"
)]

mod common;

use std::{hint::black_box, time::Duration};

use common::{read, vectors};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keel_core::{
    config::RollupConfig,
    executor::{ExecutorFixture, WitnessStore, execute_block},
};

struct Case {
    config: RollupConfig,
    fixture: ExecutorFixture,
    witness: WitnessStore,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<String> = std::fs::read_dir(vectors().join("executor"))
        .expect("executor fixtures")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 17, "the 17 executor fixtures");
    dirs.iter()
        .map(|dir| {
            let text = String::from_utf8(read(&format!("executor/{dir}/fixture.json"))).unwrap();
            let fixture = ExecutorFixture::from_json(&text).expect("fixture.json");
            let witness = WitnessStore::parse(&read(&format!("executor/{dir}/witness.bin")))
                .expect("witness.bin");
            let config = RollupConfig::by_chain_id(fixture.rollup_config.l2_chain_id)
                .expect("built-in chain");
            Case { config, fixture, witness }
        })
        .collect()
}

/// Executes every case, checking each hash, and returns the gas executed.
fn execute_all(cases: &[Case]) -> u64 {
    cases
        .iter()
        .map(|c| {
            let block = execute_block(
                &c.config,
                &c.fixture.parent_header,
                &c.fixture.executing_payload,
                &c.witness,
            )
            .expect("block executes");
            assert_eq!(block.hash, c.fixture.expected_block_hash);
            block.header.gas_used
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let cases = cases();
    let gas = execute_all(&cases);
    let mut group = c.benchmark_group("execute/blocks");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("17-fixtures", |b| b.iter(|| black_box(execute_all(&cases))));
    group.finish();
    let mut group = c.benchmark_group("execute/gas");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(gas));
    group.bench_function("17-fixtures", |b| b.iter(|| black_box(execute_all(&cases))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
