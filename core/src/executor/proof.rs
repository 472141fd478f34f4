//! Reading accounts and storage at a state root, with EIP-1186 Merkle proofs
//! (`eth_getProof`), from the same preimages the executor reads.

use alloc::vec::Vec;

use alloy_consensus::TrieAccount;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_rlp::Decodable;
use alloy_trie::{EMPTY_ROOT_HASH, KECCAK_EMPTY};

use super::{ExecError, LazyTrie, PreimageSource};

/// An account with the proofs of it and of some of its storage slots (`eth_getProof`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProof {
    /// The account.
    pub address: Address,
    /// Its balance (zero if absent).
    pub balance: U256,
    /// Its nonce (zero if absent).
    pub nonce: u64,
    /// Its code hash (the empty code's hash if absent).
    pub code_hash: B256,
    /// Its storage root (the empty trie's root if absent).
    pub storage_root: B256,
    /// The account trie nodes from the state root down to the account's leaf, or to the node
    /// that proves it absent.
    pub account_proof: Vec<Bytes>,
    /// One proof per requested slot, in the order asked.
    pub storage_proofs: Vec<StorageProof>,
}

/// A storage slot with its proof against the account's storage root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageProof {
    /// The slot (not hashed).
    pub key: B256,
    /// Its value (zero if absent).
    pub value: U256,
    /// The storage trie nodes from the storage root down the slot's path.
    pub proof: Vec<Bytes>,
}

fn decode_account(address: Address, rlp: &[u8]) -> Result<TrieAccount, ExecError> {
    let mut buf = rlp;
    let account = TrieAccount::decode(&mut buf).map_err(|_| ExecError::InvalidAccount(address))?;
    if !buf.is_empty() {
        return Err(ExecError::InvalidAccount(address));
    }
    Ok(account)
}

/// The account `address` holds at `state_root`, `None` if it has none.
pub fn read_account(
    state_root: B256,
    address: Address,
    src: &impl PreimageSource,
) -> Result<Option<TrieAccount>, ExecError> {
    let mut trie = LazyTrie::new(state_root);
    let Some(rlp) = trie.get(keccak256(address).as_slice(), src)? else { return Ok(None) };
    decode_account(address, &rlp).map(Some)
}

/// The account `address` at `state_root` and the `slots` of its storage, each with its
/// EIP-1186 proof. An absent account reads as zero balance and nonce, the empty code hash and
/// the empty storage root, with a proof of its absence (and its slots as zero, with empty
/// proofs: the empty storage trie needs none).
pub fn account_proof(
    state_root: B256,
    address: Address,
    slots: &[B256],
    src: &impl PreimageSource,
) -> Result<AccountProof, ExecError> {
    let key = keccak256(address);
    let mut trie = LazyTrie::new(state_root);
    let account_proof = trie.proof(key.as_slice(), src)?;
    let account = match trie.get(key.as_slice(), src)? {
        Some(rlp) => decode_account(address, &rlp)?,
        None => TrieAccount {
            nonce: 0,
            balance: U256::ZERO,
            storage_root: EMPTY_ROOT_HASH,
            code_hash: KECCAK_EMPTY,
        },
    };
    let mut storage = LazyTrie::new(account.storage_root);
    let mut storage_proofs = Vec::with_capacity(slots.len().min(1024));
    for slot in slots {
        let hashed = keccak256(slot);
        let proof = storage.proof(hashed.as_slice(), src)?;
        let value = match storage.get(hashed.as_slice(), src)? {
            Some(rlp) => {
                let mut buf = rlp.as_slice();
                U256::decode(&mut buf).ok().filter(|_| buf.is_empty()).ok_or(
                    ExecError::InvalidStorage { address, slot: U256::from_be_bytes(slot.0) },
                )?
            }
            None => U256::ZERO,
        };
        storage_proofs.push(StorageProof { key: *slot, value, proof });
    }
    Ok(AccountProof {
        address,
        balance: account.balance,
        nonce: account.nonce,
        code_hash: account.code_hash,
        storage_root: account.storage_root,
        account_proof,
        storage_proofs,
    })
}
