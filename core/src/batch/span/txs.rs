//! The `txs` section of a span batch payload.
//!
//! `txs = contract_creation_bits ++ y_parity_bits ++ tx_sigs ++ tx_tos ++ tx_datas ++ tx_nonces
//! ++ tx_gases ++ protected_bits`, each covering all `N = Σ block_tx_counts` transactions
//! (`tx_tos` only the non-creations, `protected_bits` only the legacy ones).

use super::{
    MAX_SPAN_BATCH_ELEMENT_COUNT, SpanBatchBits, SpanBatchError,
    cursor::{Cursor, write_uvarint},
    tx_data::{self, ParsedTxData, SpanTxType, TxEnvelopeFields},
};
use alloc::vec::Vec;
use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::{Decodable2718, Eip2718Error};
use alloy_primitives::{Address, Bytes, U256};

/// The `r` and `s` of a transaction signature (`v` is rebuilt from the parity bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SpanBatchSignature {
    /// Signature `r`, 32 bytes big-endian on the wire.
    pub r: U256,
    /// Signature `s`, 32 bytes big-endian on the wire.
    pub s: U256,
}

/// The transactions of a span batch, split into the field-wise columns of the wire format.
///
/// [`SpanBatchTransactions::decode`] and the batch builder keep the columns consistent; a
/// hand-built value that is not is rejected by expansion with
/// [`SpanBatchError::InconsistentLengths`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanBatchTransactions {
    /// Bit `i` set: transaction `i` creates a contract (it has no `to`).
    pub contract_creation_bits: SpanBatchBits,
    /// Bit `i`: the signature y-parity of transaction `i`.
    pub y_parity_bits: SpanBatchBits,
    /// One signature per transaction.
    pub tx_sigs: Vec<SpanBatchSignature>,
    /// The `to` of each non-creation transaction, in order.
    pub tx_tos: Vec<Address>,
    /// One `tx_datas` entry per transaction, exactly as on the wire (type byte included).
    pub tx_datas: Vec<Bytes>,
    /// One nonce per transaction.
    pub tx_nonces: Vec<u64>,
    /// One gas limit per transaction.
    pub tx_gases: Vec<u64>,
    /// Bit `j` set: the `j`-th legacy transaction is EIP-155 protected.
    pub protected_bits: SpanBatchBits,
}

impl SpanBatchTransactions {
    /// Number of transactions.
    pub fn len(&self) -> usize {
        self.tx_datas.len()
    }

    /// Whether there are no transactions.
    pub fn is_empty(&self) -> bool {
        self.tx_datas.is_empty()
    }

    /// The type of transaction `i` (from its `tx_datas` entry).
    pub fn tx_type(&self, i: usize) -> Option<SpanTxType> {
        self.tx_datas.get(i)?.first().copied().and_then(SpanTxType::from_first_byte)
    }

    /// Number of contract creations.
    pub fn contract_creation_count(&self) -> usize {
        self.contract_creation_bits.count_ones()
    }

    /// Number of legacy transactions.
    pub fn legacy_count(&self) -> usize {
        (0..self.len()).filter(|&i| self.tx_type(i) == Some(SpanTxType::Legacy)).count()
    }

