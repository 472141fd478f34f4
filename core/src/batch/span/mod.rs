//! Span batches (batch type 1, from Delta): a run of consecutive L2 blocks in one batch.
//!
//! Spec: delta/span-batches.md § Span batch format, isthmus/derivation.md § Span Batch Updates
//! (EIP-7702 entries). The body after the `0x01` type byte is
//! `prefix ++ payload`, with
//! `prefix = rel_timestamp ++ l1_origin_num ++ parent_check ++ l1_origin_check` and
//! `payload = block_count ++ origin_bits ++ block_tx_counts ++ txs`.
//!
//! [`RawSpanBatch`] mirrors the wire format field for field; [`RawSpanBatch::expand`] turns it
//! into per-block [`SpanBatchElement`]s with fully signed transactions, and
//! [`RawSpanBatch::from_elements`] goes the other way for batchers.
//!
//! Where op-node's arithmetic is Go `uint64` (timestamps, L1 origin numbers), keel wraps the
//! same way, so a crafted batch derives exactly what op-node derives from it.

mod bits;
mod cursor;
mod tx_data;
mod txs;

#[cfg(test)]
mod tests;

pub use bits::SpanBatchBits;
pub use tx_data::SpanTxType;
pub use txs::{SpanBatchSignature, SpanBatchTransactions};

use alloc::vec::Vec;
use alloy_primitives::{Bytes, FixedBytes};
use cursor::{Cursor, write_uvarint};

/// Largest block count, per-block tx count, total tx count and per-tx RLP size a span batch
/// may declare (derivation § Protocol Parameters).
pub const MAX_SPAN_BATCH_ELEMENT_COUNT: u64 = 10_000_000;

