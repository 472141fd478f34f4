//! Batches: the L2 block contents carried inside channels (singular type 0, span type 1).

pub mod span;
