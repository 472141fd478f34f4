//! `ConfigUpdate` logs of the L1 SystemConfig contract: decoding, applying, and scanning an L1
//! block's receipts (spec: system-config.md § System Config Updates; checklist §5.1, §5.2).
//!
//! The event is `ConfigUpdate(uint256 indexed version, uint8 indexed updateType, bytes data)`,
//! so a well-formed log has 3 topics and ABI data `offset(=32) ++ length ++ payload` with
//! nothing after the payload (every payload is a whole number of words).
//!
//! Checks follow op-node (`ProcessSystemConfigUpdateLogEvent`): the offset and length words and
//! the zero padding of addresses and `uint64`/`uint16` values are checked, but the high bytes of
//! the `EIP_1559_PARAMS` word (`[0, 24)`) and of the `OPERATOR_FEE_PARAMS` word (`[0, 20)`) are
//! not, since op-node keeps only the low bytes. `UNSAFE_BLOCK_SIGNER` data is not read at all:
//! derivation ignores that update.

use crate::config::{Eip1559Params, RollupConfig, SystemConfig};
use alloc::vec::Vec;
use alloy_consensus::TxReceipt;
use alloy_primitives::{Address, B256, Log, LogData, U256, b256};
use core::{borrow::Borrow, cmp::Ordering, fmt};

/// `keccak256("ConfigUpdate(uint256,uint8,bytes)")`: topic 0 of a config update log.
pub const CONFIG_UPDATE_TOPIC: B256 =
    b256!("1d2b0bda21d56b8bd12d4f94ebacffdfb35f5e226f84b461103bb8beab6353be");

/// The only defined `version` topic: `uint256(0)`.
pub const CONFIG_UPDATE_VERSION_0: B256 = B256::ZERO;

/// The `updateType` of a `ConfigUpdate` event (version 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfigUpdateType {
    /// 0: the batcher address (`batcherHash`).
    Batcher,
    /// 1: the L1 fee overhead and scalar.
    FeeScalars,
    /// 2: the L2 block gas limit.
    GasLimit,
    /// 3: the unsafe block signer (p2p only; ignored by derivation).
    UnsafeBlockSigner,
    /// 4: the Holocene EIP-1559 parameters.
    Eip1559Params,
    /// 5: the Isthmus operator fee parameters.
    OperatorFeeParams,
    /// 6: the Jovian minimum base fee.
    MinBaseFee,
    /// 7: the Jovian DA footprint gas scalar.
    DaFootprintGasScalar,
}

impl ConfigUpdateType {
    /// Every type, in id order.
    pub const ALL: [ConfigUpdateType; 8] = [
        ConfigUpdateType::Batcher,
        ConfigUpdateType::FeeScalars,
        ConfigUpdateType::GasLimit,
        ConfigUpdateType::UnsafeBlockSigner,
        ConfigUpdateType::Eip1559Params,
        ConfigUpdateType::OperatorFeeParams,
        ConfigUpdateType::MinBaseFee,
        ConfigUpdateType::DaFootprintGasScalar,
    ];

    /// The `uint8` id emitted in the `updateType` topic.
    pub const fn id(self) -> u8 {
        match self {
            ConfigUpdateType::Batcher => 0,
            ConfigUpdateType::FeeScalars => 1,
            ConfigUpdateType::GasLimit => 2,
            ConfigUpdateType::UnsafeBlockSigner => 3,
            ConfigUpdateType::Eip1559Params => 4,
            ConfigUpdateType::OperatorFeeParams => 5,
            ConfigUpdateType::MinBaseFee => 6,
            ConfigUpdateType::DaFootprintGasScalar => 7,
        }
    }

    /// The type whose `updateType` topic (a left-padded `uint8`) this is, if any.
    pub fn from_topic(topic: B256) -> Option<Self> {
        let (&id, high) = topic.0.split_last()?;
        if high.iter().any(|b| *b != 0) {
            return None;
        }
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The `updateType` topic for this type.
    pub fn topic(self) -> B256 {
        B256::with_last_byte(self.id())
    }

    /// The exact ABI length of the `data` payload: 64 for `FEE_SCALARS`, 32 otherwise.
    pub const fn payload_len(self) -> usize {
        match self {
            ConfigUpdateType::FeeScalars => 64,
            _ => 32,
        }
    }

    /// The spec's name (`BATCHER`, `FEE_SCALARS`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            ConfigUpdateType::Batcher => "BATCHER",
            ConfigUpdateType::FeeScalars => "FEE_SCALARS",
            ConfigUpdateType::GasLimit => "GAS_LIMIT",
            ConfigUpdateType::UnsafeBlockSigner => "UNSAFE_BLOCK_SIGNER",
            ConfigUpdateType::Eip1559Params => "EIP_1559_PARAMS",
            ConfigUpdateType::OperatorFeeParams => "OPERATOR_FEE_PARAMS",
            ConfigUpdateType::MinBaseFee => "MIN_BASE_FEE",
            ConfigUpdateType::DaFootprintGasScalar => "DA_FOOTPRINT_GAS_SCALAR",
        }
    }
}

