//! The witness preimage store: every trie node and bytecode the executor may read, keyed by
//! its keccak256 hash (vectors README §7, `witness.bin`).
//!
//! ```text
//! witness.bin := record*            (sorted by key, bytewise ascending; keys unique)
//! record      := key_len:u32 BE  key[key_len]  value_len:u32 BE  value[value_len]
//! ```
//! Every key is 32 bytes and equals keccak256 of its value; [`WitnessStore::parse`] checks both,
//! so a lookup can trust what it gets back.

use alloc::collections::BTreeMap;

use alloy_primitives::{B256, Bytes, keccak256};

use super::ExecError;

/// The host-IO seam of the executor: answers preimages (trie nodes, contract code, headers)
/// by their keccak256 hash.
pub trait PreimageSource {
    /// The preimage of `hash`, or [`ExecError::MissingPreimage`] naming the hash.
    fn preimage(&self, hash: B256) -> Result<Bytes, ExecError>;
}

/// Why a `witness.bin` cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The input ends inside a record.
    #[error("witness truncated at byte {offset}: {field} needs {needed} bytes, {remaining} remain")]
    Truncated {
        /// Byte offset of the field.
        offset: usize,
        /// Which field was cut short.
        field: &'static str,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the input.
        remaining: usize,
    },
    /// A key is not 32 bytes long.
    #[error("witness record at byte {offset} has a {len}-byte key, expected 32")]
    KeyLength {
        /// Byte offset of the record.
        offset: usize,
        /// The declared key length.
        len: u32,
    },
    /// A value does not hash to its key.
    #[error("witness value under {key} hashes to {actual}")]
    HashMismatch {
        /// The record's key.
        key: B256,
        /// keccak256 of the record's value.
        actual: B256,
    },
    /// Keys are not strictly ascending (out of order or duplicated).
    #[error("witness key {key} does not follow {previous} in ascending order")]
    Unsorted {
        /// The previous record's key.
        previous: B256,
        /// The offending key.
        key: B256,
    },
}

/// An in-memory preimage map, the state source of the fixtures and the fault-proof guest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WitnessStore {
    entries: BTreeMap<B256, Bytes>,
}

/// Reads a big-endian u32 length at `offset`, naming `field` if the input is cut short.
fn read_len(input: &[u8], offset: usize, field: &'static str) -> Result<usize, WitnessError> {
    let rest = input.get(offset..).unwrap_or_default();
    let (word, _) = rest.split_first_chunk::<4>().ok_or(WitnessError::Truncated {
        offset,
        field,
        needed: 4,
        remaining: rest.len(),
    })?;
    // u32 always fits usize on the 32- and 64-bit targets keel builds for.
    Ok(u32::from_be_bytes(*word) as usize)
}

/// The `len` bytes at `offset`, naming `field` if the input is cut short.
fn read_bytes<'a>(
    input: &'a [u8],
    offset: usize,
    len: usize,
    field: &'static str,
) -> Result<&'a [u8], WitnessError> {
    let rest = input.get(offset..).unwrap_or_default();
    rest.get(..len).ok_or(WitnessError::Truncated {
        offset,
        field,
        needed: len,
        remaining: rest.len(),
    })
}

impl WitnessStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `witness.bin`, checking key lengths, ascending unique keys and
    /// `keccak256(value) == key` for every record.
    pub fn parse(input: &[u8]) -> Result<Self, WitnessError> {
        let mut entries = BTreeMap::new();
        let mut offset = 0usize;
        let mut previous: Option<B256> = None;
        while offset < input.len() {
            let record = offset;
            let key_len = read_len(input, offset, "key length")?;
            if key_len != 32 {
                return Err(WitnessError::KeyLength {
                    offset: record,
                    len: u32::try_from(key_len).unwrap_or(u32::MAX),
                });
            }
            offset += 4;
            let key = B256::from_slice(read_bytes(input, offset, 32, "key")?);
            offset += 32;
            let value_len = read_len(input, offset, "value length")?;
            offset += 4;
            // Bounded by the input: `read_bytes` fails before anything is allocated.
            let value = read_bytes(input, offset, value_len, "value")?;
            offset += value_len;
            if let Some(previous) = previous
                && key <= previous
            {
                return Err(WitnessError::Unsorted { previous, key });
            }
            let actual = keccak256(value);
            if actual != key {
                return Err(WitnessError::HashMismatch { key, actual });
            }
            entries.insert(key, Bytes::copy_from_slice(value));
            previous = Some(key);
        }
        Ok(Self { entries })
    }

    /// Adds a preimage under its keccak256 hash, returning the hash.
    pub fn insert(&mut self, value: Bytes) -> B256 {
        let key = keccak256(&value);
        self.entries.insert(key, value);
        key
    }

    /// The preimage of `hash`, if present.
    pub fn get(&self, hash: &B256) -> Option<&Bytes> {
        self.entries.get(hash)
    }

    /// Number of preimages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the store holds no preimage.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All `(hash, preimage)` pairs in ascending hash order.
    pub fn iter(&self) -> impl Iterator<Item = (&B256, &Bytes)> {
        self.entries.iter()
    }
}

