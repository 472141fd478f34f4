//! Deposit source hashes (spec: deposits.md § Source hash computation).
//!
//! A deposit has no nonce or signature; its `sourceHash` makes it unique. Every source hash is
//! `keccak256(bytes32(domain) ++ inner)`, the domain keeping sources of different kinds from
//! colliding.

use alloy_primitives::{B256, U256, keccak256};

/// The domain of a deposit source hash: the first 32-byte word hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum SourceHashDomain {
    /// A user deposit: a `TransactionDeposited` log of the OptimismPortal.
    UserDeposit = 0,
    /// The L1-info (L1 attributes) deposit that opens every L2 block.
    L1Info = 1,
    /// A network-upgrade transaction, identified by its intent string.
    Upgrade = 2,
    /// Reserved for Interop (the deposit-context closing transaction of an earlier design).
    InteropDepositContext = 3,
    /// Reserved for Interop (the optimistic-block deposit that replaces an invalid block).
    InteropBlockReplacement = 4,
}

impl SourceHashDomain {
    /// The domain number.
    pub const fn id(self) -> u8 {
        self as u8
    }

    /// `keccak256(bytes32(domain) ++ inner)`.
    pub fn source_hash(self, inner: B256) -> B256 {
        let mut input = [0u8; 64];
        let (domain, rest) = input.split_at_mut(32);
        domain.copy_from_slice(&U256::from(self.id()).to_be_bytes::<32>());
        rest.copy_from_slice(inner.as_slice());
        keccak256(input)
    }
}

/// `keccak256(hash ++ bytes32(number))`: the inner hash of the user-deposit and L1-info domains.
fn hash_with_index(hash: B256, number: u64) -> B256 {
    let mut input = [0u8; 64];
    let (left, right) = input.split_at_mut(32);
    left.copy_from_slice(hash.as_slice());
    right.copy_from_slice(&U256::from(number).to_be_bytes::<32>());
    keccak256(input)
}

/// Source hash of a user deposit: domain 0, `inner = keccak256(l1BlockHash ++ bytes32(logIndex))`.
///
/// `log_index` is the log's index among **all** logs of the L1 block (not within its receipt).
pub fn user_deposit_source_hash(l1_block_hash: B256, log_index: u64) -> B256 {
    SourceHashDomain::UserDeposit.source_hash(hash_with_index(l1_block_hash, log_index))
}

/// Source hash of the L1-info deposit: domain 1, `inner = keccak256(l1BlockHash ++ bytes32(seq))`,
/// where `seq` is the L2 block's sequence number within its epoch.
pub fn l1_info_source_hash(l1_block_hash: B256, sequence_number: u64) -> B256 {
    SourceHashDomain::L1Info.source_hash(hash_with_index(l1_block_hash, sequence_number))
}

/// Source hash of a network-upgrade transaction: domain 2, `inner = keccak256(utf8(intent))`.
pub fn upgrade_source_hash(intent: &str) -> B256 {
    SourceHashDomain::Upgrade.source_hash(keccak256(intent.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloy_primitives::b256;
    use op_alloy_consensus::{L1InfoDepositSource, UpgradeDepositSource, UserDepositSource};

    const L1_HASH: B256 = b256!("9ba3933dc6ce43c145349770a39c30f9b647f17668f004bd2e05c80a2e7262f7");

    #[test]
    fn rule_4_6_user_deposit_source_hash() {
        // viem vector (also in deposits/deposit-vectors.EXTRACTED.json).
        assert_eq!(
            user_deposit_source_hash(L1_HASH, 196),
            b256!("d0868c8764d81f1749edb7dec4a550966963540d9fe50aefce8cdb38ea7b2213")
        );
    }

    #[test]
    fn rule_4_6_l1_info_source_hash() {
        assert_eq!(
            l1_info_source_hash(L1_HASH, 1),
            b256!("722c43232e2f9dc07ebc07a02a3056993a2ed1328a1c81377ea99d135af39536")
        );
    }

    #[test]
    fn rule_4_6_domains_agree_with_op_alloy() {
        for (hash, n) in [(L1_HASH, 0u64), (B256::repeat_byte(0xab), u64::MAX), (B256::ZERO, 7)] {
            assert_eq!(
                user_deposit_source_hash(hash, n),
                UserDepositSource::new(hash, n).source_hash()
            );
            assert_eq!(
                l1_info_source_hash(hash, n),
                L1InfoDepositSource::new(hash, n).source_hash()
            );
            // Different domains never give the same hash for the same inner values.
            assert_ne!(user_deposit_source_hash(hash, n), l1_info_source_hash(hash, n));
        }
        for intent in ["Ecotone: L1 Block Deployment", "Jovian: Gas Price Oracle Set Jovian", ""] {
            assert_eq!(
                upgrade_source_hash(intent),
                UpgradeDepositSource::new(String::from(intent)).source_hash()
            );
        }
    }

    #[test]
    fn rule_4_6_upgrade_source_hash_known_intent() {
        // Intent hash listed in the checklist (§4.8) for op-node's Jovian L1Block deployment.
        let h = upgrade_source_hash("Jovian: L1 Block Deployment");
        assert_eq!(&h.as_slice()[..4], &[0xbb, 0x1a, 0x65, 0x6f]);
    }

    #[test]
    fn rule_4_6_domain_ids() {
        assert_eq!(SourceHashDomain::UserDeposit.id(), 0);
        assert_eq!(SourceHashDomain::L1Info.id(), 1);
        assert_eq!(SourceHashDomain::Upgrade.id(), 2);
        assert_eq!(SourceHashDomain::InteropDepositContext.id(), 3);
        assert_eq!(SourceHashDomain::InteropBlockReplacement.id(), 4);
    }
}
