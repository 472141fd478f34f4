//! Blob KZG commitments in pure Rust, for the browser: c-kzg is C and does not build for
//! wasm32-unknown-unknown. A blob's commitment is the multi-scalar multiplication of its 4096
//! field elements with the trusted setup's G1 points in Lagrange form (EIP-4844
//! `blob_to_kzg_commitment`), and its versioned hash is `0x01 ‖ sha256(commitment)[1..]`: with
//! that, a blob the beacon node serves is checked against the versioned hash its transaction
//! commits to, as `keel record` does with c-kzg.
//!
//! `kzg_g1_lagrange.bin` holds the 4096 compressed G1 Lagrange points of the Ethereum KZG
//! ceremony in the order of the standard `trusted_setup.txt` (as c-kzg ships it); the
//! commitment uses them in bit-reversal order, as the spec does.

use alloy_primitives::B256;
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::PrimeField;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use keel_core::derive::host::Blob;

/// Field elements in a blob.
const FIELD_ELEMENTS: usize = 4096;
/// Bytes of a compressed G1 point.
const G1_SIZE: usize = 48;
/// The BLS12-381 scalar field modulus, big-endian.
pub(crate) const BLS_MODULUS: [u8; 32] =
    alloy_primitives::hex!("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
/// The G1 Lagrange points of the Ethereum KZG trusted setup, compressed, in file order.
static SETUP: &[u8; FIELD_ELEMENTS * G1_SIZE] = include_bytes!("kzg_g1_lagrange.bin");

/// Why a commitment could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KzgError {
    /// A setup point does not decode (the embedded setup is corrupt).
    #[error("KZG trusted setup point {0} does not decode")]
    Setup(usize),
    /// A field element of the blob is not below the BLS12-381 scalar modulus.
    #[error("blob field element {0} is not below the BLS modulus")]
    FieldElement(usize),
    /// The commitment could not be encoded.
    #[error("cannot encode the commitment")]
    Encode,
}

/// The trusted setup, decoded and in bit-reversal order.
pub struct KzgSetup {
    bases: Vec<G1Affine>,
}

fn bit_reverse(i: usize) -> usize {
    // 4096 = 2^12 points.
    i.reverse_bits() >> (usize::BITS - 12)
}

impl KzgSetup {
    /// Decodes the embedded setup (4096 point decompressions: do it once).
    pub fn load() -> Result<Self, KzgError> {
        let bases = (0..FIELD_ELEMENTS)
            .map(|i| {
                let j = bit_reverse(i);
                let bytes = SETUP.get(j * G1_SIZE..(j + 1) * G1_SIZE).ok_or(KzgError::Setup(j))?;
                // The setup is a constant of this crate, checked by the tests against c-kzg:
                // the subgroup check would only cost time.
                G1Affine::deserialize_compressed_unchecked(bytes).map_err(|_| KzgError::Setup(j))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { bases })
    }

    /// The blob's 48-byte KZG commitment.
    pub fn commitment(&self, blob: &Blob) -> Result<[u8; G1_SIZE], KzgError> {
        let scalars = blob
            .chunks_exact(32)
            .enumerate()
            .map(|(i, chunk)| {
                // Canonical (big-endian, below the modulus): then reducing changes nothing.
                if chunk < &BLS_MODULUS[..] {
                    Ok(Fr::from_be_bytes_mod_order(chunk))
                } else {
                    Err(KzgError::FieldElement(i))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let point: G1Projective = VariableBaseMSM::msm_unchecked(&self.bases, &scalars);
        let mut out = [0u8; G1_SIZE];
        point.into_affine().serialize_compressed(&mut out[..]).map_err(|_| KzgError::Encode)?;
        Ok(out)
    }

    /// The blob's versioned hash (`0x01 ‖ sha256(commitment)[1..]`).
    pub fn versioned_hash(&self, blob: &Blob) -> Result<B256, KzgError> {
        Ok(alloy_eips::eip4844::kzg_to_versioned_hash(&self.commitment(blob)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(seed: u64) -> Box<Blob> {
        let mut b = Box::new([0u8; keel_core::blob::BLOB_SIZE]);
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for (i, fe) in b.chunks_exact_mut(32).enumerate() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Top byte 0..=0x72 keeps the element below the modulus (0x73ed...).
            fe[0] = (x % 0x73) as u8;
            fe[1..9].copy_from_slice(&x.to_be_bytes());
            fe[31] = i as u8;
        }
        b
    }

    #[test]
    fn commitments_equal_c_kzg() {
        let setup = KzgSetup::load().unwrap();
        let reference = c_kzg::ethereum_kzg_settings(0);
        let mut zero = Box::new([0u8; keel_core::blob::BLOB_SIZE]);
        for b in [blob(1), blob(2), {
            zero[31] = 1;
            zero.clone()
        }] {
            let expected = reference
                .blob_to_kzg_commitment(&c_kzg::Blob::from_bytes(b.as_slice()).unwrap())
                .unwrap();
            let got = setup.commitment(&b).unwrap();
            assert_eq!(got.as_slice(), expected.to_bytes().as_slice());
            assert_eq!(
                setup.versioned_hash(&b).unwrap(),
                alloy_eips::eip4844::kzg_to_versioned_hash(expected.to_bytes().as_slice())
            );
        }
    }

    #[test]
    fn non_canonical_field_elements_are_refused() {
        let setup = KzgSetup::load().unwrap();
        let mut b = blob(3);
        b[32 * 5..32 * 6].copy_from_slice(&[0xff; 32]);
        assert_eq!(setup.commitment(&b), Err(KzgError::FieldElement(5)));
    }
}
