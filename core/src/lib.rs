//! # keel-core
//!
//! The deterministic, `no_std` heart of keel, an OP Stack rollup node: protocol types and
//! codecs (frames, blobs, channels, batches, rollup configs) and, in later stages, the
//! derivation pipeline and the block executor.
//!
//! The crate does no I/O. Everything it needs from the outside world is handed to it by a host
//! (native RPC, a browser, a fault-proof preimage oracle or an in-memory fixture), so the same
//! code runs unchanged on a server, in `wasm32-unknown-unknown` and inside a fault-proof VM.
//!
//! Every decoder here treats its input as untrusted: it never panics, bounds every length, and
//! returns a typed error naming what was wrong.
#![no_std]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod batch;
pub mod batcher_tx;
pub mod blob;
pub mod channel;
pub mod compression;
pub mod config;
pub mod deposit;
pub mod derive;
pub mod ecrecover;
pub mod executor;
pub mod fixture;
pub mod frame;
pub mod inspect;
pub mod l1_info;
pub mod system_config_update;
