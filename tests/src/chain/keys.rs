//! Deterministic test keys and transaction signing.

use alloy_consensus::{SignableTransaction, Signed, crypto::secp256k1::sign_message};
use alloy_primitives::{Address, B256, Signature, keccak256};

/// A secp256k1 key for tests, with its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TestKey {
    /// The secret scalar.
    pub secret: B256,
    /// The address it signs for.
    pub address: Address,
}

impl TestKey {
    /// A key from a secret scalar.
    ///
    /// The address is found by signing a fixed digest and recovering the signer, which keeps
    /// keel-tests off a direct k256 dependency.
    pub fn from_secret(secret: B256) -> Self {
        let digest = B256::with_last_byte(1);
        let sig = sign_message(secret, digest).expect("test key must be a valid secp256k1 scalar");
        let address = sig.recover_address_from_prehash(&digest).expect("own signature recovers");
        Self { secret, address }
    }

    /// A key derived from a label: `secret = keccak256(label)`.
    pub fn from_label(label: &str) -> Self {
        Self::from_secret(keccak256(label.as_bytes()))
    }

    /// Signs a transaction.
    pub fn sign<T: SignableTransaction<Signature>>(&self, tx: T) -> Signed<T> {
        let sig = sign_message(self.secret, tx.signature_hash()).expect("signing with a test key");
        tx.into_signed(sig)
    }
}

/// The batcher named in the test rollup config's genesis system config.
pub fn batcher_key() -> TestKey {
    TestKey::from_label("keel-test batcher")
}

/// A second batcher, for batcher changes and wrong-sender tests.
pub fn other_batcher_key() -> TestKey {
    TestKey::from_label("keel-test batcher 2")
}

/// An L1 user (sends deposits and unrelated transactions).
pub fn l1_user_key() -> TestKey {
    TestKey::from_label("keel-test l1 user")
}

/// The SystemConfig owner (sends the transactions that emit `ConfigUpdate` logs).
pub fn owner_key() -> TestKey {
    TestKey::from_label("keel-test system config owner")
}

/// An L2 user (signs the L2 transactions carried in batches).
pub fn l2_user_key() -> TestKey {
    TestKey::from_label("keel-test l2 user")
}
