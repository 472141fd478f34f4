//! User deposits: `TransactionDeposited` logs of the OptimismPortal turned into deposit
//! transactions (spec: deposits.md § User-Deposited Transactions; derivation.md § Deriving the
//! Transaction List).
//!
//! The event is
//! `TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData)`,
//! so a well-formed log has 4 topics and ABI data `offset(=32) ++ length ++ opaqueData ++ padding`.
//! Version 0 `opaqueData` is tightly packed:
//! `mint(32) ++ value(32) ++ gasLimit(8) ++ isCreation(1) ++ data`.
//!
//! Checks follow op-node (`UnmarshalDepositLogEvent`): the padding of the address topics and
//! the bytes after `opaqueData` are not checked; any non-zero `isCreation` byte means creation.

use super::{DepositError, source_hash::user_deposit_source_hash};
use alloc::{boxed::Box, vec::Vec};
use alloy_consensus::TxReceipt;
use alloy_primitives::{Address, B256, Bytes, Log, LogData, TxKind, U256, b256};
use core::borrow::Borrow;
use op_alloy_consensus::TxDeposit;

/// `keccak256("TransactionDeposited(address,address,uint256,bytes)")`: topic 0 of a deposit log.
pub const TRANSACTION_DEPOSITED_TOPIC: B256 =
    b256!("b3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32");

/// Minimum `opaqueData` length for version 0: mint, value, gas limit and the creation flag.
const OPAQUE_V0_MIN_LEN: usize = 32 + 32 + 8 + 1;

/// Decodes one `TransactionDeposited` log into its deposit transaction.
///
/// `l1_block_hash` and `log_index` (the log's index among all logs of the L1 block) form the
/// source hash. The caller has already matched the portal address and topic 0; topic 0 is
/// checked again here so the function is safe on any log.
///
/// Every error is **critical** for derivation: the deposit cannot be skipped.
pub fn deposit_from_log(
    log: &Log,
    l1_block_hash: B256,
    log_index: u64,
) -> Result<TxDeposit, DepositError> {
    let topics = log.topics();
    let [topic0, from, to, version] = topics else {
        return Err(DepositError::WrongTopicCount(topics.len()));
    };
    if *topic0 != TRANSACTION_DEPOSITED_TOPIC {
        return Err(DepositError::NotTransactionDeposited(*topic0));
    }
    let data = log.data.data.as_ref();
    let (offset_word, rest) =
        data.split_first_chunk::<32>().ok_or(DepositError::DataTooShort(data.len()))?;
    let (length_word, tail) =
        rest.split_first_chunk::<32>().ok_or(DepositError::DataTooShort(data.len()))?;
    if data.len() % 32 != 0 {
        return Err(DepositError::DataNotWordAligned(data.len()));
    }
    let offset = U256::from_be_bytes(*offset_word);
    if offset != U256::from(32) {
        return Err(DepositError::BadOpaqueOffset(offset));
    }
    // The length must fit the data, and the data must carry the minimal padding: fewer than 32
    // bytes beyond the content.
    let length = U256::from_be_bytes(*length_word);
    let bad_length = || DepositError::BadOpaqueLength { length, available: tail.len() };
    let len = usize::try_from(length).map_err(|_| bad_length())?;
    if len > tail.len() || len.saturating_add(32) <= tail.len() {
        return Err(bad_length());
    }
    let opaque = tail.get(..len).ok_or_else(bad_length)?;
    if !version.is_zero() {
        return Err(DepositError::UnsupportedVersion(*version));
    }
    let from = Address::from_word(*from);
    let to = Address::from_word(*to);
    decode_opaque_v0(opaque, from, to, user_deposit_source_hash(l1_block_hash, log_index))
}