impl fmt::Display for ConfigUpdateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a `ConfigUpdate` log was not applied. Derivation **skips** such a log and carries on
/// with the next one (spec: "If a System Config Update cannot be parsed for any reason, it is
/// not applied and is instead skipped").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigUpdateError {
    /// The log does not have exactly 3 topics (signature, version, update type).
    #[error("ConfigUpdate log has {0} topics, expected 3")]
    WrongTopicCount(usize),
    /// Topic 0 is not the `ConfigUpdate` event signature.
    #[error("log topic 0 is {0}, not ConfigUpdate")]
    NotConfigUpdate(B256),
    /// The version topic is not 0, the only version defined.
    #[error("unsupported ConfigUpdate version {0}")]
    UnsupportedVersion(B256),
    /// The update type topic is not one of the 8 defined types.
    #[error("unknown ConfigUpdate type {0}")]
    UnknownType(B256),
    /// The data is shorter than the offset and length words plus the type's payload.
    #[error("{update_type} update data of {actual} bytes is shorter than the {expected} required")]
    Truncated {
        /// The update type.
        update_type: ConfigUpdateType,
        /// The exact data length of this type.
        expected: usize,
        /// The data length.
        actual: usize,
    },
    /// The ABI offset word of `data` is not 32.
    #[error("{update_type} update: ABI offset {offset} is not 32")]
    BadOffset {
        /// The update type.
        update_type: ConfigUpdateType,
        /// The offset word.
        offset: U256,
    },
    /// The ABI length word of `data` is not the type's payload length.
    #[error("{update_type} update: ABI length {length} is not {expected}")]
    BadLength {
        /// The update type.
        update_type: ConfigUpdateType,
        /// The length word.
        length: U256,
        /// The type's payload length.
        expected: usize,
    },
    /// Bytes follow the payload.
    #[error("{update_type} update: {extra} bytes after the payload")]
    TrailingBytes {
        /// The update type.
        update_type: ConfigUpdateType,
        /// How many bytes follow.
        extra: usize,
    },
    /// An address or integer word has non-zero bytes in its zero padding.
    #[error("{update_type} update: non-zero padding in {field}")]
    NonZeroPadding {
        /// The update type.
        update_type: ConfigUpdateType,
        /// The padded value.
        field: &'static str,
    },
    /// `EIP_1559_PARAMS` with a zero denominator but a non-zero elasticity (op-geth's
    /// `ValidateHolocene1559Params`; `0, 0` is valid and means "use the Canyon constants").
    #[error("EIP_1559_PARAMS update: denominator 0 with elasticity {elasticity}")]
    ZeroDenominator {
        /// The elasticity that came with the zero denominator.
        elasticity: u32,
    },
    /// From Ecotone (by L1 time), a `FEE_SCALARS` update whose scalar has an unknown version is
    /// ignored (op-node keeps the old scalar and reports nothing; it is listed here so callers
    /// can log it).
    #[error("FEE_SCALARS update ignored: unknown scalar version {0}")]
    UnknownScalarVersion(u8),
    /// From Ecotone (by L1 time), a `FEE_SCALARS` update whose versioned scalar has non-zero
    /// padding is ignored (as [`ConfigUpdateError::UnknownScalarVersion`]).
    #[error("FEE_SCALARS update ignored: scalar version {version} has non-zero padding")]
    ScalarPaddingNotEmpty {
        /// The scalar's version byte.
        version: u8,
    },
}

/// One decoded `ConfigUpdate` (version 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigUpdate {
    /// New batcher address.
    Batcher(Address),
    /// New L1 fee overhead and scalar, as emitted (the Ecotone rules apply in
    /// [`ConfigUpdate::apply`]).
    FeeScalars {
        /// The overhead word (ignored from Ecotone).
        overhead: B256,
        /// The scalar word (versioned from Ecotone).
        scalar: B256,
    },
    /// New L2 block gas limit.
    GasLimit(u64),
    /// The unsafe block signer changed; derivation ignores it and does not read the data.
    UnsafeBlockSigner,
    /// New EIP-1559 parameters (bytes `[24, 32)` of the word).
    Eip1559Params(Eip1559Params),
    /// New operator fee parameters (`scalar << 64 | constant`, bytes `[20, 32)` of the word).
    OperatorFeeParams {
        /// Operator fee scalar.
        scalar: u32,
        /// Operator fee constant.
        constant: u64,
    },
    /// New minimum base fee.
    MinBaseFee(u64),
    /// New DA footprint gas scalar.
    DaFootprintGasScalar(u16),
}

/// Whether a log is a config update of `system_config`: its address is the L1 SystemConfig
/// contract and its topic 0 is [`CONFIG_UPDATE_TOPIC`]. Only such logs are decoded; others are
/// not config updates at all.
pub fn is_config_update_log(log: &Log, system_config: Address) -> bool {
    log.address == system_config && log.topics().first() == Some(&CONFIG_UPDATE_TOPIC)
}