    /// Reads the section for `total` transactions (already bounded by the caller).
    pub(crate) fn decode(cursor: &mut Cursor<'_>, total: u64) -> Result<Self, SpanBatchError> {
        let contract_creation_bits =
            SpanBatchBits::decode(cursor, total, "contract_creation_bits")?;
        let y_parity_bits = SpanBatchBits::decode(cursor, total, "y_parity_bits")?;

        cursor.ensure(total, 64, "tx_sigs")?;
        // From here every count is backed by at least one input byte per entry, so
        // `with_capacity` never allocates beyond what the input holds.
        let n = total as usize;
        // `ensure` checked the whole column, so it is taken at once and split into chunks.
        let tx_sigs = cursor
            .take(n.saturating_mul(64), "tx_sigs")?
            .chunks_exact(64)
            .map(|sig| {
                let (r, s) = sig.split_at(32);
                SpanBatchSignature { r: U256::from_be_slice(r), s: U256::from_be_slice(s) }
            })
            .collect();

        let to_count = n.saturating_sub(contract_creation_bits.count_ones());
        cursor.ensure(to_count as u64, 20, "tx_tos")?;
        let tx_tos = cursor
            .take(to_count.saturating_mul(20), "tx_tos")?
            .chunks_exact(20)
            .map(Address::from_slice)
            .collect();

        cursor.ensure(total, 1, "tx_datas")?;
        let datas_start = cursor.position();
        let mut lens = Vec::with_capacity(n);
        let mut legacy_count = 0u64;
        for index in 0..total {
            let (len, tx_type) = tx_data::read_tx_data(cursor, index)?;
            legacy_count += u64::from(tx_type == SpanTxType::Legacy);
            lens.push(len);
        }
        // One shared buffer for all entries; each entry is a cheap slice of it.
        let region = Bytes::copy_from_slice(cursor.consumed_since(datas_start));
        let mut tx_datas = Vec::with_capacity(n);
        let mut at = 0usize;
        for len in lens {
            let end = at + len;
            if end > region.len() {
                return Err(cursor.truncated("tx_datas", len as u64));
            }
            tx_datas.push(region.slice(at..end));
            at = end;
        }

        let tx_nonces = read_uvarints(cursor, total, "tx_nonces")?;
        let tx_gases = read_uvarints(cursor, total, "tx_gases")?;
        let protected_bits = SpanBatchBits::decode(cursor, legacy_count, "protected_bits")?;

        Ok(Self {
            contract_creation_bits,
            y_parity_bits,
            tx_sigs,
            tx_tos,
            tx_datas,
            tx_nonces,
            tx_gases,
            protected_bits,
        })
    }

