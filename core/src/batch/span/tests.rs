//! Unit tests for the span batch codec (checklist §3.2).

use super::*;
use crate::batch::span::tx_data::ParsedTxData;
use alloc::{vec, vec::Vec};
use alloy_consensus::{Signed, TxEip1559, TxEip2930, TxEip4844, TxEip7702, TxLegacy};
use alloy_eips::{
    eip2718::Encodable2718,
    eip2930::{AccessList, AccessListItem},
    eip7702::{Authorization, SignedAuthorization},
};
use alloy_primitives::{Address, B256, Signature, TxKind, U256};

const CHAIN: u64 = 10;
const GENESIS: u64 = 1_686_068_903;
const BLOCK_TIME: u64 = 2;

fn sig(i: u64, y: bool) -> Signature {
    Signature::new(U256::from(0x1000 + i) << 200, U256::from(0x2000 + i), y)
}

fn to(i: u64) -> Address {
    Address::with_last_byte(i as u8)
}

fn access_list(i: u64) -> AccessList {
    AccessList(vec![AccessListItem {
        address: to(i + 100),
        storage_keys: vec![B256::with_last_byte(i as u8), B256::repeat_byte(0xaa)],
    }])
}

fn legacy(i: u64, chain_id: Option<u64>, to_: TxKind) -> Bytes {
    let tx = TxLegacy {
        chain_id,
        nonce: i,
        gas_price: 1_000_000_000 + u128::from(i),
        gas_limit: 21_000 + i,
        to: to_,
        value: U256::from(i) * U256::from(10u64).pow(U256::from(18)),
        input: Bytes::from(vec![i as u8; (i % 5) as usize]),
    };
    Signed::new_unhashed(tx, sig(i, i % 2 == 1)).encoded_2718().into()
}

fn eip2930(i: u64, to_: TxKind) -> Bytes {
    let tx = TxEip2930 {
        chain_id: CHAIN,
        nonce: i,
        gas_price: 7 + u128::from(i),
        gas_limit: 50_000,
        to: to_,
        value: U256::ZERO,
        access_list: access_list(i),
        input: Bytes::from(vec![0xde, 0xad, i as u8]),
    };
    Signed::new_unhashed(tx, sig(i, true)).encoded_2718().into()
}

fn eip1559(i: u64, to_: TxKind, chain_id: u64) -> Bytes {
    let tx = TxEip1559 {
        chain_id,
        nonce: i,
        gas_limit: 90_000 + i,
        max_fee_per_gas: 3_000_000_000,
        max_priority_fee_per_gas: 1_000,
        to: to_,
        value: U256::from(i),
        access_list: if i.is_multiple_of(2) { AccessList::default() } else { access_list(i) },
        input: Bytes::from(vec![0x60; 40]),
    };
    Signed::new_unhashed(tx, sig(i, false)).encoded_2718().into()
}

fn eip7702(i: u64) -> Bytes {
    let auth = Authorization { chain_id: U256::from(CHAIN), address: to(200), nonce: 3 };
    let tx = TxEip7702 {
        chain_id: CHAIN,
        nonce: i,
        gas_limit: 100_000,
        max_fee_per_gas: 2_000,
        max_priority_fee_per_gas: 1_000,
        to: to(i),
        value: U256::from(5u64),
        access_list: access_list(i),
        authorization_list: vec![SignedAuthorization::new_unchecked(
            auth,
            1,
            U256::from(11u64),
            U256::from(12u64),
        )],
        input: Bytes::new(),
    };
    Signed::new_unhashed(tx, sig(i, true)).encoded_2718().into()
}

/// Three blocks with every tx type, creations, an empty block and an epoch change.
fn elements() -> Vec<SpanBatchElement> {
    vec![
        SpanBatchElement {
            timestamp: GENESIS + 100,
            epoch_num: 500,
            transactions: vec![
                legacy(1, Some(CHAIN), TxKind::Call(to(1))),
                eip1559(2, TxKind::Call(to(2)), CHAIN),
            ],
        },
        SpanBatchElement { timestamp: GENESIS + 102, epoch_num: 500, transactions: vec![] },
        SpanBatchElement {
            timestamp: GENESIS + 104,
            epoch_num: 501,
            transactions: vec![
                eip2930(3, TxKind::Create),
                legacy(4, None, TxKind::Call(to(4))),
                eip7702(5),
                eip1559(6, TxKind::Create, CHAIN),
                legacy(7, None, TxKind::Create),
            ],
        },
    ]
}

