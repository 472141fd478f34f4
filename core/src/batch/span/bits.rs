//! Standard span-batch bitlists.

use super::{SpanBatchError, cursor::Cursor};
use alloc::vec::Vec;

/// A span-batch bitlist of `len` bits.
///
/// On the wire it is a big-endian integer left-padded with zeros to `⌈len / 8⌉` bytes, and
/// bit `i` is the integer's `i`-th least-significant bit; a set bit at `i ≥ len` is invalid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SpanBatchBits {
    /// The wire bytes in reverse order, so bit `i` is `bytes[i / 8] >> (i % 8) & 1`.
    /// Invariant: `bytes.len() == len.div_ceil(8)` and every bit at `i ≥ len` is zero.
    bytes: Vec<u8>,
    len: usize,
}

impl SpanBatchBits {
    /// An empty bitlist.
    pub const fn new() -> Self {
        Self { bytes: Vec::new(), len: 0 }
    }

    /// Number of bits.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the list has no bits.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bit `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<bool> {
        if i >= self.len {
            return None;
        }
        self.bytes.get(i / 8).map(|byte| byte >> (i % 8) & 1 == 1)
    }

    /// Appends a bit.
    pub fn push(&mut self, bit: bool) {
        if self.len.is_multiple_of(8) {
            self.bytes.push(0);
        }
        if bit && let Some(byte) = self.bytes.last_mut() {
            *byte |= 1 << (self.len % 8);
        }
        self.len += 1;
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> usize {
        // Bits past `len` are always zero, so whole bytes can be counted.
        self.bytes.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// The bits in order, bit 0 first.
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len).map(|i| self.get(i).unwrap_or(false))
    }

    /// Length of the wire encoding, `⌈len / 8⌉`.
    pub const fn encoded_len(&self) -> usize {
        self.len.div_ceil(8)
    }

    /// Appends the wire encoding.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend(self.bytes.iter().rev());
    }

    /// Reads a bitlist of `len` bits, rejecting set padding bits.
    pub(crate) fn decode(
        cursor: &mut Cursor<'_>,
        len: u64,
        field: &'static str,
    ) -> Result<Self, SpanBatchError> {
        let nbytes = len.div_ceil(8);
        cursor.ensure(nbytes, 1, field)?;
        // `ensure` bounded nbytes by the input length, so these conversions are lossless.
        let wire = cursor.take(nbytes as usize, field)?;
        let len = len as usize;
        let used_top_bits = len % 8;
        if used_top_bits != 0
            && let Some(&top) = wire.first()
            && top >> used_top_bits != 0
        {
            return Err(SpanBatchError::BitlistPadding { field, len: len as u64 });
        }
        Ok(Self { bytes: wire.iter().rev().copied().collect(), len })
    }
}

impl FromIterator<bool> for SpanBatchBits {
    fn from_iter<I: IntoIterator<Item = bool>>(iter: I) -> Self {
        let mut bits = Self::new();
        for bit in iter {
            bits.push(bit);
        }
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn decode(bytes: &[u8], len: u64) -> Result<SpanBatchBits, SpanBatchError> {
        let mut c = Cursor::new(bytes);
        let bits = SpanBatchBits::decode(&mut c, len, "bits")?;
        assert_eq!(c.position(), bytes.len());
        Ok(bits)
    }

    #[test]
    fn rule_3_2_span_batch_bitlist_order() {
        // 10 bits: bit 0 and bit 9 set -> integer 0b10_0000_0001 = 0x0201, BE in 2 bytes.
        let bits: SpanBatchBits = (0..10).map(|i| i == 0 || i == 9).collect();
        let mut out = Vec::new();
        bits.encode(&mut out);
        assert_eq!(out, vec![0x02, 0x01]);
        assert_eq!(decode(&out, 10).unwrap(), bits);
        assert_eq!(bits.count_ones(), 2);
        assert_eq!(bits.get(9), Some(true));
        assert_eq!(bits.get(10), None);
        assert_eq!(bits.iter().filter(|b| *b).count(), 2);
    }

    #[test]
    fn rule_3_2_span_batch_bitlist_padding() {
        // 10 bits may use only the low 2 bits of the top byte.
        assert_eq!(
            decode(&[0x04, 0x00], 10),
            Err(SpanBatchError::BitlistPadding { field: "bits", len: 10 })
        );
        assert!(decode(&[0x03, 0xff], 10).is_ok());
        // A multiple of 8 has no padding.
        assert!(decode(&[0xff], 8).is_ok());
        assert_eq!(
            decode(&[0x80], 7),
            Err(SpanBatchError::BitlistPadding { field: "bits", len: 7 })
        );
        // Zero bits take zero bytes.
        assert_eq!(decode(&[], 0).unwrap(), SpanBatchBits::new());
    }

    #[test]
    fn rule_3_2_span_batch_bitlist_truncated() {
        assert!(matches!(decode(&[0x01], 9), Err(SpanBatchError::Truncated { .. })));
        // A huge declared length is refused before allocating.
        assert!(matches!(decode(&[0x01], u64::MAX), Err(SpanBatchError::Truncated { .. })));
    }
}
