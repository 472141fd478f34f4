//! The `tx_datas` entries of a span batch: reading them from the body, parsing their fields,
//! rebuilding the signed transaction, and producing them from a signed transaction.
//!
//! Entry forms (delta/span-batches.md, isthmus/derivation.md § Span Batch Updates):
//! legacy `rlp([value, gasPrice, data])`, `0x01 ++ rlp([value, gasPrice, data, accessList])`,
//! `0x02 ++ rlp([value, maxPriorityFee, maxFee, data, accessList])` and
//! `0x04 ++ rlp([value, maxPriorityFee, maxFee, data, accessList, authorizationList])`.

use super::{MAX_SPAN_BATCH_ELEMENT_COUNT, SpanBatchError, cursor::Cursor};
use alloc::vec::Vec;
use alloy_consensus::{
    TxEip1559, TxEip2930, TxEip7702, TxLegacy, transaction::RlpEcdsaEncodableTx,
};
use alloy_eips::{eip2930::AccessList, eip7702::SignedAuthorization};
use alloy_primitives::{Address, Bytes, Signature, TxKind, U256};
use alloy_rlp::{Decodable, EMPTY_STRING_CODE, Encodable, Header};

/// The transaction types a span batch can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanTxType {
    /// Legacy (untyped) transaction, EIP-155 protected or not.
    Legacy,
    /// EIP-2930 access-list transaction (type 1).
    Eip2930,
    /// EIP-1559 dynamic-fee transaction (type 2).
    Eip1559,
    /// EIP-7702 set-code transaction (type 4, Isthmus).
    Eip7702,
}

impl SpanTxType {
    /// The type of a `tx_datas` entry (or of a signed EIP-2718 transaction) from its first
    /// byte: above `0x7f` is legacy, `0x01`/`0x02`/`0x04` are typed, anything else is not a
    /// span batch type.
    pub const fn from_first_byte(byte: u8) -> Option<Self> {
        match byte {
            0x01 => Some(Self::Eip2930),
            0x02 => Some(Self::Eip1559),
            0x04 => Some(Self::Eip7702),
            0x80..=0xff => Some(Self::Legacy),
            _ => None,
        }
    }

    /// The EIP-2718 type byte, `None` for legacy.
    pub const fn type_byte(self) -> Option<u8> {
        match self {
            Self::Legacy => None,
            Self::Eip2930 => Some(0x01),
            Self::Eip1559 => Some(0x02),
            Self::Eip7702 => Some(0x04),
        }
    }

    /// The EIP-2718 type number (0 for legacy).
    pub const fn type_number(self) -> u8 {
        match self.type_byte() {
            Some(b) => b,
            None => 0,
        }
    }
}

/// Reads one `tx_datas` entry: an optional type byte and one RLP list, taken whole.
///
/// As op-node does here, only the framing is checked (type, list header, size); the fields are
/// parsed when the batch is expanded. Returns the entry's length and type.
pub(crate) fn read_tx_data(
    cursor: &mut Cursor<'_>,
    index: u64,
) -> Result<(usize, SpanTxType), SpanBatchError> {
    const FIELD: &str = "tx_datas";
    let rest = cursor.rest();
    let &first = rest.first().ok_or_else(|| cursor.truncated(FIELD, 1))?;
    let tx_type = SpanTxType::from_first_byte(first)
        .ok_or(SpanBatchError::UnknownTxType { index, tx_type: first })?;
    let type_len = usize::from(tx_type.type_byte().is_some());
    let rlp = rest.get(type_len..).unwrap_or_default();
    let mut body = rlp;
    let header = Header::decode(&mut body).map_err(|error| match error {
        // The header or its payload runs past the end of the input.
        alloy_rlp::Error::InputTooShort => cursor.truncated(FIELD, rest.len() as u64 + 1),
        error => SpanBatchError::TxDataRlp { index, error },
    })?;
    if !header.list {
        return Err(SpanBatchError::TxDataNotList { index });
    }
    let rlp_len = (rlp.len() - body.len()) + header.payload_length;
    // op-node reads the entry with an RLP stream limited to this many bytes.
    if rlp_len as u64 > MAX_SPAN_BATCH_ELEMENT_COUNT {
        return Err(SpanBatchError::TxDataTooLarge { index, len: rlp_len as u64 });
    }
    let total = type_len + rlp_len;
    cursor.take(total, FIELD)?;
    Ok((total, tx_type))
}