fn parent_check() -> FixedBytes<20> {
    FixedBytes::repeat_byte(0x11)
}

fn origin_check() -> FixedBytes<20> {
    FixedBytes::repeat_byte(0x22)
}

fn build() -> RawSpanBatch {
    RawSpanBatch::from_elements(&elements(), parent_check(), origin_check(), true, GENESIS, CHAIN)
        .unwrap()
}

fn encoded(batch: &RawSpanBatch) -> Vec<u8> {
    let mut out = Vec::new();
    batch.encode(&mut out);
    out
}

/// Offset of the first `tx_datas` entry in the encoding of `batch`.
fn tx_datas_offset(batch: &RawSpanBatch) -> usize {
    let mut out = Vec::new();
    batch.prefix.encode(&mut out);
    let p = &batch.payload;
    write_uvarint(&mut out, p.block_count);
    p.origin_bits.encode(&mut out);
    for &c in &p.block_tx_counts {
        write_uvarint(&mut out, c);
    }
    p.txs.contract_creation_bits.encode(&mut out);
    p.txs.y_parity_bits.encode(&mut out);
    out.len() + 64 * p.txs.tx_sigs.len() + 20 * p.txs.tx_tos.len()
}

#[test]
fn rule_3_2_span_batch_roundtrip() {
    let batch = build();
    assert_eq!(batch.block_count(), 3);
    assert_eq!(batch.tx_count(), 7);
    assert_eq!(batch.prefix.rel_timestamp, 100);
    assert_eq!(batch.prefix.l1_origin_num, 501);
    assert_eq!(batch.payload.txs.contract_creation_count(), 3);
    assert_eq!(batch.payload.txs.legacy_count(), 3);
    assert_eq!(batch.payload.txs.protected_bits.iter().collect::<Vec<_>>(), [true, false, false]);
    assert_eq!(batch.payload.txs.tx_type(4), Some(SpanTxType::Eip7702));

    let bytes = encoded(&batch);
    let (decoded, used) = RawSpanBatch::decode(&bytes).unwrap();
    assert_eq!(used, bytes.len());
    assert_eq!(decoded, batch);
    assert_eq!(encoded(&decoded), bytes);

    // Trailing bytes are the caller's business.
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0xff, 0x00]);
    assert_eq!(RawSpanBatch::decode(&longer).unwrap(), (batch.clone(), bytes.len()));

    let expanded = decoded.expand(GENESIS, BLOCK_TIME, CHAIN).unwrap();
    assert_eq!(expanded, elements());
    assert!(expanded[2].has_set_code_tx());
    assert!(!expanded[0].has_set_code_tx());
}

#[test]
fn rule_3_2_span_batch_derived_values() {
    let batch = build();
    // Bits [1, 0, 1]: start = 501 − 2 + 1.
    assert_eq!(batch.start_epoch_num(), 500);
    assert_eq!(batch.epoch_nums(), [500, 500, 501]);
    assert_eq!(batch.start_timestamp(GENESIS), GENESIS + 100);
    assert_eq!(batch.block_timestamp(2, GENESIS, BLOCK_TIME), GENESIS + 104);
    assert_eq!(batch.final_timestamp(GENESIS, BLOCK_TIME), GENESIS + 104);

    // Without bit 0 the origins are the same: bit 0 never moves block 0.
    let b = RawSpanBatch::from_elements(
        &elements(),
        parent_check(),
        origin_check(),
        false,
        GENESIS,
        CHAIN,
    )
    .unwrap();
    assert_eq!(b.start_epoch_num(), 500);
    assert_eq!(b.epoch_nums(), [500, 500, 501]);
}

