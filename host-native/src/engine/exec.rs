//! The executor API the engine uses, in one place: `build_block` and `genesis_block` from
//! keel-core, and (until keel-core exports them) stand-ins for `account_proof` and
//! `read_account`.

use alloy_consensus::TrieAccount;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
pub(crate) use keel_core::executor::{build_block, genesis_block};
use keel_core::executor::{ExecError, LazyTrie, PreimageSource};

/// One storage proof.
#[derive(Debug, Clone)]
pub(crate) struct StorageProof {
    /// Its value.
    pub(crate) value: U256,
    /// Trie nodes from the root.
    pub(crate) proof: Vec<Bytes>,
}

/// An EIP-1186 account proof.
#[derive(Debug, Clone)]
pub(crate) struct AccountProof {
    /// Balance.
    pub(crate) balance: U256,
    /// Nonce.
    pub(crate) nonce: u64,
    /// Code hash.
    pub(crate) code_hash: B256,
    /// Storage root.
    pub(crate) storage_root: B256,
    /// Account trie nodes from the root.
    pub(crate) account_proof: Vec<Bytes>,
    /// One per slot asked.
    pub(crate) storage_proofs: Vec<StorageProof>,
}

/// An account proof (stand-in: not available yet).
pub(crate) fn account_proof(
    _state_root: B256,
    _address: Address,
    _slots: &[B256],
    _src: &impl PreimageSource,
) -> Result<AccountProof, ExecError> {
    Err(ExecError::Execution("account_proof is not available in keel-core yet".into()))
}

/// The account at `address` in the state under `state_root`.
pub(crate) fn read_account(
    state_root: B256,
    address: Address,
    src: &impl PreimageSource,
) -> Result<Option<TrieAccount>, ExecError> {
    let mut trie = LazyTrie::new(state_root);
    let Some(rlp) = trie.get(keccak256(address).as_slice(), src)? else { return Ok(None) };
    alloy_rlp::Decodable::decode(&mut rlp.as_slice())
        .map(Some)
        .map_err(|_| ExecError::InvalidAccount(address))
}