/// An RLP integer of unbounded width: geth decodes these span fields into `*big.Int`, so a
/// value wider than alloy's field types must still round-trip (see [`ParsedTxData::into_signed_tx`]).
#[derive(Clone, Copy, Debug)]
struct RlpUint<'a> {
    /// The whole RLP item.
    raw: &'a [u8],
    /// Big-endian magnitude without leading zeros.
    magnitude: &'a [u8],
}

impl<'a> RlpUint<'a> {
    /// Decodes a canonical RLP integer at most `max_len` bytes wide (if given).
    fn decode(buf: &mut &'a [u8], max_len: Option<usize>) -> alloy_rlp::Result<Self> {
        let start = *buf;
        let magnitude = Header::decode_bytes(buf, false)?;
        if magnitude.first() == Some(&0) {
            return Err(alloy_rlp::Error::LeadingZero);
        }
        if max_len.is_some_and(|max| magnitude.len() > max) {
            return Err(alloy_rlp::Error::Overflow);
        }
        let raw = start.get(..start.len() - buf.len()).unwrap_or_default();
        Ok(Self { raw, magnitude })
    }

    fn to_u256(self) -> Option<U256> {
        U256::try_from_be_slice(self.magnitude)
    }

    fn to_u128(self) -> Option<u128> {
        if self.magnitude.len() > 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        buf.get_mut(16 - self.magnitude.len()..)?.copy_from_slice(self.magnitude);
        Some(u128::from_be_bytes(buf))
    }
}

/// `part` as a shared slice of `whole` when it lies inside it (no copy), else a copy.
fn sub_bytes(whole: &Bytes, part: &[u8]) -> Bytes {
    let offset = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    match offset.checked_add(part.len()) {
        Some(end) if !part.is_empty() && end <= whole.len() => whole.slice(offset..end),
        _ => Bytes::copy_from_slice(part),
    }
}

/// Takes one whole RLP item (header and payload) from the front of `buf`.
fn raw_item<'a>(buf: &mut &'a [u8]) -> alloy_rlp::Result<&'a [u8]> {
    let start = *buf;
    let header = Header::decode(buf)?;
    *buf = buf.get(header.payload_length..).ok_or(alloy_rlp::Error::InputTooShort)?;
    Ok(start.get(..start.len() - buf.len()).unwrap_or_default())
}

/// Decodes a whole RLP item of type `T`, keeping its raw bytes.
fn typed_item<'a, T: Decodable>(buf: &mut &'a [u8]) -> alloy_rlp::Result<(&'a [u8], T)> {
    let raw = raw_item(buf)?;
    let mut view = raw;
    let value = T::decode(&mut view)?;
    if !view.is_empty() {
        return Err(alloy_rlp::Error::UnexpectedLength);
    }
    Ok((raw, value))
}

/// The per-transaction values that live outside `tx_datas`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TxEnvelopeFields {
    pub(crate) nonce: u64,
    pub(crate) gas_limit: u64,
    /// `None` for a contract creation.
    pub(crate) to: Option<Address>,
    pub(crate) chain_id: u64,
    pub(crate) y_parity: bool,
    pub(crate) r: U256,
    pub(crate) s: U256,
    /// EIP-155 protection; only meaningful for legacy transactions.
    pub(crate) protected: bool,
}

impl TxEnvelopeFields {
    /// Legacy `v`: `27 + y` unprotected, `2·chainId + 35 + y` protected.
    fn legacy_v(&self) -> u128 {
        let y = u128::from(self.y_parity);
        if self.protected { 2 * u128::from(self.chain_id) + 35 + y } else { 27 + y }
    }

    fn signature(&self) -> Signature {
        Signature::new(self.r, self.s, self.y_parity)
    }

    fn kind(&self) -> TxKind {
        self.to.map_or(TxKind::Create, TxKind::Call)
    }
}