#[test]
fn rule_3_2_span_batch_uint64_wrapping_matches_op_node() {
    // op-node computes these in Go uint64: keel must derive the same (wrapped) values.
    let mut batch = build();
    batch.prefix.rel_timestamp = u64::MAX - GENESIS;
    batch.prefix.l1_origin_num = 0;
    let elements = batch.expand(GENESIS, BLOCK_TIME, CHAIN).unwrap();
    assert_eq!(elements[0].timestamp, u64::MAX);
    assert_eq!(elements[1].timestamp, 1);
    assert_eq!(elements[2].timestamp, 3);
    assert_eq!(batch.start_epoch_num(), u64::MAX);
    assert_eq!(elements.iter().map(|e| e.epoch_num).collect::<Vec<_>>(), [u64::MAX, u64::MAX, 0]);
}

#[test]
fn rule_3_2_span_batch_truncated_at_every_length() {
    let bytes = encoded(&build());
    for cut in 0..bytes.len() {
        match RawSpanBatch::decode(&bytes[..cut]) {
            Err(SpanBatchError::Truncated { .. }) => {}
            other => panic!("cut at {cut}: expected Truncated, got {other:?}"),
        }
    }
}

fn prefix_bytes() -> Vec<u8> {
    let mut out = Vec::new();
    SpanBatchPrefix { rel_timestamp: 5, l1_origin_num: 7, ..Default::default() }.encode(&mut out);
    out
}

#[test]
fn rule_3_2_span_batch_block_count_limits() {
    let mut zero = prefix_bytes();
    zero.push(0);
    assert_eq!(RawSpanBatch::decode(&zero), Err(SpanBatchError::EmptyBatch));

    let mut over = prefix_bytes();
    write_uvarint(&mut over, MAX_SPAN_BATCH_ELEMENT_COUNT + 1);
    assert_eq!(
        RawSpanBatch::decode(&over),
        Err(SpanBatchError::TooManyBlocks(MAX_SPAN_BATCH_ELEMENT_COUNT + 1))
    );

    // The maximum itself passes the count check (then needs the bitlist bytes).
    let mut max = prefix_bytes();
    write_uvarint(&mut max, MAX_SPAN_BATCH_ELEMENT_COUNT);
    assert!(matches!(
        RawSpanBatch::decode(&max),
        Err(SpanBatchError::Truncated { field: "origin_bits", .. })
    ));

    // A huge count with a short input never allocates per the count.
    let mut short = prefix_bytes();
    write_uvarint(&mut short, 1_000_000);
    short.extend_from_slice(&[0u8; 125_000]);
    assert!(matches!(
        RawSpanBatch::decode(&short),
        Err(SpanBatchError::Truncated { field: "block_tx_counts", .. })
    ));
}

#[test]
fn rule_3_2_span_batch_tx_count_limits() {
    let mut one = prefix_bytes();
    one.extend_from_slice(&[1, 0]);
    write_uvarint(&mut one, MAX_SPAN_BATCH_ELEMENT_COUNT + 1);
    assert_eq!(
        RawSpanBatch::decode(&one),
        Err(SpanBatchError::TooManyBlockTxs { block: 0, count: MAX_SPAN_BATCH_ELEMENT_COUNT + 1 })
    );

    let mut two = prefix_bytes();
    two.extend_from_slice(&[2, 0]);
    write_uvarint(&mut two, MAX_SPAN_BATCH_ELEMENT_COUNT);
    write_uvarint(&mut two, 1);
    assert_eq!(
        RawSpanBatch::decode(&two),
        Err(SpanBatchError::TooManyTxs(MAX_SPAN_BATCH_ELEMENT_COUNT + 1))
    );

    // Exactly MAX in total is allowed; the sigs it implies are then missing.
    let mut max = prefix_bytes();
    max.extend_from_slice(&[1, 0]);
    write_uvarint(&mut max, MAX_SPAN_BATCH_ELEMENT_COUNT);
    max.extend_from_slice(&vec![0u8; 2 * 1_250_000]);
    assert!(matches!(
        RawSpanBatch::decode(&max),
        Err(SpanBatchError::Truncated { field: "tx_sigs", .. })
    ));
}

#[test]
fn rule_3_2_span_batch_overlong_varint() {
    let mut bytes = vec![0x80u8; 10];
    bytes.push(0x00);
    assert_eq!(
        RawSpanBatch::decode(&bytes),
        Err(SpanBatchError::VarintOverflow { field: "rel_timestamp", offset: 0 })
    );
    let mut bytes = vec![0x01];
    bytes.extend_from_slice(&[0xff; 9]);
    bytes.push(0x02);
    assert_eq!(
        RawSpanBatch::decode(&bytes),
        Err(SpanBatchError::VarintOverflow { field: "l1_origin_num", offset: 1 })
    );
}

