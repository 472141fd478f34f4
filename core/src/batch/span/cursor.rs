//! A bounds-checked reader over the span batch body, and the protobuf uvarint codec.

use super::SpanBatchError;
use alloc::vec::Vec;

/// Longest uvarint that fits a `u64` (Go `binary.MaxVarintLen64`).
const MAX_VARINT_LEN: usize = 10;

/// Reads the span batch body front to back; every read checks the remaining length.
pub(crate) struct Cursor<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) const fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    /// Bytes consumed so far (offset of the next read).
    pub(crate) const fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub(crate) fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    /// The unread input.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.input.get(self.pos..).unwrap_or_default()
    }

    /// The bytes read since offset `start`.
    pub(crate) fn consumed_since(&self, start: usize) -> &'a [u8] {
        self.input.get(start..self.pos).unwrap_or_default()
    }

    /// The error for a read of `needed` bytes of `field` that the input cannot satisfy.
    pub(crate) fn truncated(&self, field: &'static str, needed: u64) -> SpanBatchError {
        SpanBatchError::Truncated { field, offset: self.pos, needed, available: self.remaining() }
    }

    /// Takes the next `n` bytes.
    pub(crate) fn take(
        &mut self,
        n: usize,
        field: &'static str,
    ) -> Result<&'a [u8], SpanBatchError> {
        let bytes = self
            .pos
            .checked_add(n)
            .and_then(|end| self.input.get(self.pos..end))
            .ok_or_else(|| self.truncated(field, n as u64))?;
        self.pos += n;
        Ok(bytes)
    }

    /// Takes the next `N` bytes as an array.
    pub(crate) fn take_array<const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<[u8; N], SpanBatchError> {
        let bytes = self.take(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Fails unless at least `count × size` bytes remain: checked before allocating `count`
    /// entries, so a count read from the input never allocates more than the input backs.
    pub(crate) fn ensure(
        &self,
        count: u64,
        size: u64,
        field: &'static str,
    ) -> Result<(), SpanBatchError> {
        let needed = count.saturating_mul(size);
        if needed > self.remaining() as u64 {
            return Err(self.truncated(field, needed));
        }
        Ok(())
    }

    /// Reads a protobuf / Go `binary.ReadUvarint` varint.
    ///
    /// Like Go, a non-minimal encoding (e.g. `80 00` for 0) is accepted: op-node accepts it, so
    /// rejecting it would split consensus. More than 10 bytes, or a 10th byte above 1, overflows.
    pub(crate) fn uvarint(&mut self, field: &'static str) -> Result<u64, SpanBatchError> {
        let start = self.pos;
        let mut value = 0u64;
        for i in 0..MAX_VARINT_LEN {
            let Some(&byte) = self.input.get(self.pos) else {
                return Err(SpanBatchError::Truncated {
                    field,
                    offset: start,
                    needed: (i + 1) as u64,
                    available: i,
                });
            };
            self.pos += 1;
            let shift = 7 * i as u32;
            if byte < 0x80 {
                if i == MAX_VARINT_LEN - 1 && byte > 1 {
                    return Err(SpanBatchError::VarintOverflow { field, offset: start });
                }
                return Ok(value | u64::from(byte) << shift);
            }
            value |= u64::from(byte & 0x7f) << shift;
        }
        Err(SpanBatchError::VarintOverflow { field, offset: start })
    }
}

/// Appends the minimal uvarint encoding of `value`.
pub(crate) fn write_uvarint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn read(bytes: &[u8]) -> Result<(u64, usize), SpanBatchError> {
        let mut c = Cursor::new(bytes);
        let v = c.uvarint("test")?;
        Ok((v, c.position()))
    }

    #[test]
    fn rule_3_2_uvarint_roundtrip() {
        for v in [0, 1, 127, 128, 300, 16_384, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            let mut out = Vec::new();
            write_uvarint(&mut out, v);
            assert_eq!(read(&out).unwrap(), (v, out.len()));
        }
        let mut out = Vec::new();
        write_uvarint(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
        assert_eq!(out[9], 1);
    }

    #[test]
    fn rule_3_2_uvarint_overlong_and_overflow() {
        // 11 bytes: more than a u64 varint can take.
        let mut long = vec![0x80u8; 10];
        long.push(0);
        assert_eq!(read(&long), Err(SpanBatchError::VarintOverflow { field: "test", offset: 0 }));
        // 10th byte above 1 would need bit 64.
        let mut over = vec![0xffu8; 9];
        over.push(2);
        assert_eq!(read(&over), Err(SpanBatchError::VarintOverflow { field: "test", offset: 0 }));
        // Non-minimal but in range: accepted, as Go's binary.ReadUvarint does.
        assert_eq!(read(&[0x80, 0x00]).unwrap(), (0, 2));
        assert_eq!(read(&[0x81, 0x80, 0x00]).unwrap(), (1, 3));
    }

    #[test]
    fn rule_3_2_uvarint_truncated() {
        assert!(matches!(read(&[]), Err(SpanBatchError::Truncated { .. })));
        assert!(matches!(read(&[0x80]), Err(SpanBatchError::Truncated { .. })));
        assert!(matches!(read(&[0xff, 0xff]), Err(SpanBatchError::Truncated { .. })));
    }
}
