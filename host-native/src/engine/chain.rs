//! The chain over the store: importing blocks, the canonical number index, forkchoice updates
//! (reorgs to any known block) and block lookups by tag, number or hash.

use alloy_eips::BlockNumberOrTag;
use alloy_primitives::{B256, Bytes};

use super::store::{MetaKey, StoreError, StoreRead, StoreWrite, StoredBlock};

/// Why a chain operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ChainError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The forkchoice head is not a stored block.
    #[error("unknown head block {0}")]
    UnknownHead(B256),
    /// Walking back from the head met a block whose parent is not stored.
    #[error("block {0} has no stored ancestry to the canonical chain")]
    BrokenAncestry(B256),
    /// safe or finalized is unknown or not an ancestor of the head.
    #[error("{which} block {hash} is not a known ancestor of the head {head}")]
    NotAncestor {
        /// `safe` or `finalized`.
        which: &'static str,
        /// The offending hash.
        hash: B256,
        /// The head it should precede.
        head: B256,
    },
    /// The store has no forkchoice (never initialised with a genesis).
    #[error("the store holds no chain (missing {0})")]
    Uninitialised(&'static str),
}

/// The forkchoice: head, safe and finalized block hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Forkchoice {
    /// Head (unsafe) block.
    pub(crate) head: B256,
    /// Safe block.
    pub(crate) safe: B256,
    /// Finalized block.
    pub(crate) finalized: B256,
}

/// The stored forkchoice.
pub(crate) fn forkchoice(read: &StoreRead) -> Result<Forkchoice, ChainError> {
    let get = |key, name| read.meta(key)?.ok_or(ChainError::Uninitialised(name));
    Ok(Forkchoice {
        head: get(MetaKey::Head, "head")?,
        safe: get(MetaKey::Safe, "safe")?,
        finalized: get(MetaKey::Finalized, "finalized")?,
    })
}

/// Stores a block with its preimages (not canonical).
pub(crate) fn import(
    write: &StoreWrite,
    hash: B256,
    block: &StoredBlock,
    preimages: &[(B256, Bytes)],
) -> Result<(), ChainError> {
    write.put_preimages(preimages.iter().map(|(h, b)| (h, b.as_ref())))?;
    write.put_block(hash, block)?;
    Ok(())
}

/// Writes a fresh store's genesis: the block, its state, canonical entry and a forkchoice of
/// genesis everywhere.
pub(crate) fn init_genesis(
    write: &StoreWrite,
    hash: B256,
    block: &StoredBlock,
    preimages: &[(B256, Bytes)],
) -> Result<(), ChainError> {
    import(write, hash, block, preimages)?;
    write.set_canonical(block.header.number, hash)?;
    for key in [MetaKey::Genesis, MetaKey::Head, MetaKey::Safe, MetaKey::Finalized] {
        write.set_meta(key, hash)?;
    }
    Ok(())
}

/// What a forkchoice update changed on the canonical chain.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CanonicalChange {
    /// Blocks that became canonical, oldest first.
    pub(crate) added: Vec<StoredBlock>,
    /// Blocks that left the canonical chain (a reorg or a head moved back), oldest first.
    pub(crate) removed: Vec<StoredBlock>,
}

/// Applies a forkchoice in `write` (commit it only on success): makes `head` canonical,
/// rewriting the number index back to the common ancestor, then checks that `safe` and
/// `finalized` (zero = keep the current one) are canonical ancestors of the head.
pub(crate) fn set_forkchoice(
    write: &StoreWrite,
    head: B256,
    safe: B256,
    finalized: B256,
) -> Result<CanonicalChange, ChainError> {
    let head_block = write.block(head)?.ok_or(ChainError::UnknownHead(head))?;
    let head_number = head_block.header.number;
    let mut branch = Vec::new();
    let mut cursor = (head, head_block);
    // Walk back until a block that is already canonical at its number.
    let ancestor_number = loop {
        let (hash, block) = cursor;
        if write.canonical(block.header.number)? == Some(hash) {
            break block.header.number;
        }
        let parent_hash = block.header.parent_hash;
        let number = block.header.number;
        branch.push((hash, block));
        let Some(parent) = write.block(parent_hash)? else {
            return Err(ChainError::BrokenAncestry(hash));
        };
        if parent.header.number.checked_add(1) != Some(number) {
            return Err(ChainError::BrokenAncestry(hash));
        }
        cursor = (parent_hash, parent);
    };
    // The old canonical blocks above the common ancestor leave the chain.
    let mut removed = Vec::new();
    let mut number = ancestor_number;
    while let Some(next) = number.checked_add(1) {
        let Some(hash) = write.canonical(next)? else { break };
        if let Some(block) = write.block(hash)? {
            removed.push(block);
        }
        number = next;
    }
    write.truncate_canonical_above(head_number)?;
    branch.reverse();
    for (hash, block) in &branch {
        write.set_canonical(block.header.number, *hash)?;
        write.index_transactions(*hash, block)?;
    }
    for (which, key, hash) in
        [("safe", MetaKey::Safe, safe), ("finalized", MetaKey::Finalized, finalized)]
    {
        if hash.is_zero() {
            continue;
        }
        let is_ancestor = match write.block(hash)? {
            Some(block) => {
                block.header.number <= head_number
                    && write.canonical(block.header.number)? == Some(hash)
            }
            None => false,
        };
        if !is_ancestor {
            return Err(ChainError::NotAncestor { which, hash, head });
        }
        write.set_meta(key, hash)?;
    }
    write.set_meta(MetaKey::Head, head)?;
    Ok(CanonicalChange { added: branch.into_iter().map(|(_, block)| block).collect(), removed })
}

