//! OP blob encoding, version 0 (spec: ecotone/derivation § Blob Encoding).
//!
//! A blob is 4096 field elements of 32 bytes. Rollup data is packed 127 bytes per round of 4
//! field elements: each element carries 31 data bytes after a first byte that holds only 6 bits,
//! and the four 6-bit pieces of a round rebuild 3 more bytes. The decoded byte stream starts with
//! a version byte (0) and a u24 big-endian data length; everything after the data must be zero so
//! that each data string has exactly one encoding.

use alloc::{vec, vec::Vec};

/// Size of an EIP-4844 blob in bytes.
pub const BLOB_SIZE: usize = alloy_eips::eip4844::BYTES_PER_BLOB;

/// Largest data length a version-0 blob can carry (1024 rounds × 127 bytes − 4 header bytes).
pub const MAX_BLOB_DATA_SIZE: usize = ROUNDS * ROUND_DATA - HEADER_LEN;

/// The only blob encoding version defined so far.
pub const BLOB_ENCODING_VERSION: u8 = 0;

/// Field elements per round.
const FE_PER_ROUND: usize = 4;
/// Rounds per blob (4096 field elements / 4).
const ROUNDS: usize = 1024;
/// Data bytes one round carries (4 × 31 + 3).
const ROUND_DATA: usize = 127;
/// Blob bytes one round occupies.
const ROUND_BLOB: usize = 128;
/// Decoded bytes before the data: version byte and u24 length.
const HEADER_LEN: usize = 4;
/// Bits of a field element's first byte that must stay clear to keep it below the BLS modulus.
const HIGH_BITS: u8 = 0b1100_0000;

const _: () = assert!(MAX_BLOB_DATA_SIZE == 130_044);
const _: () = assert!(BLOB_SIZE == ROUNDS * ROUND_BLOB);

/// Why a blob could not be decoded (the blob is then ignored) or data could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    /// The input is not exactly [`BLOB_SIZE`] bytes.
    #[error("blob is {0} bytes, must be exactly {BLOB_SIZE}")]
    WrongSize(usize),
    /// The encoding version (blob byte 1) is not [`BLOB_ENCODING_VERSION`].
    #[error("unknown blob encoding version {0}")]
    BadVersion(u8),
    /// The data length (declared in the blob, or given to the encoder) exceeds
    /// [`MAX_BLOB_DATA_SIZE`].
    #[error("blob data length {0} exceeds the maximum of {MAX_BLOB_DATA_SIZE}")]
    TooLong(usize),
    /// A field element's first byte has one of its top two bits set.
    #[error("field element {field_element} has its top two bits set")]
    HighBitsSet {
        /// Index of the field element in the blob (0..4096).
        field_element: usize,
    },
    /// A decoded byte after the declared data length is not zero.
    #[error("non-zero decoded byte at data offset {offset}, past the declared length")]
    NonZeroTrailing {
        /// Offset in the decoded data (0 = first data byte after the header).
        offset: usize,
    },
    /// A blob byte beyond the rounds that hold the data is not zero.
    #[error("non-zero byte at blob offset {offset} in the unused part of the blob")]
    NonZeroUnused {
        /// Offset in the blob.
        offset: usize,
    },
}

/// One round of the blob viewed as its 4 field elements.
type Round = [[u8; 32]; FE_PER_ROUND];

