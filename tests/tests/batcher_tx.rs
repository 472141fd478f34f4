//! Batcher transaction selection on a real OP Mainnet batcher transaction (checklist §1.2, §1.5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::Typed2718;
use alloy_primitives::{Address, address, b256, hex, keccak256};
use keel_core::batcher_tx::{
    BatcherData, BatcherFilter, BatcherTxError, decode_l1_tx, recover_sender, select,
    select_from_block, select_from_block_recovering, select_recovering,
};
use keel_core::frame::{ChannelId, parse_frames};
use keel_tests::read_vector;

const TX: &str = "batcher/op-mainnet-span-27blocks.tx.bin";
const OP_INBOX: Address = address!("ff00000000000000000000000000000000000010");
const OP_BATCHER: Address = address!("6887246668a3b87F54DeB3b94Ba47a6f63F32985");

fn op_mainnet(ecotone_active: bool) -> BatcherFilter {
    BatcherFilter { batch_inbox: OP_INBOX, batcher: OP_BATCHER, ecotone_active }
}

fn real_tx() -> TxEnvelope {
    decode_l1_tx(&read_vector(TX)).unwrap()
}

#[test]
fn rule_1_2_batcher_tx_real_tx_fields() {
    let raw = read_vector(TX);
    assert_eq!(raw.len(), 119_942);
    assert_eq!(
        keccak256(&raw),
        b256!("e69d94330faafb4f716f7ad9b3b50ea8ff5ce57aea6d2f8be07afb7fe49cd6cf")
    );
    let tx = real_tx();
    assert_eq!(*tx.tx_hash(), keccak256(&raw));
    assert_eq!(tx.ty(), 2);
    assert_eq!(tx.chain_id(), Some(1));
    assert_eq!(tx.nonce(), 1_104_454);
    assert_eq!(tx.to(), Some(OP_INBOX));
    assert_eq!(recover_sender(&tx).unwrap(), OP_BATCHER);
}

#[test]
fn rule_1_2_batcher_tx_real_tx_selects_calldata_frame() {
    let tx = real_tx();
    // A type-2 batcher tx is calldata whether or not Ecotone is active.
    for ecotone in [false, true] {
        let data = select_recovering(&tx, &op_mainnet(ecotone)).unwrap();
        assert_eq!(data, select(&tx, OP_BATCHER, &op_mainnet(ecotone)).unwrap());
        let BatcherData::Calldata(calldata) = data else { panic!("expected calldata") };
        assert_eq!(calldata.len(), 119_823);
        let frames = parse_frames(&calldata).unwrap();
        assert_eq!(frames.len(), 1);
        let frame = &frames[0];
        assert_eq!(frame.channel_id, ChannelId::from(hex!("ac329933f5efdcc35ccd284232a376d3")));
        assert_eq!(frame.number, 0);
        assert_eq!(frame.data.len(), 119_799);
        assert!(frame.is_last);
    }
}

#[test]
fn rule_1_2_batcher_tx_real_tx_rejections() {
    let tx = real_tx();
    let stranger = address!("0000000000000000000000000000000000000bad");

    let wrong_batcher = BatcherFilter { batcher: stranger, ..op_mainnet(true) };
    assert_eq!(
        select_recovering(&tx, &wrong_batcher),
        Err(BatcherTxError::WrongSender { expected: stranger, got: OP_BATCHER })
    );
    assert_eq!(
        select(&tx, stranger, &op_mainnet(true)),
        Err(BatcherTxError::WrongSender { expected: OP_BATCHER, got: stranger })
    );

    // OP Sepolia's inbox: the same tx is not a batcher tx there.
    let sepolia_inbox = address!("ff00000000000000000000000000000011155420");
    let wrong_inbox = BatcherFilter { batch_inbox: sepolia_inbox, ..op_mainnet(true) };
    let err = select_recovering(&tx, &wrong_inbox).unwrap_err();
    assert_eq!(err, BatcherTxError::NotToInbox { to: OP_INBOX });
    assert!(err.is_not_batcher_tx());

    // In a block, only the batcher's tx is selected.
    assert_eq!(select_from_block([(&tx, stranger)], &op_mainnet(true)), vec![]);
    assert_eq!(select_from_block_recovering([&tx], &wrong_inbox), vec![]);
    assert_eq!(select_from_block_recovering([&tx, &tx], &op_mainnet(false)).len(), 2);
}

#[test]
fn rule_1_2_batcher_tx_real_tx_malformed_bytes() {
    let raw = read_vector(TX);
    // Every truncation is a typed error (checked at a spread of cut points to stay fast).
    for cut in (0..raw.len()).step_by(997).chain([1, 2, 3, raw.len() - 1]) {
        let err = decode_l1_tx(&raw[..cut]).unwrap_err();
        assert!(!err.is_not_batcher_tx(), "cut {cut}: {err}");
    }
    let mut long = raw.clone();
    long.extend_from_slice(&[0, 0]);
    assert_eq!(decode_l1_tx(&long), Err(BatcherTxError::TrailingBytes(2)));
    let mut retyped = raw.clone();
    retyped[0] = 0x7e;
    assert_eq!(decode_l1_tx(&retyped), Err(BatcherTxError::UnknownTxType(0x7e)));

    // A flipped signature byte recovers someone else, or nobody: never the batcher.
    let mut tampered = raw;
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    match decode_l1_tx(&tampered) {
        Ok(tx) => match recover_sender(&tx) {
            Ok(sender) => assert_ne!(sender, OP_BATCHER),
            Err(e) => assert_eq!(e, BatcherTxError::BadSignature),
        },
        Err(e) => panic!("a changed s value still decodes: {e}"),
    }
}
