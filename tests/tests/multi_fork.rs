//! The multi-fork test chain (keel-tests `chain::fixture`): derived offline from its recorded-L1
//! fixture, across every fork boundary from Bedrock to Jovian, and checked against the L2 chain
//! the test built; plus the committed `fixtures/multi-fork/` files kept in step with the
//! builder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::OnceLock;

use alloy_primitives::{B64, B256, Bytes, hex};
use keel_core::{
    config::{Fork, RollupConfig},
    deposit::{decode_deposit, deposits_from_receipts, encode_deposit, user_deposit_source_hash},
    derive::{
        BlobProvider, L1BlockRef, L1Provider, PipelineError,
        attributes::AttributesWithParent,
        offline::{DeriveEvent, OfflineDeriver},
        upgrades::{
            ecotone_upgrade_txs, fjord_upgrade_txs, isthmus_upgrade_txs, jovian_upgrade_txs,
        },
    },
    fixture::{FixtureError, FixtureHost, L1Fixture},
    l1_info::{L1BlockInfo, OperatorFee},
};
use keel_tests::chain::*;

/// Runs the deriver from genesis until the host has no more L1 data (no resets, no temporary
/// errors: every host here has all the data).
fn derive_all<H>(cfg: &RollupConfig, genesis_l1: L1BlockRef, host: &H) -> Vec<AttributesWithParent>
where
    for<'a> &'a H: L1Provider + BlobProvider,
{
    let mut deriver = OfflineDeriver::from_genesis(cfg.clone(), test_blob_schedule(), genesis_l1);
    let mut out = Vec::new();
    for _ in 0..1_000_000 {
        match deriver.step(&mut &*host, &mut &*host) {
            Ok(DeriveEvent::Attributes(attrs, head)) => {
                assert_eq!(attrs.parent.number + 1, head.number);
                out.push(*attrs);
            }
            Ok(DeriveEvent::OriginAdvanced(_)) => {}
            Ok(DeriveEvent::Reset(safe)) => panic!("unexpected reset to {safe:?}"),
            Err(PipelineError::Eof) => return out,
            Err(e) => panic!("derivation failed after {} blocks: {e}", out.len()),
        }
    }
    panic!("derivation did not finish");
}

/// The multi-fork chain, its fixture, and what deriving through a [`FixtureHost`] over that
/// fixture gives (computed once for all tests).
struct Derived {
    cfg: RollupConfig,
    l1: TestL1,
    l2: TestL2,
    fixture: L1Fixture,
    attrs: Vec<AttributesWithParent>,
}

fn derived() -> &'static Derived {
    static DERIVED: OnceLock<Derived> = OnceLock::new();
    DERIVED.get_or_init(|| {
        let (cfg, l1, l2) = multi_fork_chain();
        let fixture = l1.to_fixture();
        let host = FixtureHost::new(&fixture).expect("the fixture's roots and links verify");
        let attrs = derive_all(&cfg, l1.genesis(), &host);
        Derived { cfg, l1, l2, fixture, attrs }
    })
}

fn transactions(a: &AttributesWithParent) -> Vec<Bytes> {
    a.attributes.transactions.clone().unwrap()
}

fn timestamp(a: &AttributesWithParent) -> u64 {
    a.attributes.payload_attributes.timestamp
}

fn l1_info(a: &AttributesWithParent) -> L1BlockInfo {
    let deposit = decode_deposit(&transactions(a)[0]).unwrap();
    L1BlockInfo::decode(&deposit.input).unwrap()
}

fn fork_time(fork: Fork) -> u64 {
    let offset = MULTI_FORK_SCHEDULE.iter().find(|(f, _)| *f == fork).unwrap().1;
    MULTI_FORK_GENESIS_TIME + offset
}

/// Asserts the attributes describe exactly `blocks` (as `assert_chain` in pipeline.rs).
fn assert_chain(attrs: &[AttributesWithParent], blocks: &[L2Block]) {
    assert_eq!(attrs.len(), blocks.len(), "one attributes per L2 block");
    for (a, block) in attrs.iter().zip(blocks) {
        assert_eq!(a.parent.hash, block.parent_hash, "block {}", block.number);
        assert_eq!(a.parent.number + 1, block.number);
        assert_eq!(timestamp(a), block.timestamp);
        let info = l1_info(a);
        assert_eq!((info.number, info.block_hash), (block.l1_origin.number, block.l1_origin.hash));
        assert_eq!(info.sequence_number, block.seq_number);
        let txs = transactions(a);
        let user: Vec<Bytes> = txs.iter().filter(|t| t[0] != 0x7e).cloned().collect();
        assert_eq!(user, block.transactions, "block {} transactions", block.number);
        assert_eq!(a.attributes.no_tx_pool, Some(true));
    }
}