#[test]
fn rule_3_2_span_batch_non_minimal_varint_accepted_like_op_node() {
    // Go's binary.ReadUvarint accepts `85 00` for 5; so must keel (consensus), even though
    // re-encoding then yields the minimal form.
    let batch = build();
    let bytes = encoded(&batch);
    assert_eq!(bytes[0], 100);
    let mut padded = vec![100 | 0x80, 0x00];
    padded.extend_from_slice(&bytes[1..]);
    let (decoded, used) = RawSpanBatch::decode(&padded).unwrap();
    assert_eq!((decoded, used), (batch, padded.len()));
}

#[test]
fn rule_3_2_span_batch_bitlist_padding() {
    let batch = build();
    let bytes = encoded(&batch);
    let prefix_len = 1 + 2 + 40; // rel_timestamp 100, l1_origin_num 501 (2 bytes)
    // Origin bits: 3 blocks, 1 byte at prefix_len + 1 (after block_count).
    let mut bad = bytes.clone();
    bad[prefix_len + 1] |= 0x08;
    assert_eq!(
        RawSpanBatch::decode(&bad),
        Err(SpanBatchError::BitlistPadding { field: "origin_bits", len: 3 })
    );
    // Contract-creation bits: 7 txs, right after the 3 one-byte tx counts.
    let mut bad = bytes.clone();
    bad[prefix_len + 5] |= 0x80;
    assert_eq!(
        RawSpanBatch::decode(&bad),
        Err(SpanBatchError::BitlistPadding { field: "contract_creation_bits", len: 7 })
    );
    let mut bad = bytes.clone();
    bad[prefix_len + 6] |= 0x80;
    assert_eq!(
        RawSpanBatch::decode(&bad),
        Err(SpanBatchError::BitlistPadding { field: "y_parity_bits", len: 7 })
    );
    // Protected bits: 3 legacy txs, the last byte.
    let mut bad = bytes;
    *bad.last_mut().unwrap() |= 0x08;
    assert_eq!(
        RawSpanBatch::decode(&bad),
        Err(SpanBatchError::BitlistPadding { field: "protected_bits", len: 3 })
    );
}

#[test]
fn rule_3_2_span_batch_unknown_tx_type() {
    let batch = build();
    let mut bytes = encoded(&batch);
    let at = tx_datas_offset(&batch);
    // The first entry is legacy (an RLP list header); make it look like type 3 and 0x7e.
    assert!(bytes[at] >= 0xc0);
    for ty in [0x00, 0x03, 0x05, 0x7e, 0x7f] {
        bytes[at] = ty;
        assert_eq!(
            RawSpanBatch::decode(&bytes),
            Err(SpanBatchError::UnknownTxType { index: 0, tx_type: ty })
        );
    }
    // An RLP string where a list must be.
    bytes[at] = 0x85;
    assert_eq!(RawSpanBatch::decode(&bytes), Err(SpanBatchError::TxDataNotList { index: 0 }));
    // A non-canonical list header.
    bytes[at] = 0xf8;
    bytes[at + 1] = 0x01;
    assert!(matches!(
        RawSpanBatch::decode(&bytes),
        Err(SpanBatchError::TxDataRlp { index: 0, error: alloy_rlp::Error::NonCanonicalSize })
    ));
}

/// Body of a one-block, one-tx batch whose single tx_datas entry is `entry`.
fn single_tx_body(entry: &[u8]) -> Vec<u8> {
    let mut out = prefix_bytes();
    out.extend_from_slice(&[1, 0, 1, 0, 0]); // 1 block, bits, 1 tx, creation bits, parity bits
    out.extend_from_slice(&[0x33; 64]); // r, s
    out.extend_from_slice(&[0x44; 20]); // to
    out.extend_from_slice(entry);
    out.extend_from_slice(&[9, 21]); // nonce, gas
    if entry.first().is_some_and(|&b| b >= 0x80) {
        out.push(0); // protected bits: one unprotected legacy tx
    }
    out
}