/// Why a span batch could not be decoded, expanded or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanBatchError {
    /// The input ended inside a field.
    #[error(
        "span batch truncated in {field} at offset {offset}: need {needed} bytes, have {available}"
    )]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// Offset of the read within the batch body.
        offset: usize,
        /// Bytes the read needed.
        needed: u64,
        /// Bytes that were left.
        available: usize,
    },
    /// A uvarint is longer than 10 bytes or does not fit 64 bits.
    #[error("uvarint {field} at offset {offset} overflows 64 bits")]
    VarintOverflow {
        /// The field being read.
        field: &'static str,
        /// Offset of the varint within the batch body.
        offset: usize,
    },
    /// `block_count` is 0: empty span batches are invalid.
    #[error("span batch has block_count 0")]
    EmptyBatch,
    /// `block_count` exceeds [`MAX_SPAN_BATCH_ELEMENT_COUNT`].
    #[error("block_count {0} exceeds MAX_SPAN_BATCH_ELEMENT_COUNT")]
    TooManyBlocks(u64),
    /// One block's tx count exceeds [`MAX_SPAN_BATCH_ELEMENT_COUNT`].
    #[error("block {block} has {count} txs, more than MAX_SPAN_BATCH_ELEMENT_COUNT")]
    TooManyBlockTxs {
        /// Index of the block in the span.
        block: u64,
        /// Its declared tx count.
        count: u64,
    },
    /// The total tx count exceeds [`MAX_SPAN_BATCH_ELEMENT_COUNT`].
    #[error("span batch has {0} txs in total, more than MAX_SPAN_BATCH_ELEMENT_COUNT")]
    TooManyTxs(u64),
    /// A bitlist has a set bit at or beyond its length.
    #[error("bitlist {field} of {len} bits has a set padding bit")]
    BitlistPadding {
        /// The bitlist.
        field: &'static str,
        /// Its length in bits.
        len: u64,
    },
    /// A `tx_datas` entry starts with a byte that is no span batch tx type.
    #[error("tx {index}: unknown span batch tx type {tx_type:#04x}")]
    UnknownTxType {
        /// Index of the tx in the batch.
        index: u64,
        /// The offending first byte.
        tx_type: u8,
    },
    /// A `tx_datas` entry is an RLP string, not a list.
    #[error("tx {index}: tx_datas entry is not an RLP list")]
    TxDataNotList {
        /// Index of the tx in the batch.
        index: u64,
    },
    /// A `tx_datas` entry has a malformed RLP header.
    #[error("tx {index}: bad tx_datas RLP header: {error}")]
    TxDataRlp {
        /// Index of the tx in the batch.
        index: u64,
        /// The RLP error.
        error: alloy_rlp::Error,
    },
    /// A `tx_datas` entry's RLP exceeds [`MAX_SPAN_BATCH_ELEMENT_COUNT`] bytes.
    #[error("tx {index}: tx_datas RLP of {len} bytes exceeds MAX_SPAN_BATCH_ELEMENT_COUNT")]
    TxDataTooLarge {
        /// Index of the tx in the batch.
        index: u64,
        /// Its RLP length (header included, type byte excluded).
        len: u64,
    },
    /// A `tx_datas` entry's fields do not decode as its type requires.
    #[error("tx {index}: invalid type-{tx_type} tx_datas fields: {error}")]
    InvalidTxData {
        /// Index of the tx in the batch.
        index: u64,
        /// EIP-2718 type number (0 for legacy).
        tx_type: u8,
        /// The RLP error.
        error: alloy_rlp::Error,
    },
    /// An EIP-7702 transaction has its contract-creation bit set (it must have a `to`).
    #[error("tx {index}: EIP-7702 transaction marked as a contract creation")]
    SetCodeContractCreation {
        /// Index of the tx in the batch.
        index: u64,
    },
    /// A hand-built batch's columns disagree in length.
    #[error("{field} has {found} entries, expected {expected}")]
    InconsistentLengths {
        /// The column.
        field: &'static str,
        /// Entries implied by the counts.
        expected: usize,
        /// Entries present.
        found: usize,
    },
    /// [`RawSpanBatch::from_elements`] was given no blocks.
    #[error("no span batch elements")]
    NoElements,
    /// A block's timestamp is before L2 genesis.
    #[error("block timestamp {timestamp} is before L2 genesis time {genesis}")]
    TimestampBeforeGenesis {
        /// The block timestamp.
        timestamp: u64,
        /// The L2 genesis time.
        genesis: u64,
    },
    /// Block timestamps are not evenly spaced, so no span batch can carry them.
    #[error("block {block}: timestamp {found}, expected {expected} (blocks must be evenly spaced)")]
    UnevenTimestamps {
        /// Index of the block.
        block: usize,
        /// The timestamp the spacing implies.
        expected: u64,
        /// The block's timestamp.
        found: u64,
    },
    /// A block's epoch neither equals nor follows the previous block's.
    #[error("block {block}: epoch {found} does not equal or follow epoch {previous}")]
    EpochGap {
        /// Index of the block.
        block: usize,
        /// The previous block's epoch.
        previous: u64,
        /// This block's epoch.
        found: u64,
    },
    /// A deposit transaction was given to the batch builder.
    #[error("block {block} tx {index}: deposit transactions cannot be batched")]
    DepositTx {
        /// Index of the block.
        block: usize,
        /// Index of the tx within the block.
        index: usize,
    },
    /// A transaction type span batches cannot carry (e.g. EIP-4844).
    #[error("block {block} tx {index}: tx type {tx_type:#04x} cannot be span-batched")]
    UnsupportedTxType {
        /// Index of the block.
        block: usize,
        /// Index of the tx within the block.
        index: usize,
        /// The EIP-2718 type byte.
        tx_type: u8,
    },
    /// A transaction given to the builder does not decode.
    #[error("block {block} tx {index}: undecodable transaction: {error}")]
    TxDecode {
        /// Index of the block.
        block: usize,
        /// Index of the tx within the block.
        index: usize,
        /// The RLP error.
        error: alloy_rlp::Error,
    },
    /// A (protected) transaction is signed for another chain.
    #[error("block {block} tx {index}: chain id {found}, expected {expected}")]
    ChainIdMismatch {
        /// Index of the block.
        block: usize,
        /// Index of the tx within the block.
        index: usize,
        /// The L2 chain id.
        expected: u64,
        /// The transaction's chain id.
        found: u64,
    },
}

/// The span batch prefix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SpanBatchPrefix {
    /// First block's timestamp minus the L2 genesis time.
    pub rel_timestamp: u64,
    /// L1 origin number of the **last** block.
    pub l1_origin_num: u64,
    /// First 20 bytes of the first block's parent hash.
    pub parent_check: FixedBytes<20>,
    /// First 20 bytes of the last block's L1 origin hash.
    pub l1_origin_check: FixedBytes<20>,
}

impl SpanBatchPrefix {
    fn decode(cursor: &mut Cursor<'_>) -> Result<Self, SpanBatchError> {
        Ok(Self {
            rel_timestamp: cursor.uvarint("rel_timestamp")?,
            l1_origin_num: cursor.uvarint("l1_origin_num")?,
            parent_check: FixedBytes(cursor.take_array("parent_check")?),
            l1_origin_check: FixedBytes(cursor.take_array("l1_origin_check")?),
        })
    }

