//! Fork activation and the protocol constants that change with forks.
//!
//! Spec: superchain-upgrades.md § L2 Block-timestamp based activation (a fork is active when
//! `time != None && ts >= time`). Each fork is judged on its own time: as in op-node, a later
//! fork being active implies nothing about an earlier one (registry chains set every time).
//!
//! The *clock* differs per rule (checklist §0), so every derived constant names the timestamp
//! it wants: the L2 block's, the L1 block being read, or the batch's L1 origin.

use super::{ConfigError, RollupConfig};

/// `CHANNEL_TIMEOUT` from Granite, in L1 blocks.
pub const GRANITE_CHANNEL_TIMEOUT: u64 = 50;
/// `max_sequencer_drift` from Fjord, in seconds.
pub const FJORD_MAX_SEQUENCER_DRIFT: u64 = 1800;
/// `MAX_RLP_BYTES_PER_CHANNEL` before Fjord.
pub const MAX_RLP_BYTES_PER_CHANNEL_BEDROCK: u64 = 10_000_000;
/// `MAX_RLP_BYTES_PER_CHANNEL` from Fjord.
pub const MAX_RLP_BYTES_PER_CHANNEL_FJORD: u64 = 100_000_000;
/// `MAX_CHANNEL_BANK_SIZE` before Fjord.
pub const MAX_CHANNEL_BANK_SIZE_BEDROCK: u64 = 100_000_000;
/// `MAX_CHANNEL_BANK_SIZE` from Fjord.
pub const MAX_CHANNEL_BANK_SIZE_FJORD: u64 = 1_000_000_000;

/// An OP Stack network upgrade with a timestamp activation, in upgrade order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fork {
    /// Regolith (deposit fixes; registry chains have it from genesis).
    Regolith,
    /// Canyon (Shapella).
    Canyon,
    /// Delta (span batches).
    Delta,
    /// Ecotone (blobs, Cancun).
    Ecotone,
    /// Fjord (brotli, larger limits).
    Fjord,
    /// Granite (short channel timeout).
    Granite,
    /// Holocene (strict derivation, configurable EIP-1559).
    Holocene,
    /// Pectra blob schedule fix (judged by L1 origin time; optional).
    PectraBlobSchedule,
    /// Isthmus (Prague, operator fee).
    Isthmus,
    /// Jovian (min base fee, DA footprint).
    Jovian,
    /// Karst (experimental spec).
    Karst,
    /// Interop (experimental).
    Interop,
}

impl Fork {
    /// Every fork, in upgrade order.
    pub const ALL: [Fork; 12] = [
        Fork::Regolith,
        Fork::Canyon,
        Fork::Delta,
        Fork::Ecotone,
        Fork::Fjord,
        Fork::Granite,
        Fork::Holocene,
        Fork::PectraBlobSchedule,
        Fork::Isthmus,
        Fork::Jovian,
        Fork::Karst,
        Fork::Interop,
    ];

    /// Lower-case name, as in the `<name>_time` config keys.
    pub const fn name(self) -> &'static str {
        match self {
            Fork::Regolith => "regolith",
            Fork::Canyon => "canyon",
            Fork::Delta => "delta",
            Fork::Ecotone => "ecotone",
            Fork::Fjord => "fjord",
            Fork::Granite => "granite",
            Fork::Holocene => "holocene",
            Fork::PectraBlobSchedule => "pectra_blob_schedule",
            Fork::Isthmus => "isthmus",
            Fork::Jovian => "jovian",
            Fork::Karst => "karst",
            Fork::Interop => "interop",
        }
    }
}

/// Forks that must be configured in order (op-node's fork-order check). The Pectra blob
/// schedule and Interop are optional side features and sit outside the chain.
const ORDERED_FORKS: [Fork; 10] = [
    Fork::Regolith,
    Fork::Canyon,
    Fork::Delta,
    Fork::Ecotone,
    Fork::Fjord,
    Fork::Granite,
    Fork::Holocene,
    Fork::Isthmus,
    Fork::Jovian,
    Fork::Karst,
];