/// Decodes a version-0 OP blob into its data.
///
/// Only the rounds that hold data are decoded; the rest of the blob is checked to be zero without
/// decoding. The output is allocated once, at the declared length.
///
/// Compatibility note: like op-node and kona, the top two bits of the *first* field element's
/// first byte are masked rather than rejected: the decoder only ever reads that byte's low 6 bits.
/// The spec text asks that every field element be checked; following the reference
/// implementations keeps keel on the same chain should such a blob ever be posted. Every other
/// decoded field element is checked, and the elements after the data must be all zero.
pub fn decode_blob(blob: &[u8]) -> Result<Vec<u8>, BlobError> {
    let blob: &[u8; BLOB_SIZE] = blob.try_into().map_err(|_| BlobError::WrongSize(blob.len()))?;
    let &[_, version, l0, l1, l2, ..] = blob;
    if version != BLOB_ENCODING_VERSION {
        return Err(BlobError::BadVersion(version));
    }
    let len = u32::from_be_bytes([0, l0, l1, l2]) as usize;
    if len > MAX_BLOB_DATA_SIZE {
        return Err(BlobError::TooLong(len));
    }

    // Decoded stream = header ++ data ++ zero padding; only stream[..end] is data.
    let end = HEADER_LEN + len;
    let rounds_used = end.div_ceil(ROUND_DATA);
    let (elements, _) = blob.as_chunks::<32>();
    let (rounds, _) = elements.as_chunks::<FE_PER_ROUND>();

    let mut out = Vec::with_capacity(len);
    for (r, round) in rounds.iter().take(rounds_used).enumerate() {
        let bytes = decode_round(round, r)?;
        let start = r * ROUND_DATA;
        let skip = HEADER_LEN.saturating_sub(start);
        let take = end.saturating_sub(start).min(ROUND_DATA);
        out.extend_from_slice(bytes.get(skip..take).unwrap_or_default());
        let tail = bytes.get(take..).unwrap_or_default();
        if let Some(pos) = tail.iter().position(|&b| b != 0) {
            return Err(BlobError::NonZeroTrailing { offset: start + take + pos - HEADER_LEN });
        }
    }

    let unused_from = rounds_used * ROUND_BLOB;
    let unused = blob.get(unused_from..).unwrap_or_default();
    if let Some(pos) = unused.iter().position(|&b| b != 0) {
        return Err(BlobError::NonZeroUnused { offset: unused_from + pos });
    }
    Ok(out)
}

/// Decodes round `r` (4 field elements) into its 127 stream bytes.
fn decode_round(round: &Round, r: usize) -> Result<[u8; ROUND_DATA], BlobError> {
    let [[a, ta @ ..], [b, tb @ ..], [c, tc @ ..], [d, td @ ..]] = round;
    for (j, first) in [a, b, c, d].into_iter().enumerate() {
        // Element 0's top bits are masked, not rejected, as in op-node (see decode_blob).
        if first & HIGH_BITS != 0 && (r, j) != (0, 0) {
            return Err(BlobError::HighBitsSet { field_element: r * FE_PER_ROUND + j });
        }
    }
    let x = (a & 0b0011_1111) | ((b & 0b0011_0000) << 2);
    let y = (b & 0b0000_1111) | ((d & 0b0000_1111) << 4);
    let z = (c & 0b0011_1111) | ((d & 0b0011_0000) << 2);

    let mut out = [0u8; ROUND_DATA];
    out[..31].copy_from_slice(ta);
    out[31] = x;
    out[32..63].copy_from_slice(tb);
    out[63] = y;
    out[64..95].copy_from_slice(tc);
    out[95] = z;
    out[96..].copy_from_slice(td);
    Ok(out)
}

/// Encodes `data` as a version-0 OP blob of [`BLOB_SIZE`] bytes (the inverse of
/// [`decode_blob`]), for batchers and test chains.
pub fn encode_blob(data: &[u8]) -> Result<Vec<u8>, BlobError> {
    if data.len() > MAX_BLOB_DATA_SIZE {
        return Err(BlobError::TooLong(data.len()));
    }
    // The length fits 24 bits: MAX_BLOB_DATA_SIZE < 2^24.
    let [_, l0, l1, l2] = (data.len() as u32).to_be_bytes();
    let header = [BLOB_ENCODING_VERSION, l0, l1, l2];
    let mut stream = header.iter().chain(data).copied();
    let rounds_used = (HEADER_LEN + data.len()).div_ceil(ROUND_DATA);

    let mut blob = vec![0u8; BLOB_SIZE];
    let (elements, _) = blob.as_chunks_mut::<32>();
    let (rounds, _) = elements.as_chunks_mut::<FE_PER_ROUND>();
    for round in rounds.iter_mut().take(rounds_used) {
        let mut bytes = [0u8; ROUND_DATA];
        for (slot, byte) in bytes.iter_mut().zip(&mut stream) {
            *slot = byte;
        }
        encode_round(&bytes, round);
    }
    Ok(blob)
}

