//! The whole derivation pipeline on in-memory test chains, driven offline with a synthetic L2
//! (keel-core `derive::offline`): batches in calldata and blobs, zlib and brotli, singular and
//! span, deposits, L1 reorgs and host misses, checked against the L2 chain the test built.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use alloy_primitives::{Address, B256, Bytes, TxKind, U256, keccak256};
use keel_core::{
    config::RollupConfig,
    deposit::{TxDeposit, decode_deposit, encode_deposit, user_deposit_source_hash},
    derive::{
        PipelineError,
        attributes::AttributesWithParent,
        offline::{DeriveEvent, OfflineDeriver},
    },
    l1_info::L1BlockInfo,
};
use keel_tests::chain::{
    Compression, FaultKind, HostCall, InMemoryHost, L2Block, TestChannel, TestL1, TestL2,
    channel_id, singular_batches, span_batch, test_blob_schedule, test_rollup_config,
};

/// Runs the deriver from genesis until the host has no more L1 data, retrying temporary errors.
fn derive_all(cfg: &RollupConfig, host: &InMemoryHost) -> (Vec<AttributesWithParent>, u64) {
    let genesis_l1 = host.l1.block_ref(cfg.genesis.l1.number).unwrap();
    let mut deriver = OfflineDeriver::from_genesis(cfg.clone(), test_blob_schedule(), genesis_l1);
    let (out, _) = run(&mut deriver, host, usize::MAX);
    (out, deriver.stats().resets)
}

/// Steps `deriver` until Eof (or `max_attributes`), returning the attributes of the final chain
/// (resets drop the attributes of blocks that were rolled back) and the temporaries seen.
fn run(
    deriver: &mut OfflineDeriver,
    host: &InMemoryHost,
    max_attributes: usize,
) -> (Vec<AttributesWithParent>, usize) {
    let mut out: Vec<AttributesWithParent> = Vec::new();
    let mut temporaries = 0;
    for _ in 0..100_000 {
        if out.len() >= max_attributes {
            return (out, temporaries);
        }
        match deriver.step(&mut &*host, &mut &*host) {
            Ok(DeriveEvent::Attributes(attrs, head)) => {
                assert_eq!(attrs.parent.number + 1, head.number);
                out.push(*attrs);
            }
            Ok(DeriveEvent::OriginAdvanced(_)) => {}
            Ok(DeriveEvent::Reset(safe)) => out.retain(|a| a.parent.number < safe.number),
            Err(PipelineError::Eof) => return (out, temporaries),
            Err(PipelineError::Temporary(_)) if temporaries < 1000 => temporaries += 1,
            Err(e) => panic!("derivation failed: {e}"),
        }
    }
    panic!("derivation did not finish");
}

fn transactions(a: &AttributesWithParent) -> Vec<Bytes> {
    a.attributes.transactions.clone().unwrap()
}

/// The L1-info deposit of the attributes, decoded.
fn l1_info(a: &AttributesWithParent) -> L1BlockInfo {
    let deposit = decode_deposit(&transactions(a)[0]).unwrap();
    L1BlockInfo::decode(&deposit.input).unwrap()
}

/// Asserts the attributes describe exactly `blocks`: parent, timestamp, L1 origin, sequence
/// number and, after the deposits, the batch's transactions.
fn assert_chain(attrs: &[AttributesWithParent], blocks: &[L2Block]) {
    assert_eq!(attrs.len(), blocks.len(), "one attributes per L2 block");
    for (a, block) in attrs.iter().zip(blocks) {
        assert_eq!(a.parent.hash, block.parent_hash, "block {}", block.number);
        assert_eq!(a.parent.number + 1, block.number);
        assert_eq!(a.attributes.payload_attributes.timestamp, block.timestamp);
        let info = l1_info(a);
        assert_eq!((info.number, info.block_hash), (block.l1_origin.number, block.l1_origin.hash));
        assert_eq!(info.sequence_number, block.seq_number);
        let txs = transactions(a);
        let user: Vec<Bytes> = txs.iter().filter(|t| t[0] != 0x7e).cloned().collect();
        assert_eq!(user, block.transactions, "block {} transactions", block.number);
        assert_eq!(a.attributes.no_tx_pool, Some(true));
    }
}

fn user_deposit() -> TxDeposit {
    TxDeposit {
        source_hash: B256::ZERO,
        from: Address::with_last_byte(0xd0),
        to: TxKind::Call(Address::with_last_byte(0xd1)),
        mint: 7,
        value: U256::from(5),
        gas_limit: 100_000,
        is_system_transaction: false,
        input: Bytes::from_static(b"hello L2"),
    }
}

/// L1: genesis, a block with a user deposit, one empty block. L2: 12 blocks on top (epochs 0
/// and 1), posted as singular batches in calldata (zlib) and a span batch in a blob (brotli).
fn two_channel_chain() -> (RollupConfig, TestL1, TestL2) {
    let mut l1 = TestL1::default();
    let cfg = test_rollup_config(&l1);
    l1.new_block().deposit(&user_deposit()).build();
    l1.empty_blocks(1);
    let mut l2 = TestL2::new(&cfg);
    let blocks = l2.build_blocks(&l1, 12, 2);
    let first = TestChannel::new(channel_id(1), &singular_batches(&blocks[..5]), Compression::Zlib);
    l1.new_block().batcher_calldata(first.single_payload()).build();
    let second =
        TestChannel::new(channel_id(2), &[span_batch(&blocks[5..], &cfg)], Compression::Brotli);
    l1.new_block().batcher_blobs(&[second.single_payload()]).build();
    l1.empty_blocks(2);
    (cfg, l1, l2)
}