#[test]
fn rule_3_2_span_batch_tx_rlp_size_limit() {
    // Header 0xfa + 3-byte length: RLP length = 4 + payload.
    let entry = |payload: usize| {
        let mut e = vec![0x02, 0xfa];
        e.extend_from_slice(&(payload as u32).to_be_bytes()[1..]);
        e.resize(e.len() + payload, 0x80);
        e
    };
    let over = single_tx_body(&entry(MAX_SPAN_BATCH_ELEMENT_COUNT as usize - 3));
    assert_eq!(
        RawSpanBatch::decode(&over),
        Err(SpanBatchError::TxDataTooLarge { index: 0, len: MAX_SPAN_BATCH_ELEMENT_COUNT + 1 })
    );
    let max = single_tx_body(&entry(MAX_SPAN_BATCH_ELEMENT_COUNT as usize - 4));
    let (batch, used) = RawSpanBatch::decode(&max).unwrap();
    assert_eq!(used, max.len());
    // Framing is fine, but a list of 9,999,996 empty strings is no EIP-1559 body.
    assert!(matches!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InvalidTxData { index: 0, tx_type: 2, .. })
    ));
}

#[test]
fn rule_3_2_span_batch_invalid_tx_fields_fail_expansion() {
    // Legacy entry with two fields instead of three.
    let (batch, _) = RawSpanBatch::decode(&single_tx_body(&[0xc2, 0x01, 0x02])).unwrap();
    assert!(matches!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InvalidTxData { index: 0, tx_type: 0, .. })
    ));
    // Leading zero in the value.
    let (batch, _) =
        RawSpanBatch::decode(&single_tx_body(&[0xc5, 0x82, 0x00, 0x01, 0x01, 0x80])).unwrap();
    assert_eq!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InvalidTxData {
            index: 0,
            tx_type: 0,
            error: alloy_rlp::Error::LeadingZero
        })
    );
    // Four fields for legacy: too many.
    let (batch, _) =
        RawSpanBatch::decode(&single_tx_body(&[0xc4, 0x01, 0x01, 0x80, 0xc0])).unwrap();
    assert!(matches!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InvalidTxData {
            error: alloy_rlp::Error::ListLengthMismatch { .. },
            ..
        })
    ));
    // A valid legacy entry expands.
    let (batch, _) = RawSpanBatch::decode(&single_tx_body(&[0xc3, 0x01, 0x01, 0x80])).unwrap();
    let el = batch.expand(GENESIS, BLOCK_TIME, CHAIN).unwrap();
    assert_eq!(el[0].transactions.len(), 1);
    // EIP-7702 values are uint256 in geth: 33 bytes overflow.
    let mut e = vec![0x04, 0xe6, 0xa1];
    e.extend_from_slice(&[0x01; 33]);
    e.extend_from_slice(&[0x01, 0x01, 0x80, 0xc0]); // wrong arity too, but value fails first
    let (batch, _) = RawSpanBatch::decode(&single_tx_body(&e)).unwrap();
    assert_eq!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InvalidTxData {
            index: 0,
            tx_type: 4,
            error: alloy_rlp::Error::Overflow
        })
    );
}

#[test]
fn rule_3_2_span_batch_set_code_creation_rejected() {
    let mut batch = build();
    // Mark tx 4 (the EIP-7702 one) as a creation and drop its `to`.
    let txs = &mut batch.payload.txs;
    let bits: Vec<bool> = txs.contract_creation_bits.iter().collect();
    let to_index = bits[..4].iter().filter(|b| !**b).count();
    txs.tx_tos.remove(to_index);
    txs.contract_creation_bits = bits.iter().enumerate().map(|(i, &b)| b || i == 4).collect();
    let (batch, _) = RawSpanBatch::decode(&encoded(&batch)).unwrap();
    assert_eq!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::SetCodeContractCreation { index: 4 })
    );
}

