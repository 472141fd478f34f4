//! Test rollup configs: OP Sepolia's parameters re-anchored on a [`TestL1`](super::TestL1).

use alloy_primitives::{Address, B256, address, keccak256};
use keel_core::config::{Fork, RollupConfig};

use super::{keys::batcher_key, l1::TestL1};

/// Batch inbox of test chains.
pub const TEST_BATCH_INBOX: Address = address!("ff00000000000000000000000000000000000901");
/// OptimismPortal (deposit contract) of test chains.
pub const TEST_PORTAL: Address = address!("0000000000000000000000000000000000000a11");
/// L1 SystemConfig contract of test chains.
pub const TEST_SYSTEM_CONFIG: Address = address!("0000000000000000000000000000000000000c0f");

/// OP Sepolia's rollup config anchored on `l1`'s first block: L2 genesis block 0 at that
/// block's timestamp, the test addresses, [`batcher_key`] as batcher, and every fork up to
/// Isthmus active from genesis (Jovian, Karst and Interop off). Override fork times with
/// [`activate_at`] or by setting the fields.
pub fn test_rollup_config(l1: &TestL1) -> RollupConfig {
    let mut cfg = RollupConfig::by_name("op-sepolia").expect("op-sepolia is a built-in network");
    let genesis = l1.genesis();
    cfg.genesis.l1 = genesis.id();
    cfg.genesis.l2.number = 0;
    cfg.genesis.l2.hash = keccak256(b"keel-test l2 genesis");
    cfg.genesis.l2_time = genesis.timestamp;
    cfg.genesis.system_config.batcher_address = batcher_key().address;
    cfg.batch_inbox_address = TEST_BATCH_INBOX;
    cfg.deposit_contract_address = TEST_PORTAL;
    cfg.l1_system_config_address = TEST_SYSTEM_CONFIG;
    cfg.l1_chain_id = l1.chain_id();
    activate_through(&mut cfg, Fork::Isthmus, 0);
    cfg
}

/// Activates every fork of the ordered chain from Regolith through `last` at `time` and switches
/// off every other one (later forks, the Pectra blob schedule fix and Interop).
pub fn activate_through(cfg: &mut RollupConfig, last: Fork, time: u64) {
    for fork in Fork::ALL {
        let on = fork <= last && !matches!(fork, Fork::PectraBlobSchedule | Fork::Interop);
        set_fork_time(cfg, fork, on.then_some(time));
    }
}

/// Sets `fork` to activate at `time` and pushes every later fork of the ordered chain (Regolith
/// .. Jovian) that is set earlier than `time` to `time` as well, so the schedule stays ordered.
/// Forks after it that are unset stay unset.
pub fn activate_at(cfg: &mut RollupConfig, fork: Fork, time: u64) {
    set_fork_time(cfg, fork, Some(time));
    for later in Fork::ALL.into_iter().filter(|f| *f > fork) {
        if matches!(later, Fork::PectraBlobSchedule | Fork::Interop) {
            continue;
        }
        if cfg.fork_time(later).is_some_and(|t| t < time) {
            set_fork_time(cfg, later, Some(time));
        }
    }
}

/// Sets `fork` to `time` (`None`: never) and, when disabling it, disables every later fork of
/// the ordered chain too.
pub fn set_fork(cfg: &mut RollupConfig, fork: Fork, time: Option<u64>) {
    set_fork_time(cfg, fork, time);
    if time.is_none() {
        for later in Fork::ALL.into_iter().filter(|f| *f > fork) {
            if !matches!(later, Fork::PectraBlobSchedule | Fork::Interop) {
                set_fork_time(cfg, later, None);
            }
        }
    }
}

fn set_fork_time(cfg: &mut RollupConfig, fork: Fork, time: Option<u64>) {
    let slot = match fork {
        Fork::Regolith => &mut cfg.regolith_time,
        Fork::Canyon => &mut cfg.canyon_time,
        Fork::Delta => &mut cfg.delta_time,
        Fork::Ecotone => &mut cfg.ecotone_time,
        Fork::Fjord => &mut cfg.fjord_time,
        Fork::Granite => &mut cfg.granite_time,
        Fork::Holocene => &mut cfg.holocene_time,
        Fork::PectraBlobSchedule => &mut cfg.pectra_blob_schedule_time,
        Fork::Isthmus => &mut cfg.isthmus_time,
        Fork::Jovian => &mut cfg.jovian_time,
        Fork::Karst => &mut cfg.karst_time,
        Fork::Interop => &mut cfg.interop_time,
    };
    *slot = time;
}

/// A deterministic 32-byte value for labels in fixtures.
pub(crate) fn label_hash(parts: &[&[u8]]) -> B256 {
    let mut buf = Vec::new();
    for part in parts {
        buf.extend_from_slice(&(part.len() as u64).to_be_bytes());
        buf.extend_from_slice(part);
    }
    keccak256(buf)
}

/// The L1 blob fee schedule of test chains: Cancun's update fraction from time 0 (test L1
/// headers carry blob gas fields from genesis).
pub fn test_blob_schedule() -> keel_core::l1_info::L1BlobSchedule {
    use keel_core::l1_info::{BlobFeeStep, CANCUN_BLOB_UPDATE_FRACTION, L1BlobSchedule};
    L1BlobSchedule::new(vec![BlobFeeStep {
        activation_time: 0,
        update_fraction: CANCUN_BLOB_UPDATE_FRACTION,
    }])
    .expect("a valid one-step schedule")
}
