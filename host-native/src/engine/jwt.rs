//! Engine API authentication: HS256 JWTs whose `iat` is within ±60 s of now, signed with the
//! 32-byte secret shared with the rollup node.

use std::path::Path;

use alloy_rpc_types_engine::JwtSecret;
use axum::http::{HeaderMap, header::AUTHORIZATION};

/// Why a secret file or a request's token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum JwtError {
    /// The secret file cannot be read.
    #[error("cannot read JWT secret {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// The secret file does not hold 32 hex-encoded bytes.
    #[error("JWT secret {path} is not 32 hex-encoded bytes: {reason}")]
    BadSecret {
        /// The file.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// The request has no `Authorization: Bearer` header.
    #[error("missing Authorization: Bearer token")]
    MissingToken,
    /// The token's signature, algorithm or `iat` claim is wrong.
    #[error("invalid JWT: {0}")]
    Invalid(String),
}

/// Loads the secret: 32 bytes as hex, optionally `0x`-prefixed, surrounding whitespace ignored.
pub(crate) fn load_secret(path: &Path) -> Result<JwtSecret, JwtError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| JwtError::Read { path: path.display().to_string(), reason: e.to_string() })?;
    JwtSecret::from_hex(text.trim()).map_err(|e| JwtError::BadSecret {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Checks a request's bearer token against the secret.
pub(crate) fn authorize(secret: &JwtSecret, headers: &HeaderMap) -> Result<(), JwtError> {
    let value = headers.get(AUTHORIZATION).ok_or(JwtError::MissingToken)?;
    let value = value.to_str().map_err(|_| JwtError::MissingToken)?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or(JwtError::MissingToken)?;
    secret.validate(token.trim()).map_err(|e| JwtError::Invalid(e.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use alloy_rpc_types_engine::Claims;
    use axum::http::HeaderValue;

    use super::*;

    fn now() -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
    }

    fn headers(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
        headers
    }

    #[test]
    fn accepts_fresh_token_and_rejects_stale_future_wrong_key_and_missing() {
        let secret = JwtSecret::random();
        let fresh = secret.encode(&Claims { iat: now(), exp: None }).unwrap();
        assert_eq!(authorize(&secret, &headers(&fresh)), Ok(()));
        let stale = secret.encode(&Claims { iat: now() - 120, exp: None }).unwrap();
        assert!(matches!(authorize(&secret, &headers(&stale)), Err(JwtError::Invalid(_))));
        let future = secret.encode(&Claims { iat: now() + 120, exp: None }).unwrap();
        assert!(matches!(authorize(&secret, &headers(&future)), Err(JwtError::Invalid(_))));
        let other = JwtSecret::random().encode(&Claims { iat: now(), exp: None }).unwrap();
        assert!(matches!(authorize(&secret, &headers(&other)), Err(JwtError::Invalid(_))));
        assert_eq!(authorize(&secret, &HeaderMap::new()), Err(JwtError::MissingToken));
    }

    #[test]
    fn secret_file_accepts_prefix_and_whitespace_and_rejects_short() {
        let dir = std::env::temp_dir().join(format!("keel-jwt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("jwt.hex");
        std::fs::write(&path, format!("  0x{}\n", "ab".repeat(32))).unwrap();
        let secret = load_secret(&path).unwrap();
        assert_eq!(secret.as_bytes(), &[0xab; 32]);
        std::fs::write(&path, "abcd").unwrap();
        assert!(matches!(load_secret(&path), Err(JwtError::BadSecret { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
