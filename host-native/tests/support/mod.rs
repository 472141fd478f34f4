//! Code shared by the anvil integration tests and the `populate_anvil` example.
pub mod anvil;
