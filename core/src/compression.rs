//! Channel decompression: zlib (RFC 1950) and, from Fjord, brotli (RFC 7932).
//!
//! Spec: derivation § Channel Format; fjord/derivation § Brotli Channel Compression. The first
//! byte of a channel picks the codec: `b & 0x0F` of 8 or 15 is zlib, `0x01` is a brotli version
//! byte followed by the brotli stream. Output is always capped by the caller's limit
//! (`MAX_RLP_BYTES_PER_CHANNEL`): a decoder never inflates an unbounded buffer.

use alloc::{boxed::Box, vec, vec::Vec};
use brotli_decompressor::{
    BrotliDecompressStream, BrotliResult, BrotliState, SliceWrapper, SliceWrapperMut,
};

/// Channel version byte that announces brotli compression (Fjord).
pub const BROTLI_VERSION_BYTE: u8 = 0x01;

/// The compression a channel uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompressionKind {
    /// zlib (deflate with a 2-byte header and Adler-32 trailer).
    Zlib,
    /// brotli after a `0x01` version byte (Fjord and later).
    Brotli,
}

/// Why channel data could not be decompressed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompressionError {
    /// The channel has no bytes.
    #[error("empty channel data")]
    Empty,
    /// The first byte names no known compression.
    #[error("unknown channel compression byte {0:#04x}")]
    UnknownCompression(u8),
    /// A brotli channel appeared before Fjord.
    #[error("brotli channel before Fjord")]
    BrotliBeforeFjord,
}

/// How a decompression run ended.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum StreamEnd {
    /// The compressed stream ended cleanly (checksum verified for zlib).
    Complete,
    /// Output reached the caller's limit; the rest of the stream was not inflated.
    LimitReached,
    /// The input ended before the compressed stream did (e.g. no zlib trailer); the output
    /// holds everything the input encoded.
    Truncated,
    /// The stream is corrupt or truncated at this point; the output holds everything before it.
    Corrupt(&'static str),
}

/// Decompressed channel data and how the stream ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decompressed {
    /// The codec that was used.
    pub kind: CompressionKind,
    /// Decompressed bytes, at most the limit.
    pub data: Vec<u8>,
    /// How decompression stopped.
    pub end: StreamEnd,
}

/// Identifies the compression of a channel from its first byte.
pub fn detect(channel: &[u8]) -> Result<CompressionKind, CompressionError> {
    let &first = channel.first().ok_or(CompressionError::Empty)?;
    match first {
        b if b & 0x0F == 0x08 || b & 0x0F == 0x0F => Ok(CompressionKind::Zlib),
        BROTLI_VERSION_BYTE => Ok(CompressionKind::Brotli),
        b => Err(CompressionError::UnknownCompression(b)),
    }
}

/// Decompresses a whole channel, producing at most `limit` bytes.
///
/// `brotli_allowed` is whether Fjord is active for the L1 block the channel was read in.
/// Corruption is not an error here: the bytes before it are returned with
/// [`StreamEnd::Corrupt`], because batches fully decoded before a fault are still valid.
pub fn decompress(
    channel: &[u8],
    brotli_allowed: bool,
    limit: usize,
) -> Result<Decompressed, CompressionError> {
    let kind = detect(channel)?;
    let (data, end) = match kind {
        CompressionKind::Zlib => inflate_zlib(channel, limit),
        CompressionKind::Brotli => {
            if !brotli_allowed {
                return Err(CompressionError::BrotliBeforeFjord);
            }
            inflate_brotli(channel.get(1..).unwrap_or_default(), limit)
        }
    };
    Ok(Decompressed { kind, data, end })
}

fn initial_capacity(input_len: usize, limit: usize) -> usize {
    // Batch data typically compresses 2-4x; start near that and let the Vec grow.
    input_len.saturating_mul(4).min(limit).max(64)
}