/// A `tx_datas` entry with its fields parsed (and validated as geth decodes them).
#[derive(Clone, Debug)]
pub(crate) struct ParsedTxData<'a> {
    tx_type: SpanTxType,
    value: RlpUint<'a>,
    /// Gas price (legacy, 2930) or max priority fee (1559, 7702).
    fee: RlpUint<'a>,
    /// Max fee per gas (1559, 7702).
    max_fee: Option<RlpUint<'a>>,
    /// The calldata item, raw, and its payload.
    input: (&'a [u8], &'a [u8]),
    access_list: Option<(&'a [u8], AccessList)>,
    authorization_list: Option<(&'a [u8], Vec<SignedAuthorization>)>,
}

impl<'a> ParsedTxData<'a> {
    /// Parses an entry of the given type (its first byte must agree).
    #[inline]
    pub(crate) fn parse(tx_type: SpanTxType, entry: &'a [u8]) -> alloy_rlp::Result<Self> {
        let mut body = match tx_type.type_byte() {
            Some(_) => entry.get(1..).ok_or(alloy_rlp::Error::InputTooShort)?,
            None => entry,
        };
        let header = Header::decode(&mut body)?;
        if !header.list {
            return Err(alloy_rlp::Error::UnexpectedString);
        }
        let (mut fields, trailing) =
            body.split_at_checked(header.payload_length).ok_or(alloy_rlp::Error::InputTooShort)?;
        if !trailing.is_empty() {
            return Err(alloy_rlp::Error::UnexpectedLength);
        }
        // geth: `*big.Int` for legacy/2930/1559 amounts, `*uint256.Int` for 7702.
        let width = (tx_type == SpanTxType::Eip7702).then_some(32);
        let dynamic_fee = matches!(tx_type, SpanTxType::Eip1559 | SpanTxType::Eip7702);
        let value = RlpUint::decode(&mut fields, width)?;
        let fee = RlpUint::decode(&mut fields, width)?;
        let max_fee = if dynamic_fee { Some(RlpUint::decode(&mut fields, width)?) } else { None };
        let input_raw = fields;
        let input = Header::decode_bytes(&mut fields, false)?;
        let input_raw = input_raw.get(..input_raw.len() - fields.len()).unwrap_or_default();
        let access_list = match tx_type {
            SpanTxType::Legacy => None,
            _ => Some(typed_item::<AccessList>(&mut fields)?),
        };
        let authorization_list = match tx_type {
            SpanTxType::Eip7702 => Some(typed_item::<Vec<SignedAuthorization>>(&mut fields)?),
            _ => None,
        };
        if !fields.is_empty() {
            return Err(alloy_rlp::Error::ListLengthMismatch {
                expected: header.payload_length - fields.len(),
                got: header.payload_length,
            });
        }
        Ok(Self {
            tx_type,
            value,
            fee,
            max_fee,
            input: (input_raw, input),
            access_list,
            authorization_list,
        })
    }

    /// Appends the signed transaction's EIP-2718 encoding to `out`.
    ///
    /// `entry` is the `tx_datas` entry this was parsed from: the calldata is taken from it as a
    /// shared slice rather than copied.
    ///
    /// alloy's types are used whenever the amounts fit them (always, for real transactions).
    /// A batch may still carry a wider amount: op-node then emits the transaction anyway (the
    /// engine rejects it later), so the same bytes are produced by splicing the raw items.
    pub(crate) fn encode_signed_tx(
        self,
        f: &TxEnvelopeFields,
        index: u64,
        entry: &Bytes,
        out: &mut Vec<u8>,
    ) -> Result<(), SpanBatchError> {
        let to = match (self.tx_type, f.to) {
            // geth: "to address is required for SetCodeTx".
            (SpanTxType::Eip7702, None) => {
                return Err(SpanBatchError::SetCodeContractCreation { index });
            }
            (_, to) => to,
        };
        let max_fee = match self.max_fee {
            Some(max_fee) => max_fee.to_u128().map(Some),
            None => Some(None),
        };
        let (Some(value), Some(fee), Some(max_fee)) =
            (self.value.to_u256(), self.fee.to_u128(), max_fee)
        else {
            out.extend_from_slice(&self.splice_signed_tx(f, index)?);
            return Ok(());
        };
        let max_fee = max_fee.unwrap_or_default();
        let input = sub_bytes(entry, self.input.1);
        let access_list = self.access_list.map(|(_, list)| list).unwrap_or_default();
        let authorization_list = self.authorization_list.map(|(_, list)| list).unwrap_or_default();
        let sig = f.signature();
        // The tx types' own encoders, as `Signed::encode_2718` calls them, straight into `out`.
        match self.tx_type {
            SpanTxType::Legacy => TxLegacy {
                chain_id: f.protected.then_some(f.chain_id),
                nonce: f.nonce,
                gas_price: fee,
                gas_limit: f.gas_limit,
                to: f.kind(),
                value,
                input,
            }
            .eip2718_encode(&sig, out),
            SpanTxType::Eip2930 => TxEip2930 {
                chain_id: f.chain_id,
                nonce: f.nonce,
                gas_price: fee,
                gas_limit: f.gas_limit,
                to: f.kind(),
                value,
                access_list,
                input,
            }
            .eip2718_encode(&sig, out),
            SpanTxType::Eip1559 => TxEip1559 {
                chain_id: f.chain_id,
                nonce: f.nonce,
                gas_limit: f.gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: fee,
                to: f.kind(),
                value,
                access_list,
                input,
            }
            .eip2718_encode(&sig, out),
            SpanTxType::Eip7702 => TxEip7702 {
                chain_id: f.chain_id,
                nonce: f.nonce,
                gas_limit: f.gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: fee,
                to: to.unwrap_or_default(),
                value,
                access_list,
                authorization_list,
                input,
            }
            .eip2718_encode(&sig, out),
        }
        Ok(())
    }

    /// Builds the signed transaction by splicing the entry's raw RLP items with the other
    /// fields, in geth's field order. Used for amounts too wide for alloy's types.
    pub(crate) fn splice_signed_tx(
        &self,
        f: &TxEnvelopeFields,
        index: u64,
    ) -> Result<Vec<u8>, SpanBatchError> {
        let mut p: Vec<u8> = Vec::new();
        let to = |p: &mut Vec<u8>| match f.to {
            Some(to) => to.encode(p),
            None => p.push(EMPTY_STRING_CODE),
        };
        let raw =
            |item: Option<&[u8]>, p: &mut Vec<u8>| p.extend_from_slice(item.unwrap_or_default());
        let max_fee = self.max_fee.map(|m| m.raw);
        let access_list = self.access_list.as_ref().map(|(raw, _)| *raw);
        let authorization_list = self.authorization_list.as_ref().map(|(raw, _)| *raw);
        if self.tx_type != SpanTxType::Legacy {
            f.chain_id.encode(&mut p);
        }
        f.nonce.encode(&mut p);
        raw(Some(self.fee.raw), &mut p);
        raw(max_fee, &mut p);
        f.gas_limit.encode(&mut p);
        match self.tx_type {
            SpanTxType::Eip7702 => match f.to {
                Some(_) => to(&mut p),
                None => return Err(SpanBatchError::SetCodeContractCreation { index }),
            },
            _ => to(&mut p),
        }
        raw(Some(self.value.raw), &mut p);
        raw(Some(self.input.0), &mut p);
        raw(access_list, &mut p);
        raw(authorization_list, &mut p);
        match self.tx_type {
            SpanTxType::Legacy => f.legacy_v().encode(&mut p),
            _ => f.y_parity.encode(&mut p),
        }
        f.r.encode(&mut p);
        f.s.encode(&mut p);
        let mut out = Vec::with_capacity(p.len() + 10);
        if let Some(ty) = self.tx_type.type_byte() {
            out.push(ty);
        }
        Header { list: true, payload_length: p.len() }.encode(&mut out);
        out.extend_from_slice(&p);
        Ok(out)
    }
}

/// Appends a `tx_datas` entry: optional type byte, then an RLP list of `fields`.
fn write_entry(out: &mut Vec<u8>, tx_type: SpanTxType, fields: &[&dyn Encodable]) {
    if let Some(ty) = tx_type.type_byte() {
        out.push(ty);
    }
    let payload_length = fields.iter().map(|f| f.length()).sum();
    Header { list: true, payload_length }.encode(out);
    for field in fields {
        field.encode(out);
    }
}

/// The `tx_datas` entry of a legacy transaction.
pub(crate) fn legacy_entry(tx: &TxLegacy) -> Vec<u8> {
    let mut out = Vec::new();
    write_entry(&mut out, SpanTxType::Legacy, &[&tx.value, &tx.gas_price, &tx.input]);
    out
}

/// The `tx_datas` entry of an EIP-2930 transaction.
pub(crate) fn eip2930_entry(tx: &TxEip2930) -> Vec<u8> {
    let mut out = Vec::new();
    let fields: [&dyn Encodable; 4] = [&tx.value, &tx.gas_price, &tx.input, &tx.access_list];
    write_entry(&mut out, SpanTxType::Eip2930, &fields);
    out
}

/// The `tx_datas` entry of an EIP-1559 transaction.
pub(crate) fn eip1559_entry(tx: &TxEip1559) -> Vec<u8> {
    let mut out = Vec::new();
    let fields: [&dyn Encodable; 5] =
        [&tx.value, &tx.max_priority_fee_per_gas, &tx.max_fee_per_gas, &tx.input, &tx.access_list];
    write_entry(&mut out, SpanTxType::Eip1559, &fields);
    out
}

/// The `tx_datas` entry of an EIP-7702 transaction.
pub(crate) fn eip7702_entry(tx: &TxEip7702) -> Vec<u8> {
    let mut out = Vec::new();
    let fields: [&dyn Encodable; 6] = [
        &tx.value,
        &tx.max_priority_fee_per_gas,
        &tx.max_fee_per_gas,
        &tx.input,
        &tx.access_list,
        &tx.authorization_list,
    ];
    write_entry(&mut out, SpanTxType::Eip7702, &fields);
    out
}