/// Decodes version-0 `opaqueData`.
fn decode_opaque_v0(
    opaque: &[u8],
    from: Address,
    to: Address,
    source_hash: B256,
) -> Result<TxDeposit, DepositError> {
    let too_short = DepositError::OpaqueDataTooShort(opaque.len());
    let (mint, rest) = opaque.split_first_chunk::<32>().ok_or(too_short.clone())?;
    let (value, rest) = rest.split_first_chunk::<32>().ok_or(too_short.clone())?;
    let (gas, rest) = rest.split_first_chunk::<8>().ok_or(too_short.clone())?;
    let (is_creation, input) = rest.split_first().ok_or(too_short)?;
    let mint = U256::from_be_bytes(*mint);
    // op-alloy holds mint as u128. A larger mint cannot come from a real portal (it is the
    // msg.value of an L1 call, bounded by the ether supply), so it is rejected, not truncated.
    let mint = u128::try_from(mint).map_err(|_| DepositError::MintTooLarge(mint))?;
    Ok(TxDeposit {
        source_hash,
        from,
        to: if *is_creation == 0 { TxKind::Call(to) } else { TxKind::Create },
        mint,
        value: U256::from_be_bytes(*value),
        gas_limit: u64::from_be_bytes(*gas),
        is_system_transaction: false,
        input: Bytes::copy_from_slice(input),
    })
}

/// Whether a log is a deposit event of `portal`: its address is the portal and its topic 0 is
/// [`TRANSACTION_DEPOSITED_TOPIC`]. Such a log must decode; other logs are ignored.
pub fn is_deposit_log(log: &Log, portal: Address) -> bool {
    log.address == portal && log.topics().first() == Some(&TRANSACTION_DEPOSITED_TOPIC)
}

/// The user deposits of one L1 block, in log order.
///
/// Scans the receipts of the block (all of them, in block order) and decodes every log of
/// `portal` with the `TransactionDeposited` topic, in receipts with a successful status.
///
/// The source hash needs each log's index among **all logs of the block**. It is computed here
/// as the running count of logs over every receipt, failed ones included, which is the index the
/// node reports (`logIndex`); hence `receipts` must be the block's complete receipt list. A
/// failed receipt has no logs after EIP-658 anyway.
///
/// Any malformed deposit log is an error, returned as [`DepositError::InBlock`] with its
/// position: derivation must treat it as critical and never skip the deposit.
pub fn deposits_from_receipts<R>(
    receipts: &[R],
    portal: Address,
    l1_block_hash: B256,
) -> Result<Vec<TxDeposit>, DepositError>
where
    R: TxReceipt,
    R::Log: Borrow<Log>,
{
    let mut deposits = Vec::new();
    let mut log_index: u64 = 0;
    for (receipt_index, receipt) in receipts.iter().enumerate() {
        let success = receipt.status();
        for log in receipt.logs() {
            let log: &Log = log.borrow();
            if success && is_deposit_log(log, portal) {
                let tx = deposit_from_log(log, l1_block_hash, log_index).map_err(|defect| {
                    DepositError::InBlock { receipt_index, log_index, defect: Box::new(defect) }
                })?;
                deposits.push(tx);
            }
            log_index = log_index.saturating_add(1);
        }
    }
    Ok(deposits)
}

