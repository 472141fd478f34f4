//! Posts the anvil test rollup (the same chain as `tests/record_anvil.rs`: calldata and blob
//! batches and a user deposit, see `tests/support/anvil.rs`) to a running, fresh anvil and
//! writes its rollup config; the browser test (`scripts/test-browser.sh`) then derives it live
//! in the page and natively with `keel record` + `keel derive`.
//!
//! `cargo run -p keel-node --example populate_anvil -- ANVIL_URL ROLLUP_JSON_OUT`
//!
//! anvil must run with `--no-mining --timestamp 1700000000` (so that, with the 12-second block
//! spacing set here, beacon slot = block number).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../tests/support/anvil.rs"]
mod anvil;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, out] = args.as_slice() else {
        eprintln!("usage: populate_anvil ANVIL_URL ROLLUP_JSON_OUT");
        std::process::exit(2);
    };
    let anvil = anvil::Anvil::connect(url);
    let posted = anvil::populate_rollup(&anvil);
    std::fs::write(out, posted.cfg.to_json().unwrap()).unwrap();
    eprintln!(
        "posted the test rollup to {url}: L1 blocks 1..=4, {} L2 blocks in batches; rollup config in {out}",
        posted.blocks.len()
    );
}