    /// Appends the wire encoding of the section.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.contract_creation_bits.encode(out);
        self.y_parity_bits.encode(out);
        for sig in &self.tx_sigs {
            out.extend_from_slice(&sig.r.to_be_bytes::<32>());
            out.extend_from_slice(&sig.s.to_be_bytes::<32>());
        }
        for to in &self.tx_tos {
            out.extend_from_slice(to.as_slice());
        }
        for data in &self.tx_datas {
            out.extend_from_slice(data);
        }
        for &nonce in &self.tx_nonces {
            write_uvarint(out, nonce);
        }
        for &gas in &self.tx_gases {
            write_uvarint(out, gas);
        }
        self.protected_bits.encode(out);
    }

    /// Checks that every column has the length the transaction count implies.
    pub(crate) fn check_lengths(&self, total: usize) -> Result<(), SpanBatchError> {
        let check = |field: &'static str, expected: usize, found: usize| {
            if expected == found {
                Ok(())
            } else {
                Err(SpanBatchError::InconsistentLengths { field, expected, found })
            }
        };
        check("tx_datas", total, self.tx_datas.len())?;
        check("contract_creation_bits", total, self.contract_creation_bits.len())?;
        check("y_parity_bits", total, self.y_parity_bits.len())?;
        check("tx_sigs", total, self.tx_sigs.len())?;
        check("tx_nonces", total, self.tx_nonces.len())?;
        check("tx_gases", total, self.tx_gases.len())?;
        check("tx_tos", total - self.contract_creation_count().min(total), self.tx_tos.len())?;
        check("protected_bits", self.legacy_count(), self.protected_bits.len())
    }

    /// Rebuilds every signed transaction (EIP-2718 encoding), in order.
    #[cfg(test)]
    pub(crate) fn full_txs(&self, chain_id: u64) -> Result<Vec<Bytes>, SpanBatchError> {
        self.check_lengths(self.len())?;
        let mut walk = self.walk(chain_id);
        let mut txs = Vec::with_capacity(self.len());
        while let Some(tx) = walk.next_with(|entry, parsed, fields, index| {
            let mut out = Vec::new();
            parsed.encode_signed_tx(fields, index, entry, &mut out)?;
            Ok(Bytes::from(out))
        }) {
            txs.push(tx?);
        }
        Ok(txs)
    }

    /// [`Self::full_txs`] with the final signed-tx builder supplied (tests compare builders).
    #[cfg(test)]
    pub(crate) fn full_txs_with(
        &self,
        chain_id: u64,
        build: impl Fn(ParsedTxData<'_>, &TxEnvelopeFields, u64) -> Result<Vec<u8>, SpanBatchError>,
    ) -> Result<Vec<Bytes>, SpanBatchError> {
        self.check_lengths(self.len())?;
        let mut walk = self.walk(chain_id);
        let mut txs = Vec::with_capacity(self.len());
        while let Some(tx) = walk.next_with(|_, parsed, fields, index| build(parsed, fields, index))
        {
            txs.push(Bytes::from(tx?));
        }
        Ok(txs)
    }

    /// Walks the transactions in order, parsing each entry and gathering its other columns.
    ///
    /// Meant to run after [`Self::check_lengths`]; should the columns still disagree, the walk
    /// fails with [`SpanBatchError::InconsistentLengths`] rather than misreading them.
    pub(crate) fn walk(&self, chain_id: u64) -> TxWalk<'_> {
        TxWalk { txs: self, chain_id, next: 0, tos: self.tx_tos.iter(), legacy_index: 0 }
    }

    /// Splits a signed EIP-2718 transaction into the span columns.
    ///
    /// `block`/`index` only name the transaction in errors.
    pub(crate) fn push_signed_tx(
        &mut self,
        tx: &[u8],
        chain_id: u64,
        block: usize,
        index: usize,
    ) -> Result<(), SpanBatchError> {
        match tx.first() {
            None => {
                let error = alloy_rlp::Error::InputTooShort;
                return Err(SpanBatchError::TxDecode { block, index, error });
            }
            // Deposits are derived from L1, never batched.
            Some(&0x7e) => return Err(SpanBatchError::DepositTx { block, index }),
            Some(&ty) if SpanTxType::from_first_byte(ty).is_none() => {
                return Err(SpanBatchError::UnsupportedTxType { block, index, tx_type: ty });
            }
            _ => {}
        }
        let envelope = TxEnvelope::decode_2718_exact(tx).map_err(|e| match e {
            Eip2718Error::UnexpectedType(tx_type) => {
                SpanBatchError::UnsupportedTxType { block, index, tx_type }
            }
            Eip2718Error::RlpError(error) => SpanBatchError::TxDecode { block, index, error },
            _ => SpanBatchError::TxDecode {
                block,
                index,
                error: alloy_rlp::Error::Custom("undecodable transaction"),
            },
        })?;
        let check_chain = |found: u64| {
            if found == chain_id {
                Ok(())
            } else {
                Err(SpanBatchError::ChainIdMismatch { block, index, expected: chain_id, found })
            }
        };
        let (entry, sig, to, nonce, gas, protected) = match &envelope {
            TxEnvelope::Legacy(signed) => {
                let tx = signed.tx();
                if let Some(found) = tx.chain_id {
                    check_chain(found)?;
                }
                let entry = tx_data::legacy_entry(tx);
                (
                    entry,
                    signed.signature(),
                    tx.to.to().copied(),
                    tx.nonce,
                    tx.gas_limit,
                    Some(tx.chain_id.is_some()),
                )
            }
            TxEnvelope::Eip2930(signed) => {
                let tx = signed.tx();
                check_chain(tx.chain_id)?;
                let entry = tx_data::eip2930_entry(tx);
                (entry, signed.signature(), tx.to.to().copied(), tx.nonce, tx.gas_limit, None)
            }
            TxEnvelope::Eip1559(signed) => {
                let tx = signed.tx();
                check_chain(tx.chain_id)?;
                let entry = tx_data::eip1559_entry(tx);
                (entry, signed.signature(), tx.to.to().copied(), tx.nonce, tx.gas_limit, None)
            }
            TxEnvelope::Eip7702(signed) => {
                let tx = signed.tx();
                check_chain(tx.chain_id)?;
                let entry = tx_data::eip7702_entry(tx);
                (entry, signed.signature(), Some(tx.to), tx.nonce, tx.gas_limit, None)
            }
            TxEnvelope::Eip4844(_) => {
                return Err(SpanBatchError::UnsupportedTxType { block, index, tx_type: 0x03 });
            }
        };
        let global_index = self.len() as u64;
        let type_len = usize::from(!matches!(envelope, TxEnvelope::Legacy(_)));
        let rlp_len = entry.len() - type_len;
        if rlp_len as u64 > MAX_SPAN_BATCH_ELEMENT_COUNT {
            return Err(SpanBatchError::TxDataTooLarge {
                index: global_index,
                len: rlp_len as u64,
            });
        }
        self.contract_creation_bits.push(to.is_none());
        self.y_parity_bits.push(sig.v());
        self.tx_sigs.push(SpanBatchSignature { r: sig.r(), s: sig.s() });
        if let Some(to) = to {
            self.tx_tos.push(to);
        }
        self.tx_datas.push(Bytes::from(entry));
        self.tx_nonces.push(nonce);
        self.tx_gases.push(gas);
        if let Some(protected) = protected {
            self.protected_bits.push(protected);
        }
        Ok(())
    }
}

