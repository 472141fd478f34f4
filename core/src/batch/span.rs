//! Span batches (type 1, from Delta).
//!
//! (Being written.)