#[test]
fn multi_fork_chain_derives_to_the_built_chain() {
    let d = derived();
    let blocks = &d.l2.blocks()[1..];
    assert_eq!(blocks.len() as u64, MULTI_FORK_EPOCHS * 6 - 1);
    assert_eq!(d.l1.head().number, MULTI_FORK_L1_GENESIS + MULTI_FORK_L1_BLOCKS);
    // A SetCode transaction rides in the Isthmus activation block (invalid before Isthmus).
    let isthmus = blocks.iter().find(|b| b.timestamp == fork_time(Fork::Isthmus)).unwrap();
    assert_eq!(isthmus.transactions.last(), Some(&multi_fork_set_code_tx(&d.cfg)));
    assert_eq!(isthmus.transactions.last().unwrap()[0], 0x04);
    assert_eq!(blocks.iter().filter(|b| b.transactions.iter().any(|t| t[0] == 0x04)).count(), 1);
    assert_chain(&d.attrs, blocks);
    // The synthetic hashes of the derived chain reproduce the built chain's head.
    let last = d.attrs.last().unwrap();
    assert_eq!(last.parent.hash, blocks[blocks.len() - 2].hash);
    // The schedule starts pre-Canyon with Regolith only, and every fork is crossed.
    let cfg = &d.cfg;
    assert_eq!(cfg.regolith_time, Some(0));
    assert!(!cfg.is_canyon_active(cfg.genesis.l2_time));
    for (fork, _) in MULTI_FORK_SCHEDULE {
        let t = fork_time(fork);
        assert_eq!(cfg.fork_time(fork), Some(t), "{fork:?}");
        assert!(blocks.first().unwrap().timestamp < t && t < blocks.last().unwrap().timestamp);
    }
    assert_eq!((cfg.karst_time, cfg.interop_time), (None, None));
}

#[test]
fn fixture_host_derives_exactly_what_the_in_memory_host_does() {
    let d = derived();
    // The fixture survives its JSON form, and holds only what the canonical chain uses.
    let json = d.fixture.to_json().unwrap();
    assert_eq!(L1Fixture::from_json(&json).unwrap(), d.fixture);
    assert_eq!(d.fixture.blocks.len() as u64, MULTI_FORK_L1_BLOCKS + 1);
    assert_eq!(d.fixture.l1_chain_id, d.l1.chain_id());
    for blob in &d.fixture.blobs {
        assert_eq!(d.l1.blob(blob.versioned_hash).unwrap().as_slice(), blob.data.as_ref());
    }
    let host = InMemoryHost::new(d.l1.clone(), d.l2.clone());
    let in_memory = derive_all(&d.cfg, d.l1.genesis(), &host);
    assert_eq!(in_memory, d.attrs);
    let hashes = |v: &[AttributesWithParent]| -> Vec<B256> {
        v.iter().map(AttributesWithParent::attributes_hash).collect()
    };
    assert_eq!(hashes(&in_memory), hashes(&d.attrs));
}

#[test]
fn to_fixture_keeps_the_canonical_chain_only_and_verifies() {
    let mut l1 = TestL1::default();
    l1.new_block().batcher_blobs(&[b"orphaned".as_slice()]).build();
    let orphan = l1.head();
    l1.reorg_at(orphan.number).batcher_blobs(&[b"kept".as_slice()]).build();
    l1.new_block().batcher_calldata(vec![0u8, 1]).build();
    let fixture = l1.to_fixture();
    assert_eq!(fixture.blocks.len(), 3);
    assert_eq!(fixture.blobs.len(), 1, "the orphaned block's blob is left out");
    let host = FixtureHost::new(&fixture).unwrap();
    let refs: Vec<_> = host.block_refs().collect();
    assert_eq!(refs, (1000..=1002).map(|n| l1.block_ref(n).unwrap()).collect::<Vec<_>>());
    assert!((&host).header_by_hash(orphan.hash).is_err());
    // Tampering shows: a changed receipt no longer matches the header's root.
    let mut tampered = fixture.clone();
    tampered.blocks[1].receipts = tampered.blocks[2].receipts.clone();
    assert!(matches!(
        FixtureHost::new(&tampered),
        Err(FixtureError::RootMismatch { number: 1001, .. })
    ));
}

const BEDROCK: [u8; 4] = hex!("015d8eb9");
const ECOTONE: [u8; 4] = hex!("440a5e20");
const ISTHMUS: [u8; 4] = hex!("098999be");
const JOVIAN: [u8; 4] = hex!("3db6be2b");

