//! Decode throughput benchmarks (filled in with the codecs).
#![allow(missing_docs)]
fn main() {}