    /// Appends the wire encoding.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_uvarint(out, self.rel_timestamp);
        write_uvarint(out, self.l1_origin_num);
        out.extend_from_slice(self.parent_check.as_slice());
        out.extend_from_slice(self.l1_origin_check.as_slice());
    }
}

/// The span batch payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanBatchPayload {
    /// Number of L2 blocks (at least 1).
    pub block_count: u64,
    /// One bit per block: whether its L1 origin differs from the previous block's. Bit 0
    /// (the first block against its parent) does not enter the origin numbers.
    pub origin_bits: SpanBatchBits,
    /// Transactions per block.
    pub block_tx_counts: Vec<u64>,
    /// All transactions, column-wise.
    pub txs: SpanBatchTransactions,
}

impl SpanBatchPayload {
    fn decode(cursor: &mut Cursor<'_>) -> Result<Self, SpanBatchError> {
        let block_count = cursor.uvarint("block_count")?;
        if block_count > MAX_SPAN_BATCH_ELEMENT_COUNT {
            return Err(SpanBatchError::TooManyBlocks(block_count));
        }
        if block_count == 0 {
            return Err(SpanBatchError::EmptyBatch);
        }
        let origin_bits = SpanBatchBits::decode(cursor, block_count, "origin_bits")?;
        cursor.ensure(block_count, 1, "block_tx_counts")?;
        let mut block_tx_counts = Vec::with_capacity(block_count as usize);
        let mut total = 0u64;
        for block in 0..block_count {
            let count = cursor.uvarint("block_tx_counts")?;
            if count > MAX_SPAN_BATCH_ELEMENT_COUNT {
                return Err(SpanBatchError::TooManyBlockTxs { block, count });
            }
            // Each count is ≤ MAX and there are ≤ MAX of them, so this cannot overflow.
            total = total.saturating_add(count);
            block_tx_counts.push(count);
        }
        if total > MAX_SPAN_BATCH_ELEMENT_COUNT {
            return Err(SpanBatchError::TooManyTxs(total));
        }
        let txs = SpanBatchTransactions::decode(cursor, total)?;
        Ok(Self { block_count, origin_bits, block_tx_counts, txs })
    }

    /// Appends the wire encoding.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_uvarint(out, self.block_count);
        self.origin_bits.encode(out);
        for &count in &self.block_tx_counts {
            write_uvarint(out, count);
        }
        self.txs.encode(out);
    }

    /// Sum of the block tx counts (saturating).
    pub fn tx_count(&self) -> u64 {
        self.block_tx_counts.iter().fold(0u64, |acc, &c| acc.saturating_add(c))
    }
}

/// A span batch as encoded on the wire (the body after the `0x01` batch type byte).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawSpanBatch {
    /// The prefix.
    pub prefix: SpanBatchPrefix,
    /// The payload.
    pub payload: SpanBatchPayload,
}

/// One L2 block's worth of a span batch, as derivation consumes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanBatchElement {
    /// The block's timestamp.
    pub timestamp: u64,
    /// The block's L1 origin number.
    pub epoch_num: u64,
    /// The block's transactions, each a full signed EIP-2718 encoding (its keccak256 is the
    /// transaction hash).
    pub transactions: Vec<Bytes>,
}

impl SpanBatchElement {
    /// Whether the block carries an EIP-7702 transaction: the batch queue must drop such a
    /// batch if the block's timestamp is before Isthmus.
    pub fn has_set_code_tx(&self) -> bool {
        self.transactions.iter().any(|tx| tx.first() == Some(&0x04))
    }
}

impl RawSpanBatch {
    /// Decodes a span batch body (the bytes after the `0x01` type byte).
    ///
    /// Returns the batch and the number of bytes it used; whatever follows is the caller's.
    pub fn decode(input: &[u8]) -> Result<(Self, usize), SpanBatchError> {
        let mut cursor = Cursor::new(input);
        let prefix = SpanBatchPrefix::decode(&mut cursor)?;
        let payload = SpanBatchPayload::decode(&mut cursor)?;
        Ok((Self { prefix, payload }, cursor.position()))
    }