/// Writes 127 stream bytes into the 4 field elements of a round.
fn encode_round(bytes: &[u8; ROUND_DATA], round: &mut Round) {
    let (x, y, z) = (bytes[31], bytes[63], bytes[95]);
    let [[a, ta @ ..], [b, tb @ ..], [c, tc @ ..], [d, td @ ..]] = round;
    *a = x & 0b0011_1111;
    *b = (y & 0b0000_1111) | ((x & 0b1100_0000) >> 2);
    *c = z & 0b0011_1111;
    *d = ((z & 0b1100_0000) >> 2) | ((y & 0b1111_0000) >> 4);
    ta.copy_from_slice(&bytes[..31]);
    tb.copy_from_slice(&bytes[32..63]);
    tc.copy_from_slice(&bytes[64..95]);
    td.copy_from_slice(&bytes[96..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random bytes (xorshift64), so tests need no RNG crate.
    fn pseudo_random(len: usize, mut seed: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn rule_1_6_blob_roundtrip_lengths() {
        for len in [0, 1, 22, 23, 24, 27, 31, 32, 123, 124, 127, 128, 250, 251, 4096, 130_043] {
            let data = pseudo_random(len, len as u64 + 1);
            let blob = encode_blob(&data).unwrap();
            assert_eq!(blob.len(), BLOB_SIZE);
            assert_eq!(decode_blob(&blob).unwrap(), data, "length {len}");
        }
    }

    #[test]
    fn rule_1_6_blob_roundtrip_max_and_all_ones() {
        let data = pseudo_random(MAX_BLOB_DATA_SIZE, 7);
        assert_eq!(decode_blob(&encode_blob(&data).unwrap()).unwrap(), data);
        // All-0xff data sets every bit that the 6-bit pieces carry.
        let ones = vec![0xff; MAX_BLOB_DATA_SIZE];
        let blob = encode_blob(&ones).unwrap();
        assert!(blob.chunks(32).all(|fe| fe[0] & HIGH_BITS == 0));
        assert_eq!(decode_blob(&blob).unwrap(), ones);
    }

    #[test]
    fn rule_1_6_blob_header_layout() {
        let blob = encode_blob(&[0xaa; 300]).unwrap();
        assert_eq!(blob[1], BLOB_ENCODING_VERSION);
        assert_eq!(&blob[2..5], &[0x00, 0x01, 0x2c]);
        assert_eq!(blob[5], 0xaa);
        // 304 stream bytes use 3 rounds (381 bytes); the rest of the blob is zero.
        assert!(blob[3 * ROUND_BLOB..].iter().all(|&b| b == 0));
        assert_ne!(blob[2 * ROUND_BLOB + 1], 0);
        assert_eq!(decode_blob(&vec![0u8; BLOB_SIZE]).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rule_1_6_blob_wrong_size() {
        assert_eq!(decode_blob(&[]), Err(BlobError::WrongSize(0)));
        assert_eq!(decode_blob(&vec![0; BLOB_SIZE - 1]), Err(BlobError::WrongSize(BLOB_SIZE - 1)));
        assert_eq!(decode_blob(&vec![0; BLOB_SIZE + 1]), Err(BlobError::WrongSize(BLOB_SIZE + 1)));
    }

    #[test]
    fn rule_1_6_blob_version_must_be_zero() {
        let mut blob = encode_blob(b"hello").unwrap();
        blob[1] = 1;
        assert_eq!(decode_blob(&blob), Err(BlobError::BadVersion(1)));
    }

    #[test]
    fn rule_1_6_blob_length_limit() {
        let mut blob = vec![0u8; BLOB_SIZE];
        let too_long = (MAX_BLOB_DATA_SIZE + 1) as u32;
        blob[2..5].copy_from_slice(&too_long.to_be_bytes()[1..]);
        assert_eq!(decode_blob(&blob), Err(BlobError::TooLong(MAX_BLOB_DATA_SIZE + 1)));
        blob[2..5].copy_from_slice(&[0xff; 3]);
        assert_eq!(decode_blob(&blob), Err(BlobError::TooLong(0xff_ffff)));
        assert_eq!(
            encode_blob(&vec![0; MAX_BLOB_DATA_SIZE + 1]),
            Err(BlobError::TooLong(MAX_BLOB_DATA_SIZE + 1))
        );
    }

    #[test]
    fn rule_1_6_blob_high_bits_must_be_zero() {
        let data = pseudo_random(1000, 3);
        let good = encode_blob(&data).unwrap();
        for fe in [1, 2, 3, 4, 5, 31] {
            for bit in [0x40, 0x80] {
                let mut blob = good.clone();
                blob[fe * 32] |= bit;
                assert_eq!(
                    decode_blob(&blob),
                    Err(BlobError::HighBitsSet { field_element: fe }),
                    "fe {fe} bit {bit:#x}"
                );
            }
        }
    }

    #[test]
    fn rule_1_6_blob_first_element_high_bits_masked_like_op_node() {
        // op-node and kona mask element 0's top bits instead of rejecting them.
        let data = pseudo_random(100, 5);
        let mut blob = encode_blob(&data).unwrap();
        blob[0] |= HIGH_BITS;
        assert_eq!(decode_blob(&blob).unwrap(), data);
    }

    #[test]
    fn rule_1_6_blob_trailing_decoded_bytes_must_be_zero() {
        let data = pseudo_random(10, 9);
        let good = encode_blob(&data).unwrap();
        // Data offset 10 is stream byte 14, in element 0's tail (blob byte 15).
        let mut blob = good.clone();
        blob[15] = 1;
        assert_eq!(decode_blob(&blob), Err(BlobError::NonZeroTrailing { offset: 10 }));
        // Last tail byte of the round (blob byte 127) is data offset 122.
        let mut blob = good.clone();
        blob[127] = 1;
        assert_eq!(decode_blob(&blob), Err(BlobError::NonZeroTrailing { offset: 122 }));
        // A 6-bit piece of the last used round: element 3's byte carries y and z bits; z is
        // stream byte 95 = data offset 91.
        let mut blob = good;
        blob[96] = 0b0001_0000;
        assert_eq!(decode_blob(&blob), Err(BlobError::NonZeroTrailing { offset: 91 }));
    }

    #[test]
    fn rule_1_6_blob_unused_bytes_must_be_zero() {
        let good = encode_blob(&pseudo_random(200, 11)).unwrap();
        // 204 stream bytes use 2 rounds; blob bytes from 256 on are unused.
        for offset in [256, 257, 4096, BLOB_SIZE - 1] {
            let mut blob = good.clone();
            blob[offset] = 1;
            assert_eq!(decode_blob(&blob), Err(BlobError::NonZeroUnused { offset }));
        }
        // A set high bit in an unused element is reported as unused data, not decoded.
        let mut blob = good;
        blob[256] = 0x80;
        assert_eq!(decode_blob(&blob), Err(BlobError::NonZeroUnused { offset: 256 }));
    }

    #[test]
    fn random_blobs_never_panic() {
        for seed in 1..40u64 {
            let mut blob = pseudo_random(BLOB_SIZE, seed);
            let _ = decode_blob(&blob);
            blob[1] = 0;
            assert!(decode_blob(&blob).is_err());
        }
    }
}
