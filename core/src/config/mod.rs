//! Rollup configuration: chain parameters, fork times and the genesis system config.
//!
//! (Being written: see the config module's own docs once it lands.)