/// The payload of `data` for `update_type`, after checking the offset and length words and that
/// nothing follows.
fn abi_payload(update_type: ConfigUpdateType, data: &[u8]) -> Result<&[u8], ConfigUpdateError> {
    let len = update_type.payload_len();
    let truncated =
        ConfigUpdateError::Truncated { update_type, expected: 64 + len, actual: data.len() };
    let (offset, rest) = data.split_first_chunk::<32>().ok_or(truncated.clone())?;
    let offset = U256::from_be_bytes(*offset);
    if offset != U256::from(32) {
        return Err(ConfigUpdateError::BadOffset { update_type, offset });
    }
    let (length, payload) = rest.split_first_chunk::<32>().ok_or(truncated.clone())?;
    let length = U256::from_be_bytes(*length);
    if length != U256::from(len) {
        return Err(ConfigUpdateError::BadLength { update_type, length, expected: len });
    }
    match payload.len().cmp(&len) {
        Ordering::Less => Err(truncated),
        Ordering::Greater => {
            Err(ConfigUpdateError::TrailingBytes { update_type, extra: payload.len() - len })
        }
        Ordering::Equal => Ok(payload),
    }
}

/// The single 32-byte word of a one-word payload.
fn word(update_type: ConfigUpdateType, data: &[u8]) -> Result<[u8; 32], ConfigUpdateError> {
    let payload = abi_payload(update_type, data)?;
    payload.try_into().map_err(|_| ConfigUpdateError::Truncated {
        update_type,
        expected: 96,
        actual: data.len(),
    })
}

/// The low `N` bytes of an ABI word whose high `32 - N` bytes must be zero.
fn padded<const N: usize>(
    update_type: ConfigUpdateType,
    field: &'static str,
    word: &[u8; 32],
) -> Result<[u8; N], ConfigUpdateError> {
    let (high, low) = word
        .split_last_chunk::<N>()
        .ok_or(ConfigUpdateError::NonZeroPadding { update_type, field })?;
    if high.iter().any(|b| *b != 0) {
        return Err(ConfigUpdateError::NonZeroPadding { update_type, field });
    }
    Ok(*low)
}

impl ConfigUpdate {
    /// Decodes a `ConfigUpdate` log's topics and data. The caller has matched the emitting
    /// address ([`is_config_update_log`]); topic 0 is checked again so this is safe on any log.
    pub fn decode(log: &LogData) -> Result<Self, ConfigUpdateError> {
        let [signature, version, update_type] = log.topics() else {
            return Err(ConfigUpdateError::WrongTopicCount(log.topics().len()));
        };
        if *signature != CONFIG_UPDATE_TOPIC {
            return Err(ConfigUpdateError::NotConfigUpdate(*signature));
        }
        if *version != CONFIG_UPDATE_VERSION_0 {
            return Err(ConfigUpdateError::UnsupportedVersion(*version));
        }
        let ty = ConfigUpdateType::from_topic(*update_type)
            .ok_or(ConfigUpdateError::UnknownType(*update_type))?;
        let data = log.data.as_ref();
        Ok(match ty {
            ConfigUpdateType::Batcher => {
                let w = word(ty, data)?;
                ConfigUpdate::Batcher(Address::from(padded::<20>(ty, "address", &w)?))
            }
            ConfigUpdateType::FeeScalars => {
                let payload = abi_payload(ty, data)?;
                let (overhead, scalar) = payload
                    .split_first_chunk::<32>()
                    .and_then(|(o, rest)| Some((*o, *rest.first_chunk::<32>()?)))
                    .ok_or(ConfigUpdateError::Truncated {
                        update_type: ty,
                        expected: 128,
                        actual: data.len(),
                    })?;
                ConfigUpdate::FeeScalars {
                    overhead: B256::from(overhead),
                    scalar: B256::from(scalar),
                }
            }
            ConfigUpdateType::GasLimit => {
                let w = word(ty, data)?;
                ConfigUpdate::GasLimit(u64::from_be_bytes(padded(ty, "uint64", &w)?))
            }
            ConfigUpdateType::UnsafeBlockSigner => ConfigUpdate::UnsafeBlockSigner,
            ConfigUpdateType::Eip1559Params => {
                let w = word(ty, data)?;
                let (_, low) = w.split_last_chunk::<8>().unwrap_or((&[], &[0; 8]));
                let params = Eip1559Params::from_u64(u64::from_be_bytes(*low));
                if params.denominator == 0 && params.elasticity != 0 {
                    return Err(ConfigUpdateError::ZeroDenominator {
                        elasticity: params.elasticity,
                    });
                }
                ConfigUpdate::Eip1559Params(params)
            }
            ConfigUpdateType::OperatorFeeParams => {
                let w = word(ty, data)?;
                let (_, low) = w.split_last_chunk::<12>().unwrap_or((&[], &[0; 12]));
                let (scalar, constant) = low.split_at(4);
                ConfigUpdate::OperatorFeeParams {
                    scalar: scalar.try_into().map(u32::from_be_bytes).unwrap_or(0),
                    constant: constant.try_into().map(u64::from_be_bytes).unwrap_or(0),
                }
            }
            ConfigUpdateType::MinBaseFee => {
                let w = word(ty, data)?;
                ConfigUpdate::MinBaseFee(u64::from_be_bytes(padded(ty, "uint64", &w)?))
            }
            ConfigUpdateType::DaFootprintGasScalar => {
                let w = word(ty, data)?;
                ConfigUpdate::DaFootprintGasScalar(u16::from_be_bytes(padded(ty, "uint16", &w)?))
            }
        })
    }