/// Reads `count` uvarints (each at least one byte, so the count is checked against the input).
fn read_uvarints(
    cursor: &mut Cursor<'_>,
    count: u64,
    field: &'static str,
) -> Result<Vec<u64>, SpanBatchError> {
    cursor.ensure(count, 1, field)?;
    let mut out = Vec::with_capacity(count as usize);
    for _ in 0..count {
        out.push(cursor.uvarint(field)?);
    }
    Ok(out)
}

/// The walk of [`SpanBatchTransactions::walk`].
pub(crate) struct TxWalk<'a> {
    txs: &'a SpanBatchTransactions,
    chain_id: u64,
    /// Index of the next transaction.
    next: usize,
    tos: core::slice::Iter<'a, Address>,
    /// Legacy transactions seen so far (the index into `protected_bits`).
    legacy_index: usize,
}

impl<'a> TxWalk<'a> {
    /// Hands the next transaction to `build`: its `tx_datas` entry, the parsed entry, the
    /// values from the other columns and its index. `None` once every tx was visited.
    ///
    /// A closure rather than an `Iterator`: the parsed parts are large, and handing them on
    /// in place saves copying them per transaction.
    #[inline]
    pub(crate) fn next_with<R>(
        &mut self,
        build: impl FnOnce(
            &'a Bytes,
            ParsedTxData<'a>,
            &TxEnvelopeFields,
            u64,
        ) -> Result<R, SpanBatchError>,
    ) -> Option<Result<R, SpanBatchError>> {
        let i = self.next;
        let entry = self.txs.tx_datas.get(i)?;
        self.next += 1;
        Some(self.visit(i, entry, build))
    }

    #[inline]
    fn visit<R>(
        &mut self,
        i: usize,
        entry: &'a Bytes,
        build: impl FnOnce(
            &'a Bytes,
            ParsedTxData<'a>,
            &TxEnvelopeFields,
            u64,
        ) -> Result<R, SpanBatchError>,
    ) -> Result<R, SpanBatchError> {
        let txs = self.txs;
        let index = i as u64;
        let &first = entry.first().ok_or(SpanBatchError::InvalidTxData {
            index,
            tx_type: 0,
            error: alloy_rlp::Error::InputTooShort,
        })?;
        let tx_type = SpanTxType::from_first_byte(first)
            .ok_or(SpanBatchError::UnknownTxType { index, tx_type: first })?;
        let parsed = ParsedTxData::parse(tx_type, entry).map_err(|error| {
            SpanBatchError::InvalidTxData { index, tx_type: tx_type.type_number(), error }
        })?;
        // check_lengths guarantees every column lookup below succeeds.
        let missing =
            |field| SpanBatchError::InconsistentLengths { field, expected: txs.len(), found: i };
        let to = match txs.contract_creation_bits.get(i) {
            Some(true) => None,
            Some(false) => Some(*self.tos.next().ok_or_else(|| missing("tx_tos"))?),
            None => return Err(missing("contract_creation_bits")),
        };
        let protected = match tx_type {
            SpanTxType::Legacy => {
                let bit = txs.protected_bits.get(self.legacy_index);
                self.legacy_index += 1;
                bit.ok_or_else(|| missing("protected_bits"))?
            }
            _ => true,
        };
        let sig = txs.tx_sigs.get(i).ok_or_else(|| missing("tx_sigs"))?;
        let fields = TxEnvelopeFields {
            nonce: *txs.tx_nonces.get(i).ok_or_else(|| missing("tx_nonces"))?,
            gas_limit: *txs.tx_gases.get(i).ok_or_else(|| missing("tx_gases"))?,
            to,
            chain_id: self.chain_id,
            y_parity: txs.y_parity_bits.get(i).ok_or_else(|| missing("y_parity_bits"))?,
            r: sig.r,
            s: sig.s,
            protected,
        };
        build(entry, parsed, &fields, index)
    }
}
