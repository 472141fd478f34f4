//! Loading the L2 genesis: an op-geth `genesis.json`, or a superchain-registry `.json.zst`
//! (zstd compressed with the registry's dictionary).

use std::{io::Read, path::Path};

use alloy_genesis::Genesis;

/// Largest decompressed genesis accepted (real registry genesis files are a few MiB).
const MAX_GENESIS_BYTES: u64 = 1 << 30;

/// Why a genesis file cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum GenesisFileError {
    /// A file cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// A `.zst` genesis was given without `--genesis-dictionary`.
    #[error(
        "{0} is zstd-compressed: pass the superchain-registry dictionary with --genesis-dictionary"
    )]
    DictionaryRequired(String),
    /// The dictionary file is not a zstd dictionary.
    #[error("{path} is not a zstd dictionary: {reason}")]
    BadDictionary {
        /// The file.
        path: String,
        /// The decoder's error.
        reason: String,
    },
    /// Decompression failed.
    #[error("cannot decompress {path}: {reason}")]
    Decompress {
        /// The file.
        path: String,
        /// The decoder's error.
        reason: String,
    },
    /// The decompressed genesis exceeds [`MAX_GENESIS_BYTES`].
    #[error("{0} decompresses to more than 1 GiB")]
    TooLarge(String),
    /// The JSON is not a genesis.
    #[error("{path} is not a genesis JSON: {reason}")]
    Json {
        /// The file.
        path: String,
        /// The parser's error.
        reason: String,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, GenesisFileError> {
    std::fs::read(path).map_err(|e| GenesisFileError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// zstd frames start with this magic number (little-endian 0xFD2FB528).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Loads a genesis file, decompressing it first when it is zstd (detected by its magic).
pub(crate) fn load(path: &Path, dictionary: Option<&Path>) -> Result<Genesis, GenesisFileError> {
    let raw = read(path)?;
    let json = if raw.starts_with(&ZSTD_MAGIC) {
        let dict_path = dictionary
            .ok_or_else(|| GenesisFileError::DictionaryRequired(path.display().to_string()))?;
        decompress(path, &raw, dict_path)?
    } else {
        raw
    };
    keel_core::executor::parse_genesis(&json).map_err(|e| GenesisFileError::Json {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn decompress(path: &Path, raw: &[u8], dict_path: &Path) -> Result<Vec<u8>, GenesisFileError> {
    let dict_bytes = read(dict_path)?;
    let dict = ruzstd::decoding::Dictionary::decode_dict(&dict_bytes).map_err(|e| {
        GenesisFileError::BadDictionary {
            path: dict_path.display().to_string(),
            reason: e.to_string(),
        }
    })?;
    let bad = |e: &dyn std::fmt::Display| GenesisFileError::Decompress {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut decoder = ruzstd::decoding::FrameDecoder::new();
    decoder.add_dict(dict).map_err(|e| bad(&e))?;
    let stream =
        ruzstd::decoding::StreamingDecoder::new_with_decoder(raw, decoder).map_err(|e| bad(&e))?;
    let mut out = Vec::new();
    stream.take(MAX_GENESIS_BYTES + 1).read_to_end(&mut out).map_err(|e| bad(&e))?;
    if out.len() as u64 > MAX_GENESIS_BYTES {
        return Err(GenesisFileError::TooLarge(path.display().to_string()));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn op_sepolia_registry_genesis_decompresses_with_the_dictionary() {
        let dir = keel_tests::vectors_dir().join("configs/genesis");
        let genesis =
            load(&dir.join("op-sepolia.json.zst"), Some(&dir.join("dictionary"))).unwrap();
        assert_eq!(genesis.alloc.len(), 2066, "vectors README: 2066 accounts");
        assert_eq!(genesis.gas_limit, 30_000_000);
        assert_eq!(genesis.timestamp, 1_691_802_540);
    }

    #[test]
    fn zst_without_dictionary_and_garbage_are_typed_errors() {
        let dir = std::env::temp_dir().join(format!("keel-genesis-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let zst = dir.join("g.json.zst");
        std::fs::write(&zst, [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]).unwrap();
        assert!(matches!(load(&zst, None), Err(GenesisFileError::DictionaryRequired(_))));
        let dict = dir.join("dict");
        std::fs::write(&dict, b"not a dictionary").unwrap();
        assert!(matches!(load(&zst, Some(&dict)), Err(GenesisFileError::BadDictionary { .. })));
        let json = dir.join("g.json");
        std::fs::write(&json, b"[1,2]").unwrap();
        assert!(matches!(load(&json, None), Err(GenesisFileError::Json { .. })));
        std::fs::write(&json, br#"{"gasLimit":"0x1c9c380","alloc":{}}"#).unwrap();
        assert_eq!(load(&json, None).unwrap().gas_limit, 30_000_000);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