fn inflate_zlib(input: &[u8], limit: usize) -> (Vec<u8>, StreamEnd) {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};

    let mut state = Box::<DecompressorOxide>::default();
    let mut out: Vec<u8> = vec![0; initial_capacity(input.len(), limit)];
    let mut in_pos = 0;
    let mut out_pos = 0;
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF
        | inflate_flags::TINFL_FLAG_COMPUTE_ADLER32;
    loop {
        let rest = input.get(in_pos..).unwrap_or_default();
        let (status, used_in, used_out) = decompress(&mut state, rest, &mut out, out_pos, flags);
        in_pos += used_in;
        out_pos += used_out;
        match status {
            TINFLStatus::Done => {
                out.truncate(out_pos);
                return (out, StreamEnd::Complete);
            }
            TINFLStatus::HasMoreOutput => {
                if out_pos >= limit {
                    out.truncate(limit);
                    return (out, StreamEnd::LimitReached);
                }
                let grown = out.len().saturating_mul(2).min(limit).max(out_pos + 1);
                out.resize(grown, 0);
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                out.truncate(out_pos);
                return (out, StreamEnd::Truncated);
            }
            TINFLStatus::Adler32Mismatch => {
                out.truncate(out_pos);
                return (out, StreamEnd::Corrupt("zlib checksum mismatch"));
            }
            _ => {
                out.truncate(out_pos);
                return (out, StreamEnd::Corrupt("invalid zlib data"));
            }
        }
    }
}

/// Heap memory for the brotli decoder's allocator interface, backed by `alloc`.
#[derive(Default)]
struct HeapSlice<T>(Box<[T]>);

impl<T> SliceWrapper<T> for HeapSlice<T> {
    fn slice(&self) -> &[T] {
        &self.0
    }
}

impl<T> SliceWrapperMut<T> for HeapSlice<T> {
    fn slice_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

/// A `no_std` allocator for the brotli decoder: plain boxed slices.
#[derive(Default, Clone, Copy)]
struct HeapAllocator;

impl<T: Clone + Default> brotli_decompressor::Allocator<T> for HeapAllocator {
    type AllocatedMemory = HeapSlice<T>;

    fn alloc_cell(&mut self, len: usize) -> HeapSlice<T> {
        HeapSlice(vec![T::default(); len].into_boxed_slice())
    }

    fn free_cell(&mut self, _data: HeapSlice<T>) {}
}

fn inflate_brotli(input: &[u8], limit: usize) -> (Vec<u8>, StreamEnd) {
    let mut state: BrotliState<HeapAllocator, HeapAllocator, HeapAllocator> =
        BrotliState::new(HeapAllocator, HeapAllocator, HeapAllocator);
    let mut out: Vec<u8> = vec![0; initial_capacity(input.len(), limit)];
    let mut available_in = input.len();
    let mut in_pos = 0;
    let mut out_pos = 0;
    let mut total_out = 0;
    loop {
        let mut available_out = out.len() - out_pos;
        let result = BrotliDecompressStream(
            &mut available_in,
            &mut in_pos,
            input,
            &mut available_out,
            &mut out_pos,
            &mut out,
            &mut total_out,
            &mut state,
        );
        match result {
            BrotliResult::ResultSuccess => {
                out.truncate(out_pos);
                return (out, StreamEnd::Complete);
            }
            BrotliResult::NeedsMoreOutput => {
                if out_pos >= limit {
                    out.truncate(limit);
                    return (out, StreamEnd::LimitReached);
                }
                let grown = out.len().saturating_mul(2).min(limit).max(out_pos + 1);
                out.resize(grown, 0);
            }
            BrotliResult::NeedsMoreInput => {
                out.truncate(out_pos);
                return (out, StreamEnd::Truncated);
            }
            BrotliResult::ResultFailure => {
                out.truncate(out_pos);
                return (out, StreamEnd::Corrupt("invalid brotli data"));
            }
        }
    }
}

/// Compresses channel data with zlib at `level` (0-10), as a batcher would.
pub fn compress_zlib(data: &[u8], level: u8) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, level)
}