#[test]
fn pipeline_derives_calldata_and_blob_channels_to_the_built_chain() {
    let (cfg, l1, l2) = two_channel_chain();
    let blocks = l2.blocks()[1..].to_vec();
    let host = InMemoryHost::new(l1, l2);
    let (attrs, resets) = derive_all(&cfg, &host);
    assert_eq!(resets, 0);
    assert_chain(&attrs, &blocks);
    // The synthetic chain reproduces the built chain's hashes, so every parent link held.
    assert_eq!(attrs.last().unwrap().parent.hash, blocks[blocks.len() - 2].hash);
}

#[test]
fn rule_4_1_user_deposit_in_first_block_of_its_epoch() {
    let (cfg, l1, l2) = two_channel_chain();
    let blocks = l2.blocks()[1..].to_vec();
    let deposit_block = l1.block_ref(1001).unwrap();
    let host = InMemoryHost::new(l1, l2);
    let (attrs, _) = derive_all(&cfg, &host);
    for (a, block) in attrs.iter().zip(&blocks) {
        let txs = transactions(a);
        let deposits = txs.iter().filter(|t| t[0] == 0x7e).count();
        if block.l1_origin.number == 1001 && block.seq_number == 0 {
            // L1-info first, then the user deposit with its source hash (log index 0).
            assert_eq!(deposits, 2, "block {}", block.number);
            let mut expected = user_deposit();
            expected.source_hash = user_deposit_source_hash(deposit_block.hash, 0);
            assert_eq!(txs[1], encode_deposit(&expected));
        } else {
            assert_eq!(deposits, 1, "block {}", block.number);
        }
    }
}

#[test]
fn pipeline_output_is_stable_and_survives_host_misses() {
    let (cfg, l1, l2) = two_channel_chain();
    let host = InMemoryHost::new(l1, l2);
    let (clean, _) = derive_all(&cfg, &host);
    let hashes: Vec<B256> = clean.iter().map(AttributesWithParent::attributes_hash).collect();
    for call in [
        HostCall::L1Header,
        HostCall::L1Receipts,
        HostCall::L1Transactions,
        HostCall::Blobs,
        HostCall::L1BlockRef,
    ] {
        for kind in [FaultKind::Missing, FaultKind::Temporary] {
            host.fail_after(call, 0, kind, 2);
            let genesis_l1 = host.l1.block_ref(cfg.genesis.l1.number).unwrap();
            let mut deriver =
                OfflineDeriver::from_genesis(cfg.clone(), test_blob_schedule(), genesis_l1);
            let (retried, temporaries) = run(&mut deriver, &host, usize::MAX);
            host.clear_faults();
            assert!(temporaries > 0, "{call:?} {kind:?} was injected");
            let again: Vec<B256> =
                retried.iter().map(AttributesWithParent::attributes_hash).collect();
            assert_eq!(again, hashes, "{call:?} {kind:?}");
        }
    }
    // Attribute hashes differ block to block (they cover timestamps and transactions).
    assert_eq!(hashes.iter().collect::<std::collections::HashSet<_>>().len(), hashes.len());
    assert_ne!(hashes[0], keccak256([]));
}

#[test]
fn l1_reorg_resets_and_ends_like_a_fresh_run_on_the_new_branch() {
    // Branch A: the two channels as usual. Branch B replaces L1 from the block holding the
    // first channel with blocks posting all 12 blocks as one span batch.
    let (cfg, l1, l2) = two_channel_chain();
    let blocks = l2.blocks()[1..].to_vec();
    let first_channel_block = 1003;
    let host = InMemoryHost::new(l1, l2);

    let genesis_l1 = host.l1.block_ref(cfg.genesis.l1.number).unwrap();
    let mut deriver = OfflineDeriver::from_genesis(cfg.clone(), test_blob_schedule(), genesis_l1);
    let (partial, _) = run(&mut deriver, &host, 5);
    assert_eq!(partial.len(), 5, "branch A's first channel derived");

    let mut host = host;
    let channel = TestChannel::new(channel_id(3), &[span_batch(&blocks, &cfg)], Compression::Zlib);
    host.l1.reorg_at(first_channel_block).build();
    host.l1.new_block().batcher_calldata(channel.single_payload()).build();
    host.l1.empty_blocks(2);

    let (rest, _) = run(&mut deriver, &host, usize::MAX);
    assert!(deriver.stats().resets >= 1, "the reorg was detected");
    let (fresh, _) = derive_all(&cfg, &host);
    assert_chain(&fresh, &blocks);
    // The reorged run's final chain: what survived the reset, then what was derived after.
    let safe_after_reset = deriver.safe_head().number - rest.len() as u64;
    let mut chain: Vec<_> =
        partial.into_iter().filter(|a| a.parent.number < safe_after_reset).collect();
    chain.extend(rest);
    let hash = |v: &[AttributesWithParent]| -> Vec<B256> {
        v.iter().map(AttributesWithParent::attributes_hash).collect()
    };
    assert_eq!(hash(&chain), hash(&fresh));
}