impl PreimageSource for WitnessStore {
    fn preimage(&self, hash: B256) -> Result<Bytes, ExecError> {
        self.entries.get(&hash).cloned().ok_or(ExecError::MissingPreimage(hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn record(key: &[u8], value: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(key.len() as u32).to_be_bytes());
        out.extend_from_slice(key);
        out.extend_from_slice(&(value.len() as u32).to_be_bytes());
        out.extend_from_slice(value);
        out
    }

    fn sorted_records(values: &[&[u8]]) -> Vec<u8> {
        let mut pairs: Vec<(B256, &[u8])> = values.iter().map(|v| (keccak256(v), *v)).collect();
        pairs.sort();
        pairs.iter().flat_map(|(k, v)| record(k.as_slice(), v)).collect()
    }

    #[test]
    fn parses_and_answers_preimages() {
        let input = sorted_records(&[b"one", b"two", b""]);
        let store = WitnessStore::parse(&input).unwrap();
        assert_eq!(store.len(), 3);
        assert_eq!(store.preimage(keccak256(b"two")).unwrap(), Bytes::from_static(b"two"));
        assert_eq!(store.preimage(keccak256(b"")).unwrap(), Bytes::new());
        let missing = keccak256(b"three");
        assert_eq!(store.preimage(missing), Err(ExecError::MissingPreimage(missing)));
        assert!(WitnessStore::parse(&[]).unwrap().is_empty());
    }

    #[test]
    fn insert_keys_by_hash() {
        let mut store = WitnessStore::new();
        let key = store.insert(Bytes::from_static(b"code"));
        assert_eq!(key, keccak256(b"code"));
        assert_eq!(store.get(&key), Some(&Bytes::from_static(b"code")));
    }

    #[test]
    fn truncated_input_is_typed() {
        let input = sorted_records(&[b"value"]);
        for cut in 1..input.len() {
            let err = WitnessStore::parse(&input[..cut]).unwrap_err();
            assert!(matches!(err, WitnessError::Truncated { .. }), "cut {cut}: {err:?}");
        }
        assert_eq!(
            WitnessStore::parse(&input[..2]).unwrap_err(),
            WitnessError::Truncated { offset: 0, field: "key length", needed: 4, remaining: 2 }
        );
        assert_eq!(
            WitnessStore::parse(&input[..40]).unwrap_err(),
            WitnessError::Truncated { offset: 40, field: "value", needed: 5, remaining: 0 }
        );
    }

    #[test]
    fn oversized_value_length_is_typed_without_allocating() {
        let key = keccak256(b"x");
        let mut input = Vec::new();
        input.extend_from_slice(&32u32.to_be_bytes());
        input.extend_from_slice(key.as_slice());
        input.extend_from_slice(&u32::MAX.to_be_bytes());
        input.push(b'x');
        assert_eq!(
            WitnessStore::parse(&input).unwrap_err(),
            WitnessError::Truncated {
                offset: 40,
                field: "value",
                needed: u32::MAX as usize,
                remaining: 1
            }
        );
    }

    #[test]
    fn wrong_key_length_is_typed() {
        let input = record(&[0u8; 31], b"v");
        assert_eq!(
            WitnessStore::parse(&input).unwrap_err(),
            WitnessError::KeyLength { offset: 0, len: 31 }
        );
        let mut input = sorted_records(&[b"a"]);
        input.extend_from_slice(&record(&[0u8; 33], b"v"));
        assert_eq!(
            WitnessStore::parse(&input).unwrap_err(),
            WitnessError::KeyLength { offset: 41, len: 33 }
        );
    }

    #[test]
    fn hash_mismatch_is_typed() {
        let key = keccak256(b"a");
        let input = record(key.as_slice(), b"b");
        assert_eq!(
            WitnessStore::parse(&input).unwrap_err(),
            WitnessError::HashMismatch { key, actual: keccak256(b"b") }
        );
    }

    #[test]
    fn unsorted_and_duplicate_keys_are_typed() {
        let (a, b) = (keccak256(b"a"), keccak256(b"b"));
        let (lo, hi, lo_v, hi_v): (_, _, &[u8], &[u8]) =
            if a < b { (a, b, b"a", b"b") } else { (b, a, b"b", b"a") };
        let mut input = record(hi.as_slice(), hi_v);
        input.extend_from_slice(&record(lo.as_slice(), lo_v));
        assert_eq!(
            WitnessStore::parse(&input).unwrap_err(),
            WitnessError::Unsorted { previous: hi, key: lo }
        );
        let mut input = record(lo.as_slice(), lo_v);
        input.extend_from_slice(&record(lo.as_slice(), lo_v));
        assert_eq!(
            WitnessStore::parse(&input).unwrap_err(),
            WitnessError::Unsorted { previous: lo, key: lo }
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state = 0x1234_5678_u64;
        for _ in 0..500 {
            let len = (state % 200) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state =
                        state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (state >> 33) as u8
                })
                .collect();
            let _ = WitnessStore::parse(&bytes);
        }
    }
}