impl RollupConfig {
    /// The configured activation time of `fork`.
    pub const fn fork_time(&self, fork: Fork) -> Option<u64> {
        match fork {
            Fork::Regolith => self.regolith_time,
            Fork::Canyon => self.canyon_time,
            Fork::Delta => self.delta_time,
            Fork::Ecotone => self.ecotone_time,
            Fork::Fjord => self.fjord_time,
            Fork::Granite => self.granite_time,
            Fork::Holocene => self.holocene_time,
            Fork::PectraBlobSchedule => self.pectra_blob_schedule_time,
            Fork::Isthmus => self.isthmus_time,
            Fork::Jovian => self.jovian_time,
            Fork::Karst => self.karst_time,
            Fork::Interop => self.interop_time,
        }
    }

    /// Whether `fork` is active at timestamp `ts` (`time` set and `ts >= time`).
    pub const fn is_fork_active(&self, fork: Fork, ts: u64) -> bool {
        match self.fork_time(fork) {
            Some(t) => ts >= t,
            None => false,
        }
    }

    /// Regolith active at `ts` (L2 block time).
    pub const fn is_regolith_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Regolith, ts)
    }

    /// Canyon active at `ts` (L2 block time; the channel bank uses the L1 block time).
    pub const fn is_canyon_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Canyon, ts)
    }

    /// Delta active at `ts` (span batches: the batch's L1 origin time).
    pub const fn is_delta_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Delta, ts)
    }

    /// Ecotone active at `ts` (L2 block time; blob retrieval uses the L1 block time).
    pub const fn is_ecotone_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Ecotone, ts)
    }

    /// Fjord active at `ts` (L2 block time; channel limits use the L1 block time, the drift
    /// constant the L1 origin time).
    pub const fn is_fjord_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Fjord, ts)
    }

    /// Granite active at `ts` (L2 block time; the channel timeout uses the L1 block time).
    pub const fn is_granite_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Granite, ts)
    }

    /// Holocene active at `ts` (L2 block time; derivation stages use the L1 block time).
    pub const fn is_holocene_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Holocene, ts)
    }

    /// Pectra blob schedule active at `ts` (the L1 origin time).
    pub const fn is_pectra_blob_schedule_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::PectraBlobSchedule, ts)
    }

    /// Isthmus active at `ts` (L2 block time; the SetCode batch rule uses each batch's time).
    pub const fn is_isthmus_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Isthmus, ts)
    }

    /// Jovian active at `ts` (L2 block time).
    pub const fn is_jovian_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Jovian, ts)
    }

    /// Karst active at `ts` (L2 block time).
    pub const fn is_karst_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Karst, ts)
    }

    /// Interop active at `ts` (L2 block time).
    pub const fn is_interop_active(&self, ts: u64) -> bool {
        self.is_fork_active(Fork::Interop, ts)
    }

    /// Whether the L2 block at `l2_ts` is `fork`'s activation block: the fork is active at
    /// `l2_ts` but not one block earlier (checklist 0.1). A fork active at genesis has none, and
    /// neither has the genesis block itself.
    pub const fn is_activation_block(&self, fork: Fork, l2_ts: u64) -> bool {
        if l2_ts <= self.genesis.l2_time {
            return false;
        }
        match l2_ts.checked_sub(self.block_time) {
            Some(prev) => self.is_fork_active(fork, l2_ts) && !self.is_fork_active(fork, prev),
            None => false,
        }
    }

    /// `CHANNEL_TIMEOUT` for an L1 block with timestamp `l1_ts`: the config value before
    /// Granite, 50 from Granite.
    pub const fn channel_timeout(&self, l1_ts: u64) -> u64 {
        if self.is_granite_active(l1_ts) { GRANITE_CHANNEL_TIMEOUT } else { self.channel_timeout }
    }

    /// Maximum sequencer drift for a batch whose L1 origin has timestamp `l1_origin_ts`: the
    /// config value before Fjord, 1800 from Fjord.
    pub const fn max_sequencer_drift(&self, l1_origin_ts: u64) -> u64 {
        if self.is_fjord_active(l1_origin_ts) {
            FJORD_MAX_SEQUENCER_DRIFT
        } else {
            self.max_sequencer_drift
        }
    }

    /// `MAX_RLP_BYTES_PER_CHANNEL` for an L1 block with timestamp `l1_ts`.
    pub const fn max_rlp_bytes_per_channel(&self, l1_ts: u64) -> u64 {
        if self.is_fjord_active(l1_ts) {
            MAX_RLP_BYTES_PER_CHANNEL_FJORD
        } else {
            MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
        }
    }

    /// `MAX_CHANNEL_BANK_SIZE` for an L1 block with timestamp `l1_ts`.
    pub const fn max_channel_bank_size(&self, l1_ts: u64) -> u64 {
        if self.is_fjord_active(l1_ts) {
            MAX_CHANNEL_BANK_SIZE_FJORD
        } else {
            MAX_CHANNEL_BANK_SIZE_BEDROCK
        }
    }

    /// Whether brotli channels are allowed in an L1 block with timestamp `l1_ts` (Fjord).
    pub const fn is_brotli_allowed(&self, l1_ts: u64) -> bool {
        self.is_fjord_active(l1_ts)
    }

    /// The L2 block number whose slot contains `ts`: `genesis.l2.number + (ts - l2_time) /
    /// block_time`, rounded down. `None` before genesis, with a zero block time, or on overflow.
    pub const fn l2_block_number_at(&self, ts: u64) -> Option<u64> {
        let Some(elapsed) = ts.checked_sub(self.genesis.l2_time) else { return None };
        let Some(blocks) = elapsed.checked_div(self.block_time) else { return None };
        self.genesis.l2.number.checked_add(blocks)
    }

    /// Timestamp of L2 block `number`. `None` below the genesis block or on overflow.
    pub const fn timestamp_of_block(&self, number: u64) -> Option<u64> {
        let Some(blocks) = number.checked_sub(self.genesis.l2.number) else { return None };
        let Some(elapsed) = blocks.checked_mul(self.block_time) else { return None };
        self.genesis.l2_time.checked_add(elapsed)
    }

    /// Sanity checks in the spirit of op-node's `Config.Check`: non-zero block time, channel
    /// timeout, genesis hashes, batcher, gas limit, inbox, deposit contract and chain IDs; a
    /// sequencing window of at least 2; and fork times set in upgrade order, non-decreasing.
    ///
    /// Loading does not call this: real files (e.g. kona fixtures without `regolith_time`)
    /// fail it yet are still useful to read.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let checks: [(bool, &'static str); 13] = [
            (self.block_time == 0, "block_time is zero"),
            (self.channel_timeout == 0, "channel_timeout is zero"),
            (self.seq_window_size < 2, "seq_window_size is below 2"),
            (self.genesis.l1.hash.is_zero(), "genesis L1 hash is zero"),
            (self.genesis.l2.hash.is_zero(), "genesis L2 hash is zero"),
            (self.genesis.l1.hash == self.genesis.l2.hash, "genesis L1 and L2 hashes are equal"),
            (self.genesis.system_config.batcher_address.is_zero(), "genesis batcher is zero"),
            (self.genesis.system_config.gas_limit == 0, "genesis gas limit is zero"),
            (self.batch_inbox_address.is_zero(), "batch inbox address is zero"),
            (self.deposit_contract_address.is_zero(), "deposit contract address is zero"),
            (self.l1_chain_id == 0, "L1 chain ID is zero"),
            (self.l2_chain_id == 0, "L2 chain ID is zero"),
            (self.l1_chain_id == self.l2_chain_id, "L1 and L2 chain IDs are equal"),
        ];
        if let Some(&(_, what)) = checks.iter().find(|(bad, _)| *bad) {
            return Err(ConfigError::Invalid(what.into()));
        }
        for pair in ORDERED_FORKS.windows(2) {
            let [earlier, later] = pair else { continue };
            match (self.fork_time(*earlier), self.fork_time(*later)) {
                (None, Some(_)) => {
                    return Err(ConfigError::Invalid(alloc::format!(
                        "{} is set but the earlier {} is not",
                        later.name(),
                        earlier.name()
                    )));
                }
                (Some(a), Some(b)) if a > b => {
                    return Err(ConfigError::Invalid(alloc::format!(
                        "{} time {b} is before {} time {a}",
                        later.name(),
                        earlier.name()
                    )));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BlockId;
    use alloy_primitives::B256;

    /// OP Mainnet's built-in config (fork times checked against the registry in keel-tests).
    fn op() -> RollupConfig {
        RollupConfig::by_name("op-mainnet").unwrap()
    }

    #[test]
    fn rule_0_1_fork_active_from_its_timestamp() {
        let c = op();
        let t = 1_726_070_401; // Granite
        assert!(!c.is_granite_active(t - 1));
        assert!(c.is_granite_active(t));
        assert!(c.is_granite_active(t + 1));
        assert!(c.is_regolith_active(c.genesis.l2_time));
        assert!(!c.is_pectra_blob_schedule_active(u64::MAX));
        assert!(!c.is_interop_active(u64::MAX));
    }

    #[test]
    fn rule_0_1_activation_block() {
        let c = op();
        // OP Mainnet Canyon 1704992401 is odd and blocks are on odd seconds (genesis 1686068903):
        // the block at exactly the fork time is the activation block.
        let canyon = 1_704_992_401;
        assert!(c.is_activation_block(Fork::Canyon, canyon));
        assert!(!c.is_activation_block(Fork::Canyon, canyon - 2));
        assert!(!c.is_activation_block(Fork::Canyon, canyon + 2));
        // Delta 1708560000 is even: the first block at or after it is 1708560001.
        assert!(c.is_activation_block(Fork::Delta, 1_708_560_001));
        assert!(!c.is_activation_block(Fork::Delta, 1_708_559_999));
        assert!(!c.is_activation_block(Fork::Delta, 1_708_560_003));
        // Regolith is active at genesis: no activation block anywhere.
        assert!(!c.is_activation_block(Fork::Regolith, c.genesis.l2_time));
        assert!(!c.is_activation_block(Fork::Regolith, c.genesis.l2_time + 2));
        // Unset forks never activate.
        assert!(!c.is_activation_block(Fork::Interop, 2_000_000_001));
        // Forks at 0 on a chain with genesis later than 0 (Unichain Canyon..Granite).
        let u = RollupConfig::by_name("unichain-mainnet").unwrap();
        for ts in [u.genesis.l2_time, u.genesis.l2_time + 1] {
            assert!(!u.is_activation_block(Fork::Canyon, ts));
            assert!(!u.is_activation_block(Fork::Granite, ts));
        }
        // Unichain (1 s blocks): Holocene 1736445601.
        assert!(u.is_activation_block(Fork::Holocene, 1_736_445_601));
        assert!(!u.is_activation_block(Fork::Holocene, 1_736_445_602));
    }

    #[test]
    fn activation_block_edge_timestamps_do_not_panic() {
        let mut c = RollupConfig { block_time: 2, canyon_time: Some(0), ..Default::default() };
        assert!(!c.is_activation_block(Fork::Canyon, 0));
        assert!(!c.is_activation_block(Fork::Canyon, 1));
        c.canyon_time = Some(u64::MAX);
        assert!(c.is_activation_block(Fork::Canyon, u64::MAX));
        c.block_time = u64::MAX;
        assert!(!c.is_activation_block(Fork::Canyon, 1));
    }

    #[test]
    fn rule_2_1_channel_timeout_granite() {
        let c = op();
        let granite = 1_726_070_401;
        assert_eq!(c.channel_timeout, 300);
        assert_eq!(c.channel_timeout(granite - 1), 300);
        assert_eq!(c.channel_timeout(granite), 50);
        assert_eq!(c.channel_timeout(u64::MAX), 50);
    }

    #[test]
    fn rule_2_1_max_channel_bank_size_fjord() {
        let c = op();
        let fjord = 1_720_627_201;
        assert_eq!(c.max_channel_bank_size(fjord - 1), 100_000_000);
        assert_eq!(c.max_channel_bank_size(fjord), 1_000_000_000);
    }

    #[test]
    fn rule_2_4_max_rlp_bytes_per_channel_fjord() {
        let c = op();
        let fjord = 1_720_627_201;
        assert_eq!(c.max_rlp_bytes_per_channel(fjord - 1), 10_000_000);
        assert_eq!(c.max_rlp_bytes_per_channel(fjord), 100_000_000);
    }

    #[test]
    fn rule_2_4_brotli_from_fjord() {
        let c = op();
        let fjord = 1_720_627_201;
        assert!(!c.is_brotli_allowed(fjord - 1));
        assert!(c.is_brotli_allowed(fjord));
    }

    #[test]
    fn rule_3_3_max_sequencer_drift_fjord() {
        let c = op();
        let fjord = 1_720_627_201;
        assert_eq!(c.max_sequencer_drift, 600);
        assert_eq!(c.max_sequencer_drift(fjord - 1), 600);
        assert_eq!(c.max_sequencer_drift(fjord), 1800);
    }

    #[test]
    fn block_number_and_timestamp() {
        let c = op();
        assert_eq!(c.l2_block_number_at(1_686_068_903), Some(105_235_063));
        assert_eq!(c.l2_block_number_at(1_686_068_904), Some(105_235_063));
        assert_eq!(c.l2_block_number_at(1_686_068_905), Some(105_235_064));
        assert_eq!(c.l2_block_number_at(1_686_068_902), None);
        assert_eq!(c.timestamp_of_block(105_235_063), Some(1_686_068_903));
        assert_eq!(c.timestamp_of_block(105_235_062), None);
        assert_eq!(c.timestamp_of_block(u64::MAX), None);
        // OP Mainnet's first Jovian block.
        assert_eq!(c.l2_block_number_at(1_764_691_201), Some(144_546_212));
        assert_eq!(c.timestamp_of_block(144_546_212), Some(1_764_691_201));
        let zero = RollupConfig::default();
        assert_eq!(zero.l2_block_number_at(10), None);
        assert_eq!(zero.timestamp_of_block(10), Some(0));
        let big = RollupConfig {
            genesis: crate::config::Genesis {
                l2: BlockId { number: u64::MAX, hash: B256::ZERO },
                ..Default::default()
            },
            block_time: 1,
            ..Default::default()
        };
        assert_eq!(big.l2_block_number_at(5), None);
    }

    #[test]
    fn validate_builtins_and_defects() {
        for name in crate::config::NETWORK_NAMES {
            RollupConfig::by_name(name).unwrap().validate().unwrap();
        }
        let mut c = op();
        c.regolith_time = None;
        assert!(matches!(c.validate(), Err(ConfigError::Invalid(m)) if m.contains("regolith")));
        let mut c = op();
        c.delta_time = Some(1);
        assert!(matches!(c.validate(), Err(ConfigError::Invalid(m)) if m.contains("delta")));
        let mut c = op();
        c.block_time = 0;
        assert_eq!(c.validate(), Err(ConfigError::Invalid("block_time is zero".into())));
        assert!(RollupConfig::default().validate().is_err());
    }

    #[test]
    fn fork_names_are_unique_and_ordered() {
        for pair in Fork::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
            assert_ne!(pair[0].name(), pair[1].name());
        }
    }
}