#[test]
fn rule_3_2_span_batch_v_recovery() {
    let batch = build();
    let el = batch.expand(GENESIS, BLOCK_TIME, 777).unwrap();
    // Protected legacy: v = 2·777 + 35 + y (y = 1 for tx 1): 1590 = 0x0636.
    let tx = alloy_consensus::TxEnvelope::decode_2718_exact(&el[0].transactions[0]).unwrap();
    let legacy = tx.as_legacy().unwrap();
    assert_eq!(legacy.tx().chain_id, Some(777));
    assert!(legacy.signature().v());
    assert!(el[0].transactions[0].windows(3).any(|w| w == [0x82, 0x06, 0x36]));
    // Unprotected legacy stays v = 27 + y whatever the chain.
    let tx = alloy_consensus::TxEnvelope::decode_2718_exact(&el[2].transactions[1]).unwrap();
    assert_eq!(tx.as_legacy().unwrap().tx().chain_id, None);
    // Typed: chain id is the L2 chain's.
    let tx = alloy_consensus::TxEnvelope::decode_2718_exact(&el[0].transactions[1]).unwrap();
    assert_eq!(tx.as_eip1559().unwrap().tx().chain_id, 777);
}

use alloy_eips::eip2718::Decodable2718;

#[test]
fn splice_builder_matches_alloy_builder() {
    let batch = build();
    let txs = &batch.payload.txs;
    let alloy = txs.full_txs(CHAIN).unwrap();
    let spliced =
        txs.full_txs_with(CHAIN, |p: ParsedTxData<'_>, f, i| p.splice_signed_tx(f, i)).unwrap();
    assert_eq!(alloy, spliced);
    let expected: Vec<Bytes> = elements().into_iter().flat_map(|e| e.transactions).collect();
    assert_eq!(alloy, expected);
}

#[test]
fn amounts_wider_than_alloy_types_still_expand() {
    // Legacy entry: value 2^256 (33 bytes), gas price 2^128 (17 bytes), data "".
    let mut value = vec![0xa1, 0x01];
    value.extend_from_slice(&[0; 32]);
    let mut price = vec![0x91, 0x01];
    price.extend_from_slice(&[0; 16]);
    let mut entry = vec![0xc0 + (value.len() + price.len() + 1) as u8];
    entry.extend_from_slice(&value);
    entry.extend_from_slice(&price);
    entry.push(0x80);
    let (batch, _) = RawSpanBatch::decode(&single_tx_body(&entry)).unwrap();
    let el = batch.expand(GENESIS, BLOCK_TIME, CHAIN).unwrap();
    // Expected: rlp([nonce 9, price, gas 21, to, value, data, v, r, s]), unprotected v = 27.
    let mut payload = vec![0x09];
    payload.extend_from_slice(&price);
    payload.push(21);
    payload.push(0x94);
    payload.extend_from_slice(&[0x44; 20]);
    payload.extend_from_slice(&value);
    payload.push(0x80);
    payload.push(27);
    for _ in 0..2 {
        payload.push(0xa0);
        payload.extend_from_slice(&[0x33; 32]);
    }
    let mut expected = vec![0xf8, payload.len() as u8];
    expected.extend_from_slice(&payload);
    assert_eq!(el[0].transactions, [Bytes::from(expected)]);
}

#[test]
fn hand_built_inconsistent_batch_is_rejected() {
    let mut batch = build();
    batch.payload.txs.tx_nonces.pop();
    assert_eq!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InconsistentLengths { field: "tx_nonces", expected: 7, found: 6 })
    );
    let mut batch = build();
    batch.payload.block_count = 4;
    assert!(matches!(
        batch.expand(GENESIS, BLOCK_TIME, CHAIN),
        Err(SpanBatchError::InconsistentLengths { field: "origin_bits", .. })
    ));
    let mut batch = build();
    batch.payload.block_count = 0;
    assert_eq!(batch.expand(GENESIS, BLOCK_TIME, CHAIN), Err(SpanBatchError::EmptyBatch));
}

