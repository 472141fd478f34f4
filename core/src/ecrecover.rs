//! secp256k1 sender recovery for batcher transactions, without the redundant verification.
//!
//! `alloy`'s `recover_signer` goes through `ecdsa`'s `recover_from_prehash`, which computes the
//! public key `Q = r⁻¹(s·R − z·G)` and then verifies the signature against `Q`. That check is
//! a tautology (verifying gives back `R`, whose x is `r` by construction) and doubles the cost;
//! sender recovery is the largest share of derivation time, natively and even more in wasm
//! (k256's 32-bit field arithmetic), so [`recover_address`] does the recovery alone, with the
//! same acceptance rules: `r` and `s` in `1..n`, EIP-2 low `s`, `R` on the curve, `Q` not the
//! point at infinity. `r⁻¹` is computed in variable time: signatures are public.

use alloy_primitives::{Address, B256, Signature, U256, keccak256};
use k256::{
    AffinePoint, FieldBytes, ProjectivePoint, Scalar,
    elliptic_curve::{
        PrimeField,
        group::Group,
        ops::{Invert, LinearCombination, Reduce},
        point::DecompressPoint,
        sec1::ToEncodedPoint,
        subtle::Choice,
    },
};

/// secp256k1n / 2: EIP-2's bound on `s`.
const SECP256K1N_HALF: U256 = U256::from_be_bytes(alloy_primitives::hex!(
    "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"
));

/// Why a signature does not recover to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecoverError {
    /// `r` or `s` is zero or not below the curve order.
    #[error("signature scalar r or s is zero or not below the curve order")]
    ScalarRange,
    /// `s` is above secp256k1n/2 (EIP-2).
    #[error("signature s is above secp256k1n/2 (EIP-2)")]
    HighS,
    /// No curve point has x = `r` with the signature's y parity.
    #[error("signature r is not the x coordinate of a curve point")]
    NotOnCurve,
    /// The recovered key is the point at infinity.
    #[error("signature recovers to the point at infinity")]
    Infinity,
}

fn scalar(value: U256) -> Option<Scalar> {
    let bytes = FieldBytes::from(value.to_be_bytes::<32>());
    Option::<Scalar>::from(Scalar::from_repr(bytes)).filter(|s| !bool::from(s.is_zero()))
}

/// The address whose key signed `prehash` with `signature` (Ethereum recovery: the y parity is
/// the signature's `v`, `r` is never an x coordinate reduced modulo the order).
pub fn recover_address(prehash: &B256, signature: &Signature) -> Result<Address, RecoverError> {
    if signature.s() > SECP256K1N_HALF {
        return Err(RecoverError::HighS);
    }
    let r = scalar(signature.r()).ok_or(RecoverError::ScalarRange)?;
    let s = scalar(signature.s()).ok_or(RecoverError::ScalarRange)?;
    let big_r = Option::<AffinePoint>::from(AffinePoint::decompress(
        &r.to_repr(),
        Choice::from(u8::from(signature.v())),
    ))
    .ok_or(RecoverError::NotOnCurve)?;
    let z = <Scalar as Reduce<k256::U256>>::reduce_bytes(&FieldBytes::from(prehash.0));
    // r ≠ 0 was checked, so the inverse exists.
    let r_inv = Option::<Scalar>::from(r.invert_vartime()).ok_or(RecoverError::ScalarRange)?;
    let u1 = -(r_inv * z);
    let u2 = r_inv * s;
    let q = ProjectivePoint::lincomb(
        &ProjectivePoint::GENERATOR,
        &u1,
        &ProjectivePoint::from(big_r),
        &u2,
    );
    if bool::from(q.is_identity()) {
        return Err(RecoverError::Infinity);
    }
    let encoded = q.to_affine().to_encoded_point(false);
    let hash = keccak256(encoded.as_bytes().get(1..).unwrap_or_default());
    Ok(Address::from_word(hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::{
        SignableTransaction, TxEip1559, TxEnvelope, transaction::SignerRecoverable,
    };
    use alloy_primitives::{Bytes, TxKind};

    fn signing_key(seed: u64) -> k256::ecdsa::SigningKey {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
        bytes[31] = 1;
        k256::ecdsa::SigningKey::from_slice(&bytes).unwrap()
    }

    fn sign(key: &k256::ecdsa::SigningKey, hash: B256) -> Signature {
        let (sig, recid) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
        Signature::from_signature_and_parity(sig, recid.is_y_odd())
    }

    #[test]
    fn recovers_the_same_address_as_alloy() {
        for seed in 0..64u64 {
            let key = signing_key(seed);
            let tx = TxEip1559 {
                chain_id: 1,
                nonce: seed,
                to: TxKind::Call(Address::with_last_byte(seed as u8)),
                input: Bytes::from(seed.to_be_bytes().to_vec()),
                ..Default::default()
            };
            let hash = tx.signature_hash();
            let signature = sign(&key, hash);
            let env = TxEnvelope::from(tx.into_signed(signature));
            let expected = env.recover_signer().unwrap();
            assert_eq!(recover_address(&hash, &signature), Ok(expected), "seed {seed}");
            // Flipping the parity recovers another key (or none), never the signer.
            let flipped = Signature::new(signature.r(), signature.s(), !signature.v());
            assert_ne!(recover_address(&hash, &flipped), Ok(expected));
        }
    }

    #[test]
    fn rejects_what_alloy_rejects() {
        let key = signing_key(7);
        let hash = B256::repeat_byte(3);
        let sig = sign(&key, hash);
        let n = U256::from_be_bytes(alloy_primitives::hex!(
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        ));
        let high_s = Signature::new(sig.r(), n - sig.s(), !sig.v());
        assert_eq!(recover_address(&hash, &high_s), Err(RecoverError::HighS));
        assert!(high_s.recover_address_from_prehash(&hash).is_ok(), "alloy's unchecked path");
        let zero_r = Signature::new(U256::ZERO, sig.s(), sig.v());
        assert_eq!(recover_address(&hash, &zero_r), Err(RecoverError::ScalarRange));
        let big_r = Signature::new(n, sig.s(), sig.v());
        assert_eq!(recover_address(&hash, &big_r), Err(RecoverError::ScalarRange));
        let zero_s = Signature::new(sig.r(), U256::ZERO, sig.v());
        assert_eq!(recover_address(&hash, &zero_s), Err(RecoverError::ScalarRange));
        // x = 5 is not on secp256k1 (5³ + 7 = 132 is not a square mod p).
        let off_curve = Signature::new(U256::from(5), sig.s(), false);
        assert_eq!(recover_address(&hash, &off_curve), Err(RecoverError::NotOnCurve));
    }
}