    /// The update's type.
    pub const fn update_type(&self) -> ConfigUpdateType {
        match self {
            ConfigUpdate::Batcher(_) => ConfigUpdateType::Batcher,
            ConfigUpdate::FeeScalars { .. } => ConfigUpdateType::FeeScalars,
            ConfigUpdate::GasLimit(_) => ConfigUpdateType::GasLimit,
            ConfigUpdate::UnsafeBlockSigner => ConfigUpdateType::UnsafeBlockSigner,
            ConfigUpdate::Eip1559Params(_) => ConfigUpdateType::Eip1559Params,
            ConfigUpdate::OperatorFeeParams { .. } => ConfigUpdateType::OperatorFeeParams,
            ConfigUpdate::MinBaseFee(_) => ConfigUpdateType::MinBaseFee,
            ConfigUpdate::DaFootprintGasScalar(_) => ConfigUpdateType::DaFootprintGasScalar,
        }
    }

    /// Applies the update to `sys_cfg`. `l1_time` is the timestamp of the L1 block that emitted
    /// it: from Ecotone at that time, `FEE_SCALARS` stores only a usable versioned scalar and
    /// zeroes the overhead; an unusable scalar leaves `sys_cfg` unchanged and is reported as
    /// [`ConfigUpdateError::UnknownScalarVersion`] or
    /// [`ConfigUpdateError::ScalarPaddingNotEmpty`]. Every other update always applies.
    pub fn apply(
        &self,
        sys_cfg: &mut SystemConfig,
        rollup: &RollupConfig,
        l1_time: u64,
    ) -> Result<(), ConfigUpdateError> {
        match *self {
            ConfigUpdate::Batcher(address) => sys_cfg.batcher_address = address,
            ConfigUpdate::FeeScalars { overhead, scalar } => {
                if rollup.is_ecotone_active(l1_time) {
                    check_ecotone_scalar(scalar)?;
                    sys_cfg.scalar = scalar;
                    // The overhead has no effect from Ecotone.
                    sys_cfg.overhead = B256::ZERO;
                } else {
                    sys_cfg.overhead = overhead;
                    sys_cfg.scalar = scalar;
                }
            }
            ConfigUpdate::GasLimit(gas_limit) => sys_cfg.gas_limit = gas_limit,
            ConfigUpdate::UnsafeBlockSigner => {}
            ConfigUpdate::Eip1559Params(params) => sys_cfg.eip1559_params = params,
            ConfigUpdate::OperatorFeeParams { scalar, constant } => {
                sys_cfg.operator_fee_scalar = scalar;
                sys_cfg.operator_fee_constant = constant;
            }
            ConfigUpdate::MinBaseFee(fee) => sys_cfg.min_base_fee = fee,
            ConfigUpdate::DaFootprintGasScalar(scalar) => sys_cfg.da_footprint_gas_scalar = scalar,
        }
        Ok(())
    }
}

/// op-node's `CheckEcotoneL1SystemConfigScalar`: version 0 needs zero bytes `[1, 28)`, version
/// 1 zero bytes `[1, 24)`; other versions are unusable. (Stricter than
/// [`EcotoneScalars::from_scalar`](crate::l1_info::EcotoneScalars::from_scalar), which reads a
/// version-0 scalar with dirty padding as `u32::MAX` rather than rejecting it.)
fn check_ecotone_scalar(scalar: B256) -> Result<(), ConfigUpdateError> {
    let (&version, rest) =
        scalar.0.split_first().ok_or(ConfigUpdateError::UnknownScalarVersion(0))?;
    let padding = match version {
        0 => 27,
        1 => 23,
        _ => return Err(ConfigUpdateError::UnknownScalarVersion(version)),
    };
    if rest.iter().take(padding).any(|b| *b != 0) {
        return Err(ConfigUpdateError::ScalarPaddingNotEmpty { version });
    }
    Ok(())
}