/// Compresses channel data with brotli at `quality` (0-11, window 2^22) and prepends the
/// `0x01` version byte, as a Fjord batcher does. Needs the `std` feature (batchers run on
/// native hosts; derivation only ever decompresses).
#[cfg(feature = "std")]
pub fn compress_brotli(data: &[u8], quality: u8) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: i32::from(quality.min(11)),
        lgwin: 22,
        ..Default::default()
    };
    let mut out = vec![BROTLI_VERSION_BYTE];
    let mut input = data;
    // Reading from a slice and writing to a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 10_000_000;

    #[test]
    fn rule_2_4_channel_compression_detection() {
        assert_eq!(detect(&[0x78, 0x9c]), Ok(CompressionKind::Zlib));
        assert_eq!(detect(&[0x78, 0xda]), Ok(CompressionKind::Zlib));
        assert_eq!(detect(&[0x0f]), Ok(CompressionKind::Zlib));
        assert_eq!(detect(&[0x01, 0x00]), Ok(CompressionKind::Brotli));
        assert_eq!(detect(&[0x02]), Err(CompressionError::UnknownCompression(0x02)));
        assert_eq!(detect(&[]), Err(CompressionError::Empty));
    }

    #[test]
    fn rule_2_4_brotli_before_fjord_is_invalid() {
        assert_eq!(
            decompress(&[0x01, 0x0b], false, LIMIT),
            Err(CompressionError::BrotliBeforeFjord)
        );
    }

    #[test]
    fn zlib_roundtrip_and_limit() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let compressed = compress_zlib(&data, 6);
        let full = decompress(&compressed, false, LIMIT).unwrap();
        assert_eq!(full.end, StreamEnd::Complete);
        assert_eq!(full.data, data);
        let capped = decompress(&compressed, false, 1000).unwrap();
        assert_eq!(capped.end, StreamEnd::LimitReached);
        assert_eq!(capped.data, data[..1000]);
    }

    #[test]
    fn zlib_truncated_and_corrupt_keep_prefix() {
        let data: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 13) as u8).collect();
        let compressed = compress_zlib(&data, 6);
        let cut = decompress(&compressed[..compressed.len() / 2], false, LIMIT).unwrap();
        assert_eq!(cut.end, StreamEnd::Truncated);
        assert!(data.starts_with(&cut.data));
        let mut bad = compressed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0xff; // break the Adler-32 trailer
        let bad = decompress(&bad, false, LIMIT).unwrap();
        assert_eq!(bad.end, StreamEnd::Corrupt("zlib checksum mismatch"));
    }

    #[cfg(feature = "std")]
    #[test]
    fn brotli_roundtrip_and_limit() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 241) as u8).collect();
        let compressed = compress_brotli(&data, 6);
        assert_eq!(compressed[0], BROTLI_VERSION_BYTE);
        let full = decompress(&compressed, true, LIMIT).unwrap();
        assert_eq!((full.kind, full.end), (CompressionKind::Brotli, StreamEnd::Complete));
        assert_eq!(full.data, data);
        let capped = decompress(&compressed, true, 5000).unwrap();
        assert_eq!(capped.end, StreamEnd::LimitReached);
        assert_eq!(capped.data, data[..5000]);
        let cut = decompress(&compressed[..compressed.len() / 2], true, LIMIT).unwrap();
        assert_eq!(cut.end, StreamEnd::Truncated);
        assert!(data.starts_with(&cut.data));
    }

    #[test]
    fn brotli_garbage_is_corrupt_not_panic() {
        let out = decompress(&[0x01, 0xff, 0xff, 0xff, 0x00, 0x13], true, LIMIT).unwrap();
        assert!(matches!(out.end, StreamEnd::Corrupt(_)));
    }
}