#[test]
fn from_elements_rejects_what_a_span_batch_cannot_carry() {
    let build = |els: &[SpanBatchElement]| {
        RawSpanBatch::from_elements(els, parent_check(), origin_check(), false, GENESIS, CHAIN)
    };
    let el = |ts: u64, epoch: u64, txs: Vec<Bytes>| SpanBatchElement {
        timestamp: ts,
        epoch_num: epoch,
        transactions: txs,
    };
    assert_eq!(build(&[]), Err(SpanBatchError::NoElements));
    assert_eq!(
        build(&[el(GENESIS - 1, 1, vec![])]),
        Err(SpanBatchError::TimestampBeforeGenesis { timestamp: GENESIS - 1, genesis: GENESIS })
    );
    assert_eq!(
        build(&[el(GENESIS, 1, vec![]), el(GENESIS + 2, 1, vec![]), el(GENESIS + 5, 1, vec![])]),
        Err(SpanBatchError::UnevenTimestamps {
            block: 2,
            expected: GENESIS + 4,
            found: GENESIS + 5
        })
    );
    assert!(matches!(
        build(&[el(GENESIS, 1, vec![]), el(GENESIS, 1, vec![])]),
        Err(SpanBatchError::UnevenTimestamps { block: 1, .. })
    ));
    assert_eq!(
        build(&[el(GENESIS, 1, vec![]), el(GENESIS + 2, 3, vec![])]),
        Err(SpanBatchError::EpochGap { block: 1, previous: 1, found: 3 })
    );
    assert_eq!(
        build(&[el(GENESIS, 2, vec![]), el(GENESIS + 2, 1, vec![])]),
        Err(SpanBatchError::EpochGap { block: 1, previous: 2, found: 1 })
    );
    let one = |tx: Bytes| build(&[el(GENESIS, 1, vec![legacy(0, None, TxKind::Create), tx])]);
    assert_eq!(
        one(Bytes::from_static(&[0x7e, 0xc0])),
        Err(SpanBatchError::DepositTx { block: 0, index: 1 })
    );
    assert_eq!(
        one(Bytes::from_static(&[0x05, 0xc0])),
        Err(SpanBatchError::UnsupportedTxType { block: 0, index: 1, tx_type: 5 })
    );
    let blob = TxEip4844 { chain_id: CHAIN, to: to(1), ..Default::default() };
    let blob: Bytes = Signed::new_unhashed(blob, sig(1, false)).encoded_2718().into();
    assert_eq!(
        one(blob),
        Err(SpanBatchError::UnsupportedTxType { block: 0, index: 1, tx_type: 3 })
    );
    assert_eq!(
        one(legacy(1, Some(5), TxKind::Create)),
        Err(SpanBatchError::ChainIdMismatch { block: 0, index: 1, expected: CHAIN, found: 5 })
    );
    assert_eq!(
        one(eip1559(1, TxKind::Create, 11)),
        Err(SpanBatchError::ChainIdMismatch { block: 0, index: 1, expected: CHAIN, found: 11 })
    );
    assert!(matches!(one(Bytes::from_static(&[0x02, 0xc1])), Err(SpanBatchError::TxDecode { .. })));
    assert!(matches!(one(Bytes::new()), Err(SpanBatchError::TxDecode { .. })));
    // Trailing bytes after a valid tx.
    let mut padded = legacy(1, None, TxKind::Create).to_vec();
    padded.push(0);
    assert!(matches!(one(padded.into()), Err(SpanBatchError::TxDecode { .. })));
}

/// xorshift64*: deterministic pseudo-random bytes without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn exercise(input: &[u8]) {
    if let Ok((batch, used)) = RawSpanBatch::decode(input) {
        assert!(used <= input.len());
        let _ = batch.expand(GENESIS, BLOCK_TIME, CHAIN);
        let _ = batch.start_epoch_num();
        let _ = batch.final_timestamp(GENESIS, BLOCK_TIME);
    }
}

#[test]
fn rule_3_2_span_batch_random_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..4000 {
        let len = (rng.next() % 400) as usize;
        let input: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&input);
    }
    // Mutations of a valid batch reach much deeper than pure noise.
    let valid = encoded(&build());
    let mut decoded_ok = 0;
    for _ in 0..4000 {
        let mut input = valid.clone();
        for _ in 0..=(rng.next() % 3) {
            let at = (rng.next() as usize) % input.len();
            input[at] = rng.next() as u8;
        }
        if rng.next().is_multiple_of(4) {
            input.truncate((rng.next() as usize) % input.len());
        }
        decoded_ok += usize::from(RawSpanBatch::decode(&input).is_ok());
        exercise(&input);
    }
    assert!(decoded_ok > 100, "mutations should often still decode ({decoded_ok})");
}
