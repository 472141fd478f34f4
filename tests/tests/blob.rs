//! OP blob decoding against real blobs (checklist §1.6) and their versioned hashes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_eips::eip4844::kzg_to_versioned_hash;
use alloy_primitives::{B256, hex};
use keel_core::blob::{BLOB_SIZE, MAX_BLOB_DATA_SIZE, decode_blob, encode_blob};
use keel_core::frame::{ChannelId, parse_frames};
use keel_tests::{read_hex_vector, read_vector};

const UNICHAIN: &str = "batcher/unichain-brotli-span-540blocks";

#[test]
fn rule_1_6_blob_op_sepolia_blob9_decodes_exactly() {
    let blob = read_hex_vector("batcher/op-sepolia-blob9.blob.hex");
    assert_eq!(blob.len(), BLOB_SIZE);
    let expected = read_hex_vector("batcher/op-sepolia-blob9.decoded.hex");
    let data = decode_blob(&blob).unwrap();
    assert_eq!(data.len(), 3220);
    assert_eq!(data, expected);
    assert_eq!(encode_blob(&data).unwrap(), blob, "re-encoding must give the same blob");

    let frames = parse_frames(&data).unwrap();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].channel_id, ChannelId::from(hex!("2f127415c9cb64ca077f23db3cfa302e")));
    assert_eq!((frames[0].number, frames[0].data.len(), frames[0].is_last), (0, 3196, true));
}

#[test]
fn rule_1_6_blob_op_sepolia_blob9_versioned_hash() {
    let commitment = hex!(
        "8ccf638b11778203b6040184004530d42bebbbdd0c735a00b646ed7d33c03357c2202dec4bdffc1eece49c74dab213ab"
    );
    let want: B256 =
        "0x012b58d372c2db56265bcf57392027acf6fb5b85ae14336e116b08e13c194e16".parse().unwrap();
    assert_eq!(kzg_to_versioned_hash(&commitment), want);
}

#[test]
fn rule_1_6_blob_unichain_three_blobs_one_channel() {
    let channel = ChannelId::from(hex!("0cd2fbf2cf47542dc209f38baa4fd48f"));
    let expected = [(130_044, 130_020, false), (130_044, 130_020, false), (62_752, 62_728, true)];
    let mut channel_len = 0;
    for (i, (data_len, frame_len, is_last)) in expected.into_iter().enumerate() {
        let blob = read_vector(&format!("{UNICHAIN}/{i}.blob.bin"));
        assert_eq!(blob.len(), BLOB_SIZE);
        let data = decode_blob(&blob).unwrap();
        assert_eq!(data.len(), data_len, "blob {i}");
        assert!(data.len() <= MAX_BLOB_DATA_SIZE);
        assert_eq!(encode_blob(&data).unwrap(), blob, "blob {i} must re-encode to itself");

        let frames = parse_frames(&data).unwrap();
        assert_eq!(frames.len(), 1, "blob {i}");
        let frame = &frames[0];
        assert_eq!(frame.channel_id, channel);
        assert_eq!(usize::from(frame.number), i);
        assert_eq!(frame.data.len(), frame_len);
        assert_eq!(frame.is_last, is_last);
        channel_len += frame.data.len();
    }
    assert_eq!(channel_len, 322_768);
}

#[test]
fn rule_1_6_blob_unichain_versioned_hashes_match_commitments() {
    let json: serde_json::Value =
        serde_json::from_slice(&read_vector(&format!("{UNICHAIN}/blobs.json"))).unwrap();
    let blobs = json["blobs"].as_array().unwrap();
    assert_eq!(blobs.len(), 3);
    for (i, entry) in blobs.iter().enumerate() {
        assert_eq!(entry["index"].as_u64(), Some(i as u64));
        assert_eq!(entry["file"].as_str(), Some(format!("{i}.blob.bin").as_str()));
        let commitment = hex::decode(entry["kzg_commitment"].as_str().unwrap()).unwrap();
        assert_eq!(commitment.len(), 48);
        let want: B256 = entry["versioned_hash"].as_str().unwrap().parse().unwrap();
        assert_eq!(kzg_to_versioned_hash(&commitment), want, "blob {i}");
    }
}

#[test]
fn rule_1_6_blob_real_blob_corruptions_are_typed_errors() {
    let blob = read_vector(&format!("{UNICHAIN}/2.blob.bin"));
    // 4 header + 62752 data bytes need 495 rounds of 127, so blob bytes from 495 * 128 on are unused.
    let mut bad = blob.clone();
    bad[BLOB_SIZE - 1] = 1;
    assert_eq!(
        decode_blob(&bad),
        Err(keel_core::blob::BlobError::NonZeroUnused { offset: BLOB_SIZE - 1 })
    );
    let mut bad = blob.clone();
    bad[32 * 7] |= 0x80;
    assert_eq!(
        decode_blob(&bad),
        Err(keel_core::blob::BlobError::HighBitsSet { field_element: 7 })
    );
    assert!(decode_blob(&blob[..BLOB_SIZE - 1]).is_err());
}
