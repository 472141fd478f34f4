//! keel's core compiled for browsers. The wasm-bindgen API arrives with the browser issue; for
//! now this crate proves that `keel-core` links into a `cdylib` for `wasm32-unknown-unknown`.
#![no_std]

pub use keel_core;
