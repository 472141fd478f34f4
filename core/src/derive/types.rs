//! Block references the pipeline passes around.

use alloy_eips::BlockNumHash;
use alloy_primitives::B256;
use serde::{Deserialize, Serialize};

/// An L1 block: identity, parent link and time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct L1BlockRef {
    /// Block hash.
    pub hash: B256,
    /// Block number.
    pub number: u64,
    /// Parent block hash.
    pub parent_hash: B256,
    /// Block timestamp.
    pub timestamp: u64,
}

impl L1BlockRef {
    /// The block's number and hash.
    pub const fn id(&self) -> BlockNumHash {
        BlockNumHash { number: self.number, hash: self.hash }
    }

    /// Whether `next` directly extends this block.
    pub fn is_parent_of(&self, next: &Self) -> bool {
        next.number == self.number.wrapping_add(1) && next.parent_hash == self.hash
    }
}

/// An L2 block with the L1 origin (epoch) it was derived from and its position in that epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct L2BlockRef {
    /// Block hash.
    pub hash: B256,
    /// Block number.
    pub number: u64,
    /// Parent block hash.
    pub parent_hash: B256,
    /// Block timestamp.
    pub timestamp: u64,
    /// The L1 origin.
    pub l1_origin: BlockNumHash,
    /// Sequence number within the epoch (0 for the epoch's first block).
    pub seq_number: u64,
}

impl L2BlockRef {
    /// The block's number and hash.
    pub const fn id(&self) -> BlockNumHash {
        BlockNumHash { number: self.number, hash: self.hash }
    }
}