/// Applies every config update of one L1 block to `sys_cfg`, in log order, and returns the
/// updates that were skipped.
///
/// Scans the block's receipts (all of them, in block order); in each successful receipt, every
/// log of `rollup.l1_system_config_address` with topic 0 [`CONFIG_UPDATE_TOPIC`] is decoded and
/// applied. A log that is malformed, of an unknown version or type, or an ignored `FEE_SCALARS`
/// update, leaves `sys_cfg` untouched and is returned with its index among **all logs of the
/// block** (the running count over every receipt, like `logIndex`); later logs still apply.
/// `l1_time` is the block's timestamp.
pub fn apply_receipts<R>(
    sys_cfg: &mut SystemConfig,
    receipts: &[R],
    rollup: &RollupConfig,
    l1_time: u64,
) -> Vec<(u64, ConfigUpdateError)>
where
    R: TxReceipt,
    R::Log: Borrow<Log>,
{
    let mut skipped = Vec::new();
    let mut log_index: u64 = 0;
    for receipt in receipts {
        let success = receipt.status();
        for log in receipt.logs() {
            let log: &Log = log.borrow();
            if success && is_config_update_log(log, rollup.l1_system_config_address) {
                let result = ConfigUpdate::decode(&log.data)
                    .and_then(|update| update.apply(sys_cfg, rollup, l1_time));
                if let Err(e) = result {
                    skipped.push((log_index, e));
                }
            }
            log_index = log_index.saturating_add(1);
        }
    }
    skipped
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloy_consensus::{Eip658Value, Receipt};
    use alloy_primitives::{Bytes, address, keccak256};

    const SYSTEM_CONFIG: Address = address!("229047fed2591dbec1eF1118d64F7aF3dB9EB290");

    fn rollup() -> RollupConfig {
        RollupConfig::by_name("op-mainnet").unwrap()
    }

    /// ABI `bytes` data: offset 32, length, payload (already word-aligned here).
    fn abi_bytes(payload: &[u8]) -> Vec<u8> {
        let mut data = U256::from(32).to_be_bytes::<32>().to_vec();
        data.extend_from_slice(&U256::from(payload.len()).to_be_bytes::<32>());
        data.extend_from_slice(payload);
        data
    }

    fn raw_log(topics: Vec<B256>, data: Vec<u8>) -> Log {
        Log::new_unchecked(SYSTEM_CONFIG, topics, Bytes::from(data))
    }

    fn update_log(ty: u8, payload: &[u8]) -> Log {
        raw_log(
            vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, B256::with_last_byte(ty)],
            abi_bytes(payload),
        )
    }

    fn word_u64(v: u64) -> [u8; 32] {
        U256::from(v).to_be_bytes()
    }

    fn decode(log: &Log) -> Result<ConfigUpdate, ConfigUpdateError> {
        ConfigUpdate::decode(&log.data)
    }

    fn receipt(success: bool, logs: Vec<Log>) -> Receipt {
        Receipt { status: Eip658Value::Eip658(success), cumulative_gas_used: 0, logs }
    }

    #[test]
    fn rule_5_1_topic_is_event_signature_hash() {
        assert_eq!(CONFIG_UPDATE_TOPIC, keccak256("ConfigUpdate(uint256,uint8,bytes)"));
        for ty in ConfigUpdateType::ALL {
            assert_eq!(ConfigUpdateType::from_topic(ty.topic()), Some(ty));
        }
        assert_eq!(ConfigUpdateType::from_topic(B256::with_last_byte(8)), None);
        let mut high = B256::with_last_byte(1);
        high.0[0] = 1;
        assert_eq!(ConfigUpdateType::from_topic(high), None);
    }

    #[test]
    fn rule_5_2_batcher() {
        let batcher = address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985");
        let log = update_log(0, batcher.into_word().as_slice());
        assert_eq!(decode(&log), Ok(ConfigUpdate::Batcher(batcher)));
        let mut cfg = SystemConfig::default();
        decode(&log).unwrap().apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!(cfg, SystemConfig { batcher_address: batcher, ..Default::default() });

        let mut dirty = batcher.into_word();
        dirty.0[11] = 1;
        assert_eq!(
            decode(&update_log(0, dirty.as_slice())),
            Err(ConfigUpdateError::NonZeroPadding {
                update_type: ConfigUpdateType::Batcher,
                field: "address"
            })
        );
    }

    #[test]
    fn rule_5_2_fee_scalars_before_ecotone() {
        let rollup = rollup();
        let before = rollup.ecotone_time.unwrap() - 1;
        let overhead = B256::from(U256::from(188));
        // A pre-Ecotone scalar is any word: no version check.
        let scalar = B256::repeat_byte(0xab);
        let mut payload = overhead.to_vec();
        payload.extend_from_slice(scalar.as_slice());
        let update = decode(&update_log(1, &payload)).unwrap();
        assert_eq!(update, ConfigUpdate::FeeScalars { overhead, scalar });
        let mut cfg = SystemConfig::default();
        update.apply(&mut cfg, &rollup, before).unwrap();
        assert_eq!((cfg.overhead, cfg.scalar), (overhead, scalar));
    }

    #[test]
    fn rule_5_2_fee_scalars_from_ecotone() {
        let rollup = rollup();
        let at = rollup.ecotone_time.unwrap();
        let old = SystemConfig {
            overhead: B256::from(U256::from(188)),
            scalar: B256::from(U256::from(684_000)),
            ..Default::default()
        };
        let with_scalar = |scalar: B256| {
            let mut payload = B256::from(U256::from(7)).to_vec();
            payload.extend_from_slice(scalar.as_slice());
            decode(&update_log(1, &payload)).unwrap()
        };

        // Version 1: stored as emitted, overhead zeroed.
        let v1 =
            crate::l1_info::EcotoneScalars { base_fee_scalar: 1368, blob_base_fee_scalar: 810_949 }
                .to_scalar();
        let mut cfg = old;
        with_scalar(v1).apply(&mut cfg, &rollup, at).unwrap();
        assert_eq!((cfg.overhead, cfg.scalar), (B256::ZERO, v1));

        // Version 0 with clean padding: accepted too.
        let v0 = B256::from(U256::from(684_000));
        let mut cfg = old;
        with_scalar(v0).apply(&mut cfg, &rollup, at).unwrap();
        assert_eq!((cfg.overhead, cfg.scalar), (B256::ZERO, v0));

        // Unusable scalars: ignored, the config is unchanged.
        let mut bad_v0 = v0;
        bad_v0.0[1] = 1;
        let mut bad_v1 = v1;
        bad_v1.0[23] = 1;
        let mut v2 = v1;
        v2.0[0] = 2;
        for (scalar, err) in [
            (bad_v0, ConfigUpdateError::ScalarPaddingNotEmpty { version: 0 }),
            (bad_v1, ConfigUpdateError::ScalarPaddingNotEmpty { version: 1 }),
            (v2, ConfigUpdateError::UnknownScalarVersion(2)),
        ] {
            let mut cfg = old;
            assert_eq!(with_scalar(scalar).apply(&mut cfg, &rollup, at), Err(err));
            assert_eq!(cfg, old);
        }
        // Version-0 bytes [28, 32) are the scalar itself, not padding.
        let mut v0_full = B256::ZERO;
        v0_full.0[28] = 0xff;
        let mut cfg = old;
        with_scalar(v0_full).apply(&mut cfg, &rollup, at).unwrap();
        assert_eq!(cfg.scalar, v0_full);
    }

    #[test]
    fn rule_5_2_gas_limit() {
        let update = decode(&update_log(2, &word_u64(60_000_000))).unwrap();
        assert_eq!(update, ConfigUpdate::GasLimit(60_000_000));
        let mut cfg = SystemConfig::default();
        update.apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!(cfg.gas_limit, 60_000_000);
        let mut dirty = word_u64(1);
        dirty[23] = 1;
        assert_eq!(
            decode(&update_log(2, &dirty)),
            Err(ConfigUpdateError::NonZeroPadding {
                update_type: ConfigUpdateType::GasLimit,
                field: "uint64"
            })
        );
    }

    #[test]
    fn rule_5_2_unsafe_block_signer_ignored() {
        let signer = address!("AAAA45d9549EDA09E70937013520214382Ffc4A2");
        let update = decode(&update_log(3, signer.into_word().as_slice())).unwrap();
        assert_eq!(update, ConfigUpdate::UnsafeBlockSigner);
        let mut cfg = rollup().genesis.system_config;
        update.apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!(cfg, rollup().genesis.system_config);
        // Its data is not read (op-node): even garbage decodes.
        let garbage = raw_log(
            vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, B256::with_last_byte(3)],
            vec![1, 2, 3],
        );
        assert_eq!(decode(&garbage), Ok(ConfigUpdate::UnsafeBlockSigner));
    }

    #[test]
    fn rule_5_2_eip1559_params() {
        let update = decode(&update_log(4, &word_u64(0x0000_00fa_0000_0006))).unwrap();
        let params = Eip1559Params { denominator: 250, elasticity: 6 };
        assert_eq!(update, ConfigUpdate::Eip1559Params(params));
        let mut cfg = SystemConfig::default();
        update.apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!(cfg.eip1559_params, params);
        // Only bytes [24, 32) count; the rest of the word is not checked (op-node).
        let mut high = word_u64(0x0000_0032_0000_0004);
        high[0] = 0xff;
        high[23] = 0x01;
        assert_eq!(
            decode(&update_log(4, &high)),
            Ok(ConfigUpdate::Eip1559Params(Eip1559Params { denominator: 50, elasticity: 4 }))
        );
        // 0, 0 is allowed (Canyon constants); a zero denominator alone is not.
        assert_eq!(
            decode(&update_log(4, &word_u64(0))),
            Ok(ConfigUpdate::Eip1559Params(Eip1559Params::default()))
        );
        assert_eq!(
            decode(&update_log(4, &word_u64(6))),
            Err(ConfigUpdateError::ZeroDenominator { elasticity: 6 })
        );
        // A zero elasticity with a denominator passes, as in op-geth.
        assert_eq!(
            decode(&update_log(4, &word_u64(250 << 32))),
            Ok(ConfigUpdate::Eip1559Params(Eip1559Params { denominator: 250, elasticity: 0 }))
        );
    }

    #[test]
    fn rule_5_2_operator_fee_params() {
        let word: [u8; 32] = ((U256::from(7u32) << 64usize) | U256::from(9u64)).to_be_bytes::<32>();
        let update = decode(&update_log(5, &word)).unwrap();
        assert_eq!(update, ConfigUpdate::OperatorFeeParams { scalar: 7, constant: 9 });
        let mut cfg = SystemConfig::default();
        update.apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!((cfg.operator_fee_scalar, cfg.operator_fee_constant), (7, 9));
        assert_eq!(cfg.operator_fee_params(), B256::from(word));
        let max: [u8; 32] =
            ((U256::from(u32::MAX) << 64usize) | U256::from(u64::MAX)).to_be_bytes::<32>();
        assert_eq!(
            decode(&update_log(5, &max)),
            Ok(ConfigUpdate::OperatorFeeParams { scalar: u32::MAX, constant: u64::MAX })
        );
        // Bytes [0, 20) are not read (op-node keeps only the low 12).
        let mut high = word;
        high[19] = 1;
        assert_eq!(decode(&update_log(5, &high)), Ok(update));
    }

    #[test]
    fn rule_5_2_min_base_fee() {
        let update = decode(&update_log(6, &word_u64(200_000))).unwrap();
        assert_eq!(update, ConfigUpdate::MinBaseFee(200_000));
        let mut cfg = SystemConfig::default();
        update.apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!(cfg.min_base_fee, 200_000);
        let mut dirty = word_u64(1);
        dirty[0] = 1;
        assert_eq!(
            decode(&update_log(6, &dirty)),
            Err(ConfigUpdateError::NonZeroPadding {
                update_type: ConfigUpdateType::MinBaseFee,
                field: "uint64"
            })
        );
    }

    #[test]
    fn rule_5_2_da_footprint_gas_scalar() {
        let update = decode(&update_log(7, &word_u64(312))).unwrap();
        assert_eq!(update, ConfigUpdate::DaFootprintGasScalar(312));
        let mut cfg = SystemConfig::default();
        update.apply(&mut cfg, &rollup(), 0).unwrap();
        assert_eq!(cfg.da_footprint_gas_scalar, 312);
        assert_eq!(
            decode(&update_log(7, &word_u64(65_536))),
            Err(ConfigUpdateError::NonZeroPadding {
                update_type: ConfigUpdateType::DaFootprintGasScalar,
                field: "uint16"
            })
        );
    }

    #[test]
    fn rule_5_1_topics_and_version() {
        let data = abi_bytes(&word_u64(1));
        let gas = B256::with_last_byte(2);
        let cases = [
            (vec![], ConfigUpdateError::WrongTopicCount(0)),
            (vec![CONFIG_UPDATE_TOPIC, B256::ZERO], ConfigUpdateError::WrongTopicCount(2)),
            (
                vec![CONFIG_UPDATE_TOPIC, B256::ZERO, gas, B256::ZERO],
                ConfigUpdateError::WrongTopicCount(4),
            ),
            (
                vec![B256::repeat_byte(1), B256::ZERO, gas],
                ConfigUpdateError::NotConfigUpdate(B256::repeat_byte(1)),
            ),
            (
                vec![CONFIG_UPDATE_TOPIC, B256::with_last_byte(1), gas],
                ConfigUpdateError::UnsupportedVersion(B256::with_last_byte(1)),
            ),
            (
                vec![CONFIG_UPDATE_TOPIC, B256::ZERO, B256::with_last_byte(8)],
                ConfigUpdateError::UnknownType(B256::with_last_byte(8)),
            ),
            (
                vec![CONFIG_UPDATE_TOPIC, B256::ZERO, B256::repeat_byte(2)],
                ConfigUpdateError::UnknownType(B256::repeat_byte(2)),
            ),
        ];
        for (topics, err) in cases {
            assert_eq!(decode(&raw_log(topics.clone(), data.clone())), Err(err), "{topics:?}");
        }
    }

    #[test]
    fn rule_5_1_abi_framing() {
        let ty = ConfigUpdateType::GasLimit;
        let good = abi_bytes(&word_u64(5));
        let log = |data: Vec<u8>| {
            raw_log(vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, ty.topic()], data)
        };
        assert_eq!(decode(&log(good.clone())), Ok(ConfigUpdate::GasLimit(5)));
        // Every truncation.
        for cut in [0usize, 1, 31, 32, 63, 64, 95] {
            let err = decode(&log(good[..cut].to_vec())).unwrap_err();
            assert_eq!(
                err,
                ConfigUpdateError::Truncated { update_type: ty, expected: 96, actual: cut },
                "cut {cut}"
            );
        }
        // Trailing bytes (even zeros).
        let mut long = good.clone();
        long.extend_from_slice(&[0; 32]);
        assert_eq!(
            decode(&log(long)),
            Err(ConfigUpdateError::TrailingBytes { update_type: ty, extra: 32 })
        );
        let mut one = good.clone();
        one.push(0);
        assert_eq!(
            decode(&log(one)),
            Err(ConfigUpdateError::TrailingBytes { update_type: ty, extra: 1 })
        );
        // Offset other than 32, including 32 with dirty high bytes.
        let mut bad_offset = good.clone();
        bad_offset[31] = 64;
        assert_eq!(
            decode(&log(bad_offset)),
            Err(ConfigUpdateError::BadOffset { update_type: ty, offset: U256::from(64) })
        );
        let mut dirty_offset = good.clone();
        dirty_offset[0] = 1;
        assert!(matches!(decode(&log(dirty_offset)), Err(ConfigUpdateError::BadOffset { .. })));
        // Length other than the type's.
        let mut bad_length = good.clone();
        bad_length[63] = 31;
        assert_eq!(
            decode(&log(bad_length)),
            Err(ConfigUpdateError::BadLength {
                update_type: ty,
                length: U256::from(31),
                expected: 32
            })
        );
        // FEE_SCALARS needs 64 bytes: a one-word payload is a bad length.
        let fee = raw_log(
            vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, B256::with_last_byte(1)],
            good,
        );
        assert_eq!(
            decode(&fee),
            Err(ConfigUpdateError::BadLength {
                update_type: ConfigUpdateType::FeeScalars,
                length: U256::from(32),
                expected: 64
            })
        );
    }

    #[test]
    fn rule_5_1_random_data_never_panics() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for len in 0..300usize {
            let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            for ty in 0..9u8 {
                let log = raw_log(
                    vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, B256::with_last_byte(ty)],
                    data.clone(),
                );
                let _ = decode(&log);
                // A valid header with random payload words.
                let mut framed = abi_bytes(&[]);
                framed[63] = if ty == 1 { 64 } else { 32 };
                framed.extend_from_slice(&data);
                let _ = decode(&raw_log(log.topics().to_vec(), framed));
            }
        }
    }

    #[test]
    fn rule_5_1_apply_receipts_skips_bad_logs_and_keeps_going() {
        let rollup = rollup();
        let l1_time = rollup.ecotone_time.unwrap() + 100;
        let batcher = address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985");
        let mut bad_batcher = batcher.into_word();
        bad_batcher.0[0] = 1;
        let other_contract = {
            let mut l = update_log(2, &word_u64(1));
            l.address = address!("0000000000000000000000000000000000000001");
            l
        };
        let other_event = raw_log(vec![B256::repeat_byte(9)], vec![]);
        let wrong_version = raw_log(
            vec![CONFIG_UPDATE_TOPIC, B256::with_last_byte(1), B256::with_last_byte(2)],
            abi_bytes(&word_u64(2)),
        );
        let receipts = vec![
            // log 0: other event, ignored silently; log 1: gas limit 10.
            receipt(true, vec![other_event, update_log(2, &word_u64(10))]),
            // logs 2, 3: a failed receipt's updates are not applied and not reported.
            receipt(false, vec![update_log(2, &word_u64(99)), update_log(0, &[0; 32])]),
            // log 4: malformed batcher, skipped; log 5: valid batcher.
            receipt(
                true,
                vec![
                    update_log(0, bad_batcher.as_slice()),
                    update_log(0, batcher.into_word().as_slice()),
                ],
            ),
            // log 6: another contract; log 7: wrong version; log 8: unknown type;
            // log 9: truncated; log 10: gas limit 20.
            receipt(
                true,
                vec![
                    other_contract,
                    wrong_version,
                    update_log(9, &word_u64(1)),
                    raw_log(
                        vec![CONFIG_UPDATE_TOPIC, CONFIG_UPDATE_VERSION_0, B256::with_last_byte(6)],
                        abi_bytes(&word_u64(7))[..40].to_vec(),
                    ),
                    update_log(2, &word_u64(20)),
                ],
            ),
            // log 11: an unusable Ecotone scalar (ignored); log 12: min base fee.
            receipt(
                true,
                vec![update_log(1, &[[0u8; 32], [2u8; 32]].concat()), update_log(6, &word_u64(7))],
            ),
        ];
        let mut cfg = rollup.genesis.system_config;
        let skipped = apply_receipts(&mut cfg, &receipts, &rollup, l1_time);
        assert_eq!(
            cfg,
            SystemConfig {
                batcher_address: batcher,
                gas_limit: 20,
                min_base_fee: 7,
                ..rollup.genesis.system_config
            }
        );
        let indices: Vec<u64> = skipped.iter().map(|(i, _)| *i).collect();
        assert_eq!(indices, [4, 7, 8, 9, 11]);
        assert_eq!(
            skipped[0].1,
            ConfigUpdateError::NonZeroPadding {
                update_type: ConfigUpdateType::Batcher,
                field: "address"
            }
        );
        assert_eq!(skipped[1].1, ConfigUpdateError::UnsupportedVersion(B256::with_last_byte(1)));
        assert_eq!(skipped[2].1, ConfigUpdateError::UnknownType(B256::with_last_byte(9)));
        assert_eq!(
            skipped[3].1,
            ConfigUpdateError::Truncated {
                update_type: ConfigUpdateType::MinBaseFee,
                expected: 96,
                actual: 40
            }
        );
        assert_eq!(skipped[4].1, ConfigUpdateError::UnknownScalarVersion(2));
    }

    #[test]
    fn rule_5_1_apply_receipts_in_order_last_wins() {
        let rollup = rollup();
        let receipts = vec![
            receipt(true, vec![update_log(2, &word_u64(1)), update_log(2, &word_u64(2))]),
            receipt(true, vec![update_log(2, &word_u64(3))]),
        ];
        let mut cfg = SystemConfig::default();
        assert!(apply_receipts(&mut cfg, &receipts, &rollup, 0).is_empty());
        assert_eq!(cfg.gas_limit, 3);
        // No receipts: nothing changes.
        let mut cfg2 = cfg;
        assert!(apply_receipts::<Receipt>(&mut cfg2, &[], &rollup, 0).is_empty());
        assert_eq!(cfg2, cfg);
    }
}
