//! Test chains for whole-pipeline tests: an in-memory L1 ([`TestL1`]) with signed
//! transactions, receipts and blobs; the batcher side ([`TestL2`] blocks, batches,
//! [`TestChannel`]s split into frames); and [`InMemoryHost`], which serves both through the
//! derivation host traits with fault injection.
//!
//! ```
//! use keel_core::derive::{batch_source::BatchSource, traversal::L1Traversal};
//! use keel_tests::chain::*;
//!
//! let mut l1 = TestL1::default();
//! let cfg = test_rollup_config(&l1);
//! l1.empty_blocks(2);
//! let mut l2 = TestL2::new(&cfg);
//! let blocks = l2.build_blocks(&l1, 3, 1);
//! let channel = TestChannel::new(channel_id(0), &singular_batches(&blocks), Compression::Zlib);
//! let included = l1.new_block().batcher_calldata(channel.single_payload()).build();
//! let host = InMemoryHost::new(l1, l2);
//!
//! let genesis = host.l1.genesis();
//! let mut traversal = L1Traversal::new(genesis, cfg.genesis.system_config);
//! let mut source = BatchSource::new(&cfg, genesis);
//! while traversal.origin() != included {
//!     let next = traversal.advance(&mut &host, &cfg).unwrap();
//!     source.on_new_origin(&cfg, next);
//! }
//! let (batch, at) =
//!     source.next_batch(&cfg, traversal.system_config(), &mut &host, &mut &host).unwrap();
//! assert_eq!((batch, at), (singular_batches(&blocks[..1]).remove(0), included));
//! ```
//!
//! Builders panic on misuse: they are fixtures, and a loud failure is the useful one.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

pub mod batcher;
pub mod config;
pub mod fixture;
pub mod keys;
pub mod l1;
pub mod provider;

pub use batcher::{
    Compression, L2Block, TestChannel, TestL2, channel_id, payload, singular_batches, span_batch,
};
pub use config::{
    TEST_BATCH_INBOX, TEST_PORTAL, TEST_SYSTEM_CONFIG, activate_at, activate_through, set_fork,
    test_blob_schedule, test_rollup_config,
};
pub use fixture::{
    MULTI_FORK_BATCHER_CHANGE_BLOCK, MULTI_FORK_DA_FOOTPRINT_BLOCK, MULTI_FORK_DA_FOOTPRINT_SCALAR,
    MULTI_FORK_DEPOSIT_BLOCKS, MULTI_FORK_EIP1559_BLOCK, MULTI_FORK_EIP1559_PARAMS,
    MULTI_FORK_EPOCHS, MULTI_FORK_GAS_LIMIT_BLOCK, MULTI_FORK_GENESIS_TIME, MULTI_FORK_L1_BLOCKS,
    MULTI_FORK_L1_GENESIS, MULTI_FORK_MIN_BASE_FEE, MULTI_FORK_MIN_BASE_FEE_BLOCK,
    MULTI_FORK_NEW_GAS_LIMIT, MULTI_FORK_OPERATOR_FEE, MULTI_FORK_OPERATOR_FEE_BLOCK,
    MULTI_FORK_SCHEDULE, MultiForkFiles, multi_fork_chain, multi_fork_deposit, multi_fork_dir,
    multi_fork_files, multi_fork_set_code_tx,
};
pub use keys::{TestKey, batcher_key, l1_user_key, l2_user_key, other_batcher_key, owner_key};
pub use l1::{
    CalldataTxType, L1_BLOCK_TIME, L1Block, L1BlockBuilder, TestL1, blob_from_data,
    config_update_log, fake_blob_versioned_hash,
};
pub use provider::{FaultKind, HostCall, InMemoryHost};