/// The `TransactionDeposited` log the portal emits for `tx` (the inverse of
/// [`deposit_from_log`], version 0; the source hash and system flag are not part of a log).
///
/// For tests and fixtures: it builds the log a deposit would come from.
pub fn transaction_deposited_log(portal: Address, tx: &TxDeposit) -> Log {
    let (to, is_creation) = match tx.to {
        TxKind::Call(to) => (to, 0u8),
        TxKind::Create => (Address::ZERO, 1u8),
    };
    let mut opaque = Vec::with_capacity(OPAQUE_V0_MIN_LEN + tx.input.len());
    opaque.extend_from_slice(&U256::from(tx.mint).to_be_bytes::<32>());
    opaque.extend_from_slice(&tx.value.to_be_bytes::<32>());
    opaque.extend_from_slice(&tx.gas_limit.to_be_bytes());
    opaque.push(is_creation);
    opaque.extend_from_slice(&tx.input);

    let padded = opaque.len().div_ceil(32) * 32;
    let mut data = Vec::with_capacity(64 + padded);
    data.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    data.extend_from_slice(&U256::from(opaque.len()).to_be_bytes::<32>());
    data.extend_from_slice(&opaque);
    data.resize(64 + padded, 0);

    let topics =
        alloc::vec![TRANSACTION_DEPOSITED_TOPIC, tx.from.into_word(), to.into_word(), B256::ZERO];
    Log { address: portal, data: LogData::new_unchecked(topics, data.into()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloy_consensus::{Eip658Value, Receipt};
    use alloy_primitives::{address, keccak256};

    const PORTAL: Address = address!("bEb5Fc579115071764c7423A4f12eDde41f106Ed");
    const BLOCK: B256 = B256::repeat_byte(0x11);

    fn sample_tx() -> TxDeposit {
        TxDeposit {
            source_hash: B256::ZERO,
            from: address!("1a1E021A302C237453D3D45c7B82B19cEEB7E2e6"),
            to: TxKind::Call(address!("00000000000000000000000000000000000000aa")),
            mint: 5,
            value: U256::from(69),
            gas_limit: 21_000,
            is_system_transaction: false,
            input: Bytes::from_static(&[1, 2, 3, 4, 5]),
        }
    }

    fn sample_log() -> Log {
        transaction_deposited_log(PORTAL, &sample_tx())
    }

    fn with_data(log: &Log, data: Vec<u8>) -> Log {
        Log {
            address: log.address,
            data: LogData::new_unchecked(log.topics().to_vec(), data.into()),
        }
    }

    fn with_topics(log: &Log, topics: Vec<B256>) -> Log {
        Log { address: log.address, data: LogData::new_unchecked(topics, log.data.data.clone()) }
    }

    fn word(n: u64) -> [u8; 32] {
        U256::from(n).to_be_bytes()
    }

    #[test]
    fn rule_4_7_topic0_is_the_event_signature() {
        assert_eq!(
            keccak256("TransactionDeposited(address,address,uint256,bytes)"),
            TRANSACTION_DEPOSITED_TOPIC
        );
    }

    #[test]
    fn rule_4_7_log_round_trip() {
        let log = sample_log();
        assert_eq!(log.data.data.len(), 64 + 96, "78 bytes of opaque data pad to 96");
        let tx = deposit_from_log(&log, BLOCK, 9).unwrap();
        let mut expected = sample_tx();
        expected.source_hash = user_deposit_source_hash(BLOCK, 9);
        assert_eq!(tx, expected);
    }

    #[test]
    fn rule_4_7_creation_flag() {
        let mut create = sample_tx();
        create.to = TxKind::Create;
        let log = transaction_deposited_log(PORTAL, &create);
        assert_eq!(deposit_from_log(&log, BLOCK, 0).unwrap().to, TxKind::Create);
        // Any non-zero flag byte means creation (op-node), and `to` is then dropped.
        let mut data = sample_log().data.data.to_vec();
        data[64 + 72] = 7;
        let tx = deposit_from_log(&with_data(&sample_log(), data), BLOCK, 0).unwrap();
        assert_eq!(tx.to, TxKind::Create);
    }

    #[test]
    fn rule_4_7_wrong_topic_count() {
        let log = sample_log();
        for n in [0usize, 1, 3, 5] {
            let mut topics = log.topics().to_vec();
            topics.resize(n, B256::ZERO);
            if n > 0 {
                topics[0] = TRANSACTION_DEPOSITED_TOPIC;
            }
            assert_eq!(
                deposit_from_log(&with_topics(&log, topics), BLOCK, 0),
                Err(DepositError::WrongTopicCount(n))
            );
        }
    }

    #[test]
    fn rule_4_7_wrong_topic0() {
        let log = sample_log();
        let mut topics = log.topics().to_vec();
        topics[0] = B256::repeat_byte(1);
        assert_eq!(
            deposit_from_log(&with_topics(&log, topics), BLOCK, 0),
            Err(DepositError::NotTransactionDeposited(B256::repeat_byte(1)))
        );
    }

    #[test]
    fn rule_4_7_version_must_be_zero() {
        let log = sample_log();
        let mut topics = log.topics().to_vec();
        topics[3] = B256::with_last_byte(1);
        assert_eq!(
            deposit_from_log(&with_topics(&log, topics), BLOCK, 0),
            Err(DepositError::UnsupportedVersion(B256::with_last_byte(1)))
        );
    }

    #[test]
    fn rule_4_7_data_too_short_or_unaligned() {
        let log = sample_log();
        for n in [0usize, 31, 32, 63] {
            assert_eq!(
                deposit_from_log(&with_data(&log, vec![0; n]), BLOCK, 0),
                Err(DepositError::DataTooShort(n))
            );
        }
        let mut data = log.data.data.to_vec();
        data.push(0);
        assert_eq!(
            deposit_from_log(&with_data(&log, data), BLOCK, 0),
            Err(DepositError::DataNotWordAligned(161))
        );
    }

    #[test]
    fn rule_4_7_bad_abi_offset() {
        let log = sample_log();
        for bad in [U256::ZERO, U256::from(64), U256::MAX, U256::from(32) << 200] {
            let mut data = log.data.data.to_vec();
            data[..32].copy_from_slice(&bad.to_be_bytes::<32>());
            assert_eq!(
                deposit_from_log(&with_data(&log, data), BLOCK, 0),
                Err(DepositError::BadOpaqueOffset(bad))
            );
        }
    }

    #[test]
    fn rule_4_7_bad_abi_length() {
        let log = sample_log();
        // 96 bytes follow the header: lengths 65..=96 pass the ABI checks (65 then fails as
        // too short for version 0, which needs 73).
        let mut data = log.data.data.to_vec();
        data[32..64].copy_from_slice(&word(65));
        assert_eq!(
            deposit_from_log(&with_data(&log, data), BLOCK, 0),
            Err(DepositError::OpaqueDataTooShort(65))
        );
        for (len, ok) in [(64u64, false), (73, true), (78, true), (96, true), (97, false)] {
            let mut data = log.data.data.to_vec();
            data[32..64].copy_from_slice(&word(len));
            let got = deposit_from_log(&with_data(&log, data), BLOCK, 0);
            if ok {
                assert!(got.is_ok(), "length {len}: {got:?}");
            } else {
                assert_eq!(
                    got,
                    Err(DepositError::BadOpaqueLength { length: U256::from(len), available: 96 })
                );
            }
        }
        // A length beyond usize / u64.
        let mut data = log.data.data.to_vec();
        data[32..64].copy_from_slice(&U256::MAX.to_be_bytes::<32>());
        assert_eq!(
            deposit_from_log(&with_data(&log, data), BLOCK, 0),
            Err(DepositError::BadOpaqueLength { length: U256::MAX, available: 96 })
        );
    }

    #[test]
    fn rule_4_7_excess_padding_is_rejected() {
        // The real content plus one extra zero word: not minimal padding.
        let log = sample_log();
        let mut data = log.data.data.to_vec();
        data.extend_from_slice(&[0; 32]);
        assert_eq!(
            deposit_from_log(&with_data(&log, data), BLOCK, 0),
            Err(DepositError::BadOpaqueLength { length: U256::from(78), available: 128 })
        );
    }

    #[test]
    fn rule_4_7_truncated_opaque_data() {
        let log = sample_log();
        for len in [0u64, 1, 32, 64, 72] {
            let mut data = Vec::new();
            data.extend_from_slice(&word(32));
            data.extend_from_slice(&word(len));
            data.extend_from_slice(&log.data.data[64..64 + len as usize]);
            data.resize(64 + (len as usize).div_ceil(32) * 32, 0);
            assert_eq!(
                deposit_from_log(&with_data(&log, data), BLOCK, 0),
                Err(DepositError::OpaqueDataTooShort(len as usize))
            );
        }
        // 73 bytes is the minimum: empty calldata.
        let mut data = Vec::new();
        data.extend_from_slice(&word(32));
        data.extend_from_slice(&word(73));
        data.extend_from_slice(&log.data.data[64..64 + 73]);
        data.resize(64 + 96, 0);
        let tx = deposit_from_log(&with_data(&log, data), BLOCK, 0).unwrap();
        assert!(tx.input.is_empty());
    }

    #[test]
    fn rule_4_7_mint_beyond_u128_is_rejected() {
        let log = sample_log();
        let mut data = log.data.data.to_vec();
        data[64..96].copy_from_slice(&(U256::from(1u8) << 128usize).to_be_bytes::<32>());
        assert_eq!(
            deposit_from_log(&with_data(&log, data), BLOCK, 0),
            Err(DepositError::MintTooLarge(U256::from(1u8) << 128usize))
        );
    }

    #[test]
    fn rule_4_7_topic_padding_is_ignored() {
        // op-node takes the low 20 bytes of the address topics without checking the rest.
        let log = sample_log();
        let mut topics = log.topics().to_vec();
        topics[1].0[0] = 0xff;
        let tx = deposit_from_log(&with_topics(&log, topics), BLOCK, 0).unwrap();
        assert_eq!(tx.from, sample_tx().from);
    }

    fn receipt(success: bool, logs: Vec<Log>) -> Receipt {
        Receipt { status: Eip658Value::Eip658(success), cumulative_gas_used: 0, logs }
    }

    fn other_log() -> Log {
        Log::new_unchecked(PORTAL, vec![B256::repeat_byte(9)], Bytes::new())
    }

    #[test]
    fn rule_4_7_scan_uses_block_wide_log_index() {
        let dep = sample_log();
        let foreign = Log { address: Address::repeat_byte(1), data: dep.data.clone() };
        let receipts = vec![
            receipt(true, vec![other_log(), other_log()]), // logs 0, 1
            receipt(false, vec![dep.clone()]),             // log 2: failed receipt, skipped
            receipt(true, vec![foreign, dep.clone()]),     // log 3 not the portal; log 4
            receipt(true, vec![]),
            receipt(true, vec![other_log(), dep.clone()]), // logs 5, 6
        ];
        let txs = deposits_from_receipts(&receipts, PORTAL, BLOCK).unwrap();
        let hashes: Vec<B256> = txs.iter().map(|t| t.source_hash).collect();
        assert_eq!(
            hashes,
            vec![user_deposit_source_hash(BLOCK, 4), user_deposit_source_hash(BLOCK, 6)]
        );
    }

    #[test]
    fn rule_4_7_malformed_deposit_in_block_is_an_error_with_position() {
        let bad = with_data(&sample_log(), vec![0; 64]);
        let receipts =
            vec![receipt(true, vec![other_log()]), receipt(true, vec![sample_log(), bad.clone()])];
        assert_eq!(
            deposits_from_receipts(&receipts, PORTAL, BLOCK),
            Err(DepositError::InBlock {
                receipt_index: 1,
                log_index: 2,
                defect: Box::new(DepositError::BadOpaqueOffset(U256::ZERO)),
            })
        );
        // The same log in a failed receipt, or from another contract, is not a deposit.
        let receipts = vec![receipt(false, vec![bad.clone()])];
        assert_eq!(deposits_from_receipts(&receipts, PORTAL, BLOCK), Ok(vec![]));
        let foreign = Log { address: Address::ZERO, data: bad.data };
        let receipts = vec![receipt(true, vec![foreign])];
        assert_eq!(deposits_from_receipts(&receipts, PORTAL, BLOCK), Ok(vec![]));
    }

    #[test]
    fn rule_4_7_wrong_topic_count_in_block_is_critical() {
        // Topic 0 matches but a topic is missing: selected, then rejected.
        let log = sample_log();
        let short = with_topics(&log, log.topics()[..3].to_vec());
        let receipts = vec![receipt(true, vec![short])];
        assert!(matches!(
            deposits_from_receipts(&receipts, PORTAL, BLOCK),
            Err(DepositError::InBlock { defect, .. }) if *defect == DepositError::WrongTopicCount(3)
        ));
    }

    #[test]
    fn random_log_data_never_panics() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let log = sample_log();
        for len in 0..400usize {
            let mut data = Vec::with_capacity(len);
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                data.push(x as u8);
            }
            if len >= 64 && x.is_multiple_of(2) {
                data[..32].copy_from_slice(&word(32));
                data[32..64].copy_from_slice(&word((x >> 8) % 512));
            }
            let _ = deposit_from_log(&with_data(&log, data), BLOCK, 0);
        }
    }
}