#[test]
fn rule_4_5_l1_info_layout_switches_one_block_after_each_activation() {
    let d = derived();
    let (ecotone, isthmus, jovian) =
        (fork_time(Fork::Ecotone), fork_time(Fork::Isthmus), fork_time(Fork::Jovian));
    let mut seen = std::collections::BTreeSet::new();
    for a in &d.attrs {
        let t = timestamp(a);
        // The activation block still uses the previous layout (its NUTs upgrade L1Block).
        let want = if t <= ecotone {
            BEDROCK
        } else if t <= isthmus {
            ECOTONE
        } else if t <= jovian {
            ISTHMUS
        } else {
            JOVIAN
        };
        let calldata = decode_deposit(&transactions(a)[0]).unwrap().input;
        assert_eq!(calldata[..4], want, "L2 block at {t}");
        seen.insert(want);
        // The fields the new layouts add carry the SystemConfig values of the origin.
        let info = l1_info(a);
        let operator_fee = (t > isthmus).then(|| {
            let (scalar, constant) = if info.number >= MULTI_FORK_OPERATOR_FEE_BLOCK {
                MULTI_FORK_OPERATOR_FEE
            } else {
                (0, 0)
            };
            OperatorFee { scalar, constant }
        });
        assert_eq!(info.operator_fee(), operator_fee, "operator fee at {t}");
        // Zero (unset) reads as the default 400.
        let da_scalar = (t > jovian).then_some(if info.number >= MULTI_FORK_DA_FOOTPRINT_BLOCK {
            MULTI_FORK_DA_FOOTPRINT_SCALAR
        } else {
            400
        });
        assert_eq!(info.da_footprint_gas_scalar(), da_scalar, "DA footprint scalar at {t}");
    }
    assert_eq!(seen.len(), 4);
}

#[test]
fn rule_4_1_activation_blocks_carry_their_forks_upgrade_txs() {
    let d = derived();
    let nuts = [
        (Fork::Ecotone, ecotone_upgrade_txs()),
        (Fork::Fjord, fjord_upgrade_txs()),
        (Fork::Isthmus, isthmus_upgrade_txs()),
        (Fork::Jovian, jovian_upgrade_txs()),
    ];
    assert_eq!(nuts.each_ref().map(|(_, n)| n.len()), [6, 3, 8, 5]);
    for a in &d.attrs {
        let t = timestamp(a);
        let txs = transactions(a);
        let info = l1_info(a);
        let user_deposits = if info.sequence_number == 0 {
            let block = d.l1.block(info.number).unwrap();
            deposits_from_receipts(&block.receipts, d.cfg.deposit_contract_address, block.hash)
                .unwrap()
                .len()
        } else {
            0
        };
        // L1-info, user deposits, then the NUTs.
        let after_deposits = &txs[1 + user_deposits..];
        let system: Vec<Bytes> = after_deposits.iter().filter(|t| t[0] == 0x7e).cloned().collect();
        let want = nuts.iter().find(|(f, _)| fork_time(*f) == t).map(|(_, n)| n.clone());
        assert_eq!(system, want.unwrap_or_default(), "L2 block at {t}");
        if let Some((fork, n)) = nuts.iter().find(|(f, _)| fork_time(*f) == t) {
            assert_eq!(&after_deposits[..n.len()], &n[..], "{fork:?} NUTs come first");
        }
    }
    // Jovian's activation block has no user transactions; it opens an epoch with a deposit.
    let jovian = d.attrs.iter().find(|a| timestamp(a) == fork_time(Fork::Jovian)).unwrap();
    let txs = transactions(jovian);
    assert_eq!(txs.len(), 1 + 1 + 5);
    assert!(txs.iter().all(|t| t[0] == 0x7e));
}

#[test]
fn rule_4_1_user_deposits_in_the_first_block_of_their_epoch() {
    let d = derived();
    let nuts: Vec<Bytes> =
        [ecotone_upgrade_txs(), fjord_upgrade_txs(), isthmus_upgrade_txs(), jovian_upgrade_txs()]
            .concat();
    let mut found = Vec::new();
    for a in &d.attrs {
        let info = l1_info(a);
        let txs = transactions(a);
        let user_deposits: Vec<&Bytes> =
            txs[1..].iter().filter(|t| t[0] == 0x7e && !nuts.contains(t)).collect();
        if info.sequence_number == 0 && MULTI_FORK_DEPOSIT_BLOCKS.contains(&info.number) {
            let mut expected = multi_fork_deposit(info.number);
            // The deposit is the block's first log, right after the L1-info deposit.
            expected.source_hash = user_deposit_source_hash(info.block_hash, 0);
            assert_eq!(user_deposits, [&encode_deposit(&expected)], "epoch {}", info.number);
            assert_eq!(txs[1], encode_deposit(&expected));
            found.push(info.number);
        } else {
            assert!(user_deposits.is_empty(), "L2 block at {}", timestamp(a));
        }
    }
    assert_eq!(found, MULTI_FORK_DEPOSIT_BLOCKS);
}

