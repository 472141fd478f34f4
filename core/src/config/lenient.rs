//! Lenient serde readers for the number and hash spellings found in real rollup configs.
//!
//! op-node writes integers as JSON numbers and hashes as full 32-byte hex, but configs written by
//! other tools (kona's serde, the registry TOMLs) spell the same values as `"0x32"` strings or
//! as short hex such as `"0xbc"`. These readers accept every such spelling and reject anything
//! that does not denote exactly one non-negative integer.

use alloy_primitives::{B256, U256};
use core::fmt;
use serde::{
    Deserializer,
    de::{self, Unexpected, Visitor},
};

/// Parses a decimal or `0x`-prefixed hex string as a `u64`, refusing signs and empty digits.
pub(crate) fn parse_u64_str(s: &str) -> Option<u64> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        // from_str_radix alone would accept a leading `+`.
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()
    } else {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
}

/// Parses `0x`-prefixed hex of at most 32 bytes (any digit count) as a left-padded word.
pub(crate) fn parse_b256_str(s: &str) -> Option<B256> {
    let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    U256::from_str_radix(hex, 16).ok().map(B256::from)
}

struct U64Visitor;

impl Visitor<'_> for U64Visitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an unsigned 64-bit integer (number, decimal string or 0x-hex string)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<u64, E> {
        u64::try_from(v)
            .map_err(|_| E::invalid_value(Unexpected::Other("integer above u64"), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        parse_u64_str(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

struct OptU64Visitor;

impl<'de> Visitor<'de> for OptU64Visitor {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or an unsigned 64-bit integer (number, decimal or 0x-hex string)")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(U64Visitor).map(Some)
    }
}

struct B256Visitor;

impl Visitor<'_> for B256Visitor {
    type Value = B256;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a hex string of at most 32 bytes or an unsigned integer")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<B256, E> {
        Ok(B256::from(U256::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<B256, E> {
        u64::try_from(v)
            .map(|v| B256::from(U256::from(v)))
            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<B256, E> {
        parse_b256_str(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

struct OptB256Visitor;

impl<'de> Visitor<'de> for OptB256Visitor {
    type Value = Option<B256>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a hex string of at most 32 bytes")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(B256Visitor).map(Some)
    }
}

/// Reads a `u64` given as a number, a decimal string or a `0x`-hex string.
pub(crate) fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(U64Visitor)
}

/// Like [`u64`], but `null` (or an absent field, with `#[serde(default)]`) is `None`.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_option(OptU64Visitor)
}

/// Reads a 32-byte word from hex of any length up to 64 digits (left-padded) or an integer.
pub(crate) fn b256<'de, D: Deserializer<'de>>(d: D) -> Result<B256, D::Error> {
    d.deserialize_any(B256Visitor)
}

/// Like [`b256`], but `null` (or an absent field, with `#[serde(default)]`) is `None`.
pub(crate) fn opt_b256<'de, D: Deserializer<'de>>(d: D) -> Result<Option<B256>, D::Error> {
    d.deserialize_option(OptB256Visitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u64_strings() {
        assert_eq!(parse_u64_str("0x32"), Some(50));
        assert_eq!(parse_u64_str("0X32"), Some(50));
        assert_eq!(parse_u64_str("50"), Some(50));
        assert_eq!(parse_u64_str("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_u64_str("0x10000000000000000"), None);
        assert_eq!(parse_u64_str("18446744073709551616"), None);
        assert_eq!(parse_u64_str("0x"), None);
        assert_eq!(parse_u64_str(""), None);
        assert_eq!(parse_u64_str("+5"), None);
        assert_eq!(parse_u64_str("0x+5"), None);
        assert_eq!(parse_u64_str("-1"), None);
        assert_eq!(parse_u64_str(" 5"), None);
        assert_eq!(parse_u64_str("0xzz"), None);
    }

    #[test]
    fn b256_strings() {
        let mut want = [0u8; 32];
        want[31] = 0xbc;
        assert_eq!(parse_b256_str("0xbc"), Some(B256::from(want)));
        want[30] = 0x0a;
        want[31] = 0x6f;
        assert_eq!(parse_b256_str("0xa6f"), Some(B256::from(want)));
        assert_eq!(parse_b256_str("0x0"), Some(B256::ZERO));
        let full = "0x00000000000000000000000000000000000000000000000000000000000000bc";
        assert_eq!(parse_b256_str(full), parse_b256_str("0xbc"));
        let too_long = "0x100000000000000000000000000000000000000000000000000000000000000bc";
        assert_eq!(parse_b256_str(too_long), None);
        assert_eq!(parse_b256_str("0x"), None);
        assert_eq!(parse_b256_str("0xg1"), None);
    }
}
