//! `keel`: the OP Stack rollup node's command-line entry point.

fn main() {}
