//! The native side of the browser test and benchmark: derives a fixture with keel-core's
//! `OfflineDeriver` (what `keel derive` runs) and prints `{"hashes": [attributes hashes],
//! "ms": best derivation time of seven runs}` as one JSON line.
//!
//! `cargo run --release -p keel-wasm --example native_derive -- ROLLUP_JSON L1_FIXTURE SCHEDULE`
//! where SCHEDULE is `mainnet`, `sepolia` or `cancun-from-genesis`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use keel_core::{
    config::RollupConfig,
    derive::{
        L1Provider, PipelineError,
        offline::{DeriveEvent, OfflineDeriver},
    },
    fixture::{FixtureHost, L1Fixture},
};
use keel_wasm::BlobSchedule;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rollup, l1, schedule] = args.as_slice() else {
        eprintln!("usage: native_derive ROLLUP_JSON L1_FIXTURE SCHEDULE");
        std::process::exit(2);
    };
    let cfg = RollupConfig::from_json(&std::fs::read_to_string(rollup).expect("rollup config"))
        .expect("rollup config JSON");
    let fixture = L1Fixture::from_json(&std::fs::read_to_string(l1).expect("L1 fixture"))
        .expect("L1 fixture JSON");
    let schedule = BlobSchedule::parse(schedule).expect("blob schedule").schedule();

    // Parsing is outside the timing, as in the page (which times only the stepping).
    let host = FixtureHost::new(&fixture).expect("fixture host");
    let genesis_l1 = (&host)
        .block_ref_by_number(cfg.genesis.l1.number)
        .expect("genesis L1 block")
        .expect("fixture holds the genesis L1 block");
    // Best of seven runs, as the page's benchmark.
    let mut best = f64::INFINITY;
    let mut hashes = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let mut deriver = OfflineDeriver::from_genesis(cfg.clone(), schedule.clone(), genesis_l1);
        hashes.clear();
        loop {
            match deriver.step(&mut &host, &mut &host) {
                Ok(DeriveEvent::Attributes(a, _)) => hashes.push(a.attributes_hash()),
                Ok(_) => {}
                Err(PipelineError::Eof) => break,
                Err(e) => panic!("derivation failed: {e}"),
            }
        }
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
    }
    let ms = best;
    println!("{}", serde_json::json!({ "hashes": hashes, "ms": ms }));
}