#[test]
fn rule_4_2_attribute_fields_follow_the_fork_of_each_block() {
    let d = derived();
    let params = B64::from(MULTI_FORK_EIP1559_PARAMS.to_u64());
    for a in &d.attrs {
        let t = timestamp(a);
        let p = &a.attributes.payload_attributes;
        let origin = l1_info(a).number;
        let origin_header = &d.l1.block(origin).unwrap().header;
        assert_eq!(p.withdrawals.is_some(), t >= fork_time(Fork::Canyon), "withdrawals at {t}");
        assert!(p.withdrawals.as_ref().is_none_or(Vec::is_empty));
        let beacon = (t >= fork_time(Fork::Ecotone))
            .then(|| origin_header.parent_beacon_block_root.unwrap());
        assert_eq!(p.parent_beacon_block_root, beacon, "beacon root at {t}");
        assert_eq!(p.prev_randao, origin_header.mix_hash);
        let eip1559 = (t >= fork_time(Fork::Holocene))
            .then_some(if origin >= MULTI_FORK_EIP1559_BLOCK { params } else { B64::ZERO });
        assert_eq!(a.attributes.eip_1559_params, eip1559, "eip1559Params at {t}");
        let min_base_fee =
            (t >= fork_time(Fork::Jovian)).then_some(if origin >= MULTI_FORK_MIN_BASE_FEE_BLOCK {
                MULTI_FORK_MIN_BASE_FEE
            } else {
                0
            });
        assert_eq!(a.attributes.min_base_fee, min_base_fee, "minBaseFee at {t}");
        let gas_limit = if origin >= MULTI_FORK_GAS_LIMIT_BLOCK {
            MULTI_FORK_NEW_GAS_LIMIT
        } else {
            d.cfg.genesis.system_config.gas_limit
        };
        assert_eq!(a.attributes.gas_limit, Some(gas_limit), "gas limit at {t}");
    }
    assert_ne!(d.cfg.genesis.system_config.gas_limit, MULTI_FORK_NEW_GAS_LIMIT);
}

#[test]
fn batcher_change_takes_effect_and_the_old_batcher_is_ignored() {
    let d = derived();
    let mut sys = d.cfg.genesis.system_config;
    for n in d.l1.genesis().number + 1..=d.l1.head().number {
        let block = d.l1.block(n).unwrap();
        keel_core::system_config_update::apply_receipts(
            &mut sys,
            &block.receipts,
            &d.cfg,
            block.header.timestamp,
        );
        let want = if n >= MULTI_FORK_BATCHER_CHANGE_BLOCK {
            other_batcher_key().address
        } else {
            batcher_key().address
        };
        assert_eq!(sys.batcher_address, want, "batcher after L1 block {n}");
    }
    // Blocks posted after the change were derived (from the new key's transactions), and the
    // old key's conflicting batch in MULTI_FORK_BATCHER_CHANGE_BLOCK + 2 was not.
    let after =
        d.attrs.iter().filter(|a| l1_info(a).number > MULTI_FORK_BATCHER_CHANGE_BLOCK).count();
    assert!(after > 100);
    assert!(d.attrs.iter().all(|a| !transactions(a).contains(&Bytes::from_static(&[0x02, 0xc0]))));
}

#[test]
fn multi_fork_fixture_files_are_up_to_date() {
    let files = multi_fork_files();
    let dir = multi_fork_dir();
    if std::env::var_os("KEEL_REGENERATE").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, contents) in files.files() {
            std::fs::write(dir.join(name), contents).unwrap();
        }
    }
    for (name, contents) in files.files() {
        let path = dir.join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == contents,
            "{} is not what the multi-fork builder generates; if the change is intended, \
             regenerate it with `KEEL_REGENERATE=1 cargo test -p keel-tests --test multi_fork \
             multi_fork_fixture_files_are_up_to_date` and commit the result",
            path.display()
        );
    }
    // The committed files load: the fixture verifies and the config parses back.
    let fixture = L1Fixture::from_json(&files.l1_json).unwrap();
    assert_eq!(fixture, derived().fixture);
    FixtureHost::new(&fixture).unwrap();
    assert_eq!(RollupConfig::from_json(&files.rollup_json).unwrap(), derived().cfg);
    assert!(files.l1_json.len() < 5_000_000, "l1.json is {} bytes", files.l1_json.len());
}