    /// Appends the body encoding (without the type byte).
    ///
    /// For any decoded batch whose varints were minimal this reproduces the input exactly.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.prefix.encode(out);
        self.payload.encode(out);
    }

    /// Number of L2 blocks.
    pub const fn block_count(&self) -> u64 {
        self.payload.block_count
    }

    /// Total number of transactions.
    pub fn tx_count(&self) -> u64 {
        self.payload.tx_count()
    }

    /// L1 origin number of the first block:
    /// `l1_origin_num − popcount(origin_bits) + origin_bits[0]` (wrapping like op-node).
    pub fn start_epoch_num(&self) -> u64 {
        let bits = &self.payload.origin_bits;
        let changes = bits.count_ones() - usize::from(bits.get(0).unwrap_or(false));
        self.prefix.l1_origin_num.wrapping_sub(changes as u64)
    }

    /// L1 origin number of every block, computed backwards from `l1_origin_num`.
    pub fn epoch_nums(&self) -> Vec<u64> {
        let bits = &self.payload.origin_bits;
        let mut nums = alloc::vec![0u64; bits.len()];
        let mut num = self.prefix.l1_origin_num;
        for (i, slot) in nums.iter_mut().enumerate().rev() {
            *slot = num;
            if i > 0 && bits.get(i) == Some(true) {
                num = num.wrapping_sub(1);
            }
        }
        nums
    }

    /// Timestamp of the first block: `genesis_l2_time + rel_timestamp` (wrapping like op-node).
    pub const fn start_timestamp(&self, genesis_l2_time: u64) -> u64 {
        genesis_l2_time.wrapping_add(self.prefix.rel_timestamp)
    }

    /// Timestamp of block `i`: start + `i · block_time` (wrapping like op-node).
    pub const fn block_timestamp(&self, i: u64, genesis_l2_time: u64, block_time: u64) -> u64 {
        self.start_timestamp(genesis_l2_time).wrapping_add(block_time.wrapping_mul(i))
    }

    /// Timestamp of the last block.
    pub const fn final_timestamp(&self, genesis_l2_time: u64, block_time: u64) -> u64 {
        self.block_timestamp(self.block_count().saturating_sub(1), genesis_l2_time, block_time)
    }

    /// Expands the batch into its blocks, rebuilding every signed transaction for
    /// `l2_chain_id`.
    ///
    /// Fails on what op-node rejects when it derives the batch (e.g. a `tx_datas` entry whose
    /// fields do not decode, or an EIP-7702 contract creation).
    pub fn expand(
        &self,
        genesis_l2_time: u64,
        block_time: u64,
        l2_chain_id: u64,
    ) -> Result<Vec<SpanBatchElement>, SpanBatchError> {
        let payload = &self.payload;
        if payload.block_count == 0 {
            return Err(SpanBatchError::EmptyBatch);
        }
        if payload.block_count > MAX_SPAN_BATCH_ELEMENT_COUNT {
            return Err(SpanBatchError::TooManyBlocks(payload.block_count));
        }
        let blocks = payload.block_count as usize;
        let inconsistent =
            |field, found| SpanBatchError::InconsistentLengths { field, expected: blocks, found };
        if payload.origin_bits.len() != blocks {
            return Err(inconsistent("origin_bits", payload.origin_bits.len()));
        }
        if payload.block_tx_counts.len() != blocks {
            return Err(inconsistent("block_tx_counts", payload.block_tx_counts.len()));
        }
        let total = payload.tx_count();
        if total > MAX_SPAN_BATCH_ELEMENT_COUNT {
            return Err(SpanBatchError::TooManyTxs(total));
        }
        payload.txs.check_lengths(total as usize)?;
        let epochs = self.epoch_nums();
        // Upper bound on what a signed tx adds to its `tx_datas` entry: list header, chain id,
        // nonce, gas, `to`, `v` and the 33-byte `r` and `s` items.
        const ENVELOPE_OVERHEAD: usize = 9 + 9 + 9 + 9 + 21 + 17 + 33 + 33;
        let mut walk = payload.txs.walk(l2_chain_id);
        let mut entries = payload.txs.tx_datas.iter();
        let mut elements = Vec::with_capacity(blocks);
        let mut lens = Vec::new();
        for (i, (&count, epoch_num)) in payload.block_tx_counts.iter().zip(epochs).enumerate() {
            // Each block's txs are encoded into one buffer and handed out as slices of it: one
            // allocation per block, not per tx, and no block keeps another's buffer alive.
            // The buffer is sized once from the block's entries plus what a signed tx adds to
            // them.
            let count = count as usize;
            let capacity = entries.by_ref().take(count).fold(0usize, |acc, d| {
                acc.saturating_add(d.len()).saturating_add(ENVELOPE_OVERHEAD)
            });
            let mut buf = Vec::with_capacity(capacity);
            lens.clear();
            for _ in 0..count {
                let start = buf.len();
                let encoded = walk.next_with(|entry, parsed, fields, index| {
                    parsed.encode_signed_tx(fields, index, entry, &mut buf)
                });
                // check_lengths makes the counts and the columns agree.
                encoded.ok_or(SpanBatchError::InconsistentLengths {
                    field: "tx_datas",
                    expected: total as usize,
                    found: payload.txs.len(),
                })??;
                lens.push(buf.len() - start);
            }
            // The lengths add up to the buffer's: each split is within what is left, and the
            // last tx takes the remainder itself.
            let mut rest = Bytes::from(buf);
            let mut transactions = Vec::with_capacity(lens.len());
            if let Some((_, init)) = lens.split_last() {
                transactions.extend(init.iter().map(|&len| rest.split_to(len)));
                transactions.push(rest);
            }
            elements.push(SpanBatchElement {
                timestamp: self.block_timestamp(i as u64, genesis_l2_time, block_time),
                epoch_num,
                transactions,
            });
        }
        Ok(elements)
    }

    /// Builds a span batch from consecutive blocks (the batcher side).
    ///
    /// `origin_changed_at_start` is origin bit 0: whether the first block's L1 origin differs
    /// from its parent's (op-node's batcher sets it when the first block has sequence number
    /// 0). Blocks must be evenly spaced, and each epoch must equal or follow the previous one.
    /// Each transaction must be a signed legacy, EIP-2930, EIP-1559 or EIP-7702 transaction for
    /// `l2_chain_id` (unprotected legacy transactions carry no chain id).
    pub fn from_elements(
        elements: &[SpanBatchElement],
        parent_check: FixedBytes<20>,
        l1_origin_check: FixedBytes<20>,
        origin_changed_at_start: bool,
        genesis_l2_time: u64,
        l2_chain_id: u64,
    ) -> Result<Self, SpanBatchError> {
        let (first, last) = match (elements.first(), elements.last()) {
            (Some(first), Some(last)) => (first, last),
            _ => return Err(SpanBatchError::NoElements),
        };
        if elements.len() as u64 > MAX_SPAN_BATCH_ELEMENT_COUNT {
            return Err(SpanBatchError::TooManyBlocks(elements.len() as u64));
        }
        let rel_timestamp = first.timestamp.checked_sub(genesis_l2_time).ok_or(
            SpanBatchError::TimestampBeforeGenesis {
                timestamp: first.timestamp,
                genesis: genesis_l2_time,
            },
        )?;
        let step =
            elements.get(1).map_or(0, |second| second.timestamp.wrapping_sub(first.timestamp));
        let mut origin_bits = SpanBatchBits::new();
        origin_bits.push(origin_changed_at_start);
        let mut block_tx_counts = Vec::with_capacity(elements.len());
        let mut txs = SpanBatchTransactions::default();
        let mut total = 0u64;
        for (block, element) in elements.iter().enumerate() {
            if block > 0 {
                let expected =
                    step.checked_mul(block as u64).and_then(|d| first.timestamp.checked_add(d));
                if step == 0 || expected != Some(element.timestamp) {
                    return Err(SpanBatchError::UnevenTimestamps {
                        block,
                        expected: expected.unwrap_or(u64::MAX),
                        found: element.timestamp,
                    });
                }
            }
            if let Some(previous) = block.checked_sub(1).and_then(|p| elements.get(p)) {
                let changed = match element.epoch_num.checked_sub(previous.epoch_num) {
                    Some(0) => false,
                    Some(1) => true,
                    _ => {
                        return Err(SpanBatchError::EpochGap {
                            block,
                            previous: previous.epoch_num,
                            found: element.epoch_num,
                        });
                    }
                };
                origin_bits.push(changed);
            }
            let count = element.transactions.len() as u64;
            if count > MAX_SPAN_BATCH_ELEMENT_COUNT {
                return Err(SpanBatchError::TooManyBlockTxs { block: block as u64, count });
            }
            total = total.saturating_add(count);
            if total > MAX_SPAN_BATCH_ELEMENT_COUNT {
                return Err(SpanBatchError::TooManyTxs(total));
            }
            block_tx_counts.push(count);
            for (index, tx) in element.transactions.iter().enumerate() {
                txs.push_signed_tx(tx, l2_chain_id, block, index)?;
            }
        }
        Ok(Self {
            prefix: SpanBatchPrefix {
                rel_timestamp,
                l1_origin_num: last.epoch_num,
                parent_check,
                l1_origin_check,
            },
            payload: SpanBatchPayload {
                block_count: elements.len() as u64,
                origin_bits,
                block_tx_counts,
                txs,
            },
        })
    }
}