/// The hash a block tag or number names on the canonical chain, if any.
pub(crate) fn resolve(read: &StoreRead, id: BlockNumberOrTag) -> Result<Option<B256>, ChainError> {
    let fc = forkchoice(read)?;
    Ok(match id {
        BlockNumberOrTag::Latest | BlockNumberOrTag::Pending => Some(fc.head),
        BlockNumberOrTag::Safe => Some(fc.safe),
        BlockNumberOrTag::Finalized => Some(fc.finalized),
        BlockNumberOrTag::Earliest => read.meta(MetaKey::Genesis)?,
        // The index holds nothing above the head (truncated on every forkchoice change).
        BlockNumberOrTag::Number(n) => read.canonical(n)?,
    })
}

/// Whether `hash` is on the canonical chain.
pub(crate) fn is_canonical(read: &StoreRead, hash: B256, number: u64) -> Result<bool, ChainError> {
    Ok(read.canonical(number)? == Some(hash))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use alloy_consensus::Header;

    use super::super::store::Store;
    use super::*;

    fn child(parent: &StoredBlock, salt: u64) -> (B256, StoredBlock) {
        let header = Header {
            parent_hash: parent.header.hash_slow(),
            number: parent.header.number + 1,
            timestamp: salt,
            ..Default::default()
        };
        let hash = header.hash_slow();
        (hash, StoredBlock { header, transactions: vec![], receipts: vec![] })
    }

    #[test]
    fn reorg_rewrites_the_index_back_to_the_common_ancestor() {
        let store = Store::in_memory().unwrap();
        let genesis =
            StoredBlock { header: Header::default(), transactions: vec![], receipts: vec![] };
        let g = genesis.header.hash_slow();
        let w = store.write().unwrap();
        init_genesis(&w, g, &genesis, &[]).unwrap();
        // a1 <- a2 <- a3 and b1 <- b2 forks from genesis.
        let (a1, a1b) = child(&genesis, 1);
        let (a2, a2b) = child(&a1b, 2);
        let (a3, a3b) = child(&a2b, 3);
        let (b1, b1b) = child(&genesis, 11);
        let (b2, b2b) = child(&b1b, 12);
        for (h, b) in [(a1, &a1b), (a2, &a2b), (a3, &a3b), (b1, &b1b), (b2, &b2b)] {
            import(&w, h, b, &[]).unwrap();
        }
        w.commit().unwrap();

        let w = store.write().unwrap();
        let change = set_forkchoice(&w, a3, a1, g).unwrap();
        assert_eq!(change.added.len(), 3);
        assert!(change.removed.is_empty());
        w.commit().unwrap();
        let r = store.read().unwrap();
        assert_eq!(r.canonical(3).unwrap(), Some(a3));
        assert_eq!(forkchoice(&r).unwrap(), Forkchoice { head: a3, safe: a1, finalized: g });

        // Safe on the other branch: refused, nothing applied.
        let w = store.write().unwrap();
        assert!(matches!(
            set_forkchoice(&w, b2, a1, B256::ZERO),
            Err(ChainError::NotAncestor { which: "safe", .. })
        ));
        drop(w);
        assert_eq!(store.read().unwrap().canonical(3).unwrap(), Some(a3));

        let w = store.write().unwrap();
        let change = set_forkchoice(&w, b2, b1, B256::ZERO).unwrap();
        assert_eq!(change.added, vec![b1b.clone(), b2b.clone()]);
        assert_eq!(change.removed, vec![a1b.clone(), a2b.clone(), a3b.clone()]);
        w.commit().unwrap();
        let r = store.read().unwrap();
        assert_eq!(r.canonical(1).unwrap(), Some(b1));
        assert_eq!(r.canonical(2).unwrap(), Some(b2));
        assert_eq!(r.canonical(3).unwrap(), None);
        assert_eq!(resolve(&r, BlockNumberOrTag::Safe).unwrap(), Some(b1));
        assert_eq!(resolve(&r, BlockNumberOrTag::Finalized).unwrap(), Some(g));
        assert_eq!(resolve(&r, BlockNumberOrTag::Earliest).unwrap(), Some(g));
        assert_eq!(resolve(&r, BlockNumberOrTag::Number(3)).unwrap(), None);

        // Back to an ancestor: the index shrinks.
        let w = store.write().unwrap();
        let change = set_forkchoice(&w, b1, B256::ZERO, B256::ZERO).unwrap();
        assert!(change.added.is_empty());
        assert_eq!(change.removed, vec![b2b.clone()]);
        w.commit().unwrap();
        let r = store.read().unwrap();
        assert_eq!(r.canonical(2).unwrap(), None);
        assert_eq!(forkchoice(&r).unwrap().head, b1);

        let w = store.write().unwrap();
        assert_eq!(
            set_forkchoice(&w, B256::repeat_byte(9), B256::ZERO, B256::ZERO),
            Err(ChainError::UnknownHead(B256::repeat_byte(9)))
        );
    }
}
